import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AzureItem } from './azure.ts';
import { azureDiskRow, azureVmRow, fetchAzureDisks, fetchAzureVms } from './azure.ts';
import type { CallResult, ProviderHttp } from './http.ts';
import { RateLimiter } from './resilience.ts';
import type { TestServer } from './test-server.test-util.ts';
import { fakeClock, json, startTestServer } from './test-server.test-util.ts';
import { PricingPayloadError, PricingTimeoutError } from './types.ts';

function httpFor(clock: ReturnType<typeof fakeClock>, calls: string[] = [], timeoutMs = 2000): ProviderHttp {
  return { provider: 'azure', limiter: new RateLimiter({ now: clock.now, sleep: clock.sleep }), sleep: clock.sleep, random: () => 0, now: clock.now, timeoutMs, record: (e: string, r: CallResult) => calls.push(`${e}:${r}`) };
}

/** A Retail Prices item as the API documents it (fields in the API's order). */
function item(over: Partial<Record<keyof AzureItem | 'meterId' | 'location' | 'productId' | 'skuId' | 'serviceId' | 'serviceFamily' | 'isPrimaryMeterRegion' | 'tierMinimumUnits' | 'unitPrice', unknown>>): Record<string, unknown> {
  return {
    currencyCode: 'USD',
    tierMinimumUnits: 0.0,
    retailPrice: 0.192,
    unitPrice: 0.192,
    armRegionName: 'eastus',
    location: 'US East',
    effectiveStartDate: '2021-11-01T00:00:00Z',
    meterId: '0c4d2bd4-9d5b-5e0b-8d28-EXAMPLE',
    meterName: 'D4s v5',
    productId: 'DZH318Z0C4K8',
    skuId: 'DZH318Z0C4K8/00G1',
    productName: 'Virtual Machines Dsv5 Series',
    skuName: 'D4s v5',
    serviceName: 'Virtual Machines',
    serviceId: 'DZH313Z7MMC8',
    serviceFamily: 'Compute',
    unitOfMeasure: '1 Hour',
    type: 'Consumption',
    isPrimaryMeterRegion: true,
    armSkuName: 'Standard_D4s_v5',
    ...over,
  };
}

const PAGE1 = {
  BillingCurrency: 'USD',
  CustomerEntityId: 'Default',
  CustomerEntityType: 'Retail',
  Items: [
    item({}),
    item({ retailPrice: 0.376, unitPrice: 0.376, productName: 'Virtual Machines Dsv5 Series Windows' }),
    item({ retailPrice: 0.0384, unitPrice: 0.0384, meterName: 'D4s v5 Low Priority', skuName: 'D4s v5 Low Priority' }),
    item({ retailPrice: 0.02304, unitPrice: 0.02304, meterName: 'D4s v5 Spot', skuName: 'D4s v5 Spot' }),
    item({ retailPrice: 1095.0, unitPrice: 1095.0, type: 'Reservation', unitOfMeasure: '1 Hour', reservationTerm: '1 Year' } as never),
    item({ retailPrice: 0.182, type: 'DevTestConsumption' }),
  ],
  NextPageLink: 'https://prices.azure.com:443/api/retail/prices?api-version=2023-01-01-preview&$filter=serviceName%20eq%20%27Virtual%20Machines%27&$skip=100',
  Count: 6,
};
const PAGE2 = {
  BillingCurrency: 'USD',
  CustomerEntityId: 'Default',
  CustomerEntityType: 'Retail',
  Items: [
    item({ meterName: 'E8s v5', skuName: 'E8s v5', armSkuName: 'Standard_E8s_v5', retailPrice: 0.504, unitPrice: 0.504, productName: 'Virtual Machines Esv5 Series' }),
    item({ meterName: 'E8s v5 Spot', skuName: 'E8s v5 Spot', armSkuName: 'Standard_E8s_v5', retailPrice: 0.0, unitPrice: 0.0, productName: 'Virtual Machines Esv5 Series' }),
  ],
  NextPageLink: null,
  Count: 2,
};

