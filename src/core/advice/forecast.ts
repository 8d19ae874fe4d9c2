// Forecasts of daily cost: additive Holt-Winters with weekly seasonality (season of 7 days),
// parameters fitted by a grid search on one-step errors unless given, a prediction interval from
// the one-step residuals, the month-end projection, budget burn-down, and a backtest (train on the
// first N days, forecast the rest, MAPE). Pure: series and the clock are inputs. docs/advice.md.
import { checkNumber } from './types.ts';

const DAY_MS = 86_400_000;

export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

export interface HoltWintersFit {
  readonly params: HoltWintersParams;
  readonly seasonLength: number;
  /** State after the last observation. */
  readonly level: number;
  readonly trend: number;
  /** seasonals[t mod seasonLength] for day index t (the first observation is t = 0). */
  readonly seasonals: readonly number[];
  /** Number of observations fitted. */
  readonly n: number;
  /** One-step errors y_t − ŷ_t for t ≥ seasonLength. */
  readonly residuals: readonly number[];
  /** Root mean square of the residuals. */
  readonly residualSd: number;
}

export class ForecastInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForecastInputError';
  }
}

/**
 * Fits additive Holt-Winters with the given parameters. Needs two full seasons. Initial state from
 * the first two seasons: trend = (mean of season 2 − mean of season 1) ÷ m, level at the end of
 * season 1 = mean₁ + (m − 1)/2 × trend, seasonals = season 1 minus that line.
 */
export function fitHoltWinters(values: readonly number[], params: HoltWintersParams, seasonLength = 7): HoltWintersFit {
  const m = seasonLength;
  if (values.length < 2 * m) throw new ForecastInputError(`Holt-Winters needs at least ${2 * m} days of history (two seasons of ${m}), got ${values.length}`);
  for (const k of ['alpha', 'beta', 'gamma'] as const) checkNumber('Holt-Winters parameters', k, params[k], 0, 1);
  const { alpha, beta, gamma } = params;
  let mean1 = 0;
  let mean2 = 0;
  for (let i = 0; i < m; i++) {
    mean1 += (values[i] as number) / m;
    mean2 += (values[m + i] as number) / m;
  }
  let trend = (mean2 - mean1) / m;
  let level = mean1 + ((m - 1) / 2) * trend;
  const seasonals = Array.from({ length: m }, (_, i) => (values[i] as number) - (mean1 + (i - (m - 1) / 2) * trend));
  const residuals: number[] = [];
  for (let t = m; t < values.length; t++) {
    const y = values[t] as number;
    const s = seasonals[t % m] as number;
    residuals.push(y - (level + trend + s));
    const previous = level;
    level = alpha * (y - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - previous) + (1 - beta) * trend;
    seasonals[t % m] = gamma * (y - level) + (1 - gamma) * s;
  }
  const sse = residuals.reduce((t, e) => t + e * e, 0);
  return { params, seasonLength: m, level, trend, seasonals, n: values.length, residuals, residualSd: residuals.length > 0 ? Math.sqrt(sse / residuals.length) : 0 };
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS = [0, 0.02, 0.05, 0.1, 0.2];
const GAMMAS = [0.05, 0.1, 0.2, 0.3, 0.5];

/** The grid's parameters with the smallest sum of squared one-step errors (first found on ties). */
export function fitBest(values: readonly number[], seasonLength = 7): HoltWintersFit {
  let best: HoltWintersFit | undefined;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of GAMMAS) {
        const fit = fitHoltWinters(values, { alpha, beta, gamma }, seasonLength);
        if (best === undefined || fit.residualSd < best.residualSd - 1e-12) best = fit;
      }
    }
  }
  return best as HoltWintersFit;
}

/** Variance of the h-step error in units of the one-step variance: 1 + Σ_{j<h} (α(1 + jβ) + γ·[j mod m = 0])². */
export function varianceMultiplier(h: number, p: HoltWintersParams, seasonLength = 7): number {
  let v = 1;
  for (let j = 1; j < h; j++) {
    const c = p.alpha * (1 + j * p.beta) + (j % seasonLength === 0 ? p.gamma : 0);
    v += c * c;
  }
  return v;
}

