// The PriceBook the cost model asks (src/core/pricing.ts), answered from the custom pricing file,
// then the shipped catalog, then per-resource default rates derived from the catalog. Every answer
// says where it came from; every fallback carries a reason naming the node (or class), what was
// missing and the value. Pure: no I/O, no clock. Results are cached per distinct query, so a
// 5,000-node cluster costs a handful of look-ups per cycle. Resolution rules: docs/pricing.md.
import type { CloudProvider } from '../core/model.ts';
import type {
  ClusterPriceQuery,
  FlatPriceAnswer,
  NodePriceAnswer,
  NodePriceQuery,
  PriceBook,
  PriceQuote,
  PriceSource,
  ResourceRates,
  StoragePriceAnswer,
  StoragePriceQuery,
} from '../core/pricing.ts';
import type { Catalog, CatalogProvider, InstanceProvider } from './catalog.ts';
import { loadCatalog } from './catalog.ts';
import type { CustomNodePrice, CustomPricing, DiscountCategory, NodeOverride } from './custom.ts';
import { matchOverride } from './custom.ts';

export interface PriceBookOptions {
  /** Default: the catalog shipped with the package. */
  readonly catalog?: Catalog;
  /** The parsed `--pricing` file. */
  readonly custom?: CustomPricing;
  /** `--cloud-provider`: price every node, volume and fee as this provider's. */
  readonly provider?: CloudProvider;
  /** `--region`: price everything in this region. */
  readonly region?: string;
}

/** The GKE node label naming the node's accelerator type. */
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';

const CACHE_LIMIT = 10_000;

interface Resolved {
  readonly answer: NodePriceAnswer;
  /** The fallback reason without the `node <name>: ` prefix, added per node. */
  readonly reason: string | undefined;
}

interface Priced {
  readonly quote: PriceQuote;
  readonly source: PriceSource;
  readonly reasons: readonly string[];
  /** Spot fraction to use for this price, and what it is, when the node is spot. */
  readonly spot: { readonly fraction: number; readonly what: string; readonly gpuHourUsd?: number };
}

