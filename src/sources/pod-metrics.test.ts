import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertPodMetricsList, isPodMetricsDocument } from './pod-metrics.ts';

const MiB = 1024 ** 2;

/** As `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` prints it (metrics-server 0.7). */
const LIST = {
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: {},
  items: [
    {
      metadata: { name: 'web-7d4b9c8f5-x2x9k', namespace: 'shop', creationTimestamp: '2026-11-23T14:00:07Z', labels: { app: 'web' } },
      timestamp: '2026-11-23T13:59:52Z',
      window: '15.012s',
      containers: [
        { name: 'app', usage: { cpu: '123456789n', memory: '204800Ki' } },
        { name: 'envoy', usage: { cpu: '1500u', memory: '48Mi' } },
      ],
    },
    { metadata: { name: 'starting', namespace: 'shop' }, timestamp: '2026-11-23T13:59:52Z', window: '15s', containers: [] },
  ],
};

test('a PodMetricsList becomes usage per pod and container, rounded up to millicores and bytes', () => {
  const { usage, warnings } = convertPodMetricsList(LIST, 'metrics.json');
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    [...usage].map(([pod, containers]) => [pod, [...containers]]),
    [
      [
        'shop/web-7d4b9c8f5-x2x9k',
        [
          ['app', { cpuMillicores: 124, ramBytes: 200 * MiB }],
          ['envoy', { cpuMillicores: 2, ramBytes: 48 * MiB }],
        ],
      ],
      ['shop/starting', []],
    ],
  );
  assert.ok(isPodMetricsDocument(LIST));
  assert.ok(!isPodMetricsDocument({ kind: 'List', items: [] }));
});

test('a malformed item is skipped with an error naming it; the others are kept', () => {
  const item = (name: string, containers: unknown) => ({ metadata: { name, namespace: 'shop' }, timestamp: '2026-11-23T13:59:52Z', window: '15s', containers });
  const table: [unknown, string][] = [
    [item('a', [{ name: 'app', usage: { cpu: 'fast', memory: '1Mi' } }]), 'podmetrics/shop/a: containers[0].usage.cpu: not a valid Kubernetes quantity (got "fast")'],
    [item('a', [{ name: 'app', usage: { cpu: '1m' } }]), 'podmetrics/shop/a: containers[0].usage.memory: missing (got "undefined")'],
    [item('a', [{ name: 'app' }]), 'podmetrics/shop/a: containers[0].usage: expected {cpu, memory} (got "undefined")'],
    [item('a', [{ usage: { cpu: '1m', memory: '1Mi' } }]), 'podmetrics/shop/a: containers[0].name: missing container name (got "undefined")'],
    [item('a', [{ name: 'app', usage: { cpu: '1m', memory: '1Mi' } }, { name: 'app', usage: { cpu: '1m', memory: '1Mi' } }]), 'podmetrics/shop/a: containers[1].name: container listed twice (got "app")'],
    [item('a', null), 'podmetrics/shop/a: containers: expected an array of containers (got "null")'],
    [{ metadata: { namespace: 'shop' }, containers: [] }, 'podmetrics/(no name: metrics.json items[0]): metadata.name: missing name (got "undefined")'],
    [item('ok', []), 'podmetrics/shop/ok: metadata.name: duplicate of podmetrics/shop/ok (repeated in metrics.json); skipped (got "ok")'],
    [42, 'metrics.json: items[0]: expected a PodMetrics object (got "42")'],
  ];
  for (const [bad, message] of table) {
    const { usage, warnings } = convertPodMetricsList({ ...LIST, items: [bad, item('ok', [])] }, 'metrics.json');
    assert.deepEqual(
      warnings.map((w) => w.message),
      [message],
    );
    // For the duplicate row, the first `ok` is kept.
    assert.deepEqual([...usage.keys()], ['shop/ok']);
  }
});

test('a document that is not metrics output is refused, naming the file', () => {
  assert.throws(() => convertPodMetricsList({ kind: 'List', items: [] }, 'usage.json'), {
    name: 'SourceReadError',
    message: 'usage.json: kind: expected a PodMetricsList (kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods) (got "List")',
  });
  assert.throws(() => convertPodMetricsList({ kind: 'PodMetricsList' }, 'usage.json'), { message: 'usage.json: items: a PodMetricsList needs an items array (got "undefined")' });
});
