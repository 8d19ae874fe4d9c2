// Namespace deep dive: what the selected namespaces cost, against their budgets, by resource and
// over time, with a table of namespaces (click one to narrow the dashboard to it) and a table of
// its pods (click one to see its efficiency); then network egress by destination (in-zone,
// cross-zone, internet, unclassified) per namespace and pod, where node agents measure it.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BUDGET_USED,
  clusterVariable,
  dashboard,
  dashboardUrl,
  datasourceVariable,
  grafanaVariable,
  GREEN,
  NAMESPACE,
  namespaceVariable,
  NS_BUDGET,
  NS_HOURLY,
  sel,
  stat,
  table,
  timeSeries,
  UID,
  usdOverRange,
} from './common.ts';

const POD_HOURLY = sel('kube_cost_pod_hourly_usd', NAMESPACE);
const EGRESS_RATE = (...m: string[]): string => sel('kube_cost_pod_network_egress_bytes_per_second', NAMESPACE, ...m);
const EGRESS_USD = (...m: string[]): string => sel('kube_cost_pod_network_egress_hourly_usd', NAMESPACE, ...m);
const NS_NETWORK = sel('kube_cost_namespace_resource_hourly_usd', NAMESPACE, 'resource="network"');
const DESTINATIONS = ['in-zone', 'cross-zone', 'internet', 'unclassified'] as const;

