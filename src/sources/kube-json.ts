// Kubernetes JSON objects (as `kubectl get ... -o json` and the API server write them) → the
// cluster model. Pure: takes parsed JSON, returns model objects plus a warning for every object
// that had to be skipped. One pass, no regex per object on the hot path.
import type { InputError } from '../core/errors.ts';
import { InvalidObjectError, InvalidQuantityError } from '../core/errors.ts';
import type {
  ClusterSnapshot,
  ContainerInfo,
  ContainerUsage,
  Labels,
  NamespaceInfo,
  NodeInfo,
  OwnerRef,
  PersistentVolumeClaimInfo,
  PersistentVolumeInfo,
  PodInfo,
  PodPhase,
  ResourceAmounts,
  ServiceInfo,
  StorageClassInfo,
} from '../core/model.ts';
import { podKey, ZERO_RESOURCES } from '../core/model.ts';
import { parseBytes, parseCount, parseMillicores } from '../core/quantity.ts';

type Json = Record<string, unknown>;

const GPU_RESOURCES = ['nvidia.com/gpu', 'amd.com/gpu'];
const PHASES: ReadonlySet<string> = new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
const SERVICE_TYPES: ReadonlySet<string> = new Set(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/** Collects objects from one or more documents; `snapshot()` returns the merged result. */
export class SnapshotBuilder {
  readonly nodes: NodeInfo[] = [];
  readonly pods: PodInfo[] = [];
  readonly persistentVolumes: PersistentVolumeInfo[] = [];
  readonly persistentVolumeClaims: PersistentVolumeClaimInfo[] = [];
  readonly services: ServiceInfo[] = [];
  readonly namespaces: NamespaceInfo[] = [];
  readonly storageClasses: StorageClassInfo[] = [];
  readonly warnings: InputError[] = [];
  /** Kinds present in the input that the model does not use, with their counts. */
  readonly ignoredKinds = new Map<string, number>();
  private usage: Map<string, Map<string, ContainerUsage>> | undefined;
  private readonly seen = new Map<string, string>();

  /** Adds a parsed document: a `List` (or `*List`), or a single object. `origin` names the file. */
  add(doc: unknown, origin: string): void {
    if (!isObject(doc)) throw new InvalidObjectError(origin, '(document)', shortJson(doc), 'expected a Kubernetes object or List');
    const kind = doc['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && kind !== 'PodMetricsList') {
      const items = doc['items'];
      if (!Array.isArray(items)) throw new InvalidObjectError(origin, 'items', shortJson(items), `a ${kind} needs an items array`);
      for (let i = 0; i < items.length; i++) this.addObject(items[i], origin, `items[${i}]`);
      return;
    }
    if (kind === 'PodMetricsList') {
      const items = doc['items'];
      if (!Array.isArray(items)) throw new InvalidObjectError(origin, 'items', shortJson(items), 'a PodMetricsList needs an items array');
      for (let i = 0; i < items.length; i++) this.addPodMetrics(items[i], origin, `items[${i}]`);
      return;
    }
    this.addObject(doc, origin, '(document)');
  }

  snapshot(): ClusterSnapshot {
    return {
      nodes: this.nodes,
      pods: this.pods,
      persistentVolumes: this.persistentVolumes,
      persistentVolumeClaims: this.persistentVolumeClaims,
      services: this.services,
      namespaces: this.namespaces,
      storageClasses: this.storageClasses,
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }

  get hasUsage(): boolean {
    return this.usage !== undefined;
  }

  private addObject(obj: unknown, origin: string, path: string): void {
    if (!isObject(obj)) {
      this.warnings.push(new InvalidObjectError(origin, path, shortJson(obj), 'expected a Kubernetes object'));
      return;
    }
    const kind = obj['kind'];
    try {
      switch (kind) {
        case 'Pod':
          this.keep('pods', obj, (meta, ref) => this.pods.push(convertPod(obj, ref, meta)));
          break;
        case 'Node':
          this.keep('nodes', obj, (meta, ref) => this.nodes.push(convertNode(obj, ref, meta)));
          break;
        case 'PersistentVolume':
          this.keep('persistentvolumes', obj, (meta, ref) => this.persistentVolumes.push(convertPv(obj, ref, meta)));
          break;
        case 'PersistentVolumeClaim':
          this.keep('persistentvolumeclaims', obj, (meta, ref) => this.persistentVolumeClaims.push(convertPvc(obj, ref, meta)));
          break;
        case 'Service':
          this.keep('services', obj, (meta, ref) => this.services.push(convertService(obj, ref, meta)));
          break;
        case 'Namespace':
          this.keep('namespaces', obj, (meta) => this.namespaces.push(convertNamespace(meta)));
          break;
        case 'StorageClass':
          this.keep('storageclasses', obj, (meta) => this.storageClasses.push(convertStorageClass(obj, meta)));
          break;
        case 'PodMetrics':
          this.addPodMetrics(obj, origin, path);
          break;
        default: {
          const name = typeof kind === 'string' && kind !== '' ? kind : '(no kind)';
          this.ignoredKinds.set(name, (this.ignoredKinds.get(name) ?? 0) + 1);
        }
      }
    } catch (err) {
      if (err instanceof InvalidObjectError || err instanceof InvalidQuantityError) this.warnings.push(err);
      else throw err;
    }
  }

  /** Names the object, rejects duplicates (by UID, else by name), then converts it. */
  private keep(resource: string, obj: Json, convert: (meta: Meta, ref: string) => void): void {
    const meta = metadataOf(obj, resource);
    const ref = meta.namespace === undefined ? `${resource}/${meta.name}` : `${resource}/${meta.namespace}/${meta.name}`;
    const key = meta.uid !== '' ? `${resource}#${meta.uid}` : ref;
    const first = this.seen.get(key);
    if (first !== undefined) {
      const field = meta.uid !== '' ? 'metadata.uid' : 'metadata.name';
      const value = meta.uid !== '' ? meta.uid : meta.name;
      throw new InvalidObjectError(ref, field, value, `duplicate of ${first}; skipped`);
    }
    this.seen.set(key, ref);
    convert(meta, ref);
  }

  private addPodMetrics(obj: unknown, origin: string, path: string): void {
    if (!isObject(obj)) {
      this.warnings.push(new InvalidObjectError(origin, path, shortJson(obj), 'expected a PodMetrics object'));
      return;
    }
    try {
      const meta = metadataOf(obj, 'podmetrics');
      const ref = `podmetrics/${meta.namespace ?? 'default'}/${meta.name}`;
      const containers = obj['containers'];
      if (!Array.isArray(containers)) throw new InvalidObjectError(ref, 'containers', shortJson(containers), 'expected an array');
      const byName = new Map<string, ContainerUsage>();
      for (let i = 0; i < containers.length; i++) {
        const c = containers[i];
        const field = `containers[${i}]`;
        if (!isObject(c) || typeof c['name'] !== 'string') throw new InvalidObjectError(ref, `${field}.name`, shortJson(isObject(c) ? c['name'] : c), 'expected a container name');
        const usage = isObject(c['usage']) ? c['usage'] : {};
        byName.set(c['name'], {
          cpuMillicores: usage['cpu'] === undefined ? 0 : parseMillicores(usage['cpu'], { object: ref, field: `${field}.usage.cpu` }),
          ramBytes: usage['memory'] === undefined ? 0 : parseBytes(usage['memory'], { object: ref, field: `${field}.usage.memory` }),
        });
      }
      this.usage ??= new Map();
      this.usage.set(podKey(meta.namespace ?? 'default', meta.name), byName);
    } catch (err) {
      if (err instanceof InvalidObjectError || err instanceof InvalidQuantityError) this.warnings.push(err);
      else throw err;
    }
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The offending value for an error message: strings as they are, anything else as JSON. */
function shortJson(v: unknown): string {
  const text = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export interface Meta {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly uid: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly createdAtMs: number | undefined;
}

const EMPTY_LABELS: Labels = Object.freeze({});

function stringMap(v: unknown, ref: string, field: string): Labels {
  if (v === undefined || v === null) return EMPTY_LABELS;
  if (!isObject(v)) throw new InvalidObjectError(ref, field, shortJson(v), 'expected a map of strings');
  for (const key in v) {
    if (typeof v[key] !== 'string') throw new InvalidObjectError(ref, `${field}.${key}`, shortJson(v[key]), 'expected a string');
  }
  return v as Labels;
}

function timeMs(v: unknown, ref: string, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidObjectError(ref, field, shortJson(v), 'expected an RFC 3339 time');
  return ms;
}

export function metadataOf(obj: Json, resource: string): Meta {
  const meta = obj['metadata'];
  if (!isObject(meta)) throw new InvalidObjectError(`${resource}/(unnamed)`, 'metadata', shortJson(meta), 'missing metadata');
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') throw new InvalidObjectError(`${resource}/(unnamed)`, 'metadata.name', shortJson(name), 'missing name');
  const ns = meta['namespace'];
  const namespaced = resource === 'pods' || resource === 'persistentvolumeclaims' || resource === 'services' || resource === 'podmetrics';
  let namespace: string | undefined;
  if (namespaced) {
    if (ns !== undefined && typeof ns !== 'string') throw new InvalidObjectError(`${resource}/${name}`, 'metadata.namespace', shortJson(ns), 'expected a string');
    namespace = ns || 'default';
  }
  const ref = namespace === undefined ? `${resource}/${name}` : `${resource}/${namespace}/${name}`;
  const uid = meta['uid'];
  return {
    name,
    namespace,
    uid: typeof uid === 'string' ? uid : '',
    labels: stringMap(meta['labels'], ref, 'metadata.labels'),
    annotations: stringMap(meta['annotations'], ref, 'metadata.annotations'),
    createdAtMs: timeMs(meta['creationTimestamp'], ref, 'metadata.creationTimestamp'),
  };
}

function namespaceOf(ref: string): string {
  const parts = ref.split('/');
  return parts.length === 3 ? parts[1]! : '';
}

/** `cpu`, `memory` and GPU entries of a resource list (requests, limits, capacity, overhead). */
function resourceList(v: unknown, ref: string, field: string): ResourceAmounts | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new InvalidObjectError(ref, field, shortJson(v), 'expected a map of resource quantities');
  let gpus = 0;
  for (const gpu of GPU_RESOURCES) {
    if (v[gpu] !== undefined) gpus += parseCount(v[gpu], { object: ref, field: `${field}["${gpu}"]` });
  }
  return {
    cpuMillicores: v['cpu'] === undefined ? 0 : parseMillicores(v['cpu'], { object: ref, field: `${field}.cpu` }),
    ramBytes: v['memory'] === undefined ? 0 : parseBytes(v['memory'], { object: ref, field: `${field}.memory` }),
    gpus,
  };
}

function convertContainer(c: unknown, ref: string, field: string): { info: ContainerInfo; sidecar: boolean } {
  if (!isObject(c)) throw new InvalidObjectError(ref, field, shortJson(c), 'expected a container');
  const name = c['name'];
  if (typeof name !== 'string' || name === '') throw new InvalidObjectError(ref, `${field}.name`, shortJson(name), 'missing container name');
  const resources = c['resources'];
  if (resources !== undefined && resources !== null && !isObject(resources)) throw new InvalidObjectError(ref, `${field}.resources`, shortJson(resources), 'expected an object');
  const requests = resourceList(isObject(resources) ? resources['requests'] : undefined, ref, `${field}.resources.requests`);
  const limits = resourceList(isObject(resources) ? resources['limits'] : undefined, ref, `${field}.resources.limits`) ?? ZERO_RESOURCES;
  const rawRequests = isObject(resources) && isObject(resources['requests']) ? resources['requests'] : {};
  // The API server defaults a missing request to the limit, per resource.
  const effective: ResourceAmounts = {
    cpuMillicores: rawRequests['cpu'] === undefined ? limits.cpuMillicores : (requests?.cpuMillicores ?? 0),
    ramBytes: rawRequests['memory'] === undefined ? limits.ramBytes : (requests?.ramBytes ?? 0),
    gpus: GPU_RESOURCES.some((g) => rawRequests[g] !== undefined) ? (requests?.gpus ?? 0) : limits.gpus,
  };
  return { info: { name, requests: effective, limits }, sidecar: c['restartPolicy'] === 'Always' };
}

const CRONJOB_JOB_SUFFIX = /^(.+)-\d{8,10}$/;

function workloadOf(owner: OwnerRef | undefined, labels: Labels): OwnerRef | undefined {
  if (!owner) return undefined;
  if (owner.kind === 'ReplicaSet') {
    const hash = labels['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
    return owner;
  }
  if (owner.kind === 'Job') {
    const m = CRONJOB_JOB_SUFFIX.exec(owner.name);
    if (m) return { kind: 'CronJob', name: m[1]! };
  }
  return owner;
}

export function convertPod(obj: Json, ref: string, meta: Meta = metadataOf(obj, 'pods')): PodInfo {
  const spec = obj['spec'];
  if (!isObject(spec)) throw new InvalidObjectError(ref, 'spec', shortJson(spec), 'missing spec');
  const status = isObject(obj['status']) ? obj['status'] : undefined;
  const nodeName = typeof spec['nodeName'] === 'string' ? spec['nodeName'] : '';
  const rawPhase = status?.['phase'];
  let phase: PodPhase;
  if (rawPhase === undefined) phase = nodeName === '' ? 'Pending' : 'Running';
  else if (typeof rawPhase === 'string' && PHASES.has(rawPhase)) phase = rawPhase as PodPhase;
  else throw new InvalidObjectError(ref, 'status.phase', shortJson(rawPhase), 'expected Pending, Running, Succeeded, Failed or Unknown');

  const rawContainers = spec['containers'];
  if (!Array.isArray(rawContainers)) throw new InvalidObjectError(ref, 'spec.containers', shortJson(rawContainers), 'expected an array of containers');
  const containers = rawContainers.map((c, i) => convertContainer(c, ref, `spec.containers[${i}]`).info);
  const initContainers: ContainerInfo[] = [];
  const sidecarContainers: ContainerInfo[] = [];
  const rawInit = spec['initContainers'];
  if (rawInit !== undefined && rawInit !== null) {
    if (!Array.isArray(rawInit)) throw new InvalidObjectError(ref, 'spec.initContainers', shortJson(rawInit), 'expected an array of containers');
    for (let i = 0; i < rawInit.length; i++) {
      const { info, sidecar } = convertContainer(rawInit[i], ref, `spec.initContainers[${i}]`);
      (sidecar ? sidecarContainers : initContainers).push(info);
    }
  }
  const claimNames: string[] = [];
  const volumes = spec['volumes'];
  if (Array.isArray(volumes)) {
    for (const v of volumes) {
      const claim = isObject(v) && isObject(v['persistentVolumeClaim']) ? v['persistentVolumeClaim']['claimName'] : undefined;
      if (typeof claim === 'string' && claim !== '') claimNames.push(claim);
    }
  }
  let owner: OwnerRef | undefined;
  const owners = isObject(obj['metadata']) ? obj['metadata']['ownerReferences'] : undefined;
  if (Array.isArray(owners)) {
    const controller = owners.find((o) => isObject(o) && o['controller'] === true) ?? owners[0];
    if (isObject(controller) && typeof controller['kind'] === 'string' && typeof controller['name'] === 'string') {
      owner = { kind: controller['kind'], name: controller['name'] };
    }
  }
  const workload = workloadOf(owner, meta.labels);
  const startedAtMs = timeMs(status?.['startTime'], ref, 'status.startTime');
  return {
    uid: meta.uid || ref,
    namespace: meta.namespace ?? namespaceOf(ref),
    name: meta.name,
    nodeName,
    phase,
    labels: meta.labels,
    annotations: meta.annotations,
    ...(owner ? { owner } : {}),
    ...(workload ? { workload } : {}),
    containers,
    initContainers,
    sidecarContainers,
    overhead: resourceList(spec['overhead'], ref, 'spec.overhead') ?? ZERO_RESOURCES,
    claimNames,
    ...(meta.createdAtMs !== undefined ? { createdAtMs: meta.createdAtMs } : {}),
    ...(startedAtMs !== undefined ? { startedAtMs } : {}),
  };
}

export function convertNode(obj: Json, ref: string, meta: Meta = metadataOf(obj, 'nodes')): NodeInfo {
  const status = obj['status'];
  if (!isObject(status)) throw new InvalidObjectError(ref, 'status', shortJson(status), 'missing status (capacity is needed to price a node)');
  const capacity = resourceList(status['capacity'], ref, 'status.capacity');
  if (!capacity) throw new InvalidObjectError(ref, 'status.capacity', shortJson(status['capacity']), 'missing capacity');
  const allocatable = resourceList(status['allocatable'], ref, 'status.allocatable') ?? capacity;
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const providerId = spec['providerID'];
  return {
    name: meta.name,
    uid: meta.uid || ref,
    labels: meta.labels,
    ...(typeof providerId === 'string' && providerId !== '' ? { providerId } : {}),
    capacity,
    allocatable,
    ...(meta.createdAtMs !== undefined ? { createdAtMs: meta.createdAtMs } : {}),
  };
}

const IN_TREE_DRIVERS: readonly (readonly [string, string])[] = [
  ['awsElasticBlockStore', 'kubernetes.io/aws-ebs'],
  ['gcePersistentDisk', 'kubernetes.io/gce-pd'],
  ['azureDisk', 'kubernetes.io/azure-disk'],
  ['azureFile', 'kubernetes.io/azure-file'],
];

export function convertPv(obj: Json, ref: string, meta: Meta = metadataOf(obj, 'persistentvolumes')): PersistentVolumeInfo {
  const spec = obj['spec'];
  if (!isObject(spec)) throw new InvalidObjectError(ref, 'spec', shortJson(spec), 'missing spec');
  const capacity = isObject(spec['capacity']) ? spec['capacity']['storage'] : undefined;
  if (capacity === undefined) throw new InvalidObjectError(ref, 'spec.capacity.storage', shortJson(capacity), 'missing capacity');
  const capacityBytes = parseBytes(capacity, { object: ref, field: 'spec.capacity.storage' });
  const claimRef = spec['claimRef'];
  let driver: string | undefined;
  if (isObject(spec['csi']) && typeof spec['csi']['driver'] === 'string') driver = spec['csi']['driver'];
  else for (const [key, name] of IN_TREE_DRIVERS) if (spec[key] !== undefined) driver = name;
  const storageClass = spec['storageClassName'];
  return {
    name: meta.name,
    storageClass: typeof storageClass === 'string' ? storageClass : '',
    capacityBytes,
    ...(isObject(claimRef) && typeof claimRef['name'] === 'string'
      ? { claim: { namespace: typeof claimRef['namespace'] === 'string' ? claimRef['namespace'] : 'default', name: claimRef['name'] } }
      : {}),
    ...(driver ? { driver } : {}),
    labels: meta.labels,
  };
}

export function convertPvc(obj: Json, ref: string, meta: Meta = metadataOf(obj, 'persistentvolumeclaims')): PersistentVolumeClaimInfo {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const requested = isObject(spec['resources']) && isObject(spec['resources']['requests']) ? spec['resources']['requests']['storage'] : undefined;
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    volumeName: typeof spec['volumeName'] === 'string' ? spec['volumeName'] : '',
    storageClass: typeof spec['storageClassName'] === 'string' ? spec['storageClassName'] : '',
    requestBytes: requested === undefined ? 0 : parseBytes(requested, { object: ref, field: 'spec.resources.requests.storage' }),
  };
}

export function convertService(obj: Json, ref: string, meta: Meta = metadataOf(obj, 'services')): ServiceInfo {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const type = spec['type'] ?? 'ClusterIP';
  if (typeof type !== 'string' || !SERVICE_TYPES.has(type)) throw new InvalidObjectError(ref, 'spec.type', shortJson(type), 'expected ClusterIP, NodePort, LoadBalancer or ExternalName');
  const status = isObject(obj['status']) ? obj['status'] : {};
  const ingress = isObject(status['loadBalancer']) ? status['loadBalancer']['ingress'] : undefined;
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name,
    type: type as ServiceInfo['type'],
    selector: stringMap(spec['selector'], ref, 'spec.selector'),
    ingressCount: Array.isArray(ingress) ? ingress.length : 0,
  };
}

export function convertNamespace(meta: Meta): NamespaceInfo {
  return { name: meta.name, labels: meta.labels, annotations: meta.annotations };
}

export function convertStorageClass(obj: Json, meta: Meta): StorageClassInfo {
  const params = isObject(obj['parameters']) ? obj['parameters'] : {};
  const type = params['type'] ?? params['skuName'] ?? params['skuname'] ?? params['storageaccounttype'];
  return {
    name: meta.name,
    provisioner: typeof obj['provisioner'] === 'string' ? obj['provisioner'] : '',
    volumeType: typeof type === 'string' ? type : undefined,
  };
}

