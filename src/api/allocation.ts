// The allocation answer (pure): history rows (amounts over intervals) → OpenCost allocation sets.
//
// Per step set: filter the rows, share or show idle, group by the aggregate's name, derive averages.
//   minutes           of a single row: the minutes it ran; of a group: the tightest bound the amounts
//                     allow on the union of its members' running time, min(end − start, Σ minutes),
//                     never below the longest member (so a Deployment whose pods replaced each other
//                     over two days has 2 days, ten concurrent pods of one day have 1 day)
//   xAverage          = x-hours / (minutes / 60)            (cpuCoreRequestAverage, ramByteRequestAverage, cpuCores, ...)
//   cpuCoreUsageAverage = Σ usage core-hours, each row's scaled from its measured minutes to its
//                     running minutes, / (minutes / 60); null when no member had usage measured
//   cpuEfficiency     = Σ usage core-hours / Σ request core-hours over the same measured minutes;
//                     no request but usage and cost: 1; null when no usage was measured (OpenCost: 0)
//   totalEfficiency   = (cpuEfficiency × cpuCost + ramEfficiency × ramCost) / (cpuCost + ramCost)
// Idle (OpenCost's semantics, per cluster, or per node with idleByNode, per resource):
//   shareIdle         each allocation gets idle CPU × its CPU cost / Σ CPU cost of every allocation
//                     of the same cluster (node) — filtered or not — and likewise RAM and GPU; idle of
//                     a resource nobody in that cluster (node) pays for stays as `__idle__`
//   includeIdle       idle is its own allocation, `__idle__` (`<node>/__idle__` with idleByNode,
//                     prefixed `<cluster>/` when the answer holds several clusters); with a filter,
//                     only the part that would have been shared with the allocations that pass it
// With a filter, the idle of a cluster (node) where no allocation passes it is left out, unless the
// idle itself passes it (`cluster:"east"` keeps east's idle, even of a resource nobody pays for, and
// never another cluster's), so the answers of filters on each cluster add up to the unfiltered one.
import type { AllocationInterval, CostBasis, StepSet } from '../store/types.ts';
import type { AggregateProperty, AllocationRow } from './aggregate.ts';
import { IDLE, keyFunction } from './aggregate.ts';
import type { FilterNode } from './filter.ts';
import { matches } from './filter.ts';

export interface AllocationOptions {
  readonly aggregate: readonly AggregateProperty[];
  readonly filter: FilterNode;
  readonly includeIdle: boolean;
  readonly shareIdle: boolean;
  readonly idleByNode: boolean;
}

