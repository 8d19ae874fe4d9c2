import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OwnerRef, ResourceAmounts } from '../core/model.ts';
import { convertKubeDocuments, SnapshotBuilder, workloadOf } from './kube-objects.ts';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const ZERO: ResourceAmounts = { cpuMillicores: 0, ramBytes: 0, gpus: 0 };
const amounts = (cpuMillicores: number, ramBytes: number, gpus = 0): ResourceAmounts => ({ cpuMillicores, ramBytes, gpus });

function convert(...items: unknown[]) {
  return convertKubeDocuments([{ doc: { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, origin: 'cluster.json' }]);
}

const pod = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', uid: `uid-${name}` },
  spec: { nodeName: 'n1', ...spec },
  status: { phase: 'Running' },
  ...extra,
});

test('container resources: quantities, and requests defaulting to limits as the API server does', () => {
  const table: [string, unknown, ResourceAmounts, ResourceAmounts][] = [
    // [what, resources, expected requests, expected limits]
    ['millicores and Mi', { requests: { cpu: '250m', memory: '128Mi' } }, amounts(250, 128 * MiB), ZERO],
    ['decimal cores and Gi', { requests: { cpu: '1.5', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } }, amounts(1500, GiB), amounts(2000, 2 * GiB)],
    ['limits only: requests = limits', { limits: { cpu: '500m', memory: '256Mi' } }, amounts(500, 256 * MiB), amounts(500, 256 * MiB)],
    ['per resource: cpu requested, memory only limited', { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '512Mi' } }, amounts(100, 512 * MiB), amounts(1000, 512 * MiB)],
    ['GPU in limits only', { limits: { 'nvidia.com/gpu': '1' } }, amounts(0, 0, 1), amounts(0, 0, 1)],
    ['AMD GPUs as JSON numbers', { requests: { 'amd.com/gpu': 2 }, limits: { 'amd.com/gpu': 2 } }, amounts(0, 0, 2), amounts(0, 0, 2)],
    ['JSON numbers', { requests: { cpu: 2, memory: 1e9 } }, amounts(2000, 1_000_000_000), ZERO],
    ['round up to a millicore', { requests: { cpu: '0.0001', memory: '1.5Ki' } }, amounts(1, 1536), ZERO],
    ['decimal SI memory', { requests: { memory: '500M' } }, amounts(0, 500_000_000), ZERO],
    ['other resources ignored', { requests: { 'ephemeral-storage': '1Gi', 'hugepages-2Mi': '0' } }, ZERO, ZERO],
    ['empty resources', {}, ZERO, ZERO],
    ['no resources', undefined, ZERO, ZERO],
  ];
  for (const [what, resources, requests, limits] of table) {
    const { snapshot, warnings } = convert(pod('p', { containers: [{ name: 'app', image: 'app:1', ...(resources === undefined ? {} : { resources }) }] }));
    assert.deepEqual(warnings, [], what);
    assert.deepEqual(snapshot.pods[0]?.containers, [{ name: 'app', requests, limits }], what);
  }
});

