// The PostgreSQL store against the shared HistoryStore contract, on a real PostgreSQL server
// started for the test (test/helpers/postgres.ts), one fresh database per test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { HOUR, makeBatch, storeContract, T0, withContainers } from '../src/store/contract.test-util.ts';
import { createPostgresStore, PG_SCHEMA_VERSION, redactUrl } from '../src/store/postgres.ts';
import { CycleOverlapError, StoreError } from '../src/store/validate.ts';
import { pgServerForTests } from './helpers/postgres-hooks.ts';

const server = pgServerForTests();

storeContract('postgres', async ({ retention }) => createPostgresStore({ url: await server.database('contract'), ...(retention ? { retention } : {}) }));

test('postgres: every row carries its cluster; raw facts are partitioned by day and dropped by partition', async () => {
  const url = await server.createDatabase('layout');
  const store = await createPostgresStore({ url, retention: { rawMs: 2 * 86_400_000, hourlyMs: 10 * 86_400_000, dailyMs: undefined } });
  // Logged at start: the layout, and whether TimescaleDB is there (Debian ships no package for it).
  assert.ok(store.description.endsWith('(native partitioning; TimescaleDB not installed)'), store.description);
  const pod = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  for (let h = 0; h < 4 * 24; h++) {
    await store.record(makeBatch('east', T0 + h * HOUR, T0 + (h + 1) * HOUR, pod));
    await store.record(makeBatch('west', T0 + h * HOUR, T0 + (h + 1) * HOUR, pod));
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const parts = async () => (await client.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kce_alloc_raw'::regclass ORDER BY 1")).rows.map((r) => r.name);
    assert.equal((await parts()).length, 4, 'one raw partition per day');
    const clusters = await client.query('SELECT DISTINCT c.name FROM kce_alloc_raw r JOIN kce_clusters c ON c.id = r.cluster_id ORDER BY 1');
    assert.deepEqual(
      clusters.rows.map((r) => r.name),
      ['east', 'west'],
    );
    await store.maintain(T0 + 4 * 86_400_000);
    // Raw kept 2 days: the partitions of days 0 and 1 are dropped, not emptied row by row.
    assert.equal((await parts()).length, 2);
    const [set] = await store.allocations({ startMs: T0, endMs: T0 + 4 * 86_400_000, clusters: ['east'] });
    assert.equal(Number(set?.rows[0]?.cpuCostUsd.toFixed(9)), Number((0.04 * 96).toFixed(9)), 'four days still answered from rollups');
  } finally {
    await client.end();
    await store.close();
  }
});

test('postgres: every cluster and step read together (statements batched past 500 parts) answer as each step alone', async () => {
  const url = await server.createDatabase('one_query');
  const store = await createPostgresStore({ url });
  const pods = (usd: number) => [
    { key: 'uid-a', namespace: 'shop', cpuUsdPerHour: usd },
    { key: 'uid-b', namespace: 'ml', cpuUsdPerHour: 2 * usd },
  ];
  // Three clusters in an order that is not their names', 4 hours each.
  for (let h = 0; h < 4; h++) for (const [cluster, usd] of [['west', 0.02], ['east', 0.04], ['north', 0.08]] as const) await store.record(makeBatch(cluster, T0 + h * HOUR, T0 + (h + 1) * HOUR, pods(usd)));
  try {
    // 4 h at 2-minute steps: 120 steps × 3 clusters = 360 raw parts, one statement.
    const sets = await store.allocations({ startMs: T0, endMs: T0 + 4 * HOUR, stepMs: 2 * 60_000 });
    assert.equal(sets.length, 120);
    for (const set of sets) {
      // Clusters in name order, each cluster's two pods; cpu per 2 minutes = usd / 30.
      assert.deepEqual(set.rows.map((r) => r.cluster), ['east', 'east', 'north', 'north', 'west', 'west']);
      const byKey = new Map(set.rows.map((r) => [`${r.cluster}/${r.key}`, r.cpuCostUsd]));
      for (const [cluster, usd] of [['west', 0.02], ['east', 0.04], ['north', 0.08]] as const) {
        assert.ok(Math.abs((byKey.get(`${cluster}/uid-a`) ?? 0) - usd / 30) < 1e-12, `${cluster} a`);
        assert.ok(Math.abs((byKey.get(`${cluster}/uid-b`) ?? 0) - (2 * usd) / 30) < 1e-12, `${cluster} b`);
      }
    }
    // 1-minute steps: 240 × 3 = 720 parts, two statements; the same as asking each step alone.
    const fine = await store.allocations({ startMs: T0, endMs: T0 + 4 * HOUR, stepMs: 60_000, namespaces: ['ml'] });
    assert.equal(fine.length, 240);
    for (const n of [0, 1, 119, 166, 239]) {
      const step = fine[n]!;
      const [alone] = await store.allocations({ startMs: step.startMs, endMs: step.endMs, namespaces: ['ml'] });
      assert.deepEqual(step.rows, alone?.rows, `step ${n}`);
      assert.deepEqual(step.rows.map((r) => [r.cluster, r.key]), [['east', 'uid-b'], ['north', 'uid-b'], ['west', 'uid-b']]);
    }
  } finally {
    await store.close();
  }
});

test('postgres: a version 2 database is migrated in place (v3: the container tables), and takes container rows in a day it already has', async () => {
  const url = await server.createDatabase('migrate_v1');
  const pod = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  const first = await createPostgresStore({ url });
  await first.record(makeBatch('prod', T0, T0 + HOUR, pod));
  await first.close();
  // What an exporter of schema version 2 (advice facts, no containers) left behind.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE kce_ctr_ids, kce_ctr_raw, kce_ctr_hourly, kce_ctr_daily; ALTER TABLE kce_clusters DROP COLUMN containers_from_ms; UPDATE kce_schema SET version = 2');
    const again = await createPostgresStore({ url });
    assert.equal((await client.query('SELECT version FROM kce_schema')).rows[0]?.version, PG_SCHEMA_VERSION);
    assert.equal(PG_SCHEMA_VERSION, 3);
    // The same day: its raw partition of allocations exists, the containers' is created on the way.
    await again.record(withContainers(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pod), { 'uid-a': [['app', 1]] }));
    const [set] = await again.containers({ startMs: T0, endMs: T0 + 2 * HOUR });
    assert.deepEqual(
      set?.rows.map((r) => [r.key, Number(r.cpuCostUsd.toFixed(9))]),
      [['uid-a/app', 0.04]],
    );
    assert.equal((await again.coverage())[0]?.containersFromMs, T0 + HOUR);
    await again.close();
  } finally {
    await client.end();
  }
});

