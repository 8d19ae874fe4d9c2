// `kubectl cost estimate`, part 1 (pure): manifest text → workloads with their per-pod effective
// requests. Multi-document YAML (Helm-rendered output with `---` and `# Source:` comments), JSON,
// and `kind: List` are accepted. A pod template is turned into a Pod object and read by the same
// conversion the snapshot source uses, then sized by Kubernetes' rules (src/core/requests.ts).
import { parseAllDocuments } from 'yaml';
import { InputError, shown } from '../core/errors.ts';
import type { Labels } from '../core/model.ts';
import { parseBytes } from '../core/quantity.ts';
import type { PodResources } from '../core/requests.ts';
import { podRequestAndAllocation } from '../core/requests.ts';
import type { JsonObject } from '../sources/json.ts';
import { isJsonObject } from '../sources/json.ts';
import { convertKubeDocuments } from '../sources/kube-objects.ts';

/** The manifest cannot be read (malformed YAML, an object without a name...). */
export class ManifestError extends InputError {}

/** A kind that runs pods in a way the estimate does not know (e.g. an Argo Rollout). */
export class UnsupportedKindError extends InputError {}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Pod' | 'PersistentVolumeClaim';

export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'PersistentVolumeClaim'];

/** Kinds that hold no compute or storage of their own: skipped, and counted in the result. */
const NO_COST_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'Certificate',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ConfigMap',
  'CustomResourceDefinition',
  'EndpointSlice',
  'Endpoints',
  'HorizontalPodAutoscaler',
  'Ingress',
  'IngressClass',
  'Issuer',
  'LimitRange',
  'MutatingWebhookConfiguration',
  'Namespace',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'PodMonitor',
  'PriorityClass',
  'PrometheusRule',
  'ResourceQuota',
  'Role',
  'RoleBinding',
  'Secret',
  'Service',
  'ServiceAccount',
  'ServiceMonitor',
  'StorageClass',
  'ValidatingWebhookConfiguration',
  'VerticalPodAutoscaler',
]);

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** Where a DaemonSet's pods may run: `nodeSelector` AND (any of the required affinity terms). */
export interface NodePlacement {
  readonly nodeSelector: Labels;
  /** `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms` (ORed); empty = any node. */
  readonly terms: readonly (readonly NodeSelectorRequirement[])[];
}

export interface VolumeRequest {
  /** Empty string: the cluster's default class. */
  readonly storageClass: string;
  readonly bytes: number;
}

export interface ManifestWorkload {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Pods it keeps running; undefined for a DaemonSet (one per matching node). */
  readonly replicas: number | undefined;
  /** Set when the manifest does not say (`spec.replicas` absent → Kubernetes' default 1). */
  readonly replicasDefaulted: boolean;
  /** Effective request of one pod (init containers, sidecars and overhead included). */
  readonly pod: PodResources;
  /** Claims created per replica (StatefulSet volumeClaimTemplates) or the claim itself (PVC). */
  readonly volumes: readonly VolumeRequest[];
  /** DaemonSets only. */
  readonly placement: NodePlacement | undefined;
  /** Jobs and CronJobs run to completion: their monthly figure depends on how long they run. */
  readonly runsToCompletion: boolean;
}

export interface ManifestReading {
  readonly workloads: readonly ManifestWorkload[];
  /** Kinds skipped because they cost nothing by themselves, with counts. */
  readonly ignoredKinds: ReadonlyMap<string, number>;
}

