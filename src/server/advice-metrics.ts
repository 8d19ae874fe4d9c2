// The advice as Prometheus families, rendered from what the advisor keeps (advisor.ts): nothing is
// computed here. Cardinality is bounded: recommendations keep their own series for the
// `maxSeries` largest savings, the rest are summed into one `workload="__other__"` series per
// kind; anomaly gauges have one series per namespace and granularity; budgets are the ones
// declared. docs/metrics.md lists every family.
import type { BudgetStatus } from '../core/advice/budgets.ts';
import type { RecommendationKind } from '../core/advice/types.ts';
import type { AdvisorState } from './advisor.ts';
import type { ExpositionFormat } from './exposition.ts';
import { ExpositionWriter, labelText } from './exposition.ts';

export const OTHER_WORKLOAD = '__other__';
const KINDS: readonly RecommendationKind[] = ['rightsizing', 'idle-node', 'spot', 'commitment'];

export function renderAdviceMetrics(state: AdvisorState, format: ExpositionFormat, baseLabels: string, options: { readonly maxSeries: number }): string {
  const w = new ExpositionWriter(format, baseLabels);
  const run = state.run;

  w.family('kube_cost_advice_runs_total', 'counter', 'Runs of the advice analyses (recommendations, anomalies, month figures) by result: ok, failed.');
  w.sample('result="ok"', state.runs.ok);
  w.sample('result="failed"', state.runs.failed);
  w.family('kube_cost_advice_last_run_timestamp_seconds', 'gauge', 'When the advice metrics were last computed (Unix seconds); they change only at each run (--advice-every-cycles).');
  if (run) w.sample('', run.atMs / 1000);
  w.family('kube_cost_advice_run_duration_seconds', 'gauge', 'How long the last advice run took (store queries and analyses), in seconds.');
  if (run) w.sample('', run.durationMs / 1000);

  // Recommendations: the largest savings first; an unknown saving (a missing price) has no series
  // of its own but is counted in kube_cost_recommendations.
  w.family(
    'kube_cost_recommendation_savings_usd',
    'gauge',
    `Monthly saving in USD of following a recommendation (right-sizing, idle-node, spot, commitment; docs/advice.md) over the last 7 days of history. The ${options.maxSeries} largest have a series each (workload: deployment/web, node/<name>, cluster); the rest of each kind are summed into workload="${OTHER_WORKLOAD}". The kinds overlap: their sum is an upper bound.`,
  );
  const rows = (run?.recommendations ?? []).filter((r) => r.monthlySavingUsd !== null && r.monthlySavingUsd > 0);
  const kept = rows.slice(0, options.maxSeries);
  const other = new Map<string, number>();
  for (const r of rows.slice(options.maxSeries)) other.set(r.kind, (other.get(r.kind) ?? 0) + (r.monthlySavingUsd ?? 0));
  for (const r of kept) w.sample(labelText({ kind: r.kind, namespace: r.namespace, workload: r.target, resource: r.resource }), r.monthlySavingUsd ?? 0);
  for (const kind of KINDS) {
    const usd = other.get(kind);
    if (usd !== undefined) w.sample(labelText({ kind, namespace: '', workload: OTHER_WORKLOAD, resource: '' }), usd);
  }
  w.family('kube_cost_recommendations', 'gauge', 'Number of recommendations by kind, including those whose saving is unknown (a missing price).');
  if (run) for (const kind of KINDS) w.sample(labelText({ kind }), run.recommendations.filter((r) => r.kind === kind).length);

  // Anomalies of the last whole day and hour, per namespace of the last report.
  const anomalies = [...(run?.anomalies.day ?? []).map((a) => ({ ...a, granularity: 'day' })), ...(run?.anomalies.hour ?? []).map((a) => ({ ...a, granularity: 'hour' }))];
  w.family('kube_cost_anomaly_active', 'gauge', 'Whether the namespace\'s cost of the last whole day (granularity="day") or hour ("hour") is an anomaly against the same day of the week / hour of the week before (seasonal median + MAD; docs/advice.md): 1, with direction spike or drop; 0 otherwise.');
  if (run) {
    const namespaces = [...new Set([...state.namespaces.filter((n) => !/^__.+__$/.test(n)), ...anomalies.map((a) => a.namespace)])].sort();
    for (const granularity of ['day', 'hour']) {
      for (const namespace of namespaces) {
        const a = anomalies.find((x) => x.namespace === namespace && x.granularity === granularity);
        w.sample(labelText({ namespace, granularity, direction: a?.direction ?? '' }), a ? 1 : 0);
      }
    }
  }
  w.family('kube_cost_anomaly_score', 'gauge', 'Modified z-score (0.6745 × (cost − median) ÷ MAD) of an active anomaly; absent when the baseline never varied (MAD 0).');
  for (const a of anomalies) if (a.score !== null) w.sample(labelText({ namespace: a.namespace, granularity: a.granularity }), a.score);
  w.family('kube_cost_anomaly_delta_usd', 'gauge', 'Cost of an active anomaly\'s day or hour minus its expected cost (the seasonal median), in USD: positive for a spike.');
  for (const a of anomalies) w.sample(labelText({ namespace: a.namespace, granularity: a.granularity }), a.deltaUsd);

  // This month.
  w.family('kube_cost_namespace_month_to_date_usd', 'gauge', 'What a namespace cost this month (UTC) in the history store, whole days recorded before today, in USD.');
  for (const m of state.namespaceMonth) w.sample(labelText({ namespace: m.budget.namespaces[0] ?? '' }), m.monthToDateUsd);
  w.family(
    'kube_cost_namespace_month_end_forecast_usd',
    'gauge',
    "Month-end projection of a namespace's cost in USD: month to date + the Holt-Winters forecast of the remaining days (with two weeks of daily history), else + its current hourly cost × the hours left in the month.",
  );
  for (const m of state.namespaceMonth) w.sample(labelText({ namespace: m.budget.namespaces[0] ?? '' }), m.monthEndForecastUsd);
  w.family('kube_cost_cluster_month_to_date_usd', 'gauge', "What the cluster's allocations (pods, idle, volumes, load balancers; not the management fee) cost this month in the history store, whole days before today, in USD.");
  if (state.clusterMonth) w.sample('', state.clusterMonth.monthToDateUsd);
  w.family('kube_cost_cluster_month_end_forecast_usd', 'gauge', "Month-end projection of the cluster's cost in USD, as for namespaces (the current hourly cost includes the management fee).");
  if (state.clusterMonth) w.sample('', state.clusterMonth.monthEndForecastUsd);
  return w.toString();
}

