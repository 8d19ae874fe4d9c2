import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CapacityType, CloudProvider } from '../../core/model.ts';
import type { NodePriceQuery } from '../../core/pricing.ts';
import { loadCatalog } from '../catalog.ts';
import { createPriceBook } from '../pricebook.ts';
import { computeProduct, onDemandTerm } from './aws-offer.test-util.ts';
import { renderLivePricingMetrics } from './metrics.ts';
import { createLivePriceBook } from './pricebook.ts';
import { LivePricing } from './refresher.ts';
import { loadCacheFile, PriceTable } from './table.ts';
import type { TestServer } from './test-server.test-util.ts';
import { fakeClock, json, startTestServer } from './test-server.test-util.ts';

const catalog = loadCatalog();
const VERSION = '/offers/v1.0/aws/AmazonEC2/20261130000000/us-east-1/index.json';
let server: TestServer;
let down = new Set<string>();

before(async () => {
  server = await startTestServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const provider = req.method === 'POST' ? 'ec2' : url.pathname.startsWith('/offers') ? 'aws' : url.pathname.startsWith('/api/retail') ? 'azure' : 'gcp';
    if (down.has(provider)) return json(res, { error: 'unavailable' }, 503);
    if (provider === 'ec2') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      return res.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><spotPriceHistorySet><item><instanceType>m5.large</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>0.035400</spotPrice><timestamp>2026-11-30T05:58:12.000Z</timestamp><availabilityZone>us-east-1a</availabilityZone></item></spotPriceHistorySet><nextToken></nextToken></DescribeSpotPriceHistoryResponse>',
      );
    }
    if (url.pathname === '/offers/v1.0/aws/AmazonEC2/current/region_index.json') return json(res, { formatVersion: 'v1.0', regions: { 'us-east-1': { regionCode: 'us-east-1', currentVersionUrl: VERSION } } });
    if (url.pathname === VERSION) {
      return json(res, {
        formatVersion: 'v1.0',
        products: { M5: computeProduct('M5', 'us-east-1', 'm5.large'), GP3: { sku: 'GP3', productFamily: 'Storage', attributes: { volumeApiName: 'gp3', usagetype: 'EBS:VolumeUsage.gp3' } } },
        terms: { OnDemand: { M5: onDemandTerm('M5', '0.0960000000'), GP3: onDemandTerm('GP3', '0.0800000000', 'GB-Mo') } },
      });
    }
    if (provider === 'azure') {
      return json(res, {
        BillingCurrency: 'USD',
        Items: [
          { currencyCode: 'USD', retailPrice: 0.192, armRegionName: 'eastus', meterName: 'D4s v5', productName: 'Virtual Machines Dsv5 Series', skuName: 'D4s v5', serviceName: 'Virtual Machines', unitOfMeasure: '1 Hour', type: 'Consumption', armSkuName: 'Standard_D4s_v5' },
        ],
        NextPageLink: null,
      });
    }
    return json(res, {
      skus: [
        { description: 'N2 Instance Core running in Americas', category: { resourceFamily: 'Compute', resourceGroup: 'CPU', usageType: 'OnDemand' }, serviceRegions: ['us-central1'], pricingInfo: [{ pricingExpression: { usageUnit: 'h', tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units: '0', nanos: 31611000 } }] } }] },
        { description: 'N2 Instance Ram running in Americas', category: { resourceFamily: 'Compute', resourceGroup: 'RAM', usageType: 'OnDemand' }, serviceRegions: ['us-central1'], pricingInfo: [{ pricingExpression: { usageUnit: 'GiBy.h', tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units: '0', nanos: 4237000 } }] } }] },
      ],
      nextPageToken: '',
    });
  });
});
after(() => server.close());

function q(provider: CloudProvider, instanceType: string, region: string, zone: string | undefined, capacityType: CapacityType): NodePriceQuery {
  return { nodeName: `${provider}-node`, provider, instanceType, region, zone, capacityType, capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 0 }, labels: {} };
}

function setup(dir: string, clock: ReturnType<typeof fakeClock>, table = new PriceTable(), mode: 'auto' | 'on' = 'on') {
  const live = new LivePricing({
    mode,
    aws: { baseUrl: server.url, sdk: { endpoint: server.url, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } } },
    azure: { baseUrl: `${server.url}/api/retail/prices` },
    gcp: { baseUrl: server.url, apiKey: 'k' },
    table,
    cacheFile: join(dir, 'pricing-cache.json'),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    timeoutMs: 2000,
  });
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: live.table, catalog, demand: live.demand, now: clock.now });
  const ask = () => [book.node(q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot')), book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand')), book.node(q('gcp', 'n2-standard-4', 'us-central1', undefined, 'on-demand'))];
  return { live, book, ask };
}

const callCount = (live: LivePricing) => [...live.calls.values()].reduce((s, c) => s + c.count, 0);

