// The agent's collection cycle (I/O): reads cgroups, each pod's network namespace, the node's
// connection table and GPUs, asks the API server who the pods are, and keeps the previous reading
// so that each cycle reports usage over the interval since the one before.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLayout, CgroupReading } from './cgroup-reader.ts';
import { closeAll, detectLayout, openFiles, readCgroups, readText } from './cgroup-reader.ts';
import { podOfCgroupPath } from './cgroup-paths.ts';
import type { PodGpuUsage } from './gpu.ts';
import { gpuUsageByPod, gpuUsageFromDcgm, parseComputeAppsQuery, parseGpuQuery } from './gpu.ts';
import type { Cidr, EgressBytes, InterfaceCounters, ZoneMap } from './network.ts';
import { classifyEgress, parseCidr, parseConntrack, parseNetDev, podFlows, podInterfaceTotals } from './network.ts';
import type { AgentUsageReport, PodIdentity } from './report.ts';
import { buildReport, identitiesFromPodList } from './report.ts';

/** What the agent asks the API server (a KubeTransport's `get` fits). */
export interface PodDirectory {
  /** The pods on this node (PodList JSON). */
  podsOnNode(node: string): Promise<unknown>;
  /** All nodes (NodeList JSON), for zones and pod CIDRs. */
  nodes(): Promise<unknown>;
}

export type GpuSource = { readonly kind: 'none' } | { readonly kind: 'nvidia-smi'; readonly run: (args: readonly string[]) => Promise<string> } | { readonly kind: 'dcgm'; readonly fetchText: () => Promise<string> };

export interface CollectorOptions {
  readonly nodeName: string;
  readonly cgroupRoot: string;
  readonly procRoot: string;
  /** Per-pod network bytes from each pod's network namespace. */
  readonly network: boolean;
  /** Egress by destination from the connection table (needs `network`). */
  readonly conntrack: boolean;
  /** The connection table; default `<proc-root>/1/net/nf_conntrack` (the host's, pid 1's namespace). */
  readonly conntrackFile?: string;
  /** Cluster ranges without zone (service CIDRs). */
  readonly serviceCidrs?: readonly string[];
  readonly directory?: PodDirectory;
  readonly gpu?: GpuSource;
  readonly now?: () => number;
}

interface Previous {
  readonly cgroups: CgroupReading;
  readonly network: Map<string, InterfaceCounters>;
  readonly conntrack: Map<string, number>;
}

export interface Collector {
  readonly layout: CgroupLayout;
  /** One cycle: undefined the first time (a baseline), then usage since the previous call. */
  collect(): Promise<AgentUsageReport | undefined>;
  /** The last report. */
  last(): AgentUsageReport | undefined;
  /** Closes the cgroup files kept open between collections. */
  close(): void;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** NodeList JSON → zones of pod CIDRs and node addresses; this node's zone. */
export function zoneMapFromNodes(list: unknown, nodeName: string, serviceCidrs: readonly Cidr[]): ZoneMap {
  const zoned: { cidr: Cidr; zone: string }[] = [];
  let localZone: string | undefined;
  const items = (list as { items?: unknown } | null)?.items;
  for (const item of Array.isArray(items) ? items : []) {
    const n = item as { metadata?: { name?: string; labels?: Record<string, string> }; spec?: { podCIDR?: string; podCIDRs?: string[] }; status?: { addresses?: { type?: string; address?: string }[] } };
    const labels = n.metadata?.labels ?? {};
    const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'];
    if (n.metadata?.name === nodeName) localZone = zone;
    if (zone === undefined) continue;
    const cidrs = n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []);
    for (const c of cidrs) {
      try {
        zoned.push({ cidr: parseCidr(c, `nodes/${n.metadata?.name} spec.podCIDRs`), zone });
      } catch {
        // a malformed CIDR on one node: that node's pods are unclassified
      }
    }
    for (const a of n.status?.addresses ?? []) {
      if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && a.address) {
        try {
          zoned.push({ cidr: parseCidr(a.address, `nodes/${n.metadata?.name} status.addresses`), zone });
        } catch {}
      }
    }
  }
  return { localZone, zoned, cluster: serviceCidrs };
}

