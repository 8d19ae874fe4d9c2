// Executive Summary: what the cluster cost over the range, the change vs the previous period, the
// split by component, the daily trend, the top namespaces, and spot vs on-demand with the saving
// 70 % spot would bring — the design document's overview dashboard.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  barGauge,
  CLUSTER_HOURLY,
  clusterVariable,
  dashboard,
  dashboardUrl,
  datasourceVariable,
  grafanaVariable,
  GREEN,
  instanceTypeVariable,
  NODE_FILTER,
  nodePoolVariable,
  onSelectedNodes,
  pieChart,
  potentialSavingsStat,
  REAL_NAMESPACE,
  sel,
  stat,
  thresholds,
  timeSeries,
  UID,
  usdOverRange,
} from './common.ts';

export function executiveSummary(): Dashboard {
  return dashboard({
    uid: UID.executive,
    title: 'Kubernetes cost / Executive summary',
    summary: 'What the cluster costs: spend over the selected range, change vs the previous period, split by component, daily trend, top namespaces, spot vs on-demand.',
    variables: [datasourceVariable(), clusterVariable(), instanceTypeVariable(), nodePoolVariable()],
    build: (d) => {
      d.withRow(new RowBuilder('Spend over the selected range'));
      d.withPanel(
        stat({
          title: 'Total spend',
          description: 'Everything the cluster cost over the selected range: nodes, volumes, load balancers and the control-plane fee. Average of kube_cost_cluster_hourly_usd over the range × hours in the range (assumes the exporter ran for the whole range).',
          expr: usdOverRange(`sum(avg_over_time(${CLUSTER_HOURLY}[$__range]))`),
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'vs previous period',
          description: 'Average hourly cost over the selected range compared with the period of the same length just before it. Empty until Prometheus holds two periods of data.',
          expr: `100 * (sum(avg_over_time(${CLUSTER_HOURLY}[$__range])) / sum(avg_over_time(${CLUSTER_HOURLY}[$__range] offset $__range)) - 1)`,
          unit: 'percent',
          decimals: 1,
          thresholds: thresholds([
            [null, 'green'],
            [5, 'orange'],
            [15, 'red'],
          ]),
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Monthly run rate',
          description: 'What a month costs at the current hourly cost (kube_cost_cluster_monthly_usd = hourly × 730).',
          expr: `sum(${sel('kube_cost_cluster_monthly_usd')})`,
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Spend by component',
          description: 'compute: allocated to pods; idle: node capacity no pod is allocated; storage: persistent volumes; load_balancer: Services of type LoadBalancer; management: the control-plane fee; network: egress measured by node agents × the price of its destination (absent without agents).',
          expr: usdOverRange(`sum by (component) (avg_over_time(${sel('kube_cost_cluster_component_hourly_usd')}[$__range]))`),
          legend: '{{component}}',
          width: 10,
          height: 5,
        }),
      );

      d.withRow(new RowBuilder('Trend'));
      d.withPanel(
        timeSeries({
          title: 'Daily cost trend by component',
          description: 'Cost per day at the average rate of each step (hourly cost averaged over the step × 24), stacked by component.',
          targets: [{ expr: `sum by (component) (avg_over_time(${sel('kube_cost_cluster_component_hourly_usd')}[$__interval])) * 24`, legend: '{{component}}' }],
          stacked: true,
          width: 24,
          height: 9,
        }),
      );

      d.withRow(new RowBuilder('Namespaces and capacity types'));
      d.withPanel(
        barGauge({
          title: 'Top 5 namespaces by cost',
          description: 'The five namespaces that cost most over the selected range (their pods, volumes and load balancers; idle capacity excluded). Click a bar for that namespace\'s deep dive.',
          expr: `topk(5, ${usdOverRange(`sum by (namespace) (avg_over_time(${sel('kube_cost_namespace_hourly_usd', REAL_NAMESPACE)}[$__range]))`)})`,
          legend: '{{namespace}}',
          links: [{ title: 'Namespace deep dive', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__field.labels.namespace') }) }],
          width: 9,
          height: 8,
        }),
      );
      d.withPanel(
        pieChart({
          title: 'Node cost: spot vs on-demand',
          description: 'What the selected nodes cost over the range, by capacity type (spot nodes at their spot price).',
          expr: usdOverRange(`sum by (capacity_type) (avg_over_time(${sel('kube_cost_node_hourly_usd', ...NODE_FILTER)}[$__range]))`),
          legend: '{{capacity_type}}',
          width: 7,
          height: 8,
        }),
      );
      d.withPanel(
        stat({
          title: 'Spot savings',
          description: 'What spot capacity saved over the range on the selected nodes: on-demand price − spot price, averaged over the range × hours.',
          expr: usdOverRange(`sum(${onSelectedNodes(`avg_over_time(${sel('kube_cost_node_spot_savings_hourly_usd')}[$__range])`)})`),
          thresholds: GREEN,
          noValue: 'No spot nodes',
          width: 4,
          height: 8,
        }),
      );
      d.withPanel(potentialSavingsStat(4, 8));
    },
  });
}