export interface ForecastPoint {
  readonly dayStartMs: number;
  readonly costUsd: number;
  readonly lowerUsd: number;
  readonly upperUsd: number;
}

/**
 * Forecasts `horizon` days after the fit's last day (`lastDayStartMs`). Costs below zero are
 * clamped to zero (a cost is never negative); the interval is point ± z·σ·√multiplier.
 */
export function forecastDays(fit: HoltWintersFit, lastDayStartMs: number, horizon: number, z = 1.96): ForecastPoint[] {
  const m = fit.seasonLength;
  const out: ForecastPoint[] = [];
  for (let h = 1; h <= horizon; h++) {
    const point = fit.level + h * fit.trend + (fit.seasonals[(fit.n - 1 + h) % m] as number);
    const half = z * fit.residualSd * Math.sqrt(varianceMultiplier(h, fit.params, m));
    out.push({ dayStartMs: lastDayStartMs + h * DAY_MS, costUsd: Math.max(0, point), lowerUsd: Math.max(0, point - half), upperUsd: Math.max(0, point + half) });
  }
  return out;
}

export interface DailyCost {
  readonly dayStartMs: number;
  readonly costUsd: number;
}

export interface Forecast {
  readonly params: HoltWintersParams;
  readonly residualSdUsd: number;
  readonly historyDays: number;
  readonly points: readonly ForecastPoint[];
}

/** Fits (grid search unless `params`) and forecasts a daily series (consecutive days, oldest first). */
export function forecastDaily(history: readonly DailyCost[], options: { horizonDays: number; params?: HoltWintersParams; z?: number }): Forecast {
  checkNumber('forecast', 'horizonDays', options.horizonDays, 1, 366);
  const values = history.map((d) => d.costUsd);
  const fit = options.params ? fitHoltWinters(values, options.params) : fitBest(values);
  const last = history[history.length - 1] as DailyCost;
  return { params: fit.params, residualSdUsd: fit.residualSd, historyDays: history.length, points: forecastDays(fit, last.dayStartMs, options.horizonDays, options.z) };
}

export interface Backtest {
  readonly trainDays: number;
  readonly testDays: number;
  /** Mean absolute percentage error over the test days with a positive actual cost, in percent. */
  readonly mapePercent: number;
  readonly params: HoltWintersParams;
  readonly points: readonly { readonly dayStartMs: number; readonly actualUsd: number; readonly forecastUsd: number }[];
}

export function mapePercent(actual: readonly number[], forecast: readonly number[]): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    if (a <= 0) continue;
    total += Math.abs(a - (forecast[i] as number)) / a;
    count++;
  }
  return count === 0 ? Number.NaN : (100 * total) / count;
}

/** Trains on the first `trainDays` days, forecasts the rest, and measures the error. */
export function backtest(history: readonly DailyCost[], trainDays: number, params?: HoltWintersParams): Backtest {
  if (trainDays >= history.length) throw new ForecastInputError(`backtest: ${trainDays} training days leave nothing to test in ${history.length} days`);
  const train = history.slice(0, trainDays);
  const test = history.slice(trainDays);
  const f = forecastDaily(train, { horizonDays: test.length, ...(params ? { params } : {}) });
  const forecast = f.points.map((p) => p.costUsd);
  return {
    trainDays,
    testDays: test.length,
    mapePercent: mapePercent(
      test.map((d) => d.costUsd),
      forecast,
    ),
    params: f.params,
    points: test.map((d, i) => ({ dayStartMs: d.dayStartMs, actualUsd: d.costUsd, forecastUsd: forecast[i] as number })),
  };
}

