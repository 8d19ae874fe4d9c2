import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import { podSamplesOf, pollPodMetrics } from './metrics.ts';
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