test('workload from the controlling owner, without fetching the owner', () => {
  const table: [OwnerRef | undefined, Record<string, string>, OwnerRef | undefined][] = [
    [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }, { 'pod-template-hash': '7d4b9c8f5' }, { kind: 'Deployment', name: 'web' }],
    [{ kind: 'ReplicaSet', name: 'api-v2-7d4b9c8f5' }, { 'pod-template-hash': '7d4b9c8f5' }, { kind: 'Deployment', name: 'api-v2' }],
    [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }, {}, { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }],
    [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }, { 'pod-template-hash': '12345' }, { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }],
    [{ kind: 'ReplicaSet', name: 'web7d4b9c8f5' }, { 'pod-template-hash': '7d4b9c8f5' }, { kind: 'ReplicaSet', name: 'web7d4b9c8f5' }],
    [{ kind: 'ReplicaSet', name: '-7d4b9c8f5' }, { 'pod-template-hash': '7d4b9c8f5' }, { kind: 'ReplicaSet', name: '-7d4b9c8f5' }],
    [{ kind: 'Job', name: 'report-28391234' }, {}, { kind: 'CronJob', name: 'report' }],
    [{ kind: 'Job', name: 'db-backup-29412345' }, {}, { kind: 'CronJob', name: 'db-backup' }],
    [{ kind: 'Job', name: 'report-2839123' }, {}, { kind: 'Job', name: 'report-2839123' }],
    [{ kind: 'Job', name: 'report-283912345' }, {}, { kind: 'Job', name: 'report-283912345' }],
    [{ kind: 'Job', name: 'report-2839123a' }, {}, { kind: 'Job', name: 'report-2839123a' }],
    [{ kind: 'Job', name: '28391234' }, {}, { kind: 'Job', name: '28391234' }],
    [{ kind: 'Job', name: 'migrate' }, {}, { kind: 'Job', name: 'migrate' }],
    [{ kind: 'StatefulSet', name: 'db' }, {}, { kind: 'StatefulSet', name: 'db' }],
    [{ kind: 'DaemonSet', name: 'fluent-bit' }, {}, { kind: 'DaemonSet', name: 'fluent-bit' }],
    [{ kind: 'Node', name: 'ip-10-0-1-2.ec2.internal' }, {}, { kind: 'Node', name: 'ip-10-0-1-2.ec2.internal' }],
    [undefined, { 'pod-template-hash': 'x' }, undefined],
  ];
  for (const [owner, labels, expected] of table) assert.deepEqual(workloadOf(owner, labels), expected, `${owner?.kind}/${owner?.name}`);
});

test('a pod: phase, node, owner, init containers, sidecars, overhead, claims, times', () => {
  const { snapshot, warnings } = convert({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d4b9c8f5-x2x9k',
      generateName: 'web-7d4b9c8f5-',
      namespace: 'shop',
      uid: '0b6c2a3e-1111-4222-8333-444455556666',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T09:00:00Z' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-the-controller', uid: 'x' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f5', uid: 'y', controller: true, blockOwnerDeletion: true },
      ],
      creationTimestamp: '2026-11-23T09:59:58Z',
      resourceVersion: '123456',
    },
    spec: {
      nodeName: 'ip-10-0-1-2.ec2.internal',
      containers: [{ name: 'app', resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '256Mi' } } }],
      initContainers: [
        { name: 'migrate', resources: { requests: { cpu: '1', memory: '64Mi' } } },
        { name: 'envoy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      ],
      overhead: { cpu: '50m', memory: '32Mi' },
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } } },
        { name: 'tmp', emptyDir: {} },
        { name: 'kube-api-access-x2x9k', projected: { sources: [] } },
      ],
    },
    status: { phase: 'Running', startTime: '2026-11-23T10:00:00Z', qosClass: 'Burstable' },
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(snapshot.pods, [
    {
      uid: '0b6c2a3e-1111-4222-8333-444455556666',
      namespace: 'shop',
      name: 'web-7d4b9c8f5-x2x9k',
      nodeName: 'ip-10-0-1-2.ec2.internal',
      phase: 'Running',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f5' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-20T09:00:00Z' },
      containers: [{ name: 'app', requests: amounts(250, 128 * MiB), limits: amounts(0, 256 * MiB) }],
      initContainers: [{ name: 'migrate', requests: amounts(1000, 64 * MiB), limits: ZERO }],
      sidecarContainers: [{ name: 'envoy', requests: amounts(100, 64 * MiB), limits: ZERO }],
      overhead: amounts(50, 32 * MiB),
      claimNames: ['data-web-0', 'web-7d4b9c8f5-x2x9k-scratch'],
      localVolumes: [{ name: 'tmp', type: 'emptyDir' }],
      owner: { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' },
      workload: { kind: 'Deployment', name: 'web' },
      createdAtMs: Date.UTC(2026, 10, 23, 9, 59, 58),
      startedAtMs: Date.UTC(2026, 10, 23, 10),
    },
  ]);
});

