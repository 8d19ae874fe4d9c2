import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import { nodeUsageOf, podSamplesOf, pollPodMetrics } from './metrics.ts';
import type { KubeTransport } from './transport.ts';

test('podSamplesOf: per pod, the containers and the time metrics-server measured them', () => {
  const body = {
    kind: 'PodMetricsList',
    items: [
      { metadata: { name: 'a', namespace: 'shop' }, timestamp: '2026-01-02T11:59:30Z', window: '30s', containers: [{ name: 'app', usage: { cpu: '1534212n', memory: '20480Ki' } }] },
      { metadata: { name: 'b', namespace: 'shop' }, containers: [{ name: 'app', usage: { cpu: '10x', memory: '1Mi' } }] },
      { metadata: { name: 'c', namespace: 'shop' }, containers: [] },
    ],
  };
  const { samples, warnings } = podSamplesOf(body, 'list /apis/metrics.k8s.io/v1beta1/pods', 99);
  assert.deepEqual(samples, [
    { pod: 'shop/a', timestampMs: Date.UTC(2026, 0, 2, 11, 59, 30), containers: new Map([['app', { cpuMillicores: 2, ramBytes: 20971520 }]]) },
    { pod: 'shop/c', timestampMs: 99, containers: new Map() },
  ]);
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['podmetrics/shop/b: containers[0].usage.cpu: not a valid Kubernetes quantity (got "10x")'],
  );
});

test('pollPodMetrics: absent, forbidden and failing metrics APIs say so', async () => {
  const failing = (err: Error): KubeTransport => ({
    server: 'https://x',
    get: () => Promise.reject(err),
    watch: () => Promise.reject(err),
    close: async () => {},
  });
  const table: [Error, string, RegExp][] = [
    [new KubeApiError('list /apis/metrics.k8s.io/v1beta1/pods', 404, 'NotFound', '404 page not found'), 'absent', /^the metrics API \(metrics\.k8s\.io\/v1beta1\) is not served: install metrics-server; costs use requests only$/],
    [new KubeApiError('list /apis/metrics.k8s.io/v1beta1/pods', 403, 'Forbidden', 'pods.metrics.k8s.io is forbidden'), 'forbidden', /^not allowed to list pod metrics \(grant list on metrics\.k8s\.io pods\): /],
    [new KubeApiError('list /apis/metrics.k8s.io/v1beta1/pods', 503, 'ServiceUnavailable', 'service unavailable'), 'unavailable', /^the metrics API failed: /],
    [new KubeConnectionError('list /apis/metrics.k8s.io/v1beta1/pods', 'ETIMEDOUT', 'no answer within 15000 ms'), 'unavailable', /^the metrics API did not answer: /],
  ];
  for (const [err, state, detail] of table) {
    const poll = await pollPodMetrics(failing(err), 0);
    assert.equal(poll.state, state);
    assert.match('detail' in poll ? poll.detail : '', detail);
  }
});

test('nodeUsageOf: a NodeMetricsList as metrics-server writes it; malformed or repeated items are warnings naming them', () => {
  const body = {
    kind: 'NodeMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {},
    items: [
      { metadata: { name: 'n1' }, timestamp: '2026-11-23T12:00:00Z', window: '20.009s', usage: { cpu: '252034625n', memory: '1820436Ki' } },
      { metadata: { name: 'n2' }, usage: { cpu: '2', memory: '8Gi' } },
      { metadata: { name: 'n2' }, usage: { cpu: '1', memory: '1Gi' } },
      { metadata: { name: 'n3' }, usage: { memory: '1Gi' } },
      { metadata: {}, usage: { cpu: '1', memory: '1Gi' } },
    ],
  };
  const { usage, warnings } = nodeUsageOf(body, 'list /apis/metrics.k8s.io/v1beta1/nodes');
  // 252034625n = 252.034625 millicores, rounded up to 253 as Kubernetes' MilliValue() does; 1820436Ki × 1024 = 1,864,126,464 bytes.
  assert.deepEqual([...usage], [
    ['n1', { cpuMillicores: 253, ramBytes: 1_864_126_464 }],
    ['n2', { cpuMillicores: 2000, ramBytes: 8 * 2 ** 30 }],
  ]);
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'nodemetrics/n2: metadata.name: repeated in list /apis/metrics.k8s.io/v1beta1/nodes (got "n2")',
      'nodemetrics/n3: usage.cpu: missing (got "undefined")',
      'nodemetrics/(no name: list /apis/metrics.k8s.io/v1beta1/nodes items[4]): metadata.name: missing name (got "undefined")',
    ],
  );
  assert.deepEqual(
    nodeUsageOf({ kind: 'Status' }, 'list x').warnings.map((w) => w.message),
    ['list x: items: expected a NodeMetricsList with an items array (got "undefined")'],
  );
});