export interface AllocationProperties {
  cluster?: string;
  node?: string;
  namespace?: string;
  pod?: string;
  /** Container rows (`aggregate=container`, `filter=container:...`) all of the same container. */
  container?: string;
  controller?: string;
  controllerKind?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One allocation of an answer: OpenCost's fields, in USD, cores, bytes, hours, minutes. */
export interface AllocationResult {
  readonly name: string;
  readonly properties: AllocationProperties;
  readonly startMs: number;
  readonly endMs: number;
  readonly minutes: number;
  readonly pods: number;
  readonly cpuCores: number;
  readonly cpuCoreHours: number;
  readonly cpuCoreRequestAverage: number;
  readonly cpuCoreUsageAverage: number | null;
  readonly cpuCost: number;
  readonly cpuEfficiency: number | null;
  readonly gpuCount: number;
  readonly gpuHours: number;
  readonly gpuCost: number;
  readonly ramBytes: number;
  readonly ramByteHours: number;
  readonly ramByteRequestAverage: number;
  readonly ramByteUsageAverage: number | null;
  readonly ramCost: number;
  readonly ramEfficiency: number | null;
  readonly pvCost: number;
  readonly networkCost: number;
  readonly loadBalancerCost: number;
  readonly sharedCost: number;
  readonly totalCost: number;
  readonly totalEfficiency: number | null;
  /** Share of the members' running minutes that had usage measured (0..1). */
  readonly usageCoverage: number;
  readonly spotSavings: number;
  readonly costBasis: CostBasis | 'mixed';
  readonly idle: boolean;
}

export interface AllocationSetResult {
  readonly startMs: number;
  readonly endMs: number;
  /** Sorted by name (as OpenCost's JSON maps are). */
  readonly allocations: readonly AllocationResult[];
}

interface IdleShare {
  cpu: number;
  ram: number;
  gpu: number;
  cpuHours: number;
  ramHours: number;
  gpuHours: number;
}

class Group {
  startMs = Number.POSITIVE_INFINITY;
  endMs = Number.NEGATIVE_INFINITY;
  minutesSum = 0;
  minutesMax = 0;
  pods = 0;
  /** Pods of container rows: several rows each, counted once. */
  readonly containerPods = new Set<string>();
  cpuCost = 0;
  ramCost = 0;
  gpuCost = 0;
  pvCost = 0;
  networkCost = 0;
  lbCost = 0;
  cpuHours = 0;
  ramHours = 0;
  gpuHours = 0;
  cpuReqHours = 0;
  ramReqHours = 0;
  cpuUseScaled = 0;
  ramUseScaled = 0;
  effCpuUse = 0;
  effCpuReq = 0;
  effRamUse = 0;
  effRamReq = 0;
  usageMinutes = 0;
  usageKnown = false;
  spotSavings = 0;
  basis: CostBasis | 'mixed' | undefined;
  // Properties all members share (null: they differ; undefined before the first member).
  cluster: string | null | undefined;
  node: string | null = null;
  namespace: string | null = null;
  pod: string | null = null;
  container: string | null = null;
  controller: string | null = null;
  controllerKind: string | null = null;
  labels: Record<string, string> | undefined;
  labelCount = 0;
  annotations: Record<string, string> | undefined;
  annotationCount = 0;
  readonly idle: boolean;

  constructor(idle: boolean) {
    this.idle = idle;
  }

  private span(row: AllocationRow): void {
    if (row.startMs < this.startMs) this.startMs = row.startMs;
    if (row.endMs > this.endMs) this.endMs = row.endMs;
    this.minutesSum += row.minutes;
    if (row.minutes > this.minutesMax) this.minutesMax = row.minutes;
    this.basis = this.basis === undefined || this.basis === row.basis ? row.basis : 'mixed';
    this.intersect(row);
  }

  private intersect(row: AllocationRow): void {
    if (this.cluster === undefined) {
      this.cluster = row.cluster;
      this.node = row.node;
      this.namespace = row.namespace;
      this.pod = row.pod;
      this.container = row.container ?? null;
      this.controller = row.controller;
      this.controllerKind = row.controllerKind;
      this.labels = { ...row.labels };
      this.labelCount = Object.keys(this.labels).length;
      this.annotations = { ...row.annotations };
      this.annotationCount = Object.keys(this.annotations).length;
      return;
    }
    if (this.cluster !== null && this.cluster !== row.cluster) this.cluster = null;
    if (this.node !== null && this.node !== row.node) this.node = null;
    if (this.namespace !== null && this.namespace !== row.namespace) this.namespace = null;
    if (this.pod !== null && this.pod !== row.pod) this.pod = null;
    if (this.container !== null && this.container !== row.container) this.container = null;
    if (this.controller !== null && this.controller !== row.controller) this.controller = null;
    if (this.controllerKind !== null && this.controllerKind !== row.controllerKind) this.controllerKind = null;
    if (this.labelCount > 0) this.labelCount = intersectMap(this.labels!, row.labels);
    if (this.annotationCount > 0) this.annotationCount = intersectMap(this.annotations!, row.annotations);
  }