test('pods: phases kept as they are, defaults for hand-written input, unknown nodes kept', () => {
  const { snapshot, warnings } = convert(
    pod('done', { containers: [{ name: 'c' }] }, { status: { phase: 'Succeeded' } }),
    pod('evicted', { containers: [{ name: 'c' }] }, { status: { phase: 'Failed', reason: 'Evicted' } }),
    pod('unschedulable', { nodeName: undefined, containers: [{ name: 'c' }] }, { status: { phase: 'Pending' } }),
    pod('elsewhere', { nodeName: 'gone-node', containers: [{ name: 'c' }] }),
    { kind: 'Pod', metadata: { name: 'bound-no-status' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } },
    { kind: 'Pod', metadata: { name: 'unbound-no-status' }, spec: { containers: [{ name: 'c' }] } },
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    snapshot.pods.map((p) => [p.name, p.namespace, p.nodeName, p.phase, p.uid]),
    [
      ['done', 'shop', 'n1', 'Succeeded', 'uid-done'],
      ['evicted', 'shop', 'n1', 'Failed', 'uid-evicted'],
      ['unschedulable', 'shop', '', 'Pending', 'uid-unschedulable'],
      ['elsewhere', 'shop', 'gone-node', 'Running', 'uid-elsewhere'],
      // No namespace means `default`; no UID means the object's name stands in for it.
      ['bound-no-status', 'default', 'n1', 'Running', 'pods/default/bound-no-status'],
      ['unbound-no-status', 'default', '', 'Pending', 'pods/default/unbound-no-status'],
    ],
  );
});

test('nodes, volumes, claims, services, namespaces and storage classes', () => {
  const { snapshot, warnings, ignoredKinds } = convert(
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'ip-10-0-1-2.ec2.internal', uid: 'node-uid-1', labels: { 'node.kubernetes.io/instance-type': 'g4dn.xlarge' }, creationTimestamp: '2026-11-01T00:00:00Z' },
      spec: { providerID: 'aws:///us-east-1a/i-0123456789abcdef0' },
      status: {
        capacity: { cpu: '4', memory: '16203712Ki', pods: '29', 'nvidia.com/gpu': '1', 'ephemeral-storage': '83873772Ki' },
        allocatable: { cpu: '3920m', memory: '15186880Ki', pods: '29', 'nvidia.com/gpu': '1' },
      },
    },
    { kind: 'Node', metadata: { name: 'bare-metal-1' }, status: { capacity: { cpu: '64', memory: '256Gi' } } },
    {
      kind: 'PersistentVolume',
      metadata: { name: 'pvc-7f1e', labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } },
      spec: { capacity: { storage: '100Gi' }, storageClassName: 'gp3', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'data', name: 'data-kafka-0' }, csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } },
    },
    { kind: 'PersistentVolume', metadata: { name: 'legacy' }, spec: { capacity: { storage: '500G' }, awsElasticBlockStore: { volumeID: 'vol-2' } } },
    { kind: 'PersistentVolume', metadata: { name: 'pd' }, spec: { capacity: { storage: '10Gi' }, storageClassName: 'standard', gcePersistentDisk: { pdName: 'd' } } },
    { kind: 'PersistentVolumeClaim', metadata: { name: 'data-kafka-0', namespace: 'data' }, spec: { volumeName: 'pvc-7f1e', storageClassName: 'gp3', resources: { requests: { storage: '100Gi' } } } },
    { kind: 'PersistentVolumeClaim', metadata: { name: 'pending', namespace: 'data' }, spec: {}, status: { phase: 'Pending' } },
    { kind: 'Service', metadata: { name: 'ingress', namespace: 'ingress-nginx' }, spec: { type: 'LoadBalancer', selector: { app: 'ingress' } }, status: { loadBalancer: { ingress: [{ hostname: 'a1.elb.us-east-1.amazonaws.com' }] } } },
    { kind: 'Service', metadata: { name: 'pending-lb', namespace: 'shop' }, spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } },
    { kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' } } },
    { kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'storefront', 'cost-center': 'engineering', budget: '5000' }, annotations: { owner: 'web-team' } } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', iops: '3000' } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'managed-premium' }, provisioner: 'disk.csi.azure.com', parameters: { skuName: 'Premium_LRS' } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner' },
    { kind: 'ConfigMap', metadata: { name: 'a' } },
    { kind: 'ConfigMap', metadata: { name: 'b' } },
    { kind: 'Deployment', metadata: { name: 'web' } },
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(snapshot.nodes, [
    {
      name: 'ip-10-0-1-2.ec2.internal',
      uid: 'node-uid-1',
      labels: { 'node.kubernetes.io/instance-type': 'g4dn.xlarge' },
      capacity: amounts(4000, 16203712 * KiB, 1),
      allocatable: amounts(3920, 15186880 * KiB, 1),
      providerId: 'aws:///us-east-1a/i-0123456789abcdef0',
      createdAtMs: Date.UTC(2026, 10, 1),
    },
    // No allocatable: capacity stands in for it.
    { name: 'bare-metal-1', uid: 'nodes/bare-metal-1', labels: {}, capacity: amounts(64000, 256 * GiB), allocatable: amounts(64000, 256 * GiB) },
  ]);
  assert.deepEqual(snapshot.persistentVolumes, [
    { name: 'pvc-7f1e', storageClass: 'gp3', capacityBytes: 100 * GiB, labels: { 'topology.kubernetes.io/zone': 'us-east-1a' }, claim: { namespace: 'data', name: 'data-kafka-0' }, driver: 'ebs.csi.aws.com' },
    { name: 'legacy', storageClass: '', capacityBytes: 500_000_000_000, labels: {}, driver: 'kubernetes.io/aws-ebs' },
    { name: 'pd', storageClass: 'standard', capacityBytes: 10 * GiB, labels: {}, driver: 'kubernetes.io/gce-pd' },
  ]);
  assert.deepEqual(snapshot.persistentVolumeClaims, [
    { namespace: 'data', name: 'data-kafka-0', volumeName: 'pvc-7f1e', storageClass: 'gp3', requestBytes: 100 * GiB },
    { namespace: 'data', name: 'pending', volumeName: '', storageClass: '', requestBytes: 0 },
  ]);
  assert.deepEqual(snapshot.services, [
    { namespace: 'ingress-nginx', name: 'ingress', type: 'LoadBalancer', selector: { app: 'ingress' }, ingressCount: 1 },
    { namespace: 'shop', name: 'pending-lb', type: 'LoadBalancer', selector: {}, ingressCount: 0 },
    { namespace: 'shop', name: 'api', type: 'ClusterIP', selector: { app: 'api' }, ingressCount: 0 },
  ]);
  assert.deepEqual(snapshot.namespaces, [{ name: 'shop', labels: { team: 'storefront', 'cost-center': 'engineering', budget: '5000' }, annotations: { owner: 'web-team' } }]);
  assert.deepEqual(snapshot.storageClasses, [
    { name: 'gp3', provisioner: 'ebs.csi.aws.com', volumeType: 'gp3' },
    { name: 'managed-premium', provisioner: 'disk.csi.azure.com', volumeType: 'Premium_LRS' },
    { name: 'local', provisioner: 'kubernetes.io/no-provisioner', volumeType: undefined },
  ]);
  assert.deepEqual([...ignoredKinds], [
    ['ConfigMap', 2],
    ['Deployment', 1],
  ]);
  assert.equal(snapshot.usage, undefined);
});

