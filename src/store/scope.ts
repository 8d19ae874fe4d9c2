// Reading one cluster out of a shared store. Several exporters can write to one PostgreSQL
// (docs/multi-cluster.md); each of them answers its API for its own cluster only, and an exporter
// started with --hub answers for every cluster in the store. This wrapper is that scoping: every
// read asks the store for the scope's clusters (pushed down, the stores filter by cluster), and
// coverage lists only them. Writes, maintenance and close go to the store unchanged; billing
// reconciliation only for the scope's clusters.
import type { AllocationQuery, Coverage, HistoryStore, TimeQuery } from './types.ts';

/** The clusters a query reads: the scope, narrowed by the query's own list when it has one. */
export function scopedClusters(scope: readonly string[], asked: readonly string[] | undefined): readonly string[] {
  if (asked === undefined) return scope;
  const inScope = new Set(scope);
  return asked.filter((c) => inScope.has(c));
}

/** `store` as seen by an exporter that answers for `clusters` only. */
export function scopeStore(store: HistoryStore, clusters: readonly string[]): HistoryStore {
  const scope = [...clusters];
  const narrow = <Q extends TimeQuery>(q: Q): Q => ({ ...q, clusters: scopedClusters(scope, q.clusters) });
  const inScope = new Set(scope);
  const facts = store.adviceFacts;
  return {
    kind: store.kind,
    ...(facts ? { adviceFacts: { write: (cluster: string, doc: unknown, atMs: number) => facts.write(cluster, doc, atMs), read: (clusters?: readonly string[]) => facts.read(scopedClusters(scope, clusters)) } } : {}),
    description: `${store.description}, read for cluster${scope.length === 1 ? '' : 's'} ${scope.join(', ')}`,
    record: (batch) => store.record(batch),
    allocations: (q: AllocationQuery) => store.allocations(narrow(q)),
    containers: (q: AllocationQuery) => store.containers(narrow(q)),
    nodes: (q) => store.nodes(narrow(q)),
    disks: (q) => store.disks(narrow(q)),
    loadBalancers: (q) => store.loadBalancers(narrow(q)),
    clusterCharges: (q) => store.clusterCharges(narrow(q)),
    coverage: async (): Promise<readonly Coverage[]> => (await store.coverage()).filter((c) => inScope.has(c.cluster)),
    // A bill corrects only the clusters in scope (an exporter reconciles its own cluster's history).
    reconcileNodeHours: async (cluster, bills) => (inScope.has(cluster) ? store.reconcileNodeHours(cluster, bills) : 0),
    maintain: (nowMs) => store.maintain(nowMs),
    close: () => store.close(),
  };
}