  add(row: AllocationRow, share: IdleShare | undefined): void {
    this.span(row);
    if (row.kind === 'pod') {
      if (row.container === undefined) this.pods += 1;
      // Keyed `<pod uid>/<container>`: the pod is the key up to its last slash.
      else this.containerPods.add(`${row.cluster}\u0000${row.key.slice(0, row.key.lastIndexOf('/'))}`);
    }
    this.cpuCost += row.cpuCostUsd + (share?.cpu ?? 0);
    this.ramCost += row.ramCostUsd + (share?.ram ?? 0);
    this.gpuCost += row.gpuCostUsd + (share?.gpu ?? 0);
    this.pvCost += row.pvCostUsd;
    this.networkCost += row.networkCostUsd;
    this.lbCost += row.loadBalancerCostUsd;
    this.cpuHours += row.cpuCoreHours + (share?.cpuHours ?? 0);
    this.ramHours += row.ramByteHours + (share?.ramHours ?? 0);
    this.gpuHours += row.gpuHours + (share?.gpuHours ?? 0);
    this.cpuReqHours += row.cpuCoreRequestHours;
    this.ramReqHours += row.ramByteRequestHours;
    this.spotSavings += row.spotSavingsUsd;
    if (row.usageMinutes > 0 && row.minutes > 0) {
      const measured = Math.min(1, row.usageMinutes / row.minutes);
      this.usageKnown = true;
      this.usageMinutes += Math.min(row.usageMinutes, row.minutes);
      this.cpuUseScaled += row.cpuCoreUsageHours / measured;
      this.ramUseScaled += row.ramByteUsageHours / measured;
      this.effCpuUse += row.cpuCoreUsageHours;
      this.effRamUse += row.ramByteUsageHours;
      this.effCpuReq += row.cpuCoreRequestHours * measured;
      this.effRamReq += row.ramByteRequestHours * measured;
    }
  }

  /** An idle row, each resource scaled by its factor (1: all of it). */
  addIdle(row: AllocationInterval, cpu: number, ram: number, gpu: number): void {
    this.span(row);
    this.cpuCost += row.cpuCostUsd * cpu;
    this.ramCost += row.ramCostUsd * ram;
    this.gpuCost += row.gpuCostUsd * gpu;
    this.pvCost += row.pvCostUsd;
    this.networkCost += row.networkCostUsd;
    this.lbCost += row.loadBalancerCostUsd;
    this.cpuHours += row.cpuCoreHours * cpu;
    this.ramHours += row.ramByteHours * ram;
    this.gpuHours += row.gpuHours * gpu;
    const total = row.cpuCostUsd + row.ramCostUsd + row.gpuCostUsd;
    const kept = row.cpuCostUsd * cpu + row.ramCostUsd * ram + row.gpuCostUsd * gpu;
    this.spotSavings += total > 0 ? (row.spotSavingsUsd * kept) / total : row.spotSavingsUsd;
  }

