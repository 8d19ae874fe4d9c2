// Where `kubectl cost estimate` gets its unit rates (pure; the caller passes the catalog, the report):
//   - offline: the catalog price of `--instance-type` in `--region`, split per resource the way
//     OpenCost does (src/core/rates.ts); without an instance type, the catalog's default rates;
//   - a cluster (snapshot): the capacity-weighted average of its nodes' rates, and what each
//     existing workload costs now at those rates.
import type { CostReport } from '../core/allocate.ts';
import { isCosted } from '../core/allocate.ts';
import type { ClusterSnapshot, CloudProvider, Labels } from '../core/model.ts';
import type { PriceBook, ResourceRates } from '../core/pricing.ts';
import { HOURS_PER_MONTH } from '../core/pricing.ts';
import { BYTES_PER_GIB } from '../core/quantity.ts';
import { nodeRates } from '../core/rates.ts';
import { podRequestAndAllocation } from '../core/requests.ts';
import type { Catalog } from '../pricing/catalog.ts';
import type { ClusterFacts, EstimateRates } from './estimate.ts';
import { podHourlyUsd } from './estimate.ts';

export const ESTIMATE_PROVIDERS: readonly CloudProvider[] = ['aws', 'gcp', 'azure'];

function fmtRates(r: ResourceRates): string {
  return `$${r.cpuCoreHourUsd.toFixed(6)}/vCPU-h, $${r.ramGiBHourUsd.toFixed(6)}/GiB-h, $${r.gpuHourUsd.toFixed(4)}/GPU-h`;
}

/** The provider whose catalog lists this instance/machine type, if any. */
export function providerOfInstanceType(catalog: Catalog, instanceType: string): CloudProvider | undefined {
  if (catalog.instanceSpec('aws', instanceType)) return 'aws';
  if (catalog.instanceSpec('azure', instanceType)) return 'azure';
  if (catalog.gcpMachine(instanceType)) return 'gcp';
  return undefined;
}

export interface OfflineRatesOptions {
  readonly catalog: Catalog;
  readonly prices: PriceBook;
  readonly instanceType?: string;
  readonly region?: string;
  readonly provider?: CloudProvider;
}

/** Per-resource rates of one instance type (or the catalog defaults), with visible fallbacks. */
export function offlineRates(options: OfflineRatesOptions): EstimateRates & { readonly provider: CloudProvider; readonly region: string; readonly fallbackReason?: string } {
  const { catalog, prices, instanceType } = options;
  const provider: CloudProvider = options.provider ?? (instanceType ? providerOfInstanceType(catalog, instanceType) : undefined) ?? 'aws';
  const region = options.region ?? (provider === 'custom' ? '' : catalog.data[provider].fallbackRegion);
  let capacity = { cpuMillicores: 1000, ramBytes: BYTES_PER_GIB, gpus: 0 };
  if (instanceType !== undefined && provider !== 'custom') {
    if (provider === 'gcp') {
      const m = catalog.gcpMachine(instanceType);
      if (m) capacity = { cpuMillicores: Math.round(m.vcpus * 1000), ramBytes: Math.round(m.memoryGiB * BYTES_PER_GIB), gpus: 0 };
    } else {
      const s = catalog.instanceSpec(provider, instanceType);
      if (s) capacity = { cpuMillicores: Math.round(s.vcpus * 1000), ramBytes: Math.round(s.memoryGiB * BYTES_PER_GIB), gpus: s.gpus };
    }
  }
  const answer = prices.node({
    nodeName: instanceType ?? '(estimate)',
    provider,
    instanceType,
    region: region || undefined,
    zone: undefined,
    capacityType: 'on-demand',
    capacity,
    labels: {},
  });
  const { rates, hourlyUsd } = nodeRates(answer.price, capacity);
  const what = instanceType ? `${provider} ${instanceType} in ${region} ($${hourlyUsd.toFixed(4)}/h, ${answer.source})` : `${provider} ${region} default rates (${answer.source})`;
  const storage = (storageClass: string) => {
    const a = prices.storage({ provider, region: region || undefined, storageClass, driver: undefined, volumeType: undefined });
    return a.fallbackReason === undefined ? { gibMonthUsd: a.gibMonthUsd, source: a.source } : { gibMonthUsd: a.gibMonthUsd, source: a.source, fallbackReason: a.fallbackReason };
  };
  const base = { rates, description: `${what}: ${fmtRates(rates)}`, storage, provider, region };
  // An instance type's own price is expected; "no instance-type label" is how the price book says we asked for defaults.
  return answer.fallbackReason !== undefined && instanceType !== undefined ? { ...base, fallbackReason: answer.fallbackReason } : base;
}

