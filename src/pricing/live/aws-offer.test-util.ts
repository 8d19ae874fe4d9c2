// Realistic AWS EC2 offer-file content, written from the Price List documentation's layout
// (formatVersion, products keyed by sku with productFamily and attributes, terms.OnDemand and
// terms.Reserved keyed by sku then by "<sku>.<offerTermCode>", priceDimensions keyed by
// "<sku>.<offerTermCode>.<rateCode>" with pricePerUnit.USD as a string), and a generator that
// streams an offer file of any size without holding it.

interface Product {
  readonly sku: string;
  readonly productFamily: string;
  readonly attributes: Record<string, string>;
}

export function computeProduct(sku: string, region: string, instanceType: string, over: Record<string, string> = {}): Product {
  const prefix = region === 'us-east-1' ? '' : `${{ 'us-west-2': 'USW2', 'eu-west-1': 'EU' }[region] ?? 'XX'}-`;
  return {
    sku,
    productFamily: 'Compute Instance',
    attributes: {
      servicecode: 'AmazonEC2',
      location: 'US East (N. Virginia)',
      locationType: 'AWS Region',
      instanceType,
      currentGeneration: 'Yes',
      instanceFamily: 'General purpose',
      vcpu: '2',
      physicalProcessor: 'Intel Xeon Platinum 8175',
      memory: '8 GiB',
      storage: 'EBS only',
      networkPerformance: 'Up to 10 Gigabit',
      tenancy: 'Shared',
      operatingSystem: 'Linux',
      licenseModel: 'No License required',
      usagetype: `${prefix}BoxUsage:${instanceType}`,
      operation: 'RunInstances',
      capacitystatus: 'Used',
      preInstalledSw: 'NA',
      regionCode: region,
      servicename: 'Amazon Elastic Compute Cloud',
      ...over,
    },
  };
}

export function onDemandTerm(sku: string, usd: string, unit = 'Hrs', description = 'On Demand Linux'): Record<string, unknown> {
  const code = `${sku}.JRTCKXETXF`;
  return {
    [code]: {
      offerTermCode: 'JRTCKXETXF',
      sku,
      effectiveDate: '2026-11-01T00:00:00Z',
      priceDimensions: {
        [`${code}.6YS6EN2CT7`]: { rateCode: `${code}.6YS6EN2CT7`, description, beginRange: '0', endRange: 'Inf', unit, pricePerUnit: { USD: usd }, appliesTo: [] },
      },
      termAttributes: {},
    },
  };
}

export function reservedTerms(sku: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, years, option] of [
    ['4NA7Y494T4', '1yr', 'No Upfront'],
    ['6QCMYABX3D', '1yr', 'All Upfront'],
    ['HU7G6KETJZ', '1yr', 'Partial Upfront'],
    ['BPH4J8HBKS', '3yr', 'No Upfront'],
  ] as const) {
    const c = `${sku}.${code}`;
    out[c] = {
      offerTermCode: code,
      sku,
      effectiveDate: '2026-11-01T00:00:00Z',
      priceDimensions: { [`${c}.6YS6EN2CT7`]: { rateCode: `${c}.6YS6EN2CT7`, description: 'USD 0.06 per Linux/UNIX (Amazon VPC), m5.large reserved instance applied', beginRange: '0', endRange: 'Inf', unit: 'Hrs', pricePerUnit: { USD: '0.0600000000' }, appliesTo: [] } },
      termAttributes: { LeaseContractLength: years, OfferingClass: 'standard', PurchaseOption: option },
    };
  }
  return out;
}

const HEADER = (region: string) =>
  `{\n  "formatVersion" : "v1.0",\n  "disclaimer" : "This pricing list is for informational purposes only. All prices are subject to the additional terms included in the pricing pages on http://aws.amazon.com. All Free Tier prices are also subject to the terms included at https://aws.amazon.com/free/",\n  "offerCode" : "AmazonEC2",\n  "version" : "20261130000000",\n  "publicationDate" : "2026-11-30T00:00:00Z",\n  "regionCode" : "${region}",\n  "products" : {\n`;

