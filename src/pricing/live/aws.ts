// AWS: on-demand EC2 (Linux, shared tenancy, no pre-installed software, capacity status Used,
// BoxUsage), EBS volume and data-transfer prices from the public bulk Price List files (no
// credentials: region index → the region's offer file, parsed as a stream), and spot prices from
// EC2 DescribeSpotPriceHistory through the official SDK (standard credential chain).
import type { ProviderHttp } from './http.ts';
import { bodyChunks, getJson, getWithRetries, resultOf } from './http.ts';
import { createMemberScanner, JsonStreamError } from './json-stream.ts';
import { withRetries } from './resilience.ts';
import type { LiveRow, NetworkDestination } from './types.ts';
import { instanceKey, networkKey, PricingPayloadError, positivePrice, spotKey, storageKey } from './types.ts';

export const AWS_PRICING_URL = 'https://pricing.us-east-1.amazonaws.com';
const REGION_INDEX_PATH = '/offers/v1.0/aws/AmazonEC2/current/region_index.json';

/** The version URL of a region's current EC2 offer file, from the region index. */
export async function awsOfferUrl(http: ProviderHttp, baseUrl: string, region: string): Promise<{ url: string; version: string }> {
  const index = (await getJson(http, 'region_index', `${baseUrl}${REGION_INDEX_PATH}`)) as { regions?: Record<string, { currentVersionUrl?: unknown }> } | null;
  if (typeof index !== 'object' || index === null || typeof index.regions !== 'object' || index.regions === null) {
    throw new PricingPayloadError('aws', 'region_index', 'no "regions" object in the region index');
  }
  const entry = index.regions[region];
  if (entry === undefined) throw new PricingPayloadError('aws', 'region_index', `region "${region}" is not in the region index`);
  const version = entry.currentVersionUrl;
  if (typeof version !== 'string' || !version.startsWith('/')) throw new PricingPayloadError('aws', 'region_index', `regions.${region}.currentVersionUrl is not a path (got ${JSON.stringify(version)})`);
  return { url: `${baseUrl}${version}`, version };
}

interface OfferProduct {
  readonly productFamily?: string;
  readonly attributes?: Record<string, string | undefined>;
}

interface PriceDimension {
  readonly unit?: string;
  readonly beginRange?: string;
  readonly pricePerUnit?: { readonly USD?: string };
}

const TRANSFER_TYPES: Readonly<Record<string, NetworkDestination>> = {
  'AWS Outbound': 'internet',
  'InterRegion Outbound': 'inter-region',
  IntraRegion: 'inter-zone',
};

/**
 * What a product of the offer file prices, when it is one we keep: a Linux on-demand instance
 * (shared tenancy, no pre-installed software, capacity status Used, BoxUsage), an EBS volume type
 * (per GB-month) or a data transfer out of the region.
 */
export function classifyAwsProduct(region: string, product: OfferProduct): { kind: LiveRow['kind']; key: string; unit: string } | undefined {
  const a = product.attributes;
  if (!a) return undefined;
  if (product.productFamily === 'Compute Instance') {
    if (a.operatingSystem !== 'Linux' || a.tenancy !== 'Shared' || a.preInstalledSw !== 'NA' || a.capacitystatus !== 'Used') return undefined;
    if (!/(^|-)BoxUsage:/.test(a.usagetype ?? '') || !a.instanceType) return undefined;
    return { kind: 'instance', key: instanceKey('aws', region, a.instanceType), unit: 'Hrs' };
  }
  if (product.productFamily === 'Storage' && a.volumeApiName && /(^|-)EBS:VolumeUsage/.test(a.usagetype ?? '')) {
    return { kind: 'storage', key: storageKey('aws', region, a.volumeApiName), unit: 'GB-Mo' };
  }
  if (product.productFamily === 'Data Transfer' && a.fromRegionCode === region) {
    const destination = TRANSFER_TYPES[a.transferType ?? ''];
    if (destination === undefined) return undefined;
    if (destination === 'internet' && a.toLocation !== 'External') return undefined;
    return { kind: 'network', key: networkKey('aws', region, destination), unit: 'GB' };
  }
  return undefined;
}

