// History store benchmark, SQLite and PostgreSQL, at 10,000 pods (a synthetic cluster of 1,000
// nodes costed once by the real model; the same amounts are recorded cycle after cycle):
//   - write: one cycle's record() (60-second cycles), median of 30;
//   - bytes per pod-day on disk: raw (per-cycle rows at a 60 s interval) and hourly + daily rollups;
//   - a 30-day query over hourly data (720 hourly cycles recorded, rolled up): per-pod totals for the
//     window (one step), then grouped by namespace in JavaScript as the API does; median of 5; and
//     the same with daily steps (30 sets).
// Run: `npm run bench -- --sizes store` (bench/run.ts), or `node bench/store.ts [sqlite|postgres]`
// (KCE_BENCH_PODS=1000 for a quick look). The cycle, the loops and the stores: bench/history.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOUR_MS } from '../src/store/plan.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { createSqliteStoreInWorker } from '../src/store/sqlite-thread.ts';
import type { BackendRun, CycleTemplate, TableBytes } from './history.ts';
import type { HistoryStore } from '../src/store/types.ts';
import { cycleTemplate, DAY_MS, eachBackend, recordHourlyHistory, T0, timeWrites } from './history.ts';
import { median, percentile } from './stats.ts';

/** 10,000 pods on 1,000 nodes; KCE_BENCH_PODS=1000 for a quick look (nodes: a tenth). */
export const PODS = Number(process.env['KCE_BENCH_PODS'] ?? 10_000);
const NODES = Math.max(1, Math.round(PODS / 10));

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

/** One cycle of the synthetic cluster, costed once; `at` moves it in time. */
export function template(): CycleTemplate {
  return cycleTemplate({ nodes: NODES, pods: PODS });
}

/** Bytes of the raw tables, and of the hourly + daily tables. */
function sqliteSizes(tables: readonly TableBytes[]): { raw: number; rollups: number } {
  let raw = 0;
  let rollups = 0;
  for (const r of tables) {
    if (r.name.endsWith('_raw') || r.name === 'cycles' || r.name.startsWith('cycles_')) raw += r.bytes;
    if (r.name.endsWith('_hourly') || r.name.endsWith('_daily') || r.name.endsWith('_blocks')) rollups += r.bytes;
  }
  return { raw, rollups };
}

function pgSizes(tables: readonly TableBytes[]): { raw: number; rollups: number } {
  let raw = 0;
  let rollups = 0;
  for (const r of tables) {
    if (/_raw_d\d+$/.test(r.name) || r.name === 'kce_cycles') raw += r.bytes;
    if (/_hourly_w\d+$/.test(r.name) || r.name.endsWith('_daily')) rollups += r.bytes;
  }
  return { raw, rollups };
}

async function benchOne({ backend, open, sqlitePath }: BackendRun, cycle: CycleTemplate): Promise<StoreBench> {
  const sizes = (tables: readonly TableBytes[]) => (backend === 'sqlite' ? sqliteSizes(tables) : pgSizes(tables));
  const log = (msg: string): void => {
    process.stderr.write(`store bench (${backend}): ${msg}\n`);
  };
  // 1. Live writes: 30 cycles of 60 s on an empty store (after two warm-up cycles).
  const live = await open('live');
  const start = T0 + 40 * DAY_MS;
  const [writes = []] = await timeWrites([live], cycle, { startMs: start });
  const rawBytes = sizes(await live.tableBytes()).raw;
  await live.store.close();
  const allocationsPerCycle = cycle.at(0, 1).allocations.length;
  // Raw rows per pod-day at a 60 s interval: 1,440 cycles.
  const rawBytesPerPodDay = (rawBytes / (32 * allocationsPerCycle)) * 1_440;
  log(`write median ${median(writes).toFixed(1)} ms; raw ${(rawBytesPerPodDay / 1024).toFixed(0)} KiB per pod-day`);
  let worker: { workerWriteMs: number; workerWriteMainThreadMs: number } | undefined;
  if (sqlitePath) {
    const inWorker = await createSqliteStoreInWorker({ path: sqlitePath('live-worker') });
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
  const days = 31;
  const { recordSeconds: backfill720Seconds, maintainSeconds } = await recordHourlyHistory(hist.store, cycle, { days, log });
  const rollupBytesPerPodDay = sizes(await hist.tableBytes()).rollups / (allocationsPerCycle * days);
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
    writeP90Ms: percentile(writes, 90),
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
  return await eachBackend(backends, 'kce-store-bench-', (on) => benchOne(on, cycle));
}

export function printStoreBench(results: readonly StoreBench[]): void {
  console.log(`\nHistory store, ${PODS.toLocaleString('en')} pods (median; load average 1/5/15 min at the end of each run)\n`);
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
    // 32 cycles, the first two left out; CPU as `cpuUsage` counts it (the process's, or this thread's).
    const timed = async (store: HistoryStore, cpuUsage: (since?: NodeJS.CpuUsage) => NodeJS.CpuUsage): Promise<{ wall: number[]; cpu: number[] }> => {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < 32; i++) {
        const batch = cycle.at(start + i * 60_000, start + (i + 1) * 60_000);
        const c = cpuUsage();
        const t = performance.now();
        await store.record(batch);
        const used = cpuUsage(c);
        if (i >= 2) {
          wall.push(performance.now() - t);
          cpu.push((used.user + used.system) / 1000);
        }
      }
      return { wall, cpu };
    };
    const inThread = createSqliteStore({ path: join(dir, 'in-thread.db') });
    const { wall, cpu } = await timed(inThread, (since) => process.cpuUsage(since));
    await inThread.close();
    const worker = await createSqliteStoreInWorker({ path: join(dir, 'worker.db') });
    const { wall: answered, cpu: busy } = await timed(worker, (since) => process.threadCpuUsage(since));
    await worker.close();
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    return `write one cycle of ${cycle.at(0, 1).allocations.length} allocation rows (SQLite, median of 30): in-thread ${median(wall).toFixed(1)} ms wall (p90 ${percentile(wall, 90).toFixed(1)}), ${median(cpu).toFixed(1)} ms CPU; through the worker answered in ${median(answered).toFixed(1)} ms, main thread CPU ${median(busy).toFixed(1)} ms | load ${load}`;
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
