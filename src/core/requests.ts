// A pod's effective request and allocation, following Kubernetes' rules
// (resource-management docs, "Init containers" and "Sidecar containers"):
//   effective init request = max over init containers i of (request_i + Σ sidecars declared before i)
//   pod request = max(Σ app containers + Σ sidecars, effective init request) + pod overhead
// Allocation replaces each running container's request by max(request, measured usage).
import type { ContainerInfo, ContainerUsage, PodInfo } from './model.ts';

/** CPU in cores (fractional), memory in bytes, GPUs as a count. */
export interface PodResources {
  readonly cpuCores: number;
  readonly ramBytes: number;
  readonly gpus: number;
}

export interface PodRequestAndAllocation {
  readonly request: PodResources;
  readonly allocation: PodResources;
  /** Σ measured usage of the pod's running containers; undefined when none was measured. */
  readonly usage: { readonly cpuCores: number; readonly ramBytes: number } | undefined;
}

/**
 * The model keeps regular init containers and native sidecars (init containers with
 * `restartPolicy: Always`) in two lists, so it counts every sidecar as started before each regular
 * init container. Kubernetes counts only the sidecars declared before it; the two agree whenever
 * sidecars are declared first, as they almost always are, and otherwise we over-count the init
 * phase (documented in docs/cost-model.md).
 */
export function podRequestAndAllocation(pod: PodInfo, usage: ReadonlyMap<string, ContainerUsage> | undefined): PodRequestAndAllocation {
  let appCpuMilli = 0;
  let appRam = 0;
  let appGpu = 0;
  let allocCpuMilli = 0;
  let allocRam = 0;
  let usageCpuMilli = 0;
  let usageRam = 0;
  let measured = false;

  const addRunning = (c: ContainerInfo): void => {
    appCpuMilli += c.requests.cpuMillicores;
    appRam += c.requests.ramBytes;
    appGpu += c.requests.gpus;
    const u = usage?.get(c.name);
    if (u) {
      measured = true;
      usageCpuMilli += u.cpuMillicores;
      usageRam += u.ramBytes;
      allocCpuMilli += Math.max(c.requests.cpuMillicores, u.cpuMillicores);
      allocRam += Math.max(c.requests.ramBytes, u.ramBytes);
    } else {
      allocCpuMilli += c.requests.cpuMillicores;
      allocRam += c.requests.ramBytes;
    }
  };
  for (const c of pod.containers) addRunning(c);
  for (const c of pod.sidecarContainers) addRunning(c);

  // Init containers run one at a time; sidecars started before them keep running alongside.
  let sidecarCpu = 0;
  let sidecarRam = 0;
  let sidecarGpu = 0;
  for (const s of pod.sidecarContainers) {
    sidecarCpu += s.requests.cpuMillicores;
    sidecarRam += s.requests.ramBytes;
    sidecarGpu += s.requests.gpus;
  }
  let initCpu = 0;
  let initRam = 0;
  let initGpu = 0;
  for (const c of pod.initContainers) {
    initCpu = Math.max(initCpu, c.requests.cpuMillicores + sidecarCpu);
    initRam = Math.max(initRam, c.requests.ramBytes + sidecarRam);
    initGpu = Math.max(initGpu, c.requests.gpus + sidecarGpu);
  }

  const o = pod.overhead;
  const request: PodResources = {
    cpuCores: (Math.max(appCpuMilli, initCpu) + o.cpuMillicores) / 1000,
    ramBytes: Math.max(appRam, initRam) + o.ramBytes,
    gpus: Math.max(appGpu, initGpu) + o.gpus,
  };
  const allocation: PodResources = {
    cpuCores: (Math.max(allocCpuMilli, initCpu) + o.cpuMillicores) / 1000,
    ramBytes: Math.max(allocRam, initRam) + o.ramBytes,
    gpus: request.gpus,
  };
  return {
    request,
    allocation,
    usage: measured ? { cpuCores: usageCpuMilli / 1000, ramBytes: usageRam } : undefined,
  };
}
