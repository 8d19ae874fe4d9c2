// Resource efficiency: how much of the nodes' capacity is allocated, what idles, and which pods are
// over-provisioned (usage far below request: money paid for nothing) or under-provisioned (usage
// above request: throttling and eviction risk, and their cost is set by usage).
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  clusterVariable,
  dashboard,
  datasourceVariable,
  instanceTypeVariable,
  NAMESPACE,
  namespaceVariable,
  nodePoolVariable,
  onSelectedNodes,
  sel,
  stat,
  table,
  thresholds,
  timeSeries,
  UID,
  usdOverRange,
} from './common.ts';

const EFFICIENCY = thresholds([
  [null, 'red'],
  [0.3, 'orange'],
  [0.6, 'green'],
  [1.05, 'purple'],
]);

/** Capacity of the selected nodes in cores (cpu) or GiB (ram): capacity cost ÷ the node's rate. */
function capacity(resource: 'cpu' | 'ram'): string {
  const rate = resource === 'cpu' ? sel('kube_cost_node_cpu_core_hourly_usd') : `(${sel('kube_cost_node_ram_byte_hourly_usd')} * 2^30)`;
  return `(${sel('kube_cost_node_resource_hourly_usd', `resource="${resource}"`)} / on (cluster, node) ${rate})`;
}

/** Per node: what pods are allocated (max of request and usage) in cores or GiB. */
function allocated(resource: 'cpu' | 'ram'): string {
  return `(${sel('kube_cost_node_allocation_ratio', `resource="${resource}"`)} * on (cluster, node) ${capacity(resource)})`;
}

/**
 * Monthly cost of the part of each pod's request it does not use, CPU + RAM: (1 − usage ÷ request)
 * × what the resource costs the pod, for pods using less than they request.
 */
const WASTE_MONTHLY = [
  'sum by (namespace, pod, node) (',
  `  (1 - clamp_max(avg_over_time(${sel('kube_cost_pod_efficiency_ratio', NAMESPACE, 'resource=~"cpu|ram"')}[$__range]), 1))`,
  `  * on (cluster, namespace, pod, node, resource) avg_over_time(${sel('kube_cost_pod_resource_hourly_usd', NAMESPACE, 'resource=~"cpu|ram"')}[$__range])`,
  ') * 730',
].join('\n');

const TOP_WASTE = `topk(20, ${WASTE_MONTHLY})`;

function ratio(resource: 'cpu' | 'ram', over: 'avg' | 'max'): string {
  return `sum by (namespace, pod, node) (${over}_over_time(${sel('kube_cost_pod_efficiency_ratio', NAMESPACE, `resource="${resource}"`)}[$__range]))`;
}