test('postgres: two exporters on one database and cluster are serialised, never double counted', async () => {
  const url = await server.createDatabase('shared');
  const a = await createPostgresStore({ url });
  const b = await createPostgresStore({ url });
  const pod = [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  await a.record(makeBatch('prod', T0, T0 + HOUR, pod));
  await assert.rejects(b.record(makeBatch('prod', T0 + HOUR / 2, T0 + 2 * HOUR, pod)), CycleOverlapError);
  await b.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pod));
  await Promise.all([a.maintain(T0 + 2 * HOUR), b.maintain(T0 + 2 * HOUR)]);
  const [set] = await a.allocations({ startMs: T0, endMs: T0 + 2 * HOUR });
  assert.equal(Number(set?.rows[0]?.cpuCostUsd.toFixed(9)), 0.08);
  await a.close();
  await b.close();
});

test('postgres: a server that does not answer is a StoreError naming the URL without its password', async () => {
  const url = `postgres://kce:secret@127.0.0.1:${server.server.port + 1}/none?connect_timeout=2`;
  await assert.rejects(createPostgresStore({ url }), (err: unknown) => {
    assert.ok(err instanceof StoreError);
    assert.ok(err.message.startsWith('postgres postgres://kce:***@127.0.0.1:'), err.message);
    assert.doesNotMatch(err.message, /secret/);
    return true;
  });
  assert.equal(redactUrl('postgres://u:p@h/db'), 'postgres://u:***@h/db');
});
