// The SQLite store against the shared HistoryStore contract, on a real file in a temporary directory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { HOUR, makeBatch, storeContract, T0 } from './contract.test-util.ts';
import { createSqliteStore, SCHEMA_VERSION } from './sqlite.ts';
import { CycleOverlapError, StoreError } from './validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'kce-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('sqlite', async ({ retention }) => createSqliteStore({ path: join(dir, `contract-${n++}.db`), ...(retention ? { retention } : {}) }));

test('sqlite: WAL journal, schema version, data kept across reopening', async () => {
  const path = join(dir, 'reopen.db');
  const store = createSqliteStore({ path });
  await store.record(makeBatch('prod', T0, T0 + HOUR, [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  await store.close();
  const raw = new DatabaseSync(path);
  assert.deepEqual({ ...raw.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
  assert.deepEqual({ ...raw.prepare('PRAGMA user_version').get() }, { user_version: SCHEMA_VERSION });
  assert.deepEqual({ ...raw.prepare('PRAGMA integrity_check').get() }, { integrity_check: 'ok' });
  // Labels are stored once per pod, facts refer to them by id.
  assert.deepEqual({ ...raw.prepare('SELECT COUNT(*) AS n FROM alloc_ids').get() }, { n: 1 });
  raw.close();
  const again = createSqliteStore({ path });
  const [set] = await again.allocations({ startMs: T0, endMs: T0 + HOUR });
  assert.equal(set?.rows[0]?.cpuCostUsd, 0.04);
  // The next cycle continues after the recorded one.
  await again.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  assert.deepEqual(await again.coverage(), [{ cluster: 'prod', firstMs: T0, lastMs: T0 + 2 * HOUR, gaps: [], demo: false }]);
  await again.close();
});

test('sqlite: a database from a newer exporter is refused with a clear error', () => {
  const path = join(dir, 'newer.db');
  const raw = new DatabaseSync(path);
  raw.exec('PRAGMA user_version = 99');
  raw.close();
  assert.throws(
    () => createSqliteStore({ path }),
    (err: unknown) => err instanceof StoreError && err.message === `sqlite ${path}: schema version 99 is newer than this exporter understands (${SCHEMA_VERSION}); upgrade the exporter or use another --data-dir`,
  );
});

test('sqlite: two stores on one file (two exporters on one --data-dir) neither double count nor corrupt', async () => {
  const path = join(dir, 'shared.db');
  const a = createSqliteStore({ path });
  const b = createSqliteStore({ path });
  const pod = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await a.record(makeBatch('prod', T0, T0 + HOUR, pod));
  // b has not seen a's cycle in its own memory, but the file has it: the same hour is refused.
  await assert.rejects(b.record(makeBatch('prod', T0 + HOUR / 2, T0 + 2 * HOUR, pod)), CycleOverlapError);
  await b.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pod));
  await a.record(makeBatch('prod', T0 + 2 * HOUR, T0 + 3 * HOUR, pod));
  // Both maintain: each cycle is rolled up once.
  await Promise.all([a.maintain(T0 + 3 * HOUR), b.maintain(T0 + 3 * HOUR)]);
  await b.maintain(T0 + 3 * HOUR);
  for (const store of [a, b]) {
    const [set] = await store.allocations({ startMs: T0, endMs: T0 + 3 * HOUR });
    assert.equal(Number(set?.rows[0]?.cpuCostUsd.toFixed(9)), 0.12); // 0.04 $/h × 3 h, once
  }
  await a.close();
  await b.close();
});

test('sqlite: a version 1 file is migrated in place (v2 adds each cluster longest cycle, from its cycles)', async () => {
  const path = join(dir, 'v1.db');
  const store = createSqliteStore({ path });
  await store.record(makeBatch('prod', T0, T0 + HOUR, [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  await store.close();
  // What an exporter of schema version 1 left behind.
  const raw = new DatabaseSync(path);
  raw.exec('ALTER TABLE clusters DROP COLUMN max_cycle_ms; PRAGMA user_version = 1');
  raw.close();
  const again = createSqliteStore({ path });
  const [set] = await again.allocations({ startMs: T0 + HOUR / 2, endMs: T0 + HOUR });
  assert.equal(set?.rows[0]?.cpuCostUsd, 0.02);
  await again.close();
  const check = new DatabaseSync(path);
  assert.deepEqual({ ...check.prepare('PRAGMA user_version').get() }, { user_version: 2 });
  assert.deepEqual({ ...check.prepare('SELECT max_cycle_ms FROM clusters').get() }, { max_cycle_ms: HOUR });
  check.close();
});
