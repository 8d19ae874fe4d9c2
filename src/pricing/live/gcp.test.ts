import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GcpSku } from './gcp.ts';
import { COMPUTE_ENGINE_SERVICE, fetchGcpCatalog, gcpSkuRows, moneyUsd } from './gcp.ts';
import type { CallResult, ProviderHttp } from './http.ts';
import { RateLimiter } from './resilience.ts';
import type { TestServer } from './test-server.test-util.ts';
import { fakeClock, json, startTestServer } from './test-server.test-util.ts';
import { PricingHttpError, PricingPayloadError } from './types.ts';

function httpFor(clock: ReturnType<typeof fakeClock>, calls: string[] = []): ProviderHttp {
  return { provider: 'gcp', limiter: new RateLimiter({ now: clock.now, sleep: clock.sleep }), sleep: clock.sleep, random: () => 1, now: clock.now, timeoutMs: 2000, record: (e: string, r: CallResult) => calls.push(`${e}:${r}`) };
}

/** A Cloud Billing Catalog SKU as services.skus.list documents it. */
function sku(skuId: string, description: string, resourceFamily: string, resourceGroup: string, usageType: string, regions: string[], units: string, nanos: number, usageUnit = 'h', extraTiers: Array<[number, string, number]> = []) {
  return {
    name: `services/${COMPUTE_ENGINE_SERVICE}/skus/${skuId}`,
    skuId,
    description,
    category: { serviceDisplayName: 'Compute Engine', resourceFamily, resourceGroup, usageType },
    serviceRegions: regions,
    pricingInfo: [
      {
        summary: '',
        pricingExpression: {
          usageUnit,
          displayQuantity: 1,
          tieredRates: [{ startUsageAmount: 0, unitPrice: { currencyCode: 'USD', units, nanos } }, ...extraTiers.map(([start, u, n]) => ({ startUsageAmount: start, unitPrice: { currencyCode: 'USD', units: u, nanos: n } }))],
          usageUnitDescription: usageUnit === 'h' ? 'hour' : usageUnit === 'GiBy.h' ? 'gibibyte hour' : usageUnit,
          baseUnit: usageUnit === 'h' ? 's' : 'By.s',
          baseUnitDescription: 'second',
          baseUnitConversionFactor: 3600,
        },
        currencyConversionRate: 1,
        effectiveTime: '2026-11-29T08:37:10.452Z',
      },
    ],
    serviceProviderName: 'Google',
  };
}

const PAGE1 = {
  skus: [
    sku('0009-6F35-3126', 'N2 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1', 'us-east1'], '0', 31611000),
    sku('000F-E31B-7524', 'N2 Instance Ram running in Americas', 'Compute', 'RAM', 'OnDemand', ['us-central1', 'us-east1'], '0', 4237000, 'GiBy.h'),
    sku('2E27-4F75-95CD', 'N1 Predefined Instance Core running in Americas', 'Compute', 'N1Standard', 'OnDemand', ['us-central1'], '0', 31611000),
    sku('6C71-A8E2-FD8A', 'N1 Predefined Instance Ram running in Americas', 'Compute', 'N1Standard', 'OnDemand', ['us-central1'], '0', 4237000, 'GiBy.h'),
    sku('1DDB-4DCC-7A10', 'Spot Preemptible N2 Instance Core running in Americas', 'Compute', 'CPU', 'Preemptible', ['us-central1'], '0', 7650000),
    sku('1E2B-83D5-3F0C', 'Spot Preemptible N2 Instance Ram running in Americas', 'Compute', 'RAM', 'Preemptible', ['us-central1'], '0', 1025000, 'GiBy.h'),
    sku('CP-E2-CORE', 'E2 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], '0', 21811590),
    sku('CP-E2-RAM', 'E2 Instance Ram running in Americas', 'Compute', 'RAM', 'OnDemand', ['us-central1'], '0', 2923530, 'GiBy.h'),
    sku('CUSTOM', 'N2 Custom Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], '0', 33174000),
    sku('COMMIT', 'Commitment v1: N2 Cpu in Americas for 1 Year', 'Compute', 'CPU', 'Commit1Yr', ['us-central1'], '0', 19915000),
  ],
  nextPageToken: 'APKCS1FX5pOk2Xdx',
};
const PAGE2 = {
  skus: [
    sku('039F-D0DA-4055', 'Nvidia Tesla T4 GPU running in Americas', 'Compute', 'GPU', 'OnDemand', ['us-central1'], '0', 350000000),
    sku('GPU-PRE', 'Nvidia Tesla T4 GPU attached to Spot Preemptible VMs running in Americas', 'Compute', 'GPU', 'Preemptible', ['us-central1'], '0', 110000000),
    sku('D973-5D65-BAB2', 'Storage PD Capacity', 'Storage', 'PDStandard', 'OnDemand', ['us-central1'], '0', 40000000, 'GiBy.mo'),
    sku('B188-61DD-52E4', 'SSD backed PD Capacity', 'Storage', 'SSD', 'OnDemand', ['us-central1'], '0', 170000000, 'GiBy.mo'),
    sku('REGIONAL', 'Regional SSD backed PD Capacity', 'Storage', 'SSD', 'OnDemand', ['us-central1'], '0', 340000000, 'GiBy.mo'),
    sku('DE9E-AFBC-A15A', 'Network Internet Egress from Americas to Americas', 'Network', 'PremiumInternetEgress', 'OnDemand', ['us-central1'], '0', 0, 'GiBy', [[1, '0', 120000000], [1024, '0', 110000000]]),
    sku('NEW-FAMILY', 'Z9 Quantum Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], '1', 0),
    sku('ZERO', 'C3 Instance Core running in Americas', 'Compute', 'CPU', 'OnDemand', ['us-central1'], '0', 0),
  ],
  nextPageToken: '',
};

let server: TestServer;
let mode = 'ok';
before(async () => {
  server = await startTestServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.searchParams.get('key') !== 'test-api-key') return json(res, { error: { code: 403, message: 'The request is missing a valid API key.', status: 'PERMISSION_DENIED' } }, 403);
    if (mode === 'bad-shape') return json(res, { skus: { not: 'a list' } });
    if (mode === 'unavailable') return json(res, { error: { code: 503, status: 'UNAVAILABLE' } }, 503);
    return json(res, url.searchParams.get('pageToken') === 'APKCS1FX5pOk2Xdx' ? PAGE2 : PAGE1);
  });
});
after(() => server.close());

