// What one exporter cycle adds to the history: a pure conversion of the cycle's CostReport (hourly
// run-rates) into amounts over the cycle's window (USD spent, core-hours, byte-hours).
//
//   amount = hourly figure × minutes / 60
//
// where `minutes` is how long the allocation ran inside the window: the pod's own minutes from the
// cost model (a pod that started inside the window ran from its start), the whole window for
// nodes, idle, volumes, load balancers and the management fee. Pseudo-allocations follow OpenCost:
// `__idle__` per node, `__unmounted__` per unmounted volume, `__unallocated__` per load balancer that
// selects no pod. With `containers`, each pod row is also split into one row per container plus the
// pod-level remainder `__pod__` (src/core/containers.ts), which add up to the pod row.
// Pure: no clock, no I/O.
import type { AllocateOptions, CostReport, PodCost } from '../core/allocate.ts';
import { allocate, IDLE, UNALLOCATED, UNMOUNTED } from '../core/allocate.ts';
import type { ContainerCost } from '../core/containers.ts';
import { splitPodCost } from '../core/containers.ts';
import type { ClusterSnapshot, ContainerUsage, Labels, NodeInfo, OwnerRef, PodInfo } from '../core/model.ts';
import { podKey } from '../core/model.ts';
import type { PriceBook } from '../core/pricing.ts';
import type { SourceReading } from '../sources/source.ts';
import type { AllocationInterval, AllocationKind, ClusterInterval, ContainerInterval, CycleBatch, DiskInterval, LoadBalancerInterval, NodeInterval } from './types.ts';

/** The part of the exporter's CompletedCycle the conversion reads (src/server/exporter.ts). */
export interface CycleInput {
  readonly report: CostReport;
  readonly reading: Pick<SourceReading, 'snapshot'> & Partial<Pick<SourceReading, 'finishedPods'>>;
  readonly window: { readonly startMs: number; readonly endMs: number };
}

export interface CycleBatchOptions {
  readonly cluster: string;
  readonly demo: boolean;
  /**
   * Record nothing before this instant: the window starts at max(window.startMs, fromMs) and every
   * allocation's minutes are cut to the shortened window (used to continue exactly where the store's
   * data ends, and to cap a long pause so it shows as a gap instead of being filled).
   */
  readonly fromMs?: number;
  /**
   * Prices the pods that finished between two readings (live sources: `reading.finishedPods`), as
   * the exporter's counters do: each for the minutes it ran inside the window, taken out of its
   * node's idle. Absent: such pods are not recorded.
   */
  readonly finished?: { readonly prices: PriceBook; readonly allocateOptions?: AllocateOptions };
  /** Also record one row per container of each pod (`--record-containers`). */
  readonly containers?: boolean;
}

const MINUTE_MS = 60_000;
const EMPTY: Labels = Object.freeze({});

/** OpenCost's controller kinds are the owner kinds in lower case (`deployment`, `statefulset`...). */
export function controllerOf(workload: OwnerRef | undefined): { controllerKind: string; controller: string } {
  if (!workload) return { controllerKind: '', controller: '' };
  return { controllerKind: workload.kind.toLowerCase(), controller: workload.name };
}

interface ZeroAmounts {
  readonly cpuCoreRequestHours: 0;
  readonly cpuCoreUsageHours: 0;
  readonly cpuCoreHours: 0;
  readonly ramByteRequestHours: 0;
  readonly ramByteUsageHours: 0;
  readonly ramByteHours: 0;
  readonly gpuHours: 0;
  readonly usageMinutes: 0;
}

export const NO_RESOURCES: ZeroAmounts = {
  cpuCoreRequestHours: 0,
  cpuCoreUsageHours: 0,
  cpuCoreHours: 0,
  ramByteRequestHours: 0,
  ramByteUsageHours: 0,
  ramByteHours: 0,
  gpuHours: 0,
  usageMinutes: 0,
};