test('documents: a single object, typed lists from the API whose items have no kind, several documents merged', () => {
  const builder = new SnapshotBuilder();
  builder.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, 'ns.json');
  builder.add({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'shop' }, spec: { containers: [] } }] }, 'pods.json');
  builder.add({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', items: [{ metadata: { name: 'a', namespace: 'shop' }, containers: [{ name: 'c', usage: { cpu: '5m', memory: '1Mi' } }] }] }, 'metrics.json');
  const { snapshot, warnings } = builder.result();
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    snapshot.namespaces.map((n) => n.name),
    ['shop'],
  );
  assert.deepEqual(
    snapshot.pods.map((p) => p.name),
    ['a'],
  );
  assert.deepEqual(snapshot.usage?.get('shop/a')?.get('c'), { cpuMillicores: 5, ramBytes: MiB });
});

test('pod volumes on the node: emptyDir on disk with its sizeLimit, hostPath; memory emptyDirs and others are not', () => {
  const table: [string, unknown[], unknown][] = [
    // [what, spec.volumes, expected localVolumes]
    ['none', [{ name: 'token', projected: { sources: [] } }, { name: 'conf', configMap: { name: 'c' } }], undefined],
    ['no volumes field', undefined as unknown as unknown[], undefined],
    ['emptyDir, no limit', [{ name: 'tmp', emptyDir: {} }], [{ name: 'tmp', type: 'emptyDir' }]],
    ['emptyDir with a limit in Mi', [{ name: 'tmp', emptyDir: { sizeLimit: '512Mi' } }], [{ name: 'tmp', type: 'emptyDir', sizeLimitBytes: 512 * MiB }]],
    ['emptyDir with a limit in G (decimal)', [{ name: 'cache', emptyDir: { medium: '', sizeLimit: '2G' } }], [{ name: 'cache', type: 'emptyDir', sizeLimitBytes: 2_000_000_000 }]],
    ['emptyDir in memory: RAM, not disk', [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }], undefined],
    ['hostPath', [{ name: 'data', hostPath: { path: '/mnt/data', type: 'DirectoryOrCreate' } }], [{ name: 'data', type: 'hostPath' }]],
    [
      'several, in order',
      [{ name: 'a', hostPath: { path: '/a' } }, { name: 'b', emptyDir: { sizeLimit: '1Gi' } }, { name: 'c', persistentVolumeClaim: { claimName: 'x' } }],
      [{ name: 'a', type: 'hostPath' }, { name: 'b', type: 'emptyDir', sizeLimitBytes: GiB }],
    ],
  ];
  for (const [what, volumes, expected] of table) {
    const { snapshot, warnings } = convert(pod('p', { containers: [{ name: 'app' }], ...(volumes === undefined ? {} : { volumes }) }));
    assert.deepEqual(warnings, [], what);
    assert.deepEqual(snapshot.pods[0]?.localVolumes, expected, what);
  }
});

