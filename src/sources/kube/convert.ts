// API objects from list pages and watch events → the values the informer caches keep. A thin
// adapter over kube-objects.ts (the same conversion the snapshot source uses): one object at a
// time through its SnapshotBuilder, after dropping what no cost figure needs so that the cached
// values do not keep it alive (managedFields, `last-applied-configuration`, oversized annotations).
import type { PdbPolicy } from '../../core/advice/policies.ts';
import type { HpaTarget } from '../../core/advice/rightsizing.ts';
import type { InputError } from '../../core/errors.ts';
import { InvalidObjectError, shown } from '../../core/errors.ts';
import type { ContainerInfo, Labels, NamespaceInfo, NodeInfo, OwnerRef, PersistentVolumeClaimInfo, PersistentVolumeInfo, PodInfo, ServiceInfo, StorageClassInfo } from '../../core/model.ts';
import type { JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { SnapshotBuilder } from '../kube-objects.ts';
import { hpaTargetOf, pdbPolicyOf } from '../policies.ts';
import type { CacheEntry } from './cache.ts';
import type { WatchedResource, WatchedResourceName } from './resources.ts';

/** A cached pod: the model's PodInfo, plus when it terminated (for pods that finished). */
export interface CachedPod extends PodInfo {
  /** Latest `state.terminated.finishedAt` of its containers, once the pod is Succeeded or Failed. */
  readonly terminatedAtMs?: number;
  /** `status.podIP`: kept for node-agent pods only (the aggregator pulls them by address). */
  readonly podIp?: string;
}

/** The label that marks node-agent pods (the chart's and kustomize base's DaemonSet set it). */
export const AGENT_COMPONENT_LABEL = 'app.kubernetes.io/component';
export const AGENT_COMPONENT_VALUE = 'node-agent';

/** The controller of a ReplicaSet or Job (`null` when it has none). */
export type Controller = OwnerRef | null;

export interface CachedValues {
  nodes: NodeInfo;
  pods: CachedPod;
  persistentvolumes: PersistentVolumeInfo;
  persistentvolumeclaims: PersistentVolumeClaimInfo;
  services: ServiceInfo;
  namespaces: NamespaceInfo;
  storageclasses: StorageClassInfo;
  replicasets: Controller;
  jobs: Controller;
  horizontalpodautoscalers: HpaTarget;
  poddisruptionbudgets: PdbPolicy;
}

/** Annotations longer than this are not kept (they are configuration blobs, not labels for costs). */
export const MAX_ANNOTATION_CHARS = 1024;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The cache key of an object: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(obj: JsonObject, namespaced: boolean): string | undefined {
  const meta = obj['metadata'];
  if (!isJsonObject(meta)) return undefined;
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') return undefined;
  if (!namespaced) return name;
  const ns = meta['namespace'];
  return `${typeof ns === 'string' && ns !== '' ? ns : 'default'}/${name}`;
}

/** Drops fields the model never reads, in place (the object was parsed for us alone). */
export function slim(obj: JsonObject): void {
  const meta = obj['metadata'];
  if (!isJsonObject(meta)) return;
  delete meta['managedFields'];
  const annotations = meta['annotations'];
  if (isJsonObject(annotations)) {
    let kept = 0;
    for (const key in annotations) {
      const value = annotations[key];
      if (key === LAST_APPLIED || (typeof value === 'string' && value.length > MAX_ANNOTATION_CHARS)) delete annotations[key];
      else kept++;
    }
    if (kept === 0) delete meta['annotations'];
  }
}

// The pods of one workload repeat the same labels, containers, owner, namespace and node names:
// keep one copy of each. An interner holds two generations of at most `limit` entries: values still
// in use stay shared, unique ones (a StatefulSet pod's name label) fall out, so it stays bounded.
// Sharing is safe because cached values are never mutated.
export interface Interner<T> {
  intern(key: string, make: () => T): T;
}

export function createInterner<T>(limit = 16_384): Interner<T> {
  let young = new Map<string, T>();
  let old = new Map<string, T>();
  return {
    intern(key, make) {
      let hit = young.get(key);
      if (hit !== undefined) return hit;
      hit = old.get(key) ?? make();
      if (young.size >= limit) {
        old = young;
        young = new Map();
      }
      young.set(key, hit);
      return hit;
    },
  };
}

const labelSets = createInterner<Labels>();
const containerLists = createInterner<readonly ContainerInfo[]>();
const owners = createInterner<OwnerRef>();
const names = createInterner<string>();

function labelsKey(labels: Labels): string {
  let key = '';
  for (const k in labels) key += `${k}\u0000${labels[k]}\u0001`;
  return key;
}

function internLabels(labels: Labels, previous: Labels | undefined): Labels {
  const key = labelsKey(labels);
  if (key === '') return labels;
  // An update almost never changes labels: keep the previous version's copy.
  if (previous !== undefined && labelsKey(previous) === key) return previous;
  return labelSets.intern(key, () => Object.freeze({ ...labels }));
}

function containersKey(list: readonly ContainerInfo[]): string {
  let key = '';
  for (const c of list) {
    const q = c.requests;
    const l = c.limits;
    key += `${c.name}\u0000${q.cpuMillicores},${q.ramBytes},${q.gpus},${l.cpuMillicores},${l.ramBytes},${l.gpus}\u0001`;
  }
  return key;
}

function internContainers(list: readonly ContainerInfo[], previous: readonly ContainerInfo[] | undefined): readonly ContainerInfo[] {
  if (list.length === 0) return list;
  const key = containersKey(list);
  if (previous !== undefined && previous.length === list.length && containersKey(previous) === key) return previous;
  return containerLists.intern(key, () => Object.freeze([...list]));
}

function internOwner(ref: OwnerRef | undefined, previous: OwnerRef | undefined): OwnerRef | undefined {
  if (ref === undefined) return undefined;
  if (previous !== undefined && previous.kind === ref.kind && previous.name === ref.name) return previous;
  return owners.intern(`${ref.kind}\u0000${ref.name}`, () => Object.freeze({ kind: ref.kind, name: ref.name }));
}

const internName = (s: string): string => (s === '' ? s : names.intern(s, () => s));

/** The same pod with its repeated parts shared: with its previous version first, then with other pods. */
function compactPod(pod: PodInfo, terminatedAtMs: number | undefined, previous: CachedPod | undefined): CachedPod {
  const out: Mutable<CachedPod> = {
    ...pod,
    namespace: previous?.namespace === pod.namespace ? previous.namespace : internName(pod.namespace),
    nodeName: previous?.nodeName === pod.nodeName ? previous.nodeName : internName(pod.nodeName),
    uid: previous?.uid === pod.uid ? previous.uid : pod.uid,
    name: previous?.name === pod.name ? previous.name : pod.name,
    labels: internLabels(pod.labels, previous?.labels),
    containers: internContainers(pod.containers, previous?.containers),
    initContainers: internContainers(pod.initContainers, previous?.initContainers),
    sidecarContainers: internContainers(pod.sidecarContainers, previous?.sidecarContainers),
  };
  const owner = internOwner(pod.owner, previous?.owner);
  const workload = internOwner(pod.workload, previous?.workload);
  if (owner !== undefined) out.owner = owner;
  if (workload !== undefined) out.workload = workload;
  if (terminatedAtMs !== undefined) out.terminatedAtMs = terminatedAtMs;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function latestTermination(status: unknown): number | undefined {
  if (!isJsonObject(status)) return undefined;
  let latest: number | undefined;
  for (const field of ['containerStatuses', 'initContainerStatuses']) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      const state = isJsonObject(s) ? s['state'] : undefined;
      const terminated = isJsonObject(state) ? state['terminated'] : undefined;
      const at = isJsonObject(terminated) ? terminated['finishedAt'] : undefined;
      const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      if (!Number.isNaN(ms) && (latest === undefined || ms > latest)) latest = ms;
    }
  }
  return latest;
}

