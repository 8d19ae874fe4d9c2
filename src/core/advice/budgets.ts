// Where each budget stands this month: its monthly run rate (what it costs now × 730), what the
// month cost so far, and the month-end projection — Holt-Winters (forecast.ts) where a namespace
// has two weeks of daily history, else month-to-date + the current hourly cost × the hours left.
// Pure: the report's hourly costs and the history's figures are inputs. docs/alerts.md.
import type { Budget } from '../budget.ts';
import { HOURS_PER_MONTH } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A series' month so far (recorded whole days) and, when it has enough history, its Holt-Winters month end. */
export interface MonthFigures {
  readonly monthToDateUsd: number;
  /** Month-to-date + the forecast of the rest of the month; null: not enough history to fit. */
  readonly holtWintersUsd: number | null;
}

export type ProjectionMethod = 'holt-winters' | 'run-rate' | 'mixed';

export interface BudgetStatus {
  readonly budget: Budget;
  /** Current hourly cost × 730. */
  readonly runRateUsd: number;
  readonly monthToDateUsd: number;
  readonly monthEndForecastUsd: number;
  readonly method: ProjectionMethod;
  /** max(0, run rate − budget) and its share of the budget (%; 0 for a zero budget). */
  readonly overBudgetUsd: number;
  readonly overBudgetPercent: number;
}

export interface BudgetStatusInput {
  readonly budgets: readonly Budget[];
  /** Current hourly cost of each namespace (the last cycle's report). */
  readonly hourlyUsdByNamespace: ReadonlyMap<string, number>;
  /** Current hourly cost of the whole cluster (for cluster budgets: idle and fees included). */
  readonly clusterHourlyUsd: number;
  readonly monthByNamespace: ReadonlyMap<string, MonthFigures>;
  readonly clusterMonth: MonthFigures | undefined;
  readonly nowMs: number;
}

/** Hours from the start of today (UTC) to the end of the month: what the history does not hold yet. */
export function hoursLeftInMonth(nowMs: number): number {
  const d = new Date(nowMs);
  const monthEndMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const todayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return (monthEndMs - todayMs) / HOUR_MS;
}

export function budgetStatuses(input: BudgetStatusInput): BudgetStatus[] {
  const hoursLeft = hoursLeftInMonth(input.nowMs);
  return input.budgets.map((budget) => {
    // A cluster budget is the cluster as a whole; the others the sum of their namespaces.
    const parts: { hourlyUsd: number; month: MonthFigures | undefined }[] =
      budget.scope === 'cluster'
        ? [{ hourlyUsd: input.clusterHourlyUsd, month: input.clusterMonth }]
        : budget.namespaces.map((ns) => ({ hourlyUsd: input.hourlyUsdByNamespace.get(ns) ?? 0, month: input.monthByNamespace.get(ns) }));
    let hourly = 0;
    let monthToDate = 0;
    let forecast = 0;
    let fitted = 0;
    for (const p of parts) {
      hourly += p.hourlyUsd;
      const mtd = p.month?.monthToDateUsd ?? 0;
      monthToDate += mtd;
      const hw = p.month?.holtWintersUsd ?? null;
      if (hw !== null) {
        forecast += hw;
        fitted++;
      } else forecast += mtd + p.hourlyUsd * hoursLeft;
    }
    const runRateUsd = hourly * HOURS_PER_MONTH;
    const over = Math.max(0, runRateUsd - budget.monthlyUsd);
    return {
      budget,
      runRateUsd,
      monthToDateUsd: monthToDate,
      monthEndForecastUsd: forecast,
      method: fitted === 0 ? 'run-rate' : fitted === parts.length ? 'holt-winters' : 'mixed',
      overBudgetUsd: over,
      overBudgetPercent: budget.monthlyUsd > 0 ? (100 * over) / budget.monthlyUsd : 0,
    };
  });
}
