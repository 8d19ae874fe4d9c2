// The PostgreSQL history store (`--store postgres://...`): the same port, layout (sql.ts) and
// resolutions as the SQLite store, for teams that keep history centrally and for many clusters
// writing to one database. Every row carries its cluster id; tables are prefixed `kce_`.
//
// Raw facts are range-partitioned by day and hourly facts by week (native declarative
// partitioning): retention drops whole partitions instead of deleting rows, and time-bounded
// queries read only the partitions they need. TimescaleDB, when installed, is detected and
// reported, not used: this version's layout is the partitioned one (docs/history.md).
//
// Writes: one transaction per cycle with the cluster's row locked (two exporters writing the same
// cluster are serialised and refused when they overlap); rows go in as arrays (`unnest`), one
// statement per kind. Maintenance: short transactions, one chunk at a time.
import type { PoolClient, QueryResultRow } from 'pg';
import pg from 'pg';
import { DEFAULT_RETENTION } from './memory.ts';
import { coverageOf } from './coverage.ts';
import type { FactKind, Marks, PlanPart } from './plan.ts';
import { DAY_MS, factReads, HOUR_MS, planStep, rowsOf, steps } from './plan.ts';
import type { AnyRow, SqlKind } from './sql.ts';
import { FIRST_SQL_KINDS, identValues, keyedKind, kindByName, SQL_KINDS, snake, valueColumns } from './sql.ts';
import { hourEnd, paramsOf, positional, reconcileSql } from './reconcile-sql.ts';
import type { Coverage, CycleBatch, HistoryStore, NodeHourBill, RetentionPolicy, StepSet, TimeQuery } from './types.ts';
import { CycleOverlapError, StoreError, validateBatch } from './validate.ts';

const CHUNK_ROWS = 20_000;
const RAW_PARTITION_MS = DAY_MS;
const HOURLY_PARTITION_MS = 7 * DAY_MS;
/** Plan parts (a step's edges and middle, per cluster) read by one SQL statement: about 6 parameters each, far below PostgreSQL's 65,535. */
const QUERY_PARTS = 500;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq environment variables fill what is missing). */
  readonly url: string;
  readonly retention?: RetentionPolicy;
  /** Connections kept open (default 4). */
  readonly poolSize?: number;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

const t = (kind: SqlKind, what: 'ids' | 'raw' | 'hourly' | 'daily'): string => `kce_${kind.prefix}_${what}`;

function identColumnsDdl(kind: SqlKind): string {
  return kind.idents.map((i) => `, ${snake(i.field)} ${i.json ? 'jsonb' : 'text'} NOT NULL`).join('');
}

function factColumnsDdl(kind: SqlKind): string {
  const { sums, maxes } = valueColumns(kind);
  return [...sums, ...maxes].map((c) => `${c} double precision NOT NULL`).join(', ');
}

function schemaV1(): string[] {
  const out = [
    'CREATE TABLE kce_schema (version integer NOT NULL)',
    'INSERT INTO kce_schema (version) VALUES (0)',
    `CREATE TABLE kce_clusters (id serial PRIMARY KEY, name text NOT NULL UNIQUE, demo boolean NOT NULL DEFAULT false,
       last_end_ms bigint NOT NULL, hourly_through_ms bigint NOT NULL, daily_through_ms bigint NOT NULL, max_cycle_ms bigint NOT NULL DEFAULT 0)`,
    'CREATE TABLE kce_marks (name text PRIMARY KEY, value_ms bigint NOT NULL)',
    'CREATE TABLE kce_spans (cluster_id integer NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, PRIMARY KEY (cluster_id, start_ms))',
    'CREATE TABLE kce_cycles (cluster_id integer NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, demo boolean NOT NULL, rows integer NOT NULL, PRIMARY KEY (cluster_id, start_ms))',
  ];
  for (const kind of FIRST_SQL_KINDS) out.push(...kindTables(kind));
  return out;
}

/** Each cluster's current advice facts (HPAs, PDB and local storage) for `--hub` (AdviceFactsStore). */
function schemaAdviceFacts(): string[] {
  return ['CREATE TABLE kce_advice_facts (cluster text PRIMARY KEY, updated_ms bigint NOT NULL, facts jsonb NOT NULL)'];
}