/**
 * The price of one `terms.OnDemand.<sku>` member: the dimension in the wanted unit; for tiered
 * prices (data transfer) the first tier that costs something (the free allowance is account-wide).
 */
export function awsOnDemandPrice(termsOfSku: unknown, unit: string): number | undefined {
  if (typeof termsOfSku !== 'object' || termsOfSku === null) return undefined;
  const dims: PriceDimension[] = [];
  for (const term of Object.values(termsOfSku as Record<string, { priceDimensions?: Record<string, PriceDimension> }>)) {
    for (const d of Object.values(term?.priceDimensions ?? {})) if (d?.unit === unit) dims.push(d);
  }
  dims.sort((x, y) => Number(x.beginRange ?? 0) - Number(y.beginRange ?? 0));
  for (const d of dims) {
    const p = positivePrice(d.pricePerUnit?.USD);
    if (p !== undefined) return p;
  }
  return undefined;
}

export interface OfferStats {
  readonly bytes: number;
  readonly products: number;
  readonly keptProducts: number;
}

/**
 * Parses an EC2 offer file from a stream of chunks with bounded memory: products first (only the
 * kept ones are remembered, sku → what it prices), then `terms.OnDemand` (only kept skus parsed).
 * Reserved terms are skipped byte by byte without being kept.
 */
export async function parseAwsOffer(region: string, chunks: AsyncIterable<Uint8Array>): Promise<{ rows: LiveRow[]; stats: OfferStats }> {
  const wanted = new Map<string, { kind: LiveRow['kind']; key: string; unit: string }>();
  const found = new Map<string, LiveRow>();
  let products = 0;
  const scanner = createMemberScanner(
    (path, key) => {
      if (path.length === 0) return key === 'products' || key === 'terms' ? 'descend' : 'skip';
      if (path.length === 1 && path[0] === 'products') return 'capture';
      if (path.length === 1 && path[0] === 'terms') return key === 'OnDemand' ? 'descend' : 'skip';
      if (path.length === 2 && path[1] === 'OnDemand') return wanted.has(key) ? 'capture' : 'skip';
      return 'skip';
    },
    (path, key, text) => {
      if (path[0] === 'products') {
        products += 1;
        // Cheap pre-filter before parsing: most products are neither BoxUsage, EBS nor transfer.
        if (!text.includes('BoxUsage:') && !text.includes('EBS:VolumeUsage') && !text.includes('"Data Transfer"')) return;
        const what = classifyAwsProduct(region, JSON.parse(text) as OfferProduct);
        if (what) wanted.set(key, what);
        return;
      }
      const what = wanted.get(key);
      if (!what) return;
      const usd = awsOnDemandPrice(JSON.parse(text), what.unit);
      if (usd === undefined) return;
      const row = { kind: what.kind, key: what.key, usd };
      // Several skus can map to one key (e.g. transfer types across locations): keep the first.
      if (!found.has(`${row.kind}|${row.key}`)) found.set(`${row.kind}|${row.key}`, row);
    },
  );
  try {
    for await (const chunk of chunks) scanner.write(chunk);
    scanner.end();
  } catch (err) {
    if (err instanceof JsonStreamError || err instanceof SyntaxError) throw new PricingPayloadError('aws', 'offer_file', `${region} offer file: ${err.message}`);
    throw err;
  }
  return { rows: [...found.values()], stats: { bytes: scanner.bytes, products, keptProducts: wanted.size } };
}