/** How often the pod and node lists are asked again when nothing new calls for it. */
export const RELIST_MS = 5 * 60_000;

export function createCollector(options: CollectorOptions): Collector {
  const { nodeName, cgroupRoot, procRoot, network, conntrack, directory, gpu = { kind: 'none' }, now = Date.now } = options;
  const layout = detectLayout(cgroupRoot);
  const serviceCidrs = (options.serviceCidrs ?? []).map((c) => parseCidr(c, '--service-cidr'));
  const conntrackFile = options.conntrackFile ?? join(procRoot, '1', 'net', 'nf_conntrack');
  const files = openFiles();
  let previous: Previous | undefined;
  let lastReport: AgentUsageReport | undefined;
  let identities = new Map<string, PodIdentity>();
  let zones: ZoneMap = { localZone: undefined, zoned: [], cluster: serviceCidrs };

  const podOfPid = (pid: number): string | undefined => {
    const text = readOrUndefined(join(procRoot, String(pid), 'cgroup'));
    if (text === undefined) return undefined;
    for (const line of text.split('\n')) {
      const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
      const pod = podOfCgroupPath(path);
      if (pod !== undefined) return pod.podUid;
    }
    return undefined;
  };

  // One process per pod, for its network namespace. cgroup.procs names processes in the reader's
  // PID namespace (with hostPID, the host's); without hostPID they are not visible there, so the
  // host's /proc (mounted at --proc-root) is scanned for processes whose cgroup is the pod's. A
  // process found is remembered and checked again next time, so the scan runs only for new pods.
  const pidOfPod = new Map<string, number>();
  /** Pods whose process came from the /proc scan (checked again each time; cgroup.procs is fresh). */
  const scanned = new Set<string>();
  let lastScanFor = '';
  const findPids = (reading: CgroupReading): void => {
    const live = new Set(reading.pods.map((p) => p.uid));
    for (const [uid, pid] of pidOfPod) {
      if (!live.has(uid) || (scanned.has(uid) && podOfPid(pid) !== uid)) {
        pidOfPod.delete(uid);
        scanned.delete(uid);
      }
    }
    for (const p of reading.pods) {
      if (p.pid !== undefined) {
        pidOfPod.set(p.uid, p.pid);
        scanned.delete(p.uid);
      }
    }
    // Scan only when the pods without a process changed (a pod whose containers all exited has none).
    const missing = reading.pods.filter((p) => !pidOfPod.has(p.uid)).map((p) => p.uid).sort().join(',');
    if (missing === '' || missing === lastScanFor) return;
    lastScanFor = missing;
    let entries: string[];
    try {
      entries = readdirSync(procRoot).filter((e) => /^\d+$/.test(e));
    } catch {
      return;
    }
    for (const e of entries) {
      const uid = podOfPid(Number(e));
      if (uid !== undefined && live.has(uid) && !pidOfPod.has(uid)) {
        pidOfPod.set(uid, Number(e));
        scanned.add(uid);
      }
    }
  };

  const readNetwork = (reading: CgroupReading, warnings: string[]): Map<string, InterfaceCounters> => {
    const out = new Map<string, InterfaceCounters>();
    if (!network) return out;
    findPids(reading);
    for (const pod of reading.pods) {
      const pid = pidOfPod.get(pod.uid);
      if (pid === undefined) continue;
      const file = join(procRoot, String(pid), 'net', 'dev');
      let text: string | undefined;
      try {
        text = readText(file);
      } catch {
        text = undefined;
      }
      if (text === undefined) continue; // the process exited between the walk and now
      try {
        out.set(pod.uid, podInterfaceTotals(parseNetDev(text, file)));
      } catch (err) {
        warnings.push((err as Error).message);
      }
    }
    return out;
  };

  const readGpu = async (warnings: string[]): Promise<Map<string, PodGpuUsage> | undefined> => {
    try {
      if (gpu.kind === 'nvidia-smi') {
        const [devices, apps] = await Promise.all([gpu.run(['--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total', '--format=csv']), gpu.run(['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv'])]);
        return gpuUsageByPod(parseGpuQuery(devices), parseComputeAppsQuery(apps), podOfPid);
      }
      if (gpu.kind === 'dcgm') return gpuUsageFromDcgm(await gpu.fetchText());
    } catch (err) {
      warnings.push(`gpu: ${(err as Error).message}`);
    }
    return undefined;
  };

  // The API server is asked again only when the cgroups show something the last lists do not
  // explain (a new pod, a new container, a pod without its IP yet) or every RELIST_MS: every node
  // runs an agent, and a list per node per collection would be the API server's busiest client.
  let podsListedAtMs: number | undefined;
  let nodesListedAtMs: number | undefined;
  let unnamed = new Set<string>();
  const needsPodList = (reading: CgroupReading): boolean => {
    if (podsListedAtMs === undefined || now() - podsListedAtMs >= RELIST_MS) return true;
    for (const p of reading.pods) {
      const id = identities.get(p.uid);
      if (id === undefined || (network && conntrack && id.ip === undefined)) return true;
      for (const c of p.containers) if (!id.containers.has(c.id) && !unnamed.has(c.id)) return true;
    }
    return false;
  };

  const collector: Collector = {
    layout,
    async collect() {
      const warnings: string[] = [];
      const cgroups = readCgroups(layout, { now, pids: network, files });
      if (directory !== undefined) {
        if (needsPodList(cgroups)) {
          try {
            identities = identitiesFromPodList(await directory.podsOnNode(nodeName));
            podsListedAtMs = now();
            // Containers the fresh list does not name either (the pod sandbox's pause container)
            // do not ask for another list until the next periodic one.
            unnamed = new Set(cgroups.pods.flatMap((p) => p.containers.filter((c) => identities.get(p.uid)?.containers.has(c.id) !== true).map((c) => c.id)));
          } catch (err) {
            warnings.push(`pods on ${nodeName}: ${(err as Error).message}; names are from the previous list`);
          }
        }
        if (network && conntrack && (nodesListedAtMs === undefined || now() - nodesListedAtMs >= RELIST_MS)) {
          try {
            zones = zoneMapFromNodes(await directory.nodes(), nodeName, serviceCidrs);
            nodesListedAtMs = now();
          } catch (err) {
            warnings.push(`nodes: ${(err as Error).message}; zones are from the previous list`);
          }
        }
      }
      const net = readNetwork(cgroups, warnings);
      let conntrackCounters = new Map<string, number>();
      let egress: Map<string, EgressBytes> | undefined;
      if (network && conntrack) {
        const text = readOrUndefined(conntrackFile);
        if (text === undefined) warnings.push(`${conntrackFile}: not readable; egress is not classified (see docs/agent.md: conntrack)`);
        else {
          try {
            const ipToUid = new Map<string, string>();
            for (const pod of cgroups.pods) {
              const ip = identities.get(pod.uid)?.ip;
              if (ip !== undefined) ipToUid.set(ip, pod.uid);
            }
            const txByIp = new Map<string, number>();
            for (const [ip, uid] of ipToUid) {
              const cur = net.get(uid);
              const before = previous?.network.get(uid);
              if (cur !== undefined && before !== undefined) txByIp.set(ip, cur.txBytes >= before.txBytes ? cur.txBytes - before.txBytes : cur.txBytes);
            }
            const result = classifyEgress({ flows: podFlows(parseConntrack(text, conntrackFile), new Set(ipToUid.keys())), previous: previous?.conntrack ?? new Map(), zones, txBytesByIp: txByIp });
            conntrackCounters = result.counters;
            if (previous !== undefined) {
              egress = new Map();
              for (const [ip, bytes] of result.byIp) egress.set(ipToUid.get(ip)!, bytes);
            }
          } catch (err) {
            warnings.push((err as Error).message);
          }
        }
      }
      const gpuUsage = await readGpu(warnings);
      const prev = previous;
      previous = { cgroups, network: net, conntrack: conntrackCounters };
      if (prev === undefined) return undefined;
      lastReport = buildReport({
        node: nodeName,
        previous: prev.cgroups,
        current: cgroups,
        identities,
        networkBefore: prev.network,
        networkNow: net,
        ...(egress !== undefined ? { egress } : {}),
        ...(gpuUsage !== undefined ? { gpu: gpuUsage } : {}),
        warnings,
      });
      return lastReport;
    },
    last: () => lastReport,
    close: () => closeAll(files),
  };
  return collector;
}