function isCatalogProvider(p: CloudProvider): p is CatalogProvider {
  return p === 'aws' || p === 'gcp' || p === 'azure';
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

function usd(n: number): string {
  return String(Number(n.toPrecision(6)));
}

function scaleQuote(quote: PriceQuote, factor: number, gpuHourUsd?: number): PriceQuote {
  if (quote.kind === 'instance') return { kind: 'instance', hourlyUsd: quote.hourlyUsd * factor };
  const r = quote.rates;
  return {
    kind: 'rates',
    rates: { cpuCoreHourUsd: r.cpuCoreHourUsd * factor, ramGiBHourUsd: r.ramGiBHourUsd * factor, gpuHourUsd: gpuHourUsd ?? r.gpuHourUsd * factor },
  };
}

/** Builds the price book. Never answers NaN, a negative number, or zero by accident. */
export function createPriceBook(options: PriceBookOptions = {}): PriceBook {
  const catalog = options.catalog ?? loadCatalog();
  const { custom } = options;
  const data = catalog.data;
  const factor = (c: DiscountCategory) => 1 - (custom?.discountPercent[c] ?? 0) / 100;
  const compute = factor('compute');
  /** GCE machine types the catalog prices per machine in some region (C2, T2D outside us-central1). */
  const pricedPerMachine = new Set(Object.values(data.gcp.machineHourlyUsd).flatMap((byType) => Object.keys(byType)));
  const opencostSpot = { fraction: data.fallback.spotFraction, what: "OpenCost's default spot/on-demand ratio" };

  /** The spot estimate for an AWS/Azure node: the region's sampled ratio, else the provider-wide one. */
  const instanceSpot = (provider: InstanceProvider, region: string | undefined): Priced['spot'] => {
    const p = data[provider];
    if (p.spotSource.startsWith('opencost')) return { fraction: p.spotFraction, what: opencostSpot.what };
    const regional = region !== undefined ? p.spotFractionByRegion[region] : undefined;
    if (regional !== undefined) return { fraction: regional, what: `median ${provider} ${region} spot/on-demand ratio of the catalog's spot sample, ${p.spotSource}` };
    return { fraction: p.spotFraction, what: `median ${provider} spot/on-demand ratio of the catalog's spot sample over all regions, ${p.spotSource}` };
  };

  /** The region whose defaults and prices apply when the node's region is missing or unknown. */
  const defaultRatesFor = (provider: CloudProvider, region: string | undefined): ResourceRates => {
    if (!isCatalogProvider(provider)) return data.fallback.rates;
    const r = region !== undefined ? catalog.defaultRates(provider, region) : undefined;
    return r ?? catalog.defaultRates(provider, data[provider].fallbackRegion) ?? data.fallback.rates;
  };

  const defaultPriced = (provider: CloudProvider, region: string | undefined, missing: string, k = compute): Priced => {
    const r = defaultRatesFor(provider, region);
    return {
      quote: { kind: 'rates', rates: { cpuCoreHourUsd: r.cpuCoreHourUsd * k, ramGiBHourUsd: r.ramGiBHourUsd * k, gpuHourUsd: r.gpuHourUsd * k } },
      source: 'default',
      reasons: [`${missing}; using default rates`],
      spot: provider === 'aws' || provider === 'azure' ? instanceSpot(provider, region) : opencostSpot,
    };
  };

  const instancePriced = (provider: InstanceProvider, type: string, region: string | undefined, k = compute): Priced => {
    const fallbackRegion = data[provider].fallbackRegion;
    const spot = instanceSpot(provider, region);
    if (region === undefined) {
      const p = catalog.instanceHourlyUsd(provider, fallbackRegion, type);
      if (p === undefined) return defaultPriced(provider, region, `no region label and instance type "${type}" not in the ${provider} catalog`, k);
      return { quote: { kind: 'instance', hourlyUsd: p * k }, source: 'default', reasons: [`no region label; priced instance type "${type}" at its ${provider} ${fallbackRegion} list price`], spot };
    }
    if (!catalog.hasRegion(provider, region)) return defaultPriced(provider, region, `region "${region}" not in the ${provider} catalog`, k);
    const p = catalog.instanceHourlyUsd(provider, region, type);
    if (p === undefined) return defaultPriced(provider, region, `instance type "${type}" not in the ${provider} catalog for ${region}`, k);
    return { quote: { kind: 'instance', hourlyUsd: p * k }, source: 'catalog', reasons: [], spot };
  };

  const gcpPriced = (q: NodePriceQuery, type: string, queryRegion: string | undefined, k = compute): Priced => {
    const fallbackRegion = data.gcp.fallbackRegion;
    const m = catalog.gcpMachine(type);
    if (!m) return defaultPriced('gcp', queryRegion, `machine type "${type}" not in the gcp catalog`, k);
    if (queryRegion !== undefined && !catalog.hasRegion('gcp', queryRegion)) return defaultPriced('gcp', queryRegion, `region "${queryRegion}" not in the gcp catalog`, k);
    const region = queryRegion ?? fallbackRegion;
    const reasons: string[] = [];
    let source: PriceSource = 'catalog';
    if (queryRegion === undefined) {
      source = 'default';
      reasons.push(`no region label; priced machine type "${type}" at the gcp ${fallbackRegion} rates`);
    }
    let rates = catalog.gcpFamilyRates(m.family, region, m.custom);
    const familySpot = catalog.gcpSpotFraction(m.family, region) ?? catalog.gcpSpotFraction(m.family, fallbackRegion);
    const machineUsd = rates || m.custom ? undefined : catalog.gcpMachineHourlyUsd(type, region);
    if (machineUsd !== undefined) {
      // One memory/vCPU ratio (C2, T2D): the catalog has the machine's price, not per-vCPU/GB rates; the
      // cost model splits it the OpenCost way, as it does AWS and Azure instance prices.
      if (q.capacity.gpus > 0) {
        reasons.push(`${q.capacity.gpus} GPU(s) on a "${type}" node, a machine type priced per machine (${usd(machineUsd * k)} USD per hour, no GPU price): the GPUs get a share of that price in the OpenCost split`);
      }
      const spot = familySpot !== undefined ? { fraction: familySpot, what: `the ${m.family} spot/on-demand ratio in the catalog` } : opencostSpot;
      return { quote: { kind: 'instance', hourlyUsd: machineUsd * k }, source, reasons, spot };
    }
    if (!rates && m.custom) {
      rates = catalog.gcpFamilyRates(m.family, region, false);
      if (rates) reasons.push(`custom machine type "${type}": no custom-type ${m.family} rates for ${region} in the catalog; priced at the predefined ${m.family} rates`);
    }
    if (!rates) {
      const missing = pricedPerMachine.has(type) ? `machine type "${type}" has no ${region} price in the gcp catalog` : `machine family "${m.family}" has no ${region} rates in the gcp catalog`;
      return defaultPriced('gcp', region, missing, k);
    }
    const defaults = defaultRatesFor('gcp', region);
    let gpuHourUsd = defaults.gpuHourUsd;
    let gpuSpotHourUsd: number | undefined;
    if (q.capacity.gpus > 0) {
      const accelerator = q.labels[GKE_ACCELERATOR_LABEL];
      const known = accelerator === undefined ? undefined : (catalog.gcpGpuHourlyUsd(accelerator, region, false) ?? catalog.gcpGpuHourlyUsd(accelerator, fallbackRegion, false));
      if (accelerator === undefined) {
        reasons.push(`${q.capacity.gpus} GPU(s) without a ${GKE_ACCELERATOR_LABEL} label; GPUs priced at the default rate of ${usd(gpuHourUsd * k)} USD per GPU-hour`);
      } else if (known === undefined) {
        reasons.push(`accelerator "${accelerator}" not in the gcp catalog; GPUs priced at the default rate of ${usd(gpuHourUsd * k)} USD per GPU-hour`);
      } else {
        if (catalog.gcpGpuHourlyUsd(accelerator, region, false) === undefined) reasons.push(`no ${region} price for accelerator "${accelerator}"; using its ${fallbackRegion} price`);
        gpuHourUsd = known;
        const spotRegion = catalog.gcpGpuHourlyUsd(accelerator, region, true) !== undefined ? region : fallbackRegion;
        gpuSpotHourUsd = catalog.gcpGpuHourlyUsd(accelerator, spotRegion, true);
      }
    }
    const spot =
      familySpot !== undefined
        ? { fraction: familySpot, what: `the ${m.family} spot/on-demand ratio in the catalog`, ...(gpuSpotHourUsd !== undefined ? { gpuHourUsd: gpuSpotHourUsd * k } : {}) }
        : opencostSpot;
    const [cpu, ram] = rates;
    if (m.sharedCore) {
      // Shared-core E2 types are billed at a fractional vCPU, not the 2 vCPUs the node reports.
      return { quote: { kind: 'instance', hourlyUsd: (m.vcpus * cpu + m.memoryGiB * ram) * k }, source, reasons, spot };
    }
    return { quote: { kind: 'rates', rates: { cpuCoreHourUsd: cpu * k, ramGiBHourUsd: ram * k, gpuHourUsd: gpuHourUsd * k } }, source, reasons, spot };
  };

  const customPriced = (q: NodePriceQuery, price: CustomNodePrice, provider: CloudProvider, region: string | undefined, what: string): Priced => {
    const reasons: string[] = [];
    if (price.kind === 'instance') return { quote: { kind: 'instance', hourlyUsd: price.hourlyUsd }, source: 'custom', reasons, spot: { fraction: 1, what } };
    let gpu = price.rates.gpuHourUsd;
    if (gpu === undefined) {
      gpu = defaultRatesFor(provider, region).gpuHourUsd * compute;
      if (q.capacity.gpus > 0) reasons.push(`${what} sets no gpuHourUsd; ${q.capacity.gpus} GPU(s) priced at the default rate of ${usd(gpu)} USD per GPU-hour`);
    }
    return { quote: { kind: 'rates', rates: { cpuCoreHourUsd: price.rates.cpuCoreHourUsd, ramGiBHourUsd: price.rates.ramGiBHourUsd, gpuHourUsd: gpu } }, source: 'custom', reasons, spot: { fraction: 1, what } };
  };

  const resolve = (q: NodePriceQuery, provider: CloudProvider, region: string | undefined, override: NodeOverride | undefined): Resolved => {
    let priced: Priced;
    let customPrice = false;
    // An override with discountPercent keeps the node's own price with that discount instead of the
    // file's compute discount (catalog and default prices) or on top of the file's rates.
    const discount = override?.price.kind === 'discount' ? 1 - override.price.percent / 100 : undefined;
    const k = discount ?? compute;
    if (override && custom && override.price.kind !== 'discount') {
      priced = customPriced(q, override.price, provider, region, `${custom.file} override "${override.name}"`);
      customPrice = true;
    } else if (custom?.rates) {
      const r = custom.rates;
      const f = discount ?? 1;
      const rates = { cpuCoreHourUsd: r.cpuCoreHourUsd * f, ramGiBHourUsd: r.ramGiBHourUsd * f, gpuHourUsd: r.gpuHourUsd === undefined ? undefined : r.gpuHourUsd * f };
      priced = customPriced(q, { kind: 'rates', rates }, provider, region, custom.file);
      customPrice = true;
    } else if (q.instanceType === undefined || q.instanceType === '') {
      priced = defaultPriced(provider, region, 'no instance-type label', k);
    } else if (provider === 'aws' || provider === 'azure') {
      priced = instancePriced(provider, q.instanceType, region, k);
    } else if (provider === 'gcp') {
      priced = gcpPriced(q, q.instanceType, region, k);
    } else {
      priced = defaultPriced(provider, region, `no catalog for provider "${provider}" (instance type "${q.instanceType}") and no custom rates set`, k);
    }
    const reasons = [...priced.reasons];
    let price = priced.quote;
    if (q.capacityType === 'spot') {
      if (custom?.spotDiscountPercent !== undefined) {
        price = scaleQuote(priced.quote, 1 - custom.spotDiscountPercent / 100);
      } else if (!customPrice) {
        price = scaleQuote(priced.quote, priced.spot.fraction, priced.spot.gpuHourUsd);
        reasons.push(`no live spot price; spot estimated at ${pct(priced.spot.fraction)} of the on-demand price (${priced.spot.what})`);
      }
    } else if (q.capacityType === 'reserved') {
      reasons.push('reserved capacity priced at the on-demand list price (the catalog has no reservation rates)');
    }
    const answer: NodePriceAnswer = { price, onDemand: priced.quote, source: priced.source };
    return { answer, reason: reasons.length > 0 ? reasons.join('; ') : undefined };
  };

  const cache = new Map<string, Resolved>();
  const node = (q: NodePriceQuery): NodePriceAnswer => {
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    const override = custom ? matchOverride(custom, q.labels) : undefined;
    const accelerator = provider === 'gcp' ? (q.labels[GKE_ACCELERATOR_LABEL] ?? '') : '';
    const key = `${provider}|${region ?? ''}|${q.instanceType ?? ''}|${q.capacityType}|${accelerator}|${q.capacity.gpus}|${override ? custom?.nodeOverrides.indexOf(override) : -1}`;
    let resolved = cache.get(key);
    if (!resolved) {
      resolved = resolve(q, provider, region, override);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, resolved);
    }
    return resolved.reason === undefined ? resolved.answer : { ...resolved.answer, fallbackReason: `node ${q.nodeName}: ${resolved.reason}` };
  };

  const storage = (q: StoragePriceQuery): StoragePriceAnswer => {
    const fromCustom = custom?.storageGibMonthUsd[q.storageClass];
    if (fromCustom !== undefined) return { gibMonthUsd: fromCustom, source: 'custom' };
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    const discount = factor('storage');
    const what = `storage class "${q.storageClass}"`;
    if (!isCatalogProvider(provider)) {
      if (custom?.defaultStorageGibMonthUsd !== undefined) return { gibMonthUsd: custom.defaultStorageGibMonthUsd, source: 'custom' };
      const price = data.fallback.storageGibMonthUsd * discount;
      return { gibMonthUsd: price, source: 'default', fallbackReason: `${what}: no catalog for provider "${provider}" and no custom storage price; using the default ${usd(price)} USD per GiB-month` };
    }
    if (custom?.defaultStorageGibMonthUsd !== undefined) return { gibMonthUsd: custom.defaultStorageGibMonthUsd, source: 'custom' };
    const resolvedType = storageVolumeType(provider, q);
    const p = data[provider];
    const volumeType = resolvedType ?? DEFAULT_VOLUME_TYPE[provider];
    const inRegion = region !== undefined ? p.storage.gibMonthUsd[region]?.[volumeType] : undefined;
    if (resolvedType !== undefined && inRegion !== undefined) return { gibMonthUsd: inRegion * discount, source: 'catalog' };
    const reasons: string[] = [];
    if (resolvedType === undefined) {
      reasons.push(`volume type not recognised (parameters.type ${q.volumeType === undefined ? 'not set' : `"${q.volumeType}"`}, provisioner ${q.driver === undefined ? 'unknown' : `"${q.driver}"`}); priced as ${provider}'s default ${volumeType}`);
    }
    let price = inRegion;
    if (price === undefined) {
      const fallback = p.storage.gibMonthUsd[p.fallbackRegion]?.[volumeType];
      if (fallback !== undefined) {
        price = fallback;
        reasons.push(`no ${volumeType} price for ${region === undefined ? 'an unknown region' : region} in the ${provider} catalog; using the ${p.fallbackRegion} list price`);
      } else {
        price = data.fallback.storageGibMonthUsd;
        reasons.push(`no ${volumeType} price in the ${provider} catalog; using the default ${usd(price * discount)} USD per GiB-month`);
      }
    }
    return { gibMonthUsd: price * discount, source: 'default', fallbackReason: `${what}: ${reasons.join('; ')}` };
  };

  const flat = (kind: 'loadBalancer' | 'management', q: ClusterPriceQuery): FlatPriceAnswer => {
    const customValue = kind === 'loadBalancer' ? custom?.loadBalancerHourlyUsd : custom?.managementHourlyUsd;
    if (customValue !== undefined) return { hourlyUsd: customValue, source: 'custom' };
    const provider = options.provider ?? q.provider;
    const region = options.region ?? q.region;
    const what = kind === 'loadBalancer' ? 'load balancer' : 'cluster management';
    const field = kind === 'loadBalancer' ? 'loadBalancerHourlyUsd' : 'managementHourlyUsd';
    if (!isCatalogProvider(provider)) {
      return { hourlyUsd: 0, source: 'default', fallbackReason: `no ${what} price for provider "${provider}"; counted as 0 until ${field} is set in the pricing file` };
    }
    const p = data[provider];
    const discount = factor(kind);
    if (kind === 'management') {
      const fee = p.managementHourlyUsd[p.managementTier] ?? 0;
      return { hourlyUsd: fee * discount, source: 'catalog' };
    }
    const inRegion = region !== undefined ? p.loadBalancerHourlyUsd[region] : undefined;
    if (inRegion !== undefined) return { hourlyUsd: inRegion * discount, source: 'catalog' };
    const fallback = p.loadBalancerHourlyUsd[p.fallbackRegion] ?? 0;
    return {
      hourlyUsd: fallback * discount,
      source: 'default',
      fallbackReason: `no ${p.loadBalancerKind} load balancer price for ${region === undefined ? 'an unknown region' : region} in the ${provider} catalog; using the ${p.fallbackRegion} list price`,
    };
  };

  return {
    node,
    storage,
    loadBalancer: (q) => flat('loadBalancer', q),
    clusterManagement: (q) => flat('management', q),
  };
}

