// Pod churn through the whole chain — test API server → kube source → exporter counters — on a
// clock the test moves, so that every accrued dollar is computed by hand (test/kube-apiserver/cluster.ts
// has the rates): pods that stop between two cycles are charged the minutes they ran in the window,
// once, and those minutes come out of the idle counter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { EXPECTED, realisticCluster, realisticUsage, T0, testPrices } from './kube-apiserver/cluster.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';
import { podObject } from './kube-apiserver/objects.ts';

function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `series ${series} not found`);
  return Number(line.slice(series.length + 1));
}

test('a Job that starts and ends between two cycles, and a deleted pod, are charged their minutes once', async () => {
  const cluster = await startTestCluster();
  try {
    let clock = T0;
    for (const o of realisticCluster()) cluster.server.apply(o);
    realisticUsage(cluster.server, T0);
    const source = await cluster.source({ now: () => clock });
    const exporter = createExporter({ source, prices: testPrices(), logger: memoryLogger(), intervalMs: 60_000, now: () => clock });
    await exporter.cycle(); // T0: nothing accrued yet
    const podEvents = (): number => source.status().resources.find((r) => r.resource === 'pods')!.events;

    // T0 + 10 s → T0 + 70 s: a Job pod on n2 (2 cores, 2 GiB) starts and finishes, seen only finished.
    const before = podEvents();
    cluster.server.apply(
      podObject({ namespace: 'batch', name: 'report-quick', node: 'n2', phase: 'Succeeded', owner: { kind: 'Job', name: 'report-29412345', apiVersion: 'batch/v1' }, containers: [{ name: 'report', cpu: '2', memory: '2Gi' }], startMs: T0 + 10_000 }),
    );
    await eventually(() => podEvents() > before, 'the Job pod event');
    // T0 + 90 s: web-b (n2) is deleted; it was charged until the previous cycle (T0), 90 s remain.
    clock = T0 + 90_000;
    const beforeDelete = podEvents();
    cluster.server.remove('Pod', 'shop', 'web-7d4b9c8f5-b');
    await eventually(() => podEvents() > beforeDelete, 'the deletion event');

    clock = T0 + 120_000;
    await exporter.cycle(); // window T0 → T0 + 120 s (2 min = 1/30 h)
    const text = exporter.metrics('prometheus').text;
    const near = (series: string, expected: number): void => {
      const actual = sampleValue(text, series);
      assert.ok(Math.abs(actual - expected) < 1e-12, `${series}: ${actual} ≠ ${expected}`);
    };
    // batch: (2 × cpu + 2 × ram) = 0.0708706521962973/h × 60 s = 0.001181177536604955
    near('kube_cost_namespace_cost_usd_total{namespace="batch"}', 0.001181177536604955);
    // shop: web-a with the whole load balancer for 2 min, (0.029185905805309012 + 0.0225) / 30,
    // plus web-b for 90 s, 0.019811775366049552 × 90 / 3600 = 0.0004952943841512388
    near('kube_cost_namespace_cost_usd_total{namespace="shop"}', 0.0022181579109948725);
    // data and kube-system did not change: hourly / 30
    near('kube_cost_namespace_cost_usd_total{namespace="data"}', EXPECTED.data / 30);
    near('kube_cost_namespace_cost_usd_total{namespace="kube-system"}', EXPECTED.fluentBit / 30);
    // idle: n1 0.11116585596902737 + n2 now empty 0.384, for 2 min, less the minutes the two pods
    // used on n2: 0.49516585596902737 / 30 − (0.001181177536604955 + 0.0004952943841512388)
    near('kube_cost_namespace_cost_usd_total{namespace="__idle__"}', 0.01482905661154472);

    // The next cycle: nothing is charged twice.
    clock = T0 + 180_000;
    await exporter.cycle();
    const next = exporter.metrics('prometheus').text;
    assert.equal(sampleValue(next, 'kube_cost_namespace_cost_usd_total{namespace="batch"}'), sampleValue(text, 'kube_cost_namespace_cost_usd_total{namespace="batch"}'));
    const shopNow = sampleValue(next, 'kube_cost_namespace_cost_usd_total{namespace="shop"}');
    assert.ok(Math.abs(shopNow - (0.0022181579109948725 + (0.029185905805309012 + 0.0225) / 60)) < 1e-12, `shop after one more minute: ${shopNow}`);
    await exporter.stop();
  } finally {
    await cluster.close();
  }
});
