import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pod } from '../../core/fixtures.test-util.ts';
import type { OwnerRef } from '../../core/model.ts';
import type { OwnerCaches } from './owners.ts';
import { resolveWorkload, withResolvedWorkload } from './owners.ts';

const caches: OwnerCaches = {
  replicasets: new Map([
    ['shop/web-7d4b9c8f5', { resourceVersion: '1', value: { kind: 'Deployment', name: 'web' }, warning: undefined }],
    ['shop/canary-5f6d7', { resourceVersion: '1', value: { kind: 'Rollout', name: 'canary' }, warning: undefined }],
    ['shop/bare-1', { resourceVersion: '1', value: null, warning: undefined }],
  ]),
  jobs: new Map([
    ['batch/report-29412345', { resourceVersion: '1', value: { kind: 'CronJob', name: 'report' }, warning: undefined }],
    ['batch/once', { resourceVersion: '1', value: null, warning: undefined }],
  ]),
};

test('resolveWorkload follows one intermediate owner, and keeps the name-based guess when it is not cached', () => {
  const p = (ns: string, owner?: OwnerRef, workload?: OwnerRef) => pod(ns, 'p', 'n1', [], { ...(owner ? { owner } : {}), ...(workload ? { workload } : {}) });
  //  pod → workload
  const table: [ReturnType<typeof p>, OwnerRef | undefined][] = [
    [p('shop', { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }), { kind: 'Deployment', name: 'web' }],
    [p('shop', { kind: 'ReplicaSet', name: 'canary-5f6d7' }, { kind: 'Deployment', name: 'canary' }), { kind: 'Rollout', name: 'canary' }],
    [p('shop', { kind: 'ReplicaSet', name: 'bare-1' }), { kind: 'ReplicaSet', name: 'bare-1' }],
    [p('shop', { kind: 'ReplicaSet', name: 'new-abc' }, { kind: 'Deployment', name: 'new' }), { kind: 'Deployment', name: 'new' }],
    [p('other', { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }), { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }],
    [p('batch', { kind: 'Job', name: 'report-29412345' }), { kind: 'CronJob', name: 'report' }],
    [p('batch', { kind: 'Job', name: 'once' }), { kind: 'Job', name: 'once' }],
    [p('data', { kind: 'StatefulSet', name: 'db' }), { kind: 'StatefulSet', name: 'db' }],
    [p('data'), undefined],
  ];
  for (const [input, expected] of table) assert.deepEqual(resolveWorkload(input, caches), expected, JSON.stringify(input.owner));
});

test('withResolvedWorkload returns the same object when nothing changes', () => {
  const same = pod('shop', 'p', 'n1', [], { owner: { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' }, workload: { kind: 'Deployment', name: 'web' } });
  assert.equal(withResolvedWorkload(same, caches), same);
  const changed = pod('shop', 'p', 'n1', [], { owner: { kind: 'ReplicaSet', name: 'canary-5f6d7' }, workload: { kind: 'Deployment', name: 'canary' } });
  assert.deepEqual(withResolvedWorkload(changed, caches).workload, { kind: 'Rollout', name: 'canary' });
});