/** The volume type priced when nothing identifies one: each provider's default Kubernetes class. */
export const DEFAULT_VOLUME_TYPE: Readonly<Record<CatalogProvider, string>> = { aws: 'gp2', gcp: 'pd-balanced', azure: 'StandardSSD_LRS' };

const AWS_TYPES = ['gp3', 'gp2', 'io2', 'io1', 'st1', 'sc1'];
const GCP_TYPES = ['pd-standard', 'pd-balanced', 'pd-ssd', 'pd-extreme'];
const AZURE_TYPES = ['Premium_LRS', 'StandardSSD_LRS', 'Standard_LRS', 'PremiumV2_LRS', 'UltraSSD_LRS', 'Premium_ZRS', 'StandardSSD_ZRS'];

/** Well-known storage class names of managed Kubernetes services → volume type. */
const CLASS_NAMES: Readonly<Record<CatalogProvider, Readonly<Record<string, string>>>> = {
  aws: { gp2: 'gp2', gp3: 'gp3', 'ebs-sc': 'gp3', 'ebs-gp3': 'gp3', 'ebs-gp2': 'gp2', io1: 'io1', io2: 'io2', st1: 'st1', sc1: 'sc1' },
  gcp: { standard: 'pd-standard', 'standard-rwo': 'pd-balanced', 'premium-rwo': 'pd-ssd', balanced: 'pd-balanced', ssd: 'pd-ssd' },
  azure: {
    default: 'StandardSSD_LRS',
    'managed-csi': 'StandardSSD_LRS',
    'managed-csi-premium': 'Premium_LRS',
    'managed-premium': 'Premium_LRS',
    'managed-standard': 'Standard_LRS',
    'managed-hdd': 'Standard_LRS',
  },
};