/** Downloads and parses a region's offer file. `knownVersion`: skip the download when it is current. */
export async function fetchAwsBulk(
  http: ProviderHttp,
  { baseUrl = AWS_PRICING_URL, region, knownVersion }: { baseUrl?: string; region: string; knownVersion?: string | undefined },
): Promise<{ rows: LiveRow[]; version: string; unchanged: boolean; stats?: OfferStats }> {
  const { url, version } = await awsOfferUrl(http, baseUrl, region);
  if (knownVersion === version) return { rows: [], version, unchanged: true };
  const { response, abort } = await getWithRetries(http, 'offer_file', url);
  try {
    const { rows, stats } = await parseAwsOffer(region, bodyChunks(http, 'offer_file', url, response, abort));
    http.record('offer_file', 'success');
    return { rows, version, unchanged: false, stats };
  } catch (err) {
    abort.abort();
    http.record('offer_file', resultOf(err));
    throw err;
  }
}

/** What the SDK's DescribeSpotPriceHistory gives per item (only the fields used). */
export interface SpotPriceItem {
  readonly AvailabilityZone?: string | undefined;
  readonly InstanceType?: string | undefined;
  readonly SpotPrice?: string | undefined;
  readonly Timestamp?: Date | undefined;
}

/** The newest price per (zone, type): the answer lists history, newest first per zone but not overall. */
export function latestSpotRows(items: readonly SpotPriceItem[]): LiveRow[] {
  const newest = new Map<string, { at: number; usd: number; zone: string; type: string }>();
  for (const item of items) {
    const usd = positivePrice(item.SpotPrice);
    if (!item.AvailabilityZone || !item.InstanceType || usd === undefined) continue;
    const at = item.Timestamp?.getTime() ?? 0;
    const k = `${item.AvailabilityZone}|${item.InstanceType}`;
    const prev = newest.get(k);
    if (!prev || at > prev.at) newest.set(k, { at, usd, zone: item.AvailabilityZone, type: item.InstanceType });
  }
  return [...newest.values()].map((v) => ({ kind: 'spot', key: spotKey('aws', v.zone, v.type), usd: v.usd }));
}