let server: TestServer;
let mode = 'ok';
let vmCalls = 0;
before(async () => {
  server = await startTestServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const filter = url.searchParams.get('$filter') ?? '';
    if (filter.startsWith("serviceName eq 'Storage'")) {
      return json(res, {
        BillingCurrency: 'USD',
        Items: [
          item({ serviceName: 'Storage', productName: 'Premium SSD Managed Disks', skuName: 'P10 LRS', meterName: 'P10 LRS Disk', retailPrice: 19.71, unitOfMeasure: '1/Month', armSkuName: '' }),
          item({ serviceName: 'Storage', productName: 'Premium SSD Managed Disks', skuName: 'P30 LRS', meterName: 'P30 LRS Disk', retailPrice: 135.17, unitOfMeasure: '1/Month', armSkuName: '' }),
          item({ serviceName: 'Storage', productName: 'Premium SSD Managed Disks', skuName: 'P10 LRS', meterName: 'P10 LRS Disk Mount', retailPrice: 1.0, unitOfMeasure: '1/Month', armSkuName: '' }),
          item({ serviceName: 'Storage', productName: 'Standard SSD Managed Disks', skuName: 'E10 LRS', meterName: 'E10 LRS Disk', retailPrice: 9.6, unitOfMeasure: '1/Month', armSkuName: '' }),
          item({ serviceName: 'Storage', productName: 'Standard SSD Managed Disks', skuName: 'E10 LRS', meterName: 'E10 LRS Disk Operations', retailPrice: 0.002, unitOfMeasure: '10K', armSkuName: '' }),
        ],
        NextPageLink: null,
        Count: 5,
      });
    }
    vmCalls++;
    if (mode === 'throttle' && vmCalls === 1) return json(res, { error: { code: 'TooManyRequests' } }, 429, { 'retry-after': '20' });
    if (mode === 'malformed') return json(res, '{"BillingCurrency":"USD","Items":[{"retailPrice":0.1,');
    if (mode === 'empty') return json(res, { BillingCurrency: 'USD', Items: [], NextPageLink: null, Count: 0 });
    if (mode === 'no-items') return json(res, { BillingCurrency: 'USD', Count: 0 });
    if (mode === 'bad-link') return json(res, { ...PAGE1, NextPageLink: 'skip=100' });
    if (mode === 'slow') {
      await new Promise((r) => setTimeout(r, 1500));
      return json(res, PAGE2);
    }
    return json(res, url.searchParams.has('$skip') ? PAGE2 : PAGE1);
  });
});
after(() => server.close());

test('VM prices: filter by region and sizes, NextPageLink followed on the configured base URL, Windows, Low Priority, reservations and dev/test dropped', async () => {
  mode = 'ok';
  server.requests.length = 0;
  const calls: string[] = [];
  const rows = await fetchAzureVms(httpFor(fakeClock(), calls), { baseUrl: `${server.url}/api/retail/prices`, region: 'eastus', sizes: ['Standard_D4s_v5', 'Standard_E8s_v5'] });
  assert.deepEqual(rows.map((r) => `${r.kind} ${r.key} ${r.usd}`).sort(), [
    'instance azure|eastus|Standard_D4s_v5 0.192',
    'instance azure|eastus|Standard_E8s_v5 0.504',
    'spot azure|eastus|Standard_D4s_v5 0.02304',
    // the E8s v5 spot row says 0.0: not a price, so E8s v5 spot falls back (never priced at zero)
  ]);
  assert.equal(server.requests.length, 2);
  const first = new URL(server.requests[0]!.url, 'http://x');
  assert.equal(first.pathname, '/api/retail/prices');
  assert.equal(first.searchParams.get('api-version'), '2023-01-01-preview');
  assert.equal(first.searchParams.get('$filter'), "serviceName eq 'Virtual Machines' and armRegionName eq 'eastus' and priceType eq 'Consumption' and (armSkuName eq 'Standard_D4s_v5' or armSkuName eq 'Standard_E8s_v5')");
  assert.equal(new URL(server.requests[1]!.url, 'http://x').searchParams.get('$skip'), '100');
  assert.deepEqual(calls, ['retail_prices:success', 'retail_prices:success']);
});

test('VM prices: 429 with Retry-After 20 s waits 20 s and retries', async () => {
  mode = 'throttle';
  vmCalls = 0;
  const clock = fakeClock();
  const calls: string[] = [];
  const rows = await fetchAzureVms(httpFor(clock, calls), { baseUrl: server.url, region: 'eastus', sizes: ['Standard_D4s_v5'] });
  assert.equal(rows.length, 4 - 1); // D4s on-demand, D4s spot, E8s on-demand
  assert.deepEqual(clock.sleeps, [20_000]);
  assert.deepEqual(calls, ['retail_prices:throttled', 'retail_prices:success', 'retail_prices:success']);
});

