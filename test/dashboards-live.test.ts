// Every query of every dashboard panel, and every variable query, against a real Prometheus that
// scrapes the exporter serving the demo cluster: each must answer without error and with data,
// once with every variable on "All" and once with real values picked from the demo cluster.
// $__range is 5 s here (the data is a few seconds old), so "vs previous period" queries, which
// look one range back, find data too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import type { RunningServer } from '../src/cli/serve.ts';
import { startServer } from '../src/cli/serve.ts';
import { dashboards } from '../src/dashboards/index.ts';
import { memoryLogger } from '../src/server/log.ts';
import type { PanelQuery, TimeMacros } from './deploy/dashboard-queries.ts';
import { panelQueries, regexValue, substitute, variableQueries } from './deploy/dashboard-queries.ts';
import type { RunningPrometheus } from './helpers/prometheus.ts';
import { startPrometheus } from './helpers/prometheus.ts';

const TIME: TimeMacros = { rangeSeconds: 5, intervalSeconds: 2, scrapeSeconds: 1 };

/** "All" on every variable: the allValue `.*`. */
const ALL = { cluster: '.*', namespace: '.*', instance_type: '.*', node_pool: '.*' };
/**
 * Real values a user would pick on the demo cluster: its cluster id, a namespace with a budget and
 * spot pods, and one on-demand plus one spot pool, so that both capacity types are selected.
 */
const REAL = {
  cluster: regexValue(['demo']),
  namespace: regexValue(['checkout']),
  instance_type: regexValue(['m6i.2xlarge', 'c6i.2xlarge']),
  node_pool: regexValue(['general', 'spot-compute']),
};

let exporter: RunningServer;
let prometheus: RunningPrometheus;
/** The instant every query is evaluated at (seconds): see `regularlyScrapedInstant`. */
let evalAt: number;

/** Longest pause between two scrapes that every window of the queries still bridges (seconds). */
const MAX_GAP_SECONDS = TIME.rangeSeconds / 2;
/** How far back from the evaluation instant the queries read: `[$__range] offset $__range`. */
const LOOKBACK_SECONDS = 2 * TIME.rangeSeconds + TIME.intervalSeconds;

/**
 * The latest instant with LOOKBACK_SECONDS of scrapes behind it and no pause longer than
 * MAX_GAP_SECONDS between two of them, or undefined: a successful scrape's timestamp. On a loaded
 * machine a scrape can time out (the scrape timeout is the 1 s interval): Prometheus then writes
 * staleness markers for every series of the target, and a plain selector evaluated at "now" just
 * after it is empty (seen at load 15: "forecast.json / Monthly budgets: empty answer" for
 * `sum(kube_cost_namespace_budget_usd{…})`); late scrapes can also leave a 5 s range with fewer than
 * the two samples `predict_linear` needs. Evaluated here, every selector and window has its data.
 */
async function regularlyScrapedInstant(): Promise<number | undefined> {
  const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent('kube_cost_cluster_hourly_usd[2m]')}`;
  const body = (await (await fetch(url)).json()) as { data?: { result?: { values: [number, string][] }[] } };
  const times = (body.data?.result?.[0]?.values ?? []).map(([t]) => t);
  for (let end = times.length - 1; end > 0; end--) {
    let start = end;
    while (start > 0 && times[start]! - times[start - 1]! <= MAX_GAP_SECONDS && times[end]! - times[start]! < LOOKBACK_SECONDS) start--;
    if (times[end]! - times[start]! >= LOOKBACK_SECONDS) return times[end];
  }
  return undefined;
}

before(async () => {
  const config = loadServeConfig(parseArgs(['--source', 'demo', '--interval', '1s']), {});
  exporter = await startServer({ ...config, port: 0, host: '127.0.0.1' }, memoryLogger(), 'test');
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${exporter.port}`] });
  evalAt = await waitForRegularScrapes();
});

/**
 * Two ranges of regular scrapes and a margin: the current range and the previous one ("offset
 * $__range"). Waited for, however long a loaded machine takes to give them.
 */
async function waitForRegularScrapes(): Promise<number> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const at = await regularlyScrapedInstant();
    if (at !== undefined) return at;
    if (Date.now() > deadline) throw new Error(`no ${LOOKBACK_SECONDS} s of scrapes without a pause over ${MAX_GAP_SECONDS} s within 180 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

after(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

interface Answer {
  readonly error?: string;
  readonly series: number;
  readonly finite: number;
}

async function run(q: PanelQuery, expr: string): Promise<Answer> {
  const url = q.instant
    ? `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${evalAt}`
    : `${prometheus.url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${evalAt - 3 * TIME.rangeSeconds}&end=${evalAt}&step=${TIME.intervalSeconds}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { value?: [number, string]; values?: [number, string][] }[] | [number, string] };
  };
  if (body.status !== 'success') return { error: body.error ?? 'unknown error', series: 0, finite: 0 };
  const data = body.data!;
  if (data.resultType === 'scalar') return { series: 1, finite: Number.isFinite(Number((data.result as [number, string])[1])) ? 1 : 0 };
  const result = data.result as { value?: [number, string]; values?: [number, string][] }[];
  const values = result.flatMap((s) => (s.value ? [s.value] : (s.values ?? [])));
  return { series: result.length, finite: values.filter((v) => Number.isFinite(Number(v[1]))).length };
}

