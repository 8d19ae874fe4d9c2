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
  // One pass per container list, no closures or intermediate objects: allocate() calls this for
  // every pod of the cluster each cycle. Without usage the allocation is the request (one object).
  let appCpuMilli = 0;
  let appRam = 0;
  let appGpu = 0;
  let allocCpuMilli = 0;
  let allocRam = 0;
  let usageCpuMilli = 0;
  let usageRam = 0;
  let measured = false;
  let sidecarCpu = 0;
  let sidecarRam = 0;
  let sidecarGpu = 0;

  for (let pass = 0; pass < 2; pass++) {
    const list: readonly ContainerInfo[] = pass === 0 ? pod.containers : pod.sidecarContainers;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      const r = c.requests;
      appCpuMilli += r.cpuMillicores;
      appRam += r.ramBytes;
      appGpu += r.gpus;
      if (pass === 1) {
        sidecarCpu += r.cpuMillicores;
        sidecarRam += r.ramBytes;
        sidecarGpu += r.gpus;
      }
      const u = usage === undefined ? undefined : usage.get(c.name);
      if (u !== undefined) {
        measured = true;
        usageCpuMilli += u.cpuMillicores;
        usageRam += u.ramBytes;
        allocCpuMilli += Math.max(r.cpuMillicores, u.cpuMillicores);
        allocRam += Math.max(r.ramBytes, u.ramBytes);
      } else {
        allocCpuMilli += r.cpuMillicores;
        allocRam += r.ramBytes;
      }
    }
  }

  // Init containers run one at a time; sidecars started before them keep running alongside.
  let initCpu = 0;
  let initRam = 0;
  let initGpu = 0;
  const init = pod.initContainers;
  for (let i = 0; i < init.length; i++) {
    const r = init[i]!.requests;
    initCpu = Math.max(initCpu, r.cpuMillicores + sidecarCpu);
    initRam = Math.max(initRam, r.ramBytes + sidecarRam);
    initGpu = Math.max(initGpu, r.gpus + sidecarGpu);
  }

  const o = pod.overhead;
  const gpus = Math.max(appGpu, initGpu) + o.gpus;
  const request: PodResources = {
    cpuCores: (Math.max(appCpuMilli, initCpu) + o.cpuMillicores) / 1000,
    ramBytes: Math.max(appRam, initRam) + o.ramBytes,
    gpus,
  };
  if (!measured) return { request, allocation: request, usage: undefined };
  return {
    request,
    allocation: {
      cpuCores: (Math.max(allocCpuMilli, initCpu) + o.cpuMillicores) / 1000,
      ramBytes: Math.max(allocRam, initRam) + o.ramBytes,
      gpus,
    },
    usage: { cpuCores: usageCpuMilli / 1000, ramBytes: usageRam },
  };
}
