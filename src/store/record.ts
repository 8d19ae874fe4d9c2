// What one exporter cycle adds to the history: a pure conversion of the cycle's CostReport (hourly
// run-rates) into amounts over the cycle's window (USD spent, core-hours, byte-hours).
//
//   amount = hourly figure × minutes / 60
//
// where `minutes` is how long the allocation ran inside the window: the pod's own minutes from the
// cost model (a pod that started inside the window ran from its start), the whole window for
// nodes, idle, volumes, load balancers and the management fee. Pseudo-allocations follow OpenCost:
// `__idle__` per node, `__unmounted__` per unmounted volume, `__unallocated__` per load balancer that
// selects no pod. Pure: no clock, no I/O.
import type { CostReport, PodCost } from '../core/allocate.ts';
import { IDLE, UNALLOCATED, UNMOUNTED } from '../core/allocate.ts';
import type { Labels, OwnerRef, PodInfo } from '../core/model.ts';
import type { SourceReading } from '../sources/source.ts';
import type { AllocationInterval, ClusterInterval, CycleBatch, DiskInterval, LoadBalancerInterval, NodeInterval } from './types.ts';

/** The part of the exporter's CompletedCycle the conversion reads (src/server/exporter.ts). */
export interface CycleInput {
  readonly report: CostReport;
  readonly reading: Pick<SourceReading, 'snapshot'>;
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

const NO_RESOURCES: ZeroAmounts = {
  cpuCoreRequestHours: 0,
  cpuCoreUsageHours: 0,
  cpuCoreHours: 0,
  ramByteRequestHours: 0,
  ramByteUsageHours: 0,
  ramByteHours: 0,
  gpuHours: 0,
  usageMinutes: 0,
};

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
    cpuCoreRequestHours: p.request.cpuCores * hours,
    cpuCoreUsageHours: p.usage ? p.usage.cpuCores * hours : 0,
    cpuCoreHours: p.allocation.cpuCores * hours,
    ramByteRequestHours: p.request.ramBytes * hours,
    ramByteUsageHours: p.usage ? p.usage.ramBytes * hours : 0,
    ramByteHours: p.allocation.ramBytes * hours,
    gpuHours: p.allocation.gpus * hours,
    usageMinutes: p.usage ? minutes : 0,
    cpuCostUsd: p.cpuHourlyUsd * hours,
    ramCostUsd: p.ramHourlyUsd * hours,
    gpuCostUsd: p.gpuHourlyUsd * hours,
    pvCostUsd: p.pvHourlyUsd * hours,
    loadBalancerCostUsd: p.loadBalancerHourlyUsd * hours,
    // Network transfer is not modelled yet (docs/cost-model.md): no figure rather than an invented one.
    networkCostUsd: 0,
    spotSavingsUsd: p.spotSavingsHourlyUsd * hours,
    basis: 'estimated',
  };
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

  const infoByUid = new Map<string, PodInfo>();
  for (const pod of cycle.reading.snapshot.pods) infoByUid.set(pod.uid, pod);

  const allocations: AllocationInterval[] = [];
  if (minutes > 0) {
    for (const p of report.pods) {
      const row = podInterval(p, infoByUid.get(p.uid), base, minutes);
      if (row) allocations.push(row);
    }
    for (const s of report.pseudo) {
      if (s.name !== IDLE) continue; // volumes and load balancers below, one row each
      allocations.push({
        ...base,
        kind: 'idle',
        key: `${IDLE}/${s.node}`,
        namespace: '',
        pod: IDLE,
        node: s.node,
        controllerKind: '',
        controller: '',
        labels: EMPTY,
        annotations: EMPTY,
        minutes,
        ...NO_RESOURCES,
        cpuCostUsd: s.cpuHourlyUsd * hours,
        ramCostUsd: s.ramHourlyUsd * hours,
        gpuCostUsd: s.gpuHourlyUsd * hours,
        pvCostUsd: 0,
        loadBalancerCostUsd: 0,
        networkCostUsd: 0,
        spotSavingsUsd: s.spotSavingsHourlyUsd * hours,
        basis: 'estimated',
      });
    }
    for (const v of report.volumes) {
      if (v.mountedBy.length > 0) continue;
      allocations.push({
        ...base,
        kind: 'unmounted',
        key: `${UNMOUNTED}/${v.name}`,
        namespace: v.claimNamespace,
        pod: UNMOUNTED,
        node: '',
        controllerKind: '',
        controller: '',
        labels: EMPTY,
        annotations: EMPTY,
        minutes,
        ...NO_RESOURCES,
        cpuCostUsd: 0,
        ramCostUsd: 0,
        gpuCostUsd: 0,
        pvCostUsd: v.hourlyUsd * hours,
        loadBalancerCostUsd: 0,
        networkCostUsd: 0,
        spotSavingsUsd: 0,
        basis: 'estimated',
      });
    }
    for (const lb of report.loadBalancers) {
      if (lb.podCount > 0) continue;
      allocations.push({
        ...base,
        kind: 'unallocated',
        key: `${UNALLOCATED}/${lb.namespace}/${lb.name}`,
        namespace: lb.namespace,
        pod: UNALLOCATED,
        node: '',
        controllerKind: '',
        controller: '',
        labels: EMPTY,
        annotations: EMPTY,
        minutes,
        ...NO_RESOURCES,
        cpuCostUsd: 0,
        ramCostUsd: 0,
        gpuCostUsd: 0,
        pvCostUsd: 0,
        loadBalancerCostUsd: lb.hourlyUsd * hours,
        networkCostUsd: 0,
        spotSavingsUsd: 0,
        basis: 'estimated',
      });
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
  return { cluster, startMs, endMs, demo, allocations, nodes, disks, loadBalancers, clusterCharges };
}
