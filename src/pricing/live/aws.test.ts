import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { computeProduct, onDemandTerm, reservedTerms } from './aws-offer.test-util.ts';
import { awsOnDemandPrice, classifyAwsProduct, fetchAwsBulk, fetchAwsProducts, fetchAwsSpot } from './aws.ts';
import type { CallResult, ProviderHttp } from './http.ts';
import { RateLimiter } from './resilience.ts';
import type { TestServer } from './test-server.test-util.ts';
import { fakeClock, json, startTestServer } from './test-server.test-util.ts';
import { PricingHttpError, PricingPayloadError } from './types.ts';

function httpFor(clock: ReturnType<typeof fakeClock>, calls: string[] = []): ProviderHttp {
  return {
    provider: 'aws',
    limiter: new RateLimiter({ now: clock.now, sleep: clock.sleep }),
    sleep: clock.sleep,
    random: () => 0.5,
    now: clock.now,
    timeoutMs: 2000,
    record: (endpoint: string, result: CallResult) => calls.push(`${endpoint}:${result}`),
  };
}

const VERSION = '/offers/v1.0/aws/AmazonEC2/20261130000000/us-east-1/index.json';
const REGION_INDEX = {
  formatVersion: 'v1.0',
  disclaimer: 'This pricing list is for informational purposes only.',
  publicationDate: '2026-11-30T00:00:00Z',
  regions: {
    'us-east-1': { regionCode: 'us-east-1', currentVersionUrl: VERSION },
    'eu-west-1': { regionCode: 'eu-west-1', currentVersionUrl: '/offers/v1.0/aws/AmazonEC2/20261130000000/eu-west-1/index.json' },
  },
};

/** A small us-east-1 offer: the rows a real file has around m5.large, EBS and data transfer. */
function offer(): string {
  const products: Record<string, unknown> = {
    M5LINUX: computeProduct('M5LINUX', 'us-east-1', 'm5.large'),
    M5WIN: computeProduct('M5WIN', 'us-east-1', 'm5.large', { operatingSystem: 'Windows', operation: 'RunInstances:0002' }),
    M5DED: computeProduct('M5DED', 'us-east-1', 'm5.large', { tenancy: 'Dedicated', usagetype: 'DedicatedUsage:m5.large' }),
    M5UNUSED: computeProduct('M5UNUSED', 'us-east-1', 'm5.large', { capacitystatus: 'UnusedCapacityReservation', usagetype: 'UnusedBox:m5.large' }),
    M5SQL: computeProduct('M5SQL', 'us-east-1', 'm5.large', { preInstalledSw: 'SQL Std' }),
    C6G: computeProduct('C6G', 'us-east-1', 'c6g.xlarge'),
    ZEROPRICE: computeProduct('ZEROPRICE', 'us-east-1', 'x9.nothing'),
    GP3: { sku: 'GP3', productFamily: 'Storage', attributes: { servicecode: 'AmazonEC2', location: 'US East (N. Virginia)', volumeApiName: 'gp3', volumeType: 'General Purpose', usagetype: 'EBS:VolumeUsage.gp3', regionCode: 'us-east-1' } },
    GP3IOPS: { sku: 'GP3IOPS', productFamily: 'System Operation', attributes: { volumeApiName: 'gp3', usagetype: 'EBS:VolumeP-IOPS.gp3', regionCode: 'us-east-1' } },
    OUT: { sku: 'OUT', productFamily: 'Data Transfer', attributes: { transferType: 'AWS Outbound', fromLocation: 'US East (N. Virginia)', fromRegionCode: 'us-east-1', toLocation: 'External', usagetype: 'DataTransfer-Out-Bytes' } },
    AZ: { sku: 'AZ', productFamily: 'Data Transfer', attributes: { transferType: 'IntraRegion', fromRegionCode: 'us-east-1', toRegionCode: 'us-east-1', usagetype: 'DataTransfer-Regional-Bytes' } },
  };
  const outTiers = {
    'OUT.JRTCKXETXF': {
      offerTermCode: 'JRTCKXETXF',
      sku: 'OUT',
      priceDimensions: {
        'OUT.JRTCKXETXF.T3': { unit: 'GB', beginRange: '10240', endRange: '51200', pricePerUnit: { USD: '0.0850000000' } },
        'OUT.JRTCKXETXF.T1': { unit: 'GB', beginRange: '0', endRange: '100', pricePerUnit: { USD: '0.0000000000' } },
        'OUT.JRTCKXETXF.T2': { unit: 'GB', beginRange: '100', endRange: '10240', pricePerUnit: { USD: '0.0900000000' } },
      },
    },
  };
  const terms = {
    OnDemand: {
      M5LINUX: onDemandTerm('M5LINUX', '0.0960000000'),
      M5WIN: onDemandTerm('M5WIN', '0.1880000000'),
      M5DED: onDemandTerm('M5DED', '0.1060000000'),
      M5UNUSED: onDemandTerm('M5UNUSED', '0.0960000000'),
      M5SQL: onDemandTerm('M5SQL', '0.3160000000'),
      C6G: onDemandTerm('C6G', '0.1360000000'),
      ZEROPRICE: onDemandTerm('ZEROPRICE', '0.0000000000'),
      GP3: onDemandTerm('GP3', '0.0800000000', 'GB-Mo'),
      GP3IOPS: onDemandTerm('GP3IOPS', '0.0050000000', 'IOPS-Mo'),
      OUT: outTiers,
      AZ: onDemandTerm('AZ', '0.0100000000', 'GB'),
    },
    Reserved: { M5LINUX: reservedTerms('M5LINUX'), C6G: reservedTerms('C6G') },
  };
  return JSON.stringify({ formatVersion: 'v1.0', disclaimer: 'x', offerCode: 'AmazonEC2', version: '20261130000000', publicationDate: '2026-11-30T00:00:00Z', products, terms }, null, 2);
}

