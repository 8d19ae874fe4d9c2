// The advice on the demo cluster's simulated history: 30 days recorded hour by hour into a memory
// history store (as the demo backfill does), then
//   - the forecast backtest: Holt-Winters trained on the first 23 days, forecasting the last 7,
//     MAPE per cluster and per namespace;
//   - the time each analysis takes (median of 5 runs) and the recommendations' totals.
// Run: node_modules/.bin/node bench/advice-demo.ts [--days 30] [--test-days 7] [--store memory|sqlite]
// Figures go to docs/advice.md with the machine's load (uptime).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocate } from '../src/core/allocate.ts';
import { backtest } from '../src/core/advice/forecast.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { adviceRoutes, dailySeries } from '../src/server/advice-routes.ts';
import { createDemoSource } from '../src/sources/demo.ts';
import { createMemoryStore } from '../src/store/memory.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { cycleBatch } from '../src/store/record.ts';
import { median } from './stats.ts';

const HOUR = 3_600_000;
/** User + system CPU time of the process: steadier than wall time on a shared machine. */
const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const DAY = 24 * HOUR;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const days = arg('days', 30);
const testDays = arg('test-days', 7);

const source = createDemoSource({ seed: 42 });
const prices = createPriceBook();
const kind = process.argv.includes('--store') ? process.argv[process.argv.indexOf('--store') + 1] : 'memory';
const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'kce-advice-')) : undefined;
const store = dir ? createSqliteStore({ path: join(dir, 'history.db') }) : createMemoryStore();
const endMs = Date.UTC(2026, 10, 30); // 2026-11-30T00:00:00Z: whole days only
const startMs = endMs - days * DAY;
let t0 = performance.now();
for (let s = startMs; s < endMs; s += HOUR) {
  const window = { startMs: s, endMs: s + HOUR };
  const reading = await source.read(window.endMs);
  const report = allocate(reading.snapshot, prices, window, {});
  await store.record(cycleBatch({ report, reading, window }, { cluster: 'demo', demo: true }));
}
await store.maintain(endMs);
console.log(`${store.description}: recorded ${days} days of hourly demo cycles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const sets = await store.allocations({ startMs, endMs, stepMs: DAY });
const report = (label: string, series: Map<string, { days: { dayStartMs: number; costUsd: number }[] }>) => {
  const rows: [string, number, number][] = [];
  for (const [key, s] of [...series].sort(([a], [b]) => a.localeCompare(b))) {
    if (s.days.length <= 14 + testDays - 1 || s.days.every((d) => d.costUsd === 0)) continue;
    const b = backtest(s.days, s.days.length - testDays);
    rows.push([key, b.mapePercent, s.days.reduce((t, d) => t + d.costUsd, 0) / s.days.length]);
  }
  console.log(`\n${label}: train ${days - testDays} days, forecast ${testDays}`);
  for (const [key, mape, daily] of rows) console.log(`  ${key.padEnd(24)} MAPE ${mape.toFixed(2).padStart(6)} %   (mean ${daily.toFixed(2)} USD/day)`);
  return rows;
};
report('cluster', dailySeries(sets, (r) => r.cluster));
const ns = report('namespace', dailySeries(sets, (r) => r.namespace || '__idle__'));
const mapes = ns.map((r) => r[1]).filter(Number.isFinite);
console.log(`  median over ${mapes.length} namespaces: ${median(mapes).toFixed(2)} %`);

const api = adviceRoutes({ store, prices, now: () => endMs });
for (const path of ['/recommendations?window=7d&commitmentDiscount=0.28', '/forecast?aggregate=namespace&horizon=30d', '/anomalies?window=7d', '/anomalies?granularity=hour']) {
  const times: number[] = [];
  const cpu: number[] = [];
  let body = '';
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await api.request(path);
    body = await res.text();
    times.push(performance.now() - t0);
    cpu.push(cpuMs(process.cpuUsage(c0)));
  }
  const data = JSON.parse(body) as { data: Record<string, unknown> };
  const summary =
    path.startsWith('/recommendations')
      ? `${(data.data['recommendations'] as unknown[]).length} recommendations, ${(data.data['monthlySavingUsd'] as number).toFixed(2)} USD/month`
      : path.startsWith('/forecast')
        ? `${(data.data['series'] as unknown[]).length} series`
        : `${(data.data['anomalies'] as unknown[]).length} anomalies`;
  console.log(`\nGET ${path}: median ${median(times).toFixed(0)} ms (CPU ${median(cpu).toFixed(0)} ms) over 5 runs; ${summary}`);
}
// The exporter's advice run (src/server/advisor.ts): the same analyses for its own cluster, one
// after the other, plus this month's figures; what --advice-every-cycles costs each time.
const { createAdvisor } = await import('../src/server/advisor.ts');
const { memoryLogger } = await import('../src/server/log.ts');
const advisor = createAdvisor({ store, prices, cluster: 'demo', logger: memoryLogger(), now: () => endMs });
const runs: number[] = [];
const runsCpu: number[] = [];
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  const c0 = process.cpuUsage();
  await advisor.refresh();
  runs.push(performance.now() - t0);
  runsCpu.push(cpuMs(process.cpuUsage(c0)));
}
const state = advisor.state();
console.log(`\nadvisor run (recommendations, daily and hourly anomalies, month figures): median ${median(runs).toFixed(0)} ms (CPU ${median(runsCpu).toFixed(0)} ms) over 5 runs; ${state.run?.recommendations.length} recommendations`);
console.log(`\nload average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await store.close();
if (dir) rmSync(dir, { recursive: true, force: true });