  result(name: string): AllocationResult {
    const span = (this.endMs - this.startMs) / 60_000;
    const minutes = Math.max(this.minutesMax, Math.min(span, this.minutesSum));
    const hours = minutes / 60;
    const per = (x: number) => (hours > 0 ? x / hours : 0);
    const efficiency = (use: number, req: number, cost: number): number | null => {
      if (!this.usageKnown) return null;
      if (req > 0) return use / req;
      return use > 0 && cost > 0 ? 1 : 0;
    };
    const cpuEfficiency = efficiency(this.effCpuUse, this.effCpuReq, this.cpuCost);
    const ramEfficiency = efficiency(this.effRamUse, this.effRamReq, this.ramCost);
    let totalEfficiency: number | null = null;
    if (cpuEfficiency !== null && ramEfficiency !== null) {
      const weight = this.cpuCost + this.ramCost;
      totalEfficiency = weight > 0 ? (cpuEfficiency * this.cpuCost + ramEfficiency * this.ramCost) / weight : 0;
    }
    const properties: AllocationProperties = {};
    if (this.cluster) properties.cluster = this.cluster;
    if (this.node) properties.node = this.node;
    if (this.namespace) properties.namespace = this.namespace;
    if (this.pod) properties.pod = this.pod;
    if (this.container) properties.container = this.container;
    if (this.controller) properties.controller = this.controller;
    if (this.controllerKind) properties.controllerKind = this.controllerKind;
    if (this.labels && this.labelCount > 0) properties.labels = this.labels;
    if (this.annotations && this.annotationCount > 0) properties.annotations = this.annotations;
    return {
      name,
      properties,
      startMs: this.startMs,
      endMs: this.endMs,
      minutes,
      pods: this.pods + this.containerPods.size,
      cpuCores: per(this.cpuHours),
      cpuCoreHours: this.cpuHours,
      cpuCoreRequestAverage: per(this.cpuReqHours),
      cpuCoreUsageAverage: this.usageKnown ? per(this.cpuUseScaled) : null,
      cpuCost: this.cpuCost,
      cpuEfficiency,
      gpuCount: per(this.gpuHours),
      gpuHours: this.gpuHours,
      gpuCost: this.gpuCost,
      ramBytes: per(this.ramHours),
      ramByteHours: this.ramHours,
      ramByteRequestAverage: per(this.ramReqHours),
      ramByteUsageAverage: this.usageKnown ? per(this.ramUseScaled) : null,
      ramCost: this.ramCost,
      ramEfficiency,
      pvCost: this.pvCost,
      networkCost: this.networkCost,
      loadBalancerCost: this.lbCost,
      sharedCost: 0,
      totalCost: this.cpuCost + this.ramCost + this.gpuCost + this.pvCost + this.networkCost + this.lbCost,
      totalEfficiency,
      usageCoverage: this.minutesSum > 0 ? this.usageMinutes / this.minutesSum : 0,
      spotSavings: this.spotSavings,
      costBasis: this.basis ?? 'estimated',
      idle: this.idle,
    };
  }
}

/** Keeps in `current` the entries `next` has too; returns how many are left. */
function intersectMap(current: Record<string, string>, next: Readonly<Record<string, string>>): number {
  let left = 0;
  for (const k in current) {
    if (next[k] !== current[k]) delete current[k];
    else left++;
  }
  return left;
}

interface ResourceTotals {
  cpu: number;
  ram: number;
  gpu: number;
}

function addTotals(map: Map<string, ResourceTotals>, id: string, row: AllocationInterval): void {
  let t = map.get(id);
  if (!t) {
    t = { cpu: 0, ram: 0, gpu: 0 };
    map.set(id, t);
  }
  t.cpu += row.cpuCostUsd;
  t.ram += row.ramCostUsd;
  t.gpu += row.gpuCostUsd;
}

/**
 * A pod belongs to one cluster: when the pods that pass the filter come from several clusters (a
 * hub's answer), `pod` groups are named `<cluster>/<namespace>/<pod>`, so that two clusters' pods of
 * the same name stay two allocations (as idle is named per cluster). Other aggregates group across
 * clusters by design (`namespace`: a namespace's cost in every cluster); add `cluster` to keep them apart.
 */
function podsApart(set: StepSet<AllocationInterval>, options: AllocationOptions, keyOf: (row: AllocationInterval) => string): (row: AllocationInterval) => string {
  if (!options.aggregate.some((p) => p.kind === 'pod') || options.aggregate.some((p) => p.kind === 'cluster')) return keyOf;
  let first: string | undefined;
  for (const row of set.rows) {
    if (row.kind === 'idle' || (options.filter.kind !== 'all' && !matches(options.filter, row))) continue;
    first ??= row.cluster;
    if (row.cluster !== first) return (row) => `${row.cluster}/${keyOf(row)}`;
  }
  return keyOf;
}

/** One allocation set per step set. */
export function computeAllocations(sets: readonly StepSet<AllocationInterval>[], options: AllocationOptions): AllocationSetResult[] {
  return sets.map((set) => computeSet(set, options));
}

function computeSet(set: StepSet<AllocationInterval>, options: AllocationOptions): AllocationSetResult {
  const { includeIdle, shareIdle, idleByNode } = options;
  const keyOf = podsApart(set, options, keyFunction(options.aggregate));
  const filtering = options.filter.kind !== 'all';
  const idleIdOf = idleByNode ? (r: AllocationInterval) => `${r.cluster}\u0000${r.node}` : (r: AllocationInterval) => r.cluster;
  const groups = new Map<string, Group>();
  const group = (name: string, idle: boolean) => {
    let g = groups.get(name);
    if (!g) {
      g = new Group(idle);
      groups.set(name, g);
    }
    return g;
  };

  // Idle per cluster (node) and the allocated cost it is shared by, before filtering.
  const idleRows: AllocationInterval[] = [];
  const allocated = new Map<string, ResourceTotals>();
  const passing = new Map<string, ResourceTotals>();
  const idleTotals = new Map<string, { cpu: number; ram: number; gpu: number; cpuHours: number; ramHours: number; gpuHours: number }>();
  if (includeIdle) {
    for (const row of set.rows) {
      if (row.kind === 'idle') {
        idleRows.push(row);
        const id = idleIdOf(row);
        let t = idleTotals.get(id);
        if (!t) {
          t = { cpu: 0, ram: 0, gpu: 0, cpuHours: 0, ramHours: 0, gpuHours: 0 };
          idleTotals.set(id, t);
        }
        t.cpu += row.cpuCostUsd;
        t.ram += row.ramCostUsd;
        t.gpu += row.gpuCostUsd;
        t.cpuHours += row.cpuCoreHours;
        t.ramHours += row.ramByteHours;
        t.gpuHours += row.gpuHours;
      } else if (shareIdle || filtering) {
        addTotals(allocated, idleIdOf(row), row);
      }
    }
  }

  const share: IdleShare = { cpu: 0, ram: 0, gpu: 0, cpuHours: 0, ramHours: 0, gpuHours: 0 };
  for (const row of set.rows) {
    if (row.kind === 'idle') continue;
    if (filtering && !matches(options.filter, row)) continue;
    let rowShare: IdleShare | undefined;
    if (includeIdle) {
      const id = idleIdOf(row);
      if (filtering) addTotals(passing, id, row);
      if (shareIdle) {
        const idle = idleTotals.get(id);
        const total = allocated.get(id);
        if (idle && total) {
          const c = total.cpu > 0 ? row.cpuCostUsd / total.cpu : 0;
          const r = total.ram > 0 ? row.ramCostUsd / total.ram : 0;
          const g = total.gpu > 0 ? row.gpuCostUsd / total.gpu : 0;
          share.cpu = idle.cpu * c;
          share.ram = idle.ram * r;
          share.gpu = idle.gpu * g;
          share.cpuHours = idle.cpuHours * c;
          share.ramHours = idle.ramHours * r;
          share.gpuHours = idle.gpuHours * g;
          rowShare = share;
        }
      }
    }
    group(keyOf(row), false).add(row, rowShare);
  }

  const keptIdle = filtering ? idleRows.filter((r) => passing.has(idleIdOf(r)) || matches(options.filter, r)) : idleRows;
  if (includeIdle && keptIdle.length > 0) {
    const clusters = new Set(keptIdle.map((r) => r.cluster));
    const prefix = clusters.size > 1;
    for (const row of keptIdle) {
      const id = idleIdOf(row);
      const total = allocated.get(id);
      // The part of each resource's idle that stays an idle allocation.
      let fc = 1;
      let fr = 1;
      let fg = 1;
      if (shareIdle) {
        // Shared with the allocations that pay for the resource; what nobody pays for remains.
        fc = total && total.cpu > 0 ? 0 : 1;
        fr = total && total.ram > 0 ? 0 : 1;
        fg = total && total.gpu > 0 ? 0 : 1;
      } else if (filtering) {
        const pass = passing.get(id);
        fc = total && total.cpu > 0 ? (pass?.cpu ?? 0) / total.cpu : 1;
        fr = total && total.ram > 0 ? (pass?.ram ?? 0) / total.ram : 1;
        fg = total && total.gpu > 0 ? (pass?.gpu ?? 0) / total.gpu : 1;
      }
      const kept = row.cpuCostUsd * fc + row.ramCostUsd * fr + row.gpuCostUsd * fg + row.pvCostUsd + row.networkCostUsd + row.loadBalancerCostUsd;
      if (kept <= 0) continue;
      const base = idleByNode ? `${row.node}/${IDLE}` : IDLE;
      group(prefix ? `${row.cluster}/${base}` : base, true).addIdle(row, fc, fr, fg);
    }
  }

  const names = [...groups.keys()].sort();
  return { startMs: set.startMs, endMs: set.endMs, allocations: names.map((n) => groups.get(n)!.result(n)) };
}