/** The identity table and the partitioned raw and hourly, and the daily, fact tables of one kind. */
function kindTables(kind: SqlKind): string[] {
  return [
    `CREATE TABLE ${t(kind, 'ids')} (id bigserial PRIMARY KEY, cluster_id integer NOT NULL, key text NOT NULL${identColumnsDdl(kind)}, UNIQUE (cluster_id, key))`,
    `CREATE TABLE ${t(kind, 'raw')} (cluster_id integer NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, id bigint NOT NULL, ${factColumnsDdl(kind)}, reconciled boolean NOT NULL,
         PRIMARY KEY (cluster_id, start_ms, id)) PARTITION BY RANGE (start_ms)`,
    `CREATE TABLE ${t(kind, 'hourly')} (cluster_id integer NOT NULL, bucket_ms bigint NOT NULL, id bigint NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, ${factColumnsDdl(kind)}, reconciled boolean NOT NULL,
         PRIMARY KEY (cluster_id, bucket_ms, id)) PARTITION BY RANGE (bucket_ms)`,
    `CREATE TABLE ${t(kind, 'daily')} (cluster_id integer NOT NULL, bucket_ms bigint NOT NULL, id bigint NOT NULL, start_ms bigint NOT NULL, end_ms bigint NOT NULL, ${factColumnsDdl(kind)}, reconciled boolean NOT NULL,
         PRIMARY KEY (cluster_id, bucket_ms, id))`,
  ];
}

/** v3: per-container rows (`--record-containers`): the `kce_ctr_` tables and where each cluster's start. */
function schemaV3(): string[] {
  return [...kindTables(kindByName('containers')), 'ALTER TABLE kce_clusters ADD COLUMN containers_from_ms bigint'];
}

const MIGRATIONS: readonly (() => string[])[] = [schemaV1, schemaAdviceFacts, schemaV3];
export const PG_SCHEMA_VERSION = MIGRATIONS.length;

interface ClusterRow {
  id: number;
  name: string;
  demo: boolean;
  last_end_ms: number;
  hourly_through_ms: number;
  daily_through_ms: number;
  max_cycle_ms: number;
  containers_from_ms: number | null;
}

/** Builds positional parameters ($1, $2...) while a statement is assembled. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

function partSql(kind: SqlKind, part: PlanPart, clusterId: number, maxCycleMs: number, p: Params): string {
  const { sums, maxes } = valueColumns(kind);
  const from = p.add(part.startMs);
  const to = p.add(part.endMs);
  const cluster = p.add(clusterId);
  const share = `((LEAST(e0, ${to}::bigint) - GREATEST(s0, ${from}::bigint))::float8 / (e0 - s0))`;
  const cutCols = [...sums.map((c) => `${c} * ${share} AS ${c}`), ...maxes].join(', ');
  const plain = [...sums, ...maxes].join(', ');
  if (part.resolution === 'raw') {
    return `SELECT id, GREATEST(s0, ${from}::bigint) AS s, LEAST(e0, ${to}::bigint) AS e, ${cutCols}, rec FROM (
      SELECT id, start_ms AS s0, end_ms AS e0, ${plain}, reconciled AS rec FROM ${t(kind, 'raw')}
      WHERE cluster_id = ${cluster} AND start_ms < ${to} AND end_ms > ${from} AND start_ms >= ${p.add(part.startMs - maxCycleMs)}) x`;
  }
  const table = t(kind, part.resolution);
  if (part.whole) return `SELECT id, start_ms AS s, end_ms AS e, ${plain}, reconciled AS rec FROM ${table} WHERE cluster_id = ${cluster} AND bucket_ms >= ${from} AND bucket_ms < ${to}`;
  const size = part.resolution === 'hourly' ? HOUR_MS : DAY_MS;
  return `SELECT id, GREATEST(s0, ${from}::bigint) AS s, LEAST(e0, ${to}::bigint) AS e, ${cutCols}, rec FROM (
    SELECT id, start_ms AS s0, end_ms AS e0, ${plain}, reconciled AS rec FROM ${table}
    WHERE cluster_id = ${cluster} AND bucket_ms > ${from}::bigint - ${size} AND bucket_ms < ${to} AND end_ms > ${from} AND start_ms < ${to}) x`;
}

/**
 * What the store says about its layout in its description (logged at start): native partitioning
 * always; TimescaleDB, when installed, is detected but not yet supported (docs/history.md).
 */
