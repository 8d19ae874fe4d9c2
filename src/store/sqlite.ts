// The embedded history store (default): one SQLite file through Node's built-in `node:sqlite`,
// WAL journal, schema versioned with `PRAGMA user_version`. Layout in sql.ts and docs/history.md.
//
// Writes are one transaction per cycle (all or nothing; a kill -9 loses at most the cycle being
// written). Maintenance (raw → hourly → daily rollups, retention) runs in small transactions that
// yield to the event loop between them, so cycles and scrapes never wait long for it. Queries
// follow plan.ts: each part of a step is one SELECT, summed by (cluster, key) in SQL; consecutive
// steps answered by whole buckets are one SELECT for all of them, grouped by step (docs/benchmarks.md).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { DatabaseSync } from 'node:sqlite';
import { DEFAULT_RETENTION } from './memory.ts';
import { coverWithBlocks } from './blocks.ts';
import { byClusterName, coverageOf } from './coverage.ts';
import type { FactKind, Marks, PlanPart } from './plan.ts';
import { DAY_MS, factReads, HOUR_MS, planStep, steps } from './plan.ts';
import type { PackedBatch, SlotDefinition } from './packed.ts';
import { createPacker, packedWidth } from './packed.ts';
import type { AnyRow, SqlKind } from './sql.ts';
import { FIRST_SQL_KINDS, keyedKind, kindByName, SQL_KINDS, snake, valueColumns } from './sql.ts';
import { hourEnd, paramsOf, reconcileSql } from './reconcile-sql.ts';
import type { Coverage, HistoryStore, NodeHourBill, RetentionPolicy, StepSet, TimeQuery } from './types.ts';
import { CycleOverlapError, StoreError } from './validate.ts';

/** Raw rows per INSERT statement (21 parameters each for allocations: far below SQLite's 32,766). */
const ROWS_PER_INSERT = 64;

/** Rows per maintenance transaction: large enough to be efficient, small enough not to stall a cycle. */
const CHUNK_ROWS = 20_000;
/** Longest cycle the raw → hourly split handles (hours); longer cycles are refused by record(). */
const MAX_CYCLE_HOURS = 1_000;

export interface SqliteStoreOptions {
  /** The database file (created with its directory); `:memory:` for tests. */
  readonly path: string;
  readonly retention?: RetentionPolicy;
  /** `NORMAL` (default: no fsync per cycle) or `FULL` (every committed cycle also survives a power cut). */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** Yields to the event loop between maintenance chunks (tests may pass a no-op). */
  readonly yieldNow?: () => Promise<void>;
}

const defaultYield = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function factColumns(kind: SqlKind): string {
  const { sums, maxes } = valueColumns(kind);
  return [...sums.map((c) => `${c} REAL NOT NULL`), ...maxes.map((c) => `${c} REAL NOT NULL`), 'reconciled INTEGER NOT NULL DEFAULT 0'].join(', ');
}