const ZERO_POD: PodResources = Object.freeze({ cpuCores: 0, ramBytes: 0, gpus: 0 });

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function obj(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/** Parses every YAML (or JSON) document of the text; `origin` names the file in messages. */
export function parseManifestText(text: string, origin: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const doc = list[i]!;
    const err = doc.errors[0];
    if (err !== undefined) {
      const offset = err.pos[0];
      const line = text.slice(0, offset).split('\n').length;
      throw new ManifestError(origin, `document ${i + 1} (line ${line})`, err.message.split('\n')[0] ?? '', 'malformed YAML');
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // Aliases are resolved only here: an alias to a missing anchor, or too many of them.
      throw new ManifestError(origin, `document ${i + 1}`, '', `malformed YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    if (value === null || value === undefined) continue; // comments only, or an empty document
    out.push(value);
  }
  return out;
}

const MAX_LIST_DEPTH = 8;

function flatten(doc: unknown, origin: string, index: string, into: { doc: JsonObject; at: string }[], depth = 0): void {
  if (!isJsonObject(doc)) throw new ManifestError(origin, `document ${index}`, shown(doc, 60), 'expected a Kubernetes object');
  const kind = doc['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc['items'])) {
    // A YAML alias can make a List contain itself: nesting is bounded.
    if (depth >= MAX_LIST_DEPTH) throw new ManifestError(origin, `document ${index}`, kind, `Lists nested more than ${MAX_LIST_DEPTH} deep (a List that contains itself through a YAML alias?)`);
    doc['items'].forEach((item: unknown, i: number) => {
      flatten(item, origin, `${index}.items[${i}]`, into, depth + 1);
    });
    return;
  }
  into.push({ doc, at: index });
}

function requiredInt(value: unknown, ref: string, field: string, fallback: number): { n: number; defaulted: boolean } {
  if (value === undefined || value === null) return { n: fallback, defaulted: true };
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ManifestError(ref, field, String(value), 'expected a non-negative integer');
  return { n: value, defaulted: false };
}

/** One pod's effective request, from a pod spec, through the snapshot conversion. */
function podResources(spec: unknown, ref: string, field: string, labels: Labels): PodResources {
  if (!isJsonObject(spec)) throw new ManifestError(ref, field, JSON.stringify(spec) ?? 'undefined', 'expected a pod spec');
  const { nodeName: _ignored, ...rest } = spec;
  const conversion = convertKubeDocuments([{ doc: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'estimate', namespace: 'estimate', labels }, spec: rest }, origin: ref }]);
  const warning = conversion.warnings[0];
  if (warning !== undefined) {
    // The conversion names fields from the pod (`spec.containers[0]...`); `field` already ends at the pod spec.
    throw new ManifestError(ref, `${field}.${warning.field.replace(/^spec\./, '')}`, warning.value, warning.message.replace(/^.*?: .*?: /, '').replace(/ \(got .*\)$/, ''));
  }
  const pod = conversion.snapshot.pods[0];
  return pod ? podRequestAndAllocation(pod, undefined).request : ZERO_POD;
}

function labelsOf(value: unknown): Labels {
  const out: Record<string, string> = {};
  if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function placementOf(podSpec: JsonObject): NodePlacement {
  const nodeSelector = labelsOf(podSpec['nodeSelector']);
  const required = obj(obj(obj(podSpec['affinity'])?.['nodeAffinity'])?.['requiredDuringSchedulingIgnoredDuringExecution']);
  const terms: NodeSelectorRequirement[][] = [];
  const rawTerms = required?.['nodeSelectorTerms'];
  if (Array.isArray(rawTerms)) {
    for (const t of rawTerms) {
      const exprs = obj(t)?.['matchExpressions'];
      const term: NodeSelectorRequirement[] = [];
      if (Array.isArray(exprs)) {
        for (const e of exprs) {
          const o = obj(e);
          const key = str(o?.['key']);
          const operator = str(o?.['operator']);
          if (key === undefined || operator === undefined) continue;
          const values = Array.isArray(o?.['values']) ? (o['values'] as unknown[]).map(String) : [];
          term.push({ key, operator, values });
        }
      }
      terms.push(term);
    }
  }
  return { nodeSelector, terms };
}

/** Whether a DaemonSet with this placement runs a pod on a node with these labels. Taints are not modelled. */
export function placementMatches(placement: NodePlacement, nodeLabels: Labels): boolean {
  for (const [k, v] of Object.entries(placement.nodeSelector)) if (nodeLabels[k] !== v) return false;
  if (placement.terms.length === 0) return true;
  return placement.terms.some((term) =>
    term.every((r) => {
      const value = nodeLabels[r.key];
      switch (r.operator) {
        case 'In':
          return value !== undefined && r.values.includes(value);
        case 'NotIn':
          return value === undefined || !r.values.includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
        case 'Gt':
          return value !== undefined && Number(value) > Number(r.values[0]);
        case 'Lt':
          return value !== undefined && Number(value) < Number(r.values[0]);
        default:
          return false;
      }
    }),
  );
}

function volumeOf(spec: unknown, ref: string, field: string): VolumeRequest {
  const s = obj(spec);
  const storage = obj(obj(s?.['resources'])?.['requests'])?.['storage'];
  if (storage === undefined) throw new ManifestError(ref, `${field}.resources.requests.storage`, 'undefined', 'a claim needs a storage request to be priced');
  const bytes = parseBytes(storage, { object: ref, field: `${field}.resources.requests.storage` });
  return { storageClass: str(s?.['storageClassName']) ?? '', bytes };
}

/** Documents → workloads. `defaultNamespace` applies to objects that name none (`-n`, else `default`). */
export function readWorkloads(docs: readonly unknown[], origin: string, defaultNamespace = 'default'): ManifestReading {
  const flat: { doc: JsonObject; at: string }[] = [];
  docs.forEach((d, i) => {
    flatten(d, origin, String(i + 1), flat);
  });
  const workloads: ManifestWorkload[] = [];
  const ignoredKinds = new Map<string, number>();
  for (const { doc, at } of flat) {
    const kind = doc['kind'];
    if (typeof kind !== 'string' || kind === '') throw new ManifestError(origin, `document ${at}.kind`, String(kind), 'missing kind');
    const meta = obj(doc['metadata']);
    const name = str(meta?.['name']);
    const namespace = str(meta?.['namespace']) ?? defaultNamespace;
    const spec = obj(doc['spec']);
    if (!(WORKLOAD_KINDS as readonly string[]).includes(kind)) {
      if (NO_COST_KINDS.has(kind) || (spec?.['template'] === undefined && spec?.['jobTemplate'] === undefined)) {
        ignoredKinds.set(kind, (ignoredKinds.get(kind) ?? 0) + 1);
        continue;
      }
      throw new UnsupportedKindError(`${kind} ${namespace}/${name ?? '?'} in ${origin} document ${at}`, 'kind', kind, `unsupported kind (estimate reads ${WORKLOAD_KINDS.join(', ')})`);
    }
    const k = kind as WorkloadKind;
    if (name === undefined) throw new ManifestError(`${kind} in ${origin} document ${at}`, 'metadata.name', String(meta?.['name']), 'missing name');
    // Errors name the file and document too: a CI run often passes many files (-f a.yaml -f b.yaml).
    const ref = `${kind} ${namespace}/${name} in ${origin} document ${at}`;
    if (spec === undefined) throw new ManifestError(ref, 'spec', String(doc['spec']), 'missing spec');
    const base = { kind: k, namespace, name };
    if (k === 'PersistentVolumeClaim') {
      workloads.push({ ...base, replicas: 1, replicasDefaulted: false, pod: ZERO_POD, volumes: [volumeOf(spec, ref, 'spec')], placement: undefined, runsToCompletion: false });
      continue;
    }
    if (k === 'Pod') {
      workloads.push({ ...base, replicas: 1, replicasDefaulted: false, pod: podResources(spec, ref, 'spec', labelsOf(meta?.['labels'])), volumes: [], placement: undefined, runsToCompletion: false });
      continue;
    }
    let podTemplate: JsonObject | undefined;
    let templateField: string;
    let replicas: { n: number; defaulted: boolean } | undefined;
    if (k === 'CronJob') {
      const jobSpec = obj(obj(spec['jobTemplate'])?.['spec']);
      podTemplate = obj(jobSpec?.['template']);
      templateField = 'spec.jobTemplate.spec.template';
      replicas = requiredInt(jobSpec?.['parallelism'], ref, 'spec.jobTemplate.spec.parallelism', 1);
    } else {
      podTemplate = obj(spec['template']);
      templateField = 'spec.template';
      if (k === 'Job') replicas = requiredInt(spec['parallelism'], ref, 'spec.parallelism', 1);
      else if (k !== 'DaemonSet') replicas = requiredInt(spec['replicas'], ref, 'spec.replicas', 1);
    }
    if (podTemplate === undefined) throw new ManifestError(ref, templateField, 'undefined', 'missing pod template');
    const podSpec = obj(podTemplate['spec']);
    if (podSpec === undefined) throw new ManifestError(ref, `${templateField}.spec`, 'undefined', 'missing pod spec');
    const pod = podResources(podSpec, ref, `${templateField}.spec`, labelsOf(obj(podTemplate['metadata'])?.['labels']));
    const volumes: VolumeRequest[] = [];
    if (k === 'StatefulSet' && Array.isArray(spec['volumeClaimTemplates'])) {
      spec['volumeClaimTemplates'].forEach((t: unknown, i: number) => {
        volumes.push(volumeOf(obj(t)?.['spec'], ref, `spec.volumeClaimTemplates[${i}].spec`));
      });
    }
    workloads.push({
      ...base,
      replicas: replicas?.n,
      replicasDefaulted: replicas?.defaulted ?? false,
      pod,
      volumes,
      placement: k === 'DaemonSet' ? placementOf(podSpec) : undefined,
      runsToCompletion: k === 'Job' || k === 'CronJob',
    });
  }
  return { workloads, ignoredKinds };
}
