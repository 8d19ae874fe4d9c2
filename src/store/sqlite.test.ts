// The SQLite store against the shared HistoryStore contract, on a real file in a temporary directory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { close, DAY, HOUR, makeBatch, storeContract, T0, withContainers } from './contract.test-util.ts';
import { createPacker } from './packed.ts';
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

test('sqlite: a version 1 file is migrated in place (v2 adds each cluster longest cycle, from its cycles; v3 the allocation blocks; v4 the container tables)', async () => {
  const path = join(dir, 'v1.db');
  const store = createSqliteStore({ path });
  await store.record(makeBatch('prod', T0, T0 + HOUR, [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  await store.close();
  // What an exporter of schema version 1 left behind.
  const raw = new DatabaseSync(path);
  raw.exec('ALTER TABLE clusters DROP COLUMN max_cycle_ms; DROP TABLE alloc_blocks; DROP TABLE block_marks; PRAGMA user_version = 1');
  for (const { name } of raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'").all() as { name: string }[]) raw.exec(`DROP TRIGGER ${name}`);
  raw.exec('ALTER TABLE clusters DROP COLUMN containers_from_ms; DROP TABLE ctr_ids; DROP TABLE ctr_raw; DROP TABLE ctr_hourly; DROP TABLE ctr_daily; DROP TABLE ctr_blocks; DROP TABLE ctr_block_marks');
  raw.close();
  const again = createSqliteStore({ path });
  const [set] = await again.allocations({ startMs: T0 + HOUR / 2, endMs: T0 + HOUR });
  assert.equal(set?.rows[0]?.cpuCostUsd, 0.02);
  await again.close();
  const check = new DatabaseSync(path);
  assert.deepEqual({ ...check.prepare('PRAGMA user_version').get() }, { user_version: 4 });
  assert.deepEqual({ ...check.prepare('SELECT COUNT(*) AS n FROM ctr_raw').get() }, { n: 0 });
  assert.deepEqual({ ...check.prepare('SELECT containers_from_ms FROM clusters').get() }, { containers_from_ms: null });
  assert.deepEqual({ ...check.prepare('SELECT COUNT(*) AS n FROM alloc_blocks').get() }, { n: 0 });
  assert.deepEqual({ ...check.prepare('SELECT max_cycle_ms FROM clusters').get() }, { max_cycle_ms: HOUR });
  check.close();
});

test('sqlite: whole hours and days are read from aligned blocks and add up to the same totals', async () => {
  const path = join(dir, 'blocks.db');
  const store = createSqliteStore({ path });
  const a = { key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 };
  const b = { key: 'uid-b', namespace: 'db', cpuUsdPerHour: 0.1 };
  // 40 days of hourly cycles; b starts at day 5, 07:00 (hour 127: inside a block of every size).
  for (let h = 0; h < 40 * 24; h++) await store.record(makeBatch('prod', T0 + h * HOUR, T0 + (h + 1) * HOUR, h >= 127 ? [a, b] : [a]));
  await store.maintain(T0 + 40 * DAY);
  const raw = new DatabaseSync(path);
  const sizes = raw.prepare('SELECT size_ms / 3600000 AS hours, through_ms FROM block_marks ORDER BY size_ms').all() as { hours: number; through_ms: number }[];
  raw.close();
  // Blocks of 2–16 hours and 2–32 days are built; 64 days and more have no whole block yet (a
  // 64-day block starting at or before day 20,758 would end after what the 32-day blocks cover).
  assert.deepEqual(
    sizes.map((s) => s.hours),
    [2, 4, 8, 16, 48, 96, 192, 384, 768],
  );
  const ofSize = (hours: number) => (sizes.find((s) => s.hours === hours)?.through_ms ?? 0) / DAY - T0 / DAY;
  // T0 is epoch day 20,758; the data ends on day 20,798. A block of n days is built through the last
  // multiple of n at or before 20,798: 2 → 20,798 (40), 4 → 20,796 (38), 8 → 20,792 (34), 16 → 20,784 (26).
  // 32 → 20,768 (10): one 32-day block, 20,736–20,768, holding days 0–10 of the data.
  assert.deepEqual([ofSize(48), ofSize(96), ofSize(192), ofSize(384), ofSize(768)], [40, 38, 34, 26, 10]);
  const cases = [
    // a: 0.04 $/h over the hours of the window it ran; b: 0.1 $/h from hour 127.
    { name: '30 days 10:30 → 10:30', startMs: T0 + 10.5 * HOUR, endMs: T0 + 30 * DAY + 10.5 * HOUR, a: 0.04 * 720, b: 0.1 * (730.5 - 127) },
    { name: 'all 40 days', startMs: T0, endMs: T0 + 40 * DAY, a: 0.04 * 960, b: 0.1 * (960 - 127) },
    { name: 'days 17 to 33', startMs: T0 + 17 * DAY, endMs: T0 + 33 * DAY, a: 0.04 * 384, b: 0.1 * 384 },
    { name: 'day 5, 03:00 → 21:00', startMs: T0 + 5 * DAY + 3 * HOUR, endMs: T0 + 5 * DAY + 21 * HOUR, a: 0.04 * 18, b: 0.1 * 14 },
  ];
  for (const c of cases) {
    const [set] = await store.allocations({ startMs: c.startMs, endMs: c.endMs });
    close(set?.rows.find((r) => r.key === 'uid-a')?.cpuCostUsd, c.a, `${c.name}: a`);
    close(set?.rows.find((r) => r.key === 'uid-b')?.cpuCostUsd, c.b, `${c.name}: b`);
  }
  // The 40 days are read as 2 + 8 + 16 + 8 + 4 + 2 days of blocks: doubling what the 16-day block
  // (days 10–26) holds adds a's 16 × 24 h × 0.04 $/h = 15.36 to its 38.4.
  const edit = new DatabaseSync(path);
  edit.exec(`UPDATE alloc_blocks SET cpu_cost_usd = cpu_cost_usd * 2 WHERE size_ms = ${16 * DAY}`);
  edit.close();
  const [all] = await store.allocations({ startMs: T0, endMs: T0 + 40 * DAY });
  close(all?.rows.find((r) => r.key === 'uid-a')?.cpuCostUsd, 38.4 + 15.36, 'read from the blocks');
  // A bucket rewritten after the fact (as bill reconciliation does) drops the blocks over it: a's
  // day 12 set to 1 $ (was 24 × 0.04 = 0.96) reads at once from the buckets, then from rebuilt blocks.
  // The doubled 16-day block (days 10–26) went with it: 38.4 − 0.96 + 1 = 38.44.
  const rewrite = new DatabaseSync(path);
  rewrite.exec(`UPDATE alloc_daily SET cpu_cost_usd = 1 WHERE bucket_ms = ${T0 + 12 * DAY} AND id = (SELECT id FROM alloc_ids WHERE key = 'uid-a')`);
  const marks = rewrite.prepare(`SELECT size_ms / ${DAY} AS days, through_ms FROM block_marks WHERE size_ms >= ${DAY} ORDER BY size_ms`).all() as { days: number; through_ms: number }[];
  rewrite.close();
  // Each day size is lowered to the start of its block holding day 12 (epoch day 20,770).
  assert.deepEqual(
    marks.map((m) => [m.days, m.through_ms / DAY - T0 / DAY]),
    [
      [2, 12],
      [4, 10],
      [8, 10],
      [16, 10],
      [32, 10],
    ],
  );
  const [rewritten] = await store.allocations({ startMs: T0, endMs: T0 + 40 * DAY });
  close(rewritten?.rows.find((r) => r.key === 'uid-a')?.cpuCostUsd, 38.44, 'after the rewrite');
  await store.maintain(T0 + 40 * DAY);
  const [rebuilt] = await store.allocations({ startMs: T0, endMs: T0 + 40 * DAY });
  close(rebuilt?.rows.find((r) => r.key === 'uid-a')?.cpuCostUsd, 38.44, 'from rebuilt blocks');
  await store.close();
});

test('sqlite: record() and another packer through recordPacked() keep their own slots (ids never mixed up)', async () => {
  const store = createSqliteStore({ path: ':memory:' });
  // record() gives a slot 0, b slot 1; the other packer gives c slot 0, b slot 1, a slot 2.
  await store.record(makeBatch('prod', T0, T0 + HOUR, [
    { key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 },
    { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 },
  ]));
  const other = createPacker();
  await store.recordPacked(other.pack(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [
    { key: 'c', namespace: 'data', cpuUsdPerHour: 0.01 },
    { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 },
    { key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 },
  ])));
  await store.record(makeBatch('prod', T0 + 2 * HOUR, T0 + 3 * HOUR, [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  const [set] = await store.allocations({ startMs: T0, endMs: T0 + 3 * HOUR });
  const cpu = Object.fromEntries((set?.rows ?? []).map((r) => [r.key, Number(r.cpuCostUsd.toFixed(9))]));
  // a: 3 h × 0.04; b: 2 h × 0.02; c: 1 h × 0.01.
  assert.deepEqual(cpu, { a: 0.12, b: 0.04, c: 0.01 });
  await store.close();
});

test('sqlite: container rows are read from blocks too, kept true when a bucket is rewritten (schema v4)', async () => {
  const path = join(dir, 'ctr-blocks.db');
  const store = createSqliteStore({ path });
  const a = { key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 };
  // 40 days of hourly cycles, a split app 3/4 (0.03 $/h of cpu) and __pod__ 1/4.
  for (let h = 0; h < 40 * 24; h++) await store.record(withContainers(makeBatch('prod', T0 + h * HOUR, T0 + (h + 1) * HOUR, [a]), { 'uid-a': [['app', 0.75], ['__pod__', 0.25]] }));
  await store.maintain(T0 + 40 * DAY);
  const app = async () => {
    const [set] = await store.containers({ startMs: T0, endMs: T0 + 40 * DAY });
    return set?.rows.find((r) => r.key === 'uid-a/app')?.cpuCostUsd;
  };
  close(await app(), 0.03 * 960, 'all 40 days');
  // Built as the allocations' blocks are (see the test above): the same sizes and marks.
  const edit = new DatabaseSync(path);
  const sizes = edit.prepare('SELECT size_ms / 3600000 AS hours FROM ctr_block_marks ORDER BY size_ms').all() as { hours: number }[];
  assert.deepEqual(
    sizes.map((x) => x.hours),
    [2, 4, 8, 16, 48, 96, 192, 384, 768],
  );
  // Doubling what the 16-day block (days 10–26) holds adds app's 16 × 24 h × 0.03 $/h = 11.52 to its 28.8.
  edit.exec(`UPDATE ctr_blocks SET cpu_cost_usd = cpu_cost_usd * 2 WHERE size_ms = ${16 * DAY}`);
  close(await app(), 28.8 + 11.52, 'read from the blocks');
  // app's day 12 rewritten to 1 $ (was 0.72): the blocks over it are dropped, the doubled one with them.
  edit.exec(`UPDATE ctr_daily SET cpu_cost_usd = 1 WHERE bucket_ms = ${T0 + 12 * DAY} AND id = (SELECT id FROM ctr_ids WHERE key = 'uid-a/app')`);
  edit.close();
  close(await app(), 28.8 - 0.72 + 1, 'after the rewrite');
  await store.maintain(T0 + 40 * DAY);
  close(await app(), 28.8 - 0.72 + 1, 'from rebuilt blocks');
  // The pod rows' blocks are their own: untouched by all this.
  const [pods] = await store.allocations({ startMs: T0, endMs: T0 + 40 * DAY });
  close(pods?.rows.find((r) => r.key === 'uid-a')?.cpuCostUsd, 0.04 * 960, 'pod a');
  await store.close();
});
