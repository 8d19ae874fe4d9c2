// /api/v1/summary (pure): what a window cost, split by component, against the window of the same
// length just before it, and the namespaces that cost most.
//   compute       CPU + RAM + GPU of pods            idle          CPU + RAM + GPU nobody requested
//   storage       volumes (mounted and unmounted)    network       network charges
//   loadBalancers Services of type LoadBalancer       management    control-plane fees
//   totalCost = the sum of the six; change.amount = total − previous; change.ratio = amount / previous
//   (null when the previous window cost nothing or has no data: a ratio from nothing means nothing)
// With a filter, everything is the filtered allocations' (idle: the part that would have been
// shared with them, as /allocation shows it); the management fee, which belongs to no allocation,
// is counted when its cluster as a whole passes the filter (`cluster:"east"`, as the hub's UI asks;
// `namespace!:"dev"`), and left out when the filter selects namespaces, labels, nodes...
import type { AllocationInterval, ClusterInterval, StepSet } from '../store/types.ts';
import { computeAllocations } from './allocation.ts';
import type { Cell } from './csv.ts';
import { toCsv } from './csv.ts';
import type { FilterNode, FilterSubject } from './filter.ts';
import { matches } from './filter.ts';
import { rfc3339 } from './render.ts';
import type { Window } from './window.ts';

export interface Split {
  compute: number;
  idle: number;
  storage: number;
  network: number;
  loadBalancers: number;
  management: number;
}

export interface Change {
  readonly amount: number;
  readonly ratio: number | null;
}

export interface Summary {
  readonly window: Window;
  readonly totalCost: number;
  readonly split: Split;
  readonly spotSavings: number;
  readonly previous: { readonly window: Window; readonly totalCost: number; readonly hasData: boolean; readonly split: Split };
  readonly change: Change;
  readonly namespaces: number;
  readonly topNamespaces: readonly { readonly namespace: string; readonly cost: number; readonly share: number; readonly previousCost: number; readonly change: Change }[];
}

interface Period {
  readonly split: Split;
  readonly byNamespace: Map<string, number>;
  readonly spotSavings: number;
  readonly hasData: boolean;
}

/** A cluster's charges as a filter sees them: the cluster, nothing narrower. */
function wholeCluster(cluster: string): FilterSubject {
  return { cluster, node: '', namespace: '', controllerKind: '', controller: '', pod: '', labels: {}, annotations: {} };
}

function period(allocations: readonly StepSet<AllocationInterval>[], charges: readonly StepSet<ClusterInterval>[], filter: FilterNode): Period {
  const split: Split = { compute: 0, idle: 0, storage: 0, network: 0, loadBalancers: 0, management: 0 };
  const byNamespace = new Map<string, number>();
  let spotSavings = 0;
  const sets = computeAllocations(allocations, { aggregate: [{ kind: 'namespace' }], filter, includeIdle: true, shareIdle: false, idleByNode: false });
  for (const set of sets) {
    for (const a of set.allocations) {
      const compute = a.cpuCost + a.ramCost + a.gpuCost;
      if (a.idle) split.idle += compute;
      else split.compute += compute;
      split.storage += a.pvCost;
      split.network += a.networkCost;
      split.loadBalancers += a.loadBalancerCost;
      spotSavings += a.spotSavings;
      if (!a.idle && !a.name.startsWith('__')) byNamespace.set(a.name, (byNamespace.get(a.name) ?? 0) + a.totalCost);
    }
  }
  let hasData = allocations.some((s) => s.rows.length > 0);
  for (const set of charges) {
    for (const r of set.rows) {
      hasData = true;
      if (filter.kind === 'all' || matches(filter, wholeCluster(r.cluster))) split.management += r.managementCostUsd;
    }
  }
  return { split, byNamespace, spotSavings, hasData };
}

const sum = (c: Split) => c.compute + c.idle + c.storage + c.network + c.loadBalancers + c.management;
const change = (now: number, before: number): Change => ({ amount: now - before, ratio: before > 0 ? (now - before) / before : null });

export function computeSummary(input: {
  readonly window: Window;
  readonly previousWindow: Window;
  readonly allocations: readonly StepSet<AllocationInterval>[];
  readonly charges: readonly StepSet<ClusterInterval>[];
  readonly previousAllocations: readonly StepSet<AllocationInterval>[];
  readonly previousCharges: readonly StepSet<ClusterInterval>[];
  readonly filter: FilterNode;
  readonly top: number;
}): Summary {
  const now = period(input.allocations, input.charges, input.filter);
  const before = period(input.previousAllocations, input.previousCharges, input.filter);
  const totalCost = sum(now.split);
  const previousTotal = sum(before.split);
  const ranked = [...now.byNamespace].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    window: input.window,
    totalCost,
    split: now.split,
    spotSavings: now.spotSavings,
    previous: { window: input.previousWindow, totalCost: previousTotal, hasData: before.hasData, split: before.split },
    change: before.hasData ? change(totalCost, previousTotal) : { amount: totalCost, ratio: null },
    namespaces: ranked.length,
    topNamespaces: ranked.slice(0, input.top).map(([namespace, cost]) => {
      const previousCost = before.byNamespace.get(namespace) ?? 0;
      return { namespace, cost, share: totalCost > 0 ? cost / totalCost : 0, previousCost, change: change(cost, previousCost) };
    }),
  };
}

const windowJson = (w: Window) => ({ start: rfc3339(w.startMs), end: rfc3339(w.endMs) });

/** The answer's `data` (the web UI's overview reads it: ui/src/api.ts parseSummaryResponse). */
export function summaryJson(s: Summary) {
  return {
    window: windowJson(s.window),
    previousWindow: windowJson(s.previous.window),
    totalCost: s.totalCost,
    previousTotalCost: s.previous.totalCost,
    previousHasData: s.previous.hasData,
    change: s.change,
    components: s.split,
    previousComponents: s.previous.split,
    spotSavings: s.spotSavings,
    namespaces: s.namespaces,
    topNamespaces: s.topNamespaces,
  };
}

/** One row per component, the total and each top namespace: `kind,name,cost,previousCost,changeAmount,changeRatio`. */
export function summaryCsv(s: Summary): string {
  const rows: Cell[][] = [];
  const known = s.previous.hasData;
  for (const k of Object.keys(s.split) as (keyof Split)[]) {
    const c = change(s.split[k], s.previous.split[k]);
    rows.push(['component', k, s.split[k], known ? s.previous.split[k] : null, known ? c.amount : null, known ? c.ratio : null]);
  }
  rows.push(['total', 'total', s.totalCost, known ? s.previous.totalCost : null, known ? s.change.amount : null, s.change.ratio]);
  for (const n of s.topNamespaces) rows.push(['namespace', n.namespace, n.cost, known ? n.previousCost : null, known ? n.change.amount : null, known ? n.change.ratio : null]);
  return toCsv(['kind', 'name', 'cost', 'previousCost', 'changeAmount', 'changeRatio'], rows);
}
