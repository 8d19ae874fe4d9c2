// Per-container history (`--record-containers`) at 10,000 pods, SQLite (the default store; and
// PostgreSQL with `node bench/containers.ts postgres`): a synthetic cluster of 1,000 nodes costed
// once by the real model, split per container by cycleBatch, recorded cycle after cycle:
//   - write: one 60-second cycle's record() without and with container rows (median of 30 each,
//     alternating, after two warm-up cycles of each), and the extra per cycle;
//   - bytes per pod-day: raw rows (60 s cycles) and hourly + daily rollups, of the pod tables and of
//     the container tables (one file holding both);
//   - the API's 30-day query (`window=30d` ending now, 31 days of hourly cycles rolled up) through
//     the HTTP routes in process: aggregate=container next to aggregate=namespace (median of 5).
// Run: `npm run bench -- --sizes containers` (bench/run.ts), or `node bench/containers.ts [sqlite|postgres]`.
import { loadavg } from 'node:os';
import { apiRoutes } from '../src/server/api-routes.ts';
import type { BackendRun, CycleTemplate, TableBytes } from './history.ts';
import { cycleTemplate, DAY_MS, eachBackend, recordHourlyHistory, T0, timeWrites } from './history.ts';
import { median } from './stats.ts';

/** 10,000 pods on 1,000 nodes; KCE_BENCH_PODS=1000 for a quick look (nodes: a tenth). */
const PODS = Number(process.env['KCE_BENCH_PODS'] ?? 10_000);
const NODES = Math.max(1, Math.round(PODS / 10));

export interface ContainersBench {
  readonly backend: 'sqlite' | 'postgres';
  readonly pods: number;
  readonly podRowsPerCycle: number;
  readonly containerRowsPerCycle: number;
  readonly writeWithoutMs: number;
  readonly writeWithMs: number;
  readonly rawPodBytesPerPodDay: number;
  readonly rawContainerBytesPerPodDay: number;
  readonly rollupPodBytesPerPodDay: number;
  readonly rollupContainerBytesPerPodDay: number;
  readonly historySeconds: number;
  readonly maintainSeconds: number;
  readonly queryNamespaceMs: number;
  readonly queryContainerMs: number;
  readonly containerGroups: number;
  readonly load: string;
}

/** Bytes of the raw and of the rollup tables, pods (everything but containers) and containers apart. */
type Sizes = { rawPods: number; rawContainers: number; rollupPods: number; rollupContainers: number };

function add(sizes: Sizes, containers: boolean, what: 'raw' | 'rollup', bytes: number): void {
  if (what === 'raw') {
    if (containers) sizes.rawContainers += bytes;
    else sizes.rawPods += bytes;
  } else if (containers) sizes.rollupContainers += bytes;
  else sizes.rollupPods += bytes;
}

/** SQLite: tables and indexes; PostgreSQL: the store's tables with their indexes. */
function sizes(backend: BackendRun['backend'], tables: readonly TableBytes[]): Sizes {
  const out: Sizes = { rawPods: 0, rawContainers: 0, rollupPods: 0, rollupContainers: 0 };
  for (const r of tables) {
    if (backend === 'sqlite') {
      const ctr = r.name.startsWith('ctr_');
      if (r.name.endsWith('_raw') || r.name === 'cycles') add(out, ctr, 'raw', r.bytes);
      if (r.name.endsWith('_hourly') || r.name.endsWith('_daily') || r.name.endsWith('_blocks')) add(out, ctr, 'rollup', r.bytes);
    } else {
      const ctr = r.name.startsWith('kce_ctr_');
      if (/_raw_d\d+$/.test(r.name) || r.name === 'kce_cycles') add(out, ctr, 'raw', r.bytes);
      if (/_hourly_w\d+$/.test(r.name) || r.name.endsWith('_daily')) add(out, ctr, 'rollup', r.bytes);
    }
  }
  return out;
}

