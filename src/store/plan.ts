// The store's arithmetic, shared by every backend: which fields of each fact are amounts (summed
// by rollups and queries), which are sizes (the largest is kept), how a row is cut to a part of its
// interval, how a query window is split into steps, and which resolution answers each part of a
// step. Pure: no clock, no I/O.
//
// Each cluster has two watermarks (see docs/history.md):
//   hourlyThroughMs: every raw row ending at or before it has been added to the hourly buckets;
//   dailyThroughMs:  every hourly bucket before it has been added to the daily buckets.
// So a daily bucket d holds the data of [d, min(d + 1 day, dailyThroughMs)), an hourly bucket h
// the data of [h, min(h + 1 hour, hourlyThroughMs)), and raw rows everything after (and, until
// retention drops them, before). A step is answered from daily buckets for the whole days inside
// it, hourly buckets for the whole hours left, and raw rows (cut pro rata) at the edges.
import type { AllocationInterval, ClusterInterval, ContainerInterval, CycleBatch, DiskInterval, HistoryStore, LoadBalancerInterval, NodeInterval, StepSet, TimeQuery } from './types.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type Resolution = 'raw' | 'hourly' | 'daily';

/** How one kind of fact is keyed, summed and cut. */
export interface FactKind<Row extends { readonly startMs: number; readonly endMs: number; readonly cluster: string }> {
  readonly name: 'allocations' | 'containers' | 'nodes' | 'disks' | 'loadBalancers' | 'clusterCharges';
  /** Identifies the same thing across cycles (with the cluster). */
  key(row: Row): string;
  /** Amounts over the interval: summed by rollups, cut pro rata. */
  readonly sums: readonly (keyof Row & string)[];
  /** Sizes (capacity): the largest seen in the interval is kept. */
  readonly maxes: readonly (keyof Row & string)[];
}

export const ALLOCATION_SUMS = [
  'minutes',
  'cpuCoreRequestHours',
  'cpuCoreUsageHours',
  'cpuCoreHours',
  'ramByteRequestHours',
  'ramByteUsageHours',
  'ramByteHours',
  'gpuHours',
  'usageMinutes',
  'cpuCostUsd',
  'ramCostUsd',
  'gpuCostUsd',
  'pvCostUsd',
  'loadBalancerCostUsd',
  'networkCostUsd',
  'spotSavingsUsd',
] as const satisfies readonly (keyof AllocationInterval)[];

export const NODE_SUMS = ['minutes', 'cpuCostUsd', 'ramCostUsd', 'gpuCostUsd', 'totalCostUsd', 'onDemandCostUsd', 'idleCostUsd'] as const satisfies readonly (keyof NodeInterval)[];
export const NODE_MAXES = ['cpuCores', 'ramBytes', 'gpus'] as const satisfies readonly (keyof NodeInterval)[];
export const DISK_SUMS = ['minutes', 'costUsd'] as const satisfies readonly (keyof DiskInterval)[];
export const DISK_MAXES = ['capacityBytes'] as const satisfies readonly (keyof DiskInterval)[];
export const LOAD_BALANCER_SUMS = ['minutes', 'costUsd'] as const satisfies readonly (keyof LoadBalancerInterval)[];
export const CLUSTER_SUMS = ['minutes', 'managementCostUsd'] as const satisfies readonly (keyof ClusterInterval)[];

export const ALLOCATIONS: FactKind<AllocationInterval> = { name: 'allocations', key: (r) => r.key, sums: ALLOCATION_SUMS, maxes: [] };
export const CONTAINERS: FactKind<ContainerInterval> = { name: 'containers', key: (r) => r.key, sums: ALLOCATION_SUMS, maxes: [] };
export const NODES: FactKind<NodeInterval> = { name: 'nodes', key: (r) => r.node, sums: NODE_SUMS, maxes: NODE_MAXES };
export const DISKS: FactKind<DiskInterval> = { name: 'disks', key: (r) => r.name, sums: DISK_SUMS, maxes: DISK_MAXES };
export const LOAD_BALANCERS: FactKind<LoadBalancerInterval> = { name: 'loadBalancers', key: (r) => `${r.namespace}/${r.name}`, sums: LOAD_BALANCER_SUMS, maxes: [] };
export const CLUSTER_CHARGES: FactKind<ClusterInterval> = { name: 'clusterCharges', key: () => '', sums: CLUSTER_SUMS, maxes: [] };

