import assert from 'node:assert/strict';
import { test } from 'node:test';
import { container, GiB, node, pod, res, tablePriceBook } from '../../core/fixtures.test-util.ts';
import { costFinishedPods } from './finished-costs.ts';
import type { FinishedPod } from './lifecycle.ts';

// m5.xlarge at $0.192/h: cpu $0.031247101464198197 per core-hour, ram $0.004188224633950453 per
// GiB-hour (docs/cost-model.md, worked example). A pod of 1 core and 4 GiB costs $0.048/h.
const n1 = node('n1', res(4000, 16 * GiB));
const prices = tablePriceBook({ nodes: { n1: { price: { kind: 'instance', hourlyUsd: 0.192 } } } });
const f = (name: string, startedAtMs: number, finishedAtMs: number, onNode = true): FinishedPod => ({
  pod: pod('batch', name, 'n1', [container('c', res(1000, 4 * GiB))]),
  node: onNode ? n1 : undefined,
  startedAtMs,
  finishedAtMs,
  reason: 'succeeded',
});

test('each finished pod costs hourly × the minutes it ran inside the window, taken out of idle', () => {
  const window = { startMs: 0, endMs: 600_000 }; // ten minutes
  //  pod, started, finished (s) → minutes in the window
  const table: [string, number, number, number][] = [
    ['inside', 60, 180, 2], // 1 → 3 min
    ['before-window', -300, 120, 2], // from the window start
    ['past-window', 540, 900, 1], // until the window end
    ['long-ago', -900, -60, 0], // not charged
  ];
  const out = costFinishedPods(
    table.map(([name, s, e]) => f(name, s * 1000, e * 1000)),
    prices,
    window,
  );
  assert.deepEqual(
    out.pods.map((p) => [p.name, p.minutes]),
    table.filter(([, , , m]) => m > 0).map(([name, , , m]) => [name, m]),
  );
  for (const p of out.pods) assert.ok(Math.abs(p.hourlyUsd - 0.048) < 1e-12, p.name);
  // 5 pod-minutes at $0.048/h = $0.004.
  assert.ok(Math.abs((out.byNamespace.get('batch') ?? 0) - 0.004) < 1e-12);
  assert.ok(Math.abs((out.idleByNode.get('n1') ?? 0) - 0.004) < 1e-12);
});

test('a finished pod whose node is unknown is returned as unpriced, not guessed', () => {
  const out = costFinishedPods([f('lost', 0, 60_000, false)], prices, { startMs: 0, endMs: 60_000 });
  assert.deepEqual(out.pods, []);
  assert.deepEqual(out.unpriced.map((p) => p.pod.name), ['lost']);
});
