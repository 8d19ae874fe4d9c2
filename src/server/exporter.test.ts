import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { InvalidObjectError, InvalidQuantityError } from '../core/errors.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { ClusterSource, SourceReading } from '../sources/source.ts';
import { createApp } from './app.ts';
import type { CompletedCycle, CycleHook } from './exporter.ts';
import { createExporter, groupNotices } from './exporter.ts';
import { memoryLogger } from './log.ts';

const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } as const;
const prices = tablePriceBook({ nodes: { n1: { price: RATES } } });

// One node ($0.24/h) and two pods in "shop": a = 1 core/2 GiB → 0.05, b = 0.5 core/1 GiB → 0.025.
const GOOD: SourceReading = {
  snapshot: snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))]), pod('shop', 'b', 'n1', [container('app', res(500, GiB))])],
  }),
  warnings: [new InvalidQuantityError('pods/shop/c', 'spec.containers[0].resources.requests.cpu', '10x')],
  hasUsage: false,
};

/** A source whose next answers are scripted: a reading, or an error to throw. */
function scriptedSource(script: (SourceReading | Error)[]): ClusterSource {
  let last: SourceReading | Error = GOOD;
  return {
    kind: 'snapshot',
    description: 'scripted test source',
    async read() {
      last = script.length > 0 ? script.shift()! : last;
      if (last instanceof Error) throw last;
      return last;
    },
  };
}

function setup(script: (SourceReading | Error)[], clusterId?: string, onCycle?: CycleHook) {
  let nowMs = Date.UTC(2026, 10, 23, 12);
  const logger = memoryLogger();
  const exporter = createExporter({
    source: scriptedSource(script),
    prices,
    logger,
    intervalMs: 60_000,
    now: () => nowMs,
    version: '9.9.9',
    ...(clusterId ? { clusterId } : {}),
    ...(onCycle ? { onCycle } : {}),
  });
  const app = createApp({ exporter, version: '9.9.9', sourceDescription: 'scripted test source' });
  return { exporter, app, logger, advance: (ms: number) => (nowMs += ms) };
}

function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `series ${series} not found`);
  return Number(line.slice(series.length + 1));
}

test('/metrics serves the costs of the last cycle in the Prometheus text format', async () => {
  const { exporter, app } = setup([GOOD]);
  await exporter.cycle();
  const res1 = await app.request('/metrics');
  assert.equal(res1.status, 200);
  assert.equal(res1.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await res1.text();
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="a",node="n1"}'), 0.05);
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="b",node="n1"}'), 0.025);
  // idle = 0.24 − 0.075 = 0.165
  assert.ok(Math.abs(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="__idle__",pod="__idle__",node="n1"}') - 0.165) < 1e-12);
  assert.ok(Math.abs(sampleValue(text, 'kube_cost_namespace_daily_usd{namespace="shop"}') - 1.8) < 1e-12); // 0.075 × 24
  assert.equal(sampleValue(text, 'kube_cost_node_hourly_usd{node="n1",instance_type="",node_pool="",capacity_type="on-demand"}'), 0.24);
  assert.equal(sampleValue(text, 'kube_cost_exporter_up{component="exporter"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_errors_total{component="source",error_type="invalid_quantity"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_skipped_objects{component="source",error_type="invalid_quantity"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_pricing_lookups_total{kind="node",source="catalog"}'), 1);
  assert.ok(!text.includes('# EOF'));
});

