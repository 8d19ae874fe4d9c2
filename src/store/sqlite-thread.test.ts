// The SQLite store in a worker thread (what the exporter opens): the same contract as in-thread,
// typed errors that cross the thread boundary, and calls answered in order.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { HOUR, makeBatch, storeContract, T0 } from './contract.test-util.ts';
import { createSqliteStore } from './sqlite.ts';
import type { WorkerEvent } from './sqlite-thread.ts';
import { createSqliteStoreInWorker } from './sqlite-thread.ts';
import { CycleOverlapError, InvalidCycleError, StoreError } from './validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'kce-sqlite-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite in a worker thread', async ({ retention }) => createSqliteStoreInWorker({ path: join(dir, `contract-${n++}.db`), ...(retention ? { retention } : {}) }));
// The same contract with a worker that stops as soon as it has nothing to do (the exporter's, with
// a longer wait): every call may start a new worker, with slots defined again.
storeContract('sqlite in a worker thread that stops when idle', async ({ retention }) =>
  createSqliteStoreInWorker({ path: join(dir, `contract-${n++}.db`), ...(retention ? { retention } : {}) }, { idleStopMs: 0 }),
);

test('sqlite worker: with idleStopMs, an idle worker closes the database and ends; the next calls start one, no restart event, history kept', async () => {
  const workers: Worker[] = [];
  const events: WorkerEvent[] = [];
  const store = await createSqliteStoreInWorker({ path: join(dir, 'idle.db') }, { idleStopMs: 50, onWorker: (w) => workers.push(w), onEvent: (e) => events.push(e) });
  const exited = (w: Worker) => new Promise<number>((resolve) => w.once('exit', resolve));
  const pods = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await store.record(makeBatch('prod', T0, T0 + HOUR, pods));
  // Idle for 50 ms: the worker ends on its own (exit code 0 after closing the database, or 1 when ended mid-close).
  assert.ok([0, 1].includes(await exited(workers[0]!)));
  assert.equal(workers.length, 1);
  // The next cycle starts a worker, which knows none of the old one's slots: the batch defines them again.
  await store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pods));
  assert.equal(workers.length, 2);
  await exited(workers[1]!);
  // Calls at once while none runs: one worker starts for all, and answers them in the order they
  // were made (the query sees the write made before it).
  const [, sets, coverage] = await Promise.all([store.record(makeBatch('prod', T0 + 2 * HOUR, T0 + 3 * HOUR, pods)), store.allocations({ startMs: T0, endMs: T0 + 3 * HOUR }), store.coverage()]);
  assert.equal(workers.length, 3);
  assert.equal(Number(sets[0]?.rows[0]?.cpuCostUsd.toFixed(9)), 0.12); // 0.04 $/h × 3 h, three cycles
  assert.deepEqual(coverage.map((c) => c.cluster), ['prod']);
  // Stopping when idle is not a crash.
  assert.deepEqual(events, []);
  await exited(workers[2]!);
  // Closing a store whose worker is stopped starts none.
  await store.close();
  assert.equal(workers.length, 3);
  await assert.rejects(store.coverage(), (err: unknown) => err instanceof StoreError && err.message === `sqlite ${join(dir, 'idle.db')}: the store is closed`);
});

test('sqlite worker: a database that cannot be opened when an idle-stopped worker starts again fails that call, and the next call tries again', async () => {
  const path = join(dir, 'idle-gone', 'history.db');
  const workers: Worker[] = [];
  const store = await createSqliteStoreInWorker({ path }, { idleStopMs: 0, onWorker: (w) => workers.push(w) });
  await new Promise<number>((resolve) => workers[0]!.once('exit', resolve));
  // The directory becomes a file: the next worker cannot create or open the database.
  rmSync(join(dir, 'idle-gone'), { recursive: true, force: true });
  writeFileSync(join(dir, 'idle-gone'), 'not a directory');
  await assert.rejects(store.coverage(), (err: unknown) => err instanceof StoreError && err.message.startsWith(`sqlite ${path}: cannot create the data directory`));
  rmSync(join(dir, 'idle-gone'), { force: true });
  assert.deepEqual(await store.coverage(), []);
  await store.close();
});

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

