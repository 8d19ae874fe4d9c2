import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SnapshotBuilder } from './kube-json.ts';
import { createSnapshotFilesSource } from './snapshot-files.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function build(...items: unknown[]) {
  const b = new SnapshotBuilder();
  b.add({ apiVersion: 'v1', kind: 'List', items }, 'cluster.json');
  return b;
}

const nodeObj = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, labels: { 'node.kubernetes.io/instance-type': 'm5.xlarge' }, creationTimestamp: '2026-11-01T00:00:00Z' },
  spec: { providerID: 'aws:///us-east-1a/i-0abc' },
  status: { capacity: { cpu: '4', memory: '16Gi', pods: '58' }, allocatable: { cpu: '3920m', memory: '15Gi' } },
  ...extra,
});

const podObj = (name: string, containers: unknown[], extra: Record<string, unknown> = {}) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f5', controller: true }] },
  spec: { nodeName: 'n1', containers },
  status: { phase: 'Running', startTime: '2026-11-23T10:00:00Z' },
  ...extra,
});

test('nodes: capacity, allocatable, GPUs, labels, providerID', () => {
  const b = build(nodeObj('n1'), { ...nodeObj('g1'), status: { capacity: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } } });
  assert.deepEqual(b.warnings, []);
  const [n1, g1] = b.nodes;
  assert.deepEqual(n1!.capacity, { cpuMillicores: 4000, ramBytes: 16 * GiB, gpus: 0 });
  assert.deepEqual(n1!.allocatable, { cpuMillicores: 3920, ramBytes: 15 * GiB, gpus: 0 });
  assert.equal(n1!.providerId, 'aws:///us-east-1a/i-0abc');
  assert.equal(n1!.createdAtMs, Date.UTC(2026, 10, 1));
  assert.deepEqual(g1!.capacity, { cpuMillicores: 4000, ramBytes: 16 * GiB, gpus: 1 });
  assert.deepEqual(g1!.allocatable, g1!.capacity);
});

test('pods: requests, limits defaulting, init containers, sidecars, overhead, claims, workload', () => {
  const b = build(
    podObj('web-7d4b9c8f5-x2x9k', [
      { name: 'app', resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } } },
      { name: 'limits-only', resources: { limits: { cpu: '1.5', memory: '1Gi', 'nvidia.com/gpu': '1' } } },
      { name: 'best-effort' },
    ], {
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1' } } }, { name: 'limits-only', resources: { limits: { cpu: '1.5', memory: '1Gi', 'nvidia.com/gpu': '1' } } }],
        initContainers: [{ name: 'migrate', resources: { requests: { cpu: '1' } } }, { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        overhead: { cpu: '50m', memory: '32Mi' },
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-0' } }, { name: 'tmp', emptyDir: {} }],
      },
    }),
  );
  assert.deepEqual(b.warnings, []);
  const p = b.pods[0]!;
  assert.equal(p.namespace, 'shop');
  assert.equal(p.nodeName, 'n1');
  assert.equal(p.phase, 'Running');
  assert.equal(p.startedAtMs, Date.UTC(2026, 10, 23, 10));
  assert.deepEqual(p.containers[0]!.requests, { cpuMillicores: 250, ramBytes: 128 * MiB, gpus: 0 });
  // requests default to limits when absent (API server defaulting)
  assert.deepEqual(p.containers[1]!.requests, { cpuMillicores: 1500, ramBytes: GiB, gpus: 1 });
  assert.deepEqual(p.initContainers.map((c) => c.name), ['migrate']);
  assert.deepEqual(p.sidecarContainers.map((c) => c.name), ['proxy']);
  assert.deepEqual(p.overhead, { cpuMillicores: 50, ramBytes: 32 * MiB, gpus: 0 });
  assert.deepEqual(p.claimNames, ['data-0']);
  assert.deepEqual(p.owner, { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' });
  assert.deepEqual(p.workload, { kind: 'Deployment', name: 'web' });
});

test('CronJob jobs, StatefulSets and missing status', () => {
  const b = build(
    { kind: 'Pod', metadata: { name: 'report-29312345-abcde', namespace: 'batch', ownerReferences: [{ kind: 'Job', name: 'report-29312345', controller: true }] }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } },
    { kind: 'Pod', metadata: { name: 'db-0', namespace: 'data', ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } },
    { kind: 'Pod', metadata: { name: 'waiting' }, spec: { containers: [{ name: 'c' }] } },
  );
  assert.deepEqual(b.warnings, []);
  assert.deepEqual(b.pods[0]!.workload, { kind: 'CronJob', name: 'report' });
  assert.equal(b.pods[0]!.phase, 'Succeeded');
  assert.deepEqual(b.pods[1]!.workload, { kind: 'StatefulSet', name: 'db' });
  assert.equal(b.pods[1]!.phase, 'Running', 'a bound pod with no status is taken as running');
  assert.equal(b.pods[2]!.phase, 'Pending');
  assert.equal(b.pods[2]!.namespace, 'default');
});

