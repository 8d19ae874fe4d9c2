// History store benchmark, SQLite and PostgreSQL, at 10,000 pods (a synthetic cluster of 1,000
// nodes costed once by the real model; the same amounts are recorded cycle after cycle):
//   - write: one cycle's record() (60-second cycles), median of 30;
//   - bytes per pod-day on disk: raw (per-cycle rows at a 60 s interval) and hourly + daily rollups;
//   - a 30-day query over hourly data (720 hourly cycles recorded, rolled up): per-pod totals for the
//     window (one step), then grouped by namespace in JavaScript as the API does; median of 5; and
//     the same with daily steps (30 sets).
// Run: `npm run bench -- --sizes store` (bench/run.ts), or `node bench/store.ts [sqlite|postgres]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { allocate } from '../src/core/allocate.ts';
import { loadCatalog } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { convertKubeDocuments } from '../src/sources/kube-objects.ts';
import { convertPodMetricsList } from '../src/sources/pod-metrics.ts';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { HOUR_MS } from '../src/store/plan.ts';
import { createPostgresStore } from '../src/store/postgres.ts';
import { cycleBatch } from '../src/store/record.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { createSqliteStoreInWorker } from '../src/store/sqlite-thread.ts';
import type { CycleBatch, HistoryStore } from '../src/store/types.ts';
import { startPgServer } from '../test/pg-server.ts';
import { median } from './stats.ts';

const PODS = 10_000;
const NODES = 1_000;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

export interface StoreBench {
  readonly backend: 'sqlite' | 'postgres';
  readonly pods: number;
  readonly allocationsPerCycle: number;
  readonly writeMedianMs: number;
  readonly writeP90Ms: number;
  /** SQLite only: record() through the store's worker thread, answered (median), and the main thread's synchronous part (copying the batch). */
  readonly workerWriteMs?: number;
  readonly workerWriteMainThreadMs?: number;
  readonly rawBytesPerPodDay: number;
  readonly rollupBytesPerPodDay: number;
  readonly backfill720Seconds: number;
  readonly maintainSeconds: number;
  readonly query30dMs: number;
  readonly query30dRows: number;
  readonly query30dNowMs: number;
  readonly namespaces: number;
  readonly query30dDailyStepsMs: number;
  readonly load: string;
}

function p90(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
}

/** One cycle of the synthetic cluster, costed once; `at` moves it in time. */
export function template(): { at(startMs: number, endMs: number): CycleBatch } {
  const list = generateSyntheticList({ nodes: NODES, pods: PODS });
  const { snapshot } = convertKubeDocuments([{ doc: list, origin: 'bench' }]);
  const { usage } = convertPodMetricsList(generateSyntheticMetrics(list), 'bench');
  const snap = { ...snapshot, usage };
  const prices = createPriceBook({ catalog: loadCatalog() });
  const window = { startMs: T0 - HOUR_MS, endMs: T0 };
  const report = allocate(snap, prices, window);
  const base = cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'bench', demo: false });
  const scale = (hours: number) => (r: Record<string, unknown>, sums: readonly string[]) => {
    const out: Record<string, unknown> = { ...r };
    for (const f of sums) out[f] = (r[f] as number) * hours;
    return out;
  };
  return {
    at(startMs, endMs) {
      const hours = (endMs - startMs) / HOUR_MS;
      const s = scale(hours);
      const re = <T>(rows: readonly T[], sums: readonly string[]): T[] => rows.map((r) => ({ ...(s(r as Record<string, unknown>, sums) as T), startMs, endMs }));
      const allocSums = ['minutes', 'cpuCoreRequestHours', 'cpuCoreUsageHours', 'cpuCoreHours', 'ramByteRequestHours', 'ramByteUsageHours', 'ramByteHours', 'gpuHours', 'usageMinutes', 'cpuCostUsd', 'ramCostUsd', 'gpuCostUsd', 'pvCostUsd', 'loadBalancerCostUsd', 'networkCostUsd', 'spotSavingsUsd'];
      return {
        ...base,
        startMs,
        endMs,
        allocations: re(base.allocations, allocSums),
        nodes: re(base.nodes, ['minutes', 'cpuCostUsd', 'ramCostUsd', 'gpuCostUsd', 'totalCostUsd', 'onDemandCostUsd', 'idleCostUsd']),
        disks: re(base.disks, ['minutes', 'costUsd']),
        loadBalancers: re(base.loadBalancers, ['minutes', 'costUsd']),
        clusterCharges: { ...base.clusterCharges, startMs, endMs, minutes: base.clusterCharges.minutes * hours, managementCostUsd: base.clusterCharges.managementCostUsd * hours },
      };
    },
  };
}