test('persistent volumes on one node: spec.local and spec.hostPath', () => {
  const pv = (name: string, spec: Record<string, unknown>) => ({ kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: '10Gi' }, storageClassName: 'local', ...spec } });
  const { snapshot, warnings } = convert(pv('local-1', { local: { path: '/mnt/disks/ssd1' } }), pv('host-1', { hostPath: { path: '/data' } }), pv('ebs-1', { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'v' } }));
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    snapshot.persistentVolumes.map((v) => [v.name, v.nodeLocal]),
    [
      ['local-1', 'local'],
      ['host-1', 'hostPath'],
      ['ebs-1', undefined],
    ],
  );
});

test('a malformed object is skipped with an error naming object, field and value; the rest is kept', () => {
  const table: [unknown, string, string][] = [
    [pod('bad-size', { containers: [], volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'tmp', emptyDir: { sizeLimit: 'lots' } }] }), 'InvalidQuantityError', 'pods/shop/bad-size: spec.volumes[1].emptyDir.sizeLimit: not a valid Kubernetes quantity (got "lots")'],
    [pod('bad-cpu', { containers: [{ name: 'app', resources: { requests: { cpu: '10x' } } }] }), 'InvalidQuantityError', 'pods/shop/bad-cpu: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")'],
    [pod('bad-limit', { containers: [{ name: 'a' }, { name: 'b', resources: { limits: { memory: '1 Gi' } } }] }), 'InvalidQuantityError', 'pods/shop/bad-limit: spec.containers[1].resources.limits.memory: not a valid Kubernetes quantity (got "1 Gi")'],
    [pod('bad-init', { containers: [{ name: 'a' }], initContainers: [{ name: 'i', resources: { requests: { cpu: '-1' } } }] }), 'InvalidQuantityError', 'pods/shop/bad-init: spec.initContainers[0].resources.requests.cpu: must not be negative (got "-1")'],
    [pod('bad-gpu', { containers: [{ name: 'a', resources: { limits: { 'nvidia.com/gpu': '0.5' } } }] }), 'InvalidQuantityError', 'pods/shop/bad-gpu: spec.containers[0].resources.limits["nvidia.com/gpu"]: must be a whole number (got "0.5")'],
    [pod('bad-overhead', { containers: [], overhead: { cpu: true } }), 'InvalidQuantityError', 'pods/shop/bad-overhead: spec.overhead.cpu: expected a string or number quantity (got "true")'],
    [pod('bad-resources', { containers: [{ name: 'a', resources: { requests: ['100m'] } }] }), 'InvalidObjectError', 'pods/shop/bad-resources: spec.containers[0].resources.requests: expected a map of resource quantities (got "[\\"100m\\"]")'],
    [{ kind: 'Pod', metadata: { namespace: 'shop' }, spec: { containers: [] } }, 'InvalidObjectError', 'pods/shop/(no name: cluster.json items[0]): metadata.name: missing name (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 7, namespace: 'shop' }, spec: { containers: [] } }, 'InvalidObjectError', 'pods/shop/(no name: cluster.json items[0]): metadata.name: missing name (got "7")'],
    [{ kind: 'Node', status: {} }, 'InvalidObjectError', 'nodes/(no metadata: cluster.json items[0]): metadata: expected an object (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' } }, 'InvalidObjectError', 'pods/shop/p: spec: expected an object (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: {} } }, 'InvalidObjectError', 'pods/shop/p: spec.containers: expected an array of containers (got "{}")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ image: 'x' }] } }, 'InvalidObjectError', 'pods/shop/p: spec.containers[0].name: missing container name (got "undefined")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { nodeName: 3, containers: [] } }, 'InvalidObjectError', 'pods/shop/p: spec.nodeName: expected a string (got "3")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [] }, status: { phase: 'Sleeping' } }, 'InvalidObjectError', 'pods/shop/p: status.phase: expected Pending, Running, Succeeded, Failed or Unknown (got "Sleeping")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: 'shop', creationTimestamp: 'yesterday' }, spec: { containers: [] } }, 'InvalidObjectError', 'pods/shop/p: metadata.creationTimestamp: expected an RFC 3339 time such as 2026-11-23T14:00:00Z (got "yesterday")'],
    [{ kind: 'Pod', metadata: { name: 'p', namespace: ['shop'] }, spec: { containers: [] } }, 'InvalidObjectError', 'pods/(namespace?)/p: metadata.namespace: expected a string (got "[\\"shop\\"]")'],
    [{ kind: 'Pod', metadata: { name: 'p', uid: 42 }, spec: { containers: [] } }, 'InvalidObjectError', 'pods/default/p: metadata.uid: expected a string (got "42")'],
    [{ kind: 'Node', metadata: { name: 'n9' } }, 'InvalidObjectError', 'nodes/n9: status: expected an object (capacity is needed to price a node) (got "undefined")'],
    [{ kind: 'Node', metadata: { name: 'n9' }, status: { capacity: { memory: '16Gi' } } }, 'InvalidObjectError', 'nodes/n9: status.capacity.cpu: missing (got "undefined")'],
    [{ kind: 'Node', metadata: { name: 'n9' }, status: { capacity: { cpu: '4', memory: '16 Gi' } } }, 'InvalidQuantityError', 'nodes/n9: status.capacity.memory: not a valid Kubernetes quantity (got "16 Gi")'],
    [{ kind: 'Namespace', metadata: { name: 'x', labels: { team: 7 } } }, 'InvalidObjectError', 'namespaces/x: metadata.labels["team"]: expected a string (got "7")'],
    [{ kind: 'PersistentVolume', metadata: { name: 'v' }, spec: { capacity: { storage: 'lots' } } }, 'InvalidQuantityError', 'persistentvolumes/v: spec.capacity.storage: not a valid Kubernetes quantity (got "lots")'],
    [{ kind: 'PersistentVolume', metadata: { name: 'v' }, spec: {} }, 'InvalidObjectError', 'persistentvolumes/v: spec.capacity.storage: missing (got "undefined")'],
    [{ kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'db' }, spec: { resources: { requests: { storage: '10Gb' } } } }, 'InvalidQuantityError', 'persistentvolumeclaims/db/c: spec.resources.requests.storage: not a valid Kubernetes quantity (got "10Gb")'],
    [{ kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { type: 'Ingress' } }, 'InvalidObjectError', 'services/shop/s: spec.type: expected ClusterIP, NodePort, LoadBalancer or ExternalName (got "Ingress")'],
    [{ kind: 'StorageClass', metadata: { name: 'sc' }, provisioner: ['x'] }, 'InvalidObjectError', 'storageclasses/sc: provisioner: expected a string (got "[\\"x\\"]")'],
    ['just a string', 'InvalidObjectError', 'cluster.json: items[0]: expected a Kubernetes object (got "just a string")'],
    [{ metadata: { name: 'kindless' } }, 'InvalidObjectError', 'cluster.json: items[0].kind: missing kind (got "undefined")'],
  ];
  for (const [obj, errorName, message] of table) {
    const { snapshot, warnings } = convert(obj, pod('fine', { containers: [{ name: 'c' }] }));
    assert.deepEqual(
      warnings.map((w) => [w.name, w.message]),
      [[errorName, message]],
    );
    assert.deepEqual(
      snapshot.pods.map((p) => p.name),
      ['fine'],
      `${message}: the rest of the snapshot is kept`,
    );
  }
});

