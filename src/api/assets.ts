// /api/v1/assets (pure): nodes, disks, load balancers and cluster management fees per step, in
// OpenCost's asset shape (type, properties.category, window, start, end, minutes, totalCost...).
// Keys: `<cluster>/Node/<node>`, `<cluster>/Disk/<pv>`, `<cluster>/LoadBalancer/<namespace>/<service>`,
// `<cluster>/ClusterManagement` (OpenCost's keys join provider, account and project too, which the
// store does not hold).
import type { ClusterInterval, DiskInterval, LoadBalancerInterval, NodeInterval, StepSet } from '../store/types.ts';
import type { Cell } from './csv.ts';
import { toCsv } from './csv.ts';
import { rfc3339 } from './render.ts';

export interface AssetRow {
  readonly key: string;
  readonly type: 'Node' | 'Disk' | 'LoadBalancer' | 'ClusterManagement';
  readonly category: 'Compute' | 'Storage' | 'Network' | 'Management';
  readonly cluster: string;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly minutes: number;
  readonly totalCost: number;
  readonly priceSource: string;
  readonly json: Record<string, unknown>;
}

export interface AssetSet {
  readonly startMs: number;
  readonly endMs: number;
  readonly assets: readonly AssetRow[];
}

function node(n: NodeInterval, window: { startMs: number; endMs: number }): AssetRow {
  const hours = n.minutes / 60;
  const key = `${n.cluster}/Node/${n.node}`;
  return {
    key,
    type: 'Node',
    category: 'Compute',
    cluster: n.cluster,
    name: n.node,
    startMs: n.startMs,
    endMs: n.endMs,
    minutes: n.minutes,
    totalCost: n.totalCostUsd,
    priceSource: n.priceSource,
    json: {
      type: 'Node',
      properties: { category: 'Compute', service: 'Kubernetes', cluster: n.cluster, name: n.node, providerID: n.providerId },
      labels: {},
      window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
      start: rfc3339(n.startMs),
      end: rfc3339(n.endMs),
      minutes: n.minutes,
      nodeType: n.instanceType,
      pool: n.pool,
      region: n.region,
      zone: n.zone,
      capacityType: n.capacityType,
      preemptible: n.capacityType === 'spot' ? 1 : 0,
      cpuCores: n.cpuCores,
      ramBytes: n.ramBytes,
      gpuCount: n.gpus,
      cpuCoreHours: n.cpuCores * hours,
      ramByteHours: n.ramBytes * hours,
      gpuHours: n.gpus * hours,
      cpuCost: n.cpuCostUsd,
      ramCost: n.ramCostUsd,
      gpuCost: n.gpuCostUsd,
      idleCost: n.idleCostUsd,
      onDemandCost: n.onDemandCostUsd,
      spotSavings: n.onDemandCostUsd - n.totalCostUsd,
      hourlyCost: hours > 0 ? n.totalCostUsd / hours : 0,
      totalCost: n.totalCostUsd,
      priceSource: n.priceSource,
      costBasis: n.basis,
    },
  };
}

function disk(d: DiskInterval, window: { startMs: number; endMs: number }): AssetRow {
  return {
    key: `${d.cluster}/Disk/${d.name}`,
    type: 'Disk',
    category: 'Storage',
    cluster: d.cluster,
    name: d.name,
    startMs: d.startMs,
    endMs: d.endMs,
    minutes: d.minutes,
    totalCost: d.costUsd,
    priceSource: d.priceSource,
    json: {
      type: 'Disk',
      properties: { category: 'Storage', service: 'Kubernetes', cluster: d.cluster, name: d.name },
      window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
      start: rfc3339(d.startMs),
      end: rfc3339(d.endMs),
      minutes: d.minutes,
      storageClass: d.storageClass,
      claimNamespace: d.claimNamespace,
      claimName: d.claimName,
      bytes: d.capacityBytes,
      byteHours: (d.capacityBytes * d.minutes) / 60,
      totalCost: d.costUsd,
      priceSource: d.priceSource,
    },
  };
}

