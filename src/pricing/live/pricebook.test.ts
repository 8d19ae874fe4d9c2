import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapacityType, CloudProvider } from '../../core/model.ts';
import type { NodePriceQuery } from '../../core/pricing.ts';
import { loadCatalog } from '../catalog.ts';
import { parseCustomPricing } from '../custom.ts';
import { createPriceBook } from '../pricebook.ts';
import { createLivePriceBook, DemandTracker } from './pricebook.ts';
import { PriceTable } from './table.ts';
import type { LiveRow } from './types.ts';
import { gcpRateKey, instanceKey, networkKey, spotKey, storageKey } from './types.ts';

const NOW = Date.UTC(2026, 10, 30, 6, 0, 0);
const MIN = 60_000;
const catalog = loadCatalog();

function q(provider: CloudProvider, instanceType: string, region: string, zone: string | undefined, capacityType: CapacityType, cpu = 2, ramGiB = 8): NodePriceQuery {
  return { nodeName: 'n1', provider, instanceType, region, zone, capacityType, capacity: { cpuMillicores: cpu * 1000, ramBytes: ramGiB * 2 ** 30, gpus: 0 }, labels: {} };
}

interface Case {
  readonly name: string;
  /** Rows put in the table, and how many minutes before now. */
  readonly rows: ReadonlyArray<readonly [LiveRow, number]>;
  /** Rows read from the cache file (fetched 1 minute ago, but by an earlier process). */
  readonly fromFile?: readonly LiveRow[];
  readonly custom?: string;
  readonly query: NodePriceQuery;
  /** Expected hourly price and on-demand price (instance quotes), and source. */
  readonly price: number;
  readonly onDemand: number;
  readonly source: string;
  readonly reason?: RegExp;
}

const M5 = instanceKey('aws', 'us-east-1', 'm5.large');
const CASES: Case[] = [
  { name: 'nothing live: the catalog', rows: [], query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.096, onDemand: 0.096, source: 'catalog' },
  { name: 'live on-demand, fetched now', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0]], query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.1, onDemand: 0.1, source: 'live' },
  { name: 'on-demand fetched 59 min ago: still live (TTL 1 h)', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 59]], query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.1, onDemand: 0.1, source: 'live' },
  { name: 'on-demand fetched 61 min ago: cache (past its TTL, still used)', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 61]], query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.1, onDemand: 0.1, source: 'cache' },
  { name: 'on-demand from the cache file: cache', rows: [], fromFile: [{ kind: 'instance', key: M5, usd: 0.1 }], query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.1, onDemand: 0.1, source: 'cache' },
  {
    name: 'spot node: live spot price of its zone',
    rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0], [{ kind: 'spot', key: spotKey('aws', 'us-east-1a', 'm5.large'), usd: 0.04 }, 1], [{ kind: 'spot', key: spotKey('aws', 'us-east-1b', 'm5.large'), usd: 0.05 }, 1]],
    query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'),
    price: 0.04,
    onDemand: 0.1,
    source: 'live',
  },
  {
    name: 'spot price 6 min old (TTL 5 min): cache',
    rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0], [{ kind: 'spot', key: spotKey('aws', 'us-east-1a', 'm5.large'), usd: 0.04 }, 6]],
    query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'),
    price: 0.04,
    onDemand: 0.1,
    source: 'cache',
  },
  {
    // 0.1 × 0.3506493506 (the catalog's us-east-1 ratio) = 0.03506493506
    name: 'spot node, no spot price for its zone: the catalog ratio applied to the live on-demand price, flagged',
    rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0], [{ kind: 'spot', key: spotKey('aws', 'us-east-1b', 'm5.large'), usd: 0.05 }, 1]],
    query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'),
    price: 0.03506493506,
    onDemand: 0.1,
    source: 'live',
    reason: /^node n1: no live spot price for m5\.large in us-east-1a; spot estimated at 35\.06% of the live on-demand price/,
  },
  { name: 'type the catalog lacks but the live list has', rows: [[{ kind: 'instance', key: instanceKey('aws', 'us-east-1', 'x9.huge'), usd: 1.5 }, 0]], query: q('aws', 'x9.huge', 'us-east-1', undefined, 'on-demand'), price: 1.5, onDemand: 1.5, source: 'live' },
  { name: 'custom rates win over live prices', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0]], custom: 'cpuCoreHourUsd: 0.03\nramGiBHourUsd: 0.004\n', query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 2 * 0.03 + 8 * 0.004, onDemand: 2 * 0.03 + 8 * 0.004, source: 'custom' },
  { name: 'the file’s compute discount applies to live prices: 0.1 × 0.8', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0]], custom: 'discountPercent: 20\n', query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'on-demand'), price: 0.08, onDemand: 0.08, source: 'live' },
  { name: 'the file’s spotDiscountPercent applies to the live on-demand price: 0.1 × 0.3', rows: [[{ kind: 'instance', key: M5, usd: 0.1 }, 0]], custom: 'spotDiscountPercent: 70\n', query: q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'), price: 0.03, onDemand: 0.1, source: 'live' },
  {
    name: 'Azure: spot per region',
    rows: [[{ kind: 'instance', key: instanceKey('azure', 'eastus', 'Standard_D4s_v5'), usd: 0.192 }, 0], [{ kind: 'spot', key: spotKey('azure', 'eastus', 'Standard_D4s_v5'), usd: 0.02304 }, 0]],
    query: q('azure', 'Standard_D4s_v5', 'eastus', 'eastus-1', 'spot'),
    price: 0.02304,
    onDemand: 0.192,
    source: 'live',
  },
];

