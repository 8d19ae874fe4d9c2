// The exporter of a hub with no cluster (--hub --source none): its metrics and readiness follow
// the shared store, which it checks every interval.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStore } from '../store/memory.ts';
import type { HistoryStore } from '../store/types.ts';
import { createHubExporter, renderHubMetrics } from './hub-exporter.ts';
import { memoryLogger } from './log.ts';

test('renderHubMetrics: health, cluster count and each cluster\'s last recorded instant, in both formats', () => {
  const coverage = [
    { cluster: 'east', firstMs: 0, lastMs: 1_796_000_000_000, gaps: [], demo: false },
    { cluster: 'west', firstMs: 0, lastMs: 1_796_000_060_500, gaps: [], demo: false },
  ];
  const text = renderHubMetrics('prometheus', { version: '1.2.3', storeUp: true, coverage });
  const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  assert.deepEqual(samples, [
    'kube_cost_exporter_up{component="hub"} 1',
    'kube_cost_build_info{version="1.2.3"} 1',
    'kube_cost_hub_store_up 1',
    'kube_cost_hub_clusters 2',
    'kube_cost_hub_cluster_last_recorded_timestamp_seconds{cluster="east"} 1796000000',
    'kube_cost_hub_cluster_last_recorded_timestamp_seconds{cluster="west"} 1796000060.5',
  ]);
  const om = renderHubMetrics('openmetrics', { version: '1.2.3', storeUp: false, coverage: [] });
  assert.ok(om.endsWith('# EOF\n'));
  assert.match(om, /^kube_cost_hub_store_up 0$/m);
  assert.match(om, /^# UNIT kube_cost_hub_cluster_last_recorded_timestamp_seconds seconds$/m);
});

test('createHubExporter: ready while the store answers, 503 reason while it does not, back when it answers again', async () => {
  const store = createMemoryStore();
  let failing = false;
  const flaky: HistoryStore = { ...store, coverage: () => (failing ? Promise.reject(new Error('connection refused')) : store.coverage()) };
  const logger = memoryLogger();
  const exporter = createHubExporter({ store: flaky, logger, intervalMs: 3_600_000, version: '1', now: () => 1_000 });
  await exporter.start();
  assert.deepEqual([exporter.status().ready, exporter.status().reason, exporter.status().lastSyncMs], [true, 'ok', 1_000]);
  assert.match(exporter.metrics('prometheus').text, /^kube_cost_hub_clusters 0$/m);
  failing = true;
  await exporter.cycle();
  assert.deepEqual([exporter.status().ready, exporter.status().reason], [false, 'history store: connection refused']);
  assert.match(exporter.metrics('prometheus').text, /^kube_cost_hub_store_up 0$/m);
  failing = false;
  await exporter.cycle();
  assert.equal(exporter.status().ready, true);
  assert.equal(exporter.report(), undefined, 'a hub computes no costs');
  await exporter.stop();
});