/** The rows of one kind in a batch. */
export function rowsOf<Row extends { readonly startMs: number; readonly endMs: number; readonly cluster: string }>(batch: CycleBatch, kind: FactKind<Row>): readonly Row[] {
  switch (kind.name) {
    case 'allocations':
      return batch.allocations as unknown as readonly Row[];
    case 'containers':
      return (batch.containers ?? []) as unknown as readonly Row[];
    case 'nodes':
      return batch.nodes as unknown as readonly Row[];
    case 'disks':
      return batch.disks as unknown as readonly Row[];
    case 'loadBalancers':
      return batch.loadBalancers as unknown as readonly Row[];
    case 'clusterCharges':
      return batch.clusterCharges.minutes > 0 || batch.clusterCharges.managementCostUsd > 0 ? [batch.clusterCharges as unknown as Row] : [];
  }
}

/** The part of `row` inside [fromMs, toMs): amounts × the share of its interval, interval narrowed. */
export function cut<Row extends { readonly startMs: number; readonly endMs: number }>(row: Row, kind: { readonly sums: readonly string[] }, fromMs: number, toMs: number): Row | undefined {
  const startMs = Math.max(row.startMs, fromMs);
  const endMs = Math.min(row.endMs, toMs);
  if (endMs <= startMs) return undefined;
  if (startMs === row.startMs && endMs === row.endMs) return row;
  const share = (endMs - startMs) / (row.endMs - row.startMs);
  const out: Record<string, unknown> = { ...row, startMs, endMs };
  for (const f of kind.sums) out[f] = (row as unknown as Record<string, number>)[f]! * share;
  return out as unknown as Row;
}

/** `into` + `row`: amounts added, sizes maxed, interval widened, descriptions from the later row. */
export function merge<Row extends { readonly startMs: number; readonly endMs: number }>(into: Row, row: Row, kind: { readonly sums: readonly string[]; readonly maxes: readonly string[] }): Row {
  const later = row.endMs >= into.endMs ? row : into;
  const out: Record<string, unknown> = { ...later, startMs: Math.min(into.startMs, row.startMs), endMs: Math.max(into.endMs, row.endMs) };
  const a = into as unknown as Record<string, number>;
  const b = row as unknown as Record<string, number>;
  for (const f of kind.sums) out[f] = a[f]! + b[f]!;
  for (const f of kind.maxes) out[f] = Math.max(a[f]!, b[f]!);
  // A sum of estimated and reconciled amounts is no longer purely estimated.
  if ('basis' in into && 'basis' in row && into.basis !== row.basis) out['basis'] = 'reconciled';
  return out as unknown as Row;
}

/** Splits a row at the buckets of `sizeMs` it spans: [bucketStartMs, part] pairs. */
export function splitIntoBuckets<Row extends { readonly startMs: number; readonly endMs: number }>(row: Row, kind: { readonly sums: readonly string[] }, sizeMs: number): [number, Row][] {
  const out: [number, Row][] = [];
  for (let b = Math.floor(row.startMs / sizeMs) * sizeMs; b < row.endMs; b += sizeMs) {
    const part = cut(row, kind, b, b + sizeMs);
    if (part) out.push([b, part]);
  }
  return out;
}

export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

/** The query window split into steps of stepMs aligned to startMs (the last one may be shorter). */
export function steps(query: TimeQuery): Window[] {
  const { startMs, endMs, stepMs } = query;
  if (!(endMs > startMs)) return [];
  if (stepMs === undefined) return [{ startMs, endMs }];
  const out: Window[] = [];
  for (let s = startMs; s < endMs; s += stepMs) out.push({ startMs: s, endMs: Math.min(endMs, s + stepMs) });
  return out;
}

/** Where a cluster's data is at each resolution (see the file comment). */
export interface Marks {
  readonly hourlyThroughMs: number;
  readonly dailyThroughMs: number;
  /** End of the cluster's last recorded cycle: a step ending later holds every bucket up to here whole. */
  readonly lastEndMs: number;
  /** Raw rows ending at or before this were dropped by retention (raw is complete after it). */
  readonly rawFromMs: number;
  /** Hourly buckets starting before this were dropped by retention. */
  readonly hourlyFromMs: number;
  /** Daily buckets starting before this were dropped by retention. */
  readonly dailyFromMs: number;
}

