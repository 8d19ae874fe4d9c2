// GCP: the Cloud Billing Catalog API (an API key), Compute Engine's SKUs page by page. Per-family
// core and RAM rates (N1 from the `N1Standard` group; E2, N2, N2D, C2, C3, T2D from the `CPU` and
// `RAM` groups, told apart by description), GPU prices, persistent disks and network egress;
// `Preemptible` usage types are the spot prices. Price = units + nanos·1e-9.
import type { ProviderHttp } from './http.ts';
import { getJson } from './http.ts';
import type { LiveRow, NetworkDestination } from './types.ts';
import { gcpGpuKey, gcpRateKey, networkKey, PricingPayloadError, positivePrice, storageKey } from './types.ts';

export const GCP_PRICING_URL = 'https://cloudbilling.googleapis.com';
/** Compute Engine's service id in the Cloud Billing Catalog. */
export const COMPUTE_ENGINE_SERVICE = '6F81-5844-456A';
const MAX_PAGES = 500;

export interface GcpSku {
  readonly description?: unknown;
  readonly category?: { readonly resourceFamily?: unknown; readonly resourceGroup?: unknown; readonly usageType?: unknown };
  readonly serviceRegions?: unknown;
  readonly pricingInfo?: ReadonlyArray<{ readonly pricingExpression?: { readonly usageUnit?: unknown; readonly tieredRates?: ReadonlyArray<{ readonly startUsageAmount?: unknown; readonly unitPrice?: { readonly units?: unknown; readonly nanos?: unknown; readonly currencyCode?: unknown } }> } }>;
}

/** Google's Money: `units` (a string of whole units) + `nanos` (billionths). */
export function moneyUsd(units: unknown, nanos: unknown): number {
  const u = typeof units === 'string' || typeof units === 'number' ? Number(units) : 0;
  const n = typeof nanos === 'number' ? nanos : 0;
  return u + n * 1e-9;
}

/** The first positive tier of the SKU's current pricing (tiers sorted by start amount). */
export function skuPrice(sku: GcpSku): number | undefined {
  const info = sku.pricingInfo?.[sku.pricingInfo.length - 1];
  const tiers = [...(info?.pricingExpression?.tieredRates ?? [])].sort((a, b) => Number(a.startUsageAmount ?? 0) - Number(b.startUsageAmount ?? 0));
  for (const t of tiers) {
    if (t.unitPrice?.currencyCode !== undefined && t.unitPrice.currencyCode !== 'USD') return undefined;
    const p = positivePrice(moneyUsd(t.unitPrice?.units, t.unitPrice?.nanos));
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Family SKU descriptions ("N2 Instance Core running in Americas", "Spot Preemptible E2 Instance Ram running in ..."). */
const FAMILY_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:Spot )?(?:Preemptible )?N1 Predefined Instance (Core|Ram)\b/, 'n1'],
  [/^(?:Spot )?(?:Preemptible )?E2 Instance (Core|Ram)\b/, 'e2'],
  [/^(?:Spot )?(?:Preemptible )?N2 Instance (Core|Ram)\b/, 'n2'],
  [/^(?:Spot )?(?:Preemptible )?N2D AMD Instance (Core|Ram)\b/, 'n2d'],
  [/^(?:Spot )?(?:Preemptible )?Compute optimized (Core|Ram)\b/, 'c2'],
  [/^(?:Spot )?(?:Preemptible )?C3 Instance (Core|Ram)\b/, 'c3'],
  [/^(?:Spot )?(?:Preemptible )?T2D AMD Instance (Core|Ram)\b/, 't2d'],
];

/** GPU SKU descriptions → the `cloud.google.com/gke-accelerator` label. */
const GPU_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Nvidia Tesla T4 GPU/, 'nvidia-tesla-t4'],
  [/Nvidia Tesla V100 GPU/, 'nvidia-tesla-v100'],
  [/Nvidia Tesla P100 GPU/, 'nvidia-tesla-p100'],
  [/Nvidia Tesla P4 GPU/, 'nvidia-tesla-p4'],
  [/Nvidia Tesla K80 GPU/, 'nvidia-tesla-k80'],
  [/Nvidia L4 GPU/, 'nvidia-l4'],
  [/Nvidia Tesla A100 80GB GPU|Nvidia A100 80GB GPU/, 'nvidia-a100-80gb'],
  [/Nvidia Tesla A100 GPU/, 'nvidia-tesla-a100'],
];