/**
 * The volume type a storage query refers to: `parameters.type`/`skuName` when it is one the
 * provider has, else a well-known class name, else a type token inside the class name
 * (`fast-gp3`, `pd-ssd-retain`), else the CSI driver's default type. Undefined when unknown.
 */
export function storageVolumeType(provider: CatalogProvider, q: Pick<StoragePriceQuery, 'storageClass' | 'driver' | 'volumeType'>): string | undefined {
  const types = provider === 'aws' ? AWS_TYPES : provider === 'gcp' ? GCP_TYPES : AZURE_TYPES;
  const byLower = new Map(types.map((t) => [t.toLowerCase(), t]));
  const vt = q.volumeType?.trim().toLowerCase();
  if (vt) {
    const t = byLower.get(vt);
    if (t !== undefined) return t;
  }
  const cls = q.storageClass.toLowerCase();
  const named = CLASS_NAMES[provider][cls];
  if (named !== undefined) return named;
  for (const t of types) if (cls.includes(t.toLowerCase())) return t;
  if (provider === 'aws' && q.driver === 'ebs.csi.aws.com') return 'gp3';
  if (provider === 'aws' && q.driver === 'kubernetes.io/aws-ebs') return 'gp2';
  if (provider === 'gcp' && (q.driver === 'pd.csi.storage.gke.io' || q.driver === 'kubernetes.io/gce-pd')) return 'pd-standard';
  if (provider === 'azure' && (q.driver === 'disk.csi.azure.com' || q.driver === 'kubernetes.io/azure-disk')) return 'StandardSSD_LRS';
  return undefined;
}
