// The edge between the reconciliation and the history store: read node-hours, correct them with the
// bill, remember what was estimated (the store keeps only the corrected figure), and build the report.
import type { HistoryStore } from '../store/types.ts';
import type { BilledUsage } from './bill.ts';
import { HOUR_MS } from './bill.ts';
import type { NodeHour, Reconciliation } from './reconcile.ts';
import { reconcile } from './reconcile.ts';

/**
 * What history held for each node-hour before it was reconciled, keyed `node\0hourStartMs`. Kept
 * in memory (bounded: the oldest entries go first); after a restart, hours reconciled before it
 * report their reconciled cost as the estimate.
 */
export class EstimateMemory {
  readonly #map = new Map<string, number>();
  readonly #limit: number;
  constructor(limit = 2_000_000) {
    this.#limit = limit;
  }
  get(node: string, hourStartMs: number): number | undefined {
    return this.#map.get(`${node}\u0000${hourStartMs}`);
  }
  remember(node: string, hourStartMs: number, usd: number): void {
    const k = `${node}\u0000${hourStartMs}`;
    if (this.#map.has(k)) return;
    if (this.#map.size >= this.#limit) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(k, usd);
  }
  get size(): number {
    return this.#map.size;
  }
}

/** Node-hours of a cluster over [startMs, endMs) (whole hours), with the estimate each started from. */
export async function readNodeHours(store: HistoryStore, cluster: string, startMs: number, endMs: number, estimates?: EstimateMemory): Promise<NodeHour[]> {
  const from = Math.floor(startMs / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(endMs / HOUR_MS) * HOUR_MS;
  const out: NodeHour[] = [];
  if (to <= from) return out;
  const sets = await store.nodes({ startMs: from, endMs: to, stepMs: HOUR_MS, clusters: [cluster] });
  for (const set of sets) {
    const hour = Math.floor(set.startMs / HOUR_MS) * HOUR_MS;
    for (const r of set.rows) {
      const remembered = estimates?.get(r.node, hour);
      out.push({ node: r.node, providerId: r.providerId, hourStartMs: hour, minutes: r.minutes, estimatedUsd: remembered ?? r.totalCostUsd, currentUsd: r.totalCostUsd });
    }
  }
  return out;
}

/** Reconciles the history of one cluster with the bill over [startMs, endMs); `apply` writes the corrected costs. */
export async function reconcileHistory(input: {
  readonly store: HistoryStore;
  readonly cluster: string;
  readonly usage: BilledUsage;
  readonly startMs: number;
  readonly endMs: number;
  readonly estimates?: EstimateMemory;
  readonly apply?: boolean;
  readonly topDifferences?: number;
  /** Node-hours written per store transaction (default 2,000): a first reconciliation of a month
   * for many nodes runs in many short transactions, never holding the store for long. */
  readonly chunk?: number;
}): Promise<Reconciliation & { readonly changedNodeHours: number }> {
  const { store, cluster, usage, startMs, endMs, estimates, apply = true } = input;
  const nodeHours = await readNodeHours(store, cluster, startMs, endMs, estimates);
  const result = reconcile({ nodeHours, usage, startMs, endMs, ...(input.topDifferences !== undefined ? { topDifferences: input.topDifferences } : {}) });
  let changedNodeHours = 0;
  if (apply && result.bills.length > 0) {
    if (estimates) {
      // Only the node-hours about to change: their estimate is what the store will no longer hold.
      const byKey = new Map(nodeHours.map((h) => [`${h.node}\u0000${h.hourStartMs}`, h.estimatedUsd]));
      for (const b of result.bills) {
        const e = byKey.get(`${b.node}\u0000${b.hourStartMs}`);
        if (e !== undefined) estimates.remember(b.node, b.hourStartMs, e);
      }
    }
    const chunk = input.chunk ?? 2_000;
    for (let i = 0; i < result.bills.length; i += chunk) {
      changedNodeHours += await store.reconcileNodeHours(cluster, result.bills.slice(i, i + chunk));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { ...result, changedNodeHours };
}
