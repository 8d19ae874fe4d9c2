// A pod's cost split among its containers (pure). The cost model charges the pod as a whole
// (docs/cost-model.md §4):
//
//   allocation = max(Σ max(request_c, usage_c) over app and sidecar containers, init) + overhead
//
// so per resource (CPU, RAM, GPU) each running container c gets the share
//
//   allocation_c = max(request_c, usage_c)         (request_c alone when its usage is not measured;
//                                                   GPUs always by request)
//   cost_c       = pod cost × allocation_c / pod allocation
//
// and what no container accounts for — the init phase above the containers' sum, the pod overhead
// (RuntimeClass), the pod's volumes, load balancers and network — stays visible as one more part
// named `__pod__`, computed as the pod's figure minus the containers' sum, so the parts add up to
// the pod (to the last floating-point rounding). Spot savings follow each part's compute cost.
// The `__pod__` part is left out when every one of its figures is zero. No I/O, no clock.
import type { PodCost } from './allocate.ts';
import type { ContainerInfo, ContainerUsage, PodInfo } from './model.ts';
import type { PodResources } from './requests.ts';

/** The part of a pod that belongs to none of its containers (init phase, overhead, volumes...). */
export const POD_REMAINDER = '__pod__';

/** A container's share of its pod's cost: the pod's own fields (usage undefined when the pod's is not measured), network always given. */
export interface ContainerCost
  extends Pick<PodCost, 'request' | 'usage' | 'allocation' | 'cpuHourlyUsd' | 'ramHourlyUsd' | 'gpuHourlyUsd' | 'pvHourlyUsd' | 'loadBalancerHourlyUsd' | 'spotSavingsHourlyUsd'> {
  /** The container's name, or `__pod__` for the pod-level remainder. */
  readonly container: string;
  readonly networkHourlyUsd: number;
}

/** What the split reads of a pod's cost (a PodCost, or a finished pod priced the same way). */
export type PodCostFigures = Pick<
  PodCost,
  'request' | 'usage' | 'allocation' | 'cpuHourlyUsd' | 'ramHourlyUsd' | 'gpuHourlyUsd' | 'pvHourlyUsd' | 'loadBalancerHourlyUsd' | 'spotSavingsHourlyUsd' | 'networkHourlyUsd'
>;

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
/**
 * The remainder of a sum: never below zero, and zero when it is only the rounding of the parts
 * (below a millionth of a millionth of the whole: 0.1 + 0.2 − 0.3 is not a remainder).
 */
const rest = (whole: number, parts: number): number => {
  const r = whole - parts;
  return r > 1e-12 * Math.abs(whole) ? r : 0;
};

/**
 * Splits `cost` (the pod's figures from the cost model) among the pod's running containers (app
 * containers and native sidecars, in that order) plus the `__pod__` remainder.
 * `usage` is the pod's measured usage by container name, as the cost model read it.
 */