let server: TestServer;
let mode = 'ok';
before(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/offers/v1.0/aws/AmazonEC2/current/region_index.json') {
      if (mode === 'throttle-index' && server.requests.filter((r) => r.url === req.url).length === 1) return json(res, '', 503, { 'retry-after': '3' });
      return json(res, REGION_INDEX);
    }
    if (req.url === VERSION) {
      const body = offer();
      if (mode === 'truncated') {
        // The server promises the whole file and closes early.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        res.end(body.slice(0, Math.floor(body.length * 0.6)));
        res.socket?.destroy();
        return;
      }
      if (mode === 'malformed') return json(res, body.replace('"terms"', '"terms" "oops"'));
      return json(res, body);
    }
    json(res, { message: 'not found' }, 404);
  });
});
after(() => server.close());

test('offer file: only Linux / shared / no software / Used / BoxUsage instances, EBS volume types and transfer out are kept', async () => {
  mode = 'ok';
  const clock = fakeClock();
  const calls: string[] = [];
  const r = await fetchAwsBulk(httpFor(clock, calls), { baseUrl: server.url, region: 'us-east-1' });
  assert.equal(r.version, VERSION);
  assert.deepEqual(
    r.rows.map((x) => `${x.kind} ${x.key} ${x.usd}`).sort(),
    [
      'instance aws|us-east-1|c6g.xlarge 0.136',
      'instance aws|us-east-1|m5.large 0.096',
      'network aws|us-east-1|inter-zone 0.01',
      'network aws|us-east-1|internet 0.09', // the first tier that costs something (0–100 GB is free)
      'storage aws|us-east-1|gp3 0.08',
    ],
  );
  assert.deepEqual(calls, ['region_index:success', 'offer_file:success']);
  assert.equal(r.stats?.products, 11);
});

test('offer file: an unchanged version is not downloaded again', async () => {
  mode = 'ok';
  const before = server.requests.length;
  const r = await fetchAwsBulk(httpFor(fakeClock()), { baseUrl: server.url, region: 'us-east-1', knownVersion: VERSION });
  assert.equal(r.unchanged, true);
  assert.deepEqual(server.requests.slice(before).map((q) => q.url), ['/offers/v1.0/aws/AmazonEC2/current/region_index.json']);
});

test('offer file: a throttled region index (503, Retry-After: 3) is retried after 3 s', async () => {
  mode = 'throttle-index';
  server.requests.length = 0;
  const clock = fakeClock();
  const calls: string[] = [];
  const r = await fetchAwsBulk(httpFor(clock, calls), { baseUrl: server.url, region: 'us-east-1' });
  assert.equal(r.rows.length, 5);
  assert.deepEqual(clock.sleeps, [3000]);
  assert.deepEqual(calls, ['region_index:throttled', 'region_index:success', 'offer_file:success']);
});

test('offer file: truncated and malformed bodies are typed errors, never a short price list', async () => {
  mode = 'truncated';
  const calls: string[] = [];
  await assert.rejects(fetchAwsBulk(httpFor(fakeClock(), calls), { baseUrl: server.url, region: 'us-east-1' }), (err: unknown) => err instanceof PricingPayloadError && /offer_file/.test(err.message));
  assert.equal(calls.at(-1), 'offer_file:malformed');
  mode = 'malformed';
  await assert.rejects(fetchAwsBulk(httpFor(fakeClock()), { baseUrl: server.url, region: 'us-east-1' }), new PricingPayloadError('aws', 'offer_file', 'us-east-1 offer file: expected ":" after "terms" at byte 7604'));
});

