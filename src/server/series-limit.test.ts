import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import { renderCostMetrics } from './cost-metrics.ts';
import { limitPodSeries, OTHER } from './series-limit.ts';

// One 4-core / 16 GiB node at 0.04 per core-hour and 0.005 per GiB-hour; five pods whose hourly
// costs are, by hand: a1 = 1 × 0.04 + 2 × 0.005 = 0.05; a2 = 0.5 × 0.04 + 1 × 0.005 = 0.025;
// a3 = 0.25 × 0.04 + 0.5 × 0.005 = 0.0125; b1 = 2 × 0.04 + 4 × 0.005 = 0.10; b2 = 0.1 × 0.04 + 0.25 × 0.005 = 0.00525.
const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0 } } as const;
const report = allocate(
  snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('a', 'a1', 'n1', [container('c', res(1000, 2 * GiB))]),
      pod('a', 'a2', 'n1', [container('c', res(500, 1 * GiB))]),
      pod('a', 'a3', 'n1', [container('c', res(250, 0.5 * GiB))]),
      pod('b', 'b1', 'n1', [container('c', res(2000, 4 * GiB))]),
      pod('b', 'b2', 'n1', [container('c', res(100, 0.25 * GiB))]),
    ],
  }),
  tablePriceBook({ nodes: { n1: { price: RATES } } }),
  { startMs: 0, endMs: 3_600_000 },
);

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test('limitPodSeries: the most expensive pods stay, the rest fold into __other__ per namespace, sums unchanged', () => {
  const hourly = Object.fromEntries(report.pods.map((p) => [p.name, p.totalHourlyUsd]));
  close(hourly['a1']!, 0.05);
  close(hourly['b1']!, 0.1);
  close(hourly['b2']!, 0.00525);
  const table: [number, string[], [string, number][]][] = [
    [0, ['a1', 'a2', 'a3', 'b1', 'b2'], []],
    [5, ['a1', 'a2', 'a3', 'b1', 'b2'], []],
    [3, ['a1', 'a2', 'b1'], [['a', 0.0125], ['b', 0.00525]]],
    [1, ['b1'], [['a', 0.0875], ['b', 0.00525]]],
  ];
  for (const [max, keptNames, others] of table) {
    const limited = limitPodSeries(report, max);
    assert.deepEqual(limited.report.pods.map((p) => p.name).sort(), keptNames, `max ${max}`);
    assert.equal(limited.folded, 5 - keptNames.length);
    const folded = limited.report.pseudo.filter((p) => (p.name as string) === OTHER);
    assert.deepEqual(folded.map((p) => p.namespace), others.map(([ns]) => ns));
    for (const [ns, total] of others) close(folded.find((p) => p.namespace === ns)!.totalHourlyUsd, total);
    const sum = (r: typeof report) => r.pods.reduce((s, p) => s + p.totalHourlyUsd, 0) + r.pseudo.reduce((s, p) => s + p.totalHourlyUsd, 0);
    close(sum(limited.report), sum(report));
    if (max === 0 || max >= 5) assert.equal(limited.report, report, 'no cap: the same report');
  }
});

test('the capped exposition: __other__ series per namespace, the sum over kube_cost_pod_hourly_usd unchanged', () => {
  const sumOf = (text: string) => [...text.matchAll(/^kube_cost_pod_hourly_usd\{[^}]*\} (\S+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
  const counters = { costUsd: new Map(), spotSavingsUsd: new Map() };
  const full = renderCostMetrics(report, counters, 'prometheus');
  const capped = renderCostMetrics(limitPodSeries(report, 1).report, counters, 'prometheus');
  close(sumOf(capped), sumOf(full));
  const other = /^kube_cost_pod_hourly_usd\{namespace="a",pod="__other__",node=""\} (\S+)$/m.exec(capped);
  assert.ok(other, 'an __other__ series for namespace a');
  close(Number(other[1]), 0.0875);
  assert.doesNotMatch(capped, /pod="a1"/);
});
