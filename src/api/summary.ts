// /api/v1/summary (pure): what a window cost, split by component, against the window of the same
// length just before it, and the namespaces that cost most.
//   compute       CPU + RAM + GPU of pods            idle          CPU + RAM + GPU nobody requested
//   storage       volumes (mounted and unmounted)    network       network charges
//   loadBalancers Services of type LoadBalancer       management    control-plane fees
//   total = the sum of the six; change.amount = total − previous; change.ratio = amount / previous
//   (null when the previous window cost nothing or has no data: a ratio from nothing means nothing)
import type { AllocationInterval, ClusterInterval, StepSet } from '../store/types.ts';
import type { Cell } from './csv.ts';
import { toCsv } from './csv.ts';
import { rfc3339 } from './render.ts';
import type { Window } from './window.ts';

export interface Components {
  compute: number;
  idle: number;
  storage: number;
  network: number;
  loadBalancers: number;
  management: number;
}

export interface Summary {
  readonly window: Window;
  readonly previousWindow: Window;
  readonly total: number;
  readonly previousTotal: number;
  readonly previousHasData: boolean;
  readonly change: { readonly amount: number; readonly ratio: number | null };
  readonly components: Components;
  readonly previousComponents: Components;
  readonly spotSavings: number;
  readonly topNamespaces: readonly {
    readonly namespace: string;
    readonly cost: number;
    readonly share: number;
    readonly previousCost: number;
    readonly change: { readonly amount: number; readonly ratio: number | null };
  }[];
  readonly namespaces: number;
}

interface Period {
  readonly components: Components;
  readonly byNamespace: Map<string, number>;
  readonly spotSavings: number;
  readonly rows: number;
}

function period(allocations: readonly StepSet<AllocationInterval>[], charges: readonly StepSet<ClusterInterval>[]): Period {
  const c: Components = { compute: 0, idle: 0, storage: 0, network: 0, loadBalancers: 0, management: 0 };
  const byNamespace = new Map<string, number>();
  let spotSavings = 0;
  let rows = 0;
  for (const set of allocations) {
    for (const r of set.rows) {
      rows++;
      const compute = r.cpuCostUsd + r.ramCostUsd + r.gpuCostUsd;
      if (r.kind === 'idle') c.idle += compute;
      else c.compute += compute;
      c.storage += r.pvCostUsd;
      c.network += r.networkCostUsd;
      c.loadBalancers += r.loadBalancerCostUsd;
      spotSavings += r.spotSavingsUsd;
      if (r.kind !== 'idle' && r.namespace !== '') {
        byNamespace.set(r.namespace, (byNamespace.get(r.namespace) ?? 0) + compute + r.pvCostUsd + r.networkCostUsd + r.loadBalancerCostUsd);
      }
    }
  }
  for (const set of charges) {
    for (const r of set.rows) {
      rows++;
      c.management += r.managementCostUsd;
    }
  }
  return { components: c, byNamespace, spotSavings, rows };
}

const sum = (c: Components) => c.compute + c.idle + c.storage + c.network + c.loadBalancers + c.management;
const change = (now: number, before: number) => ({ amount: now - before, ratio: before > 0 ? (now - before) / before : null });

export function computeSummary(input: {
  readonly window: Window;
  readonly previousWindow: Window;
  readonly allocations: readonly StepSet<AllocationInterval>[];
  readonly charges: readonly StepSet<ClusterInterval>[];
  readonly previousAllocations: readonly StepSet<AllocationInterval>[];
  readonly previousCharges: readonly StepSet<ClusterInterval>[];
  readonly top: number;
}): Summary {
  const now = period(input.allocations, input.charges);
  const before = period(input.previousAllocations, input.previousCharges);
  const total = sum(now.components);
  const previousTotal = sum(before.components);
  const previousHasData = before.rows > 0;
  const ranked = [...now.byNamespace].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    window: input.window,
    previousWindow: input.previousWindow,
    total,
    previousTotal,
    previousHasData,
    change: previousHasData ? change(total, previousTotal) : { amount: total, ratio: null },
    components: now.components,
    previousComponents: before.components,
    spotSavings: now.spotSavings,
    topNamespaces: ranked.slice(0, input.top).map(([namespace, cost]) => {
      const previousCost = before.byNamespace.get(namespace) ?? 0;
      return { namespace, cost, share: total > 0 ? cost / total : 0, previousCost, change: change(cost, previousCost) };
    }),
    namespaces: ranked.length,
  };
}

export function summaryJson(s: Summary) {
  return {
    window: { start: rfc3339(s.window.startMs), end: rfc3339(s.window.endMs) },
    previousWindow: { start: rfc3339(s.previousWindow.startMs), end: rfc3339(s.previousWindow.endMs) },
    totalCost: s.total,
    previousTotalCost: s.previousTotal,
    previousHasData: s.previousHasData,
    change: s.change,
    components: s.components,
    previousComponents: s.previousComponents,
    spotSavings: s.spotSavings,
    namespaces: s.namespaces,
    topNamespaces: s.topNamespaces,
  };
}

/** One row per component and per top namespace: `kind,name,cost,previousCost,changeAmount,changeRatio`. */
export function summaryCsv(s: Summary): string {
  const rows: Cell[][] = [];
  for (const k of Object.keys(s.components) as (keyof Components)[]) {
    const now = s.components[k];
    const before = s.previousComponents[k];
    const c = change(now, before);
    rows.push(['component', k, now, s.previousHasData ? before : null, s.previousHasData ? c.amount : null, s.previousHasData ? c.ratio : null]);
  }
  rows.push(['total', 'total', s.total, s.previousHasData ? s.previousTotal : null, s.previousHasData ? s.change.amount : null, s.change.ratio]);
  for (const n of s.topNamespaces) rows.push(['namespace', n.namespace, n.cost, s.previousHasData ? n.previousCost : null, s.previousHasData ? n.change.amount : null, s.previousHasData ? n.change.ratio : null]);
  return toCsv(['kind', 'name', 'cost', 'previousCost', 'changeAmount', 'changeRatio'], rows);
}