/** Every amount of an allocation row zero, an estimated figure: pseudo rows (and test builders) give the few they carry. */
export const ZERO_AMOUNTS = {
  ...NO_RESOURCES,
  cpuCostUsd: 0,
  ramCostUsd: 0,
  gpuCostUsd: 0,
  pvCostUsd: 0,
  loadBalancerCostUsd: 0,
  networkCostUsd: 0,
  spotSavingsUsd: 0,
  basis: 'estimated',
} as const satisfies Partial<AllocationInterval>;

function podInterval(p: PodCost, info: PodInfo | undefined, base: { cluster: string; startMs: number; endMs: number }, windowMinutes: number): AllocationInterval | undefined {
  const minutes = Math.min(p.minutes, windowMinutes);
  if (!(minutes > 0)) return undefined;
  const hours = minutes / 60;
  return {
    ...base,
    kind: 'pod',
    key: p.uid,
    namespace: p.namespace,
    pod: p.name,
    node: p.node,
    ...controllerOf(p.workload),
    labels: p.labels,
    annotations: info?.annotations ?? EMPTY,
    minutes,
    ...amountsOver(p, hours),
    usageMinutes: p.usage ? minutes : 0,
    basis: 'estimated',
  };
}

/**
 * A pod's or a container's hourly figures over `hours`: the amounts of its row. Network is egress a
 * node agent measured × its destination's price; a pod without a measurement has none.
 */
function amountsOver(c: ContainerCost | PodCost, hours: number) {
  return {
    cpuCoreRequestHours: c.request.cpuCores * hours,
    cpuCoreUsageHours: c.usage ? c.usage.cpuCores * hours : 0,
    cpuCoreHours: c.allocation.cpuCores * hours,
    ramByteRequestHours: c.request.ramBytes * hours,
    ramByteUsageHours: c.usage ? c.usage.ramBytes * hours : 0,
    ramByteHours: c.allocation.ramBytes * hours,
    gpuHours: c.allocation.gpus * hours,
    cpuCostUsd: c.cpuHourlyUsd * hours,
    ramCostUsd: c.ramHourlyUsd * hours,
    gpuCostUsd: c.gpuHourlyUsd * hours,
    pvCostUsd: c.pvHourlyUsd * hours,
    loadBalancerCostUsd: c.loadBalancerHourlyUsd * hours,
    networkCostUsd: (c.networkHourlyUsd ?? 0) * hours,
    spotSavingsUsd: c.spotSavingsHourlyUsd * hours,
  };
}

type Usage = ClusterSnapshot['usage'];

/**
 * The pod row split per container (and `__pod__`), each row the container's share of the pod's
 * amounts over the same minutes. Network (a pod's, not a container's) goes to `__pod__`.
 */
function containerIntervals(pod: PodInfo | undefined, p: PodCost, row: AllocationInterval, usage: Usage): ContainerInterval[] {
  if (!pod) return [];
  const hours = row.minutes / 60;
  const byContainer: ReadonlyMap<string, ContainerUsage> | undefined = usage?.get(podKey(p.namespace, p.name));
  const out: ContainerInterval[] = [];
  for (const c of splitPodCost(pod, p, byContainer)) {
    out.push({
      ...row,
      key: `${row.key}/${c.container}`,
      container: c.container,
      ...amountsOver(c, hours),
    });
  }
  return out;
}