function quoteUsd(quote: { kind: 'instance'; hourlyUsd: number } | { kind: 'rates'; rates: { cpuCoreHourUsd: number; ramGiBHourUsd: number; gpuHourUsd: number } }, cpu: number, ramGiB: number): number {
  return quote.kind === 'instance' ? quote.hourlyUsd : cpu * quote.rates.cpuCoreHourUsd + ramGiB * quote.rates.ramGiBHourUsd;
}

test('node prices: live → cache → catalog, custom first, discounts applied, spot by zone (table)', () => {
  for (const c of CASES) {
    const table = new PriceTable();
    for (const [row, minutesAgo] of c.rows) table.put([row], NOW - minutesAgo * MIN);
    if (c.fromFile) table.load({ format: 1, prices: c.fromFile.map((r) => [`${r.kind}|${r.key}`, r.usd, NOW - MIN]) });
    const custom = c.custom !== undefined ? parseCustomPricing(c.custom, 'pricing.yaml') : undefined;
    const base = createPriceBook({ catalog, ...(custom ? { custom } : {}) });
    const book = createLivePriceBook({ base, table, catalog, custom, now: () => NOW });
    const a = book.node(c.query);
    const cpu = c.query.capacity.cpuMillicores / 1000;
    const ram = c.query.capacity.ramBytes / 2 ** 30;
    assert.equal(Number(quoteUsd(a.price, cpu, ram).toPrecision(10)), Number(c.price.toPrecision(10)), `${c.name}: price`);
    assert.equal(Number(quoteUsd(a.onDemand, cpu, ram).toPrecision(10)), Number(c.onDemand.toPrecision(10)), `${c.name}: on-demand`);
    assert.equal(a.source, c.source, `${c.name}: source`);
    if (c.reason) assert.match(a.fallbackReason ?? '', c.reason, c.name);
    else if (a.source === 'live') assert.equal(a.fallbackReason, undefined, c.name);
  }
});

