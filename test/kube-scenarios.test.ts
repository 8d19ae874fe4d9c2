// The `kube` source against the test API server, through @kubernetes/client-node over HTTPS, and
// the cost model on what it reads: each scenario asserts the numbers, not only that nothing broke.
// Hand-computed figures are in test/kube-apiserver/cluster.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CostReport } from '../src/core/allocate.ts';
import { allocate, IDLE } from '../src/core/allocate.ts';
import { createApp } from '../src/server/app.ts';
import { createExporter } from '../src/server/exporter.ts';
import { KubeNotReadyError } from '../src/sources/kube/errors.ts';
import { costFinishedPods } from '../src/sources/kube/finished-costs.ts';
import type { KubeReading, KubeSource } from '../src/sources/kube/kube-source.ts';
import type { FinishedPod } from '../src/sources/kube/lifecycle.ts';
import { EXPECTED, realisticCluster, realisticUsage, T0, testPrices, webPod } from './kube-apiserver/cluster.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';
import { nodeObject, podObject } from './kube-apiserver/objects.ts';

const close = (actual: number | undefined, expected: number, what: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
};

const podHourly = (report: CostReport, namespace: string, name: string): number | undefined => report.pods.find((p) => p.namespace === namespace && p.name === name)?.totalHourlyUsd;
const nsHourly = (report: CostReport, namespace: string): number | undefined => report.namespaces.find((n) => n.namespace === namespace)?.totalHourlyUsd;

/** Reads until `accept` holds; returns that reading and every pod that finished along the way. */
async function readUntil(source: KubeSource, nowMs: number, accept: (r: KubeReading) => boolean, what: string): Promise<{ reading: KubeReading; finished: FinishedPod[] }> {
  const finished: FinishedPod[] = [];
  const reading = await eventually(async () => {
    const r = await source.read(nowMs);
    finished.push(...r.finishedPods);
    return accept(r) ? r : undefined;
  }, what);
  return { reading, finished };
}

