// Kubernetes JSON objects, as `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json` and the API
// server write them, → the cluster model. Pure: parsed JSON in, model objects out, plus a warning
// for every object that had to be skipped (bad quantity, missing name, wrong type, duplicate).
//
// Loading a snapshot must cost at most about as much again as JSON.parse of the same file, so the
// conversion is one pass over the objects, field paths for error messages are only built when
// there is an error, and repeated quantity strings ("100m", "128Mi") are looked up in a memo.
import type { PdbPolicy, WorkloadPolicies } from '../core/advice/policies.ts';
import type { HpaTarget } from '../core/advice/rightsizing.ts';
import { InputError, InvalidObjectError, SourceReadError, shown } from '../core/errors.ts';
import type {
  ClusterSnapshot,
  ContainerInfo,
  Labels,
  NamespaceInfo,
  NodeInfo,
  OwnerRef,
  PersistentVolumeClaimInfo,
  PersistentVolumeInfo,
  PodInfo,
  PodLocalVolume,
  PodPhase,
  ResourceAmounts,
  ServiceInfo,
  StorageClassInfo,
} from '../core/model.ts';
import { ZERO_RESOURCES } from '../core/model.ts';
import type { QuantityContext } from '../core/quantity.ts';
import { parseBytes, parseCount, parseMillicores } from '../core/quantity.ts';
import { DuplicateKubeObjectError } from './duplicates.ts';
import type { JsonObject, LazyJsonList } from './json.ts';
import { isJsonObject, itemPath } from './json.ts';
import type { MutableUsageByPod } from './pod-metrics.ts';
import { addPodMetrics, POD_METRICS_KIND } from './pod-metrics.ts';
import { hpaTargetOf, pdbPolicyOf } from './policies.ts';

/** One parsed file (or other document) and the name to use for it in messages. */
export interface KubeDocument {
  readonly doc: unknown;
  readonly origin: string;
}

export interface KubeConversion {
  /** `usage` is present only when the documents held PodMetrics. */
  readonly snapshot: ClusterSnapshot;
  /** Objects that were skipped, each an InputError naming object, field and value. */
  readonly warnings: readonly InputError[];
  /** Kinds the model does not use (ConfigMap, Deployment...), with how many were ignored. */
  readonly ignoredKinds: ReadonlyMap<string, number>;
  /**
   * HorizontalPodAutoscalers and PodDisruptionBudgets, for the advice; present once the documents
   * held at least one of either (an HPA-less snapshot with PDBs is taken to have no HPAs).
   */
  readonly policies?: WorkloadPolicies;
}

/** Converts documents in order (later duplicates are skipped). See SnapshotBuilder.add. */
export function convertKubeDocuments(docs: Iterable<KubeDocument>): KubeConversion {
  const builder = new SnapshotBuilder();
  for (const { doc, origin } of docs) builder.add(doc, origin);
  return builder.result();
}

type Resource = 'nodes' | 'pods' | 'persistentvolumes' | 'persistentvolumeclaims' | 'services' | 'namespaces' | 'storageclasses';

const RESOURCE_OF_KIND: ReadonlyMap<string, Resource> = new Map([
  ['Node', 'nodes'],
  ['Pod', 'pods'],
  ['PersistentVolume', 'persistentvolumes'],
  ['PersistentVolumeClaim', 'persistentvolumeclaims'],
  ['Service', 'services'],
  ['Namespace', 'namespaces'],
  ['StorageClass', 'storageclasses'],
]);

const NAMESPACED: ReadonlySet<Resource> = new Set(['pods', 'persistentvolumeclaims', 'services']);

/** Collects objects from one or more documents; `result()` returns the merged snapshot. */
export class SnapshotBuilder {
  private readonly nodes: NodeInfo[] = [];
  private readonly pods: PodInfo[] = [];
  private readonly persistentVolumes: PersistentVolumeInfo[] = [];
  private readonly persistentVolumeClaims: PersistentVolumeClaimInfo[] = [];
  private readonly services: ServiceInfo[] = [];
  private readonly namespaces: NamespaceInfo[] = [];
  private readonly storageClasses: StorageClassInfo[] = [];
  private readonly warnings: InputError[] = [];
  private readonly ignoredKinds = new Map<string, number>();
  private readonly hpas: HpaTarget[] = [];
  private readonly pdbs: PdbPolicy[] = [];
  private policiesSeen = false;
  private usage: MutableUsageByPod | undefined;
  /**
   * Repeated values of the pods and nodes converted so far, kept once. Only when asked for (the
   * snapshot file source, whose parsed documents are its own): it updates label objects in place.
   * The live source shares values its own way (src/sources/kube/convert.ts).
   */
  private readonly shared: Interner | undefined;