test('volumes, claims, services, namespaces, storage classes; other kinds are counted and ignored', () => {
  const b = build(
    { kind: 'PersistentVolume', metadata: { name: 'pvc-1' }, spec: { capacity: { storage: '100Gi' }, storageClassName: 'gp3', claimRef: { namespace: 'data', name: 'data-0' }, csi: { driver: 'ebs.csi.aws.com' } } },
    { kind: 'PersistentVolume', metadata: { name: 'old' }, spec: { capacity: { storage: '50Gi' }, storageClassName: 'gp2', awsElasticBlockStore: { volumeID: 'vol-1' } } },
    { kind: 'PersistentVolumeClaim', metadata: { name: 'data-0', namespace: 'data' }, spec: { volumeName: 'pvc-1', storageClassName: 'gp3', resources: { requests: { storage: '100Gi' } } } },
    { kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'web' } }, status: { loadBalancer: { ingress: [{ hostname: 'a.elb.amazonaws.com' }] } } },
    { kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' } } },
    { kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'web', budget: '5000' }, annotations: { owner: 'web-team' } } },
    { kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } },
    { kind: 'ConfigMap', metadata: { name: 'x' } },
    { kind: 'ConfigMap', metadata: { name: 'y' } },
  );
  assert.deepEqual(b.warnings, []);
  assert.deepEqual(b.persistentVolumes[0], { name: 'pvc-1', storageClass: 'gp3', capacityBytes: 100 * GiB, claim: { namespace: 'data', name: 'data-0' }, driver: 'ebs.csi.aws.com', labels: {} });
  assert.equal(b.persistentVolumes[1]!.driver, 'kubernetes.io/aws-ebs');
  assert.deepEqual(b.persistentVolumeClaims[0], { namespace: 'data', name: 'data-0', volumeName: 'pvc-1', storageClass: 'gp3', requestBytes: 100 * GiB });
  assert.deepEqual(b.services[0], { namespace: 'shop', name: 'web', type: 'LoadBalancer', selector: { app: 'web' }, ingressCount: 1 });
  assert.equal(b.services[1]!.type, 'ClusterIP');
  assert.deepEqual(b.namespaces[0], { name: 'shop', labels: { team: 'web', budget: '5000' }, annotations: { owner: 'web-team' } });
  assert.deepEqual(b.storageClasses[0], { name: 'gp3', provisioner: 'ebs.csi.aws.com', volumeType: 'gp3' });
  assert.deepEqual([...b.ignoredKinds], [['ConfigMap', 2]]);
});

test('pod metrics (metrics.k8s.io PodMetricsList) become usage per container', () => {
  const b = new SnapshotBuilder();
  b.add(
    {
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      items: [{ metadata: { name: 'web-1', namespace: 'shop' }, timestamp: '2026-11-23T10:00:00Z', window: '15s', containers: [{ name: 'app', usage: { cpu: '123456789n', memory: '204800Ki' } }] }],
    },
    'metrics.json',
  );
  assert.ok(b.hasUsage);
  assert.deepEqual(b.snapshot().usage?.get('shop/web-1')?.get('app'), { cpuMillicores: 124, ramBytes: 200 * MiB });
});

