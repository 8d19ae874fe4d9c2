// What the history store benchmarks share (bench/store.ts, containers.ts, hub.ts, store-memory.ts):
// one cycle of the synthetic cluster costed once by the real model and moved in time (and to
// another cluster), the timed write and hourly-history loops, the bytes of each table on disk, and
// fresh stores by name on each backend (SQLite files in a temporary directory, databases on a
// throwaway PostgreSQL server), deleted afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { allocate } from '../src/core/allocate.ts';
import { loadCatalog } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { convertKubeDocuments } from '../src/sources/kube-objects.ts';
import { convertPodMetricsList } from '../src/sources/pod-metrics.ts';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { ALLOCATION_SUMS, CLUSTER_SUMS, DISK_SUMS, HOUR_MS, LOAD_BALANCER_SUMS, NODE_SUMS } from '../src/store/plan.ts';
import { createPostgresStore } from '../src/store/postgres.ts';
import { cycleBatch } from '../src/store/record.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import type { CycleBatch, HistoryStore } from '../src/store/types.ts';
import { startPgServer } from '../test/helpers/postgres.ts';

export const DAY_MS = 86_400_000;
/** The end of the template's hour; the benchmarks' history starts here. */
export const T0 = Date.UTC(2026, 9, 1);

export interface CycleTemplate {
  /**
   * The cycle over [startMs, endMs): every amount (the fields the store sums) scaled from the
   * template's hour to that length; `cluster` renames every row; the container rows (of a template
   * made with `containers`) unless `containers: false`.
   */
  at(startMs: number, endMs: number, options?: { readonly cluster?: string; readonly containers?: boolean }): CycleBatch;
}

/** The synthetic cluster of `nodes` and `pods` over the hour before T0, costed once, as cluster `bench`. */
export function cycleTemplate(options: { readonly nodes: number; readonly pods: number; readonly containers?: boolean }): CycleTemplate {
  const { nodes, pods, containers = false } = options;
  const list = generateSyntheticList({ nodes, pods });
  const { snapshot } = convertKubeDocuments([{ doc: list, origin: 'bench' }]);
  const { usage } = convertPodMetricsList(generateSyntheticMetrics(list), 'bench');
  const snap = { ...snapshot, usage };
  const window = { startMs: T0 - HOUR_MS, endMs: T0 };
  const report = allocate(snap, createPriceBook({ catalog: loadCatalog() }), window);
  const base = cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'bench', demo: false, ...(containers ? { containers } : {}) });
  return {
    at(startMs, endMs, { cluster, containers: withContainers = true } = {}) {
      const hours = (endMs - startMs) / HOUR_MS;
      const moved = { startMs, endMs, ...(cluster === undefined ? {} : { cluster }) };
      const re = <T>(rows: readonly T[], sums: readonly string[]): T[] =>
        rows.map((r) => {
          const out: Record<string, unknown> = { ...(r as Record<string, unknown>), ...moved };
          for (const f of sums) out[f] = ((r as Record<string, unknown>)[f] as number) * hours;
          return out as T;
        });
      const { containers: rows, ...rest } = base;
      return {
        ...rest,
        ...moved,
        allocations: re(base.allocations, ALLOCATION_SUMS),
        ...(rows && withContainers ? { containers: re(rows, ALLOCATION_SUMS) } : {}),
        nodes: re(base.nodes, NODE_SUMS),
        disks: re(base.disks, DISK_SUMS),
        loadBalancers: re(base.loadBalancers, LOAD_BALANCER_SUMS),
        clusterCharges: re([base.clusterCharges], CLUSTER_SUMS)[0]!,
      };
    },
  };
}

/**
 * Live writes: `cycles` 60-second cycles from `startMs` after `warmUps` more, each recorded into
 * every writer in turn (so that all see the same load of the shared machine); the record() times of
 * each writer, ms, warm-ups left out.
 */