export function splitPodCost(pod: Pick<PodInfo, 'containers' | 'sidecarContainers'>, cost: PodCostFigures, usage: ReadonlyMap<string, ContainerUsage> | undefined): ContainerCost[] {
  const running: readonly ContainerInfo[] = pod.sidecarContainers.length === 0 ? pod.containers : [...pod.containers, ...pod.sidecarContainers];
  const measured = cost.usage !== undefined;
  const out: ContainerCost[] = [];
  const a = cost.allocation;
  // The shares' denominators: the pod's allocation, or the containers' sum if that is larger
  // (it never is by the model's rule; guarded so that no part is charged above the pod).
  let sumCpu = 0;
  let sumRam = 0;
  let sumGpu = 0;
  const allocs: PodResources[] = [];
  for (const c of running) {
    const u = usage?.get(c.name);
    const cpuMilli = u === undefined ? c.requests.cpuMillicores : Math.max(c.requests.cpuMillicores, u.cpuMillicores);
    const ram = u === undefined ? c.requests.ramBytes : Math.max(c.requests.ramBytes, u.ramBytes);
    const alloc = { cpuCores: cpuMilli / 1000, ramBytes: ram, gpus: c.requests.gpus };
    allocs.push(alloc);
    sumCpu += alloc.cpuCores;
    sumRam += alloc.ramBytes;
    sumGpu += alloc.gpus;
  }
  const wholeCpu = Math.max(a.cpuCores, sumCpu);
  const wholeRam = Math.max(a.ramBytes, sumRam);
  const wholeGpu = Math.max(a.gpus, sumGpu);
  const podCompute = cost.cpuHourlyUsd + cost.ramHourlyUsd + cost.gpuHourlyUsd;

  const sum = { reqCpu: 0, reqRam: 0, reqGpu: 0, useCpu: 0, useRam: 0, cpu: 0, ram: 0, gpu: 0, savings: 0 };
  for (let i = 0; i < running.length; i++) {
    const c = running[i]!;
    const alloc = allocs[i]!;
    const u = usage?.get(c.name);
    const cpuUsd = cost.cpuHourlyUsd * share(alloc.cpuCores, wholeCpu);
    const ramUsd = cost.ramHourlyUsd * share(alloc.ramBytes, wholeRam);
    const gpuUsd = cost.gpuHourlyUsd * share(alloc.gpus, wholeGpu);
    const savings = cost.spotSavingsHourlyUsd * share(cpuUsd + ramUsd + gpuUsd, podCompute);
    const request = { cpuCores: c.requests.cpuMillicores / 1000, ramBytes: c.requests.ramBytes, gpus: c.requests.gpus };
    const used = measured ? { cpuCores: (u?.cpuMillicores ?? 0) / 1000, ramBytes: u?.ramBytes ?? 0 } : undefined;
    out.push({
      container: c.name,
      request,
      usage: used,
      allocation: alloc,
      cpuHourlyUsd: cpuUsd,
      ramHourlyUsd: ramUsd,
      gpuHourlyUsd: gpuUsd,
      pvHourlyUsd: 0,
      loadBalancerHourlyUsd: 0,
      networkHourlyUsd: 0,
      spotSavingsHourlyUsd: savings,
    });
    sum.reqCpu += request.cpuCores;
    sum.reqRam += request.ramBytes;
    sum.reqGpu += request.gpus;
    sum.useCpu += used?.cpuCores ?? 0;
    sum.useRam += used?.ramBytes ?? 0;
    sum.cpu += cpuUsd;
    sum.ram += ramUsd;
    sum.gpu += gpuUsd;
    sum.savings += savings;
  }

  const remainder: ContainerCost = {
    container: POD_REMAINDER,
    request: { cpuCores: rest(cost.request.cpuCores, sum.reqCpu), ramBytes: rest(cost.request.ramBytes, sum.reqRam), gpus: rest(cost.request.gpus, sum.reqGpu) },
    usage: cost.usage === undefined ? undefined : { cpuCores: rest(cost.usage.cpuCores, sum.useCpu), ramBytes: rest(cost.usage.ramBytes, sum.useRam) },
    allocation: { cpuCores: rest(a.cpuCores, sumCpu), ramBytes: rest(a.ramBytes, sumRam), gpus: rest(a.gpus, sumGpu) },
    cpuHourlyUsd: rest(cost.cpuHourlyUsd, sum.cpu),
    ramHourlyUsd: rest(cost.ramHourlyUsd, sum.ram),
    gpuHourlyUsd: rest(cost.gpuHourlyUsd, sum.gpu),
    pvHourlyUsd: cost.pvHourlyUsd,
    loadBalancerHourlyUsd: cost.loadBalancerHourlyUsd,
    networkHourlyUsd: cost.networkHourlyUsd ?? 0,
    spotSavingsHourlyUsd: rest(cost.spotSavingsHourlyUsd, sum.savings),
  };
  if (hasAnything(remainder)) out.push(remainder);
  return out;
}

/** Whether a part holds any amount (a remainder of zeros is not worth a row). */
function hasAnything(c: ContainerCost): boolean {
  return (
    c.request.cpuCores > 0 ||
    c.request.ramBytes > 0 ||
    c.request.gpus > 0 ||
    c.allocation.cpuCores > 0 ||
    c.allocation.ramBytes > 0 ||
    c.allocation.gpus > 0 ||
    (c.usage !== undefined && (c.usage.cpuCores > 0 || c.usage.ramBytes > 0)) ||
    c.cpuHourlyUsd > 0 ||
    c.ramHourlyUsd > 0 ||
    c.gpuHourlyUsd > 0 ||
    c.pvHourlyUsd > 0 ||
    c.loadBalancerHourlyUsd > 0 ||
    c.networkHourlyUsd > 0 ||
    c.spotSavingsHourlyUsd > 0
  );
}