async function benchOne({ backend, open }: BackendRun, cycle: CycleTemplate): Promise<ContainersBench> {
  const log = (msg: string): void => {
    process.stderr.write(`containers bench (${backend}): ${msg}\n`);
  };
  const sample = cycle.at(0, 1);
  const podRowsPerCycle = sample.allocations.length;
  const containerRowsPerCycle = sample.containers?.length ?? 0;

  // 1. Live writes, 60-second cycles: two stores, one without and one with containers, alternating.
  const without = await open('live-without');
  const withC = await open('live-with');
  const [writesWithout = [], writesWith = []] = await timeWrites(
    [
      { store: without.store, containers: false },
      { store: withC.store, containers: true },
    ],
    cycle,
    { startMs: T0 + 40 * DAY_MS },
  );
  const live = sizes(backend, await withC.tableBytes());
  await without.store.close();
  await withC.store.close();
  const perPodDay = (bytes: number) => (bytes / (32 * podRowsPerCycle)) * 1_440;
  log(`write ${median(writesWithout).toFixed(1)} ms without, ${median(writesWith).toFixed(1)} ms with containers (${podRowsPerCycle} + ${containerRowsPerCycle} rows)`);

  // 2. 31 days of hourly history with containers, rolled up.
  const hist = await open('history');
  const days = 31;
  const { recordSeconds: historySeconds, maintainSeconds } = await recordHourlyHistory(hist.store, cycle, { days, log });
  const rolled = sizes(backend, await hist.tableBytes());
  log(`recorded in ${historySeconds.toFixed(0)} s, maintained in ${maintainSeconds.toFixed(0)} s`);

  // 3. The API's 30 days ending now, through the routes, per namespace and per container.
  const nowMs = T0 + days * DAY_MS;
  const api = apiRoutes({ store: hist.store, now: () => nowMs });
  // The two aggregates alternate, so that both see the same load of the (shared) machine.
  const answers = { namespace: { times: [] as number[], groups: 0 }, container: { times: [] as number[], groups: 0 } };
  for (let i = 0; i < 6; i++) {
    for (const aggregate of ['namespace', 'container'] as const) {
      const t0 = performance.now();
      const res = await api.request(`/allocation?window=30d&aggregate=${aggregate}`);
      const body = (await res.json()) as { code: number; message?: string; data: Record<string, unknown>[] };
      if (body.code !== 200) throw new Error(`aggregate=${aggregate}: ${body.message}`);
      if (i > 0) answers[aggregate].times.push(performance.now() - t0);
      answers[aggregate].groups = Object.keys(body.data[0] ?? {}).length;
    }
  }
  const ns = { ms: median(answers.namespace.times), groups: answers.namespace.groups };
  const ctr = { ms: median(answers.container.times), groups: answers.container.groups };
  // Where the container answer's time goes: the store's two reads alone.
  const q = { startMs: nowMs - 30 * DAY_MS, endMs: nowMs };
  const storeTimes = { containers: [] as number[], allocations: [] as number[] };
  for (let i = 0; i < 4; i++) {
    for (const which of ['containers', 'allocations'] as const) {
      const t0 = performance.now();
      await hist.store[which](q);
      if (i > 0) storeTimes[which].push(performance.now() - t0);
    }
  }
  log(`store reads over those 30 days: containers() ${median(storeTimes.containers).toFixed(0)} ms, allocations() ${median(storeTimes.allocations).toFixed(0)} ms`);
  await hist.store.close();
  log(`30 days ending now: namespace ${ns.ms.toFixed(0)} ms, container ${ctr.ms.toFixed(0)} ms (${ctr.groups} containers)`);
  return {
    backend,
    pods: PODS,
    podRowsPerCycle,
    containerRowsPerCycle,
    writeWithoutMs: median(writesWithout),
    writeWithMs: median(writesWith),
    rawPodBytesPerPodDay: perPodDay(live.rawPods),
    rawContainerBytesPerPodDay: perPodDay(live.rawContainers),
    rollupPodBytesPerPodDay: rolled.rollupPods / (podRowsPerCycle * days),
    rollupContainerBytesPerPodDay: rolled.rollupContainers / (podRowsPerCycle * days),
    historySeconds,
    maintainSeconds,
    queryNamespaceMs: ns.ms,
    queryContainerMs: ctr.ms,
    containerGroups: ctr.groups,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

export async function benchContainers(backends: readonly ('sqlite' | 'postgres')[] = ['sqlite']): Promise<ContainersBench[]> {
  const cycle = cycleTemplate({ nodes: NODES, pods: PODS, containers: true });
  return await eachBackend(backends, 'kce-containers-bench-', (on) => benchOne(on, cycle));
}

export function printContainersBench(results: readonly ContainersBench[]): void {
  console.log(`\nPer-container history (--record-containers), ${PODS.toLocaleString('en')} pods (median; load average 1/5/15 min at the end)\n`);
  console.log('| backend | rows a cycle (pods + containers) | write without → with containers | raw bytes / pod-day, pods + containers | rollup bytes / pod-day, pods + containers | 744 hourly cycles with containers | maintenance | 30 days ending now: aggregate=namespace | aggregate=container | load |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  for (const r of results) {
    console.log(
      `| ${r.backend} | ${r.podRowsPerCycle} + ${r.containerRowsPerCycle} | ${r.writeWithoutMs.toFixed(1)} → ${r.writeWithMs.toFixed(1)} ms (+${(r.writeWithMs - r.writeWithoutMs).toFixed(1)} ms) | ${kib(r.rawPodBytesPerPodDay)} + ${kib(r.rawContainerBytesPerPodDay)} | ${r.rollupPodBytesPerPodDay.toFixed(0)} B + ${r.rollupContainerBytesPerPodDay.toFixed(0)} B | ${r.historySeconds.toFixed(0)} s | ${r.maintainSeconds.toFixed(0)} s | ${r.queryNamespaceMs.toFixed(0)} ms | ${r.queryContainerMs.toFixed(0)} ms (${r.containerGroups} names) | ${r.load} |`,
    );
  }
}

if (import.meta.main) {
  const which = process.argv[2];
  const backends: readonly ('sqlite' | 'postgres')[] = which === 'postgres' ? ['postgres'] : which === 'both' ? ['sqlite', 'postgres'] : ['sqlite'];
  printContainersBench(await benchContainers(backends));
}