test('offer file: a region not in the index, and a mirror that answers 404', async () => {
  mode = 'ok';
  await assert.rejects(fetchAwsBulk(httpFor(fakeClock()), { baseUrl: server.url, region: 'mars-north-1' }), new PricingPayloadError('aws', 'region_index', 'region "mars-north-1" is not in the region index'));
  await assert.rejects(fetchAwsBulk(httpFor(fakeClock()), { baseUrl: `${server.url}/nothing`, region: 'us-east-1' }), (err: unknown) => err instanceof PricingHttpError && err.status === 404);
});

test('classifying products and picking the on-demand price (table)', () => {
  const table: Array<[string, ReturnType<typeof computeProduct> | { productFamily: string; attributes: Record<string, string> }, string | undefined]> = [
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large'), 'instance aws|us-east-1|m5.large'],
    ['us-west-2', computeProduct('a', 'us-west-2', 'm5.large'), 'instance aws|us-west-2|m5.large'], // USW2-BoxUsage:
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large', { operatingSystem: 'RHEL' }), undefined],
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large', { tenancy: 'Host', usagetype: 'HostUsage:m5.large' }), undefined],
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large', { preInstalledSw: 'SQL Web' }), undefined],
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large', { capacitystatus: 'AllocatedCapacityReservation' }), undefined],
    ['us-east-1', computeProduct('a', 'us-east-1', 'm5.large', { usagetype: 'SpotUsage:m5.large' }), undefined],
    ['us-east-1', { productFamily: 'Data Transfer', attributes: { transferType: 'InterRegion Outbound', fromRegionCode: 'us-east-1', toRegionCode: 'eu-west-1' } }, 'network aws|us-east-1|inter-region'],
    ['us-east-1', { productFamily: 'Data Transfer', attributes: { transferType: 'AWS Outbound', fromRegionCode: 'us-west-2', toLocation: 'External' } }, undefined],
  ];
  for (const [region, product, expected] of table) {
    const got = classifyAwsProduct(region, product);
    assert.equal(got ? `${got.kind} ${got.key}` : undefined, expected, JSON.stringify(product.attributes));
  }
  assert.equal(awsOnDemandPrice(onDemandTerm('s', '0.0960000000'), 'Hrs'), 0.096);
  assert.equal(awsOnDemandPrice(onDemandTerm('s', '0.0000000000'), 'Hrs'), undefined, 'zero is not a price');
  assert.equal(awsOnDemandPrice(onDemandTerm('s', 'abc'), 'Hrs'), undefined);
  assert.equal(awsOnDemandPrice(onDemandTerm('s', '0.08', 'GB-Mo'), 'Hrs'), undefined, 'wrong unit');
});

