import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decayWeight, mad, median, nearestRankPercentile, weightedPercentile } from './stats.ts';

test('weightedPercentile: smallest value whose cumulative weight reaches p of the total', () => {
  const equal = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6].map((value) => ({ value, weight: 1 }));
  const cases: [string, { value: number; weight: number }[], number, number | undefined][] = [
    // sorted 1..10, each weight 1, total 10: p90 → cumulative 9 reached at value 9
    ['ten equal weights, p90', equal, 0.9, 9],
    ['ten equal weights, p95 → needs 9.5 → value 10', equal, 0.95, 10],
    ['ten equal weights, p50 → 5', equal, 0.5, 5],
    // weights 1, 1, 8 (total 10): p90 needs 9 → reached at the third value (cumulative 10)
    ['heavy last sample', [{ value: 1, weight: 1 }, { value: 2, weight: 1 }, { value: 3, weight: 8 }], 0.9, 3],
    // weights 8, 1, 1: p50 needs 5 → first value (cumulative 8)
    ['heavy first sample', [{ value: 1, weight: 8 }, { value: 2, weight: 1 }, { value: 3, weight: 1 }], 0.5, 1],
    ['no samples', [], 0.9, undefined],
    ['zero weights only', [{ value: 3, weight: 0 }], 0.9, undefined],
  ];
  for (const [name, samples, p, expected] of cases) assert.equal(weightedPercentile(samples, p), expected, name);
});

test('decayWeight halves every half-life; future samples weigh 1', () => {
  const day = 86_400_000;
  const cases: [number, number][] = [
    [0, 1],
    [day, 0.5],
    [2 * day, 0.25],
    [3 * day, 0.125],
    [-day, 1],
  ];
  for (const [age, w] of cases) assert.equal(decayWeight(age, day), w, `age ${age}`);
});

test('median, MAD and nearest-rank percentile', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), undefined);
  // median 3; deviations 2,1,0,1,7 → sorted 0,1,1,2,7 → 1
  assert.equal(mad([1, 2, 3, 4, 10]), 1);
  // p10 of 1..20: rank ⌈2⌉ = 2 → 2; p10 of 1..5: rank ⌈0.5⌉ = 1 → 1
  assert.equal(nearestRankPercentile(Array.from({ length: 20 }, (_, i) => 20 - i), 0.1), 2);
  assert.equal(nearestRankPercentile([5, 4, 3, 2, 1], 0.1), 1);
  assert.equal(nearestRankPercentile([], 0.1), undefined);
});