test('refresh: what the cluster asks for is fetched, then answered live; TTLs decide what is fetched again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  down = new Set();
  try {
    const clock = fakeClock();
    const { live, ask } = setup(dir, clock);
    assert.deepEqual(ask().map((a) => a.source), ['catalog', 'catalog', 'catalog'], 'before any refresh');
    await live.refresh();
    const answers = ask();
    assert.deepEqual(answers.map((a) => a.source), ['live', 'live', 'live']);
    assert.deepEqual(answers[0]!.price, { kind: 'instance', hourlyUsd: 0.0354 });
    assert.deepEqual(answers[1]!.price, { kind: 'instance', hourlyUsd: 0.192 });
    assert.deepEqual(answers[2]!.price, { kind: 'rates', rates: { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: answers[2]!.price.kind === 'rates' ? answers[2]!.price.rates.gpuHourUsd : 0 } });
    // region index + offer file, spot, Azure VMs, GCP catalog
    assert.equal(callCount(live), 5);

    clock.advance(4 * 60_000);
    await live.refresh();
    assert.equal(callCount(live), 5, 'nothing due after 4 minutes');
    clock.advance(2 * 60_000);
    await live.refresh();
    assert.equal(callCount(live), 6, 'after 6 minutes only the spot price (TTL 5 min) is fetched again');
    clock.advance(55 * 60_000);
    await live.refresh();
    // 61 min: AWS region index (offer unchanged: not downloaded), spot, Azure, GCP
    assert.equal(callCount(live), 10);
    assert.equal(server.requests.filter((r) => r.url === VERSION).length, 1, 'the offer file is downloaded once while its version is current');

    const metrics = renderLivePricingMetrics(live, 'prometheus', 'cluster="c1"', clock.now());
    assert.match(metrics, /^kube_cost_pricing_api_calls_total\{cluster="c1",provider="aws",endpoint="offer_file",result="success"\} 1$/m);
    assert.match(metrics, /^kube_cost_pricing_api_calls_total\{cluster="c1",provider="aws",endpoint="region_index",result="success"\} 2$/m);
    assert.match(metrics, /^kube_cost_pricing_source\{cluster="c1",provider="aws",kind="instance",source="live"\} 1$/m);
    assert.match(metrics, /^kube_cost_pricing_staleness_seconds\{cluster="c1",provider="gcp"\} 0$/m);
    assert.match(metrics, /^kube_cost_pricing_breaker_state\{cluster="c1",provider="azure",state="closed"\} 1$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restart: the cache file is read back and nothing is refetched within the TTLs; answers say cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  down = new Set();
  try {
    const clock = fakeClock();
    const first = setup(dir, clock);
    first.ask();
    await first.live.refresh();
    const file = join(dir, 'pricing-cache.json');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).format, 1);

    clock.advance(2 * 60_000);
    const table = new PriceTable();
    assert.deepEqual(loadCacheFile(table, file), { loaded: 6, skipped: 0 });
    const second = setup(dir, clock, table);
    const answers = second.ask();
    await second.live.refresh();
    assert.equal(callCount(second.live), 0, 'no call after a restart within the TTLs');
    assert.deepEqual(answers.map((a) => a.source), ['cache', 'cache', 'cache']);
    assert.equal(answers[0]!.price.kind === 'instance' && answers[0]!.price.hourlyUsd, 0.0354);

    // A size the cache file's refresh was not asked for is fetched at once, not at the end of the TTL.
    second.book.node(q('azure', 'Standard_E8s_v5', 'eastus', undefined, 'on-demand'));
    await second.live.refresh();
    assert.deepEqual([...second.live.calls.values()].map((c) => `${c.provider} ${c.endpoint} ${c.result} ${c.count}`), ['azure retail_prices success 1']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a provider down: retries, then the breaker opens; prices come from the cache, then the catalog — never zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  down = new Set();
  try {
    const clock = fakeClock();
    const { live, book, ask } = setup(dir, clock);
    ask();
    await live.refresh();
    down = new Set(['azure']);
    clock.advance(61 * 60_000);
    for (let i = 0; i < 3; i++) {
      await live.refresh();
      clock.advance(60_000);
    }
    assert.equal(live.breakerState('azure'), 'open');
    const azureCalls = [...live.calls.values()].filter((c) => c.provider === 'azure' && c.result === 'throttled').reduce((s, c) => s + c.count, 0);
    assert.equal(azureCalls, 12, '3 refreshes × 4 attempts');
    await live.refresh();
    assert.equal([...live.calls.values()].filter((c) => c.provider === 'azure' && c.result === 'throttled').reduce((s, c) => s + c.count, 0), 12, 'open: no call');
    const a = book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand'));
    assert.deepEqual([a.source, a.price], ['cache', { kind: 'instance', hourlyUsd: 0.192 }]);
    const unknown = book.node(q('azure', 'Standard_E8s_v5', 'eastus', undefined, 'on-demand'));
    assert.equal(unknown.source, 'catalog');
    assert.ok(unknown.price.kind === 'instance' && unknown.price.hourlyUsd > 0);

    // After the cool-down (5 min) one probe goes; the provider is back: closed again.
    down = new Set();
    clock.advance(5 * 60_000);
    await live.refresh();
    assert.equal(live.breakerState('azure'), 'closed');
    assert.equal(book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand')).source, 'live');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--pricing-refresh auto: a provider not reachable at its first call is turned off; GCP without a key stays on the catalog', async () => {
  const clock = fakeClock();
  const closed = await startTestServer(() => undefined);
  const deadUrl = closed.url;
  await closed.close();
  const live = new LivePricing({ mode: 'auto', azure: { baseUrl: deadUrl }, gcp: { apiKey: undefined }, now: clock.now, sleep: clock.sleep, random: () => 0, timeoutMs: 1000 });
  const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: live.table, catalog, demand: live.demand, now: clock.now });
  book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand'));
  book.node(q('gcp', 'n2-standard-4', 'us-central1', undefined, 'on-demand'));
  await live.refresh();
  const s = live.status();
  assert.equal(s.azure.enabled, false);
  assert.match(s.azure.why, /^not reachable at the first call: azure retail_prices: cannot reach http:\/\/127\.0\.0\.1:\d+\?api-version=/);
  assert.deepEqual([s.gcp.enabled, s.gcp.why], [false, 'no API key (--gcp-api-key-file)']);
  const calls = [...live.calls.values()].map((c) => `${c.provider} ${c.endpoint} ${c.result} ${c.count}`);
  assert.deepEqual(calls, ['azure retail_prices unreachable 4']);
  clock.advance(2 * 3_600_000);
  await live.refresh();
  assert.equal([...live.calls.values()][0]!.count, 4, 'off: never called again');
  assert.equal(book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand')).source, 'catalog');
});

// Without the abort this test would run into the 60 s call timeout (and the test's own 20 s timeout).
test('stop: a refresh waiting on a provider that does not answer ends at once', { timeout: 20_000 }, async () => {
  const silent = await startTestServer(() => undefined); // never answers
  try {
    const live = new LivePricing({ mode: 'on', azure: { baseUrl: silent.url }, timeoutMs: 60_000 });
    const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: live.table, catalog, demand: live.demand, now: Date.now });
    book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand'));
    const refreshing = live.refresh();
    while (silent.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await live.stop();
    await refreshing;
    assert.equal(live.status().azure.lastError, undefined, 'a stop is not a provider failure');
    assert.equal(live.breakerState('azure'), 'closed');
  } finally {
    await silent.close();
  }
});

test('a cache file that cannot be written is reported once, and prices are still served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  down = new Set();
  try {
    const clock = fakeClock();
    const lines: string[] = [];
    const log = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const live = new LivePricing({ mode: 'on', azure: { baseUrl: `${server.url}/api/retail/prices` }, cacheFile: join(dir, 'not-a-dir', 'cache.json'), now: clock.now, sleep: clock.sleep, random: () => 0, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } });
    const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: live.table, catalog, demand: live.demand, now: clock.now });
    book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand'));
    await live.refresh();
    clock.advance(61 * 60_000);
    await live.refresh();
    assert.equal(lines.filter((l) => l.startsWith('warn live pricing: cannot write the price cache')).length, 1);
    assert.equal(book.node(q('azure', 'Standard_D4s_v5', 'eastus', undefined, 'on-demand')).source, 'live');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--pricing-refresh auto without AWS credentials: list prices still come from the bulk files; spot is turned off and estimated', async () => {
  down = new Set();
  const saved = { ...process.env };
  // No credentials anywhere the SDK's chain looks (and no instance metadata to wait for).
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) delete process.env[k];
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
  process.env.AWS_CONFIG_FILE = join(dir, 'none');
  try {
    const clock = fakeClock();
    const lines: string[] = [];
    const log = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
    const live = new LivePricing({ mode: 'auto', aws: { baseUrl: server.url, sdk: { endpoint: server.url } }, now: clock.now, sleep: clock.sleep, random: () => 0, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } });
    const book = createLivePriceBook({ base: createPriceBook({ catalog }), table: live.table, catalog, demand: live.demand, now: clock.now });
    book.node(q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'));
    await live.refresh();
    assert.ok(lines.some((l) => /^warn live pricing: aws\|us-east-1\|spot off \(--pricing-refresh auto\): no AWS credentials found/.test(l)), lines.join('\n'));
    const a = book.node(q('aws', 'm5.large', 'us-east-1', 'us-east-1a', 'spot'));
    // 0.096 (live list price) × 0.3506493506 (the catalog's us-east-1 spot ratio) = 0.03366233766
    assert.deepEqual([a.source, a.price.kind === 'instance' && Number(a.price.hourlyUsd.toPrecision(10))], ['live', 0.03366233766]);
    clock.advance(10 * 60_000);
    const before = [...live.calls.values()].filter((c) => c.endpoint === 'describe_spot_price_history').length;
    await live.refresh();
    assert.equal([...live.calls.values()].filter((c) => c.endpoint === 'describe_spot_price_history').length, before, 'spot not asked again');
    assert.equal(live.status().aws.enabled, true, 'the provider stays on for list prices');
    assert.deepEqual([...live.calls.values()].filter((c) => c.endpoint === 'describe_spot_price_history').map((c) => `${c.result} ${c.count}`), ['no_credentials 1']);
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
