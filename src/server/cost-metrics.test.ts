import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import { renderBillingMetrics } from '../billing/service.ts';
import { createNotifier, webhookChannel } from '../notify/notifier.ts';
import { renderLivePricingMetrics } from '../pricing/live/metrics.ts';
import { renderAdviceMetrics, renderBudgetMetrics } from './advice-metrics.ts';
import { costMetricsSteps, renderCostMetrics, streamCostMetrics } from './cost-metrics.ts';
import { escapeLabelValue, ExpositionWriter, labelText } from './exposition.ts';
import { renderHubMetrics } from './hub-exporter.ts';
import { memoryLogger } from './log.ts';
import { memoryReclaim } from './memory-reclaim.ts';
import { SelfMetrics } from './self-metrics.ts';

const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } as const;

function families(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) \S+$/gm)) out.add(m[1]!);
  return out;
}

test('every served family is documented in docs/metrics.md and every documented one is served', () => {
  const snap = snapshot({
    nodes: [node('g1', res(8000, 32 * GiB, 1), { 'karpenter.sh/capacity-type': 'spot' })],
    pods: [pod('ml', 'trainer', 'g1', [container('t', res(4000, 16 * GiB, 1))])],
    namespaces: [{ name: 'ml', labels: { budget: '900', 'cost-center': 'research' }, annotations: {} }],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { g1: { price: RATES } } }), { startMs: 0, endMs: 3_600_000 });
  const text = renderCostMetrics(report, { costUsd: new Map(), spotSavingsUsd: new Map() }, 'prometheus') + new SelfMetrics({ version: '1', nodeVersion: 'v24', source: 'demo' }).render('prometheus');
  const advice =
    renderAdviceMetrics({ run: undefined, budgets: [], namespaceMonth: [], clusterMonth: undefined, namespaces: [], runs: { ok: 0, failed: 0 } }, 'prometheus', '', { maxSeries: 100 }) +
    renderBudgetMetrics([], 'prometheus', '') +
    createNotifier({ channels: [webhookChannel(() => 'http://127.0.0.1:1/', undefined)], logger: memoryLogger() }).metrics('prometheus', '');
  const hub = renderHubMetrics('prometheus', { version: '1', storeUp: true, coverage: [] });
  const reclaim = memoryReclaim({ gc: () => undefined, logger: memoryLogger() }).render('prometheus');
  const served = families(text + renderLivePricingMetrics(undefined, 'prometheus') + renderBillingMetrics(undefined, 'prometheus') + advice + hub + reclaim);
  const doc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `((?:kube_cost|process|nodejs)_[a-z0-9_]+)` \|/gm)].map((m) => m[1]!));
  assert.deepEqual([...served].filter((f) => !documented.has(f)), [], 'served but not documented');
  assert.deepEqual([...documented].filter((f) => !served.has(f)), [], 'documented but not served');
});

test('label values are escaped as the exposition format requires', () => {
  assert.equal(escapeLabelValue('plain'), 'plain');
  assert.equal(escapeLabelValue('a"b'), 'a\\"b');
  assert.equal(escapeLabelValue('a\\b'), 'a\\\\b');
  assert.equal(escapeLabelValue('a\nb'), 'a\\nb');
  assert.equal(labelText({ namespace: 'x"y', pod: 'p' }), 'namespace="x\\"y",pod="p"');
});

test('the writer refuses invalid names and counters without _total', () => {
  const w = new ExpositionWriter('prometheus');
  assert.throws(() => w.family('bad-name', 'gauge', 'x'), new Error('Invalid metric name: bad-name'));
  assert.throws(() => w.family('kube_cost_things', 'counter', 'x'), new Error('Counter kube_cost_things must end in _total'));
  w.family('kube_cost_x', 'gauge', 'x');
  assert.throws(() => w.family('kube_cost_x', 'gauge', 'x'), new Error('Metric family kube_cost_x written twice'));
});