/**
 * One part of a step's answer: `whole` takes the buckets starting in [startMs, endMs) as they are;
 * otherwise the rows overlapping it are cut pro rata (raw rows, or buckets at an edge whose raw
 * rows retention already dropped: an estimate from the finer data still kept, never a hole).
 */
export interface PlanPart {
  readonly resolution: Resolution;
  readonly whole: boolean;
  readonly startMs: number;
  readonly endMs: number;
}

const ceilTo = (ms: number, size: number): number => Math.ceil(ms / size) * size;
const floorTo = (ms: number, size: number): number => Math.floor(ms / size) * size;

/** The coarsest resolution whose buckets fit inside the step, for each part of it. */
export function planStep(step: Window, marks: Marks): PlanPart[] {
  const parts: PlanPart[] = [];
  const push = (resolution: Resolution, whole: boolean, startMs: number, endMs: number): void => {
    if (endMs > startMs) parts.push({ resolution, whole, startMs, endMs });
  };
  // The edges: the finest resolution still kept, cut pro rata.
  const edge = (x: number, y: number): void => {
    push('raw', false, Math.max(x, marks.rawFromMs), y);
    push('hourly', false, Math.max(x, marks.hourlyFromMs), Math.min(y, marks.rawFromMs));
    push('daily', false, Math.max(x, marks.dailyFromMs), Math.min(y, marks.hourlyFromMs));
  };
  const hours = (x: number, y: number): void => {
    if (y <= x) return;
    const a = Math.max(ceilTo(x, HOUR_MS), marks.hourlyFromMs);
    const b = y >= marks.lastEndMs ? marks.hourlyThroughMs : Math.min(floorTo(y, HOUR_MS), marks.hourlyThroughMs);
    if (a < b) {
      edge(x, a);
      push('hourly', true, a, b);
      edge(b, y);
    } else edge(x, y);
  };
  const a = Math.max(ceilTo(step.startMs, DAY_MS), marks.dailyFromMs);
  const b = step.endMs >= marks.lastEndMs ? marks.dailyThroughMs : Math.min(floorTo(step.endMs, DAY_MS), marks.dailyThroughMs);
  if (a < b) {
    hours(step.startMs, a);
    push('daily', true, a, b);
    hours(b, step.endMs);
  } else hours(step.startMs, step.endMs);
  return parts;
}

/** Sums rows of the same cluster + key into one row each (the rows of one step). */
export class StepAccumulator<Row extends { readonly startMs: number; readonly endMs: number; readonly cluster: string }> {
  readonly #kind: FactKind<Row>;
  readonly #rows = new Map<string, Row>();
  constructor(kind: FactKind<Row>) {
    this.#kind = kind;
  }
  add(row: Row): void {
    const id = `${row.cluster}\u0000${this.#kind.key(row)}`;
    const had = this.#rows.get(id);
    this.#rows.set(id, had ? merge(had, row, this.#kind) : row);
  }
  set(step: Window): StepSet<Row> {
    return { startMs: step.startMs, endMs: step.endMs, rows: [...this.#rows.values()] };
  }
}

/** A store's read of one kind of fact over a window (namespaces: only rows of those, asked for pods and containers only). */
export type FactQuery = <Row extends { readonly startMs: number; readonly endMs: number; readonly cluster: string }>(fact: FactKind<Row>, q: TimeQuery, namespaces?: readonly string[]) => StepSet<Row>[] | Promise<StepSet<Row>[]>;

/** The store's six fact reads, each one `query` of its kind. */
export function factReads(query: FactQuery): Pick<HistoryStore, 'allocations' | 'containers' | 'nodes' | 'disks' | 'loadBalancers' | 'clusterCharges'> {
  return {
    allocations: async (q) => query(ALLOCATIONS, q, q.namespaces),
    containers: async (q) => query(CONTAINERS, q, q.namespaces),
    nodes: async (q) => query(NODES, q),
    disks: async (q) => query(DISKS, q),
    loadBalancers: async (q) => query(LOAD_BALANCERS, q),
    clusterCharges: async (q) => query(CLUSTER_CHARGES, q),
  };
}
