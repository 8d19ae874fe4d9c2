// The kube_cost_* families rendered from one cost report. docs/metrics.md documents each one;
// cost-metrics.test.ts checks that every family written here is documented there.
import type { CostReport } from '../core/allocate.ts';
import { HOURS_PER_MONTH } from '../core/pricing.ts';
import { BYTES_PER_GIB } from '../core/quantity.ts';
import type { ExpositionFormat } from './exposition.ts';
import type { ExpositionSink } from './exposition.ts';
import { ExpositionWriter, labelText } from './exposition.ts';

/** Accumulated totals per namespace, carried from cycle to cycle by the exporter. */
export interface NamespaceCounters {
  readonly costUsd: ReadonlyMap<string, number>;
  readonly spotSavingsUsd: ReadonlyMap<string, number>;
}

const RESOURCES = ['cpu', 'ram', 'gpu'] as const;

function nsPod(namespace: string, pod: string, node: string): string {
  return labelText({ namespace, pod, node });
}

export function renderCostMetrics(report: CostReport, counters: NamespaceCounters, format: ExpositionFormat, baseLabels = ''): string {
  const w = new ExpositionWriter(format, baseLabels);
  for (const _ of writeCostMetrics(w, report, counters));
  return w.toString();
}

/**
 * The same text as renderCostMetrics, handed to `sink` in chunks of about 16 Ki characters as it is
 * rendered (the exporter writes them into gzip streams: the whole text is never held at once).
 * With `sink.byFormat`, the lines that differ between the formats come in both forms, so one pass
 * serves Prometheus and OpenMetrics; `format` then only matters for a sink without it.
 */
export function streamCostMetrics(report: CostReport, counters: NamespaceCounters, format: ExpositionFormat, baseLabels: string, sink: ExpositionSink): void {
  for (const _ of costMetricsSteps(report, counters, format, baseLabels, sink));
}

/**
 * streamCostMetrics in steps: each `next()` renders about 4,096 series or a few families, so a
 * caller can let the event loop serve scrapes between steps (600,000 series take about a second).
 */
export function* costMetricsSteps(report: CostReport, counters: NamespaceCounters, format: ExpositionFormat, baseLabels: string, sink: ExpositionSink): Generator<void, void, void> {
  const w = new ExpositionWriter(format, baseLabels, sink);
  yield* writeCostMetrics(w, report, counters);
  w.flush();
}

/** Rows of a family rendered between two steps of costMetricsSteps. */
const ROWS_PER_STEP = 4096;

