// The exporter's advice, off the scrape path: every `everyCycles` cycles (and after the first) it
// asks the history store for the recommendations, yesterday's and the last hour's anomalies and
// this month's figures — one analysis at a time, yielding to the event loop between them, never
// two runs at once — and keeps the answers. Each cycle it works out where every budget stands
// from the cycle's report and those figures (cheap), and after each run it hands the active budget
// and anomaly notices to the notifier. Scrapes only render what is kept (advice-metrics.ts).
// docs/advice.md ("Metrics") and docs/alerts.md.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Anomaly } from '../core/advice/anomalies.ts';
import type { AdvicePolicies } from '../core/advice/policies.ts';
import type { BudgetStatus, MonthFigures } from '../core/advice/budgets.ts';
import { budgetStatuses } from '../core/advice/budgets.ts';
import type { RecommendationRow } from '../core/advice/recommendations.ts';
import type { RecommendationKind } from '../core/advice/types.ts';
import { HOURS_PER_MONTH } from '../core/advice/types.ts';
import type { CostReport } from '../core/allocate.ts';
import type { Budget, BudgetRule } from '../core/budget.ts';
import { resolveBudgets } from '../core/budget.ts';
import type { NamespaceInfo } from '../core/model.ts';
import type { PriceBook } from '../core/pricing.ts';
import type { AlertNotice } from '../notify/message.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { HistoryStore } from '../store/types.ts';
import { computeAnomalies, computeMonthFigures, computeRecommendations, priceBookSpotRatio } from './advice-routes.ts';
import type { CycleHook } from './exporter.ts';
import type { Logger } from './log.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const KINDS: readonly RecommendationKind[] = ['rightsizing', 'idle-node', 'spot', 'commitment'];

export interface AdvisorOptions {
  readonly store: HistoryStore;
  readonly prices: PriceBook;
  /** The cluster this exporter records history as: the advice is about it only. */
  readonly cluster: string;
  readonly logger: Logger;
  /** Run the analyses after the first cycle and every this many cycles (`--advice-every-cycles`). */
  readonly everyCycles?: number;
  /** `--budgets`: file budgets (namespace, label, cluster). */
  readonly budgetRules?: readonly BudgetRule[];
  /** `--commitment-discount`: without it commitments have no saving. */
  readonly commitmentDiscount?: number;
  readonly notifier?: Notifier;
  /** Pods named as top cost drivers in a budget notice. */
  readonly topDrivers?: number;
  readonly now?: () => number;
  /**
   * False while the history is still being written (the demo backfill): the first run waits for
   * it, so the advice is not computed on a half-written month. Cycles before it do not count.
   */
  readonly historyReady?: () => boolean;
  /** The cluster's current HPAs and PDB facts (policy-tracker.ts); absent or undefined: not known. */
  readonly policies?: () => AdvicePolicies | undefined;
  /** Between analyses (tests pass a no-op). */
  readonly yieldNow?: () => Promise<void>;
}

/** What the last run computed. */
export interface AdviceRun {
  readonly atMs: number;
  readonly durationMs: number;
  readonly recommendations: readonly RecommendationRow[];
  /** Anomalies of the last whole day and the last whole hour. */
  readonly anomalies: { readonly day: readonly Anomaly[]; readonly hour: readonly Anomaly[] };
  readonly monthByNamespace: ReadonlyMap<string, MonthFigures>;
  readonly clusterMonth: MonthFigures | undefined;
}

export interface AdvisorState {
  readonly run: AdviceRun | undefined;
  readonly budgets: readonly BudgetStatus[];
  /** Each namespace of the last report as a budget of 0: its month to date and month-end projection. */
  readonly namespaceMonth: readonly BudgetStatus[];
  /** The same for the whole cluster (after the first run). */
  readonly clusterMonth: BudgetStatus | undefined;
  /** Namespaces of the last report (anomaly gauges are 0 for those without one). */
  readonly namespaces: readonly string[];
  readonly runs: { readonly ok: number; readonly failed: number };
}