test('duplicates: the later object is skipped with an error naming both', () => {
  const a = pod('a', { containers: [{ name: 'c' }] });
  const sameUid = { ...pod('b', { containers: [{ name: 'c' }] }), metadata: { name: 'b', namespace: 'shop', uid: 'uid-a' } };
  const sameName = { ...pod('a', { containers: [{ name: 'c' }] }), metadata: { name: 'a', namespace: 'shop', uid: 'uid-a2' } };
  const otherNamespace = { ...pod('a', { containers: [{ name: 'c' }] }), metadata: { name: 'a', namespace: 'staging', uid: 'uid-a3' } };
  const { snapshot, warnings } = convert(a, sameUid, sameName, otherNamespace);
  assert.deepEqual(
    snapshot.pods.map((p) => `${p.namespace}/${p.name}`),
    ['shop/a', 'staging/a'],
  );
  assert.deepEqual(
    warnings.map((w) => [w.name, w.message]),
    [
      ['DuplicateObjectError', 'pods/shop/b: metadata.uid: duplicate of pods/shop/a; skipped (got "uid-a")'],
      ['DuplicateObjectError', 'pods/shop/a: metadata.name: duplicate of pods/shop/a (repeated in cluster.json); skipped (got "a")'],
    ],
  );

  const twoFiles = convertKubeDocuments([
    { doc: { kind: 'List', items: [{ kind: 'Namespace', metadata: { name: 'shop', uid: 'ns-1' } }] }, origin: 'a.json' },
    { doc: { kind: 'List', items: [{ kind: 'Namespace', metadata: { name: 'shop', uid: 'ns-1' } }, { kind: 'Node', metadata: { name: 'n', uid: 'ns-1' }, status: { capacity: { cpu: '1', memory: '1Gi' } } }] }, origin: 'b.json' },
  ]);
  assert.deepEqual(
    twoFiles.warnings.map((w) => w.message),
    ['namespaces/shop: metadata.uid: duplicate of namespaces/shop; skipped (got "ns-1")', 'nodes/n: metadata.uid: duplicate of namespaces/shop; skipped (got "ns-1")'],
  );
  const noUid = convertKubeDocuments([
    { doc: { kind: 'Namespace', metadata: { name: 'shop' } }, origin: 'a.json' },
    { doc: { kind: 'Namespace', metadata: { name: 'shop' } }, origin: 'b.json' },
  ]);
  assert.deepEqual(
    noUid.warnings.map((w) => w.message),
    ['namespaces/shop: metadata.name: duplicate of namespaces/shop (first read from a.json); skipped (got "shop")'],
  );
});