  constructor(options: { readonly shareRepeatedValues?: boolean } = {}) {
    this.shared = options.shareRepeatedValues === true ? new Interner() : undefined;
  }
  /** UID → the object that had it first. */
  private readonly byUid = new Map<string, string>();
  /** Per resource, namespace (`''` when cluster-scoped) → name → the document it came from. */
  private readonly byName = new Map<Resource, Map<string, Map<string, string>>>();

  /**
   * Adds a parsed document: a `List` or typed list (`PodList`, whose items may omit `kind`), a
   * `PodMetricsList`, or a single object. Throws a SourceReadError naming `origin` when the
   * document is not an object or its `items` is not an array; a malformed item is skipped with a
   * warning instead.
   */
  add(doc: unknown, origin: string): void {
    if (!isJsonObject(doc)) throw new SourceReadError(origin, '(document)', shown(doc), 'expected a Kubernetes object or List');
    const kind = doc['kind'];
    const items = doc['items'];
    const isList = typeof kind === 'string' ? kind.endsWith('List') : items !== undefined;
    if (!isList) {
      if (typeof kind !== 'string' || kind === '') throw new SourceReadError(origin, 'kind', shown(kind), 'expected a Kubernetes object or List (no kind)');
      this.addObject(doc, origin, -1);
      return;
    }
    if (!Array.isArray(items)) throw new SourceReadError(origin, 'items', shown(items), `a ${typeof kind === 'string' ? kind : 'List'} needs an items array`);
    this.addItems(kind, items.length, (i) => items[i], origin);
  }

  /**
   * Adds a list document whose items are parsed one at a time (json.ts scanJsonList): the same as
   * `add` of the whole document, without holding all its parsed items at once.
   */
  addList(list: LazyJsonList, origin: string): void {
    const kind = list.head['kind'];
    if (typeof kind === 'string' && !kind.endsWith('List')) {
      throw new SourceReadError(origin, 'items', shown(kind), `a ${kind} object has no items; expected a List`);
    }
    this.addItems(kind, list.length, (i) => list.item(i), origin);
  }

  private addItems(kind: unknown, length: number, item: (index: number) => unknown, origin: string): void {
    // Typed lists from the API (`kubectl get --raw /api/v1/pods`) leave `kind` out of their items.
    const impliedKind = typeof kind === 'string' && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
    if (impliedKind === POD_METRICS_KIND) {
      for (let i = 0; i < length; i++) this.addUsage(item(i), origin, i);
      return;
    }
    for (let i = 0; i < length; i++) this.addObject(item(i), origin, i, impliedKind);
  }

  /** Adds one object, item `index` of `origin` (-1: the document itself). */
  addObject(obj: unknown, origin: string, index: number, impliedKind?: string): void {
    if (!isJsonObject(obj)) {
      this.warnings.push(new InvalidObjectError(origin, itemPath(index), shown(obj), 'expected a Kubernetes object'));
      return;
    }
    const rawKind = obj['kind'];
    const kind = rawKind === undefined ? impliedKind : rawKind;
    if (typeof kind !== 'string' || kind === '') {
      this.warnings.push(new InvalidObjectError(origin, `${itemPath(index)}.kind`, shown(kind), 'missing kind'));
      return;
    }
    if (kind === POD_METRICS_KIND) {
      this.addUsage(obj, origin, index);
      return;
    }
    if (kind === 'HorizontalPodAutoscaler' || kind === 'PodDisruptionBudget') {
      this.addPolicy(obj, kind, `${origin} ${itemPath(index)}`);
      return;
    }
    const resource = RESOURCE_OF_KIND.get(kind);
    if (resource === undefined) {
      this.ignoredKinds.set(kind, (this.ignoredKinds.get(kind) ?? 0) + 1);
      return;
    }
    try {
      const meta = readMeta(obj, resource, origin, index);
      this.checkUnique(meta, origin);
      switch (resource) {
        case 'pods':
          this.pods.push(this.shared === undefined ? convertPod(obj, meta) : this.shared.pod(convertPod(obj, meta)));
          break;
        case 'nodes':
          this.nodes.push(this.shared === undefined ? convertNode(obj, meta) : this.shared.node(convertNode(obj, meta)));
          break;
        case 'persistentvolumes':
          this.persistentVolumes.push(convertPersistentVolume(obj, meta));
          break;
        case 'persistentvolumeclaims':
          this.persistentVolumeClaims.push(convertPersistentVolumeClaim(obj, meta));
          break;
        case 'services':
          this.services.push(convertService(obj, meta));
          break;
        case 'namespaces':
          this.namespaces.push({ name: meta.name, labels: meta.labels, annotations: meta.annotations });
          break;
        case 'storageclasses':
          this.storageClasses.push(convertStorageClass(obj, meta));
          break;
      }
      if (meta.uid !== '') this.byUid.set(meta.uid, meta.ref);
      this.namesIn(meta).set(meta.name, origin);
    } catch (err) {
      if (err instanceof InputError) this.warnings.push(err);
      else throw err;
    }
  }

