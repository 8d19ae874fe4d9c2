// What the collector lists and watches, and where. The ClusterRole in deploy/ grants exactly these
// (rbac.ts holds the same rules as data; a test checks both against the calls actually made).
export type WatchedResourceName =
  | 'nodes'
  | 'pods'
  | 'persistentvolumes'
  | 'persistentvolumeclaims'
  | 'services'
  | 'namespaces'
  | 'storageclasses'
  | 'replicasets'
  | 'jobs'
  | 'horizontalpodautoscalers'
  | 'poddisruptionbudgets';

export interface WatchedResource {
  readonly name: WatchedResourceName;
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** The cluster-wide collection: `/api/v1/pods`, `/apis/apps/v1/replicasets`. */
  readonly path: string;
  /**
   * Enrichment only (workload names, storage types): when RBAC refuses it (403), collection goes
   * on without it, says so in the status, and asks again every few minutes.
   */
  readonly optional: boolean;
}

const resource = (name: WatchedResourceName, group: string, version: string, kind: string, namespaced: boolean, optional = false): WatchedResource => ({
  name,
  group,
  version,
  kind,
  namespaced,
  path: group === '' ? `/api/${version}/${name}` : `/apis/${group}/${version}/${name}`,
  optional,
});

/**
 * Nodes, pods, volumes, claims, services, namespaces and storage classes are what the cost model
 * reads; ReplicaSets and Jobs name workloads (ReplicaSet → Deployment, Job → CronJob). Pods of a
 * StatefulSet or DaemonSet name their workload directly, so those are not watched.
 * HorizontalPodAutoscalers and PodDisruptionBudgets feed the advice only (docs/advice.md).
 */
export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  resource('namespaces', '', 'v1', 'Namespace', false),
  resource('nodes', '', 'v1', 'Node', false),
  resource('persistentvolumes', '', 'v1', 'PersistentVolume', false),
  resource('persistentvolumeclaims', '', 'v1', 'PersistentVolumeClaim', true),
  resource('services', '', 'v1', 'Service', true),
  resource('storageclasses', 'storage.k8s.io', 'v1', 'StorageClass', false, true),
  resource('replicasets', 'apps', 'v1', 'ReplicaSet', true, true),
  resource('jobs', 'batch', 'v1', 'Job', true, true),
  resource('horizontalpodautoscalers', 'autoscaling', 'v2', 'HorizontalPodAutoscaler', true, true),
  resource('poddisruptionbudgets', 'policy', 'v1', 'PodDisruptionBudget', true, true),
  // Pods last: when the others are synced, the first snapshot already names every pod's workload.
  resource('pods', '', 'v1', 'Pod', true),
];

export const POD_METRICS_PATH = '/apis/metrics.k8s.io/v1beta1/pods';
export const NODE_METRICS_PATH = '/apis/metrics.k8s.io/v1beta1/nodes';