export function postgresLayout(timescaleVersion: string | undefined): string {
  if (timescaleVersion === undefined) return 'native partitioning; TimescaleDB not installed';
  return `native partitioning; TimescaleDB ${timescaleVersion} is installed but not yet supported: no hypertables or continuous aggregates are used`;
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<HistoryStore> {
  const { url, retention = DEFAULT_RETENTION, poolSize = 4 } = options;
  const description = `postgres ${redactUrl(url)}`;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client losing its connection must not crash the exporter: the next query reconnects.
  pool.on('error', () => undefined);

  const withClient = async <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> => {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw new StoreError(description, `cannot connect: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  const transaction = async <T>(fn: (c: PoolClient) => Promise<T>): Promise<T> =>
    withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  const rows = async <R extends QueryResultRow>(c: PoolClient, sql: string, values: unknown[] = []): Promise<R[]> => (await c.query<R>(sql, values)).rows;

  // Schema: created or migrated under an advisory lock (several exporters may start at once).
  let timescale: string | undefined;
  try {
    await withClient(async (c) => {
      await c.query("SELECT pg_advisory_lock(hashtext('kube-cost-exporter schema'))");
      try {
        const exists = await rows<{ n: number }>(c, "SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'kce_schema'");
        let version = 0;
        if ((exists[0]?.n ?? 0) > 0) version = (await rows<{ version: number }>(c, 'SELECT version FROM kce_schema'))[0]?.version ?? 0;
        if (version > MIGRATIONS.length) {
          throw new StoreError(description, `schema version ${version} is newer than this exporter understands (${MIGRATIONS.length}); upgrade the exporter`);
        }
        for (let v = version; v < MIGRATIONS.length; v++) {
          await c.query('BEGIN');
          try {
            for (const sql of MIGRATIONS[v]!()) await c.query(sql);
            await c.query('UPDATE kce_schema SET version = $1', [v + 1]);
            await c.query('COMMIT');
          } catch (err) {
            await c.query('ROLLBACK');
            throw new StoreError(description, `migration to schema version ${v + 1} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          }
        }
        timescale = (await rows<{ extversion: string }>(c, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"))[0]?.extversion;
      } finally {
        await c.query("SELECT pg_advisory_unlock(hashtext('kube-cost-exporter schema'))");
      }
    });
  } catch (err) {
    await pool.end();
    throw err;
  }

  // Partitions known to exist (created on demand, before the transaction that needs them).
  const partitions = new Set<string>();
  const ensurePartitions = async (res: 'raw' | 'hourly', fromMs: number, toMs: number): Promise<void> => {
    const size = res === 'raw' ? RAW_PARTITION_MS : HOURLY_PARTITION_MS;
    for (let lo = Math.floor(fromMs / size) * size; lo < toMs; lo += size) {
      const suffix = `${res === 'raw' ? 'd' : 'w'}${lo / size}`;
      if (partitions.has(suffix)) continue;
      await withClient(async (c) => {
        for (const kind of SQL_KINDS) {
          try {
            await c.query(`CREATE TABLE IF NOT EXISTS ${t(kind, res)}_${suffix} PARTITION OF ${t(kind, res)} FOR VALUES FROM (${lo}) TO (${lo + size})`);
          } catch (err) {
            // Another exporter created it at the same moment.
            if ((err as { code?: string }).code !== '42P07') throw err;
          }
        }
      });
      partitions.add(suffix);
    }
  };

  const identities = new Map<string, { id: number; signature: string; seen: readonly unknown[] }>();

  const resolveIds = async (c: PoolClient, kind: SqlKind, clusterId: number, list: readonly AnyRow[]): Promise<number[]> => {
    const ids: number[] = new Array(list.length);
    const missing: { index: number; key: string; values: (string | number)[]; signature: string; seen: unknown[] }[] = [];
    list.forEach((row, index) => {
      const key = kind.fact.key(row);
      const r = row as unknown as Record<string, unknown>;
      const cached = identities.get(`${kind.prefix}${clusterId}\u0000${key}`);
      if (cached && kind.idents.every((i, n) => r[i.field] === cached.seen[n])) {
        ids[index] = cached.id;
        return;
      }
      const values = identValues(kind, row);
      const signature = values.join('\u0000');
      const seen = kind.idents.map((i) => r[i.field]);
      if (cached && cached.signature === signature) {
        cached.seen = seen;
        ids[index] = cached.id;
        return;
      }
      missing.push({ index, key, values, signature, seen });
    });
    if (missing.length === 0) return ids;
    const p = new Params();
    const cluster = p.add(clusterId);
    const keys = p.add(missing.map((m) => m.key));
    const cols = kind.idents.map((i) => snake(i.field));
    const arrays = kind.idents.map((_, n) => p.add(missing.map((m) => String(m.values[n]))));
    const names = ['k', ...cols.map((_, n) => `v${n}`)];
    const select = [cluster, 'k', ...kind.idents.map((i, n) => (i.json ? `v${n}::jsonb` : `v${n}`))].join(', ');
    const update = cols.length ? cols.map((col) => `${col} = excluded.${col}`).join(', ') : 'key = excluded.key';
    const found = await rows<{ id: number; key: string }>(
      c,
      `INSERT INTO ${t(kind, 'ids')} (cluster_id, key${cols.map((col) => `, ${col}`).join('')})
       SELECT ${select} FROM unnest(${[`${keys}::text[]`, ...arrays.map((a) => `${a}::text[]`)].join(', ')}) AS u(${names.join(', ')})
       ON CONFLICT (cluster_id, key) DO UPDATE SET ${update} RETURNING id, key`,
      p.values,
    );
    const byKey = new Map(found.map((f) => [f.key, Number(f.id)]));
    for (const m of missing) {
      const id = byKey.get(m.key);
      if (id === undefined) throw new StoreError(description, `identity of ${kind.prefix} ${m.key} was not returned`);
      ids[m.index] = id;
      identities.set(`${kind.prefix}${clusterId}\u0000${m.key}`, { id, signature: m.signature, seen: m.seen });
    }
    return ids;
  };

  const writeBatch = async (c: PoolClient, batch: CycleBatch): Promise<void> => {
    await c.query('INSERT INTO kce_clusters (name, last_end_ms, hourly_through_ms, daily_through_ms) VALUES ($1, $2, $2, $3) ON CONFLICT (name) DO NOTHING', [
      batch.cluster,
      batch.startMs,
      Math.floor(batch.startMs / HOUR_MS) * HOUR_MS,
    ]);
    const cluster = (await rows<ClusterRow>(c, 'SELECT * FROM kce_clusters WHERE name = $1 FOR UPDATE', [batch.cluster]))[0]!;
    if (batch.startMs < cluster.last_end_ms) throw new CycleOverlapError(batch.cluster, batch.startMs, cluster.last_end_ms);
    let count = 1;
    for (const kind of SQL_KINDS) {
      const list = rowsOf(batch, kind.fact);
      if (list.length === 0) continue;
      count += list.length;
      const ids = await resolveIds(c, kind, cluster.id, list);
      const { sums, maxes } = valueColumns(kind);
      const p = new Params();
      const clusterParam = p.add(cluster.id);
      const cols = [
        `${p.add(list.map((r) => r.startMs))}::bigint[]`,
        `${p.add(list.map((r) => r.endMs))}::bigint[]`,
        `${p.add(ids)}::bigint[]`,
        ...kind.fact.sums.map((f) => `${p.add(list.map((r) => (r as unknown as Record<string, number>)[f]))}::float8[]`),
        ...kind.fact.maxes.map((f) => `${p.add(list.map((r) => (r as unknown as Record<string, number>)[f]))}::float8[]`),
        `${p.add(list.map((r) => kind.basis && (r as unknown as { basis: string }).basis === 'reconciled'))}::boolean[]`,
      ];
      const names = ['s', 'e', 'i', ...sums.map((_, n) => `a${n}`), ...maxes.map((_, n) => `z${n}`), 'rec'];
      await c.query(
        `INSERT INTO ${t(kind, 'raw')} (cluster_id, start_ms, end_ms, id, ${[...sums, ...maxes].join(', ')}, reconciled)
         SELECT ${clusterParam}, ${names.join(', ')} FROM unnest(${cols.join(', ')}) AS u(${names.join(', ')})`,
        p.values,
      );
    }
    await c.query('INSERT INTO kce_cycles (cluster_id, start_ms, end_ms, demo, rows) VALUES ($1, $2, $3, $4, $5)', [cluster.id, batch.startMs, batch.endMs, batch.demo, count]);
    const extended = await c.query('UPDATE kce_spans SET end_ms = $1 WHERE cluster_id = $2 AND end_ms = $3', [batch.endMs, cluster.id, batch.startMs]);
    if (extended.rowCount === 0) await c.query('INSERT INTO kce_spans (cluster_id, start_ms, end_ms) VALUES ($1, $2, $3)', [cluster.id, batch.startMs, batch.endMs]);
    await c.query('UPDATE kce_clusters SET last_end_ms = $1, demo = demo OR $2, max_cycle_ms = GREATEST(max_cycle_ms, $3) WHERE id = $4', [batch.endMs, batch.demo, batch.endMs - batch.startMs, cluster.id]);
    if ((batch.containers?.length ?? 0) > 0 && cluster.containers_from_ms === null) {
      await c.query('UPDATE kce_clusters SET containers_from_ms = $1 WHERE id = $2', [batch.startMs, cluster.id]);
    }
  };

  const readMarks = async (c: PoolClient): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const m of await rows<{ name: string; value_ms: number }>(c, 'SELECT name, value_ms FROM kce_marks')) out[m.name] = m.value_ms;
    return out;
  };
  const marksOf = (cl: ClusterRow, m: Record<string, number>): Marks => ({
    hourlyThroughMs: cl.hourly_through_ms,
    dailyThroughMs: cl.daily_through_ms,
    lastEndMs: cl.last_end_ms,
    rawFromMs: m['raw_from'] ?? Number.NEGATIVE_INFINITY,
    hourlyFromMs: m['hourly_from'] ?? Number.NEGATIVE_INFINITY,
    dailyFromMs: m['daily_from'] ?? Number.NEGATIVE_INFINITY,
  });

  async function query<Row extends AnyRow>(fact: FactKind<Row>, q: TimeQuery, namespaces?: readonly string[]): Promise<StepSet<Row>[]> {
    const kind = kindByName(fact.name);
    const { sums, maxes } = valueColumns(kind);
    const wanted = q.clusters ? new Set(q.clusters) : undefined;
    const identCols = kind.idents.map((i) => `, i.${snake(i.field)}`).join('');
    // One snapshot for the whole answer. No JIT: compiling a statement of hundreds of unions costs
    // more than the whole read (seconds for ten clusters, docs/benchmarks.md "Many clusters").
    return withClient(async (c) => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        await c.query('SET LOCAL jit = off');
        const marks = await readMarks(c);
        const clusters = (await rows<ClusterRow>(c, 'SELECT * FROM kce_clusters ORDER BY name')).filter((cl) => !wanted || wanted.has(cl.name));
        const names = new Map(clusters.map((cl) => [cl.id, cl.name]));
        const windows = steps(q);
        // Every step of every cluster, as parts tagged with their step: one SQL statement per
        // QUERY_PARTS parts (a 7-day answer of ten clusters is one statement, not one per cluster).
        const parts: { step: number; part: PlanPart; cluster: ClusterRow }[] = [];
        windows.forEach((step, n) => {
          for (const cl of clusters) for (const part of planStep(step, marksOf(cl, marks))) parts.push({ step: n, part, cluster: cl });
        });
        // Per step, per cluster id: the rows, kept apart so the answer lists clusters in name order.
        const found: Map<number, Row[]>[] = windows.map(() => new Map());
        for (let from = 0; from < parts.length; from += QUERY_PARTS) {
          const p = new Params();
          const unions = parts
            .slice(from, from + QUERY_PARTS)
            .map(({ step, part, cluster }) => `SELECT ${step}::int AS k, x.* FROM (${partSql(kind, part, cluster.id, cluster.max_cycle_ms, p)}) x`)
            .join('\nUNION ALL\n');
          const grouped = `SELECT k, id, MIN(s) AS s, MAX(e) AS e${sums.map((col) => `, SUM(${col}) AS ${col}`).join('')}${maxes.map((col) => `, MAX(${col}) AS ${col}`).join('')}, bool_or(rec) AS rec
            FROM (${unions}) u GROUP BY k, id`;
          const nsFilter = namespaces ? ` WHERE i.namespace = ANY(${p.add([...namespaces])}::text[])` : '';
          const result = await rows<Record<string, unknown>>(c, `SELECT g.*, i.cluster_id AS ident_cluster, i.key AS ident_key${identCols} FROM (${grouped}) g JOIN ${t(kind, 'ids')} i ON i.id = g.id${nsFilter}`, p.values);
          for (const r of result) {
            const clusterId = Number(r['ident_cluster']);
            const row: Record<string, unknown> = { cluster: names.get(clusterId), startMs: Number(r['s']), endMs: Number(r['e']) };
            for (const i of kind.idents) row[i.field] = r[snake(i.field)];
            for (const f of kind.fact.sums) row[f] = Number(r[snake(f)]);
            for (const f of kind.fact.maxes) row[f] = Number(r[snake(f)]);
            if (kind.basis) row['basis'] = r['rec'] === true ? 'reconciled' : 'estimated';
            if (keyedKind(kind)) row['key'] = r['ident_key'];
            const byCluster = found[Number(r['k'])]!;
            const list = byCluster.get(clusterId);
            if (list) list.push(row as unknown as Row);
            else byCluster.set(clusterId, [row as unknown as Row]);
          }
        }
        return windows.map((step, n) => ({ startMs: step.startMs, endMs: step.endMs, rows: clusters.flatMap((cl) => found[n]!.get(cl.id) ?? []) }));
      } finally {
        await c.query('COMMIT');
      }
    });
  }

  const upsertTail = (kind: SqlKind): string => {
    const { sums, maxes } = valueColumns(kind);
    return `ON CONFLICT (cluster_id, bucket_ms, id) DO UPDATE SET start_ms = LEAST(t.start_ms, excluded.start_ms), end_ms = GREATEST(t.end_ms, excluded.end_ms)
      ${sums.map((col) => `, ${col} = t.${col} + excluded.${col}`).join('')}${maxes.map((col) => `, ${col} = GREATEST(t.${col}, excluded.${col})`).join('')}, reconciled = t.reconciled OR excluded.reconciled`;
  };

  const rollupHourlySql = (kind: SqlKind): string => {
    const { sums, maxes } = valueColumns(kind);
    const end = `LEAST(r.end_ms, b.b + ${HOUR_MS})`;
    const begin = 'GREATEST(r.start_ms, b.b)';
    return `INSERT INTO ${t(kind, 'hourly')} AS t (cluster_id, bucket_ms, id, start_ms, end_ms, ${[...sums, ...maxes].join(', ')}, reconciled)
      SELECT r.cluster_id, b.b, r.id, MIN(${begin}), MAX(${end})${sums.map((col) => `, SUM(r.${col} * (${end} - ${begin})::float8 / (r.end_ms - r.start_ms))`).join('')}${maxes.map((col) => `, MAX(r.${col})`).join('')}, bool_or(r.reconciled)
      FROM ${t(kind, 'raw')} r CROSS JOIN LATERAL generate_series((r.start_ms / ${HOUR_MS}) * ${HOUR_MS}, r.end_ms - 1, ${HOUR_MS}::bigint) AS b(b)
      WHERE r.cluster_id = $1 AND r.start_ms >= $2 AND r.start_ms < $3
      GROUP BY r.cluster_id, b.b, r.id
      ${upsertTail(kind)}`;
  };

  const rollupDailySql = (kind: SqlKind): string => {
    const { sums, maxes } = valueColumns(kind);
    return `INSERT INTO ${t(kind, 'daily')} AS t (cluster_id, bucket_ms, id, start_ms, end_ms, ${[...sums, ...maxes].join(', ')}, reconciled)
      SELECT cluster_id, (bucket_ms / ${DAY_MS}) * ${DAY_MS}, id, MIN(start_ms), MAX(end_ms)${sums.map((col) => `, SUM(${col})`).join('')}${maxes.map((col) => `, MAX(${col})`).join('')}, bool_or(reconciled)
      FROM ${t(kind, 'hourly')} WHERE cluster_id = $1 AND bucket_ms >= $2 AND bucket_ms < $3
      GROUP BY 1, 2, 3
      ${upsertTail(kind)}`;
  };

  const lockCluster = async (c: PoolClient, id: number): Promise<ClusterRow | undefined> => (await rows<ClusterRow>(c, 'SELECT * FROM kce_clusters WHERE id = $1 FOR UPDATE', [id]))[0];

  const setMark = async (c: PoolClient, name: string, value: number): Promise<void> => {
    await c.query('INSERT INTO kce_marks (name, value_ms) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value_ms = GREATEST(kce_marks.value_ms, excluded.value_ms)', [name, value]);
  };

  /** The partitions of a table (suffix and upper bound), oldest first. */
  const partitionsOf = async (c: PoolClient, res: 'raw' | 'hourly'): Promise<{ suffix: string; upperMs: number }[]> => {
    const size = res === 'raw' ? RAW_PARTITION_MS : HOURLY_PARTITION_MS;
    const prefix = `kce_alloc_${res}_`;
    const found = await rows<{ name: string }>(c, `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kce_alloc_${res}'::regclass`);
    return found
      .map((f) => f.name.slice(prefix.length))
      .map((suffix) => ({ suffix, upperMs: (Number(suffix.slice(1)) + 1) * size }))
      .sort((a, b) => a.upperMs - b.upperMs);
  };

  let closed = false;
  let maintaining: Promise<void> | undefined;

  const maintainNow = async (nowMs: number): Promise<void> => {
    const rawCut = nowMs - retention.rawMs;
    const hourlyCut = Math.floor((nowMs - retention.hourlyMs) / HOUR_MS) * HOUR_MS;
    const dailyCut = retention.dailyMs === undefined ? undefined : Math.floor((nowMs - retention.dailyMs) / DAY_MS) * DAY_MS;
    const clusters = await withClient((c) => rows<ClusterRow>(c, 'SELECT * FROM kce_clusters ORDER BY id'));
    for (const { id } of clusters) {
      // 1. Raw → hourly, a few cycles per transaction.
      for (;;) {
        if (closed) return;
        const pending = await withClient(async (c) => {
          const cl = (await rows<ClusterRow>(c, 'SELECT * FROM kce_clusters WHERE id = $1', [id]))[0];
          if (!cl) return undefined;
          const list = await rows<{ start_ms: number; end_ms: number; rows: number }>(c, 'SELECT start_ms, end_ms, rows FROM kce_cycles WHERE cluster_id = $1 AND start_ms >= $2 ORDER BY start_ms LIMIT 1000', [
            id,
            cl.hourly_through_ms,
          ]);
          return list;
        });
        const first = pending?.[0];
        if (!pending || !first) break;
        let count = 0;
        let last = first;
        for (const p of pending) {
          if (count > 0 && count + p.rows > CHUNK_ROWS) break;
          count += p.rows;
          last = p;
        }
        await ensurePartitions('hourly', first.start_ms, last.end_ms);
        await transaction(async (c) => {
          const cl = await lockCluster(c, id);
          // Another exporter rolled these up meanwhile: nothing to do.
          if (!cl || cl.hourly_through_ms > first.start_ms) return;
          for (const kind of SQL_KINDS) await c.query(rollupHourlySql(kind), [id, first.start_ms, last.end_ms]);
          await c.query('UPDATE kce_clusters SET hourly_through_ms = $1 WHERE id = $2', [last.end_ms, id]);
        });
      }
      // 2. Hourly → daily, six hours per transaction.
      for (;;) {
        if (closed) return;
        const more = await transaction(async (c) => {
          const cl = await lockCluster(c, id);
          if (!cl) return false;
          const through = cl.last_end_ms <= rawCut ? cl.hourly_through_ms : Math.floor(cl.hourly_through_ms / HOUR_MS) * HOUR_MS;
          if (cl.daily_through_ms >= through) return false;
          const to = Math.min(through, Math.floor(cl.daily_through_ms / HOUR_MS) * HOUR_MS + 6 * HOUR_MS);
          for (const kind of SQL_KINDS) await c.query(rollupDailySql(kind), [id, cl.daily_through_ms, to]);
          await c.query('UPDATE kce_clusters SET daily_through_ms = $1 WHERE id = $2', [to, id]);
          return true;
        });
        if (!more) break;
      }
      // 3. Daily retention (the daily table is small and not partitioned).
      if (dailyCut !== undefined) {
        await transaction(async (c) => {
          for (const kind of SQL_KINDS) await c.query(`DELETE FROM ${t(kind, 'daily')} WHERE cluster_id = $1 AND bucket_ms < $2`, [id, dailyCut]);
          await c.query('DELETE FROM kce_spans WHERE cluster_id = $1 AND end_ms <= $2', [id, dailyCut]);
          await c.query('UPDATE kce_spans SET start_ms = $2 WHERE cluster_id = $1 AND start_ms < $2', [id, dailyCut]);
        });
      }
    }
    if (closed) return;
    // 4. Raw and hourly retention: whole partitions, once every cluster has rolled them up.
    await transaction(async (c) => {
      const rolled = (await rows<{ raw: number | null; daily: number | null }>(c, 'SELECT MIN(hourly_through_ms) AS raw, MIN(daily_through_ms) AS daily FROM kce_clusters'))[0];
      const rawRolled = rolled?.raw ?? Number.POSITIVE_INFINITY;
      const dailyRolled = rolled?.daily ?? Number.POSITIVE_INFINITY;
      let rawFrom: number | undefined;
      for (const part of await partitionsOf(c, 'raw')) {
        if (part.upperMs > rawCut || part.upperMs > rawRolled) break;
        const latest = (await rows<{ m: number | null }>(c, `SELECT MAX(end_ms) AS m FROM kce_alloc_raw_${part.suffix}`))[0]?.m;
        for (const kind of SQL_KINDS) await c.query(`DROP TABLE IF EXISTS ${t(kind, 'raw')}_${part.suffix}`);
        await c.query('DELETE FROM kce_cycles WHERE start_ms < $1', [part.upperMs]);
        partitions.delete(part.suffix);
        rawFrom = Math.max(rawFrom ?? Number.NEGATIVE_INFINITY, part.upperMs, latest ?? Number.NEGATIVE_INFINITY);
      }
      if (rawFrom !== undefined) await setMark(c, 'raw_from', rawFrom);
      let hourlyFrom: number | undefined;
      for (const part of await partitionsOf(c, 'hourly')) {
        if (part.upperMs > hourlyCut || part.upperMs > dailyRolled) break;
        for (const kind of SQL_KINDS) await c.query(`DROP TABLE IF EXISTS ${t(kind, 'hourly')}_${part.suffix}`);
        partitions.delete(part.suffix);
        hourlyFrom = part.upperMs;
      }
      if (hourlyFrom !== undefined) await setMark(c, 'hourly_from', hourlyFrom);
      if (dailyCut !== undefined) await setMark(c, 'daily_from', dailyCut);
    });
  };

  const reconcileStatements = reconcileSql({
    table: (prefix, res) => `kce_${prefix}_${res}`,
    rawScope: (lo, h) => ({ join: '', where: `r.cluster_id = $cluster AND r.start_ms >= ${lo} AND r.start_ms < ${hourEnd(h)}` }),
    yes: 'true',
    greatest: 'greatest',
    bills: 'kce_reconcile_bills',
    allocs: 'kce_reconcile_allocs',
    ctrs: 'kce_reconcile_ctrs',
  });
  /** HistoryStore.reconcileNodeHours: one transaction for the batch (the caller batches), the cluster's row locked as record() does. */
  const reconcileNodeHours = (clusterName: string, bills: readonly NodeHourBill[]): Promise<number> =>
    transaction(async (c) => {
      const cluster = (await rows<ClusterRow>(c, 'SELECT * FROM kce_clusters WHERE name = $1 FOR UPDATE', [clusterName]))[0];
      if (!cluster) return 0;
      await c.query(`CREATE TEMP TABLE kce_reconcile_bills (node text NOT NULL, h bigint NOT NULL, billed double precision NOT NULL, node_id bigint, day bigint, recorded double precision, f double precision) ON COMMIT DROP;
        CREATE TEMP TABLE kce_reconcile_allocs (id bigint NOT NULL, h bigint NOT NULL, day bigint NOT NULL, f double precision NOT NULL, PRIMARY KEY (id, h)) ON COMMIT DROP;
        CREATE TEMP TABLE kce_reconcile_ctrs (id bigint NOT NULL, h bigint NOT NULL, day bigint NOT NULL, f double precision NOT NULL, PRIMARY KEY (id, h)) ON COMMIT DROP`);
      const kept = new Map<string, NodeHourBill>();
      for (const b of bills) if (Number.isFinite(b.billedCostUsd)) kept.set(`${b.node}\u0000${b.hourStartMs}`, b);
      const list = [...kept.values()];
      await c.query('INSERT INTO kce_reconcile_bills (node, h, billed) SELECT * FROM unnest($1::text[], $2::bigint[], $3::double precision[])', [list.map((b) => b.node), list.map((b) => b.hourStartMs), list.map((b) => b.billedCostUsd)]);
      const params = { cluster: cluster.id, hourlyThrough: Number(cluster.hourly_through_ms), dailyThrough: Number(cluster.daily_through_ms) };
      const run = async (sql: string) => {
        const q = positional(sql, paramsOf(sql, params));
        await c.query(q.text, q.values);
      };
      await c.query('ANALYZE kce_reconcile_bills'); // temporary tables have no statistics: the planner would guess
      for (const sql of reconcileStatements.prepare) await run(sql);
      await c.query('ANALYZE kce_reconcile_allocs');
      await c.query('ANALYZE kce_reconcile_ctrs');
      const changed = Number((await rows<{ n: number }>(c, 'SELECT count(*)::int AS n FROM kce_reconcile_bills'))[0]?.n ?? 0);
      if (changed > 0) for (const sql of reconcileStatements.apply) await run(sql);
      return changed;
    });

  return {
    kind: 'postgres',
    description: `${description} (${postgresLayout(timescale)})`,
    adviceFacts: {
      async write(cluster, facts, atMs) {
        await withClient((c) =>
          c.query(
            'INSERT INTO kce_advice_facts (cluster, updated_ms, facts) VALUES ($1, $2, $3::jsonb) ON CONFLICT (cluster) DO UPDATE SET updated_ms = excluded.updated_ms, facts = excluded.facts WHERE kce_advice_facts.updated_ms <= excluded.updated_ms',
            [cluster, atMs, JSON.stringify(facts)],
          ),
        );
      },
      async read(clusters) {
        const found = await withClient((c) =>
          clusters === undefined
            ? rows<{ cluster: string; updated_ms: number; facts: unknown }>(c, 'SELECT cluster, updated_ms, facts FROM kce_advice_facts ORDER BY cluster')
            : rows<{ cluster: string; updated_ms: number; facts: unknown }>(c, 'SELECT cluster, updated_ms, facts FROM kce_advice_facts WHERE cluster = ANY($1::text[]) ORDER BY cluster', [[...clusters]]),
        );
        return found.map((r) => ({ cluster: r.cluster, atMs: Number(r.updated_ms), facts: r.facts }));
      },
    },
    async record(batch) {
      validateBatch(batch);
      await ensurePartitions('raw', batch.startMs, batch.endMs);
      await transaction((c) => writeBatch(c, batch));
    },
    ...factReads(query),
    async coverage(): Promise<Coverage[]> {
      return withClient(async (c) => {
        const found = await rows<{ name: string; demo: boolean; start_ms: number; end_ms: number; containers_from_ms: number | null }>(
          c,
          'SELECT cl.name, cl.demo, cl.containers_from_ms, s.start_ms, s.end_ms FROM kce_spans s JOIN kce_clusters cl ON cl.id = s.cluster_id ORDER BY cl.name, s.start_ms',
        );
        // In the server's order of cluster names; each cluster's spans in time order.
        const out: Coverage[] = [];
        for (let i = 0; i < found.length; ) {
          const r = found[i]!;
          const spans: { startMs: number; endMs: number }[] = [];
          for (; i < found.length && found[i]!.name === r.name; i++) spans.push({ startMs: found[i]!.start_ms, endMs: found[i]!.end_ms });
          const coverage = coverageOf(r.name, spans, { demo: r.demo, containersFromMs: r.containers_from_ms === null ? undefined : Number(r.containers_from_ms) });
          if (coverage) out.push(coverage);
        }
        return out;
      });
    },
    maintain(nowMs) {
      maintaining ??= maintainNow(nowMs).finally(() => {
        maintaining = undefined;
      });
      return maintaining;
    },
    async reconcileNodeHours(cluster, bills) {
      return reconcileNodeHours(cluster, bills);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (maintaining) await maintaining.catch(() => undefined);
      await pool.end();
    },
  };
}