export function namespaceDeepDive(): Dashboard {
  return dashboard({
    uid: UID.namespace,
    title: 'Kubernetes cost / Namespace deep dive',
    summary: 'Per-namespace cost, budget, resources and pods. Pick namespaces with the variable, or click one in the table.',
    variables: [datasourceVariable(), clusterVariable(), namespaceVariable()],
    build: (d) => {
      d.withRow(new RowBuilder('Selected namespaces'));
      d.withPanel(
        stat({
          title: 'Cost over the range',
          description: 'What the selected namespaces cost over the selected range (pods, their volumes and load balancers): average hourly cost × hours.',
          expr: usdOverRange(`sum(avg_over_time(${NS_HOURLY}[$__range]))`),
          width: 5,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Monthly run rate',
          description: 'Current hourly cost × 730.',
          expr: `sum(${NS_HOURLY}) * 730`,
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Monthly budget',
          description: 'Σ kube_cost_namespace_budget_usd: the budget label or annotation on the namespaces (e.g. budget: "5000").',
          expr: `sum(${NS_BUDGET})`,
          noValue: 'No budget label',
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Budget used (run rate)',
          description: 'Monthly run rate of the namespaces that declare a budget ÷ their budgets.',
          expr: `100 * sum(${NS_HOURLY} * 730 and on (cluster, namespace) ${NS_BUDGET}) / sum(${NS_BUDGET})`,
          unit: 'percent',
          decimals: 1,
          thresholds: BUDGET_USED,
          noValue: 'No budget label',
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Pods',
          description: 'Costed pods (running or pending on a node).',
          expr: `sum(${sel('kube_cost_namespace_pods', NAMESPACE)})`,
          unit: 'short',
          decimals: 0,
          width: 3,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Spot savings',
          description: 'What running on spot capacity saved these namespaces over the range.',
          expr: usdOverRange(`sum(avg_over_time(${sel('kube_cost_namespace_spot_savings_hourly_usd', NAMESPACE)}[$__range]))`),
          thresholds: GREEN,
          noValue: 'No spot pods',
          width: 4,
          height: 5,
        }),
      );

      d.withRow(new RowBuilder('Over time'));
      d.withPanel(
        timeSeries({
          title: 'Hourly cost by namespace, with budgets',
          description: 'Hourly cost averaged over each step. Dashed: the monthly budget ÷ 730, the hourly cost that spends the budget exactly.',
          targets: [
            { expr: `sum by (namespace) (avg_over_time(${NS_HOURLY}[$__interval]))`, legend: '{{namespace}}' },
            { expr: `sum by (namespace) (${NS_BUDGET}) / 730`, legend: '{{namespace}} budget' },
          ],
          dashed: '.* budget$',
          decimals: 4,
          width: 12,
          height: 9,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Hourly cost by resource',
          description: 'CPU, RAM and GPU allocation (max of request and usage) at the node rates, plus volumes and load balancers, stacked.',
          targets: [{ expr: `sum by (resource) (avg_over_time(${sel('kube_cost_namespace_resource_hourly_usd', NAMESPACE)}[$__interval]))`, legend: '{{resource}}' }],
          stacked: true,
          decimals: 4,
          width: 12,
          height: 9,
        }),
      );

      d.withRow(new RowBuilder('Namespaces'));
      d.withPanel(
        table({
          title: 'Namespaces',
          description: 'Click a namespace to narrow this dashboard to it.',
          labels: ['namespace'],
          columns: [
            { name: 'Cost over the range', expr: usdOverRange(`sum by (namespace) (avg_over_time(${NS_HOURLY}[$__range]))`) },
            { name: 'Monthly run rate', expr: `sum by (namespace) (${NS_HOURLY}) * 730` },
            { name: 'Monthly budget', expr: `sum by (namespace) (${NS_BUDGET})` },
            { name: 'Budget used %', expr: `100 * sum by (namespace) (${NS_HOURLY}) * 730 / sum by (namespace) (${NS_BUDGET})`, unit: 'percent', decimals: 1, thresholds: BUDGET_USED },
            { name: 'Pods', expr: `sum by (namespace) (${sel('kube_cost_namespace_pods', NAMESPACE)})`, unit: 'short', decimals: 0 },
          ],
          labelLinks: { namespace: [{ title: 'Only this namespace', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__value.raw') }) }] },
          sortBy: 'Cost over the range',
          width: 24,
          height: 9,
        }),
      );

      d.withRow(new RowBuilder('Network egress (node agents)'));
      d.withPanel(
        stat({
          title: 'Egress cost over the range',
          description: 'What the selected namespaces\' measured egress cost over the range: bytes sent × the price of their destination (in-zone, cross-zone, internet). Only pods whose node runs the agent; unclassified bytes and destinations without a published price are not in it (see "Unclassified egress").',
          expr: usdOverRange(`sum(avg_over_time(${NS_NETWORK}[$__range]))`),
          noValue: 'No node agent',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Egress run rate (monthly)',
          description: 'Current hourly egress cost of the selected namespaces × 730.',
          expr: `sum(${EGRESS_USD()}) * 730`,
          noValue: 'No node agent',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Internet egress now',
          description: 'Bytes per second the selected namespaces send to public addresses, over the agents\' last interval.',
          expr: `sum(${EGRESS_RATE('destination="internet"')})`,
          unit: 'binBps',
          decimals: 1,
          noValue: 'No node agent',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Unclassified egress now',
          description: 'Bytes per second the connection table could not place (connections opened and closed between two reads, service IPs not translated, private ranges no node claims). Not priced, never counted as free: check docs/agent.md if it is a large share.',
          expr: `sum(${EGRESS_RATE('destination="unclassified"')})`,
          unit: 'binBps',
          decimals: 1,
          noValue: 'No node agent',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Egress by destination',
          description: 'Bytes per second sent by the selected namespaces, by destination, averaged over each step, stacked.',
          targets: [{ expr: `sum by (destination) (avg_over_time(${EGRESS_RATE()}[$__interval]))`, legend: '{{destination}}' }],
          unit: 'binBps',
          decimals: 1,
          stacked: true,
          width: 12,
          height: 9,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Egress cost by destination',
          description: 'Hourly cost of that egress by destination, averaged over each step, stacked. Unclassified bytes have no price and no line here.',
          targets: [{ expr: `sum by (destination) (avg_over_time(${EGRESS_USD()}[$__interval]))`, legend: '{{destination}}' }],
          stacked: true,
          decimals: 4,
          width: 12,
          height: 9,
        }),
      );
      d.withPanel(
        table({
          title: 'Egress by namespace',
          description: 'Per namespace: bytes per second to each destination now, and the hourly egress cost. Click a namespace to narrow this dashboard to it.',
          labels: ['namespace'],
          columns: [
            ...DESTINATIONS.map((dest) => ({ name: `${dest} B/s`, expr: `sum by (namespace) (${EGRESS_RATE(`destination="${dest}"`)})`, unit: 'binBps' as const, decimals: 1 })),
            { name: 'Egress cost per hour', expr: `sum by (namespace) (${EGRESS_USD()})`, decimals: 4 },
          ],
          labelLinks: { namespace: [{ title: 'Only this namespace', url: dashboardUrl(UID.namespace, { namespace: grafanaVariable('__value.raw') }) }] },
          sortBy: 'Egress cost per hour',
          width: 24,
          height: 8,
        }),
      );
      d.withPanel(
        table({
          title: 'Egress by pod',
          description: 'Per pod: bytes per second to each destination now, and the hourly egress cost (in-zone, cross-zone and internet at their prices).',
          labels: ['namespace', 'pod'],
          columns: [
            ...DESTINATIONS.map((dest) => ({ name: `${dest} B/s`, expr: `sum by (namespace, pod) (${EGRESS_RATE(`destination="${dest}"`)})`, unit: 'binBps' as const, decimals: 1 })),
            { name: 'Egress cost per hour', expr: `sum by (namespace, pod) (${EGRESS_USD()})`, decimals: 4 },
          ],
          sortBy: 'Egress cost per hour',
          width: 24,
          height: 10,
        }),
      );

      d.withRow(new RowBuilder('Pods'));
      d.withPanel(
        timeSeries({
          title: 'Top 10 pods by hourly cost',
          description: 'The ten most expensive pods at each step (hourly cost averaged over the step).',
          targets: [{ expr: `topk(10, sum by (namespace, pod) (avg_over_time(${POD_HOURLY}[$__interval])))`, legend: '{{namespace}}/{{pod}}' }],
          decimals: 4,
          width: 24,
          height: 9,
        }),
      );
      d.withPanel(
        table({
          title: 'Pods',
          description: 'Every pod of the selected namespaces, with its node. __idle__ is the unallocated part of each node, __unmounted__ volumes no running pod mounts, __unallocated__ load balancers that select no pod. Click a pod for its efficiency.',
          labels: ['namespace', 'pod', 'node'],
          columns: [
            { name: 'Cost over the range', expr: usdOverRange(`sum by (namespace, pod, node) (avg_over_time(${POD_HOURLY}[$__range]))`) },
            { name: 'Hourly cost', expr: `sum by (namespace, pod, node) (${POD_HOURLY})`, decimals: 4 },
            { name: 'Monthly run rate', expr: `sum by (namespace, pod, node) (${POD_HOURLY}) * 730` },
          ],
          labelLinks: { pod: [{ title: 'Efficiency of this namespace', url: dashboardUrl(UID.efficiency, { namespace: grafanaVariable('__data.fields.namespace') }) }] },
          sortBy: 'Cost over the range',
          width: 24,
          height: 12,
        }),
      );
    },
  });
}
