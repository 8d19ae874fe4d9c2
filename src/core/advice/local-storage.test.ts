import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersistentVolumeClaimInfo, PersistentVolumeInfo, PodInfo, PodLocalVolume, StorageClassInfo } from '../model.ts';
import type { StorageView } from './local-storage.ts';
import { formatBytes, localStorageFacts, mergeFacts, podLocalStorage } from './local-storage.ts';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

function pod(name: string, over: { volumes?: PodLocalVolume[]; claims?: string[]; annotations?: Record<string, string>; workload?: string; phase?: PodInfo['phase'] } = {}): PodInfo {
  return {
    uid: name,
    namespace: 'shop',
    name,
    nodeName: 'n1',
    phase: over.phase ?? 'Running',
    labels: {},
    annotations: over.annotations ?? {},
    containers: [],
    initContainers: [],
    sidecarContainers: [],
    overhead: { cpuMillicores: 0, ramBytes: 0, gpus: 0 },
    claimNames: over.claims ?? [],
    ...(over.volumes ? { localVolumes: over.volumes } : {}),
    ...(over.workload ? { workload: { kind: 'Deployment', name: over.workload } } : {}),
  };
}

const pvc = (name: string, volumeName: string, storageClass: string): PersistentVolumeClaimInfo => ({ namespace: 'shop', name, volumeName, storageClass, requestBytes: GIB });
const pv = (name: string, storageClass: string, nodeLocal?: 'local' | 'hostPath'): PersistentVolumeInfo => ({ name, storageClass, capacityBytes: GIB, labels: {}, ...(nodeLocal ? { nodeLocal } : {}) });
const sc = (name: string, provisioner: string): StorageClassInfo => ({ name, provisioner, volumeType: undefined });

const STORAGE: Omit<StorageView, 'pods'> = {
  persistentVolumeClaims: [pvc('on-local', 'local-pv-1', 'local-ssd'), pvc('on-hostpath', 'host-pv-1', 'manual'), pvc('on-ebs', 'pvc-ebs-1', 'gp3'), pvc('waiting', '', 'local-ssd'), pvc('unknown-class', '', 'mystery')],
  persistentVolumes: [pv('local-pv-1', 'local-ssd', 'local'), pv('host-pv-1', 'manual', 'hostPath'), pv('pvc-ebs-1', 'gp3')],
  storageClasses: [sc('local-ssd', 'kubernetes.io/no-provisioner'), sc('gp3', 'ebs.csi.aws.com')],
};

test('podLocalStorage: what counts as local storage, what is scratch, and why', () => {
  const ed = (name: string, sizeLimitBytes?: number): PodLocalVolume => ({ name, type: 'emptyDir', ...(sizeLimitBytes !== undefined ? { sizeLimitBytes } : {}) });
  const table: [string, Parameters<typeof pod>[1], number | undefined, string[], string[]][] = [
    // [what, pod, scratch limit (default 1 GiB), counted, ignored]
    ['nothing on the node', {}, undefined, [], []],
    ['emptyDir without a sizeLimit', { volumes: [ed('cache')] }, undefined, ['emptyDir "cache" on disk, no sizeLimit'], []],
    ['emptyDir of 512 MiB: scratch', { volumes: [ed('tmp', 512 * MIB)] }, undefined, [], ['emptyDir "tmp" on disk, sizeLimit 512 MiB ≤ 1 GiB scratch']],
    ['emptyDir of exactly 1 GiB: scratch', { volumes: [ed('tmp', GIB)] }, undefined, [], ['emptyDir "tmp" on disk, sizeLimit 1 GiB ≤ 1 GiB scratch']],
    ['emptyDir of 1 GiB + 1 byte: counts', { volumes: [ed('tmp', GIB + 1)] }, undefined, ['emptyDir "tmp" on disk, sizeLimit 1 GiB > 1 GiB scratch'], []],
    ['emptyDir of 4 GiB with a 8 GiB scratch limit', { volumes: [ed('cache', 4 * GIB)] }, 8 * GIB, [], ['emptyDir "cache" on disk, sizeLimit 4 GiB ≤ 8 GiB scratch']],
    ['scratch limit 0: every emptyDir counts', { volumes: [ed('tmp', 64 * MIB)] }, 0, ['emptyDir "tmp" on disk, sizeLimit 64 MiB > 0 MiB scratch'], []],
    ['hostPath', { volumes: [{ name: 'data', type: 'hostPath' }] }, undefined, ['hostPath "data"'], []],
    [
      'safe-to-evict: "true" covers emptyDir and hostPath',
      { volumes: [ed('cache'), { name: 'data', type: 'hostPath' }], annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } },
      undefined,
      [],
      ['emptyDir "cache" on disk: pod annotated cluster-autoscaler.kubernetes.io/safe-to-evict', 'hostPath "data": pod annotated cluster-autoscaler.kubernetes.io/safe-to-evict'],
    ],
    [
      'safe-to-evict-local-volumes covers the volumes it names only',
      { volumes: [ed('cache'), ed('spool')], annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes': 'cache, other' } },
      undefined,
      ['emptyDir "spool" on disk, no sizeLimit'],
      ['emptyDir "cache" on disk: named in cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes'],
    ],
    ['safe-to-evict: "false" changes nothing', { volumes: [ed('cache')], annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } }, undefined, ['emptyDir "cache" on disk, no sizeLimit'], []],
    ['PVC on a local PV', { claims: ['on-local'] }, undefined, ['PVC "on-local" on local PersistentVolume "local-pv-1"'], []],
    ['PVC on a hostPath PV', { claims: ['on-hostpath'] }, undefined, ['PVC "on-hostpath" on hostPath PersistentVolume "host-pv-1"'], []],
    ['PVC not bound yet, of a no-provisioner class', { claims: ['waiting'] }, undefined, ['PVC "waiting" of storage class "local-ssd" (kubernetes.io/no-provisioner)'], []],
    ['PVC on EBS, of an unknown class, or not listed: not local', { claims: ['on-ebs', 'unknown-class', 'not-listed'] }, undefined, [], []],
    [
      'a local PV counts even with safe-to-evict: its pod cannot start on another node',
      { claims: ['on-local'], annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' } },
      undefined,
      ['PVC "on-local" on local PersistentVolume "local-pv-1"'],
      [],
    ],
  ];
  for (const [what, spec, scratch, counted, ignored] of table) {
    const got = podLocalStorage(pod('p', spec), { pods: [], ...STORAGE }, scratch === undefined ? {} : { scratchLimitBytes: scratch });
    assert.deepEqual(got, { counted, ignored }, what);
  }
});

