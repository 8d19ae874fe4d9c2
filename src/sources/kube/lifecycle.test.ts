import assert from 'node:assert/strict';
import { test } from 'node:test';
import { container, node, pod, res } from '../../core/fixtures.test-util.ts';
import type { Change } from './cache.ts';
import type { CachedPod } from './convert.ts';
import { createPodLifecycle, observePodChange, takeFinished } from './lifecycle.ts';

const n1 = node('n1', res(4000, 16 * 2 ** 30));
const nodeOf = (name: string) => (name === 'n1' ? n1 : undefined);
const running = (name: string, startedAtMs = 1000): CachedPod => pod('jobs', name, 'n1', [container('c', res(100, 0))], { startedAtMs });
const ended = (name: string, phase: 'Succeeded' | 'Failed', terminatedAtMs?: number, startedAtMs = 1000): CachedPod => ({
  ...pod('jobs', name, 'n1', [container('c', res(100, 0))], { phase, startedAtMs }),
  ...(terminatedAtMs !== undefined ? { terminatedAtMs } : {}),
});
const ch = (kind: Change<CachedPod>['kind'], previous: CachedPod | undefined, current: CachedPod | undefined): Change<CachedPod> => ({ kind, key: `jobs/${(previous ?? current)!.name}`, previous, current });

test('pods that stop running are reported once, as they last ran, with start and finish times', () => {
  const state = createPodLifecycle(0);
  //  change, observed at → [name, started, finished, reason] or nothing
  const table: [Change<CachedPod>, number, [string, number, number, string] | undefined][] = [
    [ch('added', undefined, running('a')), 2000, undefined],
    [ch('deleted', running('a'), undefined), 5000, ['a', 1000, 5000, 'deleted']],
    [ch('updated', running('b'), ended('b', 'Succeeded', 4000)), 6000, ['b', 1000, 4000, 'succeeded']],
    [ch('deleted', ended('b', 'Succeeded', 4000), undefined), 7000, undefined], // already reported
    [ch('updated', running('c'), ended('c', 'Failed')), 8000, ['c', 1000, 8000, 'failed']], // evicted: no termination time
    [ch('added', undefined, ended('d', 'Succeeded', 9000, 8500)), 9500, ['d', 8500, 9000, 'succeeded']], // never seen running
    [ch('added', undefined, ended('e', 'Failed')), 9600, undefined], // first seen terminated, no time: unknown
    [ch('updated', ended('d', 'Succeeded', 9000, 8500), ended('d', 'Succeeded', 9000, 8500)), 9700, undefined],
    [ch('added', undefined, pod('jobs', 'f', '', [container('c', res(100, 0))], { phase: 'Pending' })), 9800, undefined],
  ];
  const got: unknown[] = [];
  for (const [change, at, expected] of table) {
    observePodChange(state, change, at, nodeOf);
    const out = takeFinished(state, 0);
    got.push(out.map((f) => [f.pod.name, f.startedAtMs, f.finishedAtMs, f.reason]));
    assert.deepEqual(out.map((f) => [f.pod.name, f.startedAtMs, f.finishedAtMs, f.reason]), expected ? [expected] : [], `${change.kind} ${change.key}`);
    for (const f of out) {
      assert.equal(f.pod.phase, 'Running');
      assert.equal(f.node, n1);
      assert.equal('terminatedAtMs' in f.pod, false);
    }
  }
});

test('a pod that finished before the last read is not reported again: it was in that snapshot', () => {
  const state = createPodLifecycle(0);
  observePodChange(state, ch('added', undefined, running('a')), 1000, nodeOf);
  assert.deepEqual(takeFinished(state, 10_000), []);
  observePodChange(state, ch('updated', running('a'), ended('a', 'Succeeded', 9000)), 11_000, nodeOf);
  assert.deepEqual(takeFinished(state, 12_000), []);
  observePodChange(state, ch('deleted', running('g'), undefined), 13_000, nodeOf);
  assert.deepEqual(takeFinished(state, 14_000).map((f) => f.pod.name), ['g']);
});
