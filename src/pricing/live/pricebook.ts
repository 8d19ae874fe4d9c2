// The layered price book: the one interface the cost model asks (core PriceBook, plus instance,
// spot, storage and network prices by item), answered from the live price table first, then the
// price book below it (custom file, shipped catalog, default rates). Pure and synchronous: the
// table is filled in the background (refresher.ts); a look-up only reads it, and notes what the
// cluster needs so the refresher knows what to fetch. Prices from the user's pricing file win over
// list prices (they are the user's own numbers); a live price is never zero, NaN or negative.
import type { CapacityType, CloudProvider } from '../../core/model.ts';
import type {
  ClusterPriceQuery,
  FlatPriceAnswer,
  NodePriceAnswer,
  NodePriceQuery,
  PriceBook,
  PriceQuote,
  PriceSource,
  StoragePriceAnswer,
  StoragePriceQuery,
} from '../../core/pricing.ts';
import type { NetworkRates } from '../../core/network-cost.ts';
import type { Catalog } from '../catalog.ts';
import type { CustomPricing } from '../custom.ts';
import { networkRatesFor } from '../network.ts';
import { DEFAULT_VOLUME_TYPE, GKE_ACCELERATOR_LABEL, storageVolumeType } from '../pricebook.ts';
import { AZURE_DISK_TIER_GIB } from './azure.ts';
import type { TablePrice } from './table.ts';
import { PriceTable } from './table.ts';
import type { LiveProvider, NetworkDestination } from './types.ts';
import { gcpGpuKey, gcpRateKey, instanceKey, isLiveProvider, networkKey, spotKey, storageKey } from './types.ts';

/** An answer in USD with where it came from. */
export interface PriceAnswer {
  readonly usd: number;
  readonly source: PriceSource;
  readonly fallbackReason?: string;
}

export interface InstanceQuery {
  readonly provider: CloudProvider;
  readonly instanceType: string;
  readonly region: string | undefined;
  readonly zone: string | undefined;
  readonly capacityType: CapacityType;
}

export interface StorageQuery extends StoragePriceQuery {
  /** The volume's size: Azure bills disks by size tier, so the per-GiB price depends on it. */
  readonly sizeGiB?: number;
}

export interface NetworkQuery {
  readonly provider: CloudProvider;
  readonly region: string | undefined;
  readonly destination: NetworkDestination;
}

/** The pricing engine: the core PriceBook plus per-item prices, each answer with its source. */
export interface LivePriceBook extends PriceBook {
  /** USD per hour of one instance at its capacity type. */
  instance(q: InstanceQuery): PriceAnswer;
  /** USD per hour of one spot instance (AWS per zone, Azure and GCP per region). */
  spot(q: Omit<InstanceQuery, 'capacityType'>): PriceAnswer;
  /** USD per GiB-month. */
  storagePrice(q: StorageQuery): PriceAnswer;
  /**
   * USD per GiB a pod sends to the destination (inter-zone: both ends' charges where both are
   * billed, as src/pricing/network.ts counts them); `usd` undefined when no price is known — the
   * bytes stay unpriced, never priced at zero.
   */
  network(q: NetworkQuery): PriceAnswer | UnpricedAnswer;
  /** The cost model's network rates (core/network-cost.ts) for a provider and region: live where known, else the sheet. */
  networkRates(provider: CloudProvider, region: string | undefined): NetworkRates | undefined;
}

/** No price known: the bytes stay unpriced and the reason says so. */
export interface UnpricedAnswer {
  readonly usd: undefined;
  readonly source: 'default';
  readonly fallbackReason: string;
}

/** What the cluster asked for, per provider and region: what the refresher fetches. */
export interface Demand {
  readonly provider: LiveProvider;
  readonly region: string;
  readonly instanceTypes: Set<string>;
  readonly spotTypes: Set<string>;
  readonly zones: Set<string>;
  storage: boolean;
}

export class DemandTracker {
  readonly byRegion = new Map<string, Demand>();
  /** Bumped when something new is asked for (the refresher fetches it without waiting for a TTL). */
  generation = 0;

  note(provider: LiveProvider, region: string, what: { instanceType?: string; spot?: boolean; zone?: string | undefined; storage?: boolean }): void {
    const id = `${provider}|${region}`;
    let d = this.byRegion.get(id);
    if (!d) {
      d = { provider, region, instanceTypes: new Set(), spotTypes: new Set(), zones: new Set(), storage: false };
      this.byRegion.set(id, d);
      this.generation++;
    }
    if (what.instanceType !== undefined && !d.instanceTypes.has(what.instanceType)) {
      d.instanceTypes.add(what.instanceType);
      this.generation++;
    }
    if (what.spot && what.instanceType !== undefined && !d.spotTypes.has(what.instanceType)) {
      d.spotTypes.add(what.instanceType);
      this.generation++;
    }
    if (what.zone !== undefined && !d.zones.has(what.zone)) d.zones.add(what.zone);
    if (what.storage && !d.storage) {
      d.storage = true;
      this.generation++;
    }
  }
}