const all = dashboards().flatMap((d) => panelQueries(d.file, d.dashboard));

test('the dashboards have panels with queries', () => {
  assert.equal(dashboards().length, 5);
  assert.ok(all.length >= 50, `${all.length} panel queries`);
});

for (const [name, variables] of [
  ['every variable on All', ALL],
  ['real values (cluster demo, namespace checkout, two instance types and node pools)', REAL],
] as const) {
  test(`every panel query answers with data: ${name}`, async () => {
    const failures: string[] = [];
    for (const q of all) {
      const expr = substitute(q.expr, variables, TIME);
      const answer = await run(q, expr);
      if (answer.error) failures.push(`${q.dashboard} / ${q.panel} / ${q.refId}: error ${answer.error}\n    ${expr}`);
      else if (answer.series === 0) failures.push(`${q.dashboard} / ${q.panel} / ${q.refId}: empty answer\n    ${expr}`);
      else if (answer.finite === 0) failures.push(`${q.dashboard} / ${q.panel} / ${q.refId}: no finite value (NaN or Inf only)\n    ${expr}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${all.length} queries failed:\n${failures.join('\n')}`);
  });
}

test('every variable query lists values', async () => {
  const failures: string[] = [];
  for (const d of dashboards()) {
    for (const v of variableQueries(d.file, d.dashboard)) {
      const m = /^label_values\((.+), (\w+)\)$/.exec(substitute(v.query, ALL, TIME));
      if (!m) {
        failures.push(`${v.dashboard} $${v.name}: not a label_values(selector, label) query: ${v.query}`);
        continue;
      }
      const body = (await (await fetch(`${prometheus.url}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1]!)}`)).json()) as { status: string; data: string[] };
      if (body.status !== 'success' || body.data.length === 0) failures.push(`${v.dashboard} $${v.name}: no values for ${v.query}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('key panels show the numbers of the exporter\'s cost report', async () => {
  const r = exporter.exporter.report()!;
  // The latest regularly scraped instant: as close to this report as Prometheus has.
  const at = await waitForRegularScrapes();
  const panel = async (file: string, title: string, variables: Record<string, string> = ALL): Promise<{ metric: Record<string, string>; value: number }[]> => {
    const q = all.find((x) => x.dashboard === file && x.panel === title);
    assert.ok(q, `${file} / ${title}`);
    const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(substitute(q.expr, variables, TIME))}&time=${at}`;
    const body = (await (await fetch(url)).json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(body.status, 'success', body.error);
    return body.data.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
  };
  const close = (actual: number | undefined, expected: number, what: string): void => {
    assert.ok(actual !== undefined && Math.abs(actual - expected) <= 0.01 * Math.abs(expected) + 1e-9, `${what}: panel ${actual}, report ${expected}`);
  };
  const hours = TIME.rangeSeconds / 3600;
  close((await panel('executive-summary.json', 'Monthly run rate'))[0]?.value, r.cluster.totalHourlyUsd * 730, 'monthly run rate');
  close((await panel('executive-summary.json', 'Total spend'))[0]?.value, r.cluster.totalHourlyUsd * hours, 'total spend over the range');
  const components = await panel('executive-summary.json', 'Spend by component');
  close(
    components.reduce((n, c) => n + c.value, 0),
    r.cluster.totalHourlyUsd * hours,
    'components add up to the total',
  );
  close(components.find((c) => c.metric['component'] === 'idle')?.value, r.cluster.idleHourlyUsd * hours, 'idle');
  const top = (await panel('executive-summary.json', 'Top 5 namespaces by cost')).sort((a, b) => b.value - a.value);
  const expectedTop = r.namespaces.filter((n) => !n.namespace.startsWith('__')).sort((a, b) => b.totalHourlyUsd - a.totalHourlyUsd);
  assert.equal(top.length, 5);
  assert.equal(top[0]?.metric['namespace'], expectedTop[0]?.namespace);
  const checkout = r.namespaces.find((n) => n.namespace === 'checkout')!;
  close((await panel('namespace-deep-dive.json', 'Monthly run rate', REAL))[0]?.value, checkout.totalHourlyUsd * 730, 'checkout run rate');
  close((await panel('namespace-deep-dive.json', 'Pods', REAL))[0]?.value, checkout.podCount, 'checkout pods');
  // Network egress (the demo simulates node agents): the namespace's egress cost per hour in the
  // table is the cost report's network cost of checkout.
  close((await panel('namespace-deep-dive.json', 'Egress run rate (monthly)', REAL))[0]?.value, (checkout.networkHourlyUsd ?? Number.NaN) * 730, 'checkout egress run rate');
  close((await panel('forecast.json', 'Monthly budgets'))[0]?.value, r.budgets.reduce((n, b) => n + b.monthlyUsd, 0), 'budgets');
  close(
    (await panel('resource-efficiency.json', 'Idle share of compute'))[0]?.value,
    (100 * r.cluster.idleHourlyUsd) / (r.cluster.idleHourlyUsd + r.cluster.podsComputeHourlyUsd),
    'idle share',
  );
});