test('OpenMetrics when asked, gzip when accepted, cluster label everywhere when set', async () => {
  const { exporter, app } = setup([GOOD], 'prod-eu');
  await exporter.cycle();
  const om = await app.request('/metrics', { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
  assert.equal(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const text = await om.text();
  assert.ok(text.endsWith('# EOF\n'));
  assert.ok(text.includes('# TYPE kube_cost_namespace_cost_usd counter\n'));
  assert.ok(text.includes('kube_cost_namespace_cost_usd_total{cluster="prod-eu",namespace="shop"} 0\n'));
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.ok(line.includes('{cluster="prod-eu"'), `sample without cluster label: ${line}`);
  }
  const gz = await app.request('/metrics', { headers: { 'accept-encoding': 'gzip, deflate' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  const body = gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8');
  assert.ok(body.includes('kube_cost_pod_hourly_usd{cluster="prod-eu",namespace="shop",pod="a",node="n1"} 0.05'));
});

test('counters accrue the hourly cost over the time between cycles, capped at 5 intervals', async () => {
  const { exporter, app, advance, logger } = setup([GOOD, GOOD, GOOD, GOOD]);
  await exporter.cycle();
  advance(4 * 60_000);
  await exporter.cycle(); // +4 min at 0.075/h (shop) → 0.005
  advance(4 * 60_000);
  await exporter.cycle(); // +4 min → 0.01
  let text = await (await app.request('/metrics')).text();
  assert.ok(Math.abs(sampleValue(text, 'kube_cost_namespace_cost_usd_total{namespace="shop"}') - 0.01) < 1e-12);
  // The idle namespace accrues too: 0.165/h for 8 minutes = 0.022.
  assert.ok(Math.abs(sampleValue(text, 'kube_cost_namespace_cost_usd_total{namespace="__idle__"}') - 0.022) < 1e-12);
  // The reading's warnings are counted once, not once per cycle.
  assert.equal(sampleValue(text, 'kube_cost_errors_total{component="source",error_type="invalid_quantity"}'), 1);
  // A one-hour stall (or clock jump) accrues 5 intervals (5 min → +0.00625), and says so.
  advance(60 * 60_000);
  await exporter.cycle();
  text = await (await app.request('/metrics')).text();
  assert.ok(Math.abs(sampleValue(text, 'kube_cost_namespace_cost_usd_total{namespace="shop"}') - 0.01625) < 1e-12);
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.startsWith('time between cycles out of range')));
});

test('a failed read keeps serving the last good numbers, counts the error and turns /readyz false', async () => {
  const broken = new InvalidObjectError('cluster.json', '(file)', '{"kind": "Li', 'not valid JSON: Unexpected end of JSON input at line 1 column 13');
  const { exporter, app, logger } = setup([GOOD, broken]);
  const before = await app.request('/readyz');
  assert.equal(before.status, 503);
  assert.equal(((await before.json()) as { reason: string }).reason, 'first cost cycle not finished');
  await exporter.cycle();
  assert.equal((await app.request('/readyz')).status, 200);
  await exporter.cycle();
  const ready = await app.request('/readyz');
  assert.equal(ready.status, 503);
  const detail = (await ready.json()) as { ready: boolean; reason: string; lastSync: string };
  assert.equal(detail.ready, false);
  assert.equal(detail.lastSync, '2026-11-23T12:00:00.000Z');
  assert.match(detail.reason, /^last read failed, serving data from 2026-11-23T12:00:00.000Z: cluster.json: \(file\): not valid JSON/);
  const text = await (await app.request('/metrics')).text();
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="a",node="n1"}'), 0.05);
  assert.equal(sampleValue(text, 'kube_cost_errors_total{component="source",error_type="invalid_object"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_cycles_total{result="error"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_cycles_total{result="success"}'), 1);
  assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg === 'reading the cluster failed; serving the last good numbers'));
  assert.equal((await app.request('/healthz')).status, 200);
});

test('pods on unknown nodes are not costed, are logged once and counted', async () => {
  const withGhost: SourceReading = {
    ...GOOD,
    warnings: [],
    snapshot: { ...GOOD.snapshot, pods: [...GOOD.snapshot.pods, pod('shop', 'ghost', 'n9', [container('c', res(100, 0))])] },
  };
  const { exporter, app, logger } = setup([withGhost, withGhost]);
  await exporter.cycle();
  await exporter.cycle();
  const text = await (await app.request('/metrics')).text();
  assert.ok(!text.includes('pod="ghost"'));
  assert.equal(sampleValue(text, 'kube_cost_skipped_objects{component="model",error_type="unknown_reference"}'), 1);
  const warned = logger.lines.filter((l) => l.msg === 'object skipped by the cost model');
  assert.equal(warned.length, 1);
  assert.equal(warned[0]!.fields['error'], 'pods/shop/ghost: spec.nodeName: node not found in the cluster snapshot; pod not costed (got "n9")');
});

