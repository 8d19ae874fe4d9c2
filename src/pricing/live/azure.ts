// Azure: the Retail Prices API (no credentials). VM prices of the sizes a cluster runs, in its
// region, with `$filter`, following `NextPageLink`; spot rows are those with "Spot" in the SKU or
// meter name; Windows and Low Priority rows are dropped. Managed disks are priced per size tier.
import type { ProviderHttp } from './http.ts';
import { getJson } from './http.ts';
import type { LiveRow } from './types.ts';
import { instanceKey, PricingPayloadError, positivePrice, spotKey, storageKey } from './types.ts';

export const AZURE_PRICING_URL = 'https://prices.azure.com/api/retail/prices';
const API_VERSION = '2023-01-01-preview';
/** A filter with many sizes makes a long URL; the sizes are asked in groups of this many. */
const SIZES_PER_QUERY = 15;
/** Pages followed at most per query (a runaway NextPageLink must not loop forever). */
const MAX_PAGES = 200;

export interface AzureItem {
  readonly retailPrice?: unknown;
  readonly armSkuName?: unknown;
  readonly armRegionName?: unknown;
  readonly meterName?: unknown;
  readonly skuName?: unknown;
  readonly productName?: unknown;
  readonly serviceName?: unknown;
  readonly type?: unknown;
  readonly unitOfMeasure?: unknown;
  readonly currencyCode?: unknown;
  readonly effectiveStartDate?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const quoted = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/** Disk size of each managed-disk tier, in GiB (P/E/S share the sizes). */
export const AZURE_DISK_TIER_GIB: Readonly<Record<string, number>> = {
  1: 4, 2: 8, 3: 16, 4: 32, 6: 64, 10: 128, 15: 256, 20: 512, 30: 1024, 40: 2048, 50: 4096, 60: 8192, 70: 16384, 80: 32767,
};

const DISK_PRODUCTS: Readonly<Record<string, string>> = { P: 'Premium', E: 'StandardSSD', S: 'Standard' };

/** A VM price row → on-demand or spot row; undefined for Windows, Low Priority, reservations and other units. */
export function azureVmRow(region: string, item: AzureItem): LiveRow | undefined {
  // A malformed answer can hold anything in Items[]: what is not an object gives no row.
  if (typeof item !== 'object' || item === null) return undefined;
  if (str(item.type) !== 'Consumption' || str(item.unitOfMeasure) !== '1 Hour') return undefined;
  if (str(item.currencyCode) !== '' && str(item.currencyCode) !== 'USD') return undefined;
  const product = str(item.productName);
  const names = `${str(item.skuName)} ${str(item.meterName)}`;
  if (/Windows/i.test(product) || /Low Priority/i.test(names)) return undefined;
  const size = str(item.armSkuName);
  const usd = positivePrice(item.retailPrice);
  if (size === '' || usd === undefined) return undefined;
  return /Spot/.test(names) ? { kind: 'spot', key: spotKey('azure', region, size), usd } : { kind: 'instance', key: instanceKey('azure', region, size), usd };
}

/** A managed-disk row (`P10 LRS` / meter `P10 LRS Disk`) → USD per GiB-month of that tier. */
export function azureDiskRow(region: string, item: AzureItem): LiveRow | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  if (str(item.type) !== 'Consumption') return undefined;
  const m = /^([PES])(\d+) (LRS|ZRS)$/.exec(str(item.skuName));
  if (!m || str(item.meterName) !== `${str(item.skuName)} Disk`) return undefined;
  const size = AZURE_DISK_TIER_GIB[m[2]!];
  // Per GiB: a tiny price divided by the tier size can underflow to 0, which is no price at all.
  const tierUsd = positivePrice(item.retailPrice);
  const usd = size === undefined || tierUsd === undefined ? undefined : positivePrice(tierUsd / size);
  if (size === undefined || usd === undefined) return undefined;
  return { kind: 'storage', key: storageKey('azure', region, `${DISK_PRODUCTS[m[1]!]}_${m[3]}`, size), usd };
}

/** The query of a NextPageLink (asked of the configured base URL), or a typed error when it is not a URL. */
function nextQuery(link: string, page: number): string {
  try {
    return new URL(link).search;
  } catch {
    throw new PricingPayloadError('azure', 'retail_prices', `page ${page + 1}: NextPageLink is not a URL (got ${JSON.stringify(link.slice(0, 80))})`);
  }
}

/** All items of a filtered query, page after page. */
export async function azureItems(http: ProviderHttp, baseUrl: string, endpoint: string, filter: string): Promise<AzureItem[]> {
  let url: string | undefined = `${baseUrl}?api-version=${API_VERSION}&$filter=${encodeURIComponent(filter)}`;
  const items: AzureItem[] = [];
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES) throw new PricingPayloadError('azure', endpoint, `more than ${MAX_PAGES} pages for ${filter}`);
    const body = (await getJson(http, endpoint, url)) as { Items?: unknown; NextPageLink?: unknown } | null;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.Items)) throw new PricingPayloadError('azure', endpoint, `page ${page + 1}: no "Items" array`);
    items.push(...(body.Items as AzureItem[]));
    const next = body.NextPageLink;
    // The link names prices.azure.com; a mirror or proxy (--azure-pricing-url) is asked the same query.
    url = typeof next === 'string' && next !== '' ? `${baseUrl}${nextQuery(next, page)}` : undefined;
  }
  return items;
}

/** On-demand and spot prices of the given VM sizes (`Standard_D4s_v5`) in a region. */
export async function fetchAzureVms(http: ProviderHttp, { baseUrl = AZURE_PRICING_URL, region, sizes }: { baseUrl?: string; region: string; sizes: readonly string[] }): Promise<LiveRow[]> {
  const rows = new Map<string, LiveRow>();
  for (let i = 0; i < sizes.length; i += SIZES_PER_QUERY) {
    const group = sizes.slice(i, i + SIZES_PER_QUERY);
    const filter = `serviceName eq 'Virtual Machines' and armRegionName eq ${quoted(region)} and priceType eq 'Consumption' and (${group.map((s) => `armSkuName eq ${quoted(s)}`).join(' or ')})`;
    for (const item of await azureItems(http, baseUrl, 'retail_prices', filter)) {
      const row = azureVmRow(region, item);
      // The same size can be listed twice (older effective dates); keep the lower price of the current rows.
      if (row && (rows.get(`${row.kind}|${row.key}`)?.usd ?? Number.POSITIVE_INFINITY) > row.usd) rows.set(`${row.kind}|${row.key}`, row);
    }
  }
  return [...rows.values()];
}

/** Managed-disk prices (Premium SSD, Standard SSD, Standard HDD; every tier) in a region. */
export async function fetchAzureDisks(http: ProviderHttp, { baseUrl = AZURE_PRICING_URL, region }: { baseUrl?: string; region: string }): Promise<LiveRow[]> {
  const products = ['Premium SSD Managed Disks', 'Standard SSD Managed Disks', 'Standard HDD Managed Disks'];
  const filter = `serviceName eq 'Storage' and armRegionName eq ${quoted(region)} and priceType eq 'Consumption' and (${products.map((p) => `productName eq ${quoted(p)}`).join(' or ')})`;
  const rows = new Map<string, LiveRow>();
  for (const item of await azureItems(http, baseUrl, 'retail_prices', filter)) {
    const row = azureDiskRow(region, item);
    if (row && !rows.has(row.key)) rows.set(row.key, row);
  }
  return [...rows.values()];
}