export async function timeWrites(
  writers: readonly { readonly store: HistoryStore; readonly containers?: boolean }[],
  cycle: CycleTemplate,
  options: { readonly startMs: number; readonly cycles?: number; readonly warmUps?: number },
): Promise<number[][]> {
  const { startMs, cycles = 30, warmUps = 2 } = options;
  const times = writers.map(() => [] as number[]);
  for (let i = 0; i < warmUps + cycles; i++) {
    for (const [w, { store, containers }] of writers.entries()) {
      const batch = cycle.at(startMs + i * 60_000, startMs + (i + 1) * 60_000, containers === undefined ? {} : { containers });
      const t = performance.now();
      await store.record(batch);
      if (i >= warmUps) times[w]!.push(performance.now() - t);
    }
  }
  return times;
}

/** `days` of hourly cycles from T0 recorded (a log line a week), then one maintain() at their end; seconds of each. */
export async function recordHourlyHistory(store: HistoryStore, cycle: CycleTemplate, options: { readonly days: number; readonly log: (msg: string) => void }): Promise<{ recordSeconds: number; maintainSeconds: number }> {
  const { days, log } = options;
  const t = performance.now();
  for (let h = 0; h < days * 24; h++) {
    await store.record(cycle.at(T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS));
    if (h % 168 === 167) log(`recorded ${h + 1} hourly cycles`);
  }
  const recordSeconds = (performance.now() - t) / 1000;
  const m = performance.now();
  await store.maintain(T0 + days * DAY_MS);
  return { recordSeconds, maintainSeconds: (performance.now() - m) / 1000 };
}

/** Bytes on disk of one table (SQLite: or index) of a store. */
export interface TableBytes {
  readonly name: string;
  readonly bytes: number;
}

/** Every table and index of a SQLite file (dbstat, after a WAL checkpoint). */
function sqliteTableBytes(path: string): TableBytes[] {
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
    return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  } finally {
    db.close();
  }
}

/** The store's tables (`kce_*`, with their indexes and TOAST) of a PostgreSQL database, after VACUUM ANALYZE. */
async function pgTableBytes(url: string): Promise<TableBytes[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('VACUUM ANALYZE');
    const rows = (
      await c.query<{ name: string; bytes: string }>(
        "SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'kce_%'",
      )
    ).rows;
    return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
  } finally {
    await c.end();
  }
}

export type Backend = 'sqlite' | 'postgres';

/** A fresh store and the bytes of its tables. */
export interface BenchStore {
  readonly store: HistoryStore;
  tableBytes(): Promise<TableBytes[]>;
}

export interface BackendRun {
  readonly backend: Backend;
  /** A fresh, empty store named `name` (letters, digits, `-`). */
  open(name: string): Promise<BenchStore>;
  /** SQLite only: the file of the store named `name`. */
  readonly sqlitePath?: (name: string) => string;
}

/**
 * `run` once for each of `backends`, SQLite first: on SQLite files in a temporary directory
 * (`tmpPrefix`), on databases of a throwaway PostgreSQL server; both deleted afterwards.
 */
export async function eachBackend<R>(backends: readonly Backend[], tmpPrefix: string, run: (on: BackendRun) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  if (backends.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    const sqlitePath = (name: string): string => join(dir, `${name}.db`);
    try {
      out.push(
        await run({
          backend: 'sqlite',
          sqlitePath,
          async open(name) {
            const path = sqlitePath(name);
            return { store: createSqliteStore({ path }), tableBytes: async () => sqliteTableBytes(path) };
          },
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (backends.includes('postgres')) {
    const server = await startPgServer();
    try {
      out.push(
        await run({
          backend: 'postgres',
          async open(name) {
            const url = await server.createDatabase(name.replaceAll('-', '_'));
            return { store: await createPostgresStore({ url }), tableBytes: () => pgTableBytes(url) };
          },
        }),
      );
    } finally {
      await server.stop();
    }
  }
  return out;
}
