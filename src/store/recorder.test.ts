// The recorder: what reaches the store from the exporter's cycles. Only observed intervals are
// recorded; restarts and long pauses stay gaps; a demo backfill ends where live history begins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { PriceQuote } from '../core/pricing.ts';
import type { CompletedCycle } from '../server/exporter.ts';
import { createLogger } from '../server/log.ts';
import type { ClusterSource } from '../sources/source.ts';
import { makeBatch } from './contract.test-util.ts';
import { createMemoryStore } from './memory.ts';
import { createRecorder } from './recorder.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 30, 10, 0);
// n1: 4 cores × $0.04 + 16 GiB × $0.005 = $0.24/h; web: 1 core + 2 GiB = $0.05/h.
const RATES: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0 } };
const SNAP = snapshot({ nodes: [node('n1', res(4000, 16 * GiB))], pods: [pod('shop', 'web', 'n1', [container('app', res(1000, 2 * GiB))], { startedAtMs: 0 })] });
const PRICES = tablePriceBook({ nodes: { n1: { price: RATES } } });
const quiet = createLogger({ level: 'error', format: 'text', write: () => undefined });

function cycle(startMs: number, endMs: number, first = false): CompletedCycle {
  const window = { startMs, endMs };
  return { report: allocate(SNAP, PRICES, window), reading: { snapshot: SNAP, warnings: [], hasUsage: false }, window, first };
}

async function webCost(store: ReturnType<typeof createMemoryStore>, startMs: number, endMs: number): Promise<number> {
  const [set] = await store.allocations({ startMs, endMs });
  return Number((set?.rows.find((r) => r.pod === 'web')?.cpuCostUsd ?? 0).toFixed(9));
}

test('recorder: the first cycle after a start is not recorded; a restart leaves a gap', async () => {
  const store = createMemoryStore();
  const one = createRecorder({ store, cluster: 'prod', demo: false, intervalMs: MIN, logger: quiet });
  await one.hook.handle(cycle(T - MIN, T, true)); // nothing before T was observed
  await one.hook.handle(cycle(T, T + MIN));
  await one.hook.handle(cycle(T + MIN, T + 2 * MIN));
  // Killed at T + 2 min, started again at T + 10 min.
  const two = createRecorder({ store, cluster: 'prod', demo: false, intervalMs: MIN, logger: quiet });
  await two.hook.handle(cycle(T + 9 * MIN, T + 10 * MIN, true));
  await two.hook.handle(cycle(T + 10 * MIN, T + 11 * MIN));
  assert.deepEqual(await store.coverage(), [{ cluster: 'prod', firstMs: T, lastMs: T + 11 * MIN, gaps: [{ startMs: T + 2 * MIN, endMs: T + 10 * MIN }], demo: false }]);
  // 3 recorded minutes of cpu at $0.04/h = 0.002.
  assert.equal(await webCost(store, T - HOUR, T + HOUR), 0.002);
  assert.equal(two.status().recordedCycles, 1);
});

test('recorder: a pause longer than 5 intervals is recorded as its last 5 intervals only', async () => {
  const store = createMemoryStore();
  const r = createRecorder({ store, cluster: 'prod', demo: false, intervalMs: MIN, logger: quiet });
  await r.hook.handle(cycle(T - MIN, T, true));
  await r.hook.handle(cycle(T, T + MIN));
  await r.hook.handle(cycle(T + MIN, T + 21 * MIN)); // suspended for 20 minutes
  const [cov] = await store.coverage();
  assert.deepEqual(cov?.gaps, [{ startMs: T + MIN, endMs: T + 16 * MIN }]);
  assert.equal(await webCost(store, T, T + HOUR), 0.004); // 6 minutes × $0.04/h
});

test('recorder: another writer ahead of us is not counted twice', async () => {
  const store = createMemoryStore();
  const r = createRecorder({ store, cluster: 'prod', demo: false, intervalMs: MIN, logger: quiet });
  await r.hook.handle(cycle(T - MIN, T, true));
  await r.hook.handle(cycle(T, T + MIN));
  // A second exporter recorded up to T + 1.5 min.
  await store.record(makeBatch('prod', T + MIN, T + 1.5 * MIN, []));
  await r.hook.handle(cycle(T + MIN, T + 2 * MIN));
  const [cov] = await store.coverage();
  assert.deepEqual([cov?.firstMs, cov?.lastMs, cov?.gaps], [T, T + 2 * MIN, []]);
  assert.equal(await webCost(store, T, T + HOUR), 0.001); // ours: 1 + 0.5 minutes; theirs had no pods
});

test('recorder: demo backfill fills the past up to the first cycle, marked demo, then live cycles continue', async () => {
  const store = createMemoryStore();
  const source: ClusterSource = { kind: 'demo', description: 'test', read: async () => ({ snapshot: SNAP, warnings: [], hasUsage: false }) };
  const r = createRecorder({ store, cluster: 'demo', demo: true, intervalMs: MIN, logger: quiet, backfill: { source, prices: PRICES, durationMs: 3 * HOUR }, now: () => T + 30 * MIN });
  await r.hook.handle(cycle(T + 29 * MIN, T + 30 * MIN, true));
  await r.backfilled();
  await r.hook.handle(cycle(T + 30 * MIN, T + 31 * MIN));
  // Hours 07:00–10:00 and the part hour 10:00–10:30, then the live minute.
  assert.deepEqual(await store.coverage(), [{ cluster: 'demo', firstMs: T - 3 * HOUR, lastMs: T + 31 * MIN, gaps: [], demo: true }]);
  assert.equal(await webCost(store, T - 4 * HOUR, T + HOUR), Number((0.04 * (3.5 + 1 / 60)).toFixed(9)));
  assert.deepEqual(r.status().backfill, { doneCycles: 4, totalCycles: 4 });
  // A second start finds history and does not backfill again.
  const again = createRecorder({ store, cluster: 'demo', demo: true, intervalMs: MIN, logger: quiet, backfill: { source, prices: PRICES, durationMs: 3 * HOUR } });
  await again.hook.handle(cycle(T + 40 * MIN, T + 41 * MIN, true));
  await again.backfilled();
  assert.equal(again.status().backfill, undefined);
});

test('recorder: with containers, the demo backfill and the live cycles record container rows too', async () => {
  const store = createMemoryStore();
  const source: ClusterSource = { kind: 'demo', description: 'test', read: async () => ({ snapshot: SNAP, warnings: [], hasUsage: false }) };
  const r = createRecorder({ store, cluster: 'demo', demo: true, intervalMs: MIN, logger: quiet, containers: true, backfill: { source, prices: PRICES, durationMs: 3 * HOUR }, now: () => T });
  await r.hook.handle(cycle(T - MIN, T, true));
  await r.backfilled();
  await r.hook.handle(cycle(T, T + MIN));
  const [cov] = await store.coverage();
  assert.equal(cov?.containersFromMs, T - 3 * HOUR, 'from the start of the backfill');
  // web has one container, app: 3 h + 1 min × $0.04/h of cpu.
  const [set] = await store.containers({ startMs: T - 4 * HOUR, endMs: T + HOUR });
  assert.deepEqual(
    set?.rows.map((row) => [row.pod, row.container, Number(row.cpuCostUsd.toFixed(9))]),
    [['web', 'app', Number((0.04 * (3 + 1 / 60)).toFixed(9))]],
  );
});
