// Forecast: monthly run rates now, averaged over the range and projected 30 days ahead by a linear
// trend over the range, against the budgets namespaces declare.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  barGauge,
  BUDGET_USED,
  CLUSTER_HOURLY,
  clusterVariable,
  dashboard,
  dashboardUrl,
  datasourceVariable,
  grafanaVariable,
  namespaceVariable,
  NS_BUDGET,
  NS_HOURLY,
  sel,
  stat,
  table,
  thresholds,
  timeSeries,
  UID,
} from './common.ts';

const THIRTY_DAYS_S = 30 * 86400;

/** Monthly run rate 30 days from now if the hourly cost keeps the linear trend it had over the range. */
function projected(hourly: string, by = ''): string {
  return `clamp_min(sum${by ? ` by (${by})` : ''} (predict_linear(${hourly}[$__range], ${THIRTY_DAYS_S})), 0) * 730`;
}

export function forecast(): Dashboard {
  return dashboard({
    uid: UID.forecast,
    title: 'Kubernetes cost / Forecast',
    summary: 'Monthly run rates now, on average over the range, and projected 30 days ahead by the linear trend over the range (choose 7d or more: shorter ranges follow the daily cycle), against namespace budgets.',
    variables: [datasourceVariable(), clusterVariable(), namespaceVariable()],
    build: (d) => {
      d.withRow(new RowBuilder('Cluster'));
      d.withPanel(
        stat({
          title: 'Monthly run rate now',
          description: 'kube_cost_cluster_monthly_usd: the current hourly cost of everything (control-plane fee included) × 730.',
          expr: `sum(${sel('kube_cost_cluster_monthly_usd')})`,
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Average monthly run rate over the range',
          description: 'Hourly cluster cost averaged over the selected range × 730.',
          expr: `sum(avg_over_time(${CLUSTER_HOURLY}[$__range])) * 730`,
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Projected monthly run rate in 30 days',
          description: 'predict_linear over the selected range, 30 days ahead, × 730 (never below zero).',
          expr: projected(CLUSTER_HOURLY),
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Projected change',
          description: 'Projected run rate in 30 days vs now.',
          expr: `100 * (${projected(CLUSTER_HOURLY)} / sum(${sel('kube_cost_cluster_monthly_usd')}) - 1)`,
          unit: 'percent',
          decimals: 1,
          thresholds: thresholds([
            [null, 'green'],
            [5, 'orange'],
            [15, 'red'],
          ]),
          width: 6,
          height: 5,
        }),
      );

      d.withRow(new RowBuilder('Selected namespaces against their budgets'));
      d.withPanel(
        stat({
          title: 'Monthly budgets',
          description: 'Σ of the budgets the selected namespaces declare (label or annotation budget).',
          expr: `sum(${NS_BUDGET})`,
          noValue: 'No budget label',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Projected budget use in 30 days',
          description: 'Projected monthly run rate of the namespaces that declare a budget ÷ their budgets.',
          expr: `100 * sum(clamp_min(predict_linear(${NS_HOURLY}[$__range], ${THIRTY_DAYS_S}), 0) * 730 and on (cluster, namespace) ${NS_BUDGET}) / sum(${NS_BUDGET})`,
          unit: 'percent',
          decimals: 1,
          thresholds: BUDGET_USED,
          noValue: 'No budget label',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Monthly run rate and budget',
          description: 'Hourly cost of the selected namespaces averaged over each step (at least an hour) × 730; dashed: their monthly budgets.',
          targets: [
            { expr: `sum(avg_over_time(${NS_HOURLY}[$__interval])) * 730`, legend: 'run rate' },
            { expr: `sum(${NS_BUDGET})`, legend: 'budget' },
          ],
          dashed: '^budget$',
          minInterval: '1h',
          width: 12,
          height: 10,
        }),
      );
      d.withPanel(
        table({
          title: 'Namespaces: run rate, projection, budget',
          description: 'Monthly figures per namespace. Projected: 30 days ahead on the linear trend over the range. Click a namespace for its deep dive.',
          labels: ['namespace'],
          columns: [
            { name: 'Run rate now', expr: `sum by (namespace) (${NS_HOURLY}) * 730` },
            { name: 'Average over the range', expr: `sum by (namespace) (avg_over_time(${NS_HOURLY}[$__range])) * 730` },
            { name: 'Projected in 30 days', expr: projected(NS_HOURLY, 'namespace') },
            { name: 'Budget', expr: `sum by (namespace) (${NS_BUDGET})` },
            { name: 'Projected % of budget', expr: `100 * ${projected(NS_HOURLY, 'namespace')} / sum by (namespace) (${NS_BUDGET})`, unit: 'percent', decimals: 1, thresholds: BUDGET_USED },
          ],
          labelLinks: { namespace: [{ title: 'Namespace deep dive', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__value.raw') }) }] },
          sortBy: 'Run rate now',
          width: 24,
          height: 10,
        }),
      );
      d.withPanel(
        barGauge({
          title: 'Budget used now (run rate ÷ budget)',
          description: 'Namespaces that declare a budget, most used first.',
          expr: `sort_desc(100 * sum by (namespace) (${NS_HOURLY}) * 730 / sum by (namespace) (${NS_BUDGET}))`,
          legend: '{{namespace}}',
          unit: 'percent',
          decimals: 1,
          thresholds: BUDGET_USED,
          links: [{ title: 'Namespace deep dive', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__field.labels.namespace') }) }],
          width: 12,
          height: 10,
        }),
      );

      // The exporter's own month figures (src/server/advisor.ts, every --advice-every-cycles
      // cycles): every budget — namespace labels and the budgets file's namespace, label and
      // cluster budgets — with what the alerts KubeCostBudgetForecastOverBudget and
      // KubeCostBudgetBurnRateHigh compare.
      d.withRow(new RowBuilder('Budgets this month (the exporter\'s projection)'));
      const budget = (metric: string) => `max by (budget) (${sel(metric)})`;
      d.withPanel(
        table({
          title: 'Budgets: spent, run rate, month-end forecast',
          description:
            'Every budget the exporter knows (namespace/<name>, label/<key>=<value>, cluster). Month to date: whole days of this UTC month in its history. Month-end forecast: Holt-Winters with two weeks of history, else month to date + run rate for the rest of the month (docs/advice.md).',
          labels: ['budget'],
          columns: [
            { name: 'Budget', expr: budget('kube_cost_budget_usd') },
            { name: 'Run rate', expr: budget('kube_cost_budget_run_rate_usd') },
            { name: 'Month to date', expr: budget('kube_cost_budget_month_to_date_usd') },
            { name: 'Month-end forecast', expr: budget('kube_cost_budget_month_end_forecast_usd') },
            { name: 'Forecast % of budget', expr: `100 * ${budget('kube_cost_budget_month_end_forecast_usd')} / ${budget('kube_cost_budget_usd')}`, unit: 'percent', decimals: 1, thresholds: BUDGET_USED },
          ],
          sortBy: 'Forecast % of budget',
          width: 24,
          height: 9,
        }),
      );
    },
  });
}