interface Sizer {
  /** Bytes of the raw tables, and of the hourly + daily tables. */
  bytes(): Promise<{ raw: number; rollups: number }>;
}

function sqliteSizer(path: string): Sizer {
  return {
    async bytes() {
      const db = new DatabaseSync(path);
      try {
        db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
        let raw = 0;
        let rollups = 0;
        for (const r of rows) {
          if (r.name.endsWith('_raw') || r.name === 'cycles' || r.name.startsWith('cycles_')) raw += Number(r.bytes);
          if (r.name.endsWith('_hourly') || r.name.endsWith('_daily') || r.name.endsWith('_blocks')) rollups += Number(r.bytes);
        }
        return { raw, rollups };
      } finally {
        db.close();
      }
    },
  };
}

function pgSizer(url: string): Sizer {
  return {
    async bytes() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query('VACUUM ANALYZE');
        const rows = (
          await c.query<{ name: string; bytes: string }>(
            "SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'kce_%'",
          )
        ).rows;
        let raw = 0;
        let rollups = 0;
        for (const r of rows) {
          if (/_raw_d\d+$/.test(r.name) || r.name === 'kce_cycles') raw += Number(r.bytes);
          if (/_hourly_w\d+$/.test(r.name) || r.name.endsWith('_daily')) rollups += Number(r.bytes);
        }
        return { raw, rollups };
      } finally {
        await c.end();
      }
    },
  };
}

