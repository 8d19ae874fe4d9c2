// The test API server is only worth its scenarios if it speaks the protocol a real one does: the
// real kubectl (Debian's kubernetes-client, installed by .ci/run) talks to it over HTTPS with its
// CA and a bearer token, and what kubectl prints is checked line by line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { realisticCluster, realisticUsage, T0 } from './kube-apiserver/cluster.ts';
import type { TestCluster } from './kube-apiserver/harness.ts';
import { kubectl, startTestCluster } from './kube-apiserver/harness.ts';
import { podObject } from './kube-apiserver/objects.ts';

const hasKubectl = spawnSync('sh', ['-c', 'command -v kubectl']).status === 0;

describe('the test API server, seen by the real kubectl', { skip: hasKubectl ? false : 'kubectl is not installed (.ci/run installs it)', concurrency: false }, () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ now: () => T0 });
    for (const o of realisticCluster()) cluster.server.apply(o);
    realisticUsage(cluster.server, T0 - 30_000);
  });
  after(async () => {
    await cluster.close();
  });

  test('kubectl get nodes: the server-side table', async () => {
    const r = await kubectl(cluster, ['get', 'nodes']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, ['NAME   STATUS   ROLES    AGE   VERSION', 'n1     Ready    <none>   36h   v1.32.3-eks-473151a', 'n2     Ready    <none>   36h   v1.32.3-eks-473151a', ''].join('\n'));
  });

  test('kubectl get pods -A: every namespace, in pages', async () => {
    const r = await kubectl(cluster, ['get', 'pods', '-A', '--chunk-size=2']);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'NAMESPACE     NAME                    READY   STATUS      RESTARTS   AGE',
        'batch         report-29412345-7bq4n   0/1     Completed   0          120m',
        'data          db-0                    1/1     Running     0          24h',
        'kube-system   fluent-bit-x9k2m        1/1     Running     0          24h',
        'shop          web-7d4b9c8f5-a         1/1     Running     0          60m',
        'shop          web-7d4b9c8f5-b         1/1     Running     0          60m',
        'shop          web-pending             0/1     Pending     0          12h',
        '',
      ].join('\n'),
    );
    const lists = cluster.server.requests.filter((q) => q.verb === 'list' && q.resource === 'pods' && q.query.includes('limit=2'));
    assert.equal(lists.length, 3, 'kubectl followed the continue tokens');
  });

  test('kubectl get pods -A -o json: the objects as stored (kubectl restores kind and apiVersion, hides managedFields)', async () => {
    const r = await kubectl(cluster, ['get', 'pods', '-A', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { kind: string; items: Record<string, unknown>[] };
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 6);
    const db = list.items.find((i) => (i['metadata'] as { name: string }).name === 'db-0');
    const stored = structuredClone(cluster.server.get('Pod', 'data', 'db-0')) as { metadata: Record<string, unknown> };
    delete stored.metadata['managedFields'];
    assert.deepEqual(db, stored);
    const shown = await kubectl(cluster, ['get', 'pod', 'db-0', '-n', 'data', '-o', 'json', '--show-managed-fields']);
    assert.deepEqual(JSON.parse(shown.stdout), cluster.server.get('Pod', 'data', 'db-0'), 'kubectl get <one pod> reads the same object');
  });

  test('kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods: the metrics API', async () => {
    const r = await kubectl(cluster, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items: [
        {
          metadata: { name: 'web-7d4b9c8f5-a', namespace: 'shop', creationTimestamp: '2026-01-02T12:00:00Z' },
          timestamp: '2026-01-02T11:59:30Z',
          window: '30s',
          containers: [{ name: 'app', usage: { cpu: '800000000n', memory: '614400Ki' } }],
        },
      ],
    });
  });

  test('kubectl get pods -w: the list, then each change as the watch delivers it', async () => {
    const watching = kubectl(cluster, ['get', 'pods', '-n', 'shop', '-w'], { untilStdout: /web-new .*\n.*web-7d4b9c8f5-b .*\n/ });
    await cluster.server.waitForWatches(1);
    cluster.server.apply(podObject({ namespace: 'shop', name: 'web-new', phase: 'Pending', containers: [{ name: 'app', cpu: '100m' }], startMs: T0 }));
    cluster.server.remove('Pod', 'shop', 'web-7d4b9c8f5-b');
    const r = await watching;
    assert.equal(
      r.stdout,
      [
        'NAME              READY   STATUS    RESTARTS   AGE',
        'web-7d4b9c8f5-a   1/1     Running   0          60m',
        'web-7d4b9c8f5-b   1/1     Running   0          60m',
        'web-pending       0/1     Pending   0          12h',
        'web-new           0/1     Pending   0          0s',
        'web-7d4b9c8f5-b   1/1     Running   0          60m',
        '',
      ].join('\n'),
    );
    const watch = cluster.server.requests.find((q) => q.verb === 'watch' && q.namespace === 'shop');
    assert.ok(watch, 'kubectl watched the namespace');
  });

  test('a wrong token: kubectl says it is not logged in (401 Status)', async () => {
    const r = await kubectl(cluster, ['get', 'nodes', '--token', 'wrong']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
  });
});