test('VM prices: malformed, empty and shapeless answers; a server that does not answer in time', async () => {
  mode = 'malformed';
  await assert.rejects(fetchAzureVms(httpFor(fakeClock()), { baseUrl: server.url, region: 'eastus', sizes: ['Standard_D4s_v5'] }), (e: unknown) => e instanceof PricingPayloadError && /retail_prices: not JSON from http:\/\/127\.0\.0\.1:\d+\?api-version=.*Expected double-quoted property name in JSON at position 53 .*\(53 bytes, ends /.test(e.message));
  mode = 'empty';
  assert.deepEqual(await fetchAzureVms(httpFor(fakeClock()), { baseUrl: server.url, region: 'eastus', sizes: ['Standard_Unknown_v9'] }), []);
  mode = 'no-items';
  await assert.rejects(fetchAzureVms(httpFor(fakeClock()), { baseUrl: server.url, region: 'eastus', sizes: ['Standard_D4s_v5'] }), new PricingPayloadError('azure', 'retail_prices', 'page 1: no "Items" array'));
  mode = 'bad-link';
  await assert.rejects(fetchAzureVms(httpFor(fakeClock()), { baseUrl: server.url, region: 'eastus', sizes: ['Standard_D4s_v5'] }), new PricingPayloadError('azure', 'retail_prices', 'page 1: NextPageLink is not a URL (got "skip=100")'));
  mode = 'slow';
  const clock = fakeClock();
  const calls: string[] = [];
  await assert.rejects(fetchAzureVms({ ...httpFor(clock, calls, 200), backoff: { maxAttempts: 2 } }, { baseUrl: server.url, region: 'eastus', sizes: ['Standard_D4s_v5'] }), PricingTimeoutError);
  assert.deepEqual(calls, ['retail_prices:timeout', 'retail_prices:timeout']);
  assert.deepEqual(clock.sleeps, [500]);
});

test('managed disks: tier price ÷ tier size per GiB-month; operations and mounts ignored', async () => {
  mode = 'ok';
  const rows = await fetchAzureDisks(httpFor(fakeClock()), { baseUrl: server.url, region: 'eastus' });
  // P10 19.71 / 128 = 0.15398…, P30 135.17 / 1024 = 0.13200…, E10 9.60 / 128 = 0.075
  assert.deepEqual(rows.map((r) => `${r.key} ${r.usd.toFixed(6)}`).sort(), ['azure|eastus|Premium_LRS|1024 0.132002', 'azure|eastus|Premium_LRS|128 0.153984', 'azure|eastus|StandardSSD_LRS|128 0.075000']);
});

test('row rules (table)', () => {
  const table: Array<[Record<string, unknown>, string | undefined]> = [
    [item({}), 'instance azure|eastus|Standard_D4s_v5'],
    [item({ skuName: 'D4s v5 Spot', meterName: 'D4s v5 Spot' }), 'spot azure|eastus|Standard_D4s_v5'],
    [item({ productName: 'Virtual Machines Dsv5 Series Windows' }), undefined],
    [item({ skuName: 'D4s v5 Low Priority', meterName: 'D4s v5 Low Priority' }), undefined],
    [item({ retailPrice: -1 }), undefined],
    [item({ retailPrice: 'NaN' }), undefined],
    [item({ armSkuName: '' }), undefined],
    [item({ currencyCode: 'EUR' }), undefined],
    [item({ unitOfMeasure: '1/Month' }), undefined],
  ];
  for (const [i, expected] of table) {
    const row = azureVmRow('eastus', i as AzureItem);
    assert.equal(row ? `${row.kind} ${row.key}` : undefined, expected, JSON.stringify(i));
  }
  assert.equal(azureDiskRow('eastus', item({ skuName: 'S4 LRS', meterName: 'S4 LRS Disk', retailPrice: 1.54 }) as AzureItem)?.key, 'azure|eastus|Standard_LRS|32');
  assert.equal(azureDiskRow('eastus', item({ skuName: 'P99 LRS', meterName: 'P99 LRS Disk', retailPrice: 1 }) as AzureItem), undefined, 'unknown tier');
  // Found by the fuzz test (seed -1279253811): a denormal tier price per GiB underflows to 0, which is no price.
  assert.equal(azureDiskRow('eastus', item({ skuName: 'P10 LRS', meterName: 'P10 LRS Disk', retailPrice: 5e-324 }) as AzureItem), undefined, 'underflows to zero per GiB');
});