test('GCP: live family rates × the machine shape; spot rates; the pricing engine answers per instance', () => {
  const table = new PriceTable();
  table.put(
    [
      { kind: 'instance', key: gcpRateKey('us-central1', 'n2', 'cpu'), usd: 0.031611 },
      { kind: 'instance', key: gcpRateKey('us-central1', 'n2', 'ram'), usd: 0.004237 },
      { kind: 'spot', key: gcpRateKey('us-central1', 'n2', 'cpu'), usd: 0.00765 },
      { kind: 'spot', key: gcpRateKey('us-central1', 'n2', 'ram'), usd: 0.001025 },
    ],
    NOW,
  );
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table, catalog, now: () => NOW });
  // n2-standard-4: 4 vCPU, 16 GiB. On demand 4·0.031611 + 16·0.004237 = 0.126444 + 0.067792 = 0.194236
  const od = book.instance({ provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', zone: 'us-central1-a', capacityType: 'on-demand' });
  assert.deepEqual([Number(od.usd.toPrecision(9)), od.source], [0.194236, 'live']);
  // Spot 4·0.00765 + 16·0.001025 = 0.0306 + 0.0164 = 0.047
  const sp = book.spot({ provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', zone: 'us-central1-a' });
  assert.deepEqual([Number(sp.usd.toPrecision(9)), sp.source], [0.047, 'live']);
  // A T4 node: no live GPU price, so GPUs keep the catalog's T4 rate (0.35), and the answer says so.
  const gpuNode = book.node({ ...q('gcp', 'n2-standard-4', 'us-central1', undefined, 'on-demand', 4, 16), capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 1 }, labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' } });
  assert.equal(gpuNode.price.kind === 'rates' && gpuNode.price.rates.gpuHourUsd, 0.35);
  assert.equal(gpuNode.fallbackReason, 'node n1: no live price for accelerator "nvidia-tesla-t4" in us-central1; GPUs priced as the catalog answer does');
  table.put([{ kind: 'instance', key: 'gcp|us-central1|gpu|nvidia-tesla-t4', usd: 0.35 }], NOW);
  const liveGpu = book.node({ ...q('gcp', 'n2-standard-4', 'us-central1', undefined, 'on-demand', 4, 16), capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 1 }, labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' } });
  assert.deepEqual([liveGpu.source, liveGpu.fallbackReason], ['live', undefined]);
  // No live e2 rates: the catalog answers.
  assert.equal(book.instance({ provider: 'gcp', instanceType: 'e2-standard-4', region: 'us-central1', zone: undefined, capacityType: 'on-demand' }).source, 'catalog');
});

test('storage: live per GiB-month; Azure by size tier; the catalog when nothing is live', () => {
  const table = new PriceTable();
  table.put([{ kind: 'storage', key: storageKey('aws', 'us-east-1', 'gp3'), usd: 0.08 }], NOW);
  table.put([{ kind: 'storage', key: storageKey('azure', 'eastus', 'Premium_LRS', 128), usd: 19.71 / 128 }, { kind: 'storage', key: storageKey('azure', 'eastus', 'Premium_LRS', 1024), usd: 135.17 / 1024 }], NOW - 25 * 60 * MIN);
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table, catalog, now: () => NOW });
  const s = (provider: CloudProvider, region: string, storageClass: string, sizeGiB?: number) =>
    book.storagePrice({ provider, region, storageClass, driver: undefined, volumeType: undefined, ...(sizeGiB !== undefined ? { sizeGiB } : {}) });
  const table2: Array<[ReturnType<typeof s>, number, string]> = [
    [s('aws', 'us-east-1', 'gp3'), 0.08, 'live'],
    [s('aws', 'us-east-1', 'gp2'), 0.1, 'catalog'], // gp2 not live: catalog 0.10
    [s('azure', 'eastus', 'managed-premium'), 19.71 / 128, 'cache'], // 25 h old (TTL 24 h); reference tier P10
    [s('azure', 'eastus', 'managed-premium', 100), 19.71 / 100, 'cache'], // a 100 GiB disk pays the 128 GiB tier
    [s('azure', 'eastus', 'managed-premium', 1000), 135.17 / 1000, 'cache'], // P30
  ];
  for (const [a, usd, source] of table2) assert.deepEqual([Number(a.usd.toPrecision(10)), a.source], [Number(usd.toPrecision(10)), source]);
});

test('network: live per GiB sent (AWS inter-zone billed at both ends: 2 × 0.01), else the list prices of src/pricing/network.ts, else unpriced — never zero', () => {
  const table = new PriceTable();
  table.put([{ kind: 'network', key: networkKey('aws', 'us-east-1', 'internet'), usd: 0.09 }, { kind: 'network', key: networkKey('aws', 'us-east-1', 'inter-zone'), usd: 0.01 }], NOW);
  table.put([{ kind: 'network', key: networkKey('gcp', 'us-central1', 'inter-zone'), usd: 0.01 }], NOW);
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table, catalog, now: () => NOW });
  const table2: Array<[CloudProvider, string | undefined, 'internet' | 'inter-zone' | 'inter-region', number | undefined, string]> = [
    ['aws', 'us-east-1', 'internet', 0.09, 'live'],
    ['aws', 'us-east-1', 'inter-zone', 0.02, 'live'], // 0.01 out + 0.01 in
    ['gcp', 'us-central1', 'inter-zone', 0.01, 'live'], // sender only
    ['aws', 'eu-west-1', 'internet', 0.09, 'catalog'], // the sheet's figure
    ['gcp', 'us-central1', 'internet', 0.12, 'catalog'],
    ['azure', 'eastus', 'internet', undefined, 'default'], // no figure anywhere: unpriced
    ['aws', 'us-east-1', 'inter-region', undefined, 'default'],
    ['custom', undefined, 'internet', undefined, 'default'],
  ];
  for (const [provider, region, destination, usd, source] of table2) {
    const a = book.network({ provider, region, destination });
    assert.deepEqual([a.usd, a.source], [usd, source], `${provider} ${region} ${destination}`);
    if (source !== 'live') assert.ok(a.fallbackReason, 'a fallback says why');
  }
  assert.deepEqual(book.networkRates('aws', 'us-east-1'), { inZonePerGibUsd: 0, crossZonePerGibUsd: 0.02, internetPerGibUsd: 0.09 });
  assert.deepEqual(book.networkRates('azure', 'eastus'), { inZonePerGibUsd: 0, crossZonePerGibUsd: 0, internetPerGibUsd: undefined });
  assert.equal(book.networkRates('custom', undefined), undefined);
});

test('look-ups note what the cluster needs, for the refresher', () => {
  const demand = new DemandTracker();
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: new PriceTable(), catalog, demand, now: () => NOW });
  book.node(q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'));
  book.node(q('aws', 'c6g.xlarge', 'us-east-1', 'us-east-1b', 'on-demand'));
  book.storage({ provider: 'azure', region: 'eastus', storageClass: 'default', driver: undefined, volumeType: undefined });
  book.node(q('custom', 'dl380', 'dc1', undefined, 'on-demand'));
  const aws = demand.byRegion.get('aws|us-east-1')!;
  assert.deepEqual([[...aws.instanceTypes], [...aws.spotTypes], [...aws.zones]], [['m5.large', 'c6g.xlarge'], ['m5.large'], ['us-east-1a', 'us-east-1b']]);
  assert.equal(demand.byRegion.get('azure|eastus')?.storage, true);
  assert.deepEqual([...demand.byRegion.keys()], ['aws|us-east-1', 'azure|eastus']);
});
