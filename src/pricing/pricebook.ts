// The PriceBook the cost model asks: custom file first, then the shipped catalog, then OpenCost's
// default rates — every fallback with a reason, never a silent zero.
import type { CloudProvider } from '../core/model.ts';
import type { ClusterPriceQuery, FlatPriceAnswer, NodePriceAnswer, NodePriceQuery, PriceBook, StoragePriceAnswer, StoragePriceQuery } from '../core/pricing.ts';
import type { Catalog } from './catalog.ts';
import type { CustomPricing } from './custom.ts';

export interface PriceBookOptions {
  readonly catalog: Catalog;
  readonly custom?: CustomPricing;
  readonly provider?: CloudProvider;
  readonly region?: string;
}

export function createPriceBook(options: PriceBookOptions): PriceBook {
  const { catalog, custom } = options;
  const factor = 1 - (custom?.discountPercent ?? 0) / 100;
  const nodeCache = new Map<string, NodePriceAnswer>();

  const node = (q: NodePriceQuery): NodePriceAnswer => {
    if (custom?.rates) {
      const quote = { kind: 'rates', rates: custom.rates } as const;
      return { price: quote, onDemand: quote, source: 'custom' };
    }
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    const key = `${provider}|${region}|${q.instanceType}|${q.capacityType}`;
    const hit = nodeCache.get(key);
    if (hit) return hit.fallbackReason === undefined ? hit : { ...hit, fallbackReason: hit.fallbackReason.replace(/^node \S+:/, `node ${q.nodeName}:`) };
    let answer: NodePriceAnswer;
    const regions = catalog.instances[provider];
    const hourly = q.instanceType !== undefined && region !== undefined ? regions?.[region]?.[q.instanceType] : undefined;
    if (hourly !== undefined) {
      const quote = { kind: 'instance', hourlyUsd: hourly * factor } as const;
      answer =
        q.capacityType === 'spot'
          ? { price: quote, onDemand: quote, source: 'catalog', fallbackReason: `node ${q.nodeName}: no spot price source yet; spot node priced at its on-demand price (${q.instanceType} in ${region})` }
          : { price: quote, onDemand: quote, source: 'catalog' };
    } else {
      const missing =
        q.instanceType === undefined
          ? 'no instance-type label'
          : region === undefined
            ? `instance type "${q.instanceType}" without a region`
            : regions?.[region] === undefined
              ? `region "${region}" not in the ${provider} catalog`
              : `instance type "${q.instanceType}" not in the ${provider} catalog for ${region}`;
      const quote = { kind: 'rates', rates: { cpuCoreHourUsd: catalog.defaultRates.cpuCoreHourUsd * factor, ramGiBHourUsd: catalog.defaultRates.ramGiBHourUsd * factor, gpuHourUsd: catalog.defaultRates.gpuHourUsd * factor } } as const;
      answer = { price: quote, onDemand: quote, source: 'default', fallbackReason: `node ${q.nodeName}: ${missing}; using default rates` };
    }
    nodeCache.set(key, answer);
    return answer;
  };

  const storage = (q: StoragePriceQuery): StoragePriceAnswer => {
    const fromCustom = custom?.storageGibMonthUsd[q.storageClass];
    if (fromCustom !== undefined) return { gibMonthUsd: fromCustom, source: 'custom' };
    const table = q.region !== undefined ? catalog.storage[q.provider]?.[q.region] : undefined;
    const price = table?.[q.volumeType ?? ''] ?? table?.[q.storageClass];
    if (price !== undefined) return { gibMonthUsd: price * factor, source: 'catalog' };
    return {
      gibMonthUsd: catalog.defaultStorageGibMonthUsd * factor,
      source: 'default',
      fallbackReason: `storage class "${q.storageClass}" (${q.provider}, ${q.region ?? 'no region'}) not in the catalog; using ${catalog.defaultStorageGibMonthUsd} USD per GiB-month`,
    };
  };

  const flat = (value: number | undefined, customValue: number | undefined, what: string, q: ClusterPriceQuery): FlatPriceAnswer => {
    if (customValue !== undefined) return { hourlyUsd: customValue, source: 'custom' };
    if (value !== undefined) return { hourlyUsd: value * factor, source: 'catalog' };
    return { hourlyUsd: 0, source: 'default', fallbackReason: `no ${what} price known for provider ${q.provider}; counted as 0 until set in the pricing file` };
  };

  return {
    node,
    storage,
    loadBalancer: (q) => flat(catalog.loadBalancerHourlyUsd[q.provider], custom?.loadBalancerHourlyUsd, 'load balancer', q),
    clusterManagement: (q) => flat(catalog.managementHourlyUsd[q.provider], custom?.managementHourlyUsd, 'cluster management', q),
  };
}