/** Capacity-weighted average rates of the cluster's nodes (what a new pod costs on average). */
export function clusterRates(report: CostReport, prices: PriceBook): EstimateRates & { readonly gpuFallback: boolean } {
  let cpuUsd = 0;
  let cpuCores = 0;
  let ramUsd = 0;
  let ramGiB = 0;
  let gpuUsd = 0;
  let gpus = 0;
  for (const n of report.nodes) {
    cpuUsd += n.capacity.cpuCores * n.rates.cpuCoreHourUsd;
    cpuCores += n.capacity.cpuCores;
    ramUsd += (n.capacity.ramBytes / BYTES_PER_GIB) * n.rates.ramGiBHourUsd;
    ramGiB += n.capacity.ramBytes / BYTES_PER_GIB;
    gpuUsd += n.capacity.gpus * n.rates.gpuHourUsd;
    gpus += n.capacity.gpus;
  }
  const { provider, region } = report.cluster;
  const fallback = nodeRates(
    prices.node({ nodeName: '(estimate)', provider, instanceType: undefined, region: region || undefined, zone: undefined, capacityType: 'on-demand', capacity: { cpuMillicores: 1000, ramBytes: BYTES_PER_GIB, gpus: 0 }, labels: {} }).price,
    { cpuMillicores: 1000, ramBytes: BYTES_PER_GIB, gpus: 0 },
  ).rates;
  const rates: ResourceRates = {
    cpuCoreHourUsd: cpuCores > 0 ? cpuUsd / cpuCores : fallback.cpuCoreHourUsd,
    ramGiBHourUsd: ramGiB > 0 ? ramUsd / ramGiB : fallback.ramGiBHourUsd,
    gpuHourUsd: gpus > 0 ? gpuUsd / gpus : fallback.gpuHourUsd,
  };
  const storage = (storageClass: string) => {
    const a = prices.storage({ provider, region: region || undefined, storageClass, driver: undefined, volumeType: undefined });
    return a.fallbackReason === undefined ? { gibMonthUsd: a.gibMonthUsd, source: a.source } : { gibMonthUsd: a.gibMonthUsd, source: a.source, fallbackReason: a.fallbackReason };
  };
  const gpuNote = gpus > 0 ? '' : ' (no GPU nodes: GPU rate from the catalog defaults)';
  return {
    rates,
    description: `cluster average over ${report.nodes.length} nodes (${provider} ${region}): ${fmtRates(rates)}${gpuNote}`,
    storage,
    gpuFallback: gpus === 0,
  };
}

/**
 * What the workloads in the cluster cost now, priced like the estimate (effective requests of
 * their running pods × the same rates, plus their claims), so that an unchanged manifest shows no change.
 */
export function snapshotFacts(snapshot: ClusterSnapshot, rates: EstimateRates, jobHoursPerMonth?: number): ClusterFacts {
  const claims = new Map(snapshot.persistentVolumeClaims.map((c) => [`${c.namespace}/${c.name}`, c]));
  const byWorkload = new Map<string, number>();
  const add = (key: string, usd: number) => byWorkload.set(key, (byWorkload.get(key) ?? 0) + usd);
  for (const pod of snapshot.pods) {
    if (!isCosted(pod)) continue;
    const w = pod.workload ?? pod.owner ?? { kind: 'Pod', name: pod.name };
    const hours = w.kind === 'Job' || w.kind === 'CronJob' ? (jobHoursPerMonth ?? HOURS_PER_MONTH) : HOURS_PER_MONTH;
    const h = podHourlyUsd(podRequestAndAllocation(pod, undefined).request, rates.rates);
    let usd = (h.cpu + h.ram + h.gpu) * hours;
    if (w.kind === 'StatefulSet') {
      for (const name of pod.claimNames) {
        const c = claims.get(`${pod.namespace}/${name}`);
        if (c) usd += (c.requestBytes / BYTES_PER_GIB) * rates.storage(c.storageClass).gibMonthUsd;
      }
    }
    add(`${w.kind}/${pod.namespace}/${w.name}`, usd);
  }
  for (const c of snapshot.persistentVolumeClaims) {
    add(`PersistentVolumeClaim/${c.namespace}/${c.name}`, (c.requestBytes / BYTES_PER_GIB) * rates.storage(c.storageClass).gibMonthUsd);
  }
  const nodeLabels: Labels[] = snapshot.nodes.map((n) => n.labels);
  return {
    nodeLabels,
    nodeCount: nodeLabels.length,
    current: (kind, namespace, name) => byWorkload.get(`${kind}/${namespace}/${name}`),
  };
}
