// Reconciliation: the bill against the history. For each VM billing period matched to a node, the
// node's recorded hours in it get the billed amount (after discounts), split over those hours in
// proportion to what was estimated for them (an hour of a daily Azure line costs what its share of
// the day's estimate says). The result is one bill per node-hour (what history is corrected to) and
// the report: estimated vs billed per day, the share of node-hours matched, and the biggest
// differences with their reason. Pure: the store and the bill files are read at the edge (service.ts).
import type { BilledPeriod, BilledResource, BilledUsage } from './bill.ts';
import { HOUR_MS, periodNetUsd } from './bill.ts';
import { nodeBillKeys } from './match.ts';

const DAY_MS = 86_400_000;

/** One node over one hour of history, as the store answers with stepMs = 1h. */
export interface NodeHour {
  readonly node: string;
  readonly providerId: string;
  readonly hourStartMs: number;
  readonly minutes: number;
  /** What the history held for the hour before this reconciliation (USD). */
  readonly estimatedUsd: number;
  /** What the history holds now (USD): the estimate, or the billed cost of an earlier run. Default: estimatedUsd. */
  readonly currentUsd?: number;
}

export type DifferenceReason = 'ri-sp-coverage' | 'spot-price' | 'discount' | 'list-price';

export const UNMATCHED_TEXT: Readonly<Record<UnmatchedNode['why'], string>> = {
  'no-provider-id': 'the node has no cloud spec.providerID to look up in the bill',
  'not-on-bill': 'no bill line for this instance (another account, or the bill lacks resource ids)',
  'hours-not-billed': 'the bill has no line for these hours of the instance (not billed yet, or a partial bill)',
};

export const REASON_TEXT: Readonly<Record<DifferenceReason, string>> = {
  'ri-sp-coverage': 'covered by a reserved instance, savings plan or committed-use discount: billed at the amortized rate',
  'spot-price': 'spot: billed at the spot market price, not the estimate',
  discount: 'discounts on the bill (EDP, private rates, credits)',
  'list-price': 'billed on-demand at a different rate than the estimate',
};

export interface NodeHourBill {
  readonly node: string;
  readonly hourStartMs: number;
  readonly billedCostUsd: number;
}

export interface ReconciliationDay {
  readonly dayStartMs: number;
  /** Σ estimated cost of every node-hour of the day inside the bill's span. */
  readonly estimatedUsd: number;
  /** Σ estimated cost of the matched node-hours. */
  readonly matchedEstimatedUsd: number;
  /** Σ billed cost of the matched node-hours. */
  readonly billedUsd: number;
  /** billed for matched + estimated for unmatched: what history holds after reconciliation. */
  readonly reconciledUsd: number;
  readonly nodeHours: number;
  readonly matchedNodeHours: number;
}

export interface ReconciliationDifference {
  readonly node: string;
  readonly providerId: string;
  readonly dayStartMs: number;
  readonly estimatedUsd: number;
  readonly billedUsd: number;
  /** billed − estimated. */
  readonly differenceUsd: number;
  readonly reason: DifferenceReason;
}

export interface UnmatchedNode {
  readonly node: string;
  readonly providerId: string;
  readonly nodeHours: number;
  readonly estimatedUsd: number;
  /** Why: no providerID, an instance the bill does not have, or hours the bill has no line for. */
  readonly why: 'no-provider-id' | 'not-on-bill' | 'hours-not-billed';
}

export interface ReconciliationReport {
  readonly startMs: number;
  readonly endMs: number;
  /** The time the bill covers (first and last VM charge), undefined when it has none. */
  readonly billStartMs: number | undefined;
  readonly billEndMs: number | undefined;
  readonly days: readonly ReconciliationDay[];
  readonly totals: Omit<ReconciliationDay, 'dayStartMs'> & { readonly matchedRatio: number };
  /** Matched node-days, biggest |billed − estimated| first. */
  readonly differences: readonly ReconciliationDifference[];
  /** Nodes with hours the bill does not cover, largest estimate first: their cost stays estimated. */
  readonly unmatched: readonly UnmatchedNode[];
  /** VMs on the bill that no node of this cluster was (other clusters, plain VMs). */
  readonly billedWithoutNode: { readonly instances: number; readonly billedUsd: number };
}