test('unknown paths get 404', async () => {
  const { app } = setup([GOOD]);
  assert.equal((await app.request('/nope')).status, 404);
});

test('onCycle gets each successful cycle with its window; a failing hook is counted and logged, the metrics stay', async () => {
  const seen: CompletedCycle[] = [];
  let fail = false;
  const hook: CycleHook = {
    component: 'store',
    handle(cycle) {
      if (fail) throw new Error('disk full');
      seen.push(cycle);
    },
  };
  const broken = new InvalidObjectError('cluster.json', '(file)', '{', 'not valid JSON');
  const { exporter, app, advance, logger } = setup([GOOD, broken, GOOD, GOOD], undefined, hook);
  const t0 = Date.UTC(2026, 10, 23, 12);
  await exporter.cycle();
  advance(60_000);
  await exporter.cycle(); // the read fails: no hook call
  advance(60_000);
  await exporter.cycle();
  assert.deepEqual(
    seen.map((c) => [c.window.startMs - t0, c.window.endMs - t0, c.first]),
    [
      [-60_000, 0, true],
      [0, 120_000, false],
    ],
  );
  assert.equal(seen[1]?.report.pods.length, 2);
  fail = true;
  advance(60_000);
  await exporter.cycle();
  const text = await (await app.request('/metrics')).text();
  assert.equal(sampleValue(text, 'kube_cost_errors_total{component="store",error_type="error"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="a",node="n1"}'), 0.05);
  assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg === 'store failed for this cycle; the metrics are not affected'));
});

test('pods that stopped between two cycles are charged the minutes they ran in the window, out of idle', async () => {
  // n1 as in GOOD (idle 0.165/h); n9 was deleted with its last pod (same rates, so 2 cores 8 GiB = 0.12/h).
  const withGone = tablePriceBook({ nodes: { n1: { price: RATES }, n9: { price: RATES } } });
  let nowMs = Date.UTC(2026, 10, 23, 12);
  const t = nowMs;
  const job = (name: string, nodeName: string, cpuMillicores: number, ramBytes: number) => pod('batch', name, nodeName, [container('c', res(cpuMillicores, ramBytes))]);
  const n1 = GOOD.snapshot.nodes[0]!;
  const n9 = node('n9', res(8000, 32 * GiB));
  const second: SourceReading = {
    ...GOOD,
    finishedPods: [
      // 1 core 2 GiB = 0.04 + 0.01 = 0.05/h; ran 15 s → 45 s: 30 s in the window
      { pod: job('job-1', 'n1', 1000, 2 * GiB), node: n1, startedAtMs: t + 15_000, finishedAtMs: t + 45_000 },
      // started before the previous cycle (already charged until then): 0 s → 30 s, 30 s in the window
      { pod: job('job-2', 'n1', 1000, 2 * GiB), node: n1, startedAtMs: t - 120_000, finishedAtMs: t + 30_000 },
      // 2 cores 8 GiB = 0.08 + 0.04 = 0.12/h for the whole minute, on a node that is gone (no idle to take from)
      { pod: job('job-3', 'n9', 2000, 8 * GiB), node: n9, startedAtMs: t - 600_000, finishedAtMs: t + 60_000 },
      // its node is unknown: not costed, counted
      { pod: job('job-4', 'n8', 1000, GiB), node: undefined, startedAtMs: t, finishedAtMs: t + 60_000 },
    ],
  };
  const logger = memoryLogger();
  const exporter = createExporter({ source: scriptedSource([GOOD, second]), prices: withGone, logger, intervalMs: 60_000, now: () => nowMs });
  await exporter.cycle();
  nowMs += 60_000;
  await exporter.cycle();
  const text = exporter.metrics('prometheus').text;
  const near = (series: string, expected: number) => assert.ok(Math.abs(sampleValue(text, series) - expected) < 1e-15, `${series}: ${sampleValue(text, series)} ≠ ${expected}`);
  near('kube_cost_namespace_cost_usd_total{namespace="shop"}', 0.00125); // 0.075/h × 1 min
  near('kube_cost_namespace_cost_usd_total{namespace="batch"}', 0.0028333333333333335); // 0.05 × 1/60 h + 0.12 × 1/60 h
  near('kube_cost_namespace_cost_usd_total{namespace="__idle__"}', 0.0019166666666666666); // 0.165 × 1/60 − 0.05 × 1/60
  assert.equal(sampleValue(text, 'kube_cost_errors_total{component="model",error_type="unknown_node"}'), 1);
  assert.ok(logger.lines.some((l) => l.msg === 'finished pods on unknown nodes are not costed' && l.fields['example'] === 'batch/job-4'));
});