test('an object skipped for a bad field does not block a later good copy', () => {
  const bad = pod('a', { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] });
  const good = pod('a', { containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] });
  const { snapshot, warnings } = convert(bad, good);
  assert.equal(warnings.length, 1);
  assert.equal(snapshot.pods[0]?.containers[0]?.requests.cpuMillicores, 1000);
});

test('a document that is not a Kubernetes object or List throws, naming the file', () => {
  const table: [unknown, string][] = [
    [[1, 2], 'x.json: (document): expected a Kubernetes object or List (got "[1,2]")'],
    ['text', 'x.json: (document): expected a Kubernetes object or List (got "text")'],
    [null, 'x.json: (document): expected a Kubernetes object or List (got "null")'],
    [{ kind: 'List' }, 'x.json: items: a List needs an items array (got "undefined")'],
    [{ kind: 'PodList', items: {} }, 'x.json: items: a PodList needs an items array (got "{}")'],
    [{ items: 'x' }, 'x.json: items: a List needs an items array (got "x")'],
    [{ metadata: { name: 'x' } }, 'x.json: kind: expected a Kubernetes object or List (no kind) (got "undefined")'],
  ];
  for (const [doc, message] of table) {
    assert.throws(() => new SnapshotBuilder().add(doc, 'x.json'), { name: 'SourceReadError', message });
  }
});
