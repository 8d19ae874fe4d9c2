import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CostPoint } from './anomalies.ts';
import { detectAnomalies, seasonOf } from './anomalies.ts';
import { DAY, HOUR, T0 } from './fixtures.test-util.ts';

const WEEK = 7 * DAY;
const point = (startMs: number, parts: Record<string, number>): CostPoint => ({ startMs, costUsd: Object.values(parts).reduce((t, v) => t + v, 0), parts: new Map(Object.entries(parts)) });

describe('detectAnomalies (daily, day-of-week baseline)', () => {
  // Sundays T0 .. T0 + 4 weeks. Past Sundays: 10, 11, 9, 10 (web cpu 6, 7, 5, 6 + batch ram 4).
  // Median 10; deviations 0, 1, 1, 0 → MAD 0.5. Week 4: 15 (batch ram 9) → z = 0.6745 × 5 / 0.5 = 6.745.
  const sundays = [
    point(T0, { 'deployment/web cpu': 6, 'job/batch ram': 4 }),
    point(T0 + WEEK, { 'deployment/web cpu': 7, 'job/batch ram': 4 }),
    point(T0 + 2 * WEEK, { 'deployment/web cpu': 5, 'job/batch ram': 4 }),
    point(T0 + 3 * WEEK, { 'deployment/web cpu': 6, 'job/batch ram': 4 }),
    point(T0 + 4 * WEEK, { 'deployment/web cpu': 6, 'job/batch ram': 9 }),
  ];
  // Mondays in ns "data": 20 every week, then 11 (drop of 9, MAD 0: score null).
  const mondays = [0, 1, 2, 3].map((w) => point(T0 + DAY + w * WEEK, { 'statefulset/kafka cpu': 20 })).concat(point(T0 + DAY + 4 * WEEK, { 'statefulset/kafka cpu': 11 }));
  // Tuesdays in ns "calm": 10, 11, 9, 10 then 11: z = 0.6745 × 1 / 0.5 = 1.349 < 3.5, no anomaly.
  const tuesdays = [10, 11, 9, 10, 11].map((v, w) => point(T0 + 2 * DAY + w * WEEK, { 'deployment/x cpu': v }));
  const series = new Map([
    ['shop', sundays],
    ['data', mondays],
    ['calm', tuesdays],
  ]);
  const found = detectAnomalies(series, T0 + 4 * WEEK, { granularity: 'day' });

  it('finds the spike and the drop, not the ordinary day', () => {
    const table: [string, number, number, number, number | null, string][] = [
      ['data', 11, 20, -9, null, 'drop'],
      ['shop', 15, 10, 5, 6.745, 'spike'],
    ];
    assert.deepEqual(
      found.map((a) => [a.namespace, a.costUsd, a.expectedUsd, a.deltaUsd, a.score === null ? null : Math.round(a.score * 1e9) / 1e9, a.direction]),
      table,
    );
  });

  it('names the cause: the part that moved most in the same direction', () => {
    // shop: web cpu 6 vs median 6 (0); batch ram 9 vs 4 (+5) → batch ram
    assert.deepEqual(found.find((a) => a.namespace === 'shop')?.cause, { part: 'job/batch ram', costUsd: 9, expectedUsd: 4, deltaUsd: 5 });
    assert.deepEqual(found.find((a) => a.namespace === 'data')?.cause, { part: 'statefulset/kafka cpu', costUsd: 11, expectedUsd: 20, deltaUsd: -9 });
    assert.deepEqual(found.find((a) => a.namespace === 'shop')?.evidence, { baselinePoints: 4, madUsd: 0.5, threshold: 3.5 });
  });

  it('needs three same-season points; small changes are ignored', () => {
    assert.deepEqual(detectAnomalies(new Map([['shop', sundays.slice(2)]]), T0 + 4 * WEEK, { granularity: 'day' }), []);
    assert.deepEqual(detectAnomalies(series, T0 + 4 * WEEK, { granularity: 'day', minDeltaUsd: 10 }), []);
  });

  it('hourly: compares the same hour of the week only', () => {
    // Hour 10 of each Sunday costs 2, hour 11 costs 5 (busy hour). A Sunday 10:00 at 5 is a spike
    // even though 5 is ordinary at 11:00.
    const hours: CostPoint[] = [];
    for (let w = 0; w < 4; w++) {
      hours.push(point(T0 + w * WEEK + 10 * HOUR, { a: 2 }), point(T0 + w * WEEK + 11 * HOUR, { a: 5 }));
    }
    hours.push(point(T0 + 4 * WEEK + 10 * HOUR, { a: 5 }), point(T0 + 4 * WEEK + 11 * HOUR, { a: 5 }));
    const a = detectAnomalies(new Map([['shop', hours]]), T0 + 4 * WEEK, { granularity: 'hour' });
    assert.deepEqual(
      a.map((x) => [x.startMs, x.deltaUsd, x.score]),
      [[T0 + 4 * WEEK + 10 * HOUR, 3, null]],
    );
    assert.equal(seasonOf(T0 + 10 * HOUR, 'hour'), seasonOf(T0 + WEEK + 10 * HOUR, 'hour'));
  });
});
