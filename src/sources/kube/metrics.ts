// Usage from the resource metrics API (metrics-server): one list of PodMetrics per read. Each item
// is converted by pod-metrics.ts (the snapshot source's converter), and keeps its `timestamp` so
// the usage window can tell a new measurement from the same one read again. When the API is not
// there (no metrics-server: 404), refused (403) or failing (503), the poll says which, and the
// model falls back to requests.
import type { InputError } from '../../core/errors.ts';
import { InputError as InputErrorClass } from '../../core/errors.ts';
import { InvalidObjectError, shown } from '../../core/errors.ts';
import type { ContainerUsage, NodeUsage } from '../../core/model.ts';
import { parseBytes, parseMillicores } from '../../core/quantity.ts';
import { isJsonObject } from '../json.ts';
import type { MutableUsageByPod } from '../pod-metrics.ts';
import { addPodMetrics } from '../pod-metrics.ts';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import { NODE_METRICS_PATH, POD_METRICS_PATH } from './resources.ts';
import type { KubeTransport } from './transport.ts';

/**
 * Where usage stands: `ok` (measured), `absent` (metrics.k8s.io not served), `forbidden` (RBAC),
 * `unavailable` (served but failing), `disabled` (not asked for), `pending` (not polled yet).
 */
export type UsageState = 'ok' | 'absent' | 'forbidden' | 'unavailable' | 'disabled' | 'pending';

export interface PodSample {
  /** `namespace/name`. */
  readonly pod: string;
  readonly timestampMs: number;
  readonly containers: ReadonlyMap<string, ContainerUsage>;
}

export type PodMetricsPoll =
  | { readonly state: 'ok'; readonly samples: readonly PodSample[]; readonly warnings: readonly InputError[] }
  | { readonly state: Exclude<UsageState, 'ok' | 'disabled' | 'pending'>; readonly detail: string };

/** A PodMetricsList body → samples; malformed items become warnings. Pure. */
export function podSamplesOf(body: unknown, origin: string, nowMs: number): { samples: PodSample[]; warnings: InputError[] } {
  const samples: PodSample[] = [];
  const warnings: InputError[] = [];
  const items = isJsonObject(body) ? body['items'] : undefined;
  if (!Array.isArray(items)) return { samples, warnings };
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    const one: MutableUsageByPod = new Map();
    try {
      addPodMetrics(one, item, origin, i);
    } catch (err) {
      if (err instanceof InputErrorClass) {
        warnings.push(err);
        continue;
      }
      throw err;
    }
    const [entry] = one;
    if (entry === undefined) continue;
    const stamp = isJsonObject(item) ? item['timestamp'] : undefined;
    const parsed = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
    samples.push({ pod: entry[0], timestampMs: Number.isNaN(parsed) ? nowMs : parsed, containers: entry[1] });
  }
  return { samples, warnings };
}

type Failed = { readonly state: Exclude<UsageState, 'ok' | 'disabled' | 'pending'>; readonly detail: string };

async function getMetrics(transport: KubeTransport, path: string, what: string, options: { timeoutMs?: number; signal?: AbortSignal }): Promise<{ body: unknown } | Failed> {
  const { timeoutMs = 15_000, signal } = options;
  try {
    return { body: await transport.get(path, {}, { timeoutMs, ...(signal ? { signal } : {}) }) };
  } catch (err) {
    if (err instanceof KubeApiError) {
      if (err.statusCode === 404) return { state: 'absent', detail: 'the metrics API (metrics.k8s.io/v1beta1) is not served: install metrics-server; costs use requests only' };
      if (err.statusCode === 403) return { state: 'forbidden', detail: `not allowed to list ${what} metrics (grant list on metrics.k8s.io ${what}s): ${err.message}` };
      return { state: 'unavailable', detail: `the metrics API failed: ${err.message}` };
    }
    if (err instanceof KubeConnectionError) return { state: 'unavailable', detail: `the metrics API did not answer: ${err.message}` };
    throw err;
  }
}

export async function pollPodMetrics(transport: KubeTransport, nowMs: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PodMetricsPoll> {
  const got = await getMetrics(transport, POD_METRICS_PATH, 'pod', options);
  if (!('body' in got)) return got;
  return { state: 'ok', ...podSamplesOf(got.body, `list ${POD_METRICS_PATH}`, nowMs) };
}

export type NodeMetricsPoll =
  | { readonly state: 'ok'; readonly usage: ReadonlyMap<string, NodeUsage>; readonly warnings: readonly InputError[] }
  | Failed;

/**
 * A NodeMetricsList body (`items[].metadata.name`, `items[].usage.{cpu, memory}`, as metrics-server
 * writes it) → usage per node name; malformed or repeated items become warnings. Pure.
 */
export function nodeUsageOf(body: unknown, origin: string): { usage: Map<string, NodeUsage>; warnings: InputError[] } {
  const usage = new Map<string, NodeUsage>();
  const warnings: InputError[] = [];
  const items = isJsonObject(body) ? body['items'] : undefined;
  if (!Array.isArray(items)) {
    warnings.push(new InvalidObjectError(origin, 'items', shown(items), 'expected a NodeMetricsList with an items array'));
    return { usage, warnings };
  }
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    try {
      const meta = isJsonObject(item) ? item['metadata'] : undefined;
      const name = isJsonObject(meta) ? meta['name'] : undefined;
      if (typeof name !== 'string' || name === '') throw new InvalidObjectError(`nodemetrics/(no name: ${origin} items[${i}])`, 'metadata.name', shown(name), 'missing name');
      const ref = `nodemetrics/${name}`;
      if (usage.has(name)) throw new InvalidObjectError(ref, 'metadata.name', name, `repeated in ${origin}`);
      const u = isJsonObject(item) ? item['usage'] : undefined;
      if (!isJsonObject(u)) throw new InvalidObjectError(ref, 'usage', shown(u), 'expected {cpu, memory}');
      if (u['cpu'] === undefined) throw new InvalidObjectError(ref, 'usage.cpu', 'undefined', 'missing');
      if (u['memory'] === undefined) throw new InvalidObjectError(ref, 'usage.memory', 'undefined', 'missing');
      usage.set(name, {
        cpuMillicores: parseMillicores(u['cpu'], { object: ref, field: 'usage.cpu' }),
        ramBytes: parseBytes(u['memory'], { object: ref, field: 'usage.memory' }),
      });
    } catch (err) {
      if (err instanceof InputErrorClass) {
        warnings.push(err);
        continue;
      }
      throw err;
    }
  }
  return { usage, warnings };
}

/** Lists NodeMetrics once: the latest measurement of each node (not averaged: it describes the node, not a charge). */
export async function pollNodeMetrics(transport: KubeTransport, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<NodeMetricsPoll> {
  const got = await getMetrics(transport, NODE_METRICS_PATH, 'node', options);
  if (!('body' in got)) return got;
  return { state: 'ok', ...nodeUsageOf(got.body, `list ${NODE_METRICS_PATH}`) };
}