/**
 * How a live network row becomes a price per GiB sent: AWS bills inter-zone traffic $x per GB in
 * each direction (the sender's out and the receiver's in), so a byte sent across zones costs 2x —
 * the convention of src/pricing/network.ts. GCP bills the sender only. AWS quotes per GB and is
 * applied per GiB, as the sheet does.
 */
const SENT_FACTOR: Readonly<Record<LiveProvider, Readonly<Record<NetworkDestination, number>>>> = {
  aws: { internet: 1, 'inter-region': 1, 'inter-zone': 2 },
  gcp: { internet: 1, 'inter-region': 1, 'inter-zone': 1 },
  azure: { internet: 1, 'inter-region': 1, 'inter-zone': 1 },
};

export interface LivePriceBookOptions {
  /** The book below: custom file, catalog, default rates (src/pricing/pricebook.ts). */
  readonly base: PriceBook;
  readonly table: PriceTable;
  readonly catalog: Catalog;
  readonly custom?: CustomPricing | undefined;
  readonly provider?: CloudProvider | undefined;
  readonly region?: string | undefined;
  readonly demand?: DemandTracker;
  readonly now: () => number;
}

function older(a: TablePrice, b: TablePrice | undefined): PriceSource {
  return a.source === 'cache' || b?.source === 'cache' ? 'cache' : 'live';
}

function ratioOf(price: PriceQuote, onDemand: PriceQuote): number | undefined {
  if (price.kind === 'instance' && onDemand.kind === 'instance' && onDemand.hourlyUsd > 0) return price.hourlyUsd / onDemand.hourlyUsd;
  if (price.kind === 'rates' && onDemand.kind === 'rates' && onDemand.rates.cpuCoreHourUsd > 0) return price.rates.cpuCoreHourUsd / onDemand.rates.cpuCoreHourUsd;
  return undefined;
}

const pct = (f: number): string => `${Number((f * 100).toFixed(2))}%`;
const AZURE_TIERS = Object.values(AZURE_DISK_TIER_GIB).sort((a, b) => a - b);
/** The Azure tier priced when a volume's size is not known: P10/E10/S10. */
export const AZURE_REFERENCE_TIER_GIB = 128;