/** Pods that finished since the previous reading, priced on their node for the minutes they ran in the window. */
function finishedIntervals(
  cycle: CycleInput,
  pricing: NonNullable<CycleBatchOptions['finished']>,
  base: { cluster: string; startMs: number; endMs: number },
  seen: ReadonlySet<string>,
  containers: ContainerInterval[] | undefined,
): AllocationInterval[] {
  const runs = (cycle.reading.finishedPods ?? []).filter(
    (f) => f.node !== undefined && !seen.has(f.pod.uid) && Math.min(base.endMs, f.finishedAtMs) > Math.max(base.startMs, f.startedAtMs),
  );
  if (runs.length === 0) return [];
  const nodes = new Map<string, NodeInfo>();
  for (const f of runs) if (f.node) nodes.set(f.node.name, f.node);
  const snapshot: ClusterSnapshot = {
    nodes: [...nodes.values()],
    pods: runs.map((f) => f.pod),
    persistentVolumes: [],
    persistentVolumeClaims: [],
    services: [],
    namespaces: [],
    storageClasses: [],
    ...(cycle.reading.snapshot.usage ? { usage: cycle.reading.snapshot.usage } : {}),
  };
  const report = allocate(snapshot, pricing.prices, { startMs: base.startMs, endMs: base.endMs }, pricing.allocateOptions ?? {});
  const costs = new Map(report.pods.map((p) => [p.uid, p]));
  const out: AllocationInterval[] = [];
  const windowMinutes = (base.endMs - base.startMs) / MINUTE_MS;
  for (const f of runs) {
    const p = costs.get(f.pod.uid);
    if (!p) continue;
    const minutes = (Math.min(base.endMs, f.finishedAtMs) - Math.max(base.startMs, f.startedAtMs)) / MINUTE_MS;
    const row = podInterval({ ...p, minutes }, f.pod, base, windowMinutes);
    if (!row) continue;
    out.push(row);
    if (containers) containers.push(...containerIntervals(f.pod, p, row, cycle.reading.snapshot.usage));
  }
  return out;
}

