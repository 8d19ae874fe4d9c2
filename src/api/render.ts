// Allocation sets → OpenCost's JSON objects and CSV rows (pure).
import type { Coverage } from '../store/types.ts';
import type { AllocationResult, AllocationSetResult } from './allocation.ts';
import type { Cell } from './csv.ts';
import { toCsv } from './csv.ts';
import type { Window } from './window.ts';

/** RFC 3339 as OpenCost writes it: seconds, `Z`, milliseconds only when there are some. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function allocationJson(a: AllocationResult, set: { readonly startMs: number; readonly endMs: number }) {
  return {
    name: a.name,
    properties: a.properties,
    window: { start: rfc3339(set.startMs), end: rfc3339(set.endMs) },
    start: rfc3339(a.startMs),
    end: rfc3339(a.endMs),
    minutes: a.minutes,
    cpuCores: a.cpuCores,
    cpuCoreRequestAverage: a.cpuCoreRequestAverage,
    cpuCoreUsageAverage: a.cpuCoreUsageAverage,
    cpuCoreHours: a.cpuCoreHours,
    cpuCost: a.cpuCost,
    cpuEfficiency: a.cpuEfficiency,
    gpuCount: a.gpuCount,
    gpuHours: a.gpuHours,
    gpuCost: a.gpuCost,
    networkCost: a.networkCost,
    loadBalancerCost: a.loadBalancerCost,
    pvCost: a.pvCost,
    ramBytes: a.ramBytes,
    ramByteRequestAverage: a.ramByteRequestAverage,
    ramByteUsageAverage: a.ramByteUsageAverage,
    ramByteHours: a.ramByteHours,
    ramCost: a.ramCost,
    ramEfficiency: a.ramEfficiency,
    sharedCost: a.sharedCost,
    totalCost: a.totalCost,
    totalEfficiency: a.totalEfficiency,
    pods: a.pods,
    usageCoverage: a.usageCoverage,
    spotSavings: a.spotSavings,
    costBasis: a.costBasis,
  };
}

export function allocationSetsJson(sets: readonly AllocationSetResult[]) {
  return sets.map((set) => {
    const out: Record<string, ReturnType<typeof allocationJson>> = {};
    for (const a of set.allocations) out[a.name] = allocationJson(a, set);
    return out;
  });
}

export const ALLOCATION_CSV_HEADER = [
  'windowStart',
  'windowEnd',
  'name',
  'cluster',
  'node',
  'namespace',
  'controllerKind',
  'controller',
  'pod',
  'container',
  'start',
  'end',
  'minutes',
  'pods',
  'cpuCost',
  'ramCost',
  'gpuCost',
  'pvCost',
  'networkCost',
  'loadBalancerCost',
  'sharedCost',
  'totalCost',
  'cpuCoreHours',
  'cpuCoreRequestAverage',
  'cpuCoreUsageAverage',
  'ramByteHours',
  'ramByteRequestAverage',
  'ramByteUsageAverage',
  'gpuHours',
  'cpuEfficiency',
  'ramEfficiency',
  'totalEfficiency',
  'usageCoverage',
  'spotSavings',
  'costBasis',
  'labels',
] as const;

export function allocationCsv(sets: readonly AllocationSetResult[]): string {
  const rows: Cell[][] = [];
  for (const set of sets) {
    for (const a of set.allocations) {
      const p = a.properties;
      rows.push([
        rfc3339(set.startMs),
        rfc3339(set.endMs),
        a.name,
        p.cluster,
        p.node,
        p.namespace,
        p.controllerKind,
        p.controller,
        p.pod,
        p.container,
        rfc3339(a.startMs),
        rfc3339(a.endMs),
        a.minutes,
        a.pods,
        a.cpuCost,
        a.ramCost,
        a.gpuCost,
        a.pvCost,
        a.networkCost,
        a.loadBalancerCost,
        a.sharedCost,
        a.totalCost,
        a.cpuCoreHours,
        a.cpuCoreRequestAverage,
        a.cpuCoreUsageAverage,
        a.ramByteHours,
        a.ramByteRequestAverage,
        a.ramByteUsageAverage,
        a.gpuHours,
        a.cpuEfficiency,
        a.ramEfficiency,
        a.totalEfficiency,
        a.usageCoverage,
        a.spotSavings,
        a.costBasis,
        p.labels ? JSON.stringify(p.labels) : '',
      ]);
    }
  }
  return toCsv(ALLOCATION_CSV_HEADER, rows);
}

/** What the answer's data rests on: per cluster, demo or not, recorded span and gaps inside the window. */
export interface CoverageMeta {
  readonly demo: boolean;
  readonly clusters: readonly {
    readonly cluster: string;
    readonly demo: boolean;
    readonly first: string;
    readonly last: string;
    readonly gaps: readonly { readonly start: string; readonly end: string; readonly minutes: number }[];
  }[];
  readonly warnings: readonly string[];
}

/** Coverage clipped to the window, with a warning for each part of the window without data. */
export function coverageMeta(coverage: readonly Coverage[], window: Window): CoverageMeta {
  const warnings: string[] = [];
  const clusters = coverage.map((c) => {
    const gaps = c.gaps
      .filter((g) => g.endMs > window.startMs && g.startMs < window.endMs)
      .map((g) => {
        const startMs = Math.max(g.startMs, window.startMs);
        const endMs = Math.min(g.endMs, window.endMs);
        return { start: rfc3339(startMs), end: rfc3339(endMs), minutes: (endMs - startMs) / 60_000 };
      });
    if (gaps.length > 0) warnings.push(`cluster ${c.cluster}: ${gaps.length} gap(s) without recorded data in this window (exporter down): costs there are missing, not estimated`);
    if (c.firstMs > window.startMs && c.firstMs < window.endMs) warnings.push(`cluster ${c.cluster}: history starts at ${rfc3339(c.firstMs)}, after the window's start`);
    if (c.demo) warnings.push(`cluster ${c.cluster}: simulated (demo) data`);
    return { cluster: c.cluster, demo: c.demo, first: rfc3339(c.firstMs), last: rfc3339(c.lastMs), gaps };
  });
  const inWindow = coverage.filter((c) => c.lastMs > window.startMs && c.firstMs < window.endMs);
  if (inWindow.length === 0) warnings.push('no data recorded in this window');
  return { demo: coverage.some((c) => c.demo), clusters, warnings };
}

export function coverageJson(coverage: readonly Coverage[]) {
  return coverage.map((c) => ({
    cluster: c.cluster,
    demo: c.demo,
    first: rfc3339(c.firstMs),
    last: rfc3339(c.lastMs),
    minutes: (c.lastMs - c.firstMs) / 60_000,
    gapMinutes: c.gaps.reduce((s, g) => s + (g.endMs - g.startMs) / 60_000, 0),
    gaps: c.gaps.map((g) => ({ start: rfc3339(g.startMs), end: rfc3339(g.endMs), minutes: (g.endMs - g.startMs) / 60_000 })),
  }));
}

export function coverageCsv(coverage: readonly Coverage[]): string {
  const rows: Cell[][] = [];
  for (const c of coverage) {
    rows.push([c.cluster, c.demo, 'recorded', rfc3339(c.firstMs), rfc3339(c.lastMs), (c.lastMs - c.firstMs) / 60_000]);
    for (const g of c.gaps) rows.push([c.cluster, c.demo, 'gap', rfc3339(g.startMs), rfc3339(g.endMs), (g.endMs - g.startMs) / 60_000]);
  }
  return toCsv(['cluster', 'demo', 'kind', 'start', 'end', 'minutes'], rows);
}
