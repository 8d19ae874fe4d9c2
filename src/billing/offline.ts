// Offline reconciliation (`kubectl cost reconcile --snapshot ... --bill DIR`): no history, so the
// node-hours come from the snapshot's nodes priced now — each node whose instance is on the bill for
// every hour the bill has it, each node the bill does not know for every hour of the window (it is
// in the cluster now; whether it ran all along the snapshot cannot say). Pure.
import type { BilledUsage } from './bill.ts';
import { HOUR_MS } from './bill.ts';
import { nodeBillKeys } from './match.ts';
import type { NodeHour } from './reconcile.ts';

export interface OfflineNode {
  readonly node: string;
  readonly providerId: string;
  /** The node's estimated price now (USD per hour). */
  readonly hourlyUsd: number;
}

export function offlineNodeHours(nodes: readonly OfflineNode[], usage: BilledUsage, startMs: number, endMs: number): NodeHour[] {
  const out: NodeHour[] = [];
  const from = Math.floor(startMs / HOUR_MS) * HOUR_MS;
  for (const n of nodes) {
    const keys = nodeBillKeys(n.providerId);
    const resource = keys ? (keys.keys.map((k) => usage.resources.get(k)).find((r) => r !== undefined) ?? (keys.sharedKey !== undefined ? usage.resources.get(keys.sharedKey) : undefined)) : undefined;
    const hours = new Set<number>();
    if (resource) {
      for (const p of resource.periods.values()) {
        for (let h = Math.floor(p.startMs / HOUR_MS) * HOUR_MS; h < p.endMs; h += HOUR_MS) if (h >= from && h < endMs) hours.add(h);
      }
    } else {
      for (let h = from; h < endMs; h += HOUR_MS) hours.add(h);
    }
    for (const h of [...hours].sort((a, b) => a - b)) out.push({ node: n.node, providerId: n.providerId, hourStartMs: h, minutes: 60, estimatedUsd: n.hourlyUsd });
  }
  return out;
}