test('/readyz shows the usage state and a live source health, which turns it false between cycles', async () => {
  let healthy = true;
  const source: ClusterSource = {
    kind: 'kube',
    description: 'live test source',
    async read() {
      return { ...GOOD, usageStatus: { state: 'absent', detail: 'metrics.k8s.io is not served (404)' } };
    },
    health: () => (healthy ? { ready: true, reason: 'ok', detail: { synced: true } } : { ready: false, reason: 'the API server has been unreachable since then', detail: { synced: true, reachable: false } }),
  };
  const exporter = createExporter({ source, prices, logger: memoryLogger(), now: () => Date.UTC(2026, 10, 23, 12) });
  const app = createApp({ exporter, version: '9.9.9', sourceDescription: 'live test source' });
  await exporter.cycle();
  const ok = await app.request('/readyz');
  assert.equal(ok.status, 200);
  assert.deepEqual(((await ok.json()) as Record<string, unknown>)['usage'], { state: 'absent', detail: 'metrics.k8s.io is not served (404)', costsUse: 'requests' });
  assert.equal(sampleValue(exporter.metrics('prometheus').text, 'kube_cost_usage_available{state="absent"}'), 0);
  healthy = false;
  const down = await app.request('/readyz');
  assert.equal(down.status, 503);
  const body = (await down.json()) as Record<string, unknown>;
  assert.equal(body['reason'], 'serving data from 2026-11-23T12:00:00.000Z: the API server has been unreachable since then');
  assert.deepEqual(body['sourceStatus'], { synced: true, reachable: false });
});

test('the same read failure cycle after cycle is logged once (counted each time); recovery is logged', async () => {
  const down = new Error('connection: the API server has been unreachable since then');
  const { exporter, logger, advance } = setup([GOOD, down, down, down, GOOD]);
  for (let i = 0; i < 5; i++) {
    await exporter.cycle();
    advance(60_000);
  }
  const failures = logger.lines.filter((l) => l.msg === 'reading the cluster failed; serving the last good numbers');
  assert.deepEqual(failures.map((l) => l.level), ['error', 'debug', 'debug']);
  assert.equal(sampleValue(exporter.metrics('prometheus').text, 'kube_cost_errors_total{component="source",error_type="error"}'), 3);
  assert.ok(logger.lines.some((l) => l.level === 'info' && l.msg === 'reading the cluster works again' && l.fields['lastSync'] === '2026-11-23T12:00:00.000Z'));
  assert.equal(exporter.status().ready, true);
});

test('groupNotices: the same notice about many objects is one group with the name abstracted, in first-seen order', () => {
  const spot = (n: string) => ({ kind: 'price-fallback' as const, object: `nodes/${n}`, message: `node ${n}: no live spot price; spot estimated at 35% of the on-demand price` });
  const groups = groupNotices([
    spot('a'),
    { kind: 'no-capacity', object: 'nodes/b', message: 'node b reports no capacity; its whole price is idle' },
    spot('node-2'),
    spot('node-3'),
    { kind: 'price-fallback', object: 'cluster', message: 'no management fee known for provider custom' },
  ]);
  assert.deepEqual(
    groups.map((g) => [g.kind, g.detail, g.notices.map((n) => n.object)]),
    [
      ['price-fallback', 'node <name>: no live spot price; spot estimated at 35% of the on-demand price', ['nodes/a', 'nodes/node-2', 'nodes/node-3']],
      ['no-capacity', 'node <name> reports no capacity; its whole price is idle', ['nodes/b']],
      ['price-fallback', 'no management fee known for provider custom', ['cluster']],
    ],
  );
});

