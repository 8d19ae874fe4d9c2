// Pod usage from the resource metrics API, as `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods`
// prints it (metrics-server): a PodMetricsList whose items carry metadata.{namespace,name} and
// containers[].{name, usage.{cpu, memory}}, e.g. `{"cpu": "1534212n", "memory": "20480Ki"}`.
// Pure: parsed JSON in, UsageByPod out, a warning for every item that had to be skipped.
import { InputError, InvalidObjectError, SourceReadError, shown } from '../core/errors.ts';
import type { ContainerUsage, UsageByPod } from '../core/model.ts';
import { podKey } from '../core/model.ts';
import { parseBytes, parseMillicores } from '../core/quantity.ts';
import { DuplicateKubeObjectError } from './duplicates.ts';
import { isJsonObject, itemPath } from './json.ts';

export type MutableUsageByPod = Map<string, Map<string, ContainerUsage>>;

export const POD_METRICS_LIST_KIND = 'PodMetricsList';
export const POD_METRICS_KIND = 'PodMetrics';

/** True for a metrics API document (a PodMetricsList, or a single PodMetrics). */
export function isPodMetricsDocument(doc: unknown): boolean {
  if (!isJsonObject(doc)) return false;
  const kind = doc['kind'];
  return kind === POD_METRICS_LIST_KIND || kind === POD_METRICS_KIND;
}

/**
 * Adds one PodMetrics object (item `index` of `origin`, -1 for the document itself) to `usage`. Throws an InputError naming `podmetrics/<ns>/<name>`, the
 * field and the value when the item is malformed or repeats a pod; nothing is added then.
 */
export function addPodMetrics(usage: MutableUsageByPod, item: unknown, origin: string, index: number): void {
  if (!isJsonObject(item)) throw new InvalidObjectError(origin, itemPath(index), shown(item), 'expected a PodMetrics object');
  const meta = item['metadata'];
  const name = isJsonObject(meta) ? meta['name'] : undefined;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidObjectError(`podmetrics/(no name: ${origin} ${itemPath(index)})`, 'metadata.name', shown(name), 'missing name');
  }
  const rawNamespace = isJsonObject(meta) ? meta['namespace'] : undefined;
  if (rawNamespace !== undefined && typeof rawNamespace !== 'string') {
    throw new InvalidObjectError(`podmetrics/(namespace?)/${name}`, 'metadata.namespace', shown(rawNamespace), 'expected a string');
  }
  const namespace = rawNamespace || 'default';
  const ref = `podmetrics/${namespace}/${name}`;
  const key = podKey(namespace, name);
  if (usage.has(key)) throw new DuplicateKubeObjectError(ref, 'metadata.name', name, ref, `repeated in ${origin}`);

  const containers = item['containers'];
  if (!Array.isArray(containers)) throw new InvalidObjectError(ref, 'containers', shown(containers), 'expected an array of containers');
  const byName = new Map<string, ContainerUsage>();
  for (let i = 0; i < containers.length; i++) {
    const c: unknown = containers[i];
    if (!isJsonObject(c)) throw new InvalidObjectError(ref, `containers[${i}]`, shown(c), 'expected a container');
    const containerName = c['name'];
    if (typeof containerName !== 'string' || containerName === '') throw new InvalidObjectError(ref, `containers[${i}].name`, shown(containerName), 'missing container name');
    if (byName.has(containerName)) throw new InvalidObjectError(ref, `containers[${i}].name`, containerName, 'container listed twice');
    const u = c['usage'];
    if (!isJsonObject(u)) throw new InvalidObjectError(ref, `containers[${i}].usage`, shown(u), 'expected {cpu, memory}');
    const cpu = u['cpu'];
    const memory = u['memory'];
    if (cpu === undefined) throw new InvalidObjectError(ref, `containers[${i}].usage.cpu`, 'undefined', 'missing');
    if (memory === undefined) throw new InvalidObjectError(ref, `containers[${i}].usage.memory`, 'undefined', 'missing');
    byName.set(containerName, {
      cpuMillicores: parseMillicores(cpu, { object: ref, field: `containers[${i}].usage.cpu` }),
      ramBytes: parseBytes(memory, { object: ref, field: `containers[${i}].usage.memory` }),
    });
  }
  usage.set(key, byName);
}

export interface UsageConversion {
  readonly usage: UsageByPod;
  /** Items that were skipped (malformed, repeated), each naming object, field and value. */
  readonly warnings: readonly InputError[];
}

/**
 * Converts a PodMetricsList (or one PodMetrics). Throws a SourceReadError naming `origin` when the
 * document is not a metrics document at all; malformed items are skipped with a warning.
 */
export function convertPodMetricsList(doc: unknown, origin: string): UsageConversion {
  const usage: MutableUsageByPod = new Map();
  const warnings: InputError[] = [];
  if (!isPodMetricsDocument(doc)) {
    const kind = isJsonObject(doc) ? doc['kind'] : doc;
    throw new SourceReadError(origin, 'kind', shown(kind), 'expected a PodMetricsList (kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods)');
  }
  const list = doc as Record<string, unknown>;
  if (list['kind'] === POD_METRICS_KIND) {
    collect(usage, list, origin, -1, warnings);
    return { usage, warnings };
  }
  const items = list['items'];
  if (!Array.isArray(items)) throw new SourceReadError(origin, 'items', shown(items), 'a PodMetricsList needs an items array');
  for (let i = 0; i < items.length; i++) collect(usage, items[i], origin, i, warnings);
  return { usage, warnings };
}

function collect(usage: MutableUsageByPod, item: unknown, origin: string, index: number, warnings: InputError[]): void {
  try {
    addPodMetrics(usage, item, origin, index);
  } catch (err) {
    if (err instanceof InputError) warnings.push(err);
    else throw err;
  }
}
