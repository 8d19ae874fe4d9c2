// Two cgroup readings → usage over the interval between them (pure). This is the agent's wire
// format too: `/v1/usage` and `agent --once -o json` print an AgentUsageReport.
import type { CgroupCounters } from './cgroup-files.ts';
import type { CgroupDriver, ContainerRuntime, QosClass } from './cgroup-paths.ts';
import type { CgroupReading, CgroupVersion } from './cgroup-reader.ts';
import type { EgressBytes, InterfaceCounters } from './network.ts';
import type { PodGpuUsage } from './gpu.ts';

export const AGENT_API_VERSION = 'agent.kube-cost-exporter.io/v1';

/** Usage of one cgroup over the interval. Byte and operation counts are what happened in the interval. */
export interface CgroupUsage {
  /** Average over the interval. */
  readonly cpuCores: number;
  /** Throttled periods / periods in the interval (0 without a CPU limit). */
  readonly cpuThrottledRatio: number;
  readonly cpuThrottledSeconds: number;
  /** At the end of the interval. */
  readonly memoryWorkingSetBytes: number;
  /** Highest usage since the cgroup was created; null when the kernel does not report it. */
  readonly memoryPeakBytes: number | null;
  readonly ioReadBytes: number;
  readonly ioWriteBytes: number;
  readonly ioReadOps: number;
  readonly ioWriteOps: number;
}

export interface ContainerUsageReport extends CgroupUsage {
  readonly id: string;
  /** The container's name in the pod spec; empty when the agent could not ask the API server. */
  readonly name: string;
  readonly runtime: ContainerRuntime;
}

export interface PodNetworkReport {
  /** Over the interval, all interfaces of the pod's network namespace but loopback. */
  readonly rxBytes: number;
  readonly txBytes: number;
  /** Egress by destination; absent when connection tracking is not readable. */
  readonly egress?: EgressBytes;
}

export interface PodUsageReport extends CgroupUsage {
  readonly uid: string;
  /** Empty when the agent could not ask the API server. */
  readonly namespace: string;
  readonly name: string;
  readonly qos: QosClass;
  readonly containers: readonly ContainerUsageReport[];
  readonly network?: PodNetworkReport;
  readonly gpu?: PodGpuUsage;
}

export interface AgentUsageReport {
  readonly apiVersion: typeof AGENT_API_VERSION;
  readonly node: string;
  readonly cgroupVersion: CgroupVersion;
  readonly driver: CgroupDriver;
  readonly fromMs: number;
  readonly toMs: number;
  readonly pods: readonly PodUsageReport[];
  /** Problems met while collecting (a cgroup that vanished, conntrack unreadable …), one line each. */
  readonly warnings: readonly string[];
}

/** What the agent knows of a pod from the API server. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly ip: string | undefined;
  /** Container ID (without the `containerd://` prefix) → container name. */
  readonly containers: ReadonlyMap<string, string>;
}

const ZERO: CgroupCounters = {
  cpuUsageUsec: 0,
  cpuPeriods: 0,
  cpuThrottledPeriods: 0,
  cpuThrottledUsec: 0,
  memoryUsageBytes: 0,
  memoryWorkingSetBytes: 0,
  memoryPeakBytes: undefined,
  ioReadBytes: 0,
  ioWriteBytes: 0,
  ioReadOps: 0,
  ioWriteOps: 0,
};

/** A counter's growth; a counter that went down was reset (a new cgroup): it grew from zero. */
const grew = (cur: number, prev: number): number => (cur >= prev ? cur - prev : cur);

/**
 * Usage between two counter sets `seconds` apart. A cgroup that did not exist at the previous
 * reading started within the interval: `prev` is undefined and its counters grew from zero.
 */
export function usageBetween(prev: CgroupCounters | undefined, cur: CgroupCounters, seconds: number): CgroupUsage {
  const p = prev ?? ZERO;
  const reset = cur.cpuUsageUsec < p.cpuUsageUsec;
  const base = reset ? ZERO : p;
  const periods = grew(cur.cpuPeriods, base.cpuPeriods);
  const throttled = grew(cur.cpuThrottledPeriods, base.cpuThrottledPeriods);
  return {
    cpuCores: seconds > 0 ? grew(cur.cpuUsageUsec, base.cpuUsageUsec) / 1e6 / seconds : 0,
    cpuThrottledRatio: periods > 0 ? throttled / periods : 0,
    cpuThrottledSeconds: grew(cur.cpuThrottledUsec, base.cpuThrottledUsec) / 1e6,
    memoryWorkingSetBytes: cur.memoryWorkingSetBytes,
    memoryPeakBytes: cur.memoryPeakBytes ?? null,
    ioReadBytes: grew(cur.ioReadBytes, base.ioReadBytes),
    ioWriteBytes: grew(cur.ioWriteBytes, base.ioWriteBytes),
    ioReadOps: grew(cur.ioReadOps, base.ioReadOps),
    ioWriteOps: grew(cur.ioWriteOps, base.ioWriteOps),
  };
}