test('gzip body: one gzip member per part (self-monitoring, cost families, # EOF), the same Buffer for every scrape of a cycle', async () => {
  const { exporter, advance } = setup([GOOD, GOOD], 'prod-eu');
  await exporter.cycle();
  for (const format of ['openmetrics', 'prometheus'] as const) {
    const m = exporter.metrics(format);
    const gz = m.gzip();
    assert.ok(exporter.metrics(format).gzip() === gz, `${format}: scrapes share one Buffer`);
    // Members are gzip streams one after the other (magic 1f 8b at each start): 3 for OpenMetrics.
    let members = 0;
    for (let i = 0; i + 2 < gz.length; i++) if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 8) members++;
    assert.ok(members >= (format === 'openmetrics' ? 3 : 2), `${format}: ${members} gzip members`);
    assert.equal(gunzipSync(gz).toString('utf8'), m.text, `${format}: gunzip of all members = the text`);
  }
  assert.ok(exporter.metrics('openmetrics').text.endsWith('kube_cost_cluster_nodes{cluster="prod-eu",capacity_type="on-demand"} 1\n# EOF\n'));
  assert.equal(sampleValue(exporter.metrics('prometheus').text, 'kube_cost_namespace_cost_usd_total{cluster="prod-eu",namespace="shop"}'), 0);

  // The next cycle publishes new numbers in both forms; the old Buffer is not reused.
  const before = exporter.metrics('openmetrics').gzip();
  advance(60 * 60_000 / 12); // 5 minutes at 0.075/h → 0.00625
  await exporter.cycle();
  const after = exporter.metrics('openmetrics');
  assert.ok(after.gzip() !== before);
  const series = 'kube_cost_namespace_cost_usd_total{cluster="prod-eu",namespace="shop"}';
  assert.equal(sampleValue(gunzipSync(after.gzip()).toString('utf8'), series), sampleValue(after.text, series));
  assert.ok(Math.abs(sampleValue(after.text, series) - 0.00625) < 1e-12);
});

test('a scrape without gzip streams the gzip body decompressed; once the text exists it is served as is', async () => {
  const { exporter, app } = setup([GOOD], 'prod-eu');
  await exporter.cycle();
  for (const format of ['openmetrics', 'prometheus'] as const) {
    const m = exporter.metrics(format);
    const body = m.plain();
    assert.ok(typeof body !== 'string', `${format}: a stream before the text was asked for`);
    const streamed = await new Response(body).text();
    assert.equal(streamed, gunzipSync(m.gzip()).toString('utf8'));
    assert.equal(streamed, m.text);
    assert.equal(m.plain(), m.text, `${format}: the text itself once rendered`);
  }
  const res = await app.request('/metrics');
  assert.equal(res.headers.get('content-encoding'), null);
  assert.equal(await res.text(), exporter.metrics('prometheus').text);
});

test('--max-pod-series: past the cap the cheapest pod folds into shop/__other__, the sum over pods stays, the fold is counted and logged once; the report keeps every pod', async () => {
  const logger = memoryLogger();
  const exporter = createExporter({ source: scriptedSource([GOOD, GOOD]), prices, logger, intervalMs: 60_000, now: () => Date.UTC(2026, 10, 23, 12), version: '9.9.9', maxPodSeries: 1 });
  await exporter.cycle();
  await exporter.cycle();
  const text = exporter.metrics('prometheus').text;
  // a (0.05) keeps its series; b (0.025) is folded: shop/__other__ = 0.025.
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="a",node="n1"}'), 0.05);
  assert.equal(sampleValue(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="__other__",node=""}'), 0.025);
  assert.ok(!text.includes('pod="b"'));
  assert.equal(sampleValue(text, 'kube_cost_pod_series_folded'), 1);
  assert.equal(exporter.report()?.pods.length, 2, 'the report (API, history) keeps every pod');
  assert.equal(logger.lines.filter((l) => l.msg.startsWith('more pods than --max-pod-series')).length, 1, 'logged once, not every cycle');
  await exporter.stop();
});

