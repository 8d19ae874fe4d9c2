import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import type { NodePriceQuery } from '../core/pricing.ts';
import { SEED_CATALOG } from './catalog.ts';
import { parseCustomPricing } from './custom.ts';
import { createPriceBook } from './pricebook.ts';

const q = (over: Partial<NodePriceQuery>): NodePriceQuery => ({
  nodeName: 'n1',
  provider: 'aws',
  instanceType: 'm5.xlarge',
  region: 'us-east-1',
  zone: 'us-east-1a',
  capacityType: 'on-demand',
  capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 0 },
  labels: {},
  ...over,
});

test('catalog prices (published us-east-1 on-demand figures) and fallbacks with reasons', () => {
  const book = createPriceBook({ catalog: SEED_CATALOG });
  const table: [Partial<NodePriceQuery>, unknown, string, string | undefined][] = [
    [{}, { kind: 'instance', hourlyUsd: 0.192 }, 'catalog', undefined],
    [{ instanceType: 'g4dn.xlarge' }, { kind: 'instance', hourlyUsd: 0.526 }, 'catalog', undefined],
    [{ instanceType: 'c6i.2xlarge', capacityType: 'spot' }, { kind: 'instance', hourlyUsd: 0.34 }, 'catalog', 'node n1: no spot price source yet; spot node priced at its on-demand price (c6i.2xlarge in us-east-1)'],
    [{ instanceType: 'm99.huge' }, { kind: 'rates', rates: { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 } }, 'default', 'node n1: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates'],
    [{ region: 'eu-west-1' }, { kind: 'rates', rates: { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 } }, 'default', 'node n1: region "eu-west-1" not in the aws catalog; using default rates'],
    [{ instanceType: undefined, provider: 'custom', region: undefined }, { kind: 'rates', rates: { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 } }, 'default', 'node n1: no instance-type label; using default rates'],
  ];
  for (const [over, price, source, reason] of table) {
    const a = book.node(q(over));
    assert.deepEqual(a.price, price, JSON.stringify(over));
    assert.equal(a.source, source);
    assert.equal(a.fallbackReason, reason);
  }
  assert.deepEqual(book.storage({ provider: 'aws', region: 'us-east-1', storageClass: 'fast', driver: undefined, volumeType: 'gp3' }), { gibMonthUsd: 0.08, source: 'catalog' });
  assert.deepEqual(book.storage({ provider: 'aws', region: 'us-east-1', storageClass: 'st1', driver: undefined, volumeType: undefined }), { gibMonthUsd: 0.045, source: 'catalog' });
  assert.equal(book.storage({ provider: 'gcp', region: 'us-central1', storageClass: 'standard-rwo', driver: undefined, volumeType: undefined }).source, 'default');
  assert.deepEqual(book.loadBalancer({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.0225, source: 'catalog' });
  assert.deepEqual(book.clusterManagement({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.1, source: 'catalog' });
});

test('custom pricing file: rates, storage, discount; exact errors', () => {
  const example = parseCustomPricing(readFileSync(new URL('../../examples/pricing-custom.yaml', import.meta.url), 'utf8'), 'pricing-custom.yaml');
  const book = createPriceBook({ catalog: SEED_CATALOG, custom: example });
  assert.deepEqual(book.node(q({})), { price: { kind: 'rates', rates: { cpuCoreHourUsd: 0.028, ramGiBHourUsd: 0.0035, gpuHourUsd: 0.9 } }, onDemand: { kind: 'rates', rates: { cpuCoreHourUsd: 0.028, ramGiBHourUsd: 0.0035, gpuHourUsd: 0.9 } }, source: 'custom' });
  assert.deepEqual(book.storage({ provider: 'custom', region: undefined, storageClass: 'ceph-rbd', driver: undefined, volumeType: undefined }), { gibMonthUsd: 0.05, source: 'custom' });
  // 20% off the m5.xlarge list price: 0.192 × 0.8 = 0.1536
  const discounted = createPriceBook({ catalog: SEED_CATALOG, custom: parseCustomPricing('discountPercent: 20\n', 'p.yaml') });
  assert.ok(Math.abs((discounted.node(q({})).price as { hourlyUsd: number }).hourlyUsd - 0.1536) < 1e-12);
  const errors: [string, string][] = [
    ['cpuCoreHourUsd: abc\nramGiBHourUsd: 1', 'p.yaml: cpuCoreHourUsd: must be a non-negative number (got "abc")'],
    ['cpuCoreHourUsd: 0.1', 'p.yaml: cpuCoreHourUsd and ramGiBHourUsd must be given together'],
    ['cpuHourUsd: 1', 'p.yaml: cpuHourUsd: unknown field; known fields are cpuCoreHourUsd, ramGiBHourUsd, gpuHourUsd, storageGibMonthUsd, loadBalancerHourlyUsd, managementHourlyUsd, discountPercent'],
    ['storageGibMonthUsd:\n  gp3: -1', 'p.yaml: storageGibMonthUsd.gp3: must be a non-negative number (got -1)'],
    ['discountPercent: 100', 'p.yaml: discountPercent: must be below 100 (got 100)'],
    ['- 1', 'p.yaml: expected a mapping of pricing fields'],
  ];
  for (const [text, message] of errors) assert.throws(() => parseCustomPricing(text, 'p.yaml'), (e: unknown) => e instanceof ConfigError && e.message === message, message);
});
