// The exporter of a hub with no cluster of its own (`--hub --source none`, docs/multi-cluster.md):
// it computes no costs (each cluster's exporter does, and Prometheus scrapes those), it serves the
// API and UI from the shared history store. What it exports is its own health and what the store
// holds per cluster, so that a cluster whose exporter stopped writing can be alerted on:
//
//   kube_cost_exporter_up{component="hub"} 1
//   kube_cost_hub_store_up 1                       the store answered the last check
//   kube_cost_hub_clusters 2                       clusters with history in the store
//   kube_cost_hub_cluster_last_recorded_timestamp_seconds{cluster="east"} 1.7964e9
//
// /readyz is 503 until the store has answered once, and while it does not answer.
import { gzipSync } from 'node:zlib';
import type { Coverage, HistoryStore } from '../store/types.ts';
import type { Exporter, ExporterStatus, RenderedMetrics } from './exporter.ts';
import type { ExpositionFormat } from './exposition.ts';
import { exposition, ExpositionWriter, labelText } from './exposition.ts';
import type { Logger } from './log.ts';

export interface HubExporterOptions {
  readonly store: HistoryStore;
  readonly logger: Logger;
  /** How often the store is checked (the --interval). */
  readonly intervalMs: number;
  readonly version: string;
  readonly now?: () => number;
}

/** The hub's metrics text (pure): its health and, per cluster, the last instant recorded. */
export function renderHubMetrics(format: ExpositionFormat, state: { readonly version: string; readonly storeUp: boolean; readonly coverage: readonly Coverage[] }): string {
  const w = new ExpositionWriter(format);
  w.family('kube_cost_exporter_up', 'gauge', 'Always 1 while the exporter process serves metrics.');
  w.sample('component="hub"', 1);
  w.family('kube_cost_build_info', 'gauge', 'Build facts, always 1.');
  w.sample(labelText({ version: state.version }), 1);
  w.family('kube_cost_hub_store_up', 'gauge', 'Whether the shared history store answered the last check (1) or not (0).');
  w.sample('', state.storeUp ? 1 : 0);
  w.family('kube_cost_hub_clusters', 'gauge', 'Clusters with history in the shared store.');
  w.sample('', state.coverage.length);
  w.family('kube_cost_hub_cluster_last_recorded_timestamp_seconds', 'gauge', "Unix time up to which each cluster's exporter has recorded history in the shared store.", 'seconds');
  for (const c of state.coverage) w.sample(labelText({ cluster: c.cluster }), c.lastMs / 1000);
  return exposition(format, [w.toString()]);
}

export function createHubExporter(options: HubExporterOptions): Exporter {
  const { store, logger, intervalMs, version, now = Date.now } = options;
  let coverage: readonly Coverage[] = [];
  let storeUp = false;
  let lastSyncMs: number | undefined;
  let lastError: string | undefined;
  let cycles = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;
  let cache: Partial<Record<ExpositionFormat, RenderedMetrics>> = {};

  const check = async (): Promise<void> => {
    try {
      coverage = await store.coverage();
      if (!storeUp && lastError !== undefined) logger.info('the history store answers again', { store: store.description });
      storeUp = true;
      lastSyncMs = now();
      lastError = undefined;
      cycles += 1;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (storeUp || lastError === undefined) logger.error('the history store does not answer; the hub is not ready until it does', { store: store.description, error: message });
      storeUp = false;
      lastError = `history store: ${message}`;
    }
    cache = {};
  };

  const cycle = (): Promise<void> => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    cycle,
    async start() {
      await cycle();
      timer = setInterval(() => void cycle(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    metrics(format) {
      const cached = cache[format];
      if (cached) return cached;
      const text = renderHubMetrics(format, { version, storeUp, coverage });
      let gz: Buffer | undefined;
      const rendered: RenderedMetrics = {
        text,
        gzip() {
          gz ??= gzipSync(text);
          return gz;
        },
        plain: () => text,
      };
      cache[format] = rendered;
      return rendered;
    },
    refreshMetrics() {
      cache = {};
    },
    report: () => undefined,
    status(): ExporterStatus {
      return {
        ready: storeUp,
        reason: storeUp ? 'ok' : (lastError ?? 'the history store has not answered yet'),
        lastSyncMs,
        lastError,
        cycles,
        usage: undefined,
        source: { hub: true, store: store.description, clusters: coverage.map((c) => c.cluster) },
      };
    },
  };
}
