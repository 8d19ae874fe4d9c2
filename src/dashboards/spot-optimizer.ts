// Spot instance optimizer: how much of the node bill runs on spot, what spot saves, the discount
// the cluster gets, and which on-demand nodes would save most if they ran on spot.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  barGauge,
  clusterVariable,
  dashboard,
  dashboardUrl,
  datasourceVariable,
  grafanaVariable,
  GREEN,
  instanceTypeVariable,
  NODE_FILTER,
  nodePoolVariable,
  OBSERVED_SPOT_DISCOUNT,
  onSelectedNodes,
  potentialSavingsStat,
  REAL_NAMESPACE,
  sel,
  stat,
  table,
  timeSeries,
  UID,
  usdOverRange,
} from './common.ts';

const NODE_HOURLY = sel('kube_cost_node_hourly_usd', ...NODE_FILTER);

export function spotOptimizer(): Dashboard {
  return dashboard({
    uid: UID.spot,
    title: 'Kubernetes cost / Spot instance optimizer',
    summary: 'Spot vs on-demand: share of the node bill on spot, what spot saves, the discount this cluster gets, and where more spot would save most.',
    variables: [datasourceVariable(), clusterVariable(), instanceTypeVariable(), nodePoolVariable()],
    build: (d) => {
      d.withRow(new RowBuilder('Spot today'));
      d.withPanel(
        stat({
          title: 'Spot share of node cost',
          description: 'What the selected spot nodes cost ÷ what all selected nodes cost, per hour now.',
          expr: `100 * sum(${sel('kube_cost_node_hourly_usd', ...NODE_FILTER, 'capacity_type="spot"')}) / sum(${NODE_HOURLY})`,
          unit: 'percent',
          decimals: 1,
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Spot nodes',
          description: 'Selected nodes running on spot capacity now.',
          expr: `count(${sel('kube_cost_node_hourly_usd', ...NODE_FILTER, 'capacity_type="spot"')})`,
          unit: 'short',
          decimals: 0,
          noValue: '0',
          width: 3,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Spot discount',
          description: 'Σ (on-demand − spot price) ÷ Σ on-demand price over the selected spot nodes: the discount spot gets here today.',
          expr: `100 * ${OBSERVED_SPOT_DISCOUNT}`,
          unit: 'percent',
          decimals: 1,
          thresholds: GREEN,
          noValue: 'No spot nodes',
          width: 3,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Savings over the range',
          description: 'On-demand − spot price of the selected spot nodes, averaged over the range × hours.',
          expr: usdOverRange(`sum(${onSelectedNodes(`avg_over_time(${sel('kube_cost_node_spot_savings_hourly_usd')}[$__range])`)})`),
          thresholds: GREEN,
          noValue: 'No spot nodes',
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Savings as % of cluster cost',
          description: 'Hourly spot savings ÷ hourly cluster cost (the design document\'s "spot instance savings %", computed from gauges: a counter of savings divided by an hourly cost mixes units).',
          expr: `100 * sum(${sel('kube_cost_cluster_spot_savings_hourly_usd')}) / sum(${sel('kube_cost_cluster_hourly_usd')})`,
          unit: 'percent',
          decimals: 1,
          thresholds: GREEN,
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(potentialSavingsStat(6, 5));

      d.withRow(new RowBuilder('Over time'));
      d.withPanel(
        timeSeries({
          title: 'Node cost by capacity type',
          description: 'Hourly cost of the selected nodes, averaged over each step, stacked by capacity type.',
          targets: [{ expr: `sum by (capacity_type) (avg_over_time(${NODE_HOURLY}[$__interval]))`, legend: '{{capacity_type}}' }],
          stacked: true,
          width: 12,
          height: 9,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Spot savings by node pool',
          description: 'Hourly saving of the selected spot nodes, averaged over each step, by node pool.',
          targets: [
            {
              expr: `sum by (node_pool) (${onSelectedNodes(`avg_over_time(${sel('kube_cost_node_spot_savings_hourly_usd')}[$__interval])`, [], ['node_pool'])})`,
              legend: '{{node_pool}}',
            },
          ],
          stacked: true,
          decimals: 4,
          width: 12,
          height: 9,
        }),
      );

      d.withRow(new RowBuilder('Nodes'));
      const nodeLabels = ['node', 'instance_type', 'node_pool', 'capacity_type'] as const;
      const withNodeLabels = (expr: string): string => `sum by (${nodeLabels.join(', ')}) (${onSelectedNodes(expr, [], ['instance_type', 'node_pool', 'capacity_type'])})`;
      d.withPanel(
        table({
          title: 'Nodes',
          description: 'Price paid and on-demand price per node; spot nodes show their saving.',
          labels: nodeLabels,
          columns: [
            { name: 'Price $/hour', expr: withNodeLabels(sel('kube_cost_node_hourly_usd')), decimals: 4 },
            { name: 'On-demand $/hour', expr: withNodeLabels(sel('kube_cost_node_on_demand_hourly_usd')), decimals: 4 },
            { name: 'Saving $/month', expr: `${withNodeLabels(sel('kube_cost_node_spot_savings_hourly_usd'))} * 730` },
          ],
          sortBy: 'On-demand $/hour',
          width: 14,
          height: 10,
        }),
      );
      d.withPanel(
        table({
          title: 'On-demand nodes: estimated saving on spot',
          description: 'What each selected on-demand node would save per month on spot at the discount the cluster\'s spot nodes get today (an estimate: spot prices differ by instance type and zone).',
          labels: nodeLabels,
          columns: [
            {
              name: 'Estimated saving $/month',
              expr: `sum by (${nodeLabels.join(', ')}) (${onSelectedNodes(sel('kube_cost_node_on_demand_hourly_usd'), ['capacity_type="on-demand"'], ['instance_type', 'node_pool', 'capacity_type'])}) * scalar(${OBSERVED_SPOT_DISCOUNT}) * 730`,
            },
          ],
          sortBy: 'Estimated saving $/month',
          width: 10,
          height: 10,
        }),
      );
      d.withPanel(
        barGauge({
          title: 'Spot savings by namespace',
          description: 'What spot capacity saved each namespace over the range (its pods\' share of their spot nodes\' savings). Not filtered by node.',
          expr: `sort_desc(${usdOverRange(`sum by (namespace) (avg_over_time(${sel('kube_cost_namespace_spot_savings_hourly_usd', REAL_NAMESPACE)}[$__range]))`)})`,
          legend: '{{namespace}}',
          links: [{ title: 'Namespace deep dive', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__field.labels.namespace') }) }],
          thresholds: GREEN,
          width: 24,
          height: 8,
        }),
      );
    },
  });
}
