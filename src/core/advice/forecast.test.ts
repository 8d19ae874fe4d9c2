import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY } from './fixtures.test-util.ts';
import { backtest, budgetBurnDown, fitHoltWinters, forecastDaily, forecastDays, mapePercent, monthEndProjection, varianceMultiplier } from './forecast.ts';

const S = [3, -1, -2, 0, 1, 2, -3]; // weekly pattern, sums to 0
const D0 = Date.UTC(2026, 9, 1); // 2026-10-01
// y_t = 10 + 0.5 t + S[t mod 7]: a line plus a weekly pattern, which Holt-Winters follows exactly.
const exact = (t: number) => 10 + 0.5 * t + (S[t % 7] as number);
const days = (n: number, f: (t: number) => number) => Array.from({ length: n }, (_, t) => ({ dayStartMs: D0 + t * DAY, costUsd: f(t) }));
const r9 = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 1e9) / 1e9);

describe('Holt-Winters (additive, weekly)', () => {
  it('one-step updates by hand (season of 2, α = β = γ = 0.5)', () => {
    // values 2, 4, 4, 6, 7. Init: means 3 and 5 → trend 1; level 3.5; seasonals −0.5, 0.5.
    // t=2: ŷ 3.5+1−0.5 = 4 (error 0); level 4.5, trend 1, s0 −0.5
    // t=3: ŷ 4.5+1+0.5 = 6 (error 0); level 5.5, trend 1, s1 0.5
    // t=4: ŷ 5.5+1−0.5 = 6 (error 1); level 0.5·7.5 + 0.5·6.5 = 7, trend 0.5·1.5 + 0.5 = 1.25, s0 0.5·0 + 0.5·(−0.5) = −0.25
    const fit = fitHoltWinters([2, 4, 4, 6, 7], { alpha: 0.5, beta: 0.5, gamma: 0.5 }, 2);
    assert.deepEqual(fit.residuals, [0, 0, 1]);
    assert.equal(fit.level, 7);
    assert.equal(fit.trend, 1.25);
    assert.deepEqual(fit.seasonals, [-0.25, 0.5]);
    assert.equal(r9(fit.residualSd), r9(Math.sqrt(1 / 3)));
    // h=1: 7 + 1.25 + s1 0.5 = 8.75; h=2: 7 + 2.5 + s0 (−0.25) = 9.25
    const f = forecastDays(fit, D0, 2, 0);
    assert.deepEqual(
      f.map((p) => p.costUsd),
      [8.75, 9.25],
    );
  });

  it('a line plus a weekly pattern is forecast exactly, with a zero-width interval', () => {
    const f = forecastDaily(days(28, exact), { horizonDays: 7, params: { alpha: 0.3, beta: 0.1, gamma: 0.2 } });
    // days 28..34: 10 + 14 + 3 = 27, 24.5 − 1 = 23.5, 25 − 2 = 23, 25.5 + 0, 26 + 1, 26.5 + 2, 27 − 3
    assert.deepEqual(
      f.points.map((p) => r9(p.costUsd)),
      [27, 23.5, 23, 25.5, 27, 28.5, 24],
    );
    assert.equal(r9(f.residualSdUsd), 0);
    assert.deepEqual(
      f.points.map((p) => r9(p.upperUsd - p.lowerUsd)),
      [0, 0, 0, 0, 0, 0, 0],
    );
    assert.equal(f.points[0]?.dayStartMs, D0 + 28 * DAY);
  });

  it('the interval widens with the horizon: variance multipliers', () => {
    const p = { alpha: 0.5, beta: 0.1, gamma: 0.2 };
    // h=1: 1; h=2: 1 + 0.55² = 1.3025; h=3: + (0.5 × 1.2)² = 1.6625;
    // h=8: adds j=3..7: 0.65², 0.7², 0.75², 0.8², (0.85 + 0.2)² → 1.6625 + 0.4225 + 0.49 + 0.5625 + 0.64 + 1.1025 = 4.88
    const table: [number, number][] = [
      [1, 1],
      [2, 1.3025],
      [3, 1.6625],
      [8, 4.88],
    ];
    for (const [h, v] of table) assert.equal(r9(varianceMultiplier(h, p)), v, `h=${h}`);
  });

  it('the grid search finds the exact model (MAPE 0 in a backtest); too short a history is an error', () => {
    const b = backtest(days(35, exact), 28);
    assert.equal(b.testDays, 7);
    assert.equal(r9(b.mapePercent), 0);
    assert.throws(() => forecastDaily(days(10, exact), { horizonDays: 3 }), { name: 'ForecastInputError', message: 'Holt-Winters needs at least 14 days of history (two seasons of 7), got 10' });
  });

  it('MAPE by hand, skipping days with no cost', () => {
    // |100 − 90|/100 = 0.1, |50 − 60|/50 = 0.2, day with 0 skipped → mean 0.15 → 15 %
    assert.equal(r9(mapePercent([100, 50, 0], [90, 60, 5])), 15);
  });
});

describe('month end and budget burn-down', () => {
  // November 2026 (30 days). Recorded: Nov 1..10 at 10 USD/day. Forecast: Nov 11..30 at 12 USD/day
  // (interval ±2), and Dec 1 (outside the month).
  const nov1 = Date.UTC(2026, 10, 1);
  const history = Array.from({ length: 10 }, (_, i) => ({ dayStartMs: nov1 + i * DAY, costUsd: 10 }));
  const forecast = Array.from({ length: 21 }, (_, i) => ({ dayStartMs: nov1 + (10 + i) * DAY, costUsd: 12, lowerUsd: 10, upperUsd: 14 }));
  const now = nov1 + 10 * DAY + 3_600_000;

  it('projection = 10 recorded days + 20 forecast days', () => {
    // 100 + 20 × 12 = 340; bounds 100 + 200 = 300 and 100 + 280 = 380
    const p = monthEndProjection(history, forecast, now);
    assert.deepEqual([p.actualUsd, p.forecastUsd, p.projectedUsd, p.projectedLowerUsd, p.projectedUpperUsd], [100, 240, 340, 300, 380]);
  });

  it('burn-down against a 300 USD budget: exhausted on Nov 27, 40 USD (13.3 %) over', () => {
    // cumulative after Nov 10: 100; each forecast day +12: after Nov 26 (16 days) 292, after Nov 27 304 > 300
    const b = budgetBurnDown(300, history, forecast, now);
    assert.equal(b.spentUsd, 100);
    assert.equal(b.projectedOverUsd, 40);
    assert.equal(r9(b.projectedOverPercent), r9(40 / 3));
    assert.equal(b.exhaustedOnDayMs, Date.UTC(2026, 10, 27));
    assert.equal(b.remaining.length, 30);
    assert.deepEqual(b.remaining[9], { dayStartMs: nov1 + 9 * DAY, remainingUsd: 200, forecast: false });
    assert.deepEqual(b.remaining[29], { dayStartMs: nov1 + 29 * DAY, remainingUsd: -40, forecast: true });
    assert.equal(budgetBurnDown(400, history, forecast, now).exhaustedOnDayMs, null);
  });
});
