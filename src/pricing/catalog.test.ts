import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { SourceFiles } from '../../scripts/catalog/generate.ts';
import { CATALOG_FILE, formatJson, GENERATED_NOTICE, generateCatalog, readSources, splitRamRate } from '../../scripts/catalog/generate.ts';
import type { CatalogData, GcpMachine } from './catalog.ts';
import { createCatalog, loadCatalog } from './catalog.ts';

test('src/pricing/generated/catalog.json is up to date with scripts/catalog/sources (node scripts/catalog/generate.ts)', () => {
  const committed = readFileSync(CATALOG_FILE, 'utf8');
  assert.equal(committed, generateCatalog(readSources()), 'run: node scripts/catalog/generate.ts');
  // The first key says it is generated and must not be edited; it is dated.
  assert.ok(committed.startsWith(`{\n  "_generated": ${JSON.stringify(GENERATED_NOTICE)},\n  "generatedAt": "`));
});

test('shipped catalog: published figures', () => {
  const c = loadCatalog();
  const prices: [string, number | undefined, number][] = [
    // aws/karpenter-provider-aws zz_generated.pricing_aws.go (2026-01-19), us-east-1.
    ['aws m5.large us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'm5.large'), 0.096],
    ['aws m5.xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'm5.xlarge'), 0.192],
    ['aws c6i.2xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'c6i.2xlarge'), 0.34],
    ['aws g4dn.xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'g4dn.xlarge'), 0.526],
    ['aws p5.48xlarge us-east-1', c.instanceHourlyUsd('aws', 'us-east-1', 'p5.48xlarge'), 55.04],
    // kubernetes/autoscaler gce_price_info.go, us-central1.
    ['gcp t4 per GPU-hour', c.gcpGpuHourlyUsd('nvidia-tesla-t4', 'us-central1', false), 0.35],
    ['gcp t4 spot per GPU-hour', c.gcpGpuHourlyUsd('nvidia-tesla-t4', 'us-central1', true), 0.11],
  ];
  for (const [name, actual, expected] of prices) assert.equal(actual, expected, name);
  assert.deepEqual(c.instanceSpec('aws', 'm5.large'), { vcpus: 2, memoryGiB: 8, gpus: 0 });
  assert.deepEqual(c.instanceSpec('aws', 'g4dn.12xlarge'), { vcpus: 48, memoryGiB: 192, gpus: 4 });
  // N2 predefined: 0.031611 per vCPU-hour, 0.004237 per GB-hour (= OpenCost's defaults); custom N2 0.033174 / 0.004446.
  assert.deepEqual(c.gcpFamilyRates('n2', 'us-central1', false), [0.031611, 0.004237]);
  assert.deepEqual(c.gcpFamilyRates('n2', 'us-central1', true), [0.033174, 0.004446]);
  assert.deepEqual(c.gcpFamilyRates('e2', 'us-central1', false), [0.021811, 0.002923]);
  // OpenCost: spot CPU 0.006655 / 0.031611 and spot RAM 0.000892 / 0.004237, averaged = 0.2105271483.
  assert.equal(c.data.fallback.spotFraction, 0.2105271483);
  assert.deepEqual(c.data.fallback.rates, { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 });
  assert.equal(c.data.fallback.storageGibMonthUsd, 0.04);
  for (const source of Object.values(c.data.sources)) assert.ok(source.read && (source.url || (source.repo && source.path && source.commit)), source.title);
});

test('gcpMachine: predefined, shared-core and custom machine types', () => {
  const c = loadCatalog();
  const table: [string, Omit<GcpMachine, 'machineType'> | undefined][] = [
    ['n2-standard-4', { family: 'n2', vcpus: 4, memoryGiB: 16, custom: false, sharedCore: false }],
    ['n1-highmem-8', { family: 'n1', vcpus: 8, memoryGiB: 52, custom: false, sharedCore: false }],
    ['e2-micro', { family: 'e2', vcpus: 0.25, memoryGiB: 1, custom: false, sharedCore: true }],
    ['e2-small', { family: 'e2', vcpus: 0.5, memoryGiB: 2, custom: false, sharedCore: true }],
    ['e2-medium', { family: 'e2', vcpus: 1, memoryGiB: 4, custom: false, sharedCore: true }],
    ['c3-highcpu-22', { family: 'c3', vcpus: 22, memoryGiB: 44, custom: false, sharedCore: false }],
    // <family>-custom-<vcpus>-<memory MiB>; without a family prefix it is N1.
    ['n2-custom-4-16384', { family: 'n2', vcpus: 4, memoryGiB: 16, custom: true, sharedCore: false }],
    ['custom-2-7680', { family: 'n1', vcpus: 2, memoryGiB: 7.5, custom: true, sharedCore: false }],
    ['n2d-custom-8-65536-ext', { family: 'n2d', vcpus: 8, memoryGiB: 64, custom: true, sharedCore: false }],
    ['n2-custom-0-1024', undefined],
    ['n9-standard-4', undefined],
  ];
  for (const [type, expected] of table) assert.deepEqual(c.gcpMachine(type), expected && { machineType: type, ...expected }, type);
});

test('createCatalog refuses data that is not a generated catalog', () => {
  assert.throws(() => createCatalog({} as CatalogData), { message: 'price catalog: "aws" section is missing or malformed' });
  const data = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as CatalogData;
  assert.throws(() => createCatalog({ ...data, _generated: undefined } as unknown as CatalogData), { message: 'price catalog: not a generated catalog (expected "_generated" and "fallback.rates")' });
});

test("splitRamRate: OpenCost's split of an instance price", () => {
  // cpuToRam = 0.031611 / 0.004237 = 7.460703328; m5.large (2 vCPU, 8 GiB, 0.096):
  // ramRate = 0.096 / (2 × 7.460703328 + 8) = 0.096 / 22.92140666 = 0.004188224634.
  const table: [number, number, number, number, number][] = [
    [0.096, 2, 8, 0, 0.004188224634],
    [0.1, 2, 8, 0, 0.004362733994],
    // GPU weighs gpuToRam = 0.95 / 0.004237 = 224.2152466: 0.526 / (224.2152466 + 4 × 7.460703328 + 16) = 0.526 / 270.0580599 = 0.001947730.
    [0.526, 4, 16, 1, 0.00194773],
  ];
  for (const [price, vcpus, gib, gpus, expected] of table) assert.ok(Math.abs(splitRamRate(price, vcpus, gib, gpus) - expected) < 1e-9, `${price}`);
});

/** The real sources with the instance prices, shapes and GCE machine prices replaced by small fixtures. */
function fixtureSources(over: SourceFiles): SourceFiles {
  const replacesAws = Object.keys(over).some((name) => name.startsWith('aws-ec2-ondemand-'));
  const real = Object.fromEntries(Object.entries(readSources()).filter(([name]) => !(replacesAws && name.startsWith('aws-ec2-ondemand-'))));
  return { ...real, ...over };
}

test('generateCatalog: default rates are the median OpenCost split of general-purpose types', () => {
  const files = fixtureSources({
    'aws-ec2-ondemand-us-east-1.txt': '# fixture\nm5\tlarge=0.096 xlarge=0.192 metal=9\nm6i\tlarge=0.1\nc5\tlarge=0.085\n',
    'aws-ec2-specs.txt': '# fixture\nm5\tlarge=2/8192/0 xlarge=4/16384/0 metal=96/393216/0\nm6i\tlarge=2/8192/0\nc5\tlarge=2/4096/0\n',
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  // General purpose: m5.large, m5.xlarge (same split 0.004188224634), m6i.large (0.004362733994);
  // metal and c5 are left out. Median = 0.004188224634; cpu = × 7.460703328 = 0.03124710146;
  // gpu = × 224.2152466 = 0.9390638193.
  assert.deepEqual(data.aws.defaultRates['us-east-1'], { cpuCoreHourUsd: 0.03124710146, ramGiBHourUsd: 0.004188224634, gpuHourUsd: 0.9390638193 });
  assert.deepEqual(data.aws.onDemandHourlyUsd['us-east-1'], { 'c5.large': 0.085, 'm5.large': 0.096, 'm5.metal': 9, 'm5.xlarge': 0.192, 'm6i.large': 0.1 });
});

test('generateCatalog: GCE family rates are solved from two machine shapes', () => {
  const files = fixtureSources({
    'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn2-standard-2\teurope-west1\t0.1069\t0.02138\nn2-highmem-2\teurope-west1\t0.1441\t0.02882\n',
  });
  const data = JSON.parse(generateCatalog(files)) as CatalogData;
  // 2c + 8m = 0.1069 and 2c + 16m = 0.1441 → m = 0.0372 / 8 = 0.00465, c = (0.1069 − 0.0372) / 2 = 0.03485.
  assert.deepEqual(data.gcp.familyRates['n2']?.['europe-west1'], [0.03485, 0.00465]);
  // Spot prices are 20% of on-demand for both shapes.
  assert.equal(data.gcp.spotFraction['n2']?.['europe-west1'], 0.2);
  assert.ok(data.gcp.regions.includes('europe-west1'));
});

test('generateCatalog: malformed sources fail with file and line', () => {
  const table: [SourceFiles, string][] = [
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=abc\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: not a non-negative number: "abc"'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5 large=1\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: expected <family><TAB><size>=<value> ...'],
    [fixtureSources({ 'aws-ec2-ondemand-us-east-1.txt': 'm5\tlarge=1 large=2\n' }), 'aws-ec2-ondemand-us-east-1.txt:1: duplicate entry m5.large'],
    [fixtureSources({ 'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn9-standard-2\teurope-west1\t1\t1\n' }), 'gcp-machine-prices.tsv:2: machine type "n9-standard-2" has no shape in gcp-machine-shapes.txt'],
    [fixtureSources({ 'gcp-machine-prices.tsv': 'machineType\tregion\thourUsd\tspotHourUsd\nn2-standard-2\teurope-west1\t1\t1\n' }), 'gcp-machine-prices.tsv: cannot solve n2 rates in europe-west1 (need two shapes with different memory per vCPU)'],
  ];
  for (const [files, message] of table) assert.throws(() => generateCatalog(files), { message });
});

test('formatJson: objects pretty-printed to a depth, compact below it', () => {
  assert.equal(formatJson({ a: { b: { c: { d: 1 } } }, e: [1, 2] }, 2), '{\n  "a": {\n    "b": {"c":{"d":1}}\n  },\n  "e": [1,2]\n}');
});