function controllerOf(obj: JsonObject): Controller {
  const meta = obj['metadata'];
  const refs = isJsonObject(meta) ? meta['ownerReferences'] : undefined;
  if (!Array.isArray(refs)) return null;
  for (const ref of refs) {
    if (!isJsonObject(ref) || ref['controller'] !== true) continue;
    const kind = ref['kind'];
    const name = ref['name'];
    if (typeof kind === 'string' && typeof name === 'string' && kind !== '' && name !== '') return { kind, name };
  }
  return null;
}

type Converted<V> = { readonly value: V; readonly warning?: undefined } | { readonly value?: undefined; readonly warning: InputError };

function throughBuilder<V>(obj: JsonObject, kind: string, origin: string, pick: (b: ReturnType<SnapshotBuilder['result']>) => V | undefined): Converted<V> {
  const builder = new SnapshotBuilder();
  builder.addObject(obj, origin, -1, kind);
  const result = builder.result();
  const warning = result.warnings[0];
  if (warning !== undefined) return { warning };
  const value = pick(result);
  if (value === undefined) return { warning: new InvalidObjectError(origin, 'kind', shown(obj['kind'] ?? kind), `not a ${kind}`) };
  return { value };
}

function convertValue(resource: WatchedResourceName, kind: string, obj: JsonObject, origin: string, previous: unknown): Converted<CachedValues[WatchedResourceName]> {
  switch (resource) {
    case 'pods': {
      const r = throughBuilder(obj, kind, origin, (b) => b.snapshot.pods[0]);
      if (r.value === undefined) return r;
      const pod = r.value;
      const terminatedAtMs = pod.phase === 'Succeeded' || pod.phase === 'Failed' ? latestTermination(obj['status']) : undefined;
      const compact = compactPod(pod, terminatedAtMs, previous as CachedPod | undefined);
      if (pod.labels[AGENT_COMPONENT_LABEL] === AGENT_COMPONENT_VALUE) {
        const status = obj['status'];
        const ip = isJsonObject(status) ? status['podIP'] : undefined;
        if (typeof ip === 'string' && ip !== '') return { value: { ...compact, podIp: ip } };
      }
      return { value: compact };
    }
    case 'nodes':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.nodes[0]);
    case 'persistentvolumes':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.persistentVolumes[0]);
    case 'persistentvolumeclaims':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.persistentVolumeClaims[0]);
    case 'services':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.services[0]);
    case 'namespaces':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.namespaces[0]);
    case 'storageclasses':
      return throughBuilder(obj, kind, origin, (b) => b.snapshot.storageClasses[0]);
    case 'replicasets':
    case 'jobs':
      return { value: controllerOf(obj) };
    case 'horizontalpodautoscalers':
    case 'poddisruptionbudgets':
      try {
        return { value: resource === 'horizontalpodautoscalers' ? hpaTargetOf(obj, origin) : pdbPolicyOf(obj, origin) };
      } catch (err) {
        if (err instanceof InvalidObjectError) return { warning: err };
        throw err;
      }
  }
}

/**
 * One API object (a list item or a watch event's object) → its cache key and entry. Returns
 * undefined for an object without a name (it cannot be keyed; the API server never sends one).
 */
export function convertObject<R extends WatchedResourceName>(
  resource: WatchedResource & { readonly name: R },
  obj: JsonObject,
  origin: string,
  previousOf?: (key: string) => CachedValues[R] | undefined,
): { key: string; entry: CacheEntry<CachedValues[R]> } | undefined {
  const key = objectKey(obj, resource.namespaced);
  if (key === undefined) return undefined;
  const meta = obj['metadata'] as JsonObject;
  const rv = meta['resourceVersion'];
  slim(obj);
  const converted = convertValue(resource.name, resource.kind, obj, origin, previousOf?.(key)) as Converted<CachedValues[R]>;
  return { key, entry: { resourceVersion: typeof rv === 'string' ? rv : '', value: converted.value, warning: converted.warning } };
}