export interface Reconciliation {
  /** Node-hours whose recorded cost differs from the bill (those already at it are left out). */
  readonly bills: readonly NodeHourBill[];
  readonly report: ReconciliationReport;
}

interface Acc {
  costUsd: number;
  reservedUsd: number;
  spotUsd: number;
  discountUsd: number;
  commitmentUsd: number;
}

function reasonOf(a: Acc): DifferenceReason {
  if (a.commitmentUsd < 0 || a.reservedUsd > a.costUsd / 2) return 'ri-sp-coverage';
  if (a.spotUsd > a.costUsd / 2) return 'spot-price';
  if (a.discountUsd < -1e-9) return 'discount';
  return 'list-price';
}

/**
 * Reconciles node-hours [startMs, endMs) with the billed usage. Node-hours outside the bill's span
 * are neither matched nor unmatched (not billed yet) and are left out of the report's figures.
 */
export function reconcile(input: { readonly nodeHours: readonly NodeHour[]; readonly usage: BilledUsage; readonly startMs: number; readonly endMs: number; readonly topDifferences?: number }): Reconciliation {
  const { nodeHours, usage, startMs, endMs, topDifferences = 20 } = input;
  const billStart = usage.firstMs;
  const billEnd = usage.lastMs;
  // 1. Nodes → bill resources.
  const byResource = new Map<string, { resource: BilledResource; hours: NodeHour[] }>();
  const unmatched: NodeHour[] = [];
  const inSpan = nodeHours.filter((h) => h.hourStartMs >= startMs && h.hourStartMs < endMs && billStart !== undefined && billEnd !== undefined && h.hourStartMs + HOUR_MS > billStart && h.hourStartMs < billEnd);
  const resourceOf = new Map<string, BilledResource | undefined>();
  for (const h of inSpan) {
    let r = resourceOf.get(h.providerId);
    if (!resourceOf.has(h.providerId)) {
      const keys = nodeBillKeys(h.providerId);
      r = undefined;
      if (keys) {
        for (const k of keys.keys) {
          r = usage.resources.get(k);
          if (r) break;
        }
        if (!r && keys.sharedKey !== undefined) r = usage.resources.get(keys.sharedKey);
      }
      resourceOf.set(h.providerId, r);
    }
    if (!r) {
      unmatched.push(h);
      continue;
    }
    let e = byResource.get(r.key);
    if (!e) {
      e = { resource: r, hours: [] };
      byResource.set(r.key, e);
    }
    e.hours.push(h);
  }
  // 2. Each billed period → its node-hours.
  const bills: NodeHourBill[] = [];
  const matchedHours: { h: NodeHour; billedUsd: number; period: BilledPeriod; share: number }[] = [];
  for (const { resource, hours } of byResource.values()) {
    hours.sort((a, b) => a.hourStartMs - b.hourStartMs);
    const periods = [...resource.periods.values()].sort((a, b) => a.startMs - b.startMs);
    let i = 0;
    for (const p of periods) {
      while (i < hours.length && (hours[i] as NodeHour).hourStartMs < p.startMs - HOUR_MS + 1) i++;
      const inPeriod: NodeHour[] = [];
      for (let j = i; j < hours.length && (hours[j] as NodeHour).hourStartMs < p.endMs; j++) {
        const h = hours[j] as NodeHour;
        if (h.hourStartMs + HOUR_MS > p.startMs) inPeriod.push(h);
      }
      if (inPeriod.length === 0) continue;
      let net = periodNetUsd(p);
      if (p.usageHours !== undefined && p.usageHours > 0) {
        const recordedHours = inPeriod.reduce((s, h) => s + h.minutes / 60, 0);
        net *= Math.min(1, recordedHours / p.usageHours);
      }
      const estimated = inPeriod.reduce((s, h) => s + h.estimatedUsd, 0);
      const minutes = inPeriod.reduce((s, h) => s + h.minutes, 0);
      for (const h of inPeriod) {
        const share = estimated > 0 ? h.estimatedUsd / estimated : minutes > 0 ? h.minutes / minutes : 1 / inPeriod.length;
        matchedHours.push({ h, billedUsd: net * share, period: p, share });
      }
    }
    // Node-hours of a matched instance outside every billed period: the instance ran unbilled? No —
    // the bill has no line for that hour (not billed yet, or the bill is partial): still estimated.
  }
  const matchedSet = new Set(matchedHours.map((m) => m.h));
  for (const e of byResource.values()) for (const h of e.hours) if (!matchedSet.has(h)) unmatched.push(h);
  // One bill per node-hour (a node-hour can meet two periods at a day or hour boundary).
  const perNodeHour = new Map<string, { node: string; hourStartMs: number; billedCostUsd: number; currentUsd: number }>();
  for (const m of matchedHours) {
    const k = `${m.h.node}\u0000${m.h.hourStartMs}`;
    const had = perNodeHour.get(k);
    if (had) had.billedCostUsd += m.billedUsd;
    else perNodeHour.set(k, { node: m.h.node, hourStartMs: m.h.hourStartMs, billedCostUsd: m.billedUsd, currentUsd: m.h.currentUsd ?? m.h.estimatedUsd });
  }
  for (const b of perNodeHour.values()) {
    if (Math.abs(b.billedCostUsd - b.currentUsd) <= 1e-12 * Math.max(1, Math.abs(b.billedCostUsd))) continue;
    bills.push({ node: b.node, hourStartMs: b.hourStartMs, billedCostUsd: b.billedCostUsd });
  }
  // 3. Report.
  const days = new Map<number, { estimatedUsd: number; matchedEstimatedUsd: number; billedUsd: number; nodeHours: number; matchedNodeHours: number }>();
  const day = (t: number) => {
    const d = Math.floor(t / DAY_MS) * DAY_MS;
    let x = days.get(d);
    if (!x) {
      x = { estimatedUsd: 0, matchedEstimatedUsd: 0, billedUsd: 0, nodeHours: 0, matchedNodeHours: 0 };
      days.set(d, x);
    }
    return x;
  };
  const nodeDays = new Map<string, { node: string; providerId: string; dayStartMs: number; estimatedUsd: number; billedUsd: number; matched: boolean; acc: Acc }>();
  const nodeDay = (h: NodeHour, matched: boolean) => {
    const d = Math.floor(h.hourStartMs / DAY_MS) * DAY_MS;
    const k = `${h.node}\u0000${d}\u0000${matched ? 1 : 0}`;
    let x = nodeDays.get(k);
    if (!x) {
      x = { node: h.node, providerId: h.providerId, dayStartMs: d, estimatedUsd: 0, billedUsd: 0, matched, acc: { costUsd: 0, reservedUsd: 0, spotUsd: 0, discountUsd: 0, commitmentUsd: 0 } };
      nodeDays.set(k, x);
    }
    return x;
  };
  const counted = new Set<NodeHour>();
  for (const m of matchedHours) {
    const d = day(m.h.hourStartMs);
    const nd = nodeDay(m.h, true);
    d.billedUsd += m.billedUsd;
    nd.billedUsd += m.billedUsd;
    if (!counted.has(m.h)) {
      counted.add(m.h);
      d.estimatedUsd += m.h.estimatedUsd;
      d.matchedEstimatedUsd += m.h.estimatedUsd;
      d.nodeHours += m.h.minutes / 60;
      d.matchedNodeHours += m.h.minutes / 60;
      nd.estimatedUsd += m.h.estimatedUsd;
    }
    const p = m.period;
    nd.acc.costUsd += p.costUsd * m.share;
    nd.acc.reservedUsd += (p.byKindUsd.reserved + p.byKindUsd['savings-plan']) * m.share;
    nd.acc.spotUsd += p.byKindUsd.spot * m.share;
    nd.acc.discountUsd += p.discountUsd * m.share;
    nd.acc.commitmentUsd += p.commitmentUsd * m.share;
  }
  for (const h of unmatched) {
    const d = day(h.hourStartMs);
    d.estimatedUsd += h.estimatedUsd;
    d.nodeHours += h.minutes / 60;
  }
  const dayRows: ReconciliationDay[] = [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([dayStartMs, d]) => ({ dayStartMs, ...d, reconciledUsd: d.billedUsd + (d.estimatedUsd - d.matchedEstimatedUsd) }));
  const sum = (f: (d: ReconciliationDay) => number) => dayRows.reduce((s, d) => s + f(d), 0);
  const nodeHoursTotal = sum((d) => d.nodeHours);
  const matchedTotal = sum((d) => d.matchedNodeHours);
  const differences: ReconciliationDifference[] = [...nodeDays.values()]
    .filter((x) => x.matched)
    .map((x) => ({ node: x.node, providerId: x.providerId, dayStartMs: x.dayStartMs, estimatedUsd: x.estimatedUsd, billedUsd: x.billedUsd, differenceUsd: x.billedUsd - x.estimatedUsd, reason: reasonOf(x.acc) }));
  differences.sort((a, b) => Math.abs(b.differenceUsd) - Math.abs(a.differenceUsd) || a.dayStartMs - b.dayStartMs || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const unmatchedByNode = new Map<string, { node: string; providerId: string; nodeHours: number; estimatedUsd: number; why: UnmatchedNode['why'] }>();
  for (const h of unmatched) {
    let u = unmatchedByNode.get(h.node);
    if (!u) {
      const why: UnmatchedNode['why'] = nodeBillKeys(h.providerId) === undefined ? 'no-provider-id' : resourceOf.get(h.providerId) === undefined ? 'not-on-bill' : 'hours-not-billed';
      u = { node: h.node, providerId: h.providerId, nodeHours: 0, estimatedUsd: 0, why };
      unmatchedByNode.set(h.node, u);
    }
    u.nodeHours += h.minutes / 60;
    u.estimatedUsd += h.estimatedUsd;
  }
  const unmatchedNodes = [...unmatchedByNode.values()].sort((a, b) => b.estimatedUsd - a.estimatedUsd || (a.node < b.node ? -1 : 1));
  const matchedKeys = new Set(byResource.keys());
  let without = 0;
  let withoutUsd = 0;
  for (const r of usage.resources.values()) {
    if (matchedKeys.has(r.key)) continue;
    let any = false;
    for (const p of r.periods.values()) {
      if (p.endMs <= startMs || p.startMs >= endMs) continue;
      any = true;
      withoutUsd += periodNetUsd(p);
    }
    if (any) without++;
  }
  return {
    bills,
    report: {
      startMs,
      endMs,
      billStartMs: billStart,
      billEndMs: billEnd,
      days: dayRows,
      totals: {
        estimatedUsd: sum((d) => d.estimatedUsd),
        matchedEstimatedUsd: sum((d) => d.matchedEstimatedUsd),
        billedUsd: sum((d) => d.billedUsd),
        reconciledUsd: sum((d) => d.reconciledUsd),
        nodeHours: nodeHoursTotal,
        matchedNodeHours: matchedTotal,
        matchedRatio: nodeHoursTotal > 0 ? matchedTotal / nodeHoursTotal : 0,
      },
      differences: differences.slice(0, topDifferences),
      unmatched: unmatchedNodes.slice(0, topDifferences),
      billedWithoutNode: { instances: without, billedUsd: withoutUsd },
    },
  };
}
