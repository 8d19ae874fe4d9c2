// The SQLite store in a worker thread (what the exporter opens): the same contract as in-thread,
// typed errors that cross the thread boundary, and calls answered in order.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HOUR, makeBatch, storeContract, T0 } from './contract.test-util.ts';
import { createSqliteStore } from './sqlite.ts';
import { createSqliteStoreInWorker } from './sqlite-thread.ts';
import { CycleOverlapError, InvalidCycleError, StoreError } from './validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'kce-sqlite-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite in a worker thread', async ({ retention }) => createSqliteStoreInWorker({ path: join(dir, `contract-${n++}.db`), ...(retention ? { retention } : {}) }));

test('sqlite worker: typed errors cross the thread boundary with their fields', async () => {
  const store = await createSqliteStoreInWorker({ path: join(dir, 'errors.db') });
  const pod = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await store.record(makeBatch('prod', T0, T0 + HOUR, pod));
  await assert.rejects(
    store.record(makeBatch('prod', T0 + HOUR / 2, T0 + 2 * HOUR, pod)),
    (err: unknown) =>
      err instanceof CycleOverlapError &&
      err.object === 'cycle of cluster prod' &&
      err.field === 'startMs' &&
      err.value === '2026-11-01T00:30:00.000Z' &&
      err.message ===
        'cycle of cluster prod: startMs: starts before the end of the recorded history (2026-11-01T01:00:00.000Z); a cycle is recorded once, after the previous one (got "2026-11-01T00:30:00.000Z")',
  );
  const bad = makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [{ ...pod[0]!, cpuUsdPerHour: Number.NaN }]);
  await assert.rejects(store.record(bad), (err: unknown) => err instanceof InvalidCycleError && err.field === 'cpuCostUsd' && err.value === 'NaN');
  // The refused cycles changed nothing; the next one is recorded.
  await store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pod));
  const [set] = await store.allocations({ startMs: T0, endMs: T0 + 2 * HOUR });
  assert.equal(Number(set?.rows[0]?.cpuCostUsd.toFixed(9)), 0.08); // 0.04 $/h × 2 h
  await store.close();
  await store.close(); // twice is harmless
  await assert.rejects(store.coverage(), (err: unknown) => err instanceof StoreError && err.message === `sqlite ${join(dir, 'errors.db')}: the store is closed`);
});

test('sqlite worker: a file that cannot be opened is refused with the store error, and no thread is left running', async () => {
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  const path = join(file, 'history.db');
  await assert.rejects(createSqliteStoreInWorker({ path }), (err: unknown) => err instanceof StoreError && err.message.startsWith(`sqlite ${path}: cannot create the data directory ${file}: `));
});

test('sqlite worker: a long answer comes in parts (about 20,000 rows each) and arrives whole, in order', async () => {
  const store = await createSqliteStoreInWorker({ path: join(dir, 'parts.db') });
  // 250 pods × 100 hourly steps = 25,000 rows: two parts. Pod i costs (i + 1) × 0.001 $/h.
  const pods = Array.from({ length: 250 }, (_, i) => ({ key: `uid-${i}`, namespace: `ns-${i % 5}`, cpuUsdPerHour: (i + 1) * 0.001 }));
  for (let h = 0; h < 100; h++) await store.record(makeBatch('prod', T0 + h * HOUR, T0 + (h + 1) * HOUR, pods));
  const sets = await store.allocations({ startMs: T0, endMs: T0 + 100 * HOUR, stepMs: HOUR });
  assert.equal(sets.length, 100);
  sets.forEach((set, h) => {
    assert.equal(set.startMs, T0 + h * HOUR);
    assert.equal(set.rows.length, 250);
    // Σ (i + 1) × 0.001 for i < 250 = 0.001 × 250 × 251 / 2 = 31.375 $ each hour.
    assert.equal(Number(set.rows.reduce((sum, r) => sum + r.cpuCostUsd, 0).toFixed(9)), 31.375);
  });
  await store.close();
});

test('sqlite worker: the port on the main thread has every method of the SQLite store, whatever the port grows', async () => {
  const inThread = createSqliteStore({ path: ':memory:' });
  const inWorker = await createSqliteStoreInWorker({ path: join(dir, 'methods.db') });
  const methods = (store: object) =>
    Object.entries(store)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k)
      .sort();
  assert.deepEqual(methods(inWorker), methods(inThread));
  assert.equal(inWorker.kind, 'sqlite');
  assert.equal(inWorker.description, `sqlite ${join(dir, 'methods.db')}`);
  await inThread.close();
  await inWorker.close();
});