const DISK_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Storage PD Capacity\b/, 'pd-standard'],
  [/^Balanced PD Capacity\b/, 'pd-balanced'],
  [/^SSD backed PD Capacity\b/, 'pd-ssd'],
];

const NETWORK_GROUPS: Readonly<Record<string, NetworkDestination>> = {
  PremiumInternetEgress: 'internet',
  InterregionEgress: 'inter-region',
  InterzoneEgress: 'inter-zone',
};

/** The rows one SKU gives (one per service region), or none when it is not one we price. */
export function gcpSkuRows(sku: GcpSku): LiveRow[] {
  // A malformed page can hold anything in skus[]: what is not an object gives no row.
  if (typeof sku !== 'object' || sku === null) return [];
  const description = typeof sku.description === 'string' ? sku.description : '';
  const family = sku.category?.resourceFamily;
  const group = sku.category?.resourceGroup;
  const usage = sku.category?.usageType;
  const regions = Array.isArray(sku.serviceRegions) ? sku.serviceRegions.filter((r): r is string => typeof r === 'string') : [];
  if (regions.length === 0 || (usage !== 'OnDemand' && usage !== 'Preemptible')) return [];
  if (/Custom|Sole Tenancy|Commitment|Extended|Reserved/.test(description)) return [];
  const usd = skuPrice(sku);
  if (usd === undefined) return [];
  const kind = usage === 'Preemptible' ? 'spot' : 'instance';
  if (family === 'Compute' && (group === 'N1Standard' || group === 'CPU' || group === 'RAM')) {
    for (const [re, fam] of FAMILY_PATTERNS) {
      const m = re.exec(description);
      if (!m) continue;
      if (fam === 'n1' && group !== 'N1Standard') return [];
      if (fam !== 'n1' && group !== (m[1] === 'Core' ? 'CPU' : 'RAM')) return [];
      const resource = m[1] === 'Core' ? 'cpu' : 'ram';
      return regions.map((r) => ({ kind, key: gcpRateKey(r, fam, resource), usd }));
    }
    return [];
  }
  if (family === 'Compute' && group === 'GPU') {
    const gpu = GPU_PATTERNS.find(([re]) => re.test(description));
    return gpu ? regions.map((r) => ({ kind, key: gcpGpuKey(r, gpu[1]), usd })) : [];
  }
  if (family === 'Storage' && usage === 'OnDemand' && !/Regional/.test(description)) {
    const disk = DISK_PATTERNS.find(([re]) => re.test(description));
    return disk ? regions.map((r) => ({ kind: 'storage', key: storageKey('gcp', r, disk[1]), usd })) : [];
  }
  if (family === 'Network' && usage === 'OnDemand' && typeof group === 'string') {
    const destination = NETWORK_GROUPS[group];
    return destination ? regions.map((r) => ({ kind: 'network', key: networkKey('gcp', r, destination), usd })) : [];
  }
  return [];
}

/** Every Compute Engine SKU we price, all regions, following nextPageToken. */
export async function fetchGcpCatalog(http: ProviderHttp, { baseUrl = GCP_PRICING_URL, apiKey }: { baseUrl?: string; apiKey: string }): Promise<LiveRow[]> {
  const rows = new Map<string, LiveRow>();
  let token = '';
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new PricingPayloadError('gcp', 'skus', `more than ${MAX_PAGES} pages`);
    const url = `${baseUrl}/v1/services/${COMPUTE_ENGINE_SERVICE}/skus?pageSize=5000&currencyCode=USD${token ? `&pageToken=${encodeURIComponent(token)}` : ''}&key=${encodeURIComponent(apiKey)}`;
    const body = (await getJson(http, 'skus', url)) as { skus?: unknown; nextPageToken?: unknown } | null;
    if (typeof body !== 'object' || body === null) throw new PricingPayloadError('gcp', 'skus', `page ${page + 1}: not an object`);
    if (body.skus !== undefined && !Array.isArray(body.skus)) throw new PricingPayloadError('gcp', 'skus', `page ${page + 1}: "skus" is not an array`);
    for (const sku of (body.skus ?? []) as GcpSku[]) {
      for (const row of gcpSkuRows(sku)) if (!rows.has(`${row.kind}|${row.key}`)) rows.set(`${row.kind}|${row.key}`, row);
    }
    token = typeof body.nextPageToken === 'string' ? body.nextPageToken : '';
    if (token === '') break;
  }
  return [...rows.values()];
}