test('the writer: many samples across chunk boundaries, repeated values, special values and UTF-8 labels; kept or handed to a sink', () => {
  const chunks: string[] = [];
  const writers = [new ExpositionWriter('openmetrics', 'cluster="prod"'), new ExpositionWriter('openmetrics', 'cluster="prod"', { text: (c) => chunks.push(c) })];
  const w = {
    family: (...a: Parameters<ExpositionWriter['family']>) => {
      for (const x of writers) x.family(...a);
    },
    sample: (...a: Parameters<ExpositionWriter['sample']>) => {
      for (const x of writers) x.sample(...a);
    },
  };
  w.family('kube_cost_x_total', 'counter', 'Help with a \\ and a\nnewline.');
  const expected: string[] = ['# HELP kube_cost_x Help with a \\\\ and a\\nnewline.', '# TYPE kube_cost_x counter'];
  // Repeats of one value (the memo) mixed with distinct ones, over many 16 Ki-character chunks.
  for (let i = 0; i < 5000; i++) {
    const value = i % 3 === 0 ? 0.1 + 0.2 : i / 7;
    w.sample(labelText({ pod: `p-${i}` }), value, '');
    expected.push(`kube_cost_x_total{cluster="prod",pod="p-${i}"} ${i % 3 === 0 ? '0.30000000000000004' : String(i / 7)}`);
  }
  const table: [number, string][] = [
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [-0, '0'],
    [0, '0'],
    [1e21, '1e+21'],
    [5e-324, '5e-324'],
    [0.30000000000000004, '0.30000000000000004'],
  ];
  for (const [value, text] of table) {
    w.sample(labelText({ team: 'équipe ☃' }), value);
    expected.push(`kube_cost_x_total{cluster="prod",team="équipe ☃"} ${text}`);
  }
  const text = `${expected.join('\n')}\n`;
  assert.equal(writers[0]!.toString(), text);
  writers[1]!.flush();
  assert.equal(writers[1]!.toString(), '', 'a writer with a sink keeps nothing');
  assert.ok(chunks.length > 10, `${chunks.length} chunks`);
  assert.equal(chunks.join(''), text);
});

test('one streamed pass gives both formats: shared text, and the counter headers in each form', () => {
  const snap = snapshot({
    nodes: [node('g1', res(8000, 32 * GiB, 1), { 'karpenter.sh/capacity-type': 'spot' })],
    pods: [pod('ml', 'trainer', 'g1', [container('t', res(4000, 16 * GiB, 1))])],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { g1: { price: RATES } } }), { startMs: 0, endMs: 3_600_000 });
  const counters = { costUsd: new Map([['ml', 1.5]]), spotSavingsUsd: new Map([['ml', 0.25]]) };
  const built = { prometheus: '', openmetrics: '' };
  let differing = 0;
  streamCostMetrics(report, counters, 'openmetrics', 'cluster="c"', {
    text: (chunk) => {
      built.prometheus += chunk;
      built.openmetrics += chunk;
    },
    byFormat: (lines) => {
      differing++;
      built.prometheus += lines.prometheus;
      built.openmetrics += lines.openmetrics;
    },
  });
  assert.equal(differing, 2, 'the two counter families');
  assert.equal(built.prometheus, renderCostMetrics(report, counters, 'prometheus', 'cluster="c"'));
  assert.equal(built.openmetrics, renderCostMetrics(report, counters, 'openmetrics', 'cluster="c"'));
  assert.ok(built.openmetrics.includes('# TYPE kube_cost_namespace_cost_usd counter\nkube_cost_namespace_cost_usd_total{cluster="c",namespace="ml"} 1.5\n'));
  assert.ok(built.prometheus.includes('# TYPE kube_cost_namespace_cost_usd_total counter\nkube_cost_namespace_cost_usd_total{cluster="c",namespace="ml"} 1.5\n'));
});

test('the render in steps: about 4,096 series per step, the same text as at once', () => {
  const pods = Array.from({ length: 9000 }, (_, i) => pod('web', `p-${i}`, 'n1', [container('c', res(1 + (i % 7), 1024 * (1 + (i % 5))))]));
  const report = allocate(snapshot({ nodes: [node('n1', res(64000, 256 * GiB))], pods }), tablePriceBook({ nodes: { n1: { price: RATES } } }), { startMs: 0, endMs: 3_600_000 });
  const counters = { costUsd: new Map(), spotSavingsUsd: new Map() };
  let text = '';
  let steps = 0;
  for (const _ of costMetricsSteps(report, counters, 'prometheus', '', { text: (chunk) => (text += chunk) })) steps++;
  // 9,000 pods in the pod families (2 steps inside each of 4) plus the steps between families.
  assert.ok(steps >= 8 + 8, `${steps} steps`);
  assert.equal(text, renderCostMetrics(report, counters, 'prometheus'));
});
