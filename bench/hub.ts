// Hub benchmark (`npm run bench -- --sizes hub`, docs/benchmarks.md "Many clusters: hub queries"):
// N clusters of the S size (100 nodes, 1,000 pods each, the synthetic cluster costed once by the
// real model) record 7 days of hourly cycles (plus a day of margin) into one PostgreSQL on a
// throwaway server, then rolled up as the exporters' maintenance does. Measured, median of 7 after
// a warm-up, through the API's Hono routes as a hub serves them:
//   - the hub: `GET /api/v1/allocation?window=<7 days>&aggregate=namespace` across all N clusters;
//   - the hub with `aggregate=cluster`;
//   - the hub with `step=1d` (7 sets: a plan per cluster and day, read by one statement);
//   - one cluster's own exporter (its scoped view of the same store), same query.
// Run for 2 and 10 clusters (`node bench/hub.ts 2,10`).
import { cpus, loadavg, totalmem } from 'node:os';
import { apiRoutes } from '../src/server/api-routes.ts';
import { HOUR_MS } from '../src/store/plan.ts';
import { createPostgresStore } from '../src/store/postgres.ts';
import { scopeStore } from '../src/store/scope.ts';
import type { HistoryStore } from '../src/store/types.ts';
import { startPgServer } from '../test/helpers/postgres.ts';
import { cycleTemplate, DAY_MS, T0 } from './history.ts';
import { median } from './stats.ts';

const NODES = 100;
const PODS = 1_000;
const DAYS = 8;
const REPEATS = 7;

export interface HubBenchResult {
  readonly clusters: number;
  readonly podsPerCluster: number;
  readonly recordSeconds: number;
  readonly maintainSeconds: number;
  readonly hubNamespaceMs: number;
  readonly hubClusterMs: number;
  readonly hubDailyStepsMs: number;
  readonly oneClusterMs: number;
  readonly groups: number;
  readonly answerBytes: number;
  readonly load: readonly number[];
}

async function timeQuery(store: HistoryStore, query: string): Promise<{ ms: number; bytes: number; groups: number }> {
  const api = apiRoutes({ store, now: () => T0 + DAYS * DAY_MS });
  const times: number[] = [];
  let bytes = 0;
  let groups = 0;
  for (let i = 0; i <= REPEATS; i++) {
    const t = performance.now();
    const res = await api.request(`/allocation?${query}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`hub bench: ${query}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    if (i > 0) times.push(performance.now() - t);
    bytes = text.length;
    groups = Object.keys((JSON.parse(text) as { data: Record<string, unknown>[] }).data[0] ?? {}).length;
  }
  return { ms: median(times), bytes, groups };
}

export async function benchHub(clusterCounts: readonly number[] = [2, 10]): Promise<HubBenchResult[]> {
  // One hour of the S cluster, costed once by the real model, moved to another hour and cluster.
  const cycle = cycleTemplate({ nodes: NODES, pods: PODS });
  const server = await startPgServer();
  const out: HubBenchResult[] = [];
  try {
    for (const n of clusterCounts) {
      const store = await createPostgresStore({ url: await server.createDatabase(`hub_${n}`) });
      try {
        const names = Array.from({ length: n }, (_, i) => `cluster-${String(i).padStart(2, '0')}`);
        const t = performance.now();
        for (let h = 0; h < DAYS * 24; h++) for (const name of names) await store.record(cycle.at(T0 + h * HOUR_MS, T0 + (h + 1) * HOUR_MS, { cluster: name }));
        const recordSeconds = (performance.now() - t) / 1000;
        const m = performance.now();
        await store.maintain(T0 + DAYS * DAY_MS);
        const maintainSeconds = (performance.now() - m) / 1000;
        process.stderr.write(`hub bench: ${n} clusters recorded in ${recordSeconds.toFixed(1)} s, rolled up in ${maintainSeconds.toFixed(1)} s\n`);
        // The last 7 whole days, from 10:30 (hourly edges) as a user's `window=7d` at 10:30 would read.
        const window = `window=${(T0 + DAY_MS + 10.5 * HOUR_MS) / 1000},${(T0 + DAYS * DAY_MS) / 1000}`;
        const hub = await timeQuery(store, `${window}&aggregate=namespace`);
        const byCluster = await timeQuery(store, `${window}&aggregate=cluster`);
        const daily = await timeQuery(store, `${window}&aggregate=namespace&step=1d`);
        const one = await timeQuery(scopeStore(store, [names[0]!]), `${window}&aggregate=namespace`);
        out.push({
          clusters: n,
          podsPerCluster: PODS,
          recordSeconds,
          maintainSeconds,
          hubNamespaceMs: hub.ms,
          hubClusterMs: byCluster.ms,
          hubDailyStepsMs: daily.ms,
          oneClusterMs: one.ms,
          groups: hub.groups,
          answerBytes: hub.bytes,
          load: loadavg(),
        });
      } finally {
        await store.close();
      }
    }
  } finally {
    await server.stop();
  }
  return out;
}

export function printHubBench(results: readonly HubBenchResult[]): void {
  console.log(`\nMany clusters: hub queries over one PostgreSQL (7 days of hourly history, S clusters: ${NODES} nodes, ${PODS} pods each), median of ${REPEATS}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log('| clusters | pods | hub aggregate=namespace | hub aggregate=cluster | hub step=1d (7 sets) | one cluster\'s exporter | namespaces | answer | recorded in | load average |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    console.log(
      `| ${r.clusters} | ${(r.clusters * r.podsPerCluster).toLocaleString('en')} | ${r.hubNamespaceMs.toFixed(0)} ms | ${r.hubClusterMs.toFixed(0)} ms | ${r.hubDailyStepsMs.toFixed(0)} ms | ${r.oneClusterMs.toFixed(0)} ms | ${r.groups} | ${(r.answerBytes / 1024).toFixed(0)} KiB | ${r.recordSeconds.toFixed(0)} s + ${r.maintainSeconds.toFixed(0)} s rollup | ${r.load.map((l) => l.toFixed(2)).join(', ')} |`,
    );
  }
}

if (import.meta.main) {
  const counts = (process.argv[2] ?? '2,10').split(',').map(Number);
  printHubBench(await benchHub(counts));
}