function loadBalancer(l: LoadBalancerInterval, window: { startMs: number; endMs: number }): AssetRow {
  const name = `${l.namespace}/${l.name}`;
  return {
    key: `${l.cluster}/LoadBalancer/${name}`,
    type: 'LoadBalancer',
    category: 'Network',
    cluster: l.cluster,
    name,
    startMs: l.startMs,
    endMs: l.endMs,
    minutes: l.minutes,
    totalCost: l.costUsd,
    priceSource: l.priceSource,
    json: {
      type: 'LoadBalancer',
      properties: { category: 'Network', service: 'Kubernetes', cluster: l.cluster, name, namespace: l.namespace },
      window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
      start: rfc3339(l.startMs),
      end: rfc3339(l.endMs),
      minutes: l.minutes,
      totalCost: l.costUsd,
      priceSource: l.priceSource,
    },
  };
}

function management(c: ClusterInterval, window: { startMs: number; endMs: number }): AssetRow {
  return {
    key: `${c.cluster}/ClusterManagement`,
    type: 'ClusterManagement',
    category: 'Management',
    cluster: c.cluster,
    name: c.cluster,
    startMs: c.startMs,
    endMs: c.endMs,
    minutes: c.minutes,
    totalCost: c.managementCostUsd,
    priceSource: 'catalog',
    json: {
      type: 'ClusterManagement',
      properties: { category: 'Management', service: 'Kubernetes', cluster: c.cluster, name: c.cluster },
      window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
      start: rfc3339(c.startMs),
      end: rfc3339(c.endMs),
      minutes: c.minutes,
      totalCost: c.managementCostUsd,
    },
  };
}

/** Step sets of the four kinds (matched by their start) → asset sets, assets sorted by key. */
export function computeAssets(input: {
  readonly nodes: readonly StepSet<NodeInterval>[];
  readonly disks: readonly StepSet<DiskInterval>[];
  readonly loadBalancers: readonly StepSet<LoadBalancerInterval>[];
  readonly clusterCharges: readonly StepSet<ClusterInterval>[];
}): AssetSet[] {
  const sets = new Map<number, { startMs: number; endMs: number; assets: AssetRow[] }>();
  const setOf = (s: StepSet<unknown>) => {
    let out = sets.get(s.startMs);
    if (!out) {
      out = { startMs: s.startMs, endMs: s.endMs, assets: [] };
      sets.set(s.startMs, out);
    }
    return out;
  };
  for (const s of input.nodes) for (const n of s.rows) setOf(s).assets.push(node(n, s));
  for (const s of input.disks) for (const d of s.rows) setOf(s).assets.push(disk(d, s));
  for (const s of input.loadBalancers) for (const l of s.rows) setOf(s).assets.push(loadBalancer(l, s));
  for (const s of input.clusterCharges) for (const c of s.rows) if (c.managementCostUsd > 0) setOf(s).assets.push(management(c, s));
  for (const s of [...input.nodes, ...input.disks, ...input.loadBalancers, ...input.clusterCharges]) setOf(s);
  return [...sets.values()].sort((a, b) => a.startMs - b.startMs).map((s) => ({ ...s, assets: s.assets.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) }));
}

export function assetSetsJson(sets: readonly AssetSet[]) {
  return sets.map((s) => Object.fromEntries(s.assets.map((a) => [a.key, a.json])));
}

export function assetsCsv(sets: readonly AssetSet[]): string {
  const rows: Cell[][] = [];
  for (const s of sets) {
    for (const a of s.assets) {
      const j = a.json;
      rows.push([
        rfc3339(s.startMs),
        rfc3339(s.endMs),
        a.key,
        a.type,
        a.category,
        a.cluster,
        a.name,
        rfc3339(a.startMs),
        rfc3339(a.endMs),
        a.minutes,
        j['nodeType'] as Cell,
        j['capacityType'] as Cell,
        j['storageClass'] as Cell,
        j['cpuCost'] as Cell,
        j['ramCost'] as Cell,
        j['gpuCost'] as Cell,
        j['idleCost'] as Cell,
        a.totalCost,
        a.priceSource,
      ]);
    }
  }
  return toCsv(
    ['windowStart', 'windowEnd', 'key', 'type', 'category', 'cluster', 'name', 'start', 'end', 'minutes', 'nodeType', 'capacityType', 'storageClass', 'cpuCost', 'ramCost', 'gpuCost', 'idleCost', 'totalCost', 'priceSource'],
    rows,
  );
}
