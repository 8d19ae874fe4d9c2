// Usage from the resource metrics API (metrics-server): one list of PodMetrics per read. Each item
// is converted by pod-metrics.ts (the snapshot source's converter), and keeps its `timestamp` so
// the usage window can tell a new measurement from the same one read again. When the API is not
// there (no metrics-server: 404), refused (403) or failing (503), the poll says which, and the
// model falls back to requests.
import type { InputError } from '../../core/errors.ts';
import { InputError as InputErrorClass } from '../../core/errors.ts';
import type { ContainerUsage } from '../../core/model.ts';
import { isJsonObject } from '../json.ts';
import type { MutableUsageByPod } from '../pod-metrics.ts';
import { addPodMetrics } from '../pod-metrics.ts';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import { POD_METRICS_PATH } from './resources.ts';
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

export async function pollPodMetrics(transport: KubeTransport, nowMs: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<PodMetricsPoll> {
  const { timeoutMs = 15_000, signal } = options;
  let body: unknown;
  try {
    body = await transport.get(POD_METRICS_PATH, {}, { timeoutMs, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof KubeApiError) {
      if (err.statusCode === 404) return { state: 'absent', detail: 'the metrics API (metrics.k8s.io/v1beta1) is not served: install metrics-server; costs use requests only' };
      if (err.statusCode === 403) return { state: 'forbidden', detail: `not allowed to list pod metrics (grant list on metrics.k8s.io pods): ${err.message}` };
      return { state: 'unavailable', detail: `the metrics API failed: ${err.message}` };
    }
    if (err instanceof KubeConnectionError) return { state: 'unavailable', detail: `the metrics API did not answer: ${err.message}` };
    throw err;
  }
  return { state: 'ok', ...podSamplesOf(body, `list ${POD_METRICS_PATH}`, nowMs) };
}