export interface MonthEnd {
  readonly monthStartMs: number;
  readonly monthEndMs: number;
  /** Recorded cost of the month's days so far. */
  readonly actualUsd: number;
  /** Forecast of the month's remaining days. */
  readonly forecastUsd: number;
  readonly projectedUsd: number;
  /** Sum of the daily bounds: a conservative (wide) interval. */
  readonly projectedLowerUsd: number;
  readonly projectedUpperUsd: number;
}

/** Month-end projection for the UTC month of `nowMs`: recorded days + forecast days of that month. */
export function monthEndProjection(history: readonly DailyCost[], forecast: readonly ForecastPoint[], nowMs: number): MonthEnd {
  const d = new Date(nowMs);
  const monthStartMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEndMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const inMonth = (t: number) => t >= monthStartMs && t < monthEndMs;
  const actual = history.filter((h) => inMonth(h.dayStartMs));
  const lastRecorded = history.length > 0 ? Math.max(...history.map((h) => h.dayStartMs)) : Number.NEGATIVE_INFINITY;
  const rest = forecast.filter((p) => inMonth(p.dayStartMs) && p.dayStartMs > lastRecorded);
  const actualUsd = actual.reduce((t, h) => t + h.costUsd, 0);
  const sumOf = (f: (p: ForecastPoint) => number) => rest.reduce((t, p) => t + f(p), 0);
  return {
    monthStartMs,
    monthEndMs,
    actualUsd,
    forecastUsd: sumOf((p) => p.costUsd),
    projectedUsd: actualUsd + sumOf((p) => p.costUsd),
    projectedLowerUsd: actualUsd + sumOf((p) => p.lowerUsd),
    projectedUpperUsd: actualUsd + sumOf((p) => p.upperUsd),
  };
}

export interface BurnDown {
  readonly budgetUsd: number;
  readonly spentUsd: number;
  readonly projectedUsd: number;
  /** max(0, projected − budget) and its share of the budget. */
  readonly projectedOverUsd: number;
  readonly projectedOverPercent: number;
  /** First day whose cumulative (recorded, then forecast) cost exceeds the budget; null: none this month. */
  readonly exhaustedOnDayMs: number | null;
  /** Budget left at the end of each day of the month (recorded days, then forecast days). */
  readonly remaining: readonly { readonly dayStartMs: number; readonly remainingUsd: number; readonly forecast: boolean }[];
}

export function budgetBurnDown(budgetUsd: number, history: readonly DailyCost[], forecast: readonly ForecastPoint[], nowMs: number): BurnDown {
  checkNumber('budget', 'monthlyUsd', budgetUsd, 0, 1e12);
  const p = monthEndProjection(history, forecast, nowMs);
  const lastRecorded = history.length > 0 ? Math.max(...history.map((h) => h.dayStartMs)) : Number.NEGATIVE_INFINITY;
  const days = [
    ...history.filter((h) => h.dayStartMs >= p.monthStartMs && h.dayStartMs < p.monthEndMs).map((h) => ({ dayStartMs: h.dayStartMs, costUsd: h.costUsd, forecast: false })),
    ...forecast.filter((f) => f.dayStartMs >= p.monthStartMs && f.dayStartMs < p.monthEndMs && f.dayStartMs > lastRecorded).map((f) => ({ dayStartMs: f.dayStartMs, costUsd: f.costUsd, forecast: true })),
  ].sort((a, b) => a.dayStartMs - b.dayStartMs);
  let cumulative = 0;
  let exhausted: number | null = null;
  const remaining = days.map((d) => {
    cumulative += d.costUsd;
    if (exhausted === null && cumulative > budgetUsd) exhausted = d.dayStartMs;
    return { dayStartMs: d.dayStartMs, remainingUsd: budgetUsd - cumulative, forecast: d.forecast };
  });
  const over = Math.max(0, p.projectedUsd - budgetUsd);
  return {
    budgetUsd,
    spentUsd: p.actualUsd,
    projectedUsd: p.projectedUsd,
    projectedOverUsd: over,
    projectedOverPercent: budgetUsd > 0 ? (100 * over) / budgetUsd : 0,
    exhaustedOnDayMs: exhausted,
    remaining,
  };
}