export interface Advisor {
  readonly hook: CycleHook;
  state(): AdvisorState;
  /** Runs the analyses now (tests, and the first cycle); resolves when done; never throws. */
  refresh(): Promise<void>;
  /** Resolves when the run in progress, if any, and the notifications it started are done. */
  settled(): Promise<void>;
  /** Resolves when the run in progress, if any, is done (its store queries: before closing the store). */
  runDone(): Promise<void>;
}

export function createAdvisor(options: AdvisorOptions): Advisor {
  const { store, prices, cluster, logger, everyCycles = 15, budgetRules = [], notifier, topDrivers = 3, now = Date.now, historyReady = () => true, yieldNow = () => nextTurn() } = options;
  let run: AdviceRun | undefined;
  let budgets: BudgetStatus[] = [];
  let namespaceMonth: BudgetStatus[] = [];
  let clusterMonth: BudgetStatus | undefined;
  let lastReport: CostReport | undefined;
  let lastNamespaces: readonly NamespaceInfo[] = [];
  let cycles = 0;
  let running: Promise<void> | undefined;
  let notifying: Promise<void> = Promise.resolve();
  const runs = { ok: 0, failed: 0 };
  const spotRatio = priceBookSpotRatio(prices);

  const updateBudgets = (): void => {
    const report = lastReport;
    if (report === undefined) return;
    const resolved = resolveBudgets(lastNamespaces, report.budgets, budgetRules);
    const status = (list: Budget[]): BudgetStatus[] =>
      budgetStatuses({
        budgets: list,
        hourlyUsdByNamespace: new Map(report.namespaces.map((n) => [n.namespace, n.totalHourlyUsd])),
        clusterHourlyUsd: report.cluster.totalHourlyUsd,
        monthByNamespace: run?.monthByNamespace ?? new Map(),
        clusterMonth: run?.clusterMonth,
        nowMs: now(),
      });
    budgets = status(resolved);
    // Month figures need a run (history); before it there are none to show.
    if (run === undefined) return;
    const zero = (name: string, scope: Budget['scope'], namespaces: string[]): Budget => ({ name, scope, monthlyUsd: 0, costCenter: '', namespaces, source: 'namespace' });
    namespaceMonth = status(report.namespaces.map((n) => zero(`namespace/${n.namespace}`, 'namespace', [n.namespace])));
    clusterMonth = status([zero('cluster', 'cluster', [])])[0];
  };

  const analyse = async (): Promise<AdviceRun> => {
    const started = performance.now();
    const nowMs = now();
    const clusters = [cluster];
    const policies = options.policies?.();
    const rec = await computeRecommendations(store, {
      nowMs,
      window: { startMs: nowMs - 7 * DAY_MS, endMs: nowMs },
      kinds: new Set(KINDS),
      sampleMs: HOUR_MS,
      clusters,
      rightsizing: {},
      thresholdFraction: 0.5,
      ...(options.commitmentDiscount !== undefined ? { commitmentDiscount: options.commitmentDiscount } : {}),
      hpas: policies?.hpas,
      ...(policies ? { spotFacts: policies.spotFacts } : {}),
      spotRatio,
    });
    await yieldNow();
    const dayEnd = Math.floor(nowMs / DAY_MS) * DAY_MS;
    const day = await computeAnomalies(store, { window: { startMs: dayEnd - DAY_MS, endMs: dayEnd }, historyMs: 8 * 7 * DAY_MS, granularity: 'day', threshold: 3.5, clusters });
    await yieldNow();
    const hourEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const hour = await computeAnomalies(store, { window: { startMs: hourEnd - HOUR_MS, endMs: hourEnd }, historyMs: 4 * 7 * DAY_MS, granularity: 'hour', threshold: 3.5, clusters });
    await yieldNow();
    const month = await computeMonthFigures(store, { nowMs, clusters });
    return {
      atMs: nowMs,
      durationMs: performance.now() - started,
      recommendations: rec.rows.filter((r) => r.cluster === cluster),
      anomalies: { day: day.anomalies, hour: hour.anomalies },
      monthByNamespace: month.byNamespace,
      clusterMonth: month.byCluster.get(cluster),
    };
  };

  const notices = (): AlertNotice[] => {
    const report = lastReport;
    const out: AlertNotice[] = [];
    if (report !== undefined) {
      for (const s of budgets) {
        const b = s.budget;
        const overRunRate = s.runRateUsd > b.monthlyUsd;
        const overForecast = !overRunRate && s.monthEndForecastUsd > b.monthlyUsd;
        if (!overRunRate && !overForecast) continue;
        const covered = new Set(b.namespaces);
        const pods = report.pods.filter((p) => b.scope === 'cluster' || covered.has(p.namespace)).sort((x, y) => y.totalHourlyUsd - x.totalHourlyUsd || x.name.localeCompare(y.name));
        const figure = overRunRate ? s.runRateUsd : s.monthEndForecastUsd;
        const over = figure - b.monthlyUsd;
        out.push({
          kind: 'budget',
          reason: overRunRate ? 'over-budget' : 'forecast-over-budget',
          cluster,
          budget: b.name,
          scope: b.scope,
          namespace: b.scope === 'namespace' ? (b.namespaces[0] ?? '') : '',
          costCenter: b.costCenter,
          budgetUsd: b.monthlyUsd,
          runRateUsd: s.runRateUsd,
          monthToDateUsd: s.monthToDateUsd,
          monthEndForecastUsd: s.monthEndForecastUsd,
          overBudgetUsd: over,
          overBudgetPercent: b.monthlyUsd > 0 ? (100 * over) / b.monthlyUsd : 0,
          drivers: pods.slice(0, topDrivers).map((p) => ({
            name: p.name,
            monthlyUsd: p.totalHourlyUsd * HOURS_PER_MONTH,
            percent: s.runRateUsd > 0 ? (100 * p.totalHourlyUsd * HOURS_PER_MONTH) / s.runRateUsd : 0,
          })),
        });
      }
    }
    for (const a of [...(run?.anomalies.day ?? []), ...(run?.anomalies.hour ?? [])]) {
      out.push({
        kind: 'anomaly',
        cluster,
        namespace: a.namespace,
        granularity: a.endMs - a.startMs === HOUR_MS ? 'hour' : 'day',
        direction: a.direction,
        startMs: a.startMs,
        endMs: a.endMs,
        costUsd: a.costUsd,
        expectedUsd: a.expectedUsd,
        deltaUsd: a.deltaUsd,
        score: a.score,
        cause: a.cause?.part ?? null,
        causeDeltaUsd: a.cause?.deltaUsd ?? null,
      });
    }
    return out;
  };

  const refresh = (): Promise<void> => {
    running ??= (async () => {
      try {
        run = await analyse();
        runs.ok++;
        updateBudgets();
        logger.debug('advice computed', { ms: Math.round(run.durationMs), recommendations: run.recommendations.length, anomalies: run.anomalies.day.length + run.anomalies.hour.length });
        // Sent in the background: a slow webhook never holds up a cycle.
        if (notifier) notifying = notifier.update(notices());
      } catch (err) {
        runs.failed++;
        logger.error('computing advice failed; the previous advice stays in the metrics', { error: err instanceof Error ? err.message : String(err) });
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  return {
    hook: {
      component: 'advice',
      handle(cycle) {
        lastReport = cycle.report;
        lastNamespaces = cycle.reading.snapshot.namespaces;
        updateBudgets();
        if (!historyReady()) return;
        cycles++;
        // Not awaited: the analyses must not delay the next cycle.
        if ((cycles - 1) % everyCycles === 0) void refresh();
      },
    },
    state: () => ({ run, budgets, namespaceMonth, clusterMonth, namespaces: (lastReport?.namespaces ?? []).map((n) => n.namespace), runs: { ...runs } }),
    refresh,
    runDone: async () => {
      await running;
    },
    settled: async () => {
      await running;
      await notifying;
    },
  };
}