/** Opens a store whose workers the test can reach, restarting after `delay(n)` ms, with its events. */
async function crashable(name: string, delay: (attempt: number) => number = () => 20) {
  const workers: Worker[] = [];
  const events: WorkerEvent[] = [];
  let onEvent: (e: WorkerEvent) => void = () => undefined;
  const store = await createSqliteStoreInWorker(
    { path: join(dir, name) },
    {
      restartDelayMs: delay,
      onWorker: (w) => workers.push(w),
      onEvent: (e) => {
        events.push(e);
        onEvent(e);
      },
    },
  );
  const next = (kind: WorkerEvent['kind']) => new Promise<void>((resolve) => (onEvent = (e) => e.kind === kind && resolve()));
  return { store, workers, events, next };
}

test('sqlite worker: a worker stopped mid-call is restarted; the call and calls meanwhile fail with a StoreError; history survives', async () => {
  const path = join(dir, 'killed.db');
  const { store, workers, events, next } = await crashable('killed.db');
  const pods = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await store.record(makeBatch('prod', T0, T0 + HOUR, pods));
  const restarted = next('restarted');
  // Another connection holds the write lock: the worker's write waits for it (busy timeout), so the
  // call is surely in flight when the worker is stopped.
  const lock = new DatabaseSync(path);
  lock.exec('BEGIN IMMEDIATE');
  const inFlight = store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pods));
  await new Promise((r) => setTimeout(r, 100));
  await workers[0]!.terminate();
  await assert.rejects(inFlight, (err: unknown) => err instanceof StoreError && err.message === `sqlite ${path}: the store's worker thread stopped (exit code 1)`);
  lock.exec('ROLLBACK');
  lock.close();
  // Until the new worker runs, calls fail at once (nothing waits on a dead thread).
  await assert.rejects(store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pods)), (err: unknown) => err instanceof StoreError && err.message === `sqlite ${path}: the store's worker thread stopped (exit code 1); it is being restarted (in 20 ms)`);
  await restarted;
  assert.equal(workers.length, 2);
  // The new worker knows none of the old one's slots: the next batch defines them again.
  await store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pods));
  const [set] = await store.allocations({ startMs: T0, endMs: T0 + 2 * HOUR });
  assert.equal(Number(set?.rows[0]?.cpuCostUsd.toFixed(9)), 0.08); // 0.04 $/h × 2 h, both cycles
  assert.deepEqual(events, [
    { kind: 'crashed', error: "the store's worker thread stopped (exit code 1)", restarts: 0, retryInMs: 20, failedCalls: 1 },
    { kind: 'restarted', restarts: 1 },
  ]);
  await store.close();
});

test('sqlite worker: an error thrown in the worker restarts it, waiting longer each time it keeps failing, and not after close', async () => {
  const { store, workers, events, next } = await crashable('thrown.db', (n) => 10 * 2 ** n);
  for (let i = 0; i < 3; i++) {
    const restarted = next('restarted');
    // A message the worker's handler cannot read: a TypeError thrown in the worker, uncaught.
    workers[i]!.postMessage(null);
    await restarted;
  }
  assert.deepEqual(
    events.filter((e) => e.kind === 'crashed').map((e) => [e.kind === 'crashed' && e.error, e.kind === 'crashed' && e.retryInMs]),
    // Waits of 10 × 2^n ms: 10, 20, 40.
    [10, 20, 40].map((ms) => [`the store's worker thread failed: Cannot read properties of null (reading 'id')`, ms]),
  );
  assert.deepEqual(await store.coverage(), []);
  await store.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(workers.length, 4);
  assert.equal(events.length, 6);
});