test('the clock jumping backwards: counters never go down, nothing accrues for negative time, and it is logged', async () => {
  const { exporter, app, advance, logger } = setup([GOOD, GOOD, GOOD, GOOD]);
  await exporter.cycle();
  advance(4 * 60_000);
  await exporter.cycle(); // +4 min at 0.075/h (shop) → 0.005
  const read = async () => sampleValue(await (await app.request('/metrics')).text(), 'kube_cost_namespace_cost_usd_total{namespace="shop"}');
  const before = await read();
  assert.ok(Math.abs(before - 0.005) < 1e-12);
  advance(-30 * 60_000); // NTP steps the clock back half an hour
  await exporter.cycle();
  assert.equal(await read(), before, 'no accrual for negative elapsed time, and no decrease');
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.startsWith('time between cycles out of range')));
  advance(4 * 60_000); // time moves on from the new clock: accrual resumes
  await exporter.cycle();
  assert.ok(Math.abs((await read()) - 0.01) < 1e-12);
  await exporter.stop();
});

test('several cycle hooks and metrics producers compose: each runs in order, a failing one is counted and skipped', async () => {
  const calls: string[] = [];
  const hooks: CycleHook[] = [
    { component: 'store', handle: () => void calls.push('store') },
    {
      component: 'advice',
      handle: () => {
        calls.push('advice');
        throw new Error('boom');
      },
    },
    { component: 'notify', handle: () => void calls.push('notify') },
  ];
  let renders = 0;
  const logger = memoryLogger();
  const exporter = createExporter({
    source: scriptedSource([GOOD]),
    prices,
    logger,
    now: () => Date.UTC(2026, 10, 23, 12),
    onCycle: hooks,
    extraMetrics: [
      () => {
        renders++;
        return '# TYPE kube_cost_first gauge\nkube_cost_first 1\n';
      },
      () => {
        throw new Error('producer broke');
      },
      (_format, base) => `# TYPE kube_cost_second gauge\nkube_cost_second{${base}} 2\n`,
    ],
    clusterId: 'c1',
  });
  await exporter.cycle();
  assert.deepEqual(calls, ['store', 'advice', 'notify']);
  const text = exporter.metrics('prometheus').text;
  assert.match(text, /^kube_cost_first 1$/m);
  assert.match(text, /^kube_cost_second\{cluster="c1"\} 2$/m);
  assert.equal(sampleValue(text, 'kube_cost_errors_total{cluster="c1",component="advice",error_type="error"}'), 1);
  assert.equal(sampleValue(text, 'kube_cost_errors_total{cluster="c1",component="metrics",error_type="error"}'), 1);
  // Rendered once per cycle and format, not per scrape.
  const cached = exporter.metrics('prometheus');
  exporter.metrics('prometheus');
  assert.equal(renders, 1);
  // refreshMetrics() (after the collection that follows a cycle): rendered again at the next
  // scrape, the cost families' compressed part kept as the cycle made it.
  exporter.refreshMetrics();
  const again = exporter.metrics('prometheus');
  assert.notEqual(again, cached);
  assert.equal(renders, 2);
  assert.equal(sampleValue(again.text, 'kube_cost_errors_total{cluster="c1",component="metrics",error_type="error"}'), 2, 'the producers ran again');
  const costLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('kube_cost_pod_'));
  assert.ok(costLines(cached.text).length > 0);
  assert.deepEqual(costLines(again.text), costLines(cached.text));
  assert.ok(logger.lines.some((l) => l.msg === 'a metrics producer failed; its families are left out of this rendering'));
});