function* writeCostMetrics(w: ExpositionWriter, report: CostReport, counters: NamespaceCounters): Generator<void, void, void> {

  // Pods (with the __idle__, __unmounted__ and __unallocated__ pseudo-pods, so that the sum over
  // pods is everything the cluster costs but the management fee).
  w.family('kube_cost_pod_hourly_usd', 'gauge', 'Hourly cost of a pod in USD: CPU, RAM and GPU allocation plus its share of volumes and load balancers. Includes __idle__ per node, __unmounted__ volumes and __unallocated__ load balancers.');
  const podLabels: string[] = new Array(report.pods.length);
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const p = report.pods[i]!;
    const l = nsPod(p.namespace, p.name, p.node);
    podLabels[i] = l;
    w.sample(l, p.totalHourlyUsd);
  }
  const pseudoLabels = report.pseudo.map((p) => nsPod(p.namespace, p.name, p.node));
  for (let i = 0; i < report.pseudo.length; i++) w.sample(pseudoLabels[i]!, report.pseudo[i]!.totalHourlyUsd);

  yield;
  w.family('kube_cost_pod_resource_hourly_usd', 'gauge', 'Hourly cost of a pod in USD by resource (cpu, ram, gpu, pv, load_balancer, network: egress measured by the node agent × the price of its destination); zero-cost resources are omitted.');
  const byResource = (l: string, cpu: number, ram: number, gpu: number, pv: number, lb: number, net = 0): void => {
    if (cpu > 0) w.sample(`${l},resource="cpu"`, cpu);
    if (ram > 0) w.sample(`${l},resource="ram"`, ram);
    if (gpu > 0) w.sample(`${l},resource="gpu"`, gpu);
    if (pv > 0) w.sample(`${l},resource="pv"`, pv);
    if (lb > 0) w.sample(`${l},resource="load_balancer"`, lb);
    if (net > 0) w.sample(`${l},resource="network"`, net);
  };
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const p = report.pods[i]!;
    byResource(podLabels[i]!, p.cpuHourlyUsd, p.ramHourlyUsd, p.gpuHourlyUsd, p.pvHourlyUsd, p.loadBalancerHourlyUsd, p.networkHourlyUsd);
  }
  for (let i = 0; i < report.pseudo.length; i++) {
    const p = report.pseudo[i]!;
    byResource(pseudoLabels[i]!, p.cpuHourlyUsd, p.ramHourlyUsd, p.gpuHourlyUsd, p.pvHourlyUsd, p.loadBalancerHourlyUsd);
  }

  yield;
  w.family('kube_cost_pod_network_unpriced_bytes', 'gauge', 'Egress bytes of a pod in its node agent\'s last interval that have no price: unclassified destinations, or a provider without a published figure (never priced at zero). Only pods whose egress a node agent measured.');
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const unpriced = report.pods[i]!.networkUnpricedBytes;
    if (unpriced !== undefined) w.sample(podLabels[i]!, unpriced);
  }

  w.family('kube_cost_pod_network_egress_bytes_per_second', 'gauge', 'Bytes a pod sent per second over its node agent\'s last interval, by destination: in-zone, cross-zone, internet, unclassified (what the connection table could not place). Only pods whose egress a node agent measured.');
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    for (const d of report.pods[i]!.networkEgress ?? []) w.sample(`${podLabels[i]!},destination="${d.destination}"`, d.bytesPerSecond);
  }
  w.family('kube_cost_pod_network_egress_hourly_usd', 'gauge', 'Hourly cost of a pod\'s egress in USD by destination (in-zone, cross-zone, internet): its rate × the price of that destination. Destinations without a price (unclassified; a provider without a published figure) have no sample here, never a zero.');
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    for (const d of report.pods[i]!.networkEgress ?? []) if (d.hourlyUsd !== undefined) w.sample(`${podLabels[i]!},destination="${d.destination}"`, d.hourlyUsd);
  }

  w.family('kube_cost_pod_efficiency_ratio', 'gauge', 'Measured usage divided by request for a pod, by resource (cpu, ram). Only pods with both a request and a measurement.');
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const p = report.pods[i]!;
    if (!p.usage) continue;
    if (p.request.cpuCores > 0) w.sample(`${podLabels[i]!},resource="cpu"`, p.usage.cpuCores / p.request.cpuCores);
    if (p.request.ramBytes > 0) w.sample(`${podLabels[i]!},resource="ram"`, p.usage.ramBytes / p.request.ramBytes);
  }

  yield;
  w.family('kube_cost_pod_spot_savings_hourly_usd', 'gauge', 'Hourly saving in USD of running a pod on spot capacity instead of on-demand (on-demand − spot price, by its share of the node). Only pods on spot nodes.');
  for (let i = 0; i < report.pods.length; i++) {
    if (i % ROWS_PER_STEP === ROWS_PER_STEP - 1) yield;
    const p = report.pods[i]!;
    if (p.spotSavingsHourlyUsd > 0) w.sample(podLabels[i]!, p.spotSavingsHourlyUsd);
  }

  // Namespaces.
  yield;
  w.family('kube_cost_namespace_hourly_usd', 'gauge', 'Hourly cost of a namespace in USD (sum of its pods, volumes and load balancers).');
  for (const n of report.namespaces) w.sample(labelText({ namespace: n.namespace }), n.totalHourlyUsd);
  w.family('kube_cost_namespace_daily_usd', 'gauge', 'Daily run rate of a namespace in USD: its current hourly cost × 24.');
  for (const n of report.namespaces) w.sample(labelText({ namespace: n.namespace }), n.totalHourlyUsd * 24);
  w.family('kube_cost_namespace_resource_hourly_usd', 'gauge', 'Hourly cost of a namespace in USD by resource (cpu, ram, gpu, pv, load_balancer; network where node agents measure egress).');
  for (const n of report.namespaces) {
    const l = labelText({ namespace: n.namespace });
    w.sample(`${l},resource="cpu"`, n.cpuHourlyUsd);
    w.sample(`${l},resource="ram"`, n.ramHourlyUsd);
    w.sample(`${l},resource="gpu"`, n.gpuHourlyUsd);
    w.sample(`${l},resource="pv"`, n.pvHourlyUsd);
    w.sample(`${l},resource="load_balancer"`, n.loadBalancerHourlyUsd);
    if (n.networkHourlyUsd !== undefined) w.sample(`${l},resource="network"`, n.networkHourlyUsd);
  }
  w.family('kube_cost_namespace_pods', 'gauge', 'Number of pods costed in a namespace.');
  for (const n of report.namespaces) w.sample(labelText({ namespace: n.namespace }), n.podCount);
  w.family('kube_cost_namespace_spot_savings_hourly_usd', 'gauge', 'Hourly saving in USD from spot capacity used by a namespace.');
  for (const n of report.namespaces) w.sample(labelText({ namespace: n.namespace }), n.spotSavingsHourlyUsd);
  w.family('kube_cost_namespace_cost_usd_total', 'counter', 'Cost in USD accumulated by a namespace since the exporter started (hourly cost × time between cycles).');
  for (const [namespace, value] of counters.costUsd) w.sample(labelText({ namespace }), value);
  w.family('kube_cost_spot_savings_usd_total', 'counter', 'Savings in USD accumulated by a namespace from spot capacity since the exporter started (the design document names it kube_cost_spot_savings_usd).');
  for (const [namespace, value] of counters.spotSavingsUsd) w.sample(labelText({ namespace }), value);

  w.family('kube_cost_namespace_budget_usd', 'gauge', 'Monthly budget of a namespace in USD, from its label or annotation "budget" or the budgets file (--budgets, which wins); cost_center from "cost-center".');
  for (const b of report.budgets) w.sample(labelText({ namespace: b.namespace, cost_center: b.costCenter }), b.monthlyUsd);

  // Nodes.
  const nodeLabels = report.nodes.map((n) => labelText({ node: n.name }));
  yield;
  w.family('kube_cost_node_hourly_usd', 'gauge', 'Hourly price of a node in USD at its capacity type (spot price for spot nodes).');
  for (const n of report.nodes) w.sample(labelText({ node: n.name, instance_type: n.instanceType, node_pool: n.pool, capacity_type: n.capacityType }), n.hourlyUsd);
  w.family('kube_cost_node_on_demand_hourly_usd', 'gauge', 'Hourly on-demand price of a node in USD (equal to kube_cost_node_hourly_usd for on-demand nodes).');
  for (let i = 0; i < report.nodes.length; i++) w.sample(nodeLabels[i]!, report.nodes[i]!.onDemandHourlyUsd);
  w.family('kube_cost_node_cpu_core_hourly_usd', 'gauge', 'Price of one CPU core for one hour on a node, in USD.');
  for (let i = 0; i < report.nodes.length; i++) w.sample(nodeLabels[i]!, report.nodes[i]!.rates.cpuCoreHourUsd);
  w.family('kube_cost_node_ram_byte_hourly_usd', 'gauge', 'Price of one byte of RAM for one hour on a node, in USD (multiply by 2^30 for a GiB-hour).');
  for (let i = 0; i < report.nodes.length; i++) w.sample(nodeLabels[i]!, report.nodes[i]!.rates.ramGiBHourUsd / BYTES_PER_GIB);
  w.family('kube_cost_node_gpu_hourly_usd', 'gauge', 'Price of one GPU for one hour on a node, in USD. Only nodes with GPUs.');
  for (let i = 0; i < report.nodes.length; i++) if (report.nodes[i]!.capacity.gpus > 0) w.sample(nodeLabels[i]!, report.nodes[i]!.rates.gpuHourUsd);
  yield;
  w.family('kube_cost_node_resource_hourly_usd', 'gauge', 'Hourly cost in USD of a node by resource (its capacity × rate).');
  for (let i = 0; i < report.nodes.length; i++) {
    const n = report.nodes[i]!;
    w.sample(`${nodeLabels[i]!},resource="cpu"`, n.resourceCosts.cpuHourlyUsd);
    w.sample(`${nodeLabels[i]!},resource="ram"`, n.resourceCosts.ramHourlyUsd);
    if (n.capacity.gpus > 0) w.sample(`${nodeLabels[i]!},resource="gpu"`, n.resourceCosts.gpuHourlyUsd);
  }
  w.family('kube_cost_node_idle_hourly_usd', 'gauge', 'Hourly cost in USD of the part of a node no pod is allocated, by resource (node cost − allocated cost).');
  for (let i = 0; i < report.nodes.length; i++) {
    const n = report.nodes[i]!;
    for (const r of RESOURCES) {
      if (r === 'gpu' && n.capacity.gpus === 0) continue;
      const v = r === 'cpu' ? n.idle.cpuHourlyUsd : r === 'ram' ? n.idle.ramHourlyUsd : n.idle.gpuHourlyUsd;
      w.sample(`${nodeLabels[i]!},resource="${r}"`, v);
    }
  }
  yield;
  w.family('kube_cost_node_allocation_ratio', 'gauge', 'Allocated divided by capacity on a node, by resource. Above 1 means pods use more than the node has; their costs are scaled to the node price.');
  for (let i = 0; i < report.nodes.length; i++) {
    const n = report.nodes[i]!;
    if (n.capacity.cpuCores > 0) w.sample(`${nodeLabels[i]!},resource="cpu"`, n.allocated.cpuCores / n.capacity.cpuCores);
    if (n.capacity.ramBytes > 0) w.sample(`${nodeLabels[i]!},resource="ram"`, n.allocated.ramBytes / n.capacity.ramBytes);
    if (n.capacity.gpus > 0) w.sample(`${nodeLabels[i]!},resource="gpu"`, n.allocated.gpus / n.capacity.gpus);
  }
  w.family('kube_cost_node_usage_ratio', 'gauge', 'Measured usage of the whole node (metrics API NodeMetrics: pods, system daemons and kernel) divided by capacity, by resource. Only nodes with node metrics.');
  for (let i = 0; i < report.nodes.length; i++) {
    const n = report.nodes[i]!;
    if (n.usage === undefined) continue;
    if (n.capacity.cpuCores > 0) w.sample(`${nodeLabels[i]!},resource="cpu"`, n.usage.cpuMillicores / 1000 / n.capacity.cpuCores);
    if (n.capacity.ramBytes > 0) w.sample(`${nodeLabels[i]!},resource="ram"`, n.usage.ramBytes / n.capacity.ramBytes);
  }
  w.family('kube_cost_node_spot_savings_hourly_usd', 'gauge', 'Hourly saving in USD of a spot node against its on-demand price. Only spot nodes.');
  for (let i = 0; i < report.nodes.length; i++) if (report.nodes[i]!.capacityType === 'spot') w.sample(nodeLabels[i]!, report.nodes[i]!.spotSavingsHourlyUsd);
  w.family('kube_cost_node_info', 'gauge', 'Facts about a node, always 1: provider, region, zone, instance type, pool, capacity type and price source.');
  for (const n of report.nodes) {
    w.sample(
      labelText({ node: n.name, provider: n.provider, region: n.region, zone: n.zone, instance_type: n.instanceType, node_pool: n.pool, capacity_type: n.capacityType, price_source: n.priceSource }),
      1,
    );
  }
  w.family('kube_cost_node_price_source', 'gauge', 'Where a node price came from, always 1: live, cache, catalog, custom, billing, or default (no price known for this node; per-resource fallback rates used).');
  for (const n of report.nodes) w.sample(labelText({ node: n.name, source: n.priceSource }), 1);

  // Volumes and load balancers.
  yield;
  w.family('kube_cost_pv_monthly_usd', 'gauge', 'Monthly cost in USD of a persistent volume: capacity in GiB × storage class price per GiB-month.');
  for (const v of report.volumes) w.sample(labelText({ pv_name: v.name, storage_class: v.storageClass, namespace: v.claimNamespace || '__unmounted__' }), v.monthlyUsd);
  w.family('kube_cost_pv_hourly_usd', 'gauge', 'Hourly cost in USD of a persistent volume (monthly cost / 730).');
  for (const v of report.volumes) w.sample(labelText({ pv_name: v.name, storage_class: v.storageClass, namespace: v.claimNamespace || '__unmounted__' }), v.hourlyUsd);
  w.family('kube_cost_load_balancer_hourly_usd', 'gauge', 'Hourly cost in USD of a Service of type LoadBalancer.');
  for (const l of report.loadBalancers) w.sample(labelText({ namespace: l.namespace, service: l.name }), l.hourlyUsd);

  // Cluster.
  const c = report.cluster;
  w.family('kube_cost_cluster_hourly_usd', 'gauge', 'Hourly cost of the whole cluster in USD: nodes + volumes + load balancers + management fee.');
  w.sample('', c.totalHourlyUsd);
  w.family('kube_cost_cluster_monthly_usd', 'gauge', 'Monthly run rate of the whole cluster in USD: hourly cost × 730.');
  w.sample('', c.totalHourlyUsd * HOURS_PER_MONTH);
  w.family('kube_cost_cluster_component_hourly_usd', 'gauge', 'Hourly cost of the cluster in USD by component: compute (allocated to pods), idle (node capacity no pod is allocated), storage, load_balancer, management, and network (egress node agents measured, when they do). The components add up to kube_cost_cluster_hourly_usd.');
  w.sample('component="compute"', c.podsComputeHourlyUsd);
  w.sample('component="idle"', c.idleHourlyUsd);
  w.sample('component="storage"', c.volumesHourlyUsd);
  w.sample('component="load_balancer"', c.loadBalancersHourlyUsd);
  w.sample('component="management"', c.managementHourlyUsd);
  if (c.networkHourlyUsd !== undefined) w.sample('component="network"', c.networkHourlyUsd);
  w.family('kube_cost_cluster_management_hourly_usd', 'gauge', 'Hourly cluster management (control plane) fee in USD.');
  w.sample(labelText({ provider: c.provider, source: c.managementPriceSource }), c.managementHourlyUsd);
  w.family('kube_cost_cluster_spot_savings_hourly_usd', 'gauge', 'Hourly saving in USD of all spot nodes against their on-demand prices.');
  w.sample('', c.spotSavingsHourlyUsd);
  w.family('kube_cost_cluster_nodes', 'gauge', 'Number of nodes by capacity type.');
  const byCapacity = new Map<string, number>();
  for (const n of report.nodes) byCapacity.set(n.capacityType, (byCapacity.get(n.capacityType) ?? 0) + 1);
  for (const [capacityType, count] of byCapacity) w.sample(labelText({ capacity_type: capacityType }), count);
}
