// /metrics answers while the history store is busy: the SQLite store runs in a worker thread
// (src/store/sqlite-thread.ts), so a store call that cannot finish — here a cycle's write waiting
// for another connection's lock, with an allocation query queued behind it — holds up neither the
// scrape nor the main thread. No timings: the scrape completes while both calls are known to be
// pending, and they complete (in order) once the lock is released.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../src/core/fixtures.test-util.ts';
import { createApp } from '../src/server/app.ts';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { HOUR, makeBatch, T0 } from '../src/store/contract.test-util.ts';
import { createSqliteStoreInWorker } from '../src/store/sqlite-thread.ts';

const dir = mkdtempSync(join(tmpdir(), 'kce-store-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a scrape completes while a history write and an allocation query are in flight', async () => {
  const path = join(dir, 'history.db');
  // A long busy timeout: the blocked write waits for the lock as long as the test holds it.
  const store = await createSqliteStoreInWorker({ path, busyTimeoutMs: 600_000 });
  const prices = tablePriceBook({ nodes: { n1: { price: { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } } } });
  const reading = { snapshot: snapshot({ nodes: [node('n1', res(4000, 16 * GiB))], pods: [pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))])] }), warnings: [], hasUsage: false };
  const exporter = createExporter({ source: { kind: 'snapshot', description: 'test', read: async () => reading }, prices, logger: memoryLogger(), now: () => T0 });
  await exporter.cycle();
  const app = createApp({ exporter, version: 'test', sourceDescription: 'test', history: store });
  const shop = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await store.record(makeBatch('prod', T0, T0 + HOUR, shop));

  // Another connection takes the write lock: the next record() waits for it inside the worker.
  const other = new DatabaseSync(path);
  other.exec('BEGIN IMMEDIATE');
  const settled: string[] = [];
  const write = store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, shop)).then(() => settled.push('write'));
  const query = Promise.resolve(app.request('/api/v1/allocation?window=2026-11-01T00:00:00Z,2026-11-01T02:00:00Z&aggregate=namespace')).then(async (r) => {
    settled.push('query');
    return { status: r.status, body: (await r.json()) as { data: Record<string, { cpuCost: number }>[] } };
  });

  const scrape = await app.request('/metrics');
  assert.equal(scrape.status, 200);
  // 1 core × 0.04 + 2 GiB × 0.005 = 0.05 $/h.
  assert.match(await scrape.text(), /^kube_cost_pod_hourly_usd\{namespace="shop",pod="a",node="n1"\} 0\.05$/m);
  assert.deepEqual(settled, [], 'the scrape answered while the write and the query were still waiting');

  other.exec('ROLLBACK');
  other.close();
  await write;
  const answer = await query;
  // In order: the query saw the write queued before it (two hours of 0.04 $/h).
  assert.deepEqual(settled, ['write', 'query']);
  assert.equal(answer.status, 200);
  assert.equal(Number(answer.body.data[0]?.['shop']?.cpuCost.toFixed(9)), 0.08);
  await store.close();
});