export function createLivePriceBook(options: LivePriceBookOptions): LivePriceBook {
  const { base, table, catalog, custom, now } = options;
  const demand = options.demand ?? new DemandTracker();
  const factor = (c: 'compute' | 'storage'): number => 1 - (custom?.discountPercent[c] ?? 0) / 100;

  /** Live (or cached) on-demand and spot quotes of a node; undefined when the table has no on-demand price. */
  const liveQuotes = (
    q: NodePriceQuery,
    provider: LiveProvider,
    region: string,
    t: number,
    below: NodePriceAnswer,
  ): { onDemand: PriceQuote; onDemandPrice: TablePrice; spot?: { quote: PriceQuote; price: TablePrice }; note?: string } | undefined => {
    const type = q.instanceType!;
    const k = factor('compute');
    if (provider === 'aws' || provider === 'azure') {
      const od = table.get('instance', instanceKey(provider, region, type), t);
      if (!od) return undefined;
      const spotAt = provider === 'aws' ? q.zone : region;
      const sp = spotAt !== undefined ? table.get('spot', spotKey(provider, spotAt, type), t) : undefined;
      return { onDemand: { kind: 'instance', hourlyUsd: od.usd * k }, onDemandPrice: od, ...(sp ? { spot: { quote: { kind: 'instance', hourlyUsd: sp.usd * k }, price: sp } } : {}) };
    }
    const m = catalog.gcpMachine(type);
    if (!m || m.custom) return undefined;
    const rates = (kind: 'instance' | 'spot') => {
      const cpu = table.get(kind, gcpRateKey(region, m.family, 'cpu'), t);
      const ram = table.get(kind, gcpRateKey(region, m.family, 'ram'), t);
      return cpu && ram ? { cpu, ram, source: older(cpu, ram) } : undefined;
    };
    const od = rates('instance');
    if (!od) return undefined;
    const accelerator = q.labels[GKE_ACCELERATOR_LABEL];
    const gpuFor = (kind: 'instance' | 'spot', fallback: number): number => {
      const g = accelerator !== undefined ? table.get(kind, gcpGpuKey(region, accelerator), t) : undefined;
      return g ? g.usd * k : fallback;
    };
    // GPUs without a live price keep the rate the book below gives (catalog or default, flagged there).
    const baseGpu = below.onDemand.kind === 'rates' ? below.onDemand.rates.gpuHourUsd : 0;
    const quote = (r: { cpu: TablePrice; ram: TablePrice }, gpuHourUsd: number): PriceQuote =>
      m.sharedCore
        ? { kind: 'instance', hourlyUsd: (m.vcpus * r.cpu.usd + m.memoryGiB * r.ram.usd) * k }
        : { kind: 'rates', rates: { cpuCoreHourUsd: r.cpu.usd * k, ramGiBHourUsd: r.ram.usd * k, gpuHourUsd } };
    const onDemandGpu = gpuFor('instance', baseGpu);
    const sp = rates('spot');
    const stamp = (r: { cpu: TablePrice; ram: TablePrice; source: PriceSource }): TablePrice => ({ usd: r.cpu.usd, source: r.source === 'cache' ? 'cache' : 'live', fetchedAtMs: r.cpu.fetchedAtMs });
    const gpuLive = accelerator !== undefined && table.get('instance', gcpGpuKey(region, accelerator), t) !== undefined;
    const note = q.capacity.gpus > 0 && !gpuLive ? `no live price for ${accelerator === undefined ? 'its GPUs' : `accelerator "${accelerator}"`} in ${region}; GPUs priced as the ${below.source} answer does${below.fallbackReason ? ` (${below.fallbackReason.replace(/^node [^:]+: /, '')})` : ''}` : undefined;
    return {
      ...(note ? { note } : {}),
      onDemand: quote(od, onDemandGpu),
      onDemandPrice: stamp(od),
      ...(sp ? { spot: { quote: quote(sp, gpuFor('spot', onDemandGpu)), price: stamp(sp) } } : {}),
    };
  };

  const node = (q: NodePriceQuery): NodePriceAnswer => {
    const below = base.node(q);
    if (below.source === 'custom') return below;
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    if (!isLiveProvider(provider) || region === undefined || !q.instanceType) return below;
    demand.note(provider, region, { instanceType: q.instanceType, spot: q.capacityType === 'spot', zone: q.zone });
    const t = now();
    const live = liveQuotes(q, provider, region, t, below);
    if (!live) return below;
    const where = provider === 'aws' && q.zone !== undefined ? q.zone : region;
    const flagged = (reason: string | undefined): { fallbackReason?: string } => {
      const all = [live.note, reason].filter((r): r is string => r !== undefined);
      return all.length > 0 ? { fallbackReason: `node ${q.nodeName}: ${all.join('; ')}` } : {};
    };
    if (q.capacityType === 'spot') {
      if (custom?.spotDiscountPercent !== undefined) {
        const f = 1 - custom.spotDiscountPercent / 100;
        return { price: scale(live.onDemand, f), onDemand: live.onDemand, source: live.onDemandPrice.source, ...flagged(undefined) };
      }
      if (live.spot) return { price: live.spot.quote, onDemand: live.onDemand, source: older(live.onDemandPrice, live.spot.price), ...flagged(undefined) };
      const ratio = ratioOf(below.price, below.onDemand) ?? catalog.data.fallback.spotFraction;
      return {
        price: scale(live.onDemand, ratio),
        onDemand: live.onDemand,
        source: live.onDemandPrice.source,
        ...flagged(`no live spot price for ${q.instanceType} in ${where}; spot estimated at ${pct(ratio)} of the ${live.onDemandPrice.source} on-demand price (the catalog's estimate)`),
      };
    }
    return {
      price: live.onDemand,
      onDemand: live.onDemand,
      source: live.onDemandPrice.source,
      ...flagged(q.capacityType === 'reserved' ? 'reserved capacity priced at the on-demand list price (no reservation rates)' : undefined),
    };
  };

  const hourly = (quote: PriceQuote, provider: CloudProvider, type: string): number | undefined => {
    if (quote.kind === 'instance') return quote.hourlyUsd;
    const m = provider === 'gcp' ? catalog.gcpMachine(type) : undefined;
    if (!m) return undefined;
    return m.vcpus * quote.rates.cpuCoreHourUsd + m.memoryGiB * quote.rates.ramGiBHourUsd;
  };

  const instance = (q: InstanceQuery): PriceAnswer => {
    const spec = q.provider === 'aws' || q.provider === 'azure' ? catalog.instanceSpec(q.provider, q.instanceType) : undefined;
    const gcp = q.provider === 'gcp' ? catalog.gcpMachine(q.instanceType) : undefined;
    const capacity = {
      cpuMillicores: (spec?.vcpus ?? gcp?.vcpus ?? 1) * 1000,
      ramBytes: (spec?.memoryGiB ?? gcp?.memoryGiB ?? 1) * 2 ** 30,
      gpus: spec?.gpus ?? 0,
    };
    const a = node({ nodeName: q.instanceType, provider: q.provider, instanceType: q.instanceType, region: q.region, zone: q.zone, capacityType: q.capacityType, capacity, labels: {} });
    const r = a.price.kind === 'rates' ? a.price.rates : undefined;
    const usd = hourly(a.price, q.provider, q.instanceType) ?? (capacity.cpuMillicores / 1000) * (r?.cpuCoreHourUsd ?? 0) + (capacity.ramBytes / 2 ** 30) * (r?.ramGiBHourUsd ?? 0) + capacity.gpus * (r?.gpuHourUsd ?? 0);
    return { usd, source: a.source, ...(a.fallbackReason ? { fallbackReason: a.fallbackReason.replace(`node ${q.instanceType}: `, `instance type ${q.instanceType}: `) } : {}) };
  };

  const storagePrice = (q: StorageQuery): PriceAnswer => {
    const below = base.storage(q);
    const answer = (a: StoragePriceAnswer): PriceAnswer => ({ usd: a.gibMonthUsd, source: a.source, ...(a.fallbackReason ? { fallbackReason: a.fallbackReason } : {}) });
    if (below.source === 'custom') return answer(below);
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    if (!isLiveProvider(provider) || region === undefined) return answer(below);
    demand.note(provider, region, { storage: true });
    const volumeType = storageVolumeType(provider, q) ?? DEFAULT_VOLUME_TYPE[provider];
    const t = now();
    if (provider === 'azure') {
      const size = q.sizeGiB ?? AZURE_REFERENCE_TIER_GIB;
      const tier = AZURE_TIERS.find((s) => s >= size) ?? AZURE_TIERS[AZURE_TIERS.length - 1]!;
      const p = table.get('storage', storageKey('azure', region, volumeType, tier), t);
      if (!p) return answer(below);
      // The tier's monthly price spread over the disk's own size.
      return { usd: ((p.usd * tier) / Math.max(size, 1)) * factor('storage'), source: p.source };
    }
    const p = table.get('storage', storageKey(provider, region, volumeType), t);
    return p ? { usd: p.usd * factor('storage'), source: p.source } : answer(below);
  };

  const network = (q: NetworkQuery): PriceAnswer | UnpricedAnswer => {
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    if (isLiveProvider(provider) && region !== undefined) {
      demand.note(provider, region, {});
      const p = table.get('network', networkKey(provider, region, q.destination), now());
      if (p) return { usd: p.usd * SENT_FACTOR[provider][q.destination], source: p.source };
    }
    const sheet = networkRatesFor(provider);
    const field = q.destination === 'internet' ? 'internetPerGibUsd' : q.destination === 'inter-zone' ? 'crossZonePerGibUsd' : undefined;
    const listed = sheet && field ? sheet[field] : undefined;
    const where = `network to ${q.destination} from ${region ?? 'an unknown region'}`;
    if (listed !== undefined) return { usd: listed, source: 'catalog', fallbackReason: `${where}: no live ${provider} price; using the list price of src/pricing/network.ts (${listed} USD per GiB)` };
    return { usd: undefined, source: 'default', fallbackReason: `${where}: no live ${provider} price and no list price; the bytes stay unpriced` };
  };

  const networkRates = (provider: CloudProvider, region: string | undefined): NetworkRates | undefined => {
    const sheet = networkRatesFor(provider);
    if (!isLiveProvider(provider)) return sheet;
    const get = (destination: NetworkDestination) => network({ provider, region, destination }).usd;
    return { inZonePerGibUsd: sheet?.inZonePerGibUsd, crossZonePerGibUsd: get('inter-zone'), internetPerGibUsd: get('internet') };
  };

  return {
    node,
    storage(q: StoragePriceQuery): StoragePriceAnswer {
      const a = storagePrice(q);
      return { gibMonthUsd: a.usd, source: a.source, ...(a.fallbackReason ? { fallbackReason: a.fallbackReason } : {}) };
    },
    loadBalancer: (q: ClusterPriceQuery): FlatPriceAnswer => base.loadBalancer(q),
    clusterManagement: (q: ClusterPriceQuery): FlatPriceAnswer => base.clusterManagement(q),
    instance,
    spot: (q) => instance({ ...q, capacityType: 'spot' }),
    storagePrice,
    network,
    networkRates,
  };
}

function scale(quote: PriceQuote, f: number): PriceQuote {
  if (quote.kind === 'instance') return { kind: 'instance', hourlyUsd: quote.hourlyUsd * f };
  const r = quote.rates;
  return { kind: 'rates', rates: { cpuCoreHourUsd: r.cpuCoreHourUsd * f, ramGiBHourUsd: r.ramGiBHourUsd * f, gpuHourUsd: r.gpuHourUsd * f } };
}

export { PriceTable };
