// planStep: which resolution answers which part of a step. Hand-written marks and expectations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Marks, PlanPart } from './plan.ts';
import { DAY_MS as D, HOUR_MS as H, planStep, steps } from './plan.ts';

const INF = Number.POSITIVE_INFINITY;
const NONE = Number.NEGATIVE_INFINITY;
const base: Marks = { hourlyThroughMs: 10 * D, dailyThroughMs: 10 * D, lastEndMs: 10 * D, rawFromMs: NONE, hourlyFromMs: NONE, dailyFromMs: NONE };
const p = (resolution: PlanPart['resolution'], whole: boolean, startMs: number, endMs: number): PlanPart => ({ resolution, whole, startMs, endMs });

const CASES: { name: string; step: [number, number]; marks?: Partial<Marks>; parts: PlanPart[] }[] = [
  { name: 'whole days only', step: [1 * D, 3 * D], parts: [p('daily', true, 1 * D, 3 * D)] },
  {
    name: 'days in the middle, whole hours then raw at the edges',
    step: [1 * D - 2.5 * H, 3 * D + 1.25 * H],
    parts: [p('raw', false, 1 * D - 2.5 * H, 1 * D - 2 * H), p('hourly', true, 1 * D - 2 * H, 1 * D), p('daily', true, 1 * D, 3 * D), p('hourly', true, 3 * D, 3 * D + H), p('raw', false, 3 * D + H, 3 * D + 1.25 * H)],
  },
  { name: 'inside one hour: raw only', step: [5 * H + 1, 5 * H + 2], parts: [p('raw', false, 5 * H + 1, 5 * H + 2)] },
  {
    name: 'nothing rolled up yet: raw',
    step: [0, 2 * D],
    marks: { hourlyThroughMs: 0, dailyThroughMs: 0 },
    parts: [p('raw', false, 0, 2 * D)],
  },
  {
    name: 'hourly rolled up to 14:20, daily to 14:00 of day 2; the step ends before the last cycle',
    step: [1 * D, 2 * D + 15 * H],
    marks: { hourlyThroughMs: 2 * D + 14 * H + 20 * 60_000, dailyThroughMs: 2 * D + 14 * H, lastEndMs: 2 * D + 16 * H },
    // The 14:00 bucket holds 14:00–14:20 only: whole, then raw from 14:20.
    parts: [p('daily', true, 1 * D, 2 * D), p('hourly', true, 2 * D, 2 * D + 14 * H + 20 * 60_000), p('raw', false, 2 * D + 14 * H + 20 * 60_000, 2 * D + 15 * H)],
  },
  {
    name: 'a step past the last cycle takes the partial hour and day buckets whole',
    step: [1 * D, INF],
    marks: { hourlyThroughMs: 2 * D + 14 * H + 20 * 60_000, dailyThroughMs: 2 * D + 14 * H, lastEndMs: 2 * D + 14 * H + 25 * 60_000 },
    parts: [p('daily', true, 1 * D, 2 * D + 14 * H), p('hourly', true, 2 * D + 14 * H, 2 * D + 14 * H + 20 * 60_000), p('raw', false, 2 * D + 14 * H + 20 * 60_000, INF)],
  },
  {
    name: 'raw dropped before day 8, hourly before day 5: edges cut from the finest kept',
    step: [4 * D + 0.5 * H, 8 * D + 0.5 * H],
    marks: { rawFromMs: 8 * D, hourlyFromMs: 5 * D },
    parts: [p('daily', false, 4 * D + 0.5 * H, 5 * D), p('daily', true, 5 * D, 8 * D), p('hourly', true, 8 * D, 8 * D), p('raw', false, 8 * D, 8 * D + 0.5 * H)].filter((x) => x.endMs > x.startMs),
  },
];

for (const c of CASES) {
  test(`planStep: ${c.name}`, () => {
    assert.deepEqual(planStep({ startMs: c.step[0], endMs: c.step[1] }, { ...base, ...c.marks }), c.parts);
  });
}

test('steps: aligned to the start, the last one cut at the end; none for an empty window', () => {
  assert.deepEqual(steps({ startMs: 0, endMs: 5 * H, stepMs: 2 * H }), [
    { startMs: 0, endMs: 2 * H },
    { startMs: 2 * H, endMs: 4 * H },
    { startMs: 4 * H, endMs: 5 * H },
  ]);
  assert.deepEqual(steps({ startMs: 0, endMs: 5 * H }), [{ startMs: 0, endMs: 5 * H }]);
  assert.deepEqual(steps({ startMs: 5, endMs: 5 }), []);
});
