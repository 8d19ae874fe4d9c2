// The reports of `kubectl cost` (pure): OpenCost-shaped allocations (one per pod, plus idle and other
// pseudo-allocations) grouped by namespace, controller, node, label..., sorted by cost with a total.
//
// Both data paths produce the same rows: a server answers `/api/v1/allocation?aggregate=pod` in
// OpenCost's shape; offline, rows are made from the exporter's own cost report.
//   monthly rate = Σ cost / minutes × 60 × 730   (minutes of the group = the longest in it, i.e. the
//                  union of windows that all end now, as OpenCost aggregates)
//   efficiency   = Σ usage core-hours / Σ request core-hours (and bytes), OpenCost's definition.
import type { CostReport } from '../core/allocate.ts';
import { HOURS_PER_MONTH } from '../core/pricing.ts';

// OpenCost's pseudo-allocation names (the same as src/core/allocate.ts; not imported from there so
// that server mode does not load the cost model).
const IDLE = '__idle__';
const UNALLOCATED = '__unallocated__';

export interface AllocationProperties {
  readonly cluster?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly controller?: string;
  readonly controllerKind?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The fields of an OpenCost allocation that the plugin reads. Undefined: not known by the source. */
export interface Allocation {
  readonly name: string;
  readonly properties: AllocationProperties;
  readonly minutes: number;
  readonly cpuCost: number;
  readonly ramCost: number;
  readonly gpuCost: number;
  readonly pvCost: number;
  readonly networkCost: number | undefined;
  readonly loadBalancerCost: number;
  readonly totalCost: number;
  readonly cpuCoreRequestAverage: number;
  readonly cpuCoreUsageAverage: number | undefined;
  readonly ramByteRequestAverage: number;
  readonly ramByteUsageAverage: number | undefined;
}

export type Grouping = 'namespace' | 'deployment' | 'controller' | 'pod' | 'node' | 'label' | 'cluster';

export interface GroupRow {
  readonly name: string;
  readonly pods: number;
  readonly minutes: number;
  readonly cpuCost: number;
  readonly ramCost: number;
  readonly gpuCost: number;
  readonly pvCost: number;
  readonly networkCost: number | undefined;
  readonly loadBalancerCost: number;
  readonly totalCost: number;
  readonly cpuEfficiency: number | undefined;
  readonly ramEfficiency: number | undefined;
  readonly totalEfficiency: number | undefined;
}

/** OpenCost names pseudo-allocations `__idle__`, or `<node>/__idle__` (idleByNode), `<cluster>/__unmounted__`... */
function pseudoName(name: string): string | undefined {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.length > 4 && last.startsWith('__') && last.endsWith('__') ? last : undefined;
}
const isPseudo = (name: string) => pseudoName(name) !== undefined;

/** Offline rows: every costed pod and pseudo-allocation of the report at its current run rate over `windowMinutes`. */
export function allocationsFromReport(report: CostReport, windowMinutes: number, clusterName = 'cluster'): Allocation[] {
  const hours = windowMinutes / 60;
  const rows: Allocation[] = [];
  for (const p of report.pods) {
    const w = p.workload;
    rows.push({
      name: `${p.namespace}/${p.name}`,
      properties: {
        cluster: clusterName,
        node: p.node,
        namespace: p.namespace,
        pod: p.name,
        ...(w ? { controller: w.name, controllerKind: w.kind.toLowerCase() } : {}),
        labels: p.labels,
      },
      minutes: windowMinutes,
      cpuCost: p.cpuHourlyUsd * hours,
      ramCost: p.ramHourlyUsd * hours,
      gpuCost: p.gpuHourlyUsd * hours,
      pvCost: p.pvHourlyUsd * hours,
      networkCost: undefined,
      loadBalancerCost: p.loadBalancerHourlyUsd * hours,
      totalCost: p.totalHourlyUsd * hours,
      cpuCoreRequestAverage: p.request.cpuCores,
      cpuCoreUsageAverage: p.usage?.cpuCores,
      ramByteRequestAverage: p.request.ramBytes,
      ramByteUsageAverage: p.usage?.ramBytes,
    });
  }
  for (const s of report.pseudo) {
    rows.push({
      name: s.name,
      properties: { cluster: clusterName, ...(s.node ? { node: s.node } : {}), ...(s.namespace === IDLE ? {} : { namespace: s.namespace }) },
      minutes: windowMinutes,
      cpuCost: s.cpuHourlyUsd * hours,
      ramCost: s.ramHourlyUsd * hours,
      gpuCost: s.gpuHourlyUsd * hours,
      pvCost: s.pvHourlyUsd * hours,
      networkCost: undefined,
      loadBalancerCost: s.loadBalancerHourlyUsd * hours,
      totalCost: s.totalHourlyUsd * hours,
      cpuCoreRequestAverage: 0,
      cpuCoreUsageAverage: undefined,
      ramByteRequestAverage: 0,
      ramByteUsageAverage: undefined,
    });
  }
  return rows;
}

/** The group an allocation belongs to; pseudo-allocations keep their own name (e.g. `__idle__`). */
export function groupKey(a: Allocation, by: Grouping, labelKey = ''): string {
  const p = a.properties;
  if (by === 'cluster') return p.cluster ?? 'cluster';
  const pseudo = pseudoName(a.name);
  if (by === 'node') return p.node || (pseudo ?? UNALLOCATED);
  // Unmounted volumes and unselected load balancers of a namespace stay in it, as the exporter counts them.
  if (by === 'namespace' && pseudo !== undefined && p.namespace) return p.namespace;
  if (pseudo !== undefined) return pseudo;
  switch (by) {
    case 'namespace':
      return p.namespace ?? UNALLOCATED;
    case 'pod':
      return `${p.namespace ?? ''}/${p.pod ?? a.name}`;
    case 'controller':
      return p.controller && p.controllerKind ? `${p.namespace}/${p.controllerKind}:${p.controller}` : UNALLOCATED;
    case 'deployment':
      return p.controllerKind?.toLowerCase() === 'deployment' && p.controller ? `${p.namespace}/${p.controller}` : UNALLOCATED;
    case 'label':
      return p.labels?.[labelKey] ?? UNALLOCATED;
  }
}

export interface GroupOptions {
  readonly by: Grouping;
  readonly labelKey?: string;
  /** Only allocations of this namespace (pseudo-allocations without a namespace are dropped). */
  readonly namespace?: string;
  /** Only these group names. */
  readonly names?: readonly string[];
}

export function groupAllocations(allocations: readonly Allocation[], options: GroupOptions): GroupRow[] {
  interface Acc {
    pods: number;
    minutes: number;
    cpu: number;
    ram: number;
    gpu: number;
    pv: number;
    network: number | undefined;
    networkKnown: boolean;
    lb: number;
    total: number;
    cpuReq: number;
    cpuUse: number;
    ramReq: number;
    ramUse: number;
    usageKnown: boolean;
  }
  const groups = new Map<string, Acc>();
  for (const a of allocations) {
    if (options.namespace !== undefined && a.properties.namespace !== options.namespace) continue;
    const key = groupKey(a, options.by, options.labelKey);
    let g = groups.get(key);
    if (!g) {
      g = { pods: 0, minutes: 0, cpu: 0, ram: 0, gpu: 0, pv: 0, network: 0, networkKnown: true, lb: 0, total: 0, cpuReq: 0, cpuUse: 0, ramReq: 0, ramUse: 0, usageKnown: false };
      groups.set(key, g);
    }
    if (!isPseudo(a.name)) g.pods += 1;
    g.minutes = Math.max(g.minutes, a.minutes);
    g.cpu += a.cpuCost;
    g.ram += a.ramCost;
    g.gpu += a.gpuCost;
    g.pv += a.pvCost;
    if (a.networkCost === undefined) g.networkKnown = false;
    else g.network = (g.network ?? 0) + a.networkCost;
    g.lb += a.loadBalancerCost;
    g.total += a.totalCost;
    g.cpuReq += a.cpuCoreRequestAverage * a.minutes;
    g.ramReq += a.ramByteRequestAverage * a.minutes;
    if (a.cpuCoreUsageAverage !== undefined) {
      g.usageKnown = true;
      g.cpuUse += a.cpuCoreUsageAverage * a.minutes;
    }
    if (a.ramByteUsageAverage !== undefined) {
      g.usageKnown = true;
      g.ramUse += a.ramByteUsageAverage * a.minutes;
    }
  }
  const rows: GroupRow[] = [];
  for (const [name, g] of groups) {
    if (options.names && options.names.length > 0 && !options.names.includes(name) && !options.names.some((n) => name.endsWith(`/${n}`) || name.endsWith(`:${n}`))) continue;
    const cpuEfficiency = g.usageKnown && g.cpuReq > 0 ? g.cpuUse / g.cpuReq : undefined;
    const ramEfficiency = g.usageKnown && g.ramReq > 0 ? g.ramUse / g.ramReq : undefined;
    const totalEfficiency =
      cpuEfficiency !== undefined && ramEfficiency !== undefined && g.cpu + g.ram > 0 ? (cpuEfficiency * g.cpu + ramEfficiency * g.ram) / (g.cpu + g.ram) : undefined;
    rows.push({
      name,
      pods: g.pods,
      minutes: g.minutes,
      cpuCost: g.cpu,
      ramCost: g.ram,
      gpuCost: g.gpu,
      pvCost: g.pv,
      networkCost: g.networkKnown ? g.network : undefined,
      loadBalancerCost: g.lb,
      totalCost: g.total,
      cpuEfficiency,
      ramEfficiency,
      totalEfficiency,
    });
  }
  return rows.sort((a, b) => b.totalCost / Math.max(b.minutes, 1e-9) - a.totalCost / Math.max(a.minutes, 1e-9) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Scale from a group's window cost to its monthly rate: 60 × 730 / minutes (0 when it has no minutes). */
export function monthlyFactor(minutes: number): number {
  return minutes > 0 ? (60 * HOURS_PER_MONTH) / minutes : 0;
}
