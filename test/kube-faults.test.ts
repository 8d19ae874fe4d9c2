// Faults of the cluster around the exporter: a metrics API that answers too slowly. The read still
// returns within the metrics timeout, costs fall back to requests and say so, and usage comes back
// by itself when the metrics API is fast again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../src/core/allocate.ts';
import { EXPECTED, realisticCluster, realisticUsage, T0, testPrices, webPod } from './kube-apiserver/cluster.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';

const window = { startMs: T0 - 60_000, endMs: T0 };

test('a slow metrics API: reads finish by the metrics timeout with costs from requests, then usage returns', async () => {
  const cluster = await startTestCluster();
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    realisticUsage(cluster.server, T0 - 30_000);
    const source = await cluster.source({ metricsTimeoutMs: 400 });
    const fast = await source.read(T0);
    assert.equal(fast.usageStatus?.state, 'ok');
    const withUsage = allocate(fast.snapshot, testPrices(), window);

    // metrics-server stalls: 10 s per answer, 25 times the timeout. Read six minutes later, when the
    // last samples have left the usage window (five minutes): nothing measured is left to use.
    cluster.server.metricsDelayMs = 10_000;
    const started = performance.now();
    const slow = await source.read(T0 + 6 * 60_000);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 9000, `the read gave up on the metrics API instead of waiting for it (${Math.round(elapsedMs)} ms)`);
    assert.equal(slow.hasUsage, false);
    assert.equal(slow.usageStatus?.state, 'unavailable', JSON.stringify(slow.usageStatus));
    assert.match(slow.usageStatus?.detail ?? '', /timed out|ETIMEDOUT|did not answer|silent/i, JSON.stringify(slow.usageStatus));
    // Costs from requests: web-a's usage above its request no longer counts; the cluster total is unchanged.
    const fromRequests = allocate(slow.snapshot, testPrices(), window);
    const podA = (r: typeof withUsage) => r.pods.find((p) => p.name === 'web-7d4b9c8f5-a')!.totalHourlyUsd;
    assert.ok(podA(fromRequests) < podA(withUsage), 'web-a costs its request only');
    assert.ok(Math.abs(fromRequests.cluster.totalHourlyUsd - EXPECTED.cluster) < 1e-9);
    assert.equal(slow.snapshot.pods.length, fast.snapshot.pods.length, 'the objects are all still there');

    cluster.server.metricsDelayMs = 0;
    realisticUsage(cluster.server, T0 + 7 * 60_000);
    const back = await source.read(T0 + 7 * 60_000 + 30_000);
    assert.equal(back.usageStatus?.state, 'ok');
    assert.equal(back.hasUsage, true);
  } finally {
    await cluster.close();
  }
});

test('--max-objects: an API server listing more pods than the limit: only the limit is read, a warning per kind says how many were not, new ones past it are not read either', async () => {
  const cluster = await startTestCluster();
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    // 6 pods and 4 namespaces listed; keep at most 4 of each kind.
    const source = await cluster.source({ maxObjects: 4, metrics: false });
    const reading = await source.read(T0);
    assert.equal(reading.snapshot.pods.length <= 4, true, `${reading.snapshot.pods.length} pods read`);
    const limit = reading.warnings.filter((w) => w.name === 'ObjectLimitError');
    assert.deepEqual(
      limit.map((w) => w.message),
      ['pods: items: more than --max-objects (4) of this kind; the extra ones were not read, so not costed (got "2 over the limit")'],
    );
    // The same warning object on the next read (logged and counted once by the exporter).
    const again = await source.read(T0 + 1000);
    assert.equal(again.warnings.find((w) => w.name === 'ObjectLimitError'), limit[0]);
    assert.equal(source.status().resources.find((r) => r.resource === 'pods')?.overLimit, 2);
    // A new pod while at the limit is not read either.
    cluster.server.apply(webPod('web-7d4b9c8f5-c', 'n1'));
    await eventually(() => source.status().resources.find((r) => r.resource === 'pods')?.overLimit === 3, 'the new pod counted over the limit');
    const later = await source.read(T0 + 2000);
    assert.equal(later.snapshot.pods.length, reading.snapshot.pods.length);
    assert.ok(!later.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-c'));
  } finally {
    await cluster.close();
  }
});
