import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Budget } from '../budget.ts';
import { budgetStatuses, hoursLeftInMonth } from './budgets.ts';

const NOW = Date.UTC(2026, 10, 20, 15, 30); // 2026-11-20 15:30 UTC: 11 days left counting today = 264 h

test('hours left in the month count from the start of today (the history holds whole days before it)', () => {
  const cases: [number, number][] = [
    [NOW, 264],
    [Date.UTC(2026, 10, 30, 23, 59), 24],
    [Date.UTC(2026, 1, 1, 0, 0), 28 * 24],
    [Date.UTC(2028, 1, 10, 12), 20 * 24], // leap year: 29 days, 10th..29th
  ];
  for (const [now, hours] of cases) assert.equal(hoursLeftInMonth(now), hours, new Date(now).toISOString());
});

test('budget status: run rate, month to date, month-end projection by Holt-Winters or run rate', () => {
  const b = (name: string, scope: Budget['scope'], monthlyUsd: number, namespaces: string[]): Budget => ({ name, scope, monthlyUsd, costCenter: '', namespaces, source: 'file' });
  const statuses = budgetStatuses({
    budgets: [b('namespace/checkout', 'namespace', 500, ['checkout']), b('label/team=payments', 'label', 1000, ['pay-api', 'pay-db']), b('cluster', 'cluster', 2000, []), b('namespace/empty', 'namespace', 0, ['empty'])],
    hourlyUsdByNamespace: new Map([
      ['checkout', 0.8],
      ['pay-api', 0.5],
      ['pay-db', 0.25],
    ]),
    clusterHourlyUsd: 3,
    monthByNamespace: new Map([
      ['checkout', { monthToDateUsd: 380, holtWintersUsd: 590 }],
      ['pay-api', { monthToDateUsd: 200, holtWintersUsd: 330 }],
      ['pay-db', { monthToDateUsd: 40, holtWintersUsd: null }],
    ]),
    clusterMonth: { monthToDateUsd: 1400, holtWintersUsd: null },
    nowMs: NOW,
  });
  const rows = statuses.map((s) => [s.budget.name, s.runRateUsd, s.monthToDateUsd, s.monthEndForecastUsd, s.method, s.overBudgetUsd, s.overBudgetPercent]);
  assert.deepEqual(rows, [
    // 0.8 × 730 = 584, 84 over = 16.8 %; Holt-Winters 590.
    ['namespace/checkout', 584, 380, 590, 'holt-winters', 84, 16.8],
    // (0.5 + 0.25) × 730 = 547.5; pay-api by HW 330, pay-db 40 + 0.25 × 264 = 106: 436.
    ['label/team=payments', 547.5, 240, 436, 'mixed', 0, 0],
    // 3 × 730 = 2190, 190 over = 9.5 %; 1400 + 3 × 264 = 2192.
    ['cluster', 2190, 1400, 2192, 'run-rate', 190, 9.5],
    // Nothing known: zeros, never NaN; a zero budget has no percentage.
    ['namespace/empty', 0, 0, 0, 'run-rate', 0, 0],
  ]);
});