export interface ReportInput {
  readonly node: string;
  readonly previous: CgroupReading;
  readonly current: CgroupReading;
  /** Pod UID → identity (names, IP, container names). */
  readonly identities?: ReadonlyMap<string, PodIdentity>;
  /** Pod UID → network namespace counters at the previous and current reading. */
  readonly networkBefore?: ReadonlyMap<string, InterfaceCounters>;
  readonly networkNow?: ReadonlyMap<string, InterfaceCounters>;
  /** Pod UID → egress by destination over the interval. */
  readonly egress?: ReadonlyMap<string, EgressBytes>;
  /** Pod UID or `namespace/name` → GPU usage. */
  readonly gpu?: ReadonlyMap<string, PodGpuUsage>;
  readonly warnings?: readonly string[];
}

export function buildReport(input: ReportInput): AgentUsageReport {
  const { previous, current, identities } = input;
  const seconds = (current.timestampMs - previous.timestampMs) / 1000;
  const before = new Map(previous.pods.map((p) => [p.uid, p]));
  const pods: PodUsageReport[] = [];
  for (const pod of current.pods) {
    const prev = before.get(pod.uid);
    const id = identities?.get(pod.uid);
    const prevContainers = new Map(prev?.containers.map((c) => [c.id, c.counters]) ?? []);
    const containers: ContainerUsageReport[] = pod.containers.map((c) => ({
      id: c.id,
      name: id?.containers.get(c.id) ?? '',
      runtime: c.runtime,
      ...usageBetween(prevContainers.get(c.id), c.counters, seconds),
    }));
    let network: PodNetworkReport | undefined;
    const netNow = input.networkNow?.get(pod.uid);
    if (netNow !== undefined) {
      const netBefore = input.networkBefore?.get(pod.uid);
      const egress = input.egress?.get(pod.uid);
      network = {
        rxBytes: netBefore === undefined ? 0 : grew(netNow.rxBytes, netBefore.rxBytes),
        txBytes: netBefore === undefined ? 0 : grew(netNow.txBytes, netBefore.txBytes),
        ...(egress !== undefined ? { egress } : {}),
      };
    }
    const gpu = input.gpu?.get(pod.uid) ?? (id !== undefined ? input.gpu?.get(`${id.namespace}/${id.name}`) : undefined);
    pods.push({
      uid: pod.uid,
      namespace: id?.namespace ?? '',
      name: id?.name ?? '',
      qos: pod.qos,
      ...usageBetween(prev?.counters, pod.counters, seconds),
      containers,
      ...(network !== undefined ? { network } : {}),
      ...(gpu !== undefined ? { gpu } : {}),
    });
  }
  return {
    apiVersion: AGENT_API_VERSION,
    node: input.node,
    cgroupVersion: current.version,
    driver: current.driver,
    fromMs: previous.timestampMs,
    toMs: current.timestampMs,
    pods,
    warnings: [...current.warnings.map((w) => w.message), ...(input.warnings ?? [])],
  };
}

/**
 * Pods from a PodList (the API server's JSON, `spec.nodeName=<this node>`) → identities by UID.
 * Container IDs come from `status.containerStatuses[].containerID` (`containerd://<id>`).
 */
export function identitiesFromPodList(list: unknown): Map<string, PodIdentity> {
  const out = new Map<string, PodIdentity>();
  const items = (list as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return out;
  for (const item of items) {
    const meta = (item as { metadata?: { uid?: unknown; namespace?: unknown; name?: unknown } }).metadata;
    const status = (item as { status?: { podIP?: unknown; containerStatuses?: unknown; initContainerStatuses?: unknown } }).status;
    if (typeof meta?.uid !== 'string' || typeof meta.name !== 'string') continue;
    const containers = new Map<string, string>();
    for (const list of [status?.containerStatuses, status?.initContainerStatuses]) {
      if (!Array.isArray(list)) continue;
      for (const s of list) {
        const cid = (s as { containerID?: unknown }).containerID;
        const name = (s as { name?: unknown }).name;
        if (typeof cid === 'string' && typeof name === 'string') containers.set(cid.replace(/^[a-z-]+:\/\//, ''), name);
      }
    }
    out.set(meta.uid, { namespace: typeof meta.namespace === 'string' ? meta.namespace : '', name: meta.name, ip: typeof status?.podIP === 'string' ? status.podIP : undefined, containers });
  }
  return out;
}