  private checkUnique(meta: Meta, origin: string): void {
    if (meta.uid !== '') {
      const first = this.byUid.get(meta.uid);
      if (first !== undefined) throw new DuplicateKubeObjectError(meta.ref, 'metadata.uid', meta.uid, first);
    }
    const firstOrigin = this.namesIn(meta).get(meta.name);
    if (firstOrigin !== undefined) {
      throw new DuplicateKubeObjectError(meta.ref, 'metadata.name', meta.name, meta.ref, firstOrigin === origin ? `repeated in ${origin}` : `first read from ${firstOrigin}`);
    }
  }

  private namesIn(meta: Meta): Map<string, string> {
    let byNamespace = this.byName.get(meta.resource);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.byName.set(meta.resource, byNamespace);
    }
    let names = byNamespace.get(meta.namespace);
    if (names === undefined) {
      names = new Map();
      byNamespace.set(meta.namespace, names);
    }
    return names;
  }

  private addPolicy(obj: Record<string, unknown>, kind: 'HorizontalPodAutoscaler' | 'PodDisruptionBudget', origin: string): void {
    this.policiesSeen = true;
    try {
      if (kind === 'HorizontalPodAutoscaler') this.hpas.push(hpaTargetOf(obj, origin));
      else this.pdbs.push(pdbPolicyOf(obj, origin));
    } catch (err) {
      if (err instanceof InputError) this.warnings.push(err);
      else throw err;
    }
  }

  private addUsage(item: unknown, origin: string, index: number): void {
    this.usage ??= new Map();
    try {
      addPodMetrics(this.usage, item, origin, index);
    } catch (err) {
      if (err instanceof InputError) this.warnings.push(err);
      else throw err;
    }
  }

  /** The snapshot so far. The arrays are the builder's own: add nothing after calling this. */
  result(): KubeConversion {
    return {
      snapshot: {
        nodes: this.nodes,
        pods: this.pods,
        persistentVolumes: this.persistentVolumes,
        persistentVolumeClaims: this.persistentVolumeClaims,
        services: this.services,
        namespaces: this.namespaces,
        storageClasses: this.storageClasses,
        ...(this.usage ? { usage: this.usage } : {}),
      },
      warnings: this.warnings,
      ignoredKinds: this.ignoredKinds,
      ...(this.policiesSeen ? { policies: { hpas: this.hpas, pdbs: this.pdbs } } : {}),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Repeated values

/**
 * One copy of each repeated value of a conversion. A cluster repeats a few dozen namespaces, its
 * node names (on every pod), owner kinds, container names, label values and resource amounts tens of
 * thousands of times; each parsed item brings its own copy of them (V8's JSON.parse shares only
 * strings of up to 10 characters), which the converted snapshot would keep for as long as the
 * source serves it. Values are replaced by an equal one seen before, so nothing a reader can tell
 * changes. Objects passed in are the conversion's own (fresh from JSON.parse or convertPod) and are
 * updated in place.
 */
class Interner {
  private readonly strings = new Map<string, string>();
  private readonly amountsByValue = new Map<string, ResourceAmounts>();
  private readonly owners = new Map<string, OwnerRef>();

  string(value: string): string {
    const seen = this.strings.get(value);
    if (seen !== undefined) return seen;
    this.strings.set(value, value);
    return value;
  }

  /** The label values of a parsed `metadata.labels` object, in place. */
  labels(labels: Labels): Labels {
    if (labels === EMPTY_LABELS) return labels;
    const values = labels as Record<string, string>;
    for (const key in values) values[key] = this.string(values[key]!);
    return labels;
  }

  amounts(amounts: ResourceAmounts): ResourceAmounts {
    if (amounts === ZERO_RESOURCES) return amounts;
    const key = `${amounts.cpuMillicores} ${amounts.ramBytes} ${amounts.gpus}`;
    const seen = this.amountsByValue.get(key);
    if (seen !== undefined) return seen;
    this.amountsByValue.set(key, amounts);
    return amounts;
  }

  owner(owner: OwnerRef): OwnerRef {
    const key = `${owner.kind}/${owner.name}`;
    const seen = this.owners.get(key);
    if (seen !== undefined) return seen;
    const shared = { kind: this.string(owner.kind), name: this.string(owner.name) };
    this.owners.set(key, shared);
    return shared;
  }

  private containers(list: readonly ContainerInfo[]): void {
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as Mutable<ContainerInfo>;
      c.name = this.string(c.name);
      c.requests = this.amounts(c.requests);
      c.limits = this.amounts(c.limits);
    }
  }

  pod(pod: Mutable<PodInfo>): PodInfo {
    pod.namespace = this.string(pod.namespace);
    pod.nodeName = this.string(pod.nodeName);
    this.labels(pod.labels);
    this.containers(pod.containers);
    this.containers(pod.initContainers);
    this.containers(pod.sidecarContainers);
    pod.overhead = this.amounts(pod.overhead);
    if (pod.owner !== undefined) pod.owner = this.owner(pod.owner);
    if (pod.workload !== undefined) pod.workload = this.owner(pod.workload);
    return pod;
  }

  node(node: Mutable<NodeInfo>): NodeInfo {
    node.name = this.string(node.name);
    this.labels(node.labels);
    node.capacity = this.amounts(node.capacity);
    node.allocatable = this.amounts(node.allocatable);
    return node;
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata

interface Meta {
  readonly resource: Resource;
  /** `pods/shop/web-1`, `nodes/ip-10-0-1-2.ec2.internal`: how messages name the object. */
  readonly ref: string;
  readonly name: string;
  /** `''` for cluster-scoped objects. */
  readonly namespace: string;
  readonly uid: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly createdAtMs: number | undefined;
}

const EMPTY_LABELS: Labels = Object.freeze({});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An InvalidObjectError for `ref` (e.g. `pods/shop/web-1`); `undefined` is shown as such. */
function invalid(ref: string, field: string, value: unknown, reason: string): InvalidObjectError {
  return new InvalidObjectError(ref, field, typeof value === 'string' ? shown(value) : shown(value === undefined ? 'undefined' : value), reason);
}

function readMeta(obj: JsonObject, resource: Resource, origin: string, index: number): Meta {
  const m = obj['metadata'];
  if (!isJsonObject(m)) throw new InvalidObjectError(`${resource}/(no metadata: ${origin} ${itemPath(index)})`, 'metadata', shown(m ?? 'undefined'), 'expected an object');
  const name = m['name'];
  const rawNamespace = m['namespace'];
  let namespace = '';
  if (NAMESPACED.has(resource)) {
    if (rawNamespace !== undefined && typeof rawNamespace !== 'string') {
      throw new InvalidObjectError(`${resource}/(namespace?)/${typeof name === 'string' ? name : '(no name)'}`, 'metadata.namespace', shown(rawNamespace), 'expected a string');
    }
    namespace = rawNamespace || 'default';
  }
  if (typeof name !== 'string' || name === '') {
    const where = `${resource}/${namespace === '' ? '' : `${namespace}/`}(no name: ${origin} ${itemPath(index)})`;
    throw new InvalidObjectError(where, 'metadata.name', shown(name ?? 'undefined'), 'missing name');
  }
  const ref = namespace === '' ? `${resource}/${name}` : `${resource}/${namespace}/${name}`;
  const uid = m['uid'];
  if (uid !== undefined && typeof uid !== 'string') throw new InvalidObjectError(ref, 'metadata.uid', shown(uid), 'expected a string');
  return {
    resource,
    ref,
    name,
    namespace,
    uid: uid ?? '',
    labels: stringMap(m['labels'], ref, 'metadata.labels'),
    annotations: stringMap(m['annotations'], ref, 'metadata.annotations'),
    createdAtMs: timeMs(m['creationTimestamp'], ref, 'metadata.creationTimestamp'),
  };
}

function stringMap(value: unknown, ref: string, field: string): Labels {
  if (value === undefined || value === null) return EMPTY_LABELS;
  if (!isJsonObject(value)) throw invalid(ref, field, value, 'expected a map of strings');
  for (const key in value) {
    if (typeof value[key] !== 'string') throw invalid(ref, `${field}["${key}"]`, value[key], 'expected a string');
  }
  return value as Labels;
}

function timeMs(value: unknown, ref: string, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(ref, field, value, 'expected an RFC 3339 time such as 2026-11-23T14:00:00Z');
  return ms;
}

function optionalString(value: unknown, ref: string, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(ref, field, value, 'expected a string');
  return value;
}

// ---------------------------------------------------------------------------------------------
// Quantities, memoized per field kind (clusters repeat a few strings thousands of times)

const MEMO_LIMIT = 8192;
const millicoreMemo = new Map<string, number>();
const byteMemo = new Map<string, number>();
const countMemo = new Map<string, number>();

type Parse = (input: unknown, ctx: QuantityContext) => number;

/**
 * A quantity field: `${base}${index}${tail}${key}`, e.g. `spec.containers` `[0]`
 * `.resources.requests` `.cpu`; the path is only built when parsing fails.
 */
function quantity(memo: Map<string, number>, parse: Parse, value: unknown, ref: string, base: string, index: number, tail: string, key: string): number {
  if (typeof value === 'string') {
    const hit = memo.get(value);
    if (hit !== undefined) return hit;
  }
  const field = `${base}${index < 0 ? '' : `[${index}]`}${tail}${key}`;
  const parsed = parse(value, { object: ref, field });
  if (typeof value === 'string') {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, parsed);
  }
  return parsed;
}

const NVIDIA_GPU = 'nvidia.com/gpu';
const AMD_GPU = 'amd.com/gpu';

/**
 * `cpu`, `memory` and GPUs of a resource list (requests, limits, capacity, overhead). A resource
 * the list does not name takes its value from `defaults`: that is how requests default to limits.
 */
function resourceAmounts(value: unknown, ref: string, base: string, index: number, tail: string, defaults: ResourceAmounts): ResourceAmounts {
  if (value === undefined || value === null) return defaults;
  if (!isJsonObject(value)) throw invalid(ref, `${base}${index < 0 ? '' : `[${index}]`}${tail}`, value, 'expected a map of resource quantities');
  const cpu = value['cpu'];
  const memory = value['memory'];
  const nvidia = value[NVIDIA_GPU];
  const amd = value[AMD_GPU];
  if (cpu === undefined && memory === undefined && nvidia === undefined && amd === undefined) return defaults;
  let gpus = defaults.gpus;
  if (nvidia !== undefined || amd !== undefined) {
    gpus = 0;
    if (nvidia !== undefined) gpus += quantity(countMemo, parseCount, nvidia, ref, base, index, tail, `["${NVIDIA_GPU}"]`);
    if (amd !== undefined) gpus += quantity(countMemo, parseCount, amd, ref, base, index, tail, `["${AMD_GPU}"]`);
  }
  return {
    cpuMillicores: cpu === undefined ? defaults.cpuMillicores : quantity(millicoreMemo, parseMillicores, cpu, ref, base, index, tail, '.cpu'),
    ramBytes: memory === undefined ? defaults.ramBytes : quantity(byteMemo, parseBytes, memory, ref, base, index, tail, '.memory'),
    gpus,
  };
}

// ---------------------------------------------------------------------------------------------
// Pods

const PHASES: ReadonlySet<string> = new Set<PodPhase>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
const NO_CONTAINERS: readonly ContainerInfo[] = Object.freeze([]);
const NO_CLAIMS: readonly string[] = Object.freeze([]);

function convertContainers(value: unknown, ref: string, base: string, containers: ContainerInfo[], sidecars: ContainerInfo[] | undefined): void {
  if (!Array.isArray(value)) throw invalid(ref, base, value, 'expected an array of containers');
  for (let i = 0; i < value.length; i++) {
    const c: unknown = value[i];
    if (!isJsonObject(c)) throw invalid(ref, `${base}[${i}]`, c, 'expected a container');
    const name = c['name'];
    if (typeof name !== 'string' || name === '') throw invalid(ref, `${base}[${i}].name`, name, 'missing container name');
    const resources = c['resources'];
    let requests = ZERO_RESOURCES;
    let limits = ZERO_RESOURCES;
    if (resources !== undefined && resources !== null) {
      if (!isJsonObject(resources)) throw invalid(ref, `${base}[${i}].resources`, resources, 'expected an object');
      limits = resourceAmounts(resources['limits'], ref, base, i, '.resources.limits', ZERO_RESOURCES);
      // The API server defaults a missing request to the limit, resource by resource.
      requests = resourceAmounts(resources['requests'], ref, base, i, '.resources.requests', limits);
    }
    const info: ContainerInfo = { name, requests, limits };
    if (sidecars !== undefined && c['restartPolicy'] === 'Always') sidecars.push(info);
    else containers.push(info);
  }
}

function controllerOf(value: unknown): OwnerRef | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  let chosen: unknown = value[0];
  for (const ref of value) {
    if (isJsonObject(ref) && ref['controller'] === true) {
      chosen = ref;
      break;
    }
  }
  if (!isJsonObject(chosen)) return undefined;
  const kind = chosen['kind'];
  const name = chosen['name'];
  return typeof kind === 'string' && typeof name === 'string' && kind !== '' && name !== '' ? { kind, name } : undefined;
}

/** CronJob Jobs are named `<cronjob>-<scheduled time in minutes since the epoch>`: 8 digits. */
const CRONJOB_SUFFIX_DIGITS = 8;

function isScheduleSuffix(name: string, dash: number): boolean {
  if (dash <= 0 || name.length - dash - 1 !== CRONJOB_SUFFIX_DIGITS) return false;
  for (let i = dash + 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * The top-level workload, from the controlling owner alone: ReplicaSet `web-7d4b9c8f5` of a pod
 * labelled `pod-template-hash: 7d4b9c8f5` → Deployment `web`; Job `report-29412345` → CronJob
 * `report`; anything else is its own workload (StatefulSet, DaemonSet, Job, a bare ReplicaSet...).
 */
export function workloadOf(owner: OwnerRef | undefined, labels: Labels): OwnerRef | undefined {
  if (owner === undefined) return undefined;
  if (owner.kind === 'ReplicaSet') {
    const hash = labels['pod-template-hash'];
    const cut = owner.name.length - (hash?.length ?? 0) - 1;
    if (hash && cut > 0 && owner.name.charCodeAt(cut) === 0x2d && owner.name.endsWith(hash)) return { kind: 'Deployment', name: owner.name.slice(0, cut) };
  } else if (owner.kind === 'Job') {
    const dash = owner.name.lastIndexOf('-');
    if (isScheduleSuffix(owner.name, dash)) return { kind: 'CronJob', name: owner.name.slice(0, dash) };
  }
  return owner;
}

function claimNamesOf(volumes: unknown, podName: string): readonly string[] {
  if (!Array.isArray(volumes)) return NO_CLAIMS;
  let names: string[] | undefined;
  for (const v of volumes) {
    if (!isJsonObject(v)) continue;
    const pvc = v['persistentVolumeClaim'];
    let claim: unknown;
    if (isJsonObject(pvc)) claim = pvc['claimName'];
    // A generic ephemeral volume gets a claim named `<pod>-<volume>`.
    else if (isJsonObject(v['ephemeral']) && typeof v['name'] === 'string') claim = `${podName}-${v['name']}`;
    if (typeof claim !== 'string' || claim === '') continue;
    if (names === undefined) names = [claim];
    else names.push(claim);
  }
  return names ?? NO_CLAIMS;
}

/**
 * Volumes kept on the node's disk: `emptyDir` unless `medium: Memory` (its size limit kept), and
 * `hostPath`. Undefined when there are none (most pods), so that cached pods stay small.
 */
function localVolumesOf(volumes: unknown, ref: string): readonly PodLocalVolume[] | undefined {
  if (!Array.isArray(volumes)) return undefined;
  let out: PodLocalVolume[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i];
    if (!isJsonObject(v) || typeof v['name'] !== 'string') continue;
    let local: PodLocalVolume | undefined;
    const emptyDir = v['emptyDir'];
    if (isJsonObject(emptyDir)) {
      if (emptyDir['medium'] === 'Memory') continue;
      const limit = emptyDir['sizeLimit'];
      local =
        limit === undefined || limit === null
          ? { name: v['name'], type: 'emptyDir' }
          : { name: v['name'], type: 'emptyDir', sizeLimitBytes: quantity(byteMemo, parseBytes, limit, ref, 'spec.volumes', i, '.emptyDir', '.sizeLimit') };
    } else if (isJsonObject(v['hostPath'])) local = { name: v['name'], type: 'hostPath' };
    if (local === undefined) continue;
    if (out === undefined) out = [local];
    else out.push(local);
  }
  return out;
}

function convertPod(obj: JsonObject, meta: Meta): PodInfo {
  const spec = obj['spec'];
  if (!isJsonObject(spec)) throw invalid(meta.ref, 'spec', spec, 'expected an object');
  const status = obj['status'];
  const nodeName = optionalString(spec['nodeName'], meta.ref, 'spec.nodeName');
  const rawPhase = isJsonObject(status) ? status['phase'] : undefined;
  let phase: PodPhase;
  // Without a status (hand-written input), a pod bound to a node is taken as running.
  if (rawPhase === undefined) phase = nodeName === '' ? 'Pending' : 'Running';
  else if (typeof rawPhase === 'string' && PHASES.has(rawPhase)) phase = rawPhase as PodPhase;
  else throw invalid(meta.ref, 'status.phase', rawPhase, 'expected Pending, Running, Succeeded, Failed or Unknown');

  const containers: ContainerInfo[] = [];
  convertContainers(spec['containers'], meta.ref, 'spec.containers', containers, undefined);
  let initContainers = NO_CONTAINERS;
  let sidecarContainers = NO_CONTAINERS;
  const rawInit = spec['initContainers'];
  if (rawInit !== undefined && rawInit !== null) {
    const init: ContainerInfo[] = [];
    const sidecars: ContainerInfo[] = [];
    convertContainers(rawInit, meta.ref, 'spec.initContainers', init, sidecars);
    if (init.length > 0) initContainers = init;
    if (sidecars.length > 0) sidecarContainers = sidecars;
  }
  const owner = controllerOf((obj['metadata'] as JsonObject)['ownerReferences']);
  const workload = workloadOf(owner, meta.labels);
  const startedAtMs = isJsonObject(status) ? timeMs(status['startTime'], meta.ref, 'status.startTime') : undefined;
  const pod: Mutable<PodInfo> = {
    uid: meta.uid === '' ? meta.ref : meta.uid,
    namespace: meta.namespace,
    name: meta.name,
    nodeName,
    phase,
    labels: meta.labels,
    annotations: meta.annotations,
    containers,
    initContainers,
    sidecarContainers,
    overhead: resourceAmounts(spec['overhead'], meta.ref, 'spec.overhead', -1, '', ZERO_RESOURCES),
    claimNames: claimNamesOf(spec['volumes'], meta.name),
  };
  const localVolumes = localVolumesOf(spec['volumes'], meta.ref);
  if (localVolumes !== undefined) pod.localVolumes = localVolumes;
  if (owner !== undefined) pod.owner = owner;
  if (workload !== undefined) pod.workload = workload;
  if (meta.createdAtMs !== undefined) pod.createdAtMs = meta.createdAtMs;
  if (startedAtMs !== undefined) pod.startedAtMs = startedAtMs;
  return pod;
}

// ---------------------------------------------------------------------------------------------
// Nodes, volumes, services, storage classes

function convertNode(obj: JsonObject, meta: Meta): NodeInfo {
  const status = obj['status'];
  if (!isJsonObject(status)) throw invalid(meta.ref, 'status', status, 'expected an object (capacity is needed to price a node)');
  const rawCapacity = status['capacity'];
  if (!isJsonObject(rawCapacity)) throw invalid(meta.ref, 'status.capacity', rawCapacity, 'expected a map of resource quantities');
  if (rawCapacity['cpu'] === undefined) throw invalid(meta.ref, 'status.capacity.cpu', undefined, 'missing');
  if (rawCapacity['memory'] === undefined) throw invalid(meta.ref, 'status.capacity.memory', undefined, 'missing');
  const capacity = resourceAmounts(rawCapacity, meta.ref, 'status.capacity', -1, '', ZERO_RESOURCES);
  const allocatable = resourceAmounts(status['allocatable'], meta.ref, 'status.allocatable', -1, '', capacity);
  const spec = obj['spec'];
  const providerId = isJsonObject(spec) ? optionalString(spec['providerID'], meta.ref, 'spec.providerID') : '';
  const node: Mutable<NodeInfo> = {
    name: meta.name,
    uid: meta.uid === '' ? meta.ref : meta.uid,
    labels: meta.labels,
    capacity,
    allocatable,
  };
  if (providerId !== '') node.providerId = providerId;
  if (meta.createdAtMs !== undefined) node.createdAtMs = meta.createdAtMs;
  return node;
}

/** In-tree volume plugins, by their spec field, named as their provisioners are. */
const IN_TREE_DRIVERS: readonly (readonly [string, string])[] = [
  ['awsElasticBlockStore', 'kubernetes.io/aws-ebs'],
  ['gcePersistentDisk', 'kubernetes.io/gce-pd'],
  ['azureDisk', 'kubernetes.io/azure-disk'],
  ['azureFile', 'kubernetes.io/azure-file'],
  ['cinder', 'kubernetes.io/cinder'],
  ['vsphereVolume', 'kubernetes.io/vsphere-volume'],
];

function convertPersistentVolume(obj: JsonObject, meta: Meta): PersistentVolumeInfo {
  const spec = obj['spec'];
  if (!isJsonObject(spec)) throw invalid(meta.ref, 'spec', spec, 'expected an object');
  const capacity = isJsonObject(spec['capacity']) ? spec['capacity']['storage'] : undefined;
  if (capacity === undefined) throw invalid(meta.ref, 'spec.capacity.storage', undefined, 'missing');
  const capacityBytes = quantity(byteMemo, parseBytes, capacity, meta.ref, 'spec.capacity.storage', -1, '', '');
  let driver: string | undefined;
  const csi = spec['csi'];
  if (isJsonObject(csi) && typeof csi['driver'] === 'string') driver = csi['driver'];
  else {
    for (const [field, name] of IN_TREE_DRIVERS) {
      if (spec[field] !== undefined) {
        driver = name;
        break;
      }
    }
  }
  const pv: Mutable<PersistentVolumeInfo> = {
    name: meta.name,
    storageClass: optionalString(spec['storageClassName'], meta.ref, 'spec.storageClassName'),
    capacityBytes,
    labels: meta.labels,
  };
  const claimRef = spec['claimRef'];
  if (isJsonObject(claimRef) && typeof claimRef['name'] === 'string' && claimRef['name'] !== '') {
    const ns = claimRef['namespace'];
    pv.claim = { namespace: typeof ns === 'string' && ns !== '' ? ns : 'default', name: claimRef['name'] };
  }
  if (driver !== undefined && driver !== '') pv.driver = driver;
  if (isJsonObject(spec['local'])) pv.nodeLocal = 'local';
  else if (isJsonObject(spec['hostPath'])) pv.nodeLocal = 'hostPath';
  return pv;
}

function convertPersistentVolumeClaim(obj: JsonObject, meta: Meta): PersistentVolumeClaimInfo {
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  const resources = spec['resources'];
  const requests = isJsonObject(resources) ? resources['requests'] : undefined;
  let requested = isJsonObject(requests) ? requests['storage'] : undefined;
  let field = 'spec.resources.requests.storage';
  if (requested === undefined) {
    const status = obj['status'];
    const capacity = isJsonObject(status) ? status['capacity'] : undefined;
    requested = isJsonObject(capacity) ? capacity['storage'] : undefined;
    field = 'status.capacity.storage';
  }
  return {
    namespace: meta.namespace,
    name: meta.name,
    volumeName: optionalString(spec['volumeName'], meta.ref, 'spec.volumeName'),
    storageClass: optionalString(spec['storageClassName'], meta.ref, 'spec.storageClassName'),
    requestBytes: requested === undefined ? 0 : quantity(byteMemo, parseBytes, requested, meta.ref, field, -1, '', ''),
  };
}

const SERVICE_TYPES: ReadonlySet<string> = new Set<ServiceInfo['type']>(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

function convertService(obj: JsonObject, meta: Meta): ServiceInfo {
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  const type = spec['type'] ?? 'ClusterIP';
  if (typeof type !== 'string' || !SERVICE_TYPES.has(type)) throw invalid(meta.ref, 'spec.type', type, 'expected ClusterIP, NodePort, LoadBalancer or ExternalName');
  const status = obj['status'];
  const loadBalancer = isJsonObject(status) ? status['loadBalancer'] : undefined;
  const ingress = isJsonObject(loadBalancer) ? loadBalancer['ingress'] : undefined;
  return {
    namespace: meta.namespace,
    name: meta.name,
    type: type as ServiceInfo['type'],
    selector: stringMap(spec['selector'], meta.ref, 'spec.selector'),
    ingressCount: Array.isArray(ingress) ? ingress.length : 0,
  };
}

/** The volume type parameter: AWS EBS and GCE PD `type`, Azure Disk `skuName` (any case). */
const VOLUME_TYPE_PARAMETERS = ['type', 'skuName', 'skuname', 'storageaccounttype'];

function convertStorageClass(obj: JsonObject, meta: Meta): StorageClassInfo {
  const parameters = obj['parameters'];
  let volumeType: string | undefined;
  if (isJsonObject(parameters)) {
    for (const key of VOLUME_TYPE_PARAMETERS) {
      const value = parameters[key];
      if (typeof value === 'string' && value !== '') {
        volumeType = value;
        break;
      }
    }
  }
  return { name: meta.name, provisioner: optionalString(obj['provisioner'], meta.ref, 'provisioner'), volumeType };
}