/** Converts one completed cycle into the batch the store writes atomically. */
export function cycleBatch(cycle: CycleInput, options: CycleBatchOptions): CycleBatch {
  const { cluster, demo, fromMs } = options;
  const { report, window } = cycle;
  const endMs = window.endMs;
  const startMs = Math.min(endMs, fromMs === undefined ? window.startMs : Math.max(window.startMs, fromMs));
  const minutes = (endMs - startMs) / MINUTE_MS;
  const hours = minutes / 60;
  const base = { cluster, startMs, endMs };
  /** One of OpenCost's pseudo-allocations (idle, unmounted, unallocated): no pod and no resources, only the money it is given. */
  const pseudo = (
    kind: Exclude<AllocationKind, 'pod'>,
    key: string,
    where: { readonly namespace: string; readonly pod: string; readonly node: string },
    costs: Partial<Pick<AllocationInterval, 'cpuCostUsd' | 'ramCostUsd' | 'gpuCostUsd' | 'pvCostUsd' | 'loadBalancerCostUsd' | 'spotSavingsUsd'>>,
  ): AllocationInterval => ({
    ...base,
    kind,
    key,
    ...where,
    controllerKind: '',
    controller: '',
    labels: EMPTY,
    annotations: EMPTY,
    minutes,
    ...ZERO_AMOUNTS,
    ...costs,
  });

  const infoByUid = new Map<string, PodInfo>();
  for (const pod of cycle.reading.snapshot.pods) infoByUid.set(pod.uid, pod);

  const allocations: AllocationInterval[] = [];
  const containers: ContainerInterval[] | undefined = options.containers ? [] : undefined;
  const usage = cycle.reading.snapshot.usage;
  if (minutes > 0) {
    for (const p of report.pods) {
      const info = infoByUid.get(p.uid);
      const row = podInterval(p, info, base, minutes);
      if (!row) continue;
      allocations.push(row);
      if (containers) containers.push(...containerIntervals(info, p, row, usage));
    }
    const finishedIdle = new Map<string, { cpu: number; ram: number; gpu: number }>();
    if (options.finished && cycle.reading.finishedPods && cycle.reading.finishedPods.length > 0) {
      const seen = new Set(allocations.map((a) => a.key));
      for (const row of finishedIntervals(cycle, options.finished, base, seen, containers)) {
        allocations.push(row);
        const taken = finishedIdle.get(row.node) ?? { cpu: 0, ram: 0, gpu: 0 };
        taken.cpu += row.cpuCostUsd;
        taken.ram += row.ramCostUsd;
        taken.gpu += row.gpuCostUsd;
        finishedIdle.set(row.node, taken);
      }
    }
    for (const s of report.pseudo) {
      if (s.name !== IDLE) continue; // volumes and load balancers below, one row each
      // Minutes of pods that finished since the last reading were idle in this reading: theirs now.
      const taken = finishedIdle.get(s.node) ?? { cpu: 0, ram: 0, gpu: 0 };
      allocations.push(
        pseudo('idle', `${IDLE}/${s.node}`, { namespace: '', pod: IDLE, node: s.node }, {
          cpuCostUsd: Math.max(0, s.cpuHourlyUsd * hours - taken.cpu),
          ramCostUsd: Math.max(0, s.ramHourlyUsd * hours - taken.ram),
          gpuCostUsd: Math.max(0, s.gpuHourlyUsd * hours - taken.gpu),
          spotSavingsUsd: s.spotSavingsHourlyUsd * hours,
        }),
      );
    }
    for (const v of report.volumes) {
      if (v.mountedBy.length > 0) continue;
      allocations.push(pseudo('unmounted', `${UNMOUNTED}/${v.name}`, { namespace: v.claimNamespace, pod: UNMOUNTED, node: '' }, { pvCostUsd: v.hourlyUsd * hours }));
    }
    for (const lb of report.loadBalancers) {
      if (lb.podCount > 0) continue;
      allocations.push(pseudo('unallocated', `${UNALLOCATED}/${lb.namespace}/${lb.name}`, { namespace: lb.namespace, pod: UNALLOCATED, node: '' }, { loadBalancerCostUsd: lb.hourlyUsd * hours }));
    }
  }

  const providerIds = new Map(cycle.reading.snapshot.nodes.map((n) => [n.name, n.providerId ?? '']));
  const nodes: NodeInterval[] =
    minutes > 0
      ? report.nodes.map((n) => ({
          ...base,
          node: n.name,
          providerId: providerIds.get(n.name) ?? '',
          instanceType: n.instanceType,
          region: n.region,
          zone: n.zone,
          pool: n.pool,
          capacityType: n.capacityType,
          priceSource: n.priceSource,
          minutes,
          cpuCores: n.capacity.cpuCores,
          ramBytes: n.capacity.ramBytes,
          gpus: n.capacity.gpus,
          cpuCostUsd: n.resourceCosts.cpuHourlyUsd * hours,
          ramCostUsd: n.resourceCosts.ramHourlyUsd * hours,
          gpuCostUsd: n.resourceCosts.gpuHourlyUsd * hours,
          totalCostUsd: n.hourlyUsd * hours,
          onDemandCostUsd: n.onDemandHourlyUsd * hours,
          idleCostUsd: n.idleHourlyUsd * hours,
          basis: 'estimated' as const,
        }))
      : [];

  const disks: DiskInterval[] =
    minutes > 0
      ? report.volumes.map((v) => ({
          ...base,
          name: v.name,
          storageClass: v.storageClass,
          claimNamespace: v.claimNamespace,
          claimName: v.claimName,
          capacityBytes: v.capacityBytes,
          minutes,
          costUsd: v.hourlyUsd * hours,
          priceSource: v.priceSource,
        }))
      : [];
  const loadBalancers: LoadBalancerInterval[] =
    minutes > 0
      ? report.loadBalancers.map((l) => ({ ...base, namespace: l.namespace, name: l.name, minutes, costUsd: l.hourlyUsd * hours, priceSource: l.priceSource }))
      : [];
  const clusterCharges: ClusterInterval = { ...base, minutes, managementCostUsd: report.cluster.managementHourlyUsd * hours };
  return { cluster, startMs, endMs, demo, allocations, ...(containers ? { containers } : {}), nodes, disks, loadBalancers, clusterCharges };
}
