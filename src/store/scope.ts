// Reading one cluster out of a shared store. Several exporters can write to one PostgreSQL
// (docs/multi-cluster.md); each of them answers its API for its own cluster only, and an exporter
// started with --hub answers for every cluster in the store. This wrapper is that scoping: every
// read asks the store for the scope's clusters (pushed down, the stores filter by cluster), and
// coverage lists only them. Writes, maintenance and close go to the store unchanged; billing
// reconciliation only for the scope's clusters.
import type { Coverage, HistoryStore, TimeQuery } from './types.ts';

/** The clusters a query reads: the scope, narrowed by the query's own list when it has one. */
export function scopedClusters(scope: readonly string[], asked: readonly string[] | undefined): readonly string[] {
  if (asked === undefined) return scope;
  const inScope = new Set(scope);
  return asked.filter((c) => inScope.has(c));
}

/**
 * How a scope treats each member of the store. The type names every member of HistoryStore, the
 * optional ones too: a member added to the interface does not compile until it is placed here.
 *   - `narrowed`: a read whose query carries `clusters` (a TimeQuery), asked for the scope's only;
 *   - `through`: passed to the store as it is (what it is, writes, maintenance, close);
 *   - `own`: a rule of its own, written out in scopeStore.
 */
export const SCOPING = {
  kind: 'through',
  adviceFacts: 'own',
  description: 'own',
  record: 'through',
  allocations: 'narrowed',
  containers: 'narrowed',
  nodes: 'narrowed',
  disks: 'narrowed',
  loadBalancers: 'narrowed',
  clusterCharges: 'narrowed',
  coverage: 'own',
  reconcileNodeHours: 'own',
  maintain: 'through',
  close: 'through',
} as const satisfies { readonly [K in keyof HistoryStore]-?: 'narrowed' | 'through' | 'own' };

type Member<How> = { [K in keyof typeof SCOPING]: (typeof SCOPING)[K] extends How ? K : never }[keyof typeof SCOPING];
type ReadsTimeQuery<F> = F extends (query: infer Q) => Promise<unknown> ? ([Q] extends [TimeQuery] ? ([TimeQuery] extends [Q] ? true : false) : false) : false;
/** Compiles only while every `narrowed` member is a read taking a TimeQuery (its clusters are what the scope narrows). */
export const NARROWED_MEMBERS_READ_TIME_QUERIES: false extends { [K in Member<'narrowed'>]: ReadsTimeQuery<HistoryStore[K]> }[Member<'narrowed'>] ? never : true = true;

/** The members scopeStore writes out itself. */
type Own = Pick<HistoryStore, Member<'own'>>;

/** `store` as seen by an exporter that answers for `clusters` only. */
export function scopeStore(store: HistoryStore, clusters: readonly string[]): HistoryStore {
  const scope = [...clusters];
  const inScope = new Set(scope);
  const facts = store.adviceFacts;
  const own: Own = {
    ...(facts ? { adviceFacts: { write: (cluster: string, doc: unknown, atMs: number) => facts.write(cluster, doc, atMs), read: (clusters?: readonly string[]) => facts.read(scopedClusters(scope, clusters)) } } : {}),
    description: `${store.description}, read for cluster${scope.length === 1 ? '' : 's'} ${scope.join(', ')}`,
    coverage: async (): Promise<readonly Coverage[]> => (await store.coverage()).filter((c) => inScope.has(c.cluster)),
    // A bill corrects only the clusters in scope (an exporter reconciles its own cluster's history).
    reconcileNodeHours: async (cluster, bills) => (inScope.has(cluster) ? store.reconcileNodeHours(cluster, bills) : 0),
  };
  // The other members, from the table: looked up on the store at each call, as a method call on it.
  const methods = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  const forwarded: Record<string, unknown> = {};
  for (const [member, how] of Object.entries(SCOPING)) {
    if (how === 'narrowed') forwarded[member] = (q: TimeQuery) => methods[member]!.call(store, { ...q, clusters: scopedClusters(scope, q.clusters) });
    else if (how === 'through') forwarded[member] = typeof methods[member] === 'function' ? (...args: unknown[]) => methods[member]!.apply(store, args) : methods[member];
  }
  return { ...(forwarded as Omit<HistoryStore, keyof Own>), ...own };
}