const window = { startMs: T0 - 60_000, endMs: T0 };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('kube source scenarios', { concurrency: false }, () => {
  test('initial sync of a realistic cluster: every cost, workload and label as computed by hand', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      realisticUsage(cluster.server, T0 - 30_000);
      const source = await cluster.source();
      const reading = await source.read(T0);
      assert.equal(reading.hasUsage, true);
      assert.deepEqual(reading.usageStatus, { state: 'ok', detail: '', pods: 1, lastPollMs: T0 });
      assert.deepEqual(reading.warnings, []);
      assert.deepEqual(
        reading.snapshot.pods.map((p) => `${p.namespace}/${p.name}`).sort(),
        ['batch/report-29412345-7bq4n', 'data/db-0', 'kube-system/fluent-bit-x9k2m', 'shop/web-7d4b9c8f5-a', 'shop/web-7d4b9c8f5-b', 'shop/web-pending'],
      );

      const report = allocate(reading.snapshot, testPrices(), window);
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-a'), EXPECTED.webA + EXPECTED.lb / 2, 'web-a (usage above request + half the LB)');
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-b'), EXPECTED.webB + EXPECTED.lb / 2, 'web-b');
      close(podHourly(report, 'data', 'db-0'), EXPECTED.db + EXPECTED.pv, 'db-0 with its volume');
      close(podHourly(report, 'kube-system', 'fluent-bit-x9k2m'), EXPECTED.fluentBit, 'fluent-bit');
      assert.equal(podHourly(report, 'batch', 'report-29412345-7bq4n'), undefined, 'a Succeeded pod costs nothing');
      close(nsHourly(report, 'shop'), EXPECTED.shop, 'namespace shop');
      close(nsHourly(report, 'data'), EXPECTED.data, 'namespace data');
      close(nsHourly(report, IDLE), EXPECTED.idleN1 + EXPECTED.idleN2, 'idle');
      close(report.cluster.totalHourlyUsd, EXPECTED.cluster, 'cluster');
      assert.deepEqual(
        report.nodes.map((n) => [n.name, n.instanceType, n.region, n.zone, n.capacityType]),
        [
          ['n1', 'm5.xlarge', 'us-east-1', 'us-east-1a', 'on-demand'],
          ['n2', 'm5.2xlarge', 'us-east-1', 'us-east-1b', 'on-demand'],
        ],
      );

      // Workloads through the owner chain: the ReplicaSet belongs to a Rollout (the name alone
      // would say Deployment), the Job to a CronJob; StatefulSet and DaemonSet pods name theirs.
      const workload = (ns: string, name: string) => reading.snapshot.pods.find((p) => p.namespace === ns && p.name === name)?.workload;
      assert.deepEqual(workload('shop', 'web-7d4b9c8f5-a'), { kind: 'Rollout', name: 'web' });
      assert.deepEqual(workload('batch', 'report-29412345-7bq4n'), { kind: 'CronJob', name: 'report' });
      assert.deepEqual(workload('data', 'db-0'), { kind: 'StatefulSet', name: 'db' });
      assert.deepEqual(workload('kube-system', 'fluent-bit-x9k2m'), { kind: 'DaemonSet', name: 'fluent-bit' });

      // Labels and annotations for aggregation and budgets; nothing bulky kept.
      const shop = reading.snapshot.namespaces.find((n) => n.name === 'shop');
      assert.deepEqual(shop, { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'storefront' }, annotations: { budget: '500' } });
      assert.deepEqual(report.budgets.map((b) => [b.namespace, b.monthlyUsd]), [['shop', 500]]);
      const webA = reading.snapshot.pods.find((p) => p.name === 'web-7d4b9c8f5-a')!;
      assert.deepEqual(webA.labels, { app: 'web', 'pod-template-hash': '7d4b9c8f5', team: 'storefront' });
      assert.deepEqual(webA.annotations, {}, 'last-applied-configuration is dropped');
      assert.equal(webA.labels, reading.snapshot.pods.find((p) => p.name === 'web-7d4b9c8f5-b')!.labels, 'identical label maps are shared');

      const status = source.status();
      assert.equal(status.synced, true);
      assert.deepEqual(
        status.resources.map((r) => [r.resource, r.objects, r.lists]),
        [
          ['namespaces', 4, 1],
          ['nodes', 2, 1],
          ['persistentvolumes', 1, 1],
          ['persistentvolumeclaims', 1, 1],
          ['services', 2, 1],
          ['storageclasses', 1, 1],
          ['replicasets', 1, 1],
          ['jobs', 1, 1],
          ['horizontalpodautoscalers', 0, 1],
          ['poddisruptionbudgets', 0, 1],
          ['pods', 6, 1],
        ],
      );
    } finally {
      await cluster.close();
    }
  });

  test('pods added, deleted and rescheduled: the next reading follows, finished pods are reported', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const source = await cluster.source();
      await source.read(T0);

      cluster.server.apply(webPod('web-7d4b9c8f5-c', 'n2'));
      let { reading } = await readUntil(source, T0, (r) => r.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-c'), 'web-c');
      let report = allocate(reading.snapshot, testPrices(), window);
      // Three web pods now share the load balancer; no usage is measured (requests only).
      close(nsHourly(report, 'shop'), 3 * EXPECTED.webB + EXPECTED.lb, 'shop with three web pods');
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-c'), EXPECTED.webB + EXPECTED.lb / 3, 'web-c');

      cluster.server.remove('Pod', 'shop', 'web-7d4b9c8f5-b');
      const deleted = await readUntil(source, T0, (r) => !r.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-b'), 'web-b deleted');
      reading = deleted.reading;
      const finished = deleted.finished;
      assert.deepEqual(
        finished.map((f) => [f.pod.name, f.pod.phase, f.node?.name, f.reason]),
        [['web-7d4b9c8f5-b', 'Running', 'n2', 'deleted']],
      );
      report = allocate(reading.snapshot, testPrices(), window);
      close(nsHourly(report, 'shop'), 2 * EXPECTED.webB + EXPECTED.lb, 'shop after the deletion');

      // A StatefulSet pod rescheduled: deleted on n1, created again (new UID) on n2.
      const db = cluster.server.get('Pod', 'data', 'db-0')!;
      cluster.server.remove('Pod', 'data', 'db-0');
      const moved = structuredClone(db) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      moved.metadata = { ...moved.metadata, uid: 'db-0-second-incarnation', resourceVersion: undefined };
      moved.spec = { ...moved.spec, nodeName: 'n2' };
      cluster.server.apply(moved);
      ({ reading } = await readUntil(source, T0, (r) => r.snapshot.pods.some((p) => p.name === 'db-0' && p.nodeName === 'n2'), 'db-0 on n2'));
      report = allocate(reading.snapshot, testPrices(), window);
      close(podHourly(report, 'data', 'db-0'), EXPECTED.db + EXPECTED.pv, 'db-0 on n2 (same rates)');
      const idle = (node: string) => report.pseudo.find((p) => p.name === IDLE && p.node === node)?.totalHourlyUsd;
      close(idle('n1'), EXPECTED.idleN1 + EXPECTED.db + EXPECTED.webA - EXPECTED.webAByRequest, 'n1 idle: db-0 left, web-a at requests');
      close(idle('n2'), EXPECTED.idleN2 - EXPECTED.db, 'n2 idle: db-0 and web-c arrived, web-b left');
    } finally {
      await cluster.close();
    }
  });

  test('a node replaced: the new node is priced, pods that ran on the old one are charged their minutes', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      let clock = T0;
      const source = await cluster.source({ now: () => clock });
      await source.read(T0);

      clock = T0 + 30_000;
      cluster.server.remove('Node', '', 'n2');
      cluster.server.remove('Pod', 'shop', 'web-7d4b9c8f5-b');
      cluster.server.remove('Pod', 'batch', 'report-29412345-7bq4n');
      cluster.server.apply(nodeObject({ name: 'n3', cpu: '8', memory: '32Gi', instanceType: 'm5.2xlarge', zone: 'us-east-1c' }));
      cluster.server.apply(webPod('web-7d4b9c8f5-d', 'n3', { startMs: T0 + 40_000 }));
      // Read at the source's own time: a read takes the pods that finished before it.
      const { reading, finished } = await readUntil(source, clock, (r) => r.snapshot.nodes.some((n) => n.name === 'n3') && r.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-d'), 'n3 and web-d');

      assert.deepEqual(reading.snapshot.nodes.map((n) => n.name), ['n1', 'n3']);
      const prices = testPrices({ n3: 0.384 });
      const report = allocate(reading.snapshot, prices, { startMs: T0, endMs: T0 + 60_000 });
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-d'), EXPECTED.webB + EXPECTED.lb / 2, 'web-d on n3');
      assert.equal(report.pods.find((p) => p.name === 'web-7d4b9c8f5-d')?.minutes, 1 / 3, 'web-d ran the last 20 s of the window');
      assert.deepEqual(report.errors, []);

      // web-b ran on n2 (deleted since) from before the window until 30 s into it: half a minute.
      assert.deepEqual(
        finished.map((f) => [f.pod.name, f.node?.name, f.finishedAtMs - T0, f.reason]),
        [['web-7d4b9c8f5-b', 'n2', 30_000, 'deleted']],
      );
      const charged = costFinishedPods(finished, prices, { startMs: T0, endMs: T0 + 60_000 });
      assert.equal(charged.pods.length, 1);
      assert.equal(charged.pods[0]?.minutes, 0.5);
      close(charged.pods[0]?.windowCostUsd, (EXPECTED.webB * 0.5) / 60, 'web-b over its half minute');
      close(charged.byNamespace.get('shop'), (EXPECTED.webB * 0.5) / 60, 'shop');
      close(charged.idleByNode.get('n2'), (EXPECTED.webB * 0.5) / 60, 'taken out of n2 idle');
    } finally {
      await cluster.close();
    }
  });

  test('the watch connection dropped mid-stream: the informers resume from their resourceVersion, no re-list', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      // A dropped watch is a blip, not an outage: the source stays readable while it reconnects.
      const source = await cluster.source({ unreachableAfterMs: 60_000 });
      await source.read(T0);
      await cluster.server.waitForWatches(11);

      assert.equal(cluster.server.dropWatches({ midEvent: true }), 11);
      // Changes while the client reconnects: it must not miss them.
      cluster.server.apply(webPod('web-7d4b9c8f5-e', 'n2'));
      cluster.server.remove('Pod', 'kube-system', 'fluent-bit-x9k2m');
      const { reading } = await readUntil(
        source,
        T0,
        (r) => r.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-e') && !r.snapshot.pods.some((p) => p.name === 'fluent-bit-x9k2m'),
        'changes made during the reconnect',
      );
      const report = allocate(reading.snapshot, testPrices(), window);
      close(nsHourly(report, 'shop'), EXPECTED.webAByRequest + 2 * EXPECTED.webB + EXPECTED.lb, 'shop');
      assert.equal(nsHourly(report, 'kube-system'), undefined);
      const pods = source.status().resources.find((r) => r.resource === 'pods')!;
      assert.equal(pods.lists, 1, 'resumed from the resourceVersion: no re-list');
      assert.ok(pods.watches >= 2);
      assert.equal(pods.connected, true);
      assert.equal(pods.consecutiveFailures, 0);
    } finally {
      await cluster.close();
    }
  });

  test('410 Gone: history compacted while disconnected forces a re-list, which finds objects deleted meanwhile', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      let clock = T0;
      const source = await cluster.source({ now: () => clock, unreachableAfterMs: 60_000 });
      await source.read(T0);
      await cluster.server.waitForWatches(11);

      await cluster.server.stop();
      clock = T0 + 20_000;
      cluster.server.remove('Pod', 'shop', 'web-7d4b9c8f5-b');
      cluster.server.apply(webPod('web-7d4b9c8f5-f', 'n2'));
      cluster.server.compact();
      clock = T0 + 40_000;
      await cluster.server.restart();

      await eventually(() => source.status().resources.every((r) => r.lists === 2), 'every informer listed again');
      const pods = source.status().resources.find((r) => r.resource === 'pods')!;
      assert.equal(pods.expiredRelists, 1, `expected one 410 re-list, got ${JSON.stringify(pods)}`);
      const reading = await source.read(T0 + 60_000);
      assert.ok(reading.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-f'));
      assert.ok(!reading.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-b'));
      // Deleted while we were away: noticed by the re-list, at the time of the re-list.
      assert.deepEqual(
        reading.finishedPods.map((f) => [f.pod.name, f.reason, f.finishedAtMs - T0]),
        [['web-7d4b9c8f5-b', 'deleted', 40_000]],
      );
      const report = allocate(reading.snapshot, testPrices(), window);
      close(nsHourly(report, 'shop'), EXPECTED.webAByRequest + EXPECTED.webB + EXPECTED.lb, 'shop');
    } finally {
      await cluster.close();
    }
  });

  test('API server down at start and back later: not ready, then the numbers; down again: last good numbers, not ready', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      await cluster.server.stop();
      const source = await cluster.source({ firstSyncTimeoutMs: 300 });
      let clock = T0;
      const exporter = createExporter({ source, prices: testPrices(), logger: silent, intervalMs: 60_000, now: () => clock, clusterId: 'test' });
      // The message names the connection error once the first lists have failed: wait for that
      // rather than hoping it happens within the read's 300 ms on a loaded machine.
      source.start();
      await eventually(() => source.status().resources.every((r) => r.lastError !== undefined), 'every first list failed');

      await assert.rejects(source.read(T0), (err: unknown) => {
        assert.ok(err instanceof KubeNotReadyError);
        assert.match(err.message, /^kube context "test" \(https:\/\/127\.0\.0\.1:\d+\) from --kubeconfig .*: initial sync: the first list of namespaces, nodes, .*pods has not finished: list \/api\/v1\/\w+: connection: no answer from the API server: .*\(got "namespaces,nodes,persistentvolumes,persistentvolumeclaims,services,storageclasses,replicasets,jobs,horizontalpodautoscalers,poddisruptionbudgets,pods"\)$/);
        return true;
      });
      await exporter.cycle();
      assert.equal(exporter.status().ready, false);
      assert.match(exporter.status().reason, /^no data yet: .*has not finished/);

      await cluster.server.restart();
      await eventually(async () => {
        clock += 1000;
        await exporter.cycle();
        return exporter.status().ready;
      }, 'ready after the API server came back');
      close(exporter.report()?.cluster.totalHourlyUsd, EXPECTED.cluster, 'cluster');
      close(exporter.report()?.cluster.idleHourlyUsd, EXPECTED.idleN1 + EXPECTED.idleN2 + EXPECTED.webA - EXPECTED.webAByRequest, 'idle (requests only: no usage yet)');
      assert.match(exporter.metrics('prometheus').text, /^kube_cost_cluster_hourly_usd\{cluster="test"\} 0\.7094589/m);

      await cluster.server.stop();
      await eventually(async () => {
        clock += 1000;
        await exporter.cycle();
        return !exporter.status().ready;
      }, 'not ready while the API server is down');
      // Either the last read failed, or the source's health saw the connection go before a read did.
      assert.match(exporter.status().reason, /^(last read failed, )?serving data from .*: .*unreachable since/);
      assert.match(exporter.metrics('prometheus').text, /^kube_cost_cluster_hourly_usd\{cluster="test"\} 0\.7094589/m, 'the last good numbers are still served');

      await cluster.server.restart();
      await eventually(async () => {
        clock += 1000;
        await exporter.cycle();
        return exporter.status().ready;
      }, 'ready again');
      await exporter.stop();
    } finally {
      await cluster.close();
    }
  });

  test('metrics API missing: costs use requests and the reading says why; it appears later: usage is used', async () => {
    const cluster = await startTestCluster({ metrics: 'absent' });
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const source = await cluster.source();
      let reading = await source.read(T0);
      assert.equal(reading.hasUsage, false);
      assert.equal(reading.snapshot.usage, undefined);
      assert.deepEqual(reading.usageStatus, {
        state: 'absent',
        detail: 'the metrics API (metrics.k8s.io/v1beta1) is not served: install metrics-server; costs use requests only',
        pods: 0,
        lastPollMs: T0,
      });
      let report = allocate(reading.snapshot, testPrices(), window);
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-a'), EXPECTED.webAByRequest + EXPECTED.lb / 2, 'web-a at its request');
      assert.equal(source.status().usage.state, 'absent');

      cluster.server.metricsMode = 'unavailable';
      reading = await source.read(T0 + 1000);
      assert.equal(reading.usageStatus.state, 'unavailable');
      assert.match(reading.usageStatus.detail, /^the metrics API failed: list \/apis\/metrics\.k8s\.io\/v1beta1\/pods: HTTP status: ServiceUnavailable: service unavailable/);

      cluster.server.metricsMode = 'available';
      realisticUsage(cluster.server, T0 + 1500);
      reading = await source.read(T0 + 2000);
      assert.equal(reading.usageStatus.state, 'ok');
      assert.equal(reading.hasUsage, true);
      report = allocate(reading.snapshot, testPrices(), window);
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-a'), EXPECTED.webA + EXPECTED.lb / 2, 'web-a at its usage');
    } finally {
      await cluster.close();
    }
  });

  test('metrics API missing, through the exporter: /readyz says costs use requests and why; kube_cost_usage_available is 0', async () => {
    const cluster = await startTestCluster({ metrics: 'absent' });
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const source = await cluster.source();
      const exporter = createExporter({ source, prices: testPrices(), logger: silent, now: () => T0, clusterId: 'test' });
      const app = createApp({ exporter, version: 'test', sourceDescription: source.description });
      await exporter.cycle();
      const res = await app.request('/readyz');
      assert.equal(res.status, 200);
      const body = (await res.json()) as { usage: unknown; sourceStatus: { synced: boolean; reachable: boolean; resources: Record<string, { objects: number; synced: boolean }> } };
      assert.deepEqual(body.usage, {
        state: 'absent',
        detail: 'the metrics API (metrics.k8s.io/v1beta1) is not served: install metrics-server; costs use requests only',
        costsUse: 'requests',
      });
      assert.equal(body.sourceStatus.synced, true);
      assert.equal(body.sourceStatus.reachable, true);
      assert.deepEqual(
        Object.fromEntries(Object.entries(body.sourceStatus.resources).map(([r, s]) => [r, s.objects])),
        { namespaces: 4, nodes: 2, persistentvolumes: 1, persistentvolumeclaims: 1, services: 2, storageclasses: 1, replicasets: 1, jobs: 1, horizontalpodautoscalers: 0, poddisruptionbudgets: 0, pods: 6 },
      );
      assert.match(exporter.metrics('prometheus').text, /^kube_cost_usage_available\{cluster="test",state="absent"\} 0$/m);
      await exporter.stop();
    } finally {
      await cluster.close();
    }
  });

  test('NodeMetrics: whole-node usage is read with pod metrics and exported as a ratio of capacity; costs do not change', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      realisticUsage(cluster.server, T0 - 30_000);
      // n1 has 4 cores and 16 GiB: 1.5 cores → 0.375; 4194304Ki = 4 GiB → 0.25. n2 has no NodeMetrics.
      cluster.server.setNodeMetrics('n1', { cpu: '1500000000n', memory: '4194304Ki' });
      const source = await cluster.source();
      const reading = await source.read(T0);
      assert.deepEqual([...(reading.snapshot.nodeUsage ?? [])], [['n1', { cpuMillicores: 1500, ramBytes: 4 * 2 ** 30 }]]);
      const report = allocate(reading.snapshot, testPrices(), window);
      close(report.cluster.totalHourlyUsd, EXPECTED.cluster, 'cluster (node usage changes no cost)');
      const exporter = createExporter({ source, prices: testPrices(), logger: silent, now: () => T0 });
      await exporter.cycle();
      const text = exporter.metrics('prometheus').text;
      assert.match(text, /^kube_cost_node_usage_ratio\{node="n1",resource="cpu"\} 0\.375$/m);
      assert.match(text, /^kube_cost_node_usage_ratio\{node="n1",resource="ram"\} 0\.25$/m);
      assert.doesNotMatch(text, /^kube_cost_node_usage_ratio\{node="n2"/m);
      // A malformed NodeMetrics item is a warning naming it; the other nodes keep their usage.
      cluster.server.setNodeMetrics('n2', { cpu: 'lots', memory: '1Gi' });
      const bad = await source.read(T0 + 60_000);
      assert.ok(bad.warnings.some((w) => w.message === 'nodemetrics/n2: usage.cpu: not a valid Kubernetes quantity (got "lots")'), bad.warnings.map((w) => w.message).join('; '));
      assert.deepEqual([...(bad.snapshot.nodeUsage?.keys() ?? [])], ['n1']);
      await exporter.stop();
    } finally {
      await cluster.close();
    }
  });

  test('usage is averaged over the window, per container, and a repeated sample counts once', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const source = await cluster.source({ usageWindowMs: 120_000 });
      const set = (cpu: string, t: number) => cluster.server.setPodMetrics('shop', 'web-7d4b9c8f5-a', [{ name: 'app', cpu, memory: '614400Ki' }], { timestampMs: t });
      set('600m', T0 - 150_000);
      await source.read(T0 - 140_000);
      set('900m', T0 - 90_000);
      await source.read(T0 - 80_000);
      await source.read(T0 - 70_000); // the same sample again
      set('1200m', T0 - 30_000);
      const reading = await source.read(T0);
      // In the window (T0 - 120 s, T0]: 900m and 1200m → 1050m. 600m is older than the window.
      assert.deepEqual([...(reading.snapshot.usage?.get('shop/web-7d4b9c8f5-a') ?? [])], [['app', { cpuMillicores: 1050, ramBytes: 629145600 }]]);
      const report = allocate(reading.snapshot, testPrices(), window);
      close(podHourly(report, 'shop', 'web-7d4b9c8f5-a'), 1.05 * EXPECTED.cpuRate + EXPECTED.ramRate + EXPECTED.lb / 2, 'web-a at 1050m');
    } finally {
      await cluster.close();
    }
  });

  test('a pod that starts and finishes between two reads is reported with its minutes', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      let clock = T0;
      const source = await cluster.source({ now: () => clock });
      await source.read(T0);

      // quick-1: seen Pending, Running, then Succeeded. quick-2: first seen already Succeeded.
      const quick = (name: string, phase: 'Pending' | 'Running' | 'Succeeded', node?: string) =>
        podObject({ namespace: 'batch', name, ...(node ? { node } : {}), phase, containers: [{ name: 'task', cpu: '2', memory: '2Gi' }], startMs: T0 + 10_000 });
      clock = T0 + 10_000;
      cluster.server.apply(quick('quick-1', 'Pending'));
      cluster.server.apply(quick('quick-1', 'Running', 'n2'));
      clock = T0 + 70_000;
      cluster.server.apply(quick('quick-1', 'Succeeded', 'n2')); // finishedAt = start + 60 s
      cluster.server.apply(quick('quick-2', 'Succeeded', 'n2'));
      // Let the watch deliver the four events before reading at a later time.
      await eventually(() => source.status().resources.find((r) => r.resource === 'pods')!.events >= 4, 'four pod events');
      const reading = await source.read(T0 + 120_000);
      const finished = reading.finishedPods;

      assert.deepEqual(
        finished.map((f) => [f.pod.name, f.pod.phase, f.startedAtMs - T0, f.finishedAtMs - T0, f.reason]),
        [
          ['quick-1', 'Running', 10_000, 70_000, 'succeeded'],
          ['quick-2', 'Running', 10_000, 70_000, 'succeeded'],
        ],
      );
      // Not in the run rate (they are over), but charged their minute: 2 cores and 2 GiB on n2.
      const windowMs = { startMs: T0, endMs: T0 + 120_000 };
      const report = allocate(reading.snapshot, testPrices(), windowMs);
      assert.equal(podHourly(report, 'batch', 'quick-1'), undefined);
      const charged = costFinishedPods(finished, testPrices(), windowMs);
      const hourly = 2 * EXPECTED.cpuRate + 2 * EXPECTED.ramRate;
      assert.deepEqual(charged.pods.map((p) => [p.name, p.minutes]), [
        ['quick-1', 1],
        ['quick-2', 1],
      ]);
      close(charged.pods[0]?.hourlyUsd, hourly, 'quick-1 hourly');
      close(charged.byNamespace.get('batch'), (2 * hourly) / 60, 'batch: two pod-minutes');
      // Reported once: the next read has nothing new.
      assert.deepEqual((await source.read(T0 + 180_000)).finishedPods, []);
    } finally {
      await cluster.close();
    }
  });

  test('a malformed object is skipped with a warning naming it, for exactly as long as it stays malformed', async () => {
    const cluster = await startTestCluster();
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const bad = podObject({ namespace: 'shop', name: 'broken', node: 'n1', containers: [{ name: 'app', cpu: '10x' }] });
      cluster.server.apply(bad);
      const source = await cluster.source();
      const first = await source.read(T0);
      assert.deepEqual(
        first.warnings.map((w) => w.message),
        ['pods/shop/broken: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")'],
      );
      assert.ok(!first.snapshot.pods.some((p) => p.name === 'broken'));
      cluster.server.apply(webPod('web-7d4b9c8f5-g', 'n2'));
      const second = await readUntil(source, T0, (r) => r.snapshot.pods.some((p) => p.name === 'web-7d4b9c8f5-g'), 'web-g');
      assert.equal(second.reading.warnings, first.warnings, 'the same warnings: the same array (the exporter logs them once)');
      cluster.server.apply(podObject({ namespace: 'shop', name: 'broken', node: 'n1', containers: [{ name: 'app', cpu: '100m' }] }));
      const fixed = await readUntil(source, T0, (r) => r.snapshot.pods.some((p) => p.name === 'broken'), 'the fixed pod');
      assert.deepEqual(fixed.reading.warnings, []);
    } finally {
      await cluster.close();
    }
  });

  test('10,000 pods listed in pages of 500: all of them, priced exactly', async () => {
    const cluster = await startTestCluster({ recordRequests: true });
    try {
      const nodes: Record<string, number> = {};
      for (let n = 0; n < 250; n++) {
        const name = `ip-10-0-${Math.floor(n / 100)}-${n % 100}.ec2.internal`;
        nodes[name] = 0.192;
        cluster.server.apply(nodeObject({ name, cpu: '4', memory: '16Gi' }));
        for (let p = 0; p < 40; p++) {
          cluster.server.apply(
            podObject({ namespace: `team-${p % 20}`, name: `worker-${n}-${p}`, node: name, labels: { app: `worker-${p % 20}` }, containers: [{ name: 'w', cpu: '50m', memory: '128Mi' }] }),
          );
        }
      }
      const source = await cluster.source({ metrics: false });
      const reading = await source.read(T0);
      assert.equal(reading.snapshot.pods.length, 10_000);
      const podLists = cluster.server.requests.filter((r) => r.verb === 'list' && r.resource === 'pods');
      assert.ok(podLists.every((r) => r.query.includes('limit=500')));
      // The list that filled the cache: a first page without a continue token and the 19 after it.
      // At load 17 a page once failed and the reflector listed again from the start (22 requests,
      // the first two an abandoned attempt): that retry is its job, the pages are what is checked.
      const lastList = podLists.slice(podLists.findLastIndex((r) => !r.query.includes('continue=')));
      assert.equal(lastList.length, 20, podLists.map((r) => r.query).join('\n'));
      assert.equal(lastList.filter((r) => r.query.includes('continue=')).length, 19);

      const prices = testPrices();
      const table = { ...nodes };
      const report = allocate(reading.snapshot, { ...prices, node: (q) => ({ price: { kind: 'instance', hourlyUsd: table[q.nodeName] ?? 0 }, onDemand: { kind: 'instance', hourlyUsd: table[q.nodeName] ?? 0 }, source: 'catalog' }) }, window);
      // Each pod: 0.05 core and 0.125 GiB → 0.0015623550732099099 + 0.0005235280792438066.
      const perPod = 0.0020858831524537165;
      assert.equal(report.pods.length, 10_000);
      close(report.cluster.podsComputeHourlyUsd / 10_000, perPod, 'pod compute per pod');
      assert.ok(Math.abs(report.cluster.idleHourlyUsd - (250 * 0.192 - 10_000 * perPod)) < 1e-6);
      assert.equal(reading.usageStatus.state, 'disabled');
    } finally {
      await cluster.close();
    }
  });
});