test('catalog: pages followed with pageToken and the API key; family rates, spot, GPU, disks, egress; custom, commitments, regional disks, unknown families and zero prices ignored', async () => {
  mode = 'ok';
  server.requests.length = 0;
  const calls: string[] = [];
  const rows = await fetchGcpCatalog(httpFor(fakeClock(), calls), { baseUrl: server.url, apiKey: 'test-api-key' });
  assert.deepEqual(
    rows.map((r) => `${r.kind} ${r.key} ${Number(r.usd.toPrecision(9))}`).sort(),
    [
      'instance gcp|us-central1|e2|cpu 0.02181159',
      'instance gcp|us-central1|e2|ram 0.00292353',
      'instance gcp|us-central1|gpu|nvidia-tesla-t4 0.35',
      'instance gcp|us-central1|n1|cpu 0.031611',
      'instance gcp|us-central1|n1|ram 0.004237',
      'instance gcp|us-central1|n2|cpu 0.031611',
      'instance gcp|us-central1|n2|ram 0.004237',
      'instance gcp|us-east1|n2|cpu 0.031611',
      'instance gcp|us-east1|n2|ram 0.004237',
      'network gcp|us-central1|internet 0.12', // first paid tier (0–1 GiB free)
      'spot gcp|us-central1|gpu|nvidia-tesla-t4 0.11',
      'spot gcp|us-central1|n2|cpu 0.00765',
      'spot gcp|us-central1|n2|ram 0.001025',
      'storage gcp|us-central1|pd-ssd 0.17',
      'storage gcp|us-central1|pd-standard 0.04',
    ],
  );
  assert.equal(server.requests.length, 2);
  const first = new URL(server.requests[0]!.url, 'http://x');
  assert.equal(first.pathname, `/v1/services/${COMPUTE_ENGINE_SERVICE}/skus`);
  assert.equal(first.searchParams.get('pageToken'), null);
  assert.equal(new URL(server.requests[1]!.url, 'http://x').searchParams.get('pageToken'), 'APKCS1FX5pOk2Xdx');
  assert.deepEqual(calls, ['skus:success', 'skus:success']);
});

test('catalog: a wrong key is a 403 naming the URL without the key; 503 retried then given up; a shapeless page is an error', async () => {
  mode = 'ok';
  await assert.rejects(fetchGcpCatalog(httpFor(fakeClock()), { baseUrl: server.url, apiKey: 'wrong' }), (e: unknown) => e instanceof PricingHttpError && e.status === 403 && e.message.includes('key=REDACTED') && !e.message.includes('wrong'));
  mode = 'unavailable';
  const clock = fakeClock();
  const calls: string[] = [];
  await assert.rejects(fetchGcpCatalog(httpFor(clock, calls), { baseUrl: server.url, apiKey: 'test-api-key' }), (e: unknown) => e instanceof PricingHttpError && e.status === 503);
  // random = 1: delays are the full min(cap, base·2^n): 1000, 2000, 4000
  assert.deepEqual(clock.sleeps, [1000, 2000, 4000]);
  assert.deepEqual(calls, ['skus:throttled', 'skus:throttled', 'skus:throttled', 'skus:throttled']);
  mode = 'bad-shape';
  await assert.rejects(fetchGcpCatalog(httpFor(fakeClock()), { baseUrl: server.url, apiKey: 'test-api-key' }), new PricingPayloadError('gcp', 'skus', 'page 1: "skus" is not an array'));
});

test('money: units + nanos·1e-9 (table)', () => {
  const table: Array<[unknown, unknown, number]> = [
    ['0', 31611000, 0.031611],
    ['1', 500000000, 1.5],
    ['2', 0, 2],
    [undefined, 4237000, 0.004237],
    ['0', undefined, 0],
  ];
  for (const [units, nanos, expected] of table) assert.equal(Number(moneyUsd(units, nanos).toPrecision(12)), expected, `${units} + ${nanos}`);
  assert.deepEqual(gcpSkuRows({ description: 'N2 Instance Core running in Americas', category: { resourceFamily: 'Compute', resourceGroup: 'RAM', usageType: 'OnDemand' }, serviceRegions: ['us-central1'], pricingInfo: [] } as GcpSku), [], 'a core SKU in the RAM group is not trusted');
});