function schemaV1(): string {
  const parts = [
    `CREATE TABLE clusters (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, demo INTEGER NOT NULL DEFAULT 0,
       last_end_ms INTEGER NOT NULL, hourly_through_ms INTEGER NOT NULL, daily_through_ms INTEGER NOT NULL)`,
    'CREATE TABLE marks (name TEXT PRIMARY KEY, value_ms INTEGER NOT NULL)',
    'CREATE TABLE spans (cluster_id INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, PRIMARY KEY (cluster_id, start_ms)) WITHOUT ROWID',
    `CREATE TABLE cycles (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
       demo INTEGER NOT NULL, rows INTEGER NOT NULL)`,
    'CREATE INDEX cycles_by_cluster ON cycles (cluster_id, start_ms)',
    'CREATE TABLE nums (i INTEGER PRIMARY KEY)',
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_CYCLE_HOURS}) INSERT INTO nums SELECT i FROM n`,
  ];
  for (const kind of FIRST_SQL_KINDS) parts.push(...kindTables(kind));
  return `${parts.join(';\n')};`;
}

/** The identity table and the raw, hourly and daily fact tables of one kind. */
function kindTables(kind: SqlKind): string[] {
  const parts: string[] = [];
  const idents = kind.idents.map((i) => `${snake(i.field)} TEXT NOT NULL`).join(', ');
  parts.push(`CREATE TABLE ${kind.prefix}_ids (id INTEGER PRIMARY KEY, cluster_id INTEGER NOT NULL, key TEXT NOT NULL${idents ? `, ${idents}` : ''}, UNIQUE (cluster_id, key))`);
  parts.push(`CREATE TABLE ${kind.prefix}_raw (cycle_id INTEGER NOT NULL, id INTEGER NOT NULL, start_ms INTEGER, end_ms INTEGER, ${factColumns(kind)}, PRIMARY KEY (cycle_id, id)) WITHOUT ROWID`);
  for (const res of ['hourly', 'daily']) {
    parts.push(
      `CREATE TABLE ${kind.prefix}_${res} (cluster_id INTEGER NOT NULL, bucket_ms INTEGER NOT NULL, id INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, ${factColumns(kind)}, PRIMARY KEY (cluster_id, bucket_ms, id)) WITHOUT ROWID`,
    );
  }
  return parts;
}

/** v2: the longest cycle per cluster, so a query reads only the raw cycles that can overlap it. */
function schemaV2(): string {
  return `ALTER TABLE clusters ADD COLUMN max_cycle_ms INTEGER NOT NULL DEFAULT 0;
    UPDATE clusters SET max_cycle_ms = coalesce((SELECT MAX(end_ms - start_ms) FROM cycles WHERE cycles.cluster_id = clusters.id), 0);`;
}

/**
 * Block sizes of the allocation rollups (v3): aligned blocks of 2, 4, 8, 16 hours built from the
 * hourly buckets, and of 2, 4 ... 256 days from the daily buckets. A query's whole hours and days
 * are read as the fewest aligned blocks that cover them (a 30-day window: 4 to 8 rows per pod
 * instead of 30 daily ones), so its cost grows with log(window), not with the window.
 */
export const HOUR_BLOCKS_MS: readonly number[] = [2, 4, 8, 16].map((h) => h * HOUR_MS);
export const DAY_BLOCKS_MS: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256].map((d) => d * DAY_MS);

/**
 * v3: allocation blocks (see HOUR_BLOCKS_MS) and, per cluster and size, how far they are built.
 * Triggers keep blocks true when a bucket they were built from is written after the fact (bill
 * reconciliation, whatever code does it): the blocks over it are dropped and their marks lowered,
 * so queries read the buckets again until maintenance rebuilds the blocks. Rollups only ever write
 * buckets after the marks, so for them the trigger's condition is false. Retention's deletes are
 * not watched: blocks starting before a cut are dropped with it.
 */
function schemaV3(): string {
  return blockTables('alloc');
}

/** Kinds whose hourly and daily rows are also read as blocks: pods, and (v4) containers. */
type BlockPrefix = 'alloc' | 'ctr';
const BLOCK_PREFIXES: readonly BlockPrefix[] = ['alloc', 'ctr'];
/** How far each kind's blocks are built, per cluster and size (v3 named the allocations' `block_marks`). */
const blockMarksTable = (prefix: BlockPrefix): string => (prefix === 'alloc' ? 'block_marks' : `${prefix}_block_marks`);

/** The blocks table of a kind, its marks, and the triggers that keep them true (see schemaV3). */
function blockTables(prefix: BlockPrefix): string {
  const kind = kindByName(prefix === 'alloc' ? 'allocations' : 'containers');
  const marksTable = blockMarksTable(prefix);
  const watch = (table: 'hourly' | 'daily', event: 'INSERT' | 'UPDATE'): string => {
    const sizes = table === 'hourly' ? `size_ms < ${DAY_MS}` : `size_ms >= ${DAY_MS}`;
    return `CREATE TRIGGER ${prefix}_${table}_${event.toLowerCase()}_under_blocks AFTER ${event} ON ${prefix}_${table}
      WHEN NEW.bucket_ms < (SELECT coalesce(max(through_ms), 0) FROM ${marksTable} WHERE cluster_id = NEW.cluster_id AND ${sizes})
      BEGIN
        DELETE FROM ${prefix}_blocks WHERE cluster_id = NEW.cluster_id AND ${sizes} AND bucket_ms > NEW.bucket_ms - size_ms AND bucket_ms <= NEW.bucket_ms;
        UPDATE ${marksTable} SET through_ms = min(through_ms, NEW.bucket_ms - NEW.bucket_ms % size_ms) WHERE cluster_id = NEW.cluster_id AND ${sizes};
      END`;
  };
  return `CREATE TABLE ${prefix}_blocks (cluster_id INTEGER NOT NULL, size_ms INTEGER NOT NULL, bucket_ms INTEGER NOT NULL, id INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, ${factColumns(kind)}, PRIMARY KEY (cluster_id, size_ms, bucket_ms, id)) WITHOUT ROWID;
    CREATE TABLE ${marksTable} (cluster_id INTEGER NOT NULL, size_ms INTEGER NOT NULL, through_ms INTEGER NOT NULL, PRIMARY KEY (cluster_id, size_ms)) WITHOUT ROWID;
    ${watch('hourly', 'INSERT')}; ${watch('hourly', 'UPDATE')}; ${watch('daily', 'INSERT')}; ${watch('daily', 'UPDATE')};`;
}

/**
 * v4: per-container rows (`--record-containers`, src/core/containers.ts): the `ctr_` tables, laid
 * out as the allocation ones with their blocks, and where each cluster's container rows start.
 */
function schemaV4(): string {
  return `${kindTables(kindByName('containers')).join(';\n')};
    ${blockTables('ctr')}
    ALTER TABLE clusters ADD COLUMN containers_from_ms INTEGER;`;
}

/** Migrations by the version they lead to; each runs in one transaction. */
const MIGRATIONS: readonly (() => string)[] = [schemaV1, schemaV2, schemaV3, schemaV4];
export const SCHEMA_VERSION = MIGRATIONS.length;

interface ClusterRow {
  id: number;
  name: string;
  demo: number;
  last_end_ms: number;
  hourly_through_ms: number;
  daily_through_ms: number;
  max_cycle_ms: number;
  containers_from_ms: number | null;
}

/** Where a query's result columns are: start, end, reconciled, id, step index, then the amounts. */
const COLUMN = { s: 0, e: 1, rec: 2, id: 3, k: 4, values: 5 } as const;

type RowBuilder = (cluster: string, identity: readonly unknown[], key: SQLOutputValue, r: readonly SQLOutputValue[]) => AnyRow;

/**
 * A function that builds a kind's row as one object literal with every field of the port, in its
 * order. Rows built field by field with computed names (`row[field] = v`) fall into V8's dictionary
 * mode past a dozen fields: an allocation row (27 fields) then costs several microseconds to build
 * and to read (bench/advice-demo.ts: most of the time of a week of hourly steps). Generated once per
 * kind from the constant field lists of sql.ts and plan.ts (checked to be plain identifiers).
 */
function rowBuilder(kind: SqlKind): RowBuilder {
  const name = (f: string): string => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f)) throw new Error(`internal: field name ${f}`);
    return f;
  };
  const fields = [`cluster: cluster`, `startMs: Number(r[${COLUMN.s}])`, `endMs: Number(r[${COLUMN.e}])`];
  for (const [i, ident] of kind.idents.entries()) fields.push(`${name(ident.field)}: identity[${i}]`);
  for (const [i, f] of [...kind.fact.sums, ...kind.fact.maxes].entries()) fields.push(`${name(f)}: Number(r[${COLUMN.values + i}])`);
  if (kind.basis) fields.push(`basis: Number(r[${COLUMN.rec}]) > 0 ? 'reconciled' : 'estimated'`);
  if (keyedKind(kind)) fields.push('key: key');
  return new Function('cluster', 'identity', 'key', 'r', `return { ${fields.join(', ')} };`) as RowBuilder;
}

const ROW_BUILDERS = new Map(SQL_KINDS.map((k) => [k, rowBuilder(k)]));

/** A part of a plan, or whole blocks of `blockMs` (alloc_blocks) starting in [startMs, endMs). */
type QueryPart = PlanPart | { readonly resolution: 'blocks'; readonly blockMs: number; readonly startMs: number; readonly endMs: number };

/** Builds the SQL answering one part of a plan for one kind: rows of (id, s, e, sums, maxes, rec). */
function partSql(kind: SqlKind, part: QueryPart): string {
  const { sums, maxes } = valueColumns(kind);
  const share = '((min(e0, $to) - max(s0, $from)) * 1.0 / (e0 - s0))';
  const cutCols = [...sums.map((c) => `${c} * ${share} AS ${c}`), ...maxes].join(', ');
  const wholeCols = [...sums, ...maxes].join(', ');
  if (part.resolution === 'raw') {
    const inner = [...sums, ...maxes].map((c) => `r.${c}`).join(', ');
    return `SELECT id, max(s0, $from) AS s, min(e0, $to) AS e, ${cutCols}, rec FROM (
      SELECT r.id AS id, coalesce(r.start_ms, c.start_ms) AS s0, coalesce(r.end_ms, c.end_ms) AS e0, ${inner}, r.reconciled AS rec
      FROM cycles c JOIN ${kind.prefix}_raw r ON r.cycle_id = c.id
      WHERE c.cluster_id = $cluster AND c.start_ms >= $from - $maxCycle AND c.start_ms < $to AND c.end_ms > $from) WHERE min(e0, $to) > max(s0, $from)`;
  }
  if (part.resolution === 'blocks') {
    return `SELECT id, start_ms AS s, end_ms AS e, ${wholeCols}, reconciled AS rec FROM ${kind.prefix}_blocks WHERE cluster_id = $cluster AND size_ms = ${part.blockMs} AND bucket_ms >= $from AND bucket_ms < $to`;
  }
  const table = `${kind.prefix}_${part.resolution}`;
  if (part.whole) return `SELECT id, start_ms AS s, end_ms AS e, ${wholeCols}, reconciled AS rec FROM ${table} WHERE cluster_id = $cluster AND bucket_ms >= $from AND bucket_ms < $to`;
  const size = part.resolution === 'hourly' ? HOUR_MS : DAY_MS;
  return `SELECT id, max(s0, $from) AS s, min(e0, $to) AS e, ${cutCols}, rec FROM (
    SELECT id, start_ms AS s0, end_ms AS e0, ${wholeCols}, reconciled AS rec FROM ${table}
    WHERE cluster_id = $cluster AND bucket_ms > $from - ${size} AND bucket_ms < $to AND end_ms > $from AND start_ms < $to)`;
}

/** The SQLite store: the port, and the write of a batch already validated and packed (packed.ts). */
export interface SqliteStore extends HistoryStore {
  recordPacked(batch: PackedBatch): Promise<void>;
}

export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const { path, retention = DEFAULT_RETENTION, yieldNow = defaultYield, synchronous = 'NORMAL', busyTimeoutMs = 5000 } = options;
  const description = `sqlite ${path}`;
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new StoreError(description, `cannot create the data directory ${dirname(path)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL with WAL: a committed cycle survives a killed process (the WAL is in the OS cache) and
    // the file stays consistent after a power cut, which may lose the last cycles; no fsync a cycle.
    db.exec(`PRAGMA synchronous = ${synchronous}`);
    db.exec('PRAGMA foreign_keys = OFF');
    // 8 MiB of page cache (SQLite's default is 2 MiB; it was 64 MiB, which a month of cycles and
    // maintenance filled for good: ~75 MiB of RSS). Queries read a few block rows per pod and the
    // OS caches the file anyway: 2, 8 and 64 MiB measured the same 30-day query (docs/benchmarks.md).
    db.exec('PRAGMA cache_size = -8192');
    db.exec('PRAGMA temp_store = MEMORY');
  } catch (err) {
    throw new StoreError(description, `cannot open the database: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version > MIGRATIONS.length) {
    db.close();
    throw new StoreError(description, `schema version ${version} is newer than this exporter understands (${MIGRATIONS.length}); upgrade the exporter or use another --data-dir`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v]!());
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      db.close();
      throw new StoreError(description, `migration to schema version ${v + 1} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  const statements = new Map<string, StatementSync>();
  const stmt = (sql: string): StatementSync => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  // Watermarks and retention marks are re-read at the start of every transaction: another process
  // (a second exporter on the same --data-dir, a CLI reading it) may have moved them.
  const marks = { raw_from: Number.NEGATIVE_INFINITY, hourly_from: Number.NEGATIVE_INFINITY, daily_from: Number.NEGATIVE_INFINITY };
  const loadMarks = (): void => {
    for (const row of stmt('SELECT name, value_ms FROM marks').all() as { name: keyof typeof marks; value_ms: number }[]) marks[row.name] = Number(row.value_ms);
  };

  const clusters = new Map<string, ClusterRow>();
  const loadClusters = (): void => {
    clusters.clear();
    for (const row of stmt('SELECT * FROM clusters').all() as unknown as ClusterRow[]) clusters.set(row.name, { ...row });
  };
  // How far the allocation blocks of each size are built, by cluster id (see blocks.ts).
  const blockMarks = new Map<BlockPrefix, Map<number, Map<number, number>>>(BLOCK_PREFIXES.map((p) => [p, new Map()]));
  const loadBlockMarks = (): void => {
    for (const prefix of BLOCK_PREFIXES) {
      const byCluster = blockMarks.get(prefix)!;
      byCluster.clear();
      for (const row of stmt(`SELECT cluster_id, size_ms, through_ms FROM ${blockMarksTable(prefix)}`).all() as { cluster_id: number; size_ms: number; through_ms: number }[]) {
        const m = byCluster.get(Number(row.cluster_id)) ?? new Map<number, number>();
        m.set(Number(row.size_ms), Number(row.through_ms));
        byCluster.set(Number(row.cluster_id), m);
      }
    }
  };
  const refresh = (): void => {
    loadMarks();
    loadClusters();
    loadBlockMarks();
  };
  refresh();
  const clusterById = (id: number): ClusterRow | undefined => [...clusters.values()].find((c) => c.id === id);

  // What each slot of a packer stands for (packed.ts), by kind prefix and cluster: the identity
  // row's id and the descriptive values last written (as stored: JSON for labels). One set of
  // tables per sender: record()'s own packer, and the packer of whoever calls recordPacked() (the
  // main thread, when this store runs in the worker); their slot numbers are unrelated.
  type SlotTables = Map<string, ({ readonly id: number; signature: string } | undefined)[]>;
  const localSlots: SlotTables = new Map();
  const remoteSlots: SlotTables = new Map();
  const identCols = new Map(SQL_KINDS.map((k) => [k, k.idents.map((i) => snake(i.field))]));
  const slotsOf = (slotTables: SlotTables, kind: SqlKind, clusterName: string): ({ readonly id: number; signature: string } | undefined)[] => {
    const name = `${kind.prefix}\u0000${clusterName}`;
    let t = slotTables.get(name);
    if (!t) {
      t = [];
      slotTables.set(name, t);
    }
    return t;
  };

  /** A slot (re)defined by a batch: its identity row found, inserted or brought up to date. */
  const defineSlot = (kind: SqlKind, clusterId: number, def: SlotDefinition, table: ({ readonly id: number; signature: string } | undefined)[]): void => {
    const values = kind.idents.map((f, i) => (f.json ? JSON.stringify(def.idents[i] ?? {}) : String(def.idents[i] ?? '')));
    const signature = values.join('\u0000');
    const cols = identCols.get(kind)!;
    const known = table[def.slot];
    if (known) {
      if (known.signature !== signature && cols.length > 0) {
        stmt(`UPDATE ${kind.prefix}_ids SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...values, known.id);
        known.signature = signature;
      }
      return;
    }
    const found = stmt(`SELECT id${cols.length ? `, ${cols.join(', ')}` : ''} FROM ${kind.prefix}_ids WHERE cluster_id = ? AND key = ?`).get(clusterId, def.key) as Record<string, SQLInputValue> | undefined;
    if (found) {
      const id = Number(found['id']);
      const stored = cols.map((c) => String(found[c])).join('\u0000');
      if (stored !== signature && cols.length > 0) stmt(`UPDATE ${kind.prefix}_ids SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...values, id);
      table[def.slot] = { id, signature };
      return;
    }
    const placeholders = ['?', '?', ...cols.map(() => '?')].join(', ');
    const result = stmt(`INSERT INTO ${kind.prefix}_ids (cluster_id, key${cols.length ? `, ${cols.join(', ')}` : ''}) VALUES (${placeholders})`).run(clusterId, def.key, ...values);
    table[def.slot] = { id: Number(result.lastInsertRowid), signature };
  };

  /** One INSERT of `rows` raw rows: fewer statement runs (each has a fixed cost) for a cycle. */
  const inserts = new Map<SqlKind, StatementSync[]>();
  const insertRaw = (kind: SqlKind, rows: number): StatementSync => {
    let byCount = inserts.get(kind);
    if (!byCount) {
      byCount = [];
      inserts.set(kind, byCount);
    }
    let s = byCount[rows];
    if (!s) {
      const { sums, maxes } = valueColumns(kind);
      const cols = ['cycle_id', 'id', 'start_ms', 'end_ms', ...sums, ...maxes, 'reconciled'];
      const one = `(${cols.map(() => '?').join(', ')})`;
      s = db.prepare(`INSERT INTO ${kind.prefix}_raw (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => one).join(', ')}`);
      byCount[rows] = s;
    }
    return s;
  };

  const writeBatch = (batch: PackedBatch, slotTables: SlotTables): void => {
    const row = stmt('SELECT * FROM clusters WHERE name = ?').get(batch.cluster) as ClusterRow | undefined;
    let cluster: ClusterRow | undefined = row ? { ...row } : undefined;
    if (cluster && batch.startMs < cluster.last_end_ms) throw new CycleOverlapError(batch.cluster, batch.startMs, cluster.last_end_ms);
    if (!cluster) {
      const dailyThrough = Math.floor(batch.startMs / HOUR_MS) * HOUR_MS;
      const r = stmt('INSERT INTO clusters (name, demo, last_end_ms, hourly_through_ms, daily_through_ms) VALUES (?, 0, ?, ?, ?)').run(batch.cluster, batch.startMs, batch.startMs, dailyThrough);
      cluster = {
        id: Number(r.lastInsertRowid),
        name: batch.cluster,
        demo: 0,
        last_end_ms: batch.startMs,
        hourly_through_ms: batch.startMs,
        daily_through_ms: dailyThrough,
        max_cycle_ms: 0,
        containers_from_ms: null,
      };
    }
    const containerRows = batch.kinds[SQL_KINDS.findIndex((k) => k.prefix === 'ctr')]?.count ?? 0;
    if (containerRows > 0 && cluster.containers_from_ms === null) {
      stmt('UPDATE clusters SET containers_from_ms = ? WHERE id = ?').run(batch.startMs, cluster.id);
      cluster.containers_from_ms = batch.startMs;
    }
    let rows = 1;
    for (const [k, kind] of SQL_KINDS.entries()) if (kind.prefix !== 'charge') rows += batch.kinds[k]?.count ?? 0;
    const cycleId = Number(stmt('INSERT INTO cycles (cluster_id, start_ms, end_ms, demo, rows) VALUES (?, ?, ?, ?, ?)').run(cluster.id, batch.startMs, batch.endMs, batch.demo ? 1 : 0, rows).lastInsertRowid);
    for (const [k, kind] of SQL_KINDS.entries()) {
      const packed = batch.kinds[k];
      if (!packed) throw new StoreError(description, `internal: the packed batch has no ${kind.fact.name}`);
      const table = slotsOf(slotTables, kind, batch.cluster);
      for (const def of packed.defined) defineSlot(kind, cluster.id, def, table);
      const width = packedWidth(kind);
      const amounts = width - 3;
      const src = packed.values;
      for (let from = 0; from < packed.count; from += ROWS_PER_INSERT) {
        const count = Math.min(ROWS_PER_INSERT, packed.count - from);
        const values: SQLInputValue[] = new Array((amounts + 5) * count);
        let i = 0;
        for (let n = from; n < from + count; n++) {
          const slot = packed.slots[n]!;
          const known = table[slot];
          if (known === undefined) throw new StoreError(description, `internal: ${kind.fact.name} row ${n} of the cycle refers to slot ${slot}, which no batch defined since the last reset`);
          const at = n * width;
          const start = src[at]!;
          const end = src[at + 1]!;
          values[i++] = cycleId;
          values[i++] = known.id;
          values[i++] = Number.isNaN(start) ? null : start;
          values[i++] = Number.isNaN(end) ? null : end;
          for (let c = 3; c < width; c++) values[i++] = src[at + c]!;
          values[i++] = src[at + 2]!;
        }
        insertRaw(kind, count).run(...values);
      }
    }
    const updated = stmt('UPDATE spans SET end_ms = ? WHERE cluster_id = ? AND end_ms = ?').run(batch.endMs, cluster.id, batch.startMs);
    if (Number(updated.changes) === 0) stmt('INSERT INTO spans (cluster_id, start_ms, end_ms) VALUES (?, ?, ?)').run(cluster.id, batch.startMs, batch.endMs);
    const demo = cluster.demo || batch.demo ? 1 : 0;
    const maxCycle = Math.max(cluster.max_cycle_ms, batch.endMs - batch.startMs);
    stmt('UPDATE clusters SET last_end_ms = ?, demo = ?, max_cycle_ms = ? WHERE id = ?').run(batch.endMs, demo, maxCycle, cluster.id);
    clusters.set(batch.cluster, { ...cluster, last_end_ms: batch.endMs, demo, max_cycle_ms: maxCycle });
  };

  /**
   * Writes a packed cycle (one transaction). A batch that says `reset` first forgets every slot; a
   * failed write forgets them too (ids inserted by the rolled-back transaction do not exist), and
   * the sender resets its packer on any error, so its next batch redefines them.
   */
  const recordPacked = (batch: PackedBatch, slotTables: SlotTables): void => {
    const hours = (batch.endMs - batch.startMs) / HOUR_MS;
    if (hours > MAX_CYCLE_HOURS) throw new StoreError(description, `a cycle of ${hours.toFixed(1)} hours is longer than the ${MAX_CYCLE_HOURS} hours one cycle may cover`);
    if (batch.reset) slotTables.clear();
    try {
      transaction(() => writeBatch(batch, slotTables));
    } catch (err) {
      slotTables.clear();
      throw err;
    }
  };
  const packer = createPacker();

  const transaction = <T>(fn: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      db.exec('COMMIT');
      return out;
    } catch (err) {
      db.exec('ROLLBACK');
      // Cluster rows inserted by the rolled-back transaction do not exist: forget them.
      refresh();
      throw err;
    }
  };

  const marksOf = (c: ClusterRow): Marks => ({
    hourlyThroughMs: c.hourly_through_ms,
    dailyThroughMs: c.daily_through_ms,
    lastEndMs: c.last_end_ms,
    rawFromMs: marks.raw_from,
    hourlyFromMs: marks.hourly_from,
    dailyFromMs: marks.daily_from,
  });

  /** Whole hourly and daily parts re-read as the fewest built blocks (pods and containers: the big tables). */
  const withBlocks = (parts: readonly PlanPart[], clusterId: number, prefix: BlockPrefix): QueryPart[] => {
    const built = blockMarks.get(prefix)?.get(clusterId);
    if (!built) return [...parts];
    const through = (size: number): number => built.get(size) ?? 0;
    const out: QueryPart[] = [];
    for (const part of parts) {
      if (!part.whole || part.resolution === 'raw') {
        out.push(part);
        continue;
      }
      const [base, sizes] = part.resolution === 'hourly' ? [HOUR_MS, HOUR_BLOCKS_MS] : [DAY_MS, DAY_BLOCKS_MS];
      for (const r of coverWithBlocks(part.startMs, part.endMs, base, sizes, through)) {
        out.push(r.sizeMs === 0 ? { ...part, startMs: r.startMs, endMs: r.endMs } : { resolution: 'blocks', blockMs: r.sizeMs, startMs: r.startMs, endMs: r.endMs });
      }
    }
    return out;
  };

  /** One consistent read (a WAL snapshot): every step and part sees the same data and watermarks. */
  function query<Row extends AnyRow>(fact: FactKind<Row>, q: TimeQuery, namespaces?: readonly string[]): StepSet<Row>[] {
    db.exec('BEGIN');
    try {
      refresh();
      return queryInSnapshot(fact, q, namespaces);
    } finally {
      db.exec('COMMIT');
    }
  }

  function queryInSnapshot<Row extends AnyRow>(fact: FactKind<Row>, q: TimeQuery, namespaces?: readonly string[]): StepSet<Row>[] {
    const kind = kindByName(fact.name);
    const { sums, maxes } = valueColumns(kind);
    const wanted = q.clusters ? new Set(q.clusters) : undefined;
    // The namespace push-down filter, on the identity table (the fact tables hold amounts only).
    const nsFilter = namespaces ? ` AND id IN (SELECT id FROM ${kind.prefix}_ids WHERE cluster_id = $cluster AND namespace IN (SELECT value FROM json_each($namespaces)))` : '';
    const aggregates = `MIN(s) AS s, MAX(e) AS e, ${sums.map((c) => `SUM(${c}) AS ${c}`).join(', ')}${maxes.map((c) => `, MAX(${c}) AS ${c}`).join('')}, MAX(rec) AS rec`;
    const valueCols = [...sums, ...maxes];
    const parsedJson = new Map<string, unknown>();
    const stepList = steps(q);
    const rowsByStep: Row[][] = stepList.map(() => []);

    // Statements return amounts only, as arrays (node:sqlite builds objects property by property,
    // several times slower), in this column order; what each thing is (the identity: labels,
    // names...) is read once per id, not once per row and step.
    const ID = COLUMN.id;
    const K = COLUMN.k;
    const head = (k: string) => `s, e, rec, id, ${k} AS k, ${valueCols.join(', ')}`;
    const pending: { clusterName: string; clusterId: number; found: SQLOutputValue[][]; step: number | undefined }[] = [];
    const run = (sql: string, params: Record<string, SQLInputValue>, clusterName: string, clusterId: number, step: number | undefined): void => {
      const statement = stmt(sql);
      statement.setReturnArrays(true);
      pending.push({ clusterName, clusterId, found: statement.all(params) as unknown as SQLOutputValue[][], step });
    };

    for (const cluster of clusters.values()) {
      if (wanted && !wanted.has(cluster.name)) continue;
      const marks = marksOf(cluster);
      const plans = stepList.map((step) => planStep(step, marks));
      // A step answered by whole buckets of one resolution that cover exactly the step: consecutive
      // steps like that are one statement (a week of hourly steps: one query, not 168), grouped by
      // step, or not grouped at all when a step is one bucket (one row per id and bucket).
      const whole = (n: number): PlanPart['resolution'] | undefined => {
        const parts = plans[n]!;
        const step = stepList[n]!;
        const p = parts[0];
        return parts.length === 1 && p !== undefined && p.whole && p.startMs === step.startMs && p.endMs === step.endMs ? p.resolution : undefined;
      };
      let n = 0;
      while (n < stepList.length) {
        const resolution = q.stepMs === undefined ? undefined : whole(n);
        let last = n;
        if (resolution !== undefined) while (last + 1 < stepList.length && whole(last + 1) === resolution) last++;
        const params: Record<string, SQLInputValue> = { cluster: cluster.id };
        if (namespaces) params['namespaces'] = JSON.stringify(namespaces);
        if (resolution !== undefined && last > n) {
          Object.assign(params, { from: stepList[n]!.startMs, to: stepList[last]!.endMs, step: q.stepMs!, first: n });
          const k = '$first + CAST((bucket_ms - $from) / $step AS INTEGER)';
          const from = `SELECT bucket_ms, id, start_ms AS s, end_ms AS e, ${valueCols.join(', ')}, reconciled AS rec FROM ${kind.prefix}_${resolution}
                  WHERE cluster_id = $cluster AND bucket_ms >= $from AND bucket_ms < $to${nsFilter}`;
          const oneBucket = q.stepMs === (resolution === 'hourly' ? HOUR_MS : DAY_MS);
          const sql = oneBucket ? `SELECT ${head(k)} FROM (${from})` : `SELECT ${head('k')} FROM (SELECT ${k} AS k, id, ${aggregates} FROM (${from}) GROUP BY k, id)`;
          run(sql, params, cluster.name, cluster.id, undefined);
          n = last + 1;
          continue;
        }
        const planned = plans[n]!;
        // Whole hourly and daily parts of allocations are read as the fewest built blocks.
        const parts = kind.prefix === 'alloc' || kind.prefix === 'ctr' ? withBlocks(planned, cluster.id, kind.prefix) : planned;
        if (parts.length > 0) {
          if (parts.some((p) => p.resolution === 'raw')) params['maxCycle'] = cluster.max_cycle_ms;
          const unions = parts.map((part, i) => {
            params[`from${i}`] = part.startMs;
            params[`to${i}`] = part.endMs;
            return partSql(kind, part).replaceAll('$from', `$from${i}`).replaceAll('$to', `$to${i}`);
          });
          const filtered = nsFilter === '' ? unions : unions.map((u) => `SELECT * FROM (${u}) WHERE 1${nsFilter}`);
          run(`SELECT ${head('0')} FROM (SELECT id, ${aggregates} FROM (${filtered.join('\nUNION ALL\n')}) GROUP BY id)`, params, cluster.name, cluster.id, n);
        }
        n++;
      }
    }

    // The identities of the ids found, one query per cluster, each read once.
    const identCols = kind.idents.map((i) => snake(i.field));
    const identities = new Map<string, { key: SQLOutputValue; values: unknown[] }>();
    const byCluster = new Map<number, Set<number>>();
    for (const p of pending) {
      const ids = byCluster.get(p.clusterId) ?? new Set<number>();
      for (const r of p.found) ids.add(Number(r[ID]));
      byCluster.set(p.clusterId, ids);
    }
    for (const [clusterId, ids] of byCluster) {
      if (ids.size === 0) continue;
      const statement = stmt(`SELECT id, key${identCols.length ? `, ${identCols.join(', ')}` : ''} FROM ${kind.prefix}_ids WHERE id IN (SELECT value FROM json_each($ids))`);
      statement.setReturnArrays(true);
      for (const r of statement.all({ ids: JSON.stringify([...ids]) }) as unknown as SQLOutputValue[][]) {
        const values = kind.idents.map((ident, i) => {
          const v = r[2 + i];
          if (!ident.json) return v;
          // The same labels come back for many ids: parse each distinct text once per query.
          const text = String(v);
          let parsed = parsedJson.get(text);
          if (parsed === undefined) {
            parsed = JSON.parse(text) as unknown;
            parsedJson.set(text, parsed);
          }
          return parsed;
        });
        identities.set(`${clusterId}/${Number(r[0])}`, { key: r[1] ?? '', values });
      }
    }
    const build = ROW_BUILDERS.get(kind)!;
    for (const p of pending) {
      for (const r of p.found) {
        const identity = identities.get(`${p.clusterId}/${Number(r[ID])}`);
        if (identity === undefined) throw new Error(`internal: ${kind.prefix} id ${String(r[ID])} has no identity`);
        rowsByStep[p.step ?? Number(r[K])]!.push(build(p.clusterName, identity.values, identity.key, r) as Row);
      }
    }
    return stepList.map((step, n) => ({ startMs: step.startMs, endMs: step.endMs, rows: rowsByStep[n]! }));
  }

  const rollupHourlySql = (kind: SqlKind): string => {
    const { sums, maxes } = valueColumns(kind);
    const inner = [...sums, ...maxes].map((c) => `r.${c} AS ${c}`).join(', ');
    const share = `((min(e0, b + ${HOUR_MS}) - max(s0, b)) * 1.0 / (e0 - s0))`;
    return `INSERT INTO ${kind.prefix}_hourly (cluster_id, bucket_ms, id, start_ms, end_ms, ${[...sums, ...maxes].join(', ')}, reconciled)
      SELECT $cluster, b, id, MIN(max(s0, b)), MAX(min(e0, b + ${HOUR_MS})), ${sums.map((c) => `SUM(${c} * ${share})`).join(', ')}${maxes.map((c) => `, MAX(${c})`).join('')}, MAX(rec)
      FROM (SELECT r.id AS id, coalesce(r.start_ms, c.start_ms) AS s0, coalesce(r.end_ms, c.end_ms) AS e0,
                   (coalesce(r.start_ms, c.start_ms) / ${HOUR_MS} + n.i) * ${HOUR_MS} AS b, ${inner}, r.reconciled AS rec
            FROM cycles c JOIN ${kind.prefix}_raw r ON r.cycle_id = c.id
            JOIN nums n ON n.i <= (coalesce(r.end_ms, c.end_ms) - 1) / ${HOUR_MS} - coalesce(r.start_ms, c.start_ms) / ${HOUR_MS}
            WHERE c.cluster_id = $cluster AND c.id >= $lo AND c.id <= $hi)
      WHERE min(e0, b + ${HOUR_MS}) > max(s0, b)
      GROUP BY b, id
      ON CONFLICT (cluster_id, bucket_ms, id) DO UPDATE SET start_ms = min(start_ms, excluded.start_ms), end_ms = max(end_ms, excluded.end_ms),
        ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}${maxes.map((c) => `, ${c} = max(${c}, excluded.${c})`).join('')}, reconciled = max(reconciled, excluded.reconciled)`;
  };

  const rollupDailySql = (kind: SqlKind): string => {
    const { sums, maxes } = valueColumns(kind);
    return `INSERT INTO ${kind.prefix}_daily (cluster_id, bucket_ms, id, start_ms, end_ms, ${[...sums, ...maxes].join(', ')}, reconciled)
      SELECT cluster_id, (bucket_ms / ${DAY_MS}) * ${DAY_MS}, id, MIN(start_ms), MAX(end_ms), ${sums.map((c) => `SUM(${c})`).join(', ')}${maxes.map((c) => `, MAX(${c})`).join('')}, MAX(reconciled)
      FROM ${kind.prefix}_hourly WHERE cluster_id = $cluster AND bucket_ms >= $from AND bucket_ms < $to
      GROUP BY 1, 2, 3
      ON CONFLICT (cluster_id, bucket_ms, id) DO UPDATE SET start_ms = min(start_ms, excluded.start_ms), end_ms = max(end_ms, excluded.end_ms),
        ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}${maxes.map((c) => `, ${c} = max(${c}, excluded.${c})`).join('')}, reconciled = max(reconciled, excluded.reconciled)`;
  };

  const setMark = (name: keyof typeof marks, value: number): void => {
    stmt('INSERT INTO marks (name, value_ms) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value_ms = max(value_ms, excluded.value_ms)').run(name, value);
    marks[name] = Math.max(marks[name], value);
  };

  let maintaining: Promise<void> | undefined;
  let closed = false;

  const freshCluster = (id: number): ClusterRow | undefined => {
    const row = stmt('SELECT * FROM clusters WHERE id = ?').get(id) as ClusterRow | undefined;
    return row ? { ...row } : undefined;
  };

  /** Raw → hourly: the next few cycles not yet added. False when there are none. */
  const rollupHourlyChunk = (clusterId: number): boolean => {
    const c = freshCluster(clusterId);
    if (!c) return false;
    const pending = stmt('SELECT id, end_ms, rows FROM cycles WHERE cluster_id = ? AND start_ms >= ? ORDER BY start_ms LIMIT 1000').all(c.id, c.hourly_through_ms) as {
      id: number;
      end_ms: number;
      rows: number;
    }[];
    const first = pending[0];
    if (!first) return false;
    let rows = 0;
    let last = first;
    for (const p of pending) {
      if (rows > 0 && rows + p.rows > CHUNK_ROWS) break;
      rows += p.rows;
      last = p;
    }
    for (const kind of SQL_KINDS) stmt(rollupHourlySql(kind)).run({ cluster: c.id, lo: first.id, hi: last.id });
    stmt('UPDATE clusters SET hourly_through_ms = ? WHERE id = ?').run(last.end_ms, c.id);
    return true;
  };

  /** Hourly → daily: the next few complete hours (all hours once the cluster stopped long ago). */
  const rollupDailyChunk = (clusterId: number, rawCut: number): boolean => {
    const c = freshCluster(clusterId);
    if (!c) return false;
    const through = c.last_end_ms <= rawCut ? c.hourly_through_ms : Math.floor(c.hourly_through_ms / HOUR_MS) * HOUR_MS;
    if (c.daily_through_ms >= through) return false;
    const to = Math.min(through, Math.floor(c.daily_through_ms / HOUR_MS) * HOUR_MS + 6 * HOUR_MS);
    for (const kind of SQL_KINDS) stmt(rollupDailySql(kind)).run({ cluster: c.id, from: c.daily_through_ms, to });
    stmt('UPDATE clusters SET daily_through_ms = ? WHERE id = ?').run(to, c.id);
    return true;
  };

  /** Drops the next few raw cycles past retention (only ones already rolled up). */
  const dropRawChunk = (clusterId: number, rawCut: number): boolean => {
    const c = freshCluster(clusterId);
    if (!c) return false;
    const old = stmt('SELECT id, rows FROM cycles WHERE cluster_id = ? AND end_ms <= ? AND end_ms <= ? ORDER BY start_ms LIMIT 1000').all(c.id, rawCut, c.hourly_through_ms) as { id: number; rows: number }[];
    if (old.length === 0) return false;
    let rows = 0;
    const ids: number[] = [];
    for (const o of old) {
      if (rows > 0 && rows + o.rows > CHUNK_ROWS) break;
      rows += o.rows;
      ids.push(o.id);
    }
    const drop = stmt('DELETE FROM cycles WHERE id = ?');
    for (const id of ids) {
      for (const kind of SQL_KINDS) stmt(`DELETE FROM ${kind.prefix}_raw WHERE cycle_id = ?`).run(id);
      drop.run(id);
    }
    return true;
  };

  /** Drops the oldest few buckets of a resolution before `cutMs`. */
  const dropBucketsChunk = (clusterId: number, res: 'hourly' | 'daily', cutMs: number): boolean => {
    const lows = SQL_KINDS.map((k) => (stmt(`SELECT MIN(bucket_ms) AS m FROM ${k.prefix}_${res} WHERE cluster_id = ?`).get(clusterId) as { m: number | null }).m).filter(
      (m): m is number => m !== null,
    );
    if (lows.length === 0) return false;
    const lowest = Math.min(...lows.map(Number));
    if (lowest >= cutMs) return false;
    const to = Math.min(cutMs, lowest + (res === 'hourly' ? 6 * HOUR_MS : 30 * DAY_MS));
    for (const kind of SQL_KINDS) stmt(`DELETE FROM ${kind.prefix}_${res} WHERE cluster_id = ? AND bucket_ms >= ? AND bucket_ms < ?`).run(clusterId, lowest, to);
    return true;
  };

  /**
   * Allocation blocks of one size: the next few, from the base buckets (the smallest size) or the
   * blocks half their size, over base buckets that can no longer change. False when up to date.
   * Buckets rewritten after the fact drop the blocks over them (the triggers of schemaV3).
   */
  const buildBlocksChunk = (clusterId: number, sizeMs: number, prefix: BlockPrefix): boolean => {
    const c = freshCluster(clusterId);
    if (!c) return false;
    const hourly = HOUR_BLOCKS_MS.includes(sizeMs);
    const sizes = hourly ? HOUR_BLOCKS_MS : DAY_BLOCKS_MS;
    const smaller = sizes[sizes.indexOf(sizeMs) - 1];
    const built = new Map(
      (stmt(`SELECT size_ms, through_ms FROM ${blockMarksTable(prefix)} WHERE cluster_id = ?`).all(clusterId) as { size_ms: number; through_ms: number }[]).map((r) => [Number(r.size_ms), Number(r.through_ms)]),
    );
    // Whole hours before hourly_through_ms and whole days before daily_through_ms are final.
    const final = hourly ? Math.floor(c.hourly_through_ms / HOUR_MS) * HOUR_MS : Math.floor(c.daily_through_ms / DAY_MS) * DAY_MS;
    const to = Math.floor(Math.min(final, smaller === undefined ? final : (built.get(smaller) ?? 0)) / sizeMs) * sizeMs;
    const base = `${prefix}_${hourly ? 'hourly' : 'daily'}`;
    const source = smaller === undefined ? `${base} WHERE cluster_id = $cluster` : `${prefix}_blocks WHERE cluster_id = $cluster AND size_ms = ${smaller}`;
    let from = built.get(sizeMs);
    if (from === undefined) {
      const first = (stmt(`SELECT MIN(bucket_ms) AS m FROM ${source}`).get({ cluster: clusterId }) as { m: number | null }).m;
      if (first === null) return false;
      from = Math.floor(Number(first) / sizeMs) * sizeMs;
    }
    // Base buckets before the retention mark are gone: no block is built over them.
    const kept = hourly ? marks.hourly_from : marks.daily_from;
    if (Number.isFinite(kept)) from = Math.max(from, Math.ceil(kept / sizeMs) * sizeMs);
    if (from >= to) return false;
    // About CHUNK_ROWS source rows per transaction (at least one block).
    const nth = stmt(`SELECT bucket_ms FROM ${source} AND bucket_ms >= $from ORDER BY bucket_ms LIMIT 1 OFFSET ${CHUNK_ROWS}`).get({ cluster: clusterId, from }) as { bucket_ms: number } | undefined;
    const end = nth === undefined ? to : Math.min(to, Math.max(from + sizeMs, Math.floor(Number(nth.bucket_ms) / sizeMs) * sizeMs));
    const { sums, maxes } = valueColumns(kindByName(prefix === 'alloc' ? 'allocations' : 'containers'));
    stmt(
      `INSERT OR REPLACE INTO ${prefix}_blocks (cluster_id, size_ms, bucket_ms, id, start_ms, end_ms, ${[...sums, ...maxes].join(', ')}, reconciled)
       SELECT cluster_id, ${sizeMs}, (bucket_ms / ${sizeMs}) * ${sizeMs}, id, MIN(start_ms), MAX(end_ms), ${sums.map((col) => `SUM(${col})`).join(', ')}${maxes.map((col) => `, MAX(${col})`).join('')}, MAX(reconciled)
       FROM ${source} AND bucket_ms >= $from AND bucket_ms < $to GROUP BY 3, id`,
    ).run({ cluster: clusterId, from, to: end });
    stmt(`INSERT INTO ${blockMarksTable(prefix)} (cluster_id, size_ms, through_ms) VALUES (?, ?, ?) ON CONFLICT (cluster_id, size_ms) DO UPDATE SET through_ms = excluded.through_ms`).run(clusterId, sizeMs, end);
    return true;
  };

  const maintainNow = async (nowMs: number): Promise<void> => {
    const rawCut = nowMs - retention.rawMs;
    const hourlyCut = Math.floor((nowMs - retention.hourlyMs) / HOUR_MS) * HOUR_MS;
    const dailyCut = retention.dailyMs === undefined ? undefined : Math.floor((nowMs - retention.dailyMs) / DAY_MS) * DAY_MS;
    // Each chunk is one short transaction; between chunks the event loop runs (cycles, scrapes).
    const repeat = async (chunk: () => boolean): Promise<void> => {
      while (!closed && transaction(chunk)) await yieldNow();
    };
    transaction(refresh);
    for (const { id } of [...clusters.values()]) {
      await repeat(() => rollupHourlyChunk(id));
      await repeat(() => rollupDailyChunk(id, rawCut));
      for (const prefix of BLOCK_PREFIXES) for (const size of [...HOUR_BLOCKS_MS, ...DAY_BLOCKS_MS]) await repeat(() => buildBlocksChunk(id, size, prefix));
      await repeat(() => dropRawChunk(id, rawCut));
      await repeat(() => dropBucketsChunk(id, 'hourly', hourlyCut));
      // Blocks starting before a cut go with their base buckets; those after it stay whole.
      for (const prefix of BLOCK_PREFIXES) transaction(() => stmt(`DELETE FROM ${prefix}_blocks WHERE cluster_id = ? AND size_ms < ${DAY_MS} AND bucket_ms < ?`).run(id, hourlyCut));
      if (dailyCut !== undefined) {
        await repeat(() => dropBucketsChunk(id, 'daily', dailyCut));
        for (const prefix of BLOCK_PREFIXES) transaction(() => stmt(`DELETE FROM ${prefix}_blocks WHERE cluster_id = ? AND size_ms >= ${DAY_MS} AND bucket_ms < ?`).run(id, dailyCut));
        transaction(() => {
          stmt('DELETE FROM spans WHERE cluster_id = ? AND end_ms <= ?').run(id, dailyCut);
          stmt('UPDATE spans SET start_ms = ? WHERE cluster_id = ? AND start_ms < ?').run(dailyCut, id, dailyCut);
        });
      }
    }
    if (closed) return;
    transaction(() => {
      setMark('raw_from', rawCut);
      setMark('hourly_from', hourlyCut);
      if (dailyCut !== undefined) setMark('daily_from', dailyCut);
      loadClusters();
    });
  };

  const reconcileStatements = reconcileSql({
    table: (prefix, res) => `${prefix}_${res}`,
    rawScope: (lo, h) => ({ join: `JOIN cycles c ON c.cluster_id = $cluster AND c.start_ms >= ${lo} AND c.start_ms < ${hourEnd(h)}`, where: 'r.cycle_id = c.id' }),
    yes: '1',
    greatest: 'max',
    bills: 'temp.kce_reconcile_bills',
    allocs: 'temp.kce_reconcile_allocs',
    ctrs: 'temp.kce_reconcile_ctrs',
  });
  /** HistoryStore.reconcileNodeHours: one transaction for the batch (the caller batches). */
  const reconcileNodeHours = (clusterName: string, bills: readonly NodeHourBill[]): number =>
    transaction(() => {
      refresh();
      const cluster = clusters.get(clusterName);
      if (!cluster) return 0;
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS kce_reconcile_bills (node TEXT NOT NULL, h INTEGER NOT NULL, billed REAL NOT NULL, node_id INTEGER, day INTEGER, recorded REAL, f REAL, PRIMARY KEY (node, h));
        CREATE INDEX IF NOT EXISTS temp.kce_reconcile_bills_by_id ON kce_reconcile_bills (node_id, h);
        CREATE TEMP TABLE IF NOT EXISTS kce_reconcile_allocs (id INTEGER NOT NULL, h INTEGER NOT NULL, day INTEGER NOT NULL, f REAL NOT NULL, PRIMARY KEY (id, h));
        CREATE TEMP TABLE IF NOT EXISTS kce_reconcile_ctrs (id INTEGER NOT NULL, h INTEGER NOT NULL, day INTEGER NOT NULL, f REAL NOT NULL, PRIMARY KEY (id, h));
        DELETE FROM temp.kce_reconcile_bills; DELETE FROM temp.kce_reconcile_allocs; DELETE FROM temp.kce_reconcile_ctrs;`);
      const insert = stmt('INSERT OR REPLACE INTO temp.kce_reconcile_bills (node, h, billed) VALUES (?, ?, ?)');
      for (const b of bills) if (Number.isFinite(b.billedCostUsd)) insert.run(b.node, b.hourStartMs, b.billedCostUsd);
      const params = { cluster: cluster.id, hourlyThrough: cluster.hourly_through_ms, dailyThrough: cluster.daily_through_ms };
      for (const sql of reconcileStatements.prepare) stmt(sql).run(paramsOf(sql, params));
      const changed = Number((stmt('SELECT count(*) AS n FROM temp.kce_reconcile_bills').get() as { n: number }).n);
      if (changed > 0) for (const sql of reconcileStatements.apply) stmt(sql).run(paramsOf(sql, params));
      return changed;
    });

  return {
    kind: 'sqlite',
    description,
    async record(batch) {
      // Validated while packed (packed.ts: the typed errors of validate.ts).
      try {
        recordPacked(packer.pack(batch), localSlots);
      } catch (err) {
        packer.reset();
        throw err;
      }
    },
    /** record() of a batch validated and packed by the caller (packed.ts): what the worker thread receives. */
    async recordPacked(batch: PackedBatch) {
      recordPacked(batch, remoteSlots);
    },
    ...factReads(query),
    async coverage(): Promise<Coverage[]> {
      loadClusters();
      const spans = stmt('SELECT cluster_id, start_ms, end_ms FROM spans ORDER BY cluster_id, start_ms').all() as { cluster_id: number; start_ms: number; end_ms: number }[];
      const byCluster = new Map<number, { start_ms: number; end_ms: number }[]>();
      for (const s of spans) {
        const list = byCluster.get(s.cluster_id) ?? [];
        list.push(s);
        byCluster.set(s.cluster_id, list);
      }
      const out: Coverage[] = [];
      for (const [id, list] of byCluster) {
        const c = clusterById(id);
        if (!c) continue;
        const spans = list.map((s) => ({ startMs: Number(s.start_ms), endMs: Number(s.end_ms) }));
        const coverage = coverageOf(c.name, spans, { demo: c.demo === 1, containersFromMs: c.containers_from_ms === null ? undefined : Number(c.containers_from_ms) });
        if (coverage) out.push(coverage);
      }
      return out.sort(byClusterName);
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
      try {
        db.exec('PRAGMA optimize');
      } catch {
        // optimize is advisory
      }
      db.close();
    },
  };
}
