// The exporter's own health: cycles, errors, durations, pricing look-ups, source freshness, and the
// process (memory, CPU, event-loop delay: what a soak test and an SRE watch for leaks and stalls).
import type { ELDHistogram } from 'node:perf_hooks';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ExpositionFormat } from './exposition.ts';
import { ExpositionWriter, labelText } from './exposition.ts';

export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A histogram of durations over DURATION_BUCKETS_SECONDS (cumulative buckets, sum and count). */
export class DurationHistogram {
  private readonly buckets = new Array<number>(DURATION_BUCKETS_SECONDS.length).fill(0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i++) {
      if (seconds <= DURATION_BUCKETS_SECONDS[i]!) this.buckets[i]! += 1;
    }
    this.sum += seconds;
    this.count += 1;
  }

  /** Its samples, after the writer's `family(name, 'histogram', ...)`. */
  write(w: ExpositionWriter): void {
    for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i++) {
      w.sample(`le="${DURATION_BUCKETS_SECONDS[i]}"`, this.buckets[i]!, '_bucket');
    }
    w.sample('le="+Inf"', this.count, '_bucket');
    w.sample('', this.sum, '_sum');
    w.sample('', this.count, '_count');
  }
}

/** A counter family keyed by a label set rendered as text. */
class LabelledCounter {
  readonly values = new Map<string, number>();
  inc(labels: Readonly<Record<string, string>>, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

export class SelfMetrics {
  readonly errors = new LabelledCounter();
  readonly cycles = new LabelledCounter();
  readonly pricingLookups = new LabelledCounter();
  /** Objects currently skipped or not costed, by component and reason (a gauge). */
  skipped = new Map<string, number>();
  sourceObjects = new Map<string, number>();
  lastSyncSeconds = 0;
  /** Pods folded into `__other__` series by --max-pod-series in the last cycle. */
  foldedPods = 0;
  lastCycleSeconds = 0;
  /** Usage state of the last reading (undefined before the first). */
  usage: { readonly state: string } | undefined;
  /** Per node, where pod usage came from (node agents deployed); undefined otherwise. */
  usageByNode: ReadonlyMap<string, string> | undefined;
  private readonly cycleDuration = new DurationHistogram();
  private readonly info: string;
  private readonly sourceInfo: string;

  /** Event-loop delay since the previous render (absent when not measured, e.g. in unit tests). */
  private readonly loopDelay: ELDHistogram | undefined;
  private readonly startSeconds: number;

  /** `processMetrics` (default true): process_* and nodejs_* families, measured at each render. */
  constructor(options: { version: string; nodeVersion: string; source: string; processMetrics?: boolean }) {
    this.info = labelText({ version: options.version, node_version: options.nodeVersion });
    this.sourceInfo = labelText({ source: options.source });
    this.startSeconds = (Date.now() - performance.now()) / 1000;
    if (options.processMetrics ?? true) {
      this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
      this.loopDelay.enable();
    }
  }

  /** Stops measuring the event loop (the exporter's stop()). */
  close(): void {
    this.loopDelay?.disable();
  }

  private renderProcess(w: ExpositionWriter): void {
    if (!this.loopDelay) return;
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', 'bytes');
    w.sample('', memory.rss);
    w.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', 'seconds');
    w.sample('', (cpu.user + cpu.system) / 1e6);
    w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', 'seconds');
    w.sample('', Math.round(this.startSeconds));
    w.family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', 'bytes');
    w.sample('', memory.heapUsed);
    w.family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved, in bytes.', 'bytes');
    w.sample('', memory.heapTotal);
    w.family('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript objects (Buffers included), in bytes.', 'bytes');
    w.sample('', memory.external + memory.arrayBuffers);
    // perf_hooks reports nanoseconds; the histogram covers the time since the previous cycle's render.
    const h = this.loopDelay;
    const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
    w.family('nodejs_eventloop_lag_p50_seconds', 'gauge', 'Median event-loop delay since the previous cost cycle, in seconds.', 'seconds');
    w.sample('', seconds(h.percentile(50)));
    w.family('nodejs_eventloop_lag_p99_seconds', 'gauge', '99th percentile of the event-loop delay since the previous cost cycle, in seconds.', 'seconds');
    w.sample('', seconds(h.percentile(99)));
    w.family('nodejs_eventloop_lag_max_seconds', 'gauge', 'Longest event-loop delay since the previous cost cycle, in seconds.', 'seconds');
    w.sample('', seconds(h.max));
    h.reset();
  }

  observeCycleDuration(seconds: number): void {
    this.cycleDuration.observe(seconds);
  }

  render(format: ExpositionFormat, baseLabels = ''): string {
    const w = new ExpositionWriter(format, baseLabels);
    w.family('kube_cost_exporter_up', 'gauge', 'Always 1 while the exporter process serves metrics.');
    w.sample('component="exporter"', 1);
    w.family('kube_cost_build_info', 'gauge', 'Build facts, always 1.');
    w.sample(this.info, 1);
    w.family('kube_cost_source_info', 'gauge', 'Where cluster data comes from (demo, snapshot or kube), always 1.');
    w.sample(this.sourceInfo, 1);
    w.family('kube_cost_last_sync_timestamp_seconds', 'gauge', 'Unix time of the last successful read of the cluster source; metrics are as old as this.', 'seconds');
    w.sample('', this.lastSyncSeconds);
    w.family('kube_cost_usage_available', 'gauge', 'Whether allocation uses measured usage (1) or requests only (0); state: ok, absent (no metrics API), forbidden (RBAC), unavailable, disabled, pending.');
    if (this.usage) w.sample(labelText({ state: this.usage.state }), this.usage.state === 'ok' ? 1 : 0);
    w.family('kube_cost_node_usage_source', 'gauge', 'Where the usage of each node\'s pods came from, always 1: agent (the node agent), metrics-api (its agent is missing or failing), requests (neither). Only with node agents deployed.');
    if (this.usageByNode) for (const [node, source] of this.usageByNode) w.sample(labelText({ node, source }), 1);
    w.family('kube_cost_last_cycle_timestamp_seconds', 'gauge', 'Unix time of the last completed cost calculation.', 'seconds');
    w.sample('', this.lastCycleSeconds);
    w.family('kube_cost_calculation_duration_seconds', 'histogram', 'Time to read the source, compute costs and render metrics, per cycle.', 'seconds');
    this.cycleDuration.write(w);
    w.family('kube_cost_cycles_total', 'counter', 'Cost cycles run, by result (success, error).');
    for (const [l, v] of this.cycles.values) w.sample(l, v);
    w.family('kube_cost_errors_total', 'counter', 'Errors by component (source, model, pricing, server) and type (e.g. invalid_quantity, unknown_reference, read_failed).');
    for (const [l, v] of this.errors.values) w.sample(l, v);
    w.family('kube_cost_skipped_objects', 'gauge', 'Objects of the current cluster reading that were skipped or not costed, by component and error type.');
    for (const [l, v] of this.skipped) w.sample(l, v);
    w.family('kube_cost_pricing_lookups_total', 'counter', 'Price look-ups answered, by kind (node, storage, load_balancer, management) and source (live, cache, catalog, custom, billing, default).');
    for (const [l, v] of this.pricingLookups.values) w.sample(l, v);
    w.family('kube_cost_source_objects', 'gauge', 'Objects in the current cluster reading, by kind.');
    for (const [l, v] of this.sourceObjects) w.sample(l, v);
    w.family('kube_cost_pod_series_folded', 'gauge', 'Pods folded into one pod="__other__" series per namespace because there are more than --max-pod-series (0: every pod has its own series).');
    w.sample('', this.foldedPods);
    this.renderProcess(w);
    return w.toString();
  }
}

/** `InvalidQuantityError` → `invalid_quantity`. */
export function errorType(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const base = name.endsWith('Error') && name !== 'Error' ? name.slice(0, -'Error'.length) : name;
  return base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
