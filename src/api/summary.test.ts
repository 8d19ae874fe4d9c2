// computeSummary with filters (hand-computed, USD): a filter on one cluster takes that cluster's
// allocations, idle and control-plane fee, so the summaries of each cluster add up to the whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterInterval } from '../store/types.ts';
import { parseFilter } from './filter.ts';
import { A, C, HOUR, IDLE_N1, row, T0 } from './fixtures.test-util.ts';
import { computeSummary } from './summary.ts';

// c1: A (1.00 cpu + 0.50 ram + 0.10 pv), C (0.50 + 0.25 + 0.40 pv), idle n1 (0.60 + 0.30); fee 0.10.
// c2: D (0.40 cpu + 0.20 ram), a GPU node nobody uses (idle 0.70 gpu); fee 0.10.
const D = row({ key: 'uid-d', cluster: 'c2', namespace: 'web', pod: 'd', node: 'm1', cpuCostUsd: 0.4, ramCostUsd: 0.2 });
const GPU_IDLE = row({ key: '__idle__/g1', cluster: 'c2', kind: 'idle', pod: '__idle__', node: 'g1', gpuCostUsd: 0.7 });
const fee = (cluster: string): ClusterInterval => ({ cluster, startMs: T0, endMs: T0 + HOUR, minutes: 60, managementCostUsd: 0.1 });

test('summary: a filter per cluster keeps its fee and idle; the clusters add up to the whole', () => {
  const cases: readonly [string, number, number][] = [
    // filter, total, management
    ['', 2.75 + 0.9 + 0.6 + 0.7 + 0.2, 0.2], // 5.15
    ['cluster:"c1"', 2.75 + 0.9 + 0.1, 0.1], // 3.75
    ['cluster:"c2"', 0.6 + 0.7 + 0.1, 0.1], // 1.40
    // A namespace is no cluster: no fee; web's share of the idle (c1: CPU 0.60 × 1.00/1.50, RAM 0.30 × 0.50/0.75;
    // c2: CPU and RAM idle none, GPU idle 0.70 nobody pays for, kept: c2 has a web pod).
    ['namespace:"web"', 1.6 + 0.4 + 0.2 + 0.6 + 0.7, 0],
  ];
  for (const [filter, total, management] of cases) {
    const s = computeSummary({
      window: { startMs: T0, endMs: T0 + HOUR },
      previousWindow: { startMs: T0 - HOUR, endMs: T0 },
      allocations: [{ startMs: T0, endMs: T0 + HOUR, rows: [A, C, IDLE_N1, D, GPU_IDLE] }],
      charges: [{ startMs: T0, endMs: T0 + HOUR, rows: [fee('c1'), fee('c2')] }],
      previousAllocations: [],
      previousCharges: [],
      filter: parseFilter(filter),
      top: 5,
    });
    assert.equal(s.totalCost.toFixed(9), total.toFixed(9), `${filter || 'no filter'}: total`);
    assert.equal(s.split.management.toFixed(9), management.toFixed(9), `${filter || 'no filter'}: management`);
  }
});
