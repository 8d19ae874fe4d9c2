// A HistoryStore over arrays, for the API's tests and the benchmark until a real store is at hand:
// rows are whole buckets; a step takes the buckets that start inside it and sums the rows of the
// same cluster + key (amounts add up, start/end widen), as the port (src/store/types.ts) specifies.
import type {
  AllocationInterval,
  AllocationQuery,
  ClusterInterval,
  ContainerInterval,
  Coverage,
  CycleBatch,
  DiskInterval,
  HistoryStore,
  LoadBalancerInterval,
  NodeInterval,
  StepSet,
  TimeQuery,
} from '../store/types.ts';

interface Timed {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
}

function sumRows<R extends Timed>(rows: readonly R[], keyOf: (r: R) => string): R[] {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const key = `${r.cluster}\u0000${keyOf(r)}`;
    const acc = out.get(key);
    if (!acc) {
      out.set(key, { ...(r as unknown as Record<string, unknown>) });
      continue;
    }
    for (const [k, v] of Object.entries(r)) {
      if (k === 'startMs') acc[k] = Math.min(acc[k] as number, v as number);
      else if (k === 'endMs') acc[k] = Math.max(acc[k] as number, v as number);
      else if (typeof v === 'number' && !['cpuCores', 'ramBytes', 'gpus', 'capacityBytes'].includes(k)) acc[k] = (acc[k] as number) + v;
      else if (k === 'basis' && acc[k] !== v) acc[k] = 'reconciled';
    }
  }
  return [...out.values()] as R[];
}

function steps<R extends Timed>(rows: readonly R[], query: TimeQuery, keyOf: (r: R) => string): StepSet<R>[] {
  const stepMs = query.stepMs ?? query.endMs - query.startMs;
  const out: StepSet<R>[] = [];
  for (let s = query.startMs; s < query.endMs; s += stepMs) {
    const e = Math.min(s + stepMs, query.endMs);
    const inside = rows.filter((r) => r.startMs >= s && r.startMs < e && (query.clusters === undefined || query.clusters.includes(r.cluster)));
    out.push({ startMs: s, endMs: e, rows: sumRows(inside, keyOf) });
  }
  return out;
}

export interface ArrayStoreData {
  allocations?: AllocationInterval[];
  containers?: ContainerInterval[];
  nodes?: NodeInterval[];
  disks?: DiskInterval[];
  loadBalancers?: LoadBalancerInterval[];
  clusterCharges?: ClusterInterval[];
  coverage?: Coverage[];
}

export function arrayStore(data: ArrayStoreData = {}): HistoryStore & { readonly queries: AllocationQuery[] } {
  const allocations = data.allocations ?? [];
  const containers = data.containers ?? [];
  const nodes = data.nodes ?? [];
  const disks = data.disks ?? [];
  const loadBalancers = data.loadBalancers ?? [];
  const clusterCharges = data.clusterCharges ?? [];
  const queries: AllocationQuery[] = [];
  return {
    kind: 'memory',
    description: 'arrays (test)',
    queries,
    // Arrays hold no rollups: reconciliation is the real stores' (src/store/reconcile.test.ts).
    async reconcileNodeHours() {
      return 0;
    },
    async record(batch: CycleBatch) {
      allocations.push(...batch.allocations);
      containers.push(...(batch.containers ?? []));
      nodes.push(...batch.nodes);
      disks.push(...batch.disks);
      loadBalancers.push(...batch.loadBalancers);
      clusterCharges.push(batch.clusterCharges);
    },
    async allocations(query) {
      queries.push(query);
      const rows = query.namespaces ? allocations.filter((r) => query.namespaces!.includes(r.namespace)) : allocations;
      return steps(rows, query, (r) => r.key);
    },
    async containers(query) {
      const rows = query.namespaces ? containers.filter((r) => query.namespaces!.includes(r.namespace)) : containers;
      return steps(rows, query, (r) => r.key);
    },
    async nodes(query) {
      return steps(nodes, query, (r) => r.node);
    },
    async disks(query) {
      return steps(disks, query, (r) => r.name);
    },
    async loadBalancers(query) {
      return steps(loadBalancers, query, (r) => `${r.namespace}/${r.name}`);
    },
    async clusterCharges(query) {
      return steps(clusterCharges, query, () => 'cluster');
    },
    async coverage() {
      if (data.coverage) return data.coverage;
      const byCluster = new Map<string, Coverage>();
      for (const r of allocations) {
        const c = byCluster.get(r.cluster);
        byCluster.set(r.cluster, {
          cluster: r.cluster,
          firstMs: Math.min(c?.firstMs ?? r.startMs, r.startMs),
          lastMs: Math.max(c?.lastMs ?? r.endMs, r.endMs),
          gaps: [],
          demo: false,
        });
      }
      for (const r of containers) {
        const c = byCluster.get(r.cluster);
        if (c) byCluster.set(r.cluster, { ...c, containersFromMs: Math.min(c.containersFromMs ?? r.startMs, r.startMs) });
      }
      return [...byCluster.values()];
    },
    async maintain() {},
    async close() {},
  };
}