export function resourceEfficiency(): Dashboard {
  return dashboard({
    uid: UID.efficiency,
    title: 'Kubernetes cost / Resource efficiency',
    summary: 'Allocated vs capacity per node, idle cost, and the most over- and under-provisioned pods (measured usage ÷ request).',
    variables: [datasourceVariable(), clusterVariable(), namespaceVariable(), instanceTypeVariable(), nodePoolVariable()],
    build: (d) => {
      d.withRow(new RowBuilder('Capacity'));
      d.withPanel(
        stat({
          title: 'Idle share of compute',
          description: 'Idle ÷ (compute + idle) over the range: the part of the node bill no pod is allocated, cluster-wide.',
          expr: `100 * sum(avg_over_time(${sel('kube_cost_cluster_component_hourly_usd', 'component="idle"')}[$__range])) / sum(avg_over_time(${sel('kube_cost_cluster_component_hourly_usd', 'component=~"compute|idle"')}[$__range]))`,
          unit: 'percent',
          decimals: 1,
          thresholds: thresholds([
            [null, 'green'],
            [30, 'orange'],
            [50, 'red'],
          ]),
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Idle cost over the range',
          description: 'Price of the selected nodes\' unallocated CPU, RAM and GPU over the range.',
          expr: usdOverRange(`sum(${onSelectedNodes(`avg_over_time(${sel('kube_cost_node_idle_hourly_usd')}[$__range])`)})`),
          thresholds: thresholds([[null, 'orange']]),
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        stat({
          title: 'Over-provisioning cost (monthly)',
          description: 'Σ over pods of (1 − usage ÷ request) × the pod\'s CPU and RAM cost, × 730: what requests nobody uses cost per month. Pods without a request or a measurement are not counted.',
          expr: `sum(${WASTE_MONTHLY})`,
          thresholds: thresholds([[null, 'orange']]),
          width: 4,
          height: 5,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'CPU cores: allocated vs capacity',
          description: 'Selected nodes. Allocated = Σ max(request, usage) of their pods; capacity = the nodes\' cores (capacity, not allocatable: system reservations count as idle). Quantities at each step, not averages.',
          targets: [
            { expr: `sum(${onSelectedNodes(allocated('cpu'))})`, legend: 'allocated' },
            { expr: `sum(${onSelectedNodes(capacity('cpu'))})`, legend: 'capacity' },
          ],
          dashed: '^capacity$',
          unit: 'short',
          width: 6,
          height: 5,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'Memory GiB: allocated vs capacity',
          description: 'Selected nodes, as for CPU.',
          targets: [
            { expr: `sum(${onSelectedNodes(allocated('ram'))})`, legend: 'allocated' },
            { expr: `sum(${onSelectedNodes(capacity('ram'))})`, legend: 'capacity' },
          ],
          dashed: '^capacity$',
          unit: 'short',
          width: 6,
          height: 5,
        }),
      );

      d.withRow(new RowBuilder('Nodes'));
      d.withPanel(
        timeSeries({
          title: 'CPU allocation ratio by node',
          description: 'Σ pod allocation ÷ capacity. Above 1, pods use more than the node has and their costs were scaled to the node price.',
          targets: [{ expr: onSelectedNodes(`avg_over_time(${sel('kube_cost_node_allocation_ratio', 'resource="cpu"')}[$__interval])`), legend: '{{node}}' }],
          unit: 'percentunit',
          decimals: 1,
          width: 12,
          height: 9,
        }),
      );
      const nodeLabels = ['node', 'instance_type', 'node_pool', 'capacity_type'] as const;
      const byNode = `sum by (${nodeLabels.join(', ')})`;
      const withNodeLabels = (expr: string): string => `${byNode} (${onSelectedNodes(expr, [], ['instance_type', 'node_pool', 'capacity_type'])})`;
      d.withPanel(
        table({
          title: 'Nodes',
          description: 'Allocation and idle cost per node, most idle first.',
          labels: nodeLabels,
          columns: [
            { name: 'Idle $/month', expr: `${withNodeLabels(sel('kube_cost_node_idle_hourly_usd'))} * 730` },
            { name: 'CPU allocated', expr: withNodeLabels(sel('kube_cost_node_allocation_ratio', 'resource="cpu"')), unit: 'percentunit', decimals: 1, thresholds: EFFICIENCY },
            { name: 'RAM allocated', expr: withNodeLabels(sel('kube_cost_node_allocation_ratio', 'resource="ram"')), unit: 'percentunit', decimals: 1, thresholds: EFFICIENCY },
            { name: 'Price $/hour', expr: withNodeLabels(sel('kube_cost_node_hourly_usd')), decimals: 4 },
          ],
          sortBy: 'Idle $/month',
          width: 12,
          height: 9,
        }),
      );

      d.withRow(new RowBuilder('Pods'));
      d.withPanel(
        table({
          title: 'Over-provisioned pods (top 20 by unused request cost)',
          description: 'Pods whose measured usage stays far below their requests, ranked by what the unused part costs per month. Lower the requests (or let a VPA do it).',
          labels: ['namespace', 'pod', 'node'],
          columns: [
            { name: 'Unused request $/month', expr: TOP_WASTE },
            { name: 'CPU usage ÷ request', expr: `${ratio('cpu', 'avg')} and on (namespace, pod, node) ${TOP_WASTE}`, unit: 'percentunit', decimals: 0, thresholds: EFFICIENCY },
            { name: 'RAM usage ÷ request', expr: `${ratio('ram', 'avg')} and on (namespace, pod, node) ${TOP_WASTE}`, unit: 'percentunit', decimals: 0, thresholds: EFFICIENCY },
          ],
          sortBy: 'Unused request $/month',
          width: 24,
          height: 10,
        }),
      );
      d.withPanel(
        table({
          title: 'Under-provisioned pods (top 20 by peak CPU usage ÷ request)',
          description: 'Pods using more than they request (above 100 %): they risk CPU throttling and eviction, and they are charged for their usage. Raise their requests.',
          labels: ['namespace', 'pod', 'node'],
          columns: [
            { name: 'Peak CPU usage ÷ request', expr: `topk(20, ${ratio('cpu', 'max')})`, unit: 'percentunit', decimals: 0, thresholds: EFFICIENCY },
            { name: 'Peak RAM usage ÷ request', expr: `${ratio('ram', 'max')} and on (namespace, pod, node) topk(20, ${ratio('cpu', 'max')})`, unit: 'percentunit', decimals: 0, thresholds: EFFICIENCY },
            { name: 'Hourly cost', expr: `sum by (namespace, pod, node) (${sel('kube_cost_pod_hourly_usd', NAMESPACE)}) and on (namespace, pod, node) topk(20, ${ratio('cpu', 'max')})`, decimals: 4 },
          ],
          sortBy: 'Peak CPU usage ÷ request',
          width: 24,
          height: 10,
        }),
      );
      d.withPanel(
        timeSeries({
          title: 'CPU efficiency by namespace (cost-weighted usage ÷ request)',
          description: 'Σ (usage ÷ request × CPU cost) ÷ Σ CPU cost over the pods with a request and a measurement: 100 % means every requested core is used.',
          targets: [
            {
              expr: `sum by (namespace) (avg_over_time(${sel('kube_cost_pod_efficiency_ratio', NAMESPACE, 'resource="cpu"')}[$__interval]) * on (cluster, namespace, pod, node, resource) avg_over_time(${sel('kube_cost_pod_resource_hourly_usd', NAMESPACE, 'resource="cpu"')}[$__interval])) / sum by (namespace) (avg_over_time(${sel('kube_cost_pod_resource_hourly_usd', NAMESPACE, 'resource="cpu"')}[$__interval]) and on (cluster, namespace, pod, node, resource) ${sel('kube_cost_pod_efficiency_ratio', NAMESPACE, 'resource="cpu"')})`,
              legend: '{{namespace}}',
            },
          ],
          unit: 'percentunit',
          decimals: 1,
          width: 24,
          height: 9,
        }),
      );
    },
  });
}