async function benchOne(
  backend: 'sqlite' | 'postgres',
  open: (db: string) => Promise<{ store: HistoryStore; sizer: Sizer }>,
  cycle: ReturnType<typeof template>,
  openWorker?: (db: string) => Promise<HistoryStore>,
): Promise<StoreBench> {
  const log = (msg: string): void => {
    process.stderr.write(`store bench (${backend}): ${msg}\n`);
  };
  // 1. Live writes: 30 cycles of 60 s on an empty store (after two warm-up cycles).
  const live = await open('live');
  const writes: number[] = [];
  const start = T0 + 40 * DAY_MS;
  for (let i = 0; i < 32; i++) {
    const batch = cycle.at(start + i * 60_000, start + (i + 1) * 60_000);
    const t = performance.now();
    await live.store.record(batch);
    if (i >= 2) writes.push(performance.now() - t);
  }
  const rawBytes = (await live.sizer.bytes()).raw;
  await live.store.close();
  const allocationsPerCycle = cycle.at(0, 1).allocations.length;
  // Raw rows per pod-day at a 60 s interval: 1,440 cycles.
  const rawBytesPerPodDay = (rawBytes / (32 * allocationsPerCycle)) * 1_440;
  log(`write median ${median(writes).toFixed(1)} ms; raw ${(rawBytesPerPodDay / 1024).toFixed(0)} KiB per pod-day`);
  let worker: { workerWriteMs: number; workerWriteMainThreadMs: number } | undefined;
  if (backend === 'sqlite' && openWorker) {
    const inWorker = await openWorker('live-worker');
    const answered: number[] = [];
    const blocked: number[] = [];
    for (let i = 0; i < 32; i++) {
      const batch = cycle.at(start + i * 60_000, start + (i + 1) * 60_000);
      const t = performance.now();
      const done = inWorker.record(batch);
      const sync = performance.now() - t;
      await done;
      if (i >= 2) {
        answered.push(performance.now() - t);
        blocked.push(sync);
      }
    }
    await inWorker.close();
    worker = { workerWriteMs: median(answered), workerWriteMainThreadMs: median(blocked) };
    log(`through the worker: answered in ${worker.workerWriteMs.toFixed(1)} ms, main thread busy ${worker.workerWriteMainThreadMs.toFixed(1)} ms`);
  }

  // 2. 30 days of hourly history (plus a day of margin), rolled up.
  const hist = await open('history');
  const t = performance.now();
  const days = 31;
  for (let h = 0; h < days * 24; h++) {
    await hist.store.record(cycle.at(T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS));
    if (h % 168 === 167) log(`recorded ${h + 1} hourly cycles`);
  }
  const backfill720Seconds = (performance.now() - t) / 1000;
  const m = performance.now();
  await hist.store.maintain(T0 + days * DAY_MS);
  const maintainSeconds = (performance.now() - m) / 1000;
  const sizes = await hist.sizer.bytes();
  const rollupBytesPerPodDay = sizes.rollups / (allocationsPerCycle * days);
  log(`recorded in ${backfill720Seconds.toFixed(1)} s, maintained in ${maintainSeconds.toFixed(1)} s; rollups ${rollupBytesPerPodDay.toFixed(0)} B per pod-day`);

  // 3. The 30-day query: whole days from the daily buckets, the edges (10:30 → 10:30) from hourly.
  const q = { startMs: T0 + 10.5 * HOUR_MS, endMs: T0 + 30 * DAY_MS + 10.5 * HOUR_MS };
  const times: number[] = [];
  let rows = 0;
  let namespaces = 0;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const [set] = await hist.store.allocations(q);
    const byNs = new Map<string, number>();
    for (const r of set?.rows ?? []) byNs.set(r.namespace, (byNs.get(r.namespace) ?? 0) + r.cpuCostUsd + r.ramCostUsd + r.gpuCostUsd + r.pvCostUsd + r.loadBalancerCostUsd);
    if (i > 0) times.push(performance.now() - t0);
    rows = set?.rows.length ?? 0;
    namespaces = byNs.size;
  }
  // The API's `window=30d`: from 30 days ago (mid-day: a start edge of hourly buckets) to now, the
  // end of the recorded data (the day in progress is taken whole from its partial daily bucket).
  const nowMs = T0 + days * DAY_MS;
  const recent = { startMs: nowMs - 30 * DAY_MS - 13.5 * HOUR_MS, endMs: nowMs };
  const recentTimes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const [set] = await hist.store.allocations(recent);
    const byNs = new Map<string, number>();
    for (const r of set?.rows ?? []) byNs.set(r.namespace, (byNs.get(r.namespace) ?? 0) + r.cpuCostUsd + r.ramCostUsd);
    if (i > 0) recentTimes.push(performance.now() - t0);
  }
  const stepTimes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    await hist.store.allocations({ startMs: T0, endMs: T0 + 30 * DAY_MS, stepMs: DAY_MS });
    if (i > 0) stepTimes.push(performance.now() - t0);
  }
  await hist.store.close();
  log(`30-day query ${median(times).toFixed(0)} ms (${rows} rows, ${namespaces} namespaces); ending now ${median(recentTimes).toFixed(0)} ms; daily steps ${median(stepTimes).toFixed(0)} ms`);
  return {
    backend,
    pods: PODS,
    allocationsPerCycle,
    writeMedianMs: median(writes),
    writeP90Ms: p90(writes),
    ...(worker ?? {}),
    rawBytesPerPodDay,
    rollupBytesPerPodDay,
    backfill720Seconds,
    maintainSeconds,
    query30dMs: median(times),
    query30dRows: rows,
    query30dNowMs: median(recentTimes),
    namespaces,
    query30dDailyStepsMs: median(stepTimes),
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

export async function benchStore(backends: readonly ('sqlite' | 'postgres')[] = ['sqlite', 'postgres']): Promise<StoreBench[]> {
  const cycle = template();
  const out: StoreBench[] = [];
  if (backends.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'kce-store-bench-'));
    try {
      out.push(
        await benchOne(
          'sqlite',
          async (name) => {
            const path = join(dir, `${name}.db`);
            return { store: createSqliteStore({ path }), sizer: sqliteSizer(path) };
          },
          cycle,
          (name) => createSqliteStoreInWorker({ path: join(dir, `${name}.db`) }),
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (backends.includes('postgres')) {
    const server = await startPgServer();
    try {
      out.push(
        await benchOne(
          'postgres',
          async (name) => {
            const url = await server.createDatabase(name);
            return { store: await createPostgresStore({ url }), sizer: pgSizer(url) };
          },
          cycle,
        ),
      );
    } finally {
      await server.stop();
    }
  }
  return out;
}

export function printStoreBench(results: readonly StoreBench[]): void {
  console.log('\nHistory store, 10,000 pods (median; load average 1/5/15 min at the end of each run)\n');
  for (const r of results) {
    if (r.workerWriteMs !== undefined) console.log(`${r.backend}: write through the worker thread ${r.workerWriteMs.toFixed(1)} ms (main thread busy copying the batch ${r.workerWriteMainThreadMs?.toFixed(1)} ms)`);
  }
  console.log('| backend | write one cycle (p90) | raw bytes / pod-day (60 s cycles) | rollup bytes / pod-day | 744 hourly cycles written | maintenance | 30-day query 10:30 → 10:30, per pod + by namespace | 30 days ending now | 30 daily steps | load |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.backend} | ${r.writeMedianMs.toFixed(1)} ms (${r.writeP90Ms.toFixed(1)} ms) | ${(r.rawBytesPerPodDay / 1024).toFixed(0)} KiB | ${r.rollupBytesPerPodDay.toFixed(0)} B | ${r.backfill720Seconds.toFixed(1)} s | ${r.maintainSeconds.toFixed(1)} s | ${r.query30dMs.toFixed(0)} ms (${r.query30dRows} rows, ${r.namespaces} namespaces) | ${r.query30dNowMs.toFixed(0)} ms | ${r.query30dDailyStepsMs.toFixed(0)} ms | ${r.load} |`,
    );
  }
}

/**
 * One cycle's write alone (`node bench/store.ts write`): 30 cycles of 60 s on an empty SQLite file
 * after 2 warm-ups, in-thread (wall and CPU of record(), the "one cycle's write") and
 * through the worker thread as the exporter writes (answered, and the main thread's own CPU time,
 * process.threadCpuUsage: validating and packing the batch, or copying it).
 */
export async function benchWrite(): Promise<string> {
  const cycle = template();
  const dir = mkdtempSync(join(tmpdir(), 'kce-store-write-'));
  const start = T0 + 40 * DAY_MS;
  try {
    const inThread = createSqliteStore({ path: join(dir, 'in-thread.db') });
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 32; i++) {
      const batch = cycle.at(start + i * 60_000, start + (i + 1) * 60_000);
      const c = process.cpuUsage();
      const t = performance.now();
      await inThread.record(batch);
      const used = process.cpuUsage(c);
      if (i >= 2) {
        wall.push(performance.now() - t);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    await inThread.close();
    const worker = await createSqliteStoreInWorker({ path: join(dir, 'worker.db') });
    const answered: number[] = [];
    const busy: number[] = [];
    for (let i = 0; i < 32; i++) {
      const batch = cycle.at(start + i * 60_000, start + (i + 1) * 60_000);
      const c = process.threadCpuUsage();
      const t = performance.now();
      await worker.record(batch);
      const used = process.threadCpuUsage(c);
      if (i >= 2) {
        answered.push(performance.now() - t);
        busy.push((used.user + used.system) / 1000);
      }
    }
    await worker.close();
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    return `write one cycle of ${cycle.at(0, 1).allocations.length} allocation rows (SQLite, median of 30): in-thread ${median(wall).toFixed(1)} ms wall (p90 ${p90(wall).toFixed(1)}), ${median(cpu).toFixed(1)} ms CPU; through the worker answered in ${median(answered).toFixed(1)} ms, main thread CPU ${median(busy).toFixed(1)} ms | load ${load}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === 'write') {
  console.log(await benchWrite());
} else if (import.meta.main) {
  const which = process.argv[2];
  const backends: readonly ('sqlite' | 'postgres')[] = which === 'sqlite' || which === 'postgres' ? [which] : ['sqlite', 'postgres'];
  printStoreBench(await benchStore(backends));
}