export interface AwsSdkOptions {
  /** `--aws-ec2-endpoint`: an EC2 endpoint override (VPC endpoint, mirror, test server). */
  readonly endpoint?: string | undefined;
  /** Default: the SDK's standard chain (environment, IRSA web identity, shared files, instance metadata). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * Current Linux spot prices of the given types in every zone of the region, from EC2
 * DescribeSpotPriceHistory (StartTime = now returns the price in effect now), following NextToken.
 * Each page is one rate-limited, retried call.
 */
export async function fetchAwsSpot(http: ProviderHttp, { region, instanceTypes, sdk = {} }: { region: string; instanceTypes: readonly string[]; sdk?: AwsSdkOptions }): Promise<LiveRow[]> {
  if (instanceTypes.length === 0) return [];
  const { EC2Client, DescribeSpotPriceHistoryCommand } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({
    region,
    maxAttempts: 1, // retries are ours: rate-limited, with backoff, counted
    ...(sdk.endpoint ? { endpoint: sdk.endpoint } : {}),
    ...(sdk.credentials ? { credentials: sdk.credentials } : {}),
  });
  const items: SpotPriceItem[] = [];
  try {
    let token: string | undefined;
    do {
      const input = {
        InstanceTypes: [...instanceTypes] as never[],
        ProductDescriptions: ['Linux/UNIX'],
        StartTime: new Date(http.now()),
        MaxResults: 1000,
        ...(token ? { NextToken: token } : {}),
      };
      const page = await withRetries(
        async () => {
          await http.limiter.acquire();
          try {
            const out = await client.send(new DescribeSpotPriceHistoryCommand(input), http.signal ? { abortSignal: http.signal } : {});
            http.record('describe_spot_price_history', 'success');
            return out;
          } catch (err) {
            http.record('describe_spot_price_history', resultOf(err));
            throw err;
          }
        },
        { sleep: http.sleep, random: http.random, ...(http.backoff ? { backoff: http.backoff } : {}), onRetry: (err, delay) => http.onRetry?.('describe_spot_price_history', err, delay) },
      );
      items.push(...(page.SpotPriceHistory ?? []));
      token = page.NextToken || undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return latestSpotRows(items);
}

/** One item of GetProducts' `PriceList`: a JSON document in a string, `{product, terms, ...}`. */
export function awsPriceListItemRow(region: string, itemJson: string): LiveRow | undefined {
  let item: { product?: OfferProduct; terms?: { OnDemand?: unknown } };
  try {
    item = JSON.parse(itemJson) as typeof item;
  } catch (err) {
    throw new PricingPayloadError('aws', 'get_products', `a PriceList item is not JSON: ${(err as Error).message} (starts ${JSON.stringify(itemJson.slice(0, 40))})`);
  }
  const what = item.product ? classifyAwsProduct(region, item.product) : undefined;
  if (!what) return undefined;
  const usd = awsOnDemandPrice(item.terms?.OnDemand, what.unit);
  return usd === undefined ? undefined : { kind: what.kind, key: what.key, usd };
}

export interface AwsQueryOptions {
  /** `--aws-pricing-endpoint`: the Price List Query API endpoint (default the us-east-1 one). */
  readonly endpoint?: string | undefined;
  readonly credentials?: AwsSdkOptions['credentials'];
}

/**
 * On-demand prices of the given instance types and the region's EBS volume prices from the Price
 * List Query API (`GetProducts`, signed, through `@aws-sdk/client-pricing`): the alternative to the
 * bulk files when only a few types are needed. Needs `pricing:GetProducts`.
 */
export async function fetchAwsProducts(http: ProviderHttp, { region, instanceTypes, sdk = {} }: { region: string; instanceTypes: readonly string[]; sdk?: AwsQueryOptions }): Promise<LiveRow[]> {
  const { PricingClient, GetProductsCommand } = await import('@aws-sdk/client-pricing');
  // The Query API is served from us-east-1 (also eu-central-1, ap-south-1) for every region's prices.
  const client = new PricingClient({ region: 'us-east-1', maxAttempts: 1, ...(sdk.endpoint ? { endpoint: sdk.endpoint } : {}), ...(sdk.credentials ? { credentials: sdk.credentials } : {}) });
  const term = (Field: string, Value: string) => ({ Type: 'TERM_MATCH' as const, Field, Value });
  const queries = [
    ...instanceTypes.map((t) => [term('regionCode', region), term('instanceType', t), term('operatingSystem', 'Linux'), term('tenancy', 'Shared'), term('preInstalledSw', 'NA'), term('capacitystatus', 'Used')]),
    [term('regionCode', region), term('productFamily', 'Storage')],
  ];
  const rows = new Map<string, LiveRow>();
  try {
    for (const filters of queries) {
      let token: string | undefined;
      do {
        const input = { ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: filters, MaxResults: 100, ...(token ? { NextToken: token } : {}) };
        const page = await withRetries(
          async () => {
            await http.limiter.acquire();
            try {
              const out = await client.send(new GetProductsCommand(input), http.signal ? { abortSignal: http.signal } : {});
              http.record('get_products', 'success');
              return out;
            } catch (err) {
              http.record('get_products', resultOf(err));
              throw err;
            }
          },
          { sleep: http.sleep, random: http.random, ...(http.backoff ? { backoff: http.backoff } : {}), onRetry: (err, delay) => http.onRetry?.('get_products', err, delay) },
        );
        if (page.PriceList !== undefined && !Array.isArray(page.PriceList)) throw new PricingPayloadError('aws', 'get_products', '"PriceList" is not an array');
        for (const item of page.PriceList ?? []) {
          const row = awsPriceListItemRow(region, String(item));
          if (row && !rows.has(`${row.kind}|${row.key}`)) rows.set(`${row.kind}|${row.key}`, row);
        }
        token = page.NextToken || undefined;
      } while (token);
    }
  } finally {
    client.destroy();
  }
  return [...rows.values()];
}