test('localStorageFacts: per workload, any pod counting makes it local; running and pending pods only', () => {
  const pods = [
    pod('web-1', { workload: 'web', volumes: [{ name: 'tmp', type: 'emptyDir', sizeLimitBytes: 100 * MIB }] }),
    pod('web-2', { workload: 'web', volumes: [{ name: 'tmp', type: 'emptyDir', sizeLimitBytes: 100 * MIB }] }),
    pod('db-1', { workload: 'db', claims: ['on-local'] }),
    pod('db-2', { workload: 'db', phase: 'Pending' }),
    pod('batch-1', { workload: 'batch', phase: 'Succeeded', volumes: [{ name: 'x', type: 'hostPath' }] }),
    pod('bare', { volumes: [{ name: 'x', type: 'hostPath' }] }),
  ];
  assert.deepEqual(
    localStorageFacts({ pods, ...STORAGE }, 'prod'),
    new Map([
      ['prod/shop/deployment/web', { localStorage: false, localVolumes: [], scratchVolumes: ['emptyDir "tmp" on disk, sizeLimit 100 MiB ≤ 1 GiB scratch'] }],
      // db-2 (pending) has no volume of its own; db-1's local PV makes the workload local.
      ['prod/shop/deployment/db', { localStorage: true, localVolumes: ['PVC "on-local" on local PersistentVolume "local-pv-1"'], scratchVolumes: [] }],
      // batch-1 finished and bare has no workload: no facts.
    ]),
  );
  assert.throws(() => localStorageFacts({ pods }, 'prod', { scratchLimitBytes: -1 }), { name: 'AdviceInputError', message: /local storage options: scratchLimitBytes: must be a number from 0/ });
});

test('mergeFacts: later facts add to earlier ones per workload', () => {
  const merged = mergeFacts(new Map([['a', { localStorage: false }], ['b', { localStorage: true }]]), new Map([['a', { pdbAllowsDisruption: false }]]));
  assert.deepEqual(merged, new Map([['a', { localStorage: false, pdbAllowsDisruption: false }], ['b', { localStorage: true }]]));
});

test('formatBytes', () => {
  const table: [number, string][] = [
    [512 * MIB, '512 MiB'],
    [GIB, '1 GiB'],
    [1.5 * GIB, '1.5 GiB'],
    [100 * 1000 * 1000, '95.37 MiB'], // 10^8 / 2^20 = 95.367...
  ];
  for (const [bytes, text] of table) assert.equal(formatBytes(bytes), text);
});