// EC2 Query API answers, as documented for DescribeSpotPriceHistory (XML, namespace of API version 2016-11-15).
function spotXml(items: Array<[string, string, string, string]>, nextToken: string): string {
  const rows = items
    .map(([type, zone, price, ts]) => `    <item>\n      <instanceType>${type}</instanceType>\n      <productDescription>Linux/UNIX</productDescription>\n      <spotPrice>${price}</spotPrice>\n      <timestamp>${ts}</timestamp>\n      <availabilityZone>${zone}</availabilityZone>\n    </item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">\n  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\n  <spotPriceHistorySet>\n${rows}\n  </spotPriceHistorySet>\n  <nextToken>${nextToken}</nextToken>\n</DescribeSpotPriceHistoryResponse>`;
}

test('spot: the real EC2 SDK against a local EC2 endpoint — signed Query requests, pages followed, newest price per zone', async () => {
  let page = 0;
  const ec2 = await startTestServer((req, res) => {
    page++;
    if (page === 1) {
      res.writeHead(503, { 'content-type': 'text/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>d6e0c9f2-EXAMPLE</RequestID></Response>');
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    if (!req.body.includes('NextToken=')) {
      return res.end(
        spotXml(
          [
            ['m5.large', 'us-east-1a', '0.035400', '2026-11-30T05:58:12.000Z'],
            ['m5.large', 'us-east-1a', '0.036100', '2026-11-30T04:01:00.000Z'],
            ['m5.large', 'us-east-1b', '0.038800', '2026-11-30T05:11:40.000Z'],
          ],
          'eyJ2IjoiMiIsImMiOiJwYWdlMiJ9',
        ),
      );
    }
    return res.end(spotXml([['c6g.xlarge', 'us-east-1a', '0.051200', '2026-11-30T05:00:00.000Z'], ['c6g.xlarge', 'us-east-1c', '0', '2026-11-30T05:00:00.000Z']], ''));
  });
  try {
    const clock = fakeClock();
    const calls: string[] = [];
    const rows = await fetchAwsSpot(httpFor(clock, calls), {
      region: 'us-east-1',
      instanceTypes: ['m5.large', 'c6g.xlarge'],
      sdk: { endpoint: ec2.url, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
    });
    assert.deepEqual(
      rows.map((r) => `${r.key} ${r.usd}`).sort(),
      ['aws|us-east-1a|c6g.xlarge 0.0512', 'aws|us-east-1a|m5.large 0.0354', 'aws|us-east-1b|m5.large 0.0388'],
    );
    assert.deepEqual(calls, ['describe_spot_price_history:throttled', 'describe_spot_price_history:success', 'describe_spot_price_history:success']);
    assert.deepEqual(clock.sleeps, [750], 'one backoff: 500 + 0.5·500');
    const first = ec2.requests[1]!;
    assert.equal(first.method, 'POST');
    assert.match(first.body, /Action=DescribeSpotPriceHistory/);
    assert.match(first.body, /InstanceType\.1=m5\.large&InstanceType\.2=c6g\.xlarge/);
    assert.match(first.body, /ProductDescription\.1=Linux%2FUNIX/);
    assert.match(first.body, /StartTime=2026-11-30T06%3A00%3A00/);
    assert.match(String(first.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/ec2\/aws4_request/);
    assert.match(ec2.requests[2]!.body, /NextToken=eyJ2IjoiMiIsImMiOiJwYWdlMiJ9/);
  } finally {
    await ec2.close();
  }
});

test('Price List Query API: the real Pricing SDK against a local endpoint — GetProducts per type and for EBS, NextToken followed, JSON-in-strings parsed', async () => {
  const item = (product: unknown, usd: string, unit = 'Hrs') => {
    const sku = (product as { sku: string }).sku;
    return JSON.stringify({ product, serviceCode: 'AmazonEC2', terms: { OnDemand: onDemandTerm(sku, usd, unit), Reserved: reservedTerms(sku) }, version: '20261130000000', publicationDate: '2026-11-30T00:00:00Z' });
  };
  const bodies: Array<{ target: string; input: { Filters: Array<{ Field: string; Value: string }>; NextToken?: string } }> = [];
  const pricing = await startTestServer((req, res) => {
    const input = JSON.parse(req.body);
    bodies.push({ target: String(req.headers['x-amz-target']), input });
    const field = (f: string) => input.Filters.find((x: { Field: string }) => x.Field === f)?.Value;
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    if (field('productFamily') === 'Storage') {
      const gp3 = { sku: 'GP3', productFamily: 'Storage', attributes: { volumeApiName: 'gp3', usagetype: 'EBS:VolumeUsage.gp3', regionCode: 'us-east-1' } };
      return res.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [item(gp3, '0.0800000000', 'GB-Mo')] }));
    }
    if (field('instanceType') === 'm5.large' && !input.NextToken) {
      return res.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [item(computeProduct('M5', 'us-east-1', 'm5.large'), '0.0960000000')], NextToken: 'tok-2' }));
    }
    if (field('instanceType') === 'm5.large') return res.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [] }));
    return res.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: [] })); // unknown type: an empty answer
  });
  try {
    const calls: string[] = [];
    const rows = await fetchAwsProducts(httpFor(fakeClock(), calls), {
      region: 'us-east-1',
      instanceTypes: ['m5.large', 'x9.unknown'],
      sdk: { endpoint: pricing.url, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
    });
    assert.deepEqual(rows.map((r) => `${r.kind} ${r.key} ${r.usd}`).sort(), ['instance aws|us-east-1|m5.large 0.096', 'storage aws|us-east-1|gp3 0.08']);
    assert.deepEqual(calls, ['get_products:success', 'get_products:success', 'get_products:success', 'get_products:success']);
    assert.equal(bodies[0]!.target, 'AWSPriceListService.GetProducts');
    assert.deepEqual(bodies[0]!.input.Filters.map((f) => `${f.Field}=${f.Value}`), ['regionCode=us-east-1', 'instanceType=m5.large', 'operatingSystem=Linux', 'tenancy=Shared', 'preInstalledSw=NA', 'capacitystatus=Used']);
    assert.equal(bodies[1]!.input.NextToken, 'tok-2');
  } finally {
    await pricing.close();
  }
});