export function renderBudgetMetrics(budgets: readonly BudgetStatus[], format: ExpositionFormat, baseLabels: string): string {
  const w = new ExpositionWriter(format, baseLabels);
  const named = (b: BudgetStatus) => labelText({ budget: b.budget.name });
  w.family('kube_cost_budget_usd', 'gauge', 'Monthly budget in USD, by budget: namespace/<name> (the namespace\'s label or annotation "budget", or the budgets file), label/<key>=<value> (the namespaces carrying that label, together) or cluster; scope, cost_center and source (namespace, file) as labels.');
  for (const b of budgets) w.sample(labelText({ budget: b.budget.name, scope: b.budget.scope, cost_center: b.budget.costCenter, source: b.budget.source }), b.budget.monthlyUsd);
  w.family('kube_cost_budget_run_rate_usd', 'gauge', 'Monthly run rate of what a budget covers: its current hourly cost × 730, in USD.');
  for (const b of budgets) w.sample(named(b), b.runRateUsd);
  w.family('kube_cost_budget_month_to_date_usd', 'gauge', 'What a budget\'s namespaces (or the cluster) cost this month (UTC) in the history store, whole days before today, in USD.');
  for (const b of budgets) w.sample(named(b), b.monthToDateUsd);
  w.family('kube_cost_budget_month_end_forecast_usd', 'gauge', 'Month-end projection of what a budget covers, in USD: Holt-Winters per namespace where two weeks of history exist, else month to date + current hourly cost × hours left (method in kube_cost_budget_info).');
  for (const b of budgets) w.sample(named(b), b.monthEndForecastUsd);
  w.family('kube_cost_budget_info', 'gauge', 'Facts about a budget, always 1: how its month end is projected (holt-winters, run-rate, mixed) and how many namespaces it covers.');
  for (const b of budgets) w.sample(labelText({ budget: b.budget.name, method: b.method, namespaces: String(b.budget.namespaces.length) }), 1);
  return w.toString();
}

/** The advisor's families as a metrics producer for the exporter (rendered once per cycle). */
export function adviceMetricsProducer(advisor: { state(): AdvisorState }, options: { readonly maxSeries: number }): (format: ExpositionFormat, baseLabels: string) => string {
  return (format, baseLabels) => {
    const state = advisor.state();
    return renderAdviceMetrics(state, format, baseLabels, options) + renderBudgetMetrics(state.budgets, format, baseLabels);
  };
}