/** The variants a real offer file lists per instance type; only the first is kept by the parser. */
const VARIANTS: ReadonlyArray<Record<string, string>> = [
  {},
  { operatingSystem: 'Windows', licenseModel: 'No License required', usagetype: 'BoxUsage:%t', operation: 'RunInstances:0002' },
  { operatingSystem: 'RHEL', operation: 'RunInstances:0010' },
  { tenancy: 'Dedicated', usagetype: 'DedicatedUsage:%t' },
  { capacitystatus: 'UnusedCapacityReservation', usagetype: 'UnusedBox:%t' },
  { capacitystatus: 'AllocatedCapacityReservation', usagetype: 'Reservation:%t' },
  { preInstalledSw: 'SQL Web', operation: 'RunInstances:0200' },
  { operatingSystem: 'SUSE', operation: 'RunInstances:000g' },
];

/** The price the generator gives the kept (Linux, shared, Used) product of instance type number `i`. */
export function generatedPriceUsd(i: number): number {
  return (i % 997) / 1000 + 0.005;
}

/**
 * Streams an offer file of `types` instance types × 8 variants (so 8·types products), their
 * on-demand terms and four reserved terms each — roughly 5.5 KB per product, as real files are.
 * Instance type i is named `gen${i}.large`; its kept price is `generatedPriceUsd(i)`.
 */
export async function* generateOffer(region: string, types: number): AsyncGenerator<Buffer> {
  const enc = (s: string) => Buffer.from(s, 'utf8');
  const skuOf = (i: number, v: number) => `G${String(i).padStart(8, '0')}V${v}`;
  let buf: string[] = [];
  let size = 0;
  const push = function* (s: string): Generator<Buffer> {
    buf.push(s);
    size += s.length;
    if (size >= 256 * 1024) {
      yield enc(buf.join(''));
      buf = [];
      size = 0;
    }
  };
  yield* push(HEADER(region));
  for (let i = 0; i < types; i++) {
    for (let v = 0; v < VARIANTS.length; v++) {
      const type = `gen${i}.large`;
      const over: Record<string, string> = {};
      for (const [k, val] of Object.entries(VARIANTS[v]!)) over[k] = val.replace('%t', type);
      const sku = skuOf(i, v);
      const last = i === types - 1 && v === VARIANTS.length - 1;
      yield* push(`    "${sku}" : ${JSON.stringify(computeProduct(sku, region, type, over), null, 2).replace(/\n/g, '\n    ')}${last ? '' : ','}\n`);
    }
  }
  yield* push('  },\n  "terms" : {\n    "OnDemand" : {\n');
  for (let i = 0; i < types; i++) {
    for (let v = 0; v < VARIANTS.length; v++) {
      const sku = skuOf(i, v);
      const usd = v === 0 ? generatedPriceUsd(i).toFixed(10) : '0.9990000000';
      const last = i === types - 1 && v === VARIANTS.length - 1;
      yield* push(`      "${sku}" : ${JSON.stringify(onDemandTerm(sku, usd), null, 2).replace(/\n/g, '\n      ')}${last ? '' : ','}\n`);
    }
  }
  yield* push('    },\n    "Reserved" : {\n');
  for (let i = 0; i < types; i++) {
    for (let v = 0; v < VARIANTS.length; v++) {
      const sku = skuOf(i, v);
      const last = i === types - 1 && v === VARIANTS.length - 1;
      yield* push(`      "${sku}" : ${JSON.stringify(reservedTerms(sku), null, 2).replace(/\n/g, '\n      ')}${last ? '' : ','}\n`);
    }
  }
  yield* push('    }\n  },\n  "attributesList" : { }\n}\n');
  if (size > 0) yield enc(buf.join(''));
}
