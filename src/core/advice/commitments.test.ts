import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitmentAdvice, hourlyOnDemandSpend } from './commitments.ts';
import { HOUR, nodeRow, T0 } from './fixtures.test-util.ts';

// 200 hours: spend 1.0, 1.1, ..., 2.9 USD (hour i costs 1 + (i % 20) / 10), each value 10 times.
const HOURS = Array.from({ length: 200 }, (_, i) => ({ startMs: T0 + i * HOUR, onDemandUsd: 1 + (i % 20) / 10 }));

describe('commitmentAdvice', () => {
  it('baseline = p10 of hourly on-demand spend; saving at the given discount', () => {
    // nearest rank ⌈0.1 × 200⌉ = 20: the 20th smallest is 1.1 (ten 1.0s, then ten 1.1s).
    // covered 1.1 × 730 = 803; at 30 %: commit 0.77/h, save 1.1 × 0.3 × 730 = 240.9
    // hours ≥ 1.1: 190 of 200 = 0.95
    const a = commitmentAdvice('c1', HOURS, { discountFraction: 0.3 });
    assert.ok('hours' in a);
    const table: [string, number | null][] = [
      ['baselineHourlyUsd', 1.1],
      ['coveredMonthlyUsd', 803],
      ['commitmentHourlyUsd', 0.77],
      ['monthlySavingUsd', 240.9],
      ['fullyUsedHoursFraction', 0.95],
    ];
    for (const [field, expected] of table) assert.equal(Number((a[field as keyof typeof a] as number).toFixed(9)), expected, field);
    assert.equal(a.evidence.minHourlyUsd, 1);
    assert.equal(a.evidence.maxHourlyUsd, 2.9);
  });

  it('no discount given: the baseline, and the saving null with the reason', () => {
    const a = commitmentAdvice('c1', HOURS);
    assert.ok('hours' in a);
    assert.equal(a.monthlySavingUsd, null);
    assert.equal(a.commitmentHourlyUsd, null);
    assert.match(a.evidence.note ?? '', /^no discount rate given/);
  });

  it('too little history; bad discount', () => {
    assert.deepEqual(commitmentAdvice('c1', HOURS.slice(0, 100)), { cluster: 'c1', skipped: '100 hours of node history (needs 168)' });
    assert.throws(() => commitmentAdvice('c1', HOURS, { discountFraction: 1.2 }), { message: 'commitment options: discountFraction: must be a number from 0 to 0.95 (got "1.2")' });
  });

  it('hourly on-demand spend counts on-demand nodes only, per cluster', () => {
    const steps = [
      { startMs: T0, rows: [nodeRow({ node: 'a', totalCostUsd: 0.5 }), nodeRow({ node: 'b', totalCostUsd: 0.2, capacityType: 'spot' }), nodeRow({ node: 'c', cluster: 'c2', totalCostUsd: 0.3 })] },
      { startMs: T0 + HOUR, rows: [nodeRow({ node: 'a', totalCostUsd: 0.25 })] },
      { startMs: T0 + 2 * HOUR, rows: [] },
    ];
    assert.deepEqual(Object.fromEntries(hourlyOnDemandSpend(steps)), {
      c1: [
        { startMs: T0, onDemandUsd: 0.5 },
        { startMs: T0 + HOUR, onDemandUsd: 0.25 },
      ],
      c2: [{ startMs: T0, onDemandUsd: 0.3 }],
    });
  });
});