test('malformed objects are skipped with an error naming object, field and value', () => {
  const table: [unknown, string][] = [
    [podObj('bad-cpu', [{ name: 'app', resources: { requests: { cpu: '10x' } } }]), 'pods/shop/bad-cpu: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")'],
    [podObj('bad-gpu', [{ name: 'app', resources: { limits: { 'nvidia.com/gpu': '0.5' } } }]), 'pods/shop/bad-gpu: spec.containers[0].resources.limits["nvidia.com/gpu"]: must be a whole number (got "0.5")'],
    [{ kind: 'Pod', metadata: { namespace: 'shop' }, spec: { containers: [] } }, 'pods/(unnamed): metadata.name: missing name (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' } }, 'pods/shop/p: spec: missing spec (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 'p2', namespace: 'shop' }, spec: { containers: {} } }, 'pods/shop/p2: spec.containers: expected an array of containers (got "{}")'],
    [{ kind: 'Pod', metadata: { name: 'p3', namespace: 'shop' }, spec: { containers: [] }, status: { phase: 'Sleeping' } }, 'pods/shop/p3: status.phase: expected Pending, Running, Succeeded, Failed or Unknown (got "Sleeping")'],
    [{ kind: 'Node', metadata: { name: 'n9' } }, 'nodes/n9: status: missing status (capacity is needed to price a node) (got "undefined")'],
    [{ kind: 'Node', metadata: { name: 'n8' }, status: { capacity: { memory: '16 Gi' } } }, 'nodes/n8: status.capacity.memory: not a valid Kubernetes quantity (got "16 Gi")'],
    [{ kind: 'Namespace', metadata: { name: 'x', labels: { team: 7 } } }, 'namespaces/x: metadata.labels.team: expected a string (got "7")'],
    [{ kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: 'lots' } } }, 'persistentvolumes/v: spec.capacity.storage: not a valid Kubernetes quantity (got "lots")'],
    ['just a string', 'cluster.json: items[0]: expected a Kubernetes object (got "just a string")'],
  ];
  for (const [obj, message] of table) {
    const b = build(obj, podObj('fine', [{ name: 'c' }]));
    assert.deepEqual(
      b.warnings.map((w) => w.message),
      [message],
    );
    assert.deepEqual(
      b.pods.map((p) => p.name),
      ['fine'],
      'the rest of the snapshot is kept',
    );
  }
});

test('duplicate UIDs: the later object is skipped, naming both', () => {
  const a = podObj('a', [{ name: 'c' }]);
  const b2 = { ...podObj('b', [{ name: 'c' }]), metadata: { name: 'b', namespace: 'shop', uid: 'uid-a' } };
  const b = build(a, b2);
  assert.deepEqual(
    b.pods.map((p) => p.name),
    ['a'],
  );
  assert.deepEqual(
    b.warnings.map((w) => w.message),
    ['pods/shop/b: metadata.uid: duplicate of pods/shop/a; skipped (got "uid-a")'],
  );
});

test('structural errors throw: not JSON, not an object, a List without items', () => {
  assert.throws(() => new SnapshotBuilder().add([1, 2], 'x.json'), { message: 'x.json: (document): expected a Kubernetes object or List (got "[1,2]")' });
  assert.throws(() => new SnapshotBuilder().add({ kind: 'List' }, 'x.json'), { message: 'x.json: items: a List needs an items array (got "undefined")' });
});

test('snapshot files: several files merged, re-read on change, broken JSON names file and position', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-snap-'));
  try {
    writeFileSync(join(dir, 'a-nodes.json'), JSON.stringify({ kind: 'List', items: [nodeObj('n1')] }));
    writeFileSync(join(dir, 'b-pods.json'), JSON.stringify({ kind: 'List', items: [podObj('p1', [{ name: 'c' }])] }));
    const source = createSnapshotFilesSource({ paths: [dir] });
    const r1 = await source.read(0);
    assert.equal(r1.snapshot.nodes.length, 1);
    assert.equal(r1.snapshot.pods.length, 1);
    assert.equal(await source.read(0), r1, 'unchanged files are not re-read');
    writeFileSync(join(dir, 'b-pods.json'), JSON.stringify({ kind: 'List', items: [podObj('p1', [{ name: 'c' }]), podObj('p2', [{ name: 'c' }])] }));
    const r2 = await source.read(0);
    assert.equal(r2.snapshot.pods.length, 2);
    writeFileSync(join(dir, 'b-pods.json'), '{"kind": "List", "items": [');
    await assert.rejects(source.read(0), (err: Error) => {
      assert.equal(err.message, `${join(dir, 'b-pods.json')}: (file): not valid JSON: Unexpected end of JSON input (got "{\\"kind\\": \\"List\\", \\"items\\": [")`);
      return true;
    });
    const missing = createSnapshotFilesSource({ paths: [join(dir, 'nope.json')] });
    await assert.rejects(missing.read(0), { message: `${join(dir, 'nope.json')}: (file): cannot read: ENOENT (got "${join(dir, 'nope.json')}")` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
