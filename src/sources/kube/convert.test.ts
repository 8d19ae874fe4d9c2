import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../json.ts';
import { convertObject, createInterner, MAX_ANNOTATION_CHARS, objectKey, slim } from './convert.ts';
import type { WatchedResource, WatchedResourceName } from './resources.ts';
import { WATCHED_RESOURCES } from './resources.ts';

const r = <R extends WatchedResourceName>(name: R) => WATCHED_RESOURCES.find((x) => x.name === name) as WatchedResource & { name: R };

const apiPod = (name: string, extra: JsonObject = {}): JsonObject => ({
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    resourceVersion: '7',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big": true}', 'prometheus.io/scrape': 'true', huge: 'x'.repeat(MAX_ANNOTATION_CHARS + 1) },
    managedFields: [{ manager: 'kubectl' }],
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '256Mi' } } }] },
  status: { phase: 'Running', startTime: '2026-01-02T00:00:00Z' },
  ...extra,
});

test('objectKey: namespace/name, name for cluster-scoped objects, undefined without a name', () => {
  assert.equal(objectKey({ metadata: { name: 'a', namespace: 'ns' } }, true), 'ns/a');
  assert.equal(objectKey({ metadata: { name: 'a' } }, true), 'default/a');
  assert.equal(objectKey({ metadata: { name: 'n1', namespace: 'x' } }, false), 'n1');
  assert.equal(objectKey({ metadata: {} }, true), undefined);
});

test('slim drops managedFields, last-applied-configuration and oversized annotations', () => {
  const obj = apiPod('a');
  slim(obj);
  assert.deepEqual(obj['metadata'], {
    name: 'a',
    namespace: 'shop',
    uid: 'uid-a',
    resourceVersion: '7',
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: { 'prometheus.io/scrape': 'true' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }],
  });
});

test('convertObject: a pod through kube-objects.ts, labels shared between pods, no bulky fields kept', () => {
  const a = convertObject(r('pods'), apiPod('a'), 'watch /api/v1/pods');
  const b = convertObject(r('pods'), apiPod('b'), 'watch /api/v1/pods');
  assert.equal(a?.key, 'shop/a');
  assert.equal(a?.entry.resourceVersion, '7');
  assert.equal(a?.entry.warning, undefined);
  const pod = a?.entry.value;
  assert.deepEqual(
    { ...pod },
    {
      uid: 'uid-a',
      namespace: 'shop',
      name: 'a',
      nodeName: 'n1',
      phase: 'Running',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      annotations: { 'prometheus.io/scrape': 'true' },
      containers: [{ name: 'app', requests: { cpuMillicores: 250, ramBytes: 268435456, gpus: 0 }, limits: { cpuMillicores: 0, ramBytes: 0, gpus: 0 } }],
      initContainers: [],
      sidecarContainers: [],
      overhead: { cpuMillicores: 0, ramBytes: 0, gpus: 0 },
      claimNames: [],
      owner: { kind: 'ReplicaSet', name: 'web-abc' },
      workload: { kind: 'Deployment', name: 'web' },
      startedAtMs: Date.UTC(2026, 0, 2),
    },
  );
  assert.equal(pod?.labels, b?.entry.value?.labels, 'one label map for both');
});

test('convertObject: a terminated pod carries when its containers finished', () => {
  const done = convertObject(
    r('pods'),
    apiPod('a', {
      status: {
        phase: 'Succeeded',
        startTime: '2026-01-02T00:00:00Z',
        containerStatuses: [
          { name: 'app', state: { terminated: { exitCode: 0, finishedAt: '2026-01-02T00:05:00Z' } } },
          { name: 'side', state: { terminated: { exitCode: 0, finishedAt: '2026-01-02T00:04:00Z' } } },
        ],
      },
    }),
    'list /api/v1/pods',
  );
  assert.equal(done?.entry.value?.terminatedAtMs, Date.UTC(2026, 0, 2, 0, 5));
});

test('convertObject: a pod keeps its volumes on the node (spot advice), a local PV says so; an update keeps them', () => {
  const spec = { nodeName: 'n1', containers: [{ name: 'app' }], volumes: [{ name: 'cache', emptyDir: { sizeLimit: '2Gi' } }, { name: 'shm', emptyDir: { medium: 'Memory' } }, { name: 'logs', hostPath: { path: '/var/log/app' } }] };
  const first = convertObject(r('pods'), apiPod('a', { spec }), 'list /api/v1/pods');
  const expected = [
    { name: 'cache', type: 'emptyDir', sizeLimitBytes: 2 * 2 ** 30 },
    { name: 'logs', type: 'hostPath' },
  ];
  assert.deepEqual(first?.entry.value?.localVolumes, expected);
  const updated = convertObject(r('pods'), apiPod('a', { spec, status: { phase: 'Running' } }), 'watch /api/v1/pods', () => first?.entry.value);
  assert.deepEqual(updated?.entry.value?.localVolumes, expected);
  const pv = convertObject(r('persistentvolumes'), { metadata: { name: 'local-pv-1', resourceVersion: '1' }, spec: { capacity: { storage: '100Gi' }, local: { path: '/mnt/disks/ssd0' }, storageClassName: 'local' } }, 'list');
  assert.equal(pv?.entry.value?.nodeLocal, 'local');
});

test('convertObject: a malformed object becomes a warning naming object, field and value', () => {
  const bad = apiPod('a', { spec: { nodeName: 'n1', containers: [{ name: 'app', resources: { requests: { cpu: '10x' } } }] } });
  const out = convertObject(r('pods'), bad, 'watch /api/v1/pods');
  assert.equal(out?.entry.value, undefined);
  assert.equal(out?.entry.warning?.message, 'pods/shop/a: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")');
});

test('convertObject: ReplicaSets and Jobs keep only their controller', () => {
  const rs = convertObject(r('replicasets'), { metadata: { name: 'web-abc', namespace: 'shop', resourceVersion: '3', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { replicas: 3 } }, 'list');
  assert.deepEqual(rs, { key: 'shop/web-abc', entry: { resourceVersion: '3', value: { kind: 'Deployment', name: 'web' }, warning: undefined } });
  const job = convertObject(r('jobs'), { metadata: { name: 'once', namespace: 'batch', resourceVersion: '4' } }, 'list');
  assert.deepEqual(job?.entry.value, null);
});

test('createInterner: one copy per key while in use, at most two generations kept', () => {
  const interner = createInterner<{ v: string }>(2);
  let made = 0;
  const get = (k: string) => interner.intern(k, () => ({ v: `${k}${++made}` }));
  const a = get('a');
  assert.equal(get('a'), a);
  get('b');
  get('c'); // young {a, b} becomes old; young {c}
  assert.equal(get('a'), a, 'still shared from the old generation');
  get('d');
  get('e'); // young {c, a} becomes old, {b} dropped
  assert.equal(made, 5);
  assert.notEqual(get('b').v, 'b2', 'b fell out and is made again');
});
