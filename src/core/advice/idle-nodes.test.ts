import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alloc, GIB, HOUR, nodeRow, T0 } from './fixtures.test-util.ts';
import type { NodeStep } from './idle-nodes.ts';
import { findIdleNodes } from './idle-nodes.ts';

// A pod over one hour: requests in cores and GiB.
function pod(name: string, node: string, cores: number, gib: number, startMs = T0, controllerKind = '') {
  return alloc({ pod: name, node, startMs, endMs: startMs + HOUR, cpuCoreRequestHours: cores, ramByteRequestHours: gib * GIB, controllerKind, controller: controllerKind ? name : '' });
}
function step(startMs: number, pods: ReturnType<typeof pod>[]): NodeStep {
  // Three nodes of 2 cores / 8 GiB at 0.12 USD/h in pool "general", one in pool "gpu".
  const nodes = ['n1', 'n2', 'n3'].map((node) => nodeRow({ node, startMs, endMs: startMs + HOUR }));
  nodes.push(nodeRow({ node: 'g1', pool: 'gpu', startMs, endMs: startMs + HOUR, totalCostUsd: 3 }));
  return { startMs, endMs: startMs + HOUR, nodes, allocations: pods };
}

describe('findIdleNodes', () => {
  // n1: a (0.5 c, 1 GiB) + b (0.25 c, 0.5 GiB) → max(0.75/2, 1.5/8) = 0.375
  // n2: c (1 c, 2 GiB) → 0.5 (not below 0.5)
  // n3: d (0.2 c, 0.25 GiB) + a DaemonSet pod (0.1 c, 0.25 GiB) → max(0.3/2, 0.5/8) = 0.15
  // g1: nothing → 0, alone in its pool
  const latest = step(T0 + HOUR, [
    pod('a', 'n1', 0.5, 1, T0 + HOUR),
    pod('b', 'n1', 0.25, 0.5, T0 + HOUR),
    pod('c', 'n2', 1, 2, T0 + HOUR),
    pod('d', 'n3', 0.2, 0.25, T0 + HOUR),
    pod('ds-n3', 'n3', 0.1, 0.25, T0 + HOUR, 'daemonset'),
  ]);

  it('allocation per node and the underused ones (every step below 50 %)', () => {
    const r = findIdleNodes([latest]);
    const table: [string, number, boolean][] = [
      ['g1', 0, true],
      ['n1', 0.375, true],
      ['n2', 0.5, false],
      ['n3', 0.15, true],
    ];
    assert.deepEqual(
      r.nodes.map((n) => [n.node, Number(n.maxAllocationFraction.toPrecision(12)), n.underused]),
      table,
    );
  });

  it('first-fit decreasing: n3 empties onto n1; n1 then does not fit on n2 at 90 %', () => {
    // Receivers are filled to 90 %: 1.8 cores, 7.2 GiB.
    // n3 first (0.15): d (0.2 c) → n1 (free 1.8 − 0.75 = 1.05 c) ✓; the DaemonSet pod stays. n3 removable.
    // n1 next (0.375): pods a 0.5, b 0.25, d 0.2 onto n2 (free 1.8 − 1 = 0.8 c): a ✓ (0.3 left), b ✓ (0.05 left), d ✗.
    // g1: alone in pool "gpu", nothing to move: removable (3 USD/h × 730 = 2190).
    const r = findIdleNodes([latest]);
    assert.deepEqual(
      r.removable.map((n) => [n.node, n.monthlySavingUsd, n.moves.map((m) => `${m.pod}→${m.to}`)]),
      [
        ['n3', 0.12 * 730, ['d→n1']],
        ['g1', 2190, []],
      ],
    );
    assert.deepEqual(r.kept, [{ node: 'n1', reason: 'pod shop/d (0.2 cores, 268435456 bytes requested) fits on no other node of pool "general"' }]);
    assert.equal(r.monthlySavingUsd, 0.12 * 730 + 2190);
  });

  it('a node busy in an earlier step of the window is not underused', () => {
    // One hour earlier n3 ran e (1.2 c): 0.6 then → max 0.6 over the window.
    const earlier = step(T0, [pod('e', 'n3', 1.2, 1, T0)]);
    const r = findIdleNodes([earlier, latest]);
    const n3 = r.nodes.find((n) => n.node === 'n3');
    assert.equal(n3?.maxAllocationFraction, 0.6);
    assert.equal(Number(n3?.meanAllocationFraction.toPrecision(12)), 0.375);
    assert.equal(n3?.underused, false);
    // n1 is now the only candidate in "general": a (0.5 c) and b (0.25 c) both fit on n2 (0.8 c free).
    assert.deepEqual(
      r.removable.map((n) => [n.node, n.moves.map((m) => `${m.pod}→${m.to}`)]),
      [
        ['n1', ['a→n2', 'b→n2']],
        ['g1', []],
      ],
    );
  });

  it('a lower threshold finds fewer nodes; bad options are typed errors', () => {
    assert.deepEqual(
      findIdleNodes([latest], { thresholdFraction: 0.1 }).nodes.filter((n) => n.underused).map((n) => n.node),
      ['g1'],
    );
    assert.throws(() => findIdleNodes([latest], { thresholdFraction: 2 }), { message: 'idle-node options: thresholdFraction: must be a number from 0 to 1 (got "2")' });
    assert.equal(findIdleNodes([]).monthlySavingUsd, 0);
  });
});
