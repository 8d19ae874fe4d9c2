import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CloudProvider, NodeInfo } from '../core/model.ts';
import { identifyNode } from '../core/node-identity.ts';
import { nodeRates } from '../core/rates.ts';
import type { FlatPriceAnswer, NodePriceAnswer, NodePriceQuery, StoragePriceAnswer, StoragePriceQuery } from '../core/pricing.ts';
import type { CatalogData } from './catalog.ts';
import { createCatalog } from './catalog.ts';
import { parseCustomPricing } from './custom.ts';
import { createPriceBook, storageVolumeType } from './pricebook.ts';

// A small catalog with round figures, so every expectation below can be checked by hand.
const DATA: CatalogData = {
  _generated: 'test fixture',
  generatedAt: '2026-11-23',
  pricesAsOf: { aws: '2026-01-19', gcp: '2025-03-06', azure: '2023-12-18' },
  splitRatios: { cpuToRam: 0.031611 / 0.004237, gpuToRam: 0.95 / 0.004237 },
  fallback: { source: 'opencost', rates: { cpuCoreHourUsd: 0.031611, ramGiBHourUsd: 0.004237, gpuHourUsd: 0.95 }, storageGibMonthUsd: 0.04, spotFraction: 0.2 },
  aws: {
    fallbackRegion: 'us-east-1',
    regions: ['eu-west-1', 'us-east-1'],
    specs: { 'm5.large': [2, 8, 0] },
    onDemandHourlyUsd: { 'us-east-1': { 'm5.large': 0.096, 'm5.xlarge': 0.192, 'g4dn.xlarge': 0.526 }, 'eu-west-1': { 'm5.large': 0.107 } },
    spotFraction: 0.25,
    spotFractionByRegion: { 'us-east-1': 0.3 },
    spotSource: 'skypilot-aws-vms',
    defaultRates: { 'us-east-1': { cpuCoreHourUsd: 0.03, ramGiBHourUsd: 0.004, gpuHourUsd: 0.9 }, 'eu-west-1': { cpuCoreHourUsd: 0.033, ramGiBHourUsd: 0.0044, gpuHourUsd: 0.99 } },
    storage: { gibMonthUsd: { 'us-east-1': { gp3: 0.08, gp2: 0.1 } }, note: '' },
    loadBalancerHourlyUsd: { 'us-east-1': 0.0225 },
    loadBalancerKind: 'nlb',
    managementHourlyUsd: { standard: 0.1, extended: 0.6 },
    managementTier: 'standard',
  },
  gcp: {
    fallbackRegion: 'us-central1',
    regions: ['europe-west1', 'us-central1'],
    shapes: { 'n2-standard-4': [4, 16], 'e2-medium': [1, 4], 'e2-micro': [0.25, 1], 'c2-standard-8': [8, 32], 't2d-standard-4': [4, 16] },
    sharedCore: ['e2-medium', 'e2-micro'],
    familyRates: { n2: { 'us-central1': [0.031611, 0.004237], 'europe-west1': [0.0348, 0.0047] }, e2: { 'us-central1': [0.021811, 0.002923] } },
    customFamilyRates: { n2: { 'us-central1': [0.033174, 0.004446] } },
    // SkyPilot v8's europe-west1 c2-standard-8 and t2d-standard-4 prices (whole machine, USD per hour).
    machineHourlyUsd: { 'europe-west1': { 'c2-standard-8': 0.4594, 't2d-standard-4': 0.18589 } },
    spotFraction: { n2: { 'us-central1': 0.25 }, c2: { 'europe-west1': 0.4 } },
    gpuHourlyUsd: { 'nvidia-tesla-t4': { 'us-central1': 0.35 } },
    gpuSpotHourlyUsd: { 'nvidia-tesla-t4': { 'us-central1': 0.11 } },
    defaultRates: { 'us-central1': { cpuCoreHourUsd: 0.0275, ramGiBHourUsd: 0.0037, gpuHourUsd: 0.83 }, 'europe-west1': { cpuCoreHourUsd: 0.03, ramGiBHourUsd: 0.004, gpuHourUsd: 0.8 } },
    storage: { gibMonthUsd: { 'us-central1': { 'pd-standard': 0.04, 'pd-balanced': 0.1, 'pd-ssd': 0.17 } }, note: '' },
    loadBalancerHourlyUsd: { 'us-central1': 0.025 },
    loadBalancerKind: 'forwarding-rule',
    managementHourlyUsd: { standard: 0.1 },
    managementTier: 'standard',
  },
  azure: {
    fallbackRegion: 'eastus',
    regions: ['eastus'],
    specs: { Standard_D4s_v5: [4, 16, 0] },
    onDemandHourlyUsd: { eastus: { Standard_D4s_v5: 0.192 } },
    spotFraction: 0.25,
    spotFractionByRegion: {},
    spotSource: 'opencost',
    defaultRates: { eastus: { cpuCoreHourUsd: 0.035, ramGiBHourUsd: 0.0045, gpuHourUsd: 1 } },
    storage: { gibMonthUsd: { eastus: { Premium_LRS: 0.154, StandardSSD_LRS: 0.075 } }, note: '' },
    loadBalancerHourlyUsd: { eastus: 0.025 },
    loadBalancerKind: 'standard',
    managementHourlyUsd: { free: 0, standard: 0.1, premium: 0.6 },
    managementTier: 'standard',
  },
  sources: {},
};
const CATALOG = createCatalog(DATA);

const q = (over: Partial<NodePriceQuery> = {}): NodePriceQuery => ({
  nodeName: 'n1',
  provider: 'aws',
  instanceType: 'm5.large',
  region: 'us-east-1',
  zone: undefined,
  capacityType: 'on-demand',
  capacity: { cpuMillicores: 2000, ramBytes: 8 * 2 ** 30, gpus: 0 },
  labels: {},
  ...over,
});

/** Deep equality with numbers compared to 1e-12 relative. */
function near(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', path);
    assert.ok(Math.abs((actual as number) - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    assert.equal(actual, expected, path);
    return;
  }
  assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: keys`);
  for (const [k, v] of Object.entries(expected)) near((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
}

const inst = (hourlyUsd: number) => ({ kind: 'instance', hourlyUsd }) as const;
const rates = (cpuCoreHourUsd: number, ramGiBHourUsd: number, gpuHourUsd: number) => ({ kind: 'rates', rates: { cpuCoreHourUsd, ramGiBHourUsd, gpuHourUsd } }) as const;
const answer = (price: NodePriceAnswer['price'], source: NodePriceAnswer['source'], reason?: string, onDemand = price): NodePriceAnswer =>
  reason === undefined ? { price, onDemand, source } : { price, onDemand, source, fallbackReason: reason };

const T4 = { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' };
const GPU = { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 1 };
const OPENCOST_SPOT = "OpenCost's default spot/on-demand ratio";
const AWS_SPOT_US_EAST_1 = "median aws us-east-1 spot/on-demand ratio of the catalog's spot sample, skypilot-aws-vms";
const AWS_SPOT_ALL = "median aws spot/on-demand ratio of the catalog's spot sample over all regions, skypilot-aws-vms";

test('node prices: catalog, fallbacks with exact reasons, spot and reserved', () => {
  const book = createPriceBook({ catalog: CATALOG });
  const table: [string, Partial<NodePriceQuery>, NodePriceAnswer][] = [
    ['aws m5.large us-east-1 (published 0.096)', {}, answer(inst(0.096), 'catalog')],
    ['aws m5.large eu-west-1', { region: 'eu-west-1' }, answer(inst(0.107), 'catalog')],
    ['aws g4dn.xlarge', { instanceType: 'g4dn.xlarge' }, answer(inst(0.526), 'catalog')],
    ['aws, no region label: us-east-1 price, flagged', { region: undefined }, answer(inst(0.096), 'default', 'node n1: no region label; priced instance type "m5.large" at its aws us-east-1 list price')],
    ['aws unknown type', { instanceType: 'm99.huge' }, answer(rates(0.03, 0.004, 0.9), 'default', 'node n1: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates')],
    ['aws type missing in eu-west-1: eu-west-1 defaults', { instanceType: 'm5.xlarge', region: 'eu-west-1' }, answer(rates(0.033, 0.0044, 0.99), 'default', 'node n1: instance type "m5.xlarge" not in the aws catalog for eu-west-1; using default rates')],
    ['aws unknown region: us-east-1 defaults', { region: 'sa-east-1' }, answer(rates(0.03, 0.004, 0.9), 'default', 'node n1: region "sa-east-1" not in the aws catalog; using default rates')],
    ['aws no region and unknown type', { region: undefined, instanceType: 'x9.big' }, answer(rates(0.03, 0.004, 0.9), 'default', 'node n1: no region label and instance type "x9.big" not in the aws catalog; using default rates')],
    ['aws no instance-type label', { instanceType: undefined }, answer(rates(0.03, 0.004, 0.9), 'default', 'node n1: no instance-type label; using default rates')],
    ['no labels at all (custom provider): OpenCost defaults', { provider: 'custom', instanceType: undefined, region: undefined }, answer(rates(0.031611, 0.004237, 0.95), 'default', 'node n1: no instance-type label; using default rates')],
    ['custom provider with a type, no pricing file', { provider: 'custom', instanceType: 'dl380' }, answer(rates(0.031611, 0.004237, 0.95), 'default', 'node n1: no catalog for provider "custom" (instance type "dl380") and no custom rates set; using default rates')],
    // Spot: on-demand × the region's sampled ratio 0.3 (aws spotFractionByRegion us-east-1); 0.096 × 0.3 = 0.0288.
    ['aws spot', { capacityType: 'spot' }, answer(inst(0.0288), 'catalog', `node n1: no live spot price; spot estimated at 30% of the on-demand price (${AWS_SPOT_US_EAST_1})`, inst(0.096))],
    // No sampled ratio for eu-west-1: the provider-wide 0.25; 0.107 × 0.25 = 0.02675.
    ['aws spot, region without a sampled ratio', { capacityType: 'spot', region: 'eu-west-1' }, answer(inst(0.02675), 'catalog', `node n1: no live spot price; spot estimated at 25% of the on-demand price (${AWS_SPOT_ALL})`, inst(0.107))],
    // Unknown type on spot: default rates × 0.3 (us-east-1 ratio): 0.03 × 0.3 = 0.009, 0.004 × 0.3 = 0.0012, 0.9 × 0.3 = 0.27.
    [
      'aws spot, unknown type',
      { capacityType: 'spot', instanceType: 'm99.huge' },
      answer(rates(0.009, 0.0012, 0.27), 'default', `node n1: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates; no live spot price; spot estimated at 30% of the on-demand price (${AWS_SPOT_US_EAST_1})`, rates(0.03, 0.004, 0.9)),
    ],
    // Azure has no sampled ratio: OpenCost's default fraction (0.25 in this fixture); 0.192 × 0.25 = 0.048.
    [
      'azure spot: OpenCost ratio, named',
      { provider: 'azure', instanceType: 'Standard_D4s_v5', region: 'eastus', capacityType: 'spot' },
      answer(inst(0.048), 'catalog', `node n1: no live spot price; spot estimated at 25% of the on-demand price (${OPENCOST_SPOT})`, inst(0.192)),
    ],
    // Custom provider, spot: OpenCost's fallback fraction 0.2 × OpenCost rates: 0.0063222, 0.0008474, 0.19.
    [
      'custom provider spot: OpenCost fallback fraction',
      { provider: 'custom', instanceType: undefined, region: undefined, capacityType: 'spot' },
      answer(rates(0.0063222, 0.0008474, 0.19), 'default', `node n1: no instance-type label; using default rates; no live spot price; spot estimated at 20% of the on-demand price (${OPENCOST_SPOT})`, rates(0.031611, 0.004237, 0.95)),
    ],
    ['reserved: on-demand price, flagged', { capacityType: 'reserved' }, answer(inst(0.096), 'catalog', 'node n1: reserved capacity priced at the on-demand list price (the catalog has no reservation rates)')],
    // GCP: per-family rates; GPU rate from the accelerator label (else the region's default GPU rate).
    ['gcp n2-standard-4 us-central1', { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1' }, answer(rates(0.031611, 0.004237, 0.83), 'catalog')],
    ['gcp n2-standard-4 europe-west1', { provider: 'gcp', instanceType: 'n2-standard-4', region: 'europe-west1' }, answer(rates(0.0348, 0.0047, 0.8), 'catalog')],
    ['gcp custom machine type', { provider: 'gcp', instanceType: 'n2-custom-4-16384', region: 'us-central1' }, answer(rates(0.033174, 0.004446, 0.83), 'catalog')],
    [
      'gcp custom type without custom rates in the region',
      { provider: 'gcp', instanceType: 'n2-custom-4-16384', region: 'europe-west1' },
      answer(rates(0.0348, 0.0047, 0.8), 'catalog', 'node n1: custom machine type "n2-custom-4-16384": no custom-type n2 rates for europe-west1 in the catalog; priced at the predefined n2 rates'),
    ],
    // Shared core: billed at 1 vCPU + 4 GiB: 0.021811 + 4 × 0.002923 = 0.033503 per hour.
    ['gcp e2-medium (shared core)', { provider: 'gcp', instanceType: 'e2-medium', region: 'us-central1' }, answer(inst(0.033503), 'catalog')],
    // e2-micro: 0.25 × 0.021811 + 1 × 0.002923 = 0.00837575.
    ['gcp e2-micro (shared core)', { provider: 'gcp', instanceType: 'e2-micro', region: 'us-central1' }, answer(inst(0.00837575), 'catalog')],
    ['gcp T4 node', { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', labels: T4, capacity: GPU }, answer(rates(0.031611, 0.004237, 0.35), 'catalog')],
    // Spot T4 node: 0.25 × family rates, the T4's own spot price 0.11.
    [
      'gcp T4 node, spot',
      { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', labels: T4, capacity: GPU, capacityType: 'spot' },
      answer(rates(0.00790275, 0.00105925, 0.11), 'catalog', 'node n1: no live spot price; spot estimated at 25% of the on-demand price (the n2 spot/on-demand ratio in the catalog)', rates(0.031611, 0.004237, 0.35)),
    ],
    [
      'gcp GPU node without accelerator label',
      { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', capacity: GPU },
      answer(rates(0.031611, 0.004237, 0.83), 'catalog', 'node n1: 1 GPU(s) without a cloud.google.com/gke-accelerator label; GPUs priced at the default rate of 0.83 USD per GPU-hour'),
    ],
    [
      'gcp unknown accelerator',
      { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', capacity: GPU, labels: { 'cloud.google.com/gke-accelerator': 'nvidia-h200' } },
      answer(rates(0.031611, 0.004237, 0.83), 'catalog', 'node n1: accelerator "nvidia-h200" not in the gcp catalog; GPUs priced at the default rate of 0.83 USD per GPU-hour'),
    ],
    [
      'gcp T4 outside us-central1',
      { provider: 'gcp', instanceType: 'n2-standard-4', region: 'europe-west1', labels: T4, capacity: GPU },
      answer(rates(0.0348, 0.0047, 0.35), 'catalog', 'node n1: no europe-west1 price for accelerator "nvidia-tesla-t4"; using its us-central1 price'),
    ],
    ['gcp unknown machine type', { provider: 'gcp', instanceType: 'z9-mega-1', region: 'us-central1' }, answer(rates(0.0275, 0.0037, 0.83), 'default', 'node n1: machine type "z9-mega-1" not in the gcp catalog; using default rates')],
    ['gcp unknown region', { provider: 'gcp', instanceType: 'n2-standard-4', region: 'me-central2' }, answer(rates(0.0275, 0.0037, 0.83), 'default', 'node n1: region "me-central2" not in the gcp catalog; using default rates')],
    ['gcp no region', { provider: 'gcp', instanceType: 'n2-standard-4', region: undefined }, answer(rates(0.031611, 0.004237, 0.83), 'default', 'node n1: no region label; priced machine type "n2-standard-4" at the gcp us-central1 rates')],
    ['gcp family without rates in the region', { provider: 'gcp', instanceType: 'e2-medium', region: 'europe-west1' }, answer(rates(0.03, 0.004, 0.8), 'default', 'node n1: machine family "e2" has no europe-west1 rates in the gcp catalog; using default rates')],
    // C2/T2D outside us-central1: the machine's list price as an instance price (split the OpenCost way by the
    // cost model, see the split test below), from the catalog, not a fallback.
    ['gcp c2-standard-8 europe-west1: machine price', { provider: 'gcp', instanceType: 'c2-standard-8', region: 'europe-west1' }, answer(inst(0.4594), 'catalog')],
    ['gcp t2d-standard-4 europe-west1: machine price', { provider: 'gcp', instanceType: 't2d-standard-4', region: 'europe-west1' }, answer(inst(0.18589), 'catalog')],
    // Spot: the C2 europe-west1 ratio 0.4: 0.4594 × 0.4 = 0.18376.
    [
      'gcp c2-standard-8 europe-west1, spot',
      { provider: 'gcp', instanceType: 'c2-standard-8', region: 'europe-west1', capacityType: 'spot' },
      answer(inst(0.18376), 'catalog', 'node n1: no live spot price; spot estimated at 40% of the on-demand price (the c2 spot/on-demand ratio in the catalog)', inst(0.4594)),
    ],
    // No T2D ratio in europe-west1 or us-central1 in this fixture: OpenCost's 0.2: 0.18589 × 0.2 = 0.037178.
    [
      'gcp t2d-standard-4 europe-west1, spot without a family ratio',
      { provider: 'gcp', instanceType: 't2d-standard-4', region: 'europe-west1', capacityType: 'spot' },
      answer(inst(0.037178), 'catalog', `node n1: no live spot price; spot estimated at 20% of the on-demand price (${OPENCOST_SPOT})`, inst(0.18589)),
    ],
    // A GPU on a machine priced per machine has no price of its own: flagged, the split gives it a share.
    [
      'gcp c2-standard-8 reporting a GPU',
      { provider: 'gcp', instanceType: 'c2-standard-8', region: 'europe-west1', capacity: GPU },
      answer(inst(0.4594), 'catalog', 'node n1: 1 GPU(s) on a "c2-standard-8" node, a machine type priced per machine (0.4594 USD per hour, no GPU price): the GPUs get a share of that price in the OpenCost split'),
    ],
    // A region where the type has neither rates nor a machine price: the region's default rates, and the reason names the type.
    ['gcp c2-standard-8 without a price in the region', { provider: 'gcp', instanceType: 'c2-standard-8', region: 'us-central1' }, answer(rates(0.0275, 0.0037, 0.83), 'default', 'node n1: machine type "c2-standard-8" has no us-central1 price in the gcp catalog; using default rates')],
    ['azure Standard_D4s_v5 eastus', { provider: 'azure', instanceType: 'Standard_D4s_v5', region: 'eastus' }, answer(inst(0.192), 'catalog')],
    ['azure unknown size', { provider: 'azure', instanceType: 'Standard_X1', region: 'eastus' }, answer(rates(0.035, 0.0045, 1), 'default', 'node n1: instance type "Standard_X1" not in the azure catalog for eastus; using default rates')],
  ];
  for (const [name, over, expected] of table) near(book.node(q(over)), expected, name);
});

test('a machine price (C2, T2D outside us-central1) is split into per-resource rates the OpenCost way', () => {
  // cpuToRam = 0.031611 / 0.004237 = 7.460703328, gpuToRam = 0.95 / 0.004237 = 224.2152466;
  // ramRate = price / (gpus × gpuToRam + vCPUs × cpuToRam + GiB), cpuRate = ramRate × cpuToRam, gpuRate = ramRate × gpuToRam.
  // c2-standard-8 europe-west1 (0.4594): 8 × 7.460703328 + 32 = 91.68562662 → ram 0.4594 / 91.68562662 = 0.005010599992,
  //   cpu 0.03738260003, gpu 1.123452913; 8 × 0.03738260003 + 32 × 0.005010599992 = 0.4594.
  // t2d-standard-4 europe-west1 (0.18589): 4 × 7.460703328 + 16 = 45.84281331 → ram 0.004054943110, cpu 0.03025272756, gpu 0.9091800696.
  // c2-standard-8 reporting 4 vCPU, 16 GiB and 1 GPU: 224.2152466 + 29.84281331 + 16 = 270.0580599 → ram 0.001701115679,
  //   cpu 0.01269151941, gpu 0.3814160715.
  const table: [string, Partial<NodePriceQuery>, number, number, number, number][] = [
    ['c2-standard-8 europe-west1', { instanceType: 'c2-standard-8', capacity: { cpuMillicores: 8000, ramBytes: 32 * 2 ** 30, gpus: 0 } }, 0.4594, 0.03738260003, 0.005010599992, 1.123452913],
    ['t2d-standard-4 europe-west1', { instanceType: 't2d-standard-4', capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 0 } }, 0.18589, 0.03025272756, 0.00405494311, 0.9091800696],
    ['c2-standard-8 reporting a GPU', { instanceType: 'c2-standard-8', capacity: GPU }, 0.4594, 0.01269151941, 0.001701115679, 0.3814160715],
  ];
  const book = createPriceBook({ catalog: CATALOG });
  for (const [name, over, hourlyUsd, cpu, ram, gpu] of table) {
    const query = q({ provider: 'gcp', region: 'europe-west1', ...over });
    const a = book.node(query);
    assert.equal(a.source, 'catalog', name);
    assert.deepEqual(a.price, inst(hourlyUsd), name);
    const split = nodeRates(a.price, query.capacity);
    assert.equal(split.hourlyUsd, hourlyUsd, name);
    for (const [what, actual, expected] of [['cpu', split.rates.cpuCoreHourUsd, cpu], ['ram', split.rates.ramGiBHourUsd, ram], ['gpu', split.rates.gpuHourUsd, gpu]] as const) {
      assert.ok(Math.abs(actual - expected) <= 1e-9 * expected, `${name} ${what}: ${actual} ≠ ${expected}`);
    }
  }
});

test('provider and region overrides (--cloud-provider, --region) win over the node labels', () => {
  near(createPriceBook({ catalog: CATALOG, provider: 'aws' }).node(q({ provider: 'custom' })), answer(inst(0.096), 'catalog'));
  near(createPriceBook({ catalog: CATALOG, region: 'eu-west-1' }).node(q()), answer(inst(0.107), 'catalog'));
});

test('custom pricing file: rates, overrides by label, whole-node price, GPUs, spot', () => {
  const example = parseCustomPricing(readFileSync(new URL('../../examples/pricing-custom.yaml', import.meta.url), 'utf8'), 'pricing-custom.yaml');
  const book = createPriceBook({ catalog: CATALOG, custom: example });
  const table: [string, Partial<NodePriceQuery>, NodePriceAnswer][] = [
    ['plain node: top-level rates', {}, answer(rates(0.028, 0.0035, 0.9), 'custom')],
    ['gpu pool override', { labels: { 'node-pool': 'gpu' }, capacity: GPU }, answer(rates(0.035, 0.0045, 1.6), 'custom')],
    ['whole-node override', { labels: { 'node.kubernetes.io/instance-type': 'dl380-gen10' } }, answer(inst(1.25), 'custom')],
    // old-rack: 40% off the file's rates: 0.028 × 0.6 = 0.0168, 0.0035 × 0.6 = 0.0021, 0.9 × 0.6 = 0.54.
    ['discount override on the file rates', { labels: { 'topology.kubernetes.io/zone': 'rack-2019' } }, answer(rates(0.0168, 0.0021, 0.54), 'custom')],
    ['spot node: custom prices are what you pay', { capacityType: 'spot' }, answer(rates(0.028, 0.0035, 0.9), 'custom')],
  ];
  for (const [name, over, expected] of table) near(book.node(q(over)), expected, name);

  // Rates without any GPU rate on a GPU node: the region's default GPU rate, flagged.
  const noGpu = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('cpuCoreHourUsd: 0.02\nramGiBHourUsd: 0.003\n', 'p.yaml') });
  near(noGpu.node(q({ capacity: GPU })), answer(rates(0.02, 0.003, 0.9), 'custom', 'node n1: p.yaml sets no gpuHourUsd; 1 GPU(s) priced at the default rate of 0.9 USD per GPU-hour'));
  near(noGpu.node(q()), answer(rates(0.02, 0.003, 0.9), 'custom'));

  // Only overrides: unmatched nodes keep their catalog price.
  const overridesOnly = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('nodeOverrides:\n  - matchLabels: {team: ml}\n    nodeHourlyUsd: 2\n', 'p.yaml') });
  near(overridesOnly.node(q()), answer(inst(0.096), 'catalog'));
  near(overridesOnly.node(q({ labels: { team: 'ml' } })), answer(inst(2), 'custom'));

  // A spot discount from the file replaces the estimate: 0.096 × (1 − 0.60) = 0.0384, not flagged.
  const spot = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('spotDiscountPercent: 60\n', 'p.yaml') });
  near(spot.node(q({ capacityType: 'spot' })), answer(inst(0.0384), 'catalog', undefined, inst(0.096)));
});

test('discounts apply to catalog and default prices, per category', () => {
  const all = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('discountPercent: 20\n', 'p.yaml') });
  // 0.096 × 0.8 = 0.0768; defaults 0.03/0.004/0.9 × 0.8; gp3 0.08 × 0.8; NLB 0.0225 × 0.8; EKS 0.1 × 0.8.
  near(all.node(q()), answer(inst(0.0768), 'catalog'));
  near(all.node(q({ instanceType: 'm99.huge' })), answer(rates(0.024, 0.0032, 0.72), 'default', 'node n1: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates'));
  // A GCE machine price (c2-standard-8 europe-west1 0.4594) is a compute price too: 0.4594 × 0.8 = 0.36752.
  near(all.node(q({ provider: 'gcp', instanceType: 'c2-standard-8', region: 'europe-west1' })), answer(inst(0.36752), 'catalog'));
  near(all.storage({ provider: 'aws', region: 'us-east-1', storageClass: 'gp3', driver: undefined, volumeType: 'gp3' }), { gibMonthUsd: 0.064, source: 'catalog' });
  near(all.loadBalancer({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.018, source: 'catalog' });
  near(all.clusterManagement({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.08, source: 'catalog' });
  // Per category: compute 25% off (0.096 × 0.75 = 0.072), storage list price.
  const split = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('discountPercent: 10\ndiscountPercentByCategory:\n  compute: 25\n  storage: 0\n', 'p.yaml') });
  near(split.node(q()), answer(inst(0.072), 'catalog'));
  near(split.storage({ provider: 'aws', region: 'us-east-1', storageClass: 'gp3', driver: undefined, volumeType: undefined }), { gibMonthUsd: 0.08, source: 'catalog' });
  near(split.loadBalancer({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.02025, source: 'catalog' });
});

test('override discounts: matched nodes keep their own price minus the override percentage', () => {
  const file = [
    'discountPercent: 10',
    'nodeOverrides:',
    '  - name: committed-use',
    '    matchLabels: {pool: steady}',
    '    discountPercent: 40',
    '  - name: gpu',
    '    matchLabels: {pool: gpu}',
    '    nodeHourlyUsd: 2',
  ].join('\n');
  const book = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing(file, 'p.yaml') });
  const steady = { pool: 'steady' };
  const table: [string, Partial<NodePriceQuery>, NodePriceAnswer][] = [
    // Unmatched: the file's 10% off the list price: 0.096 × 0.9 = 0.0864.
    ['unmatched node: file-wide discount', {}, answer(inst(0.0864), 'catalog')],
    // Matched: 40% instead of 10%: 0.096 × 0.6 = 0.0576 (not 0.096 × 0.9 × 0.6).
    ['matched: override discount replaces the file-wide one', { labels: steady }, answer(inst(0.0576), 'catalog')],
    // GCP family rates: 0.031611 × 0.6 = 0.0189666, 0.004237 × 0.6 = 0.0025422; region default GPU 0.83 × 0.6 = 0.498.
    ['matched gcp node: rates discounted', { provider: 'gcp', instanceType: 'n2-standard-4', region: 'us-central1', labels: steady }, answer(rates(0.0189666, 0.0025422, 0.498), 'catalog')],
    // Unknown type: default rates 0.03/0.004/0.9 × 0.6 = 0.018/0.0024/0.54, still flagged.
    [
      'matched node with an unknown type: default rates discounted, flagged',
      { instanceType: 'm99.huge', labels: steady },
      answer(rates(0.018, 0.0024, 0.54), 'default', 'node n1: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates'),
    ],
    // Spot on a matched node: 0.0576 × the us-east-1 spot ratio 0.3 = 0.01728.
    [
      'matched spot node: discount, then the spot estimate',
      { labels: steady, capacityType: 'spot' },
      answer(inst(0.01728), 'catalog', `node n1: no live spot price; spot estimated at 30% of the on-demand price (${AWS_SPOT_US_EAST_1})`, inst(0.0576)),
    ],
    ['the other override still sets its own price', { labels: { pool: 'gpu' } }, answer(inst(2), 'custom')],
  ];
  for (const [name, over, expected] of table) near(book.node(q(over)), expected, name);

  // With the file's own rates, the override discount applies to them: 0.02 × 0.75 = 0.015, 0.003 × 0.75 = 0.00225, 1 × 0.75 = 0.75.
  const onPrem = createPriceBook({
    catalog: CATALOG,
    custom: parseCustomPricing('cpuCoreHourUsd: 0.02\nramGiBHourUsd: 0.003\ngpuHourUsd: 1\nnodeOverrides:\n  - matchLabels: {rack: old}\n    discountPercent: 25\n', 'p.yaml'),
  });
  near(onPrem.node(q({ labels: { rack: 'old' } })), answer(rates(0.015, 0.00225, 0.75), 'custom'));
  near(onPrem.node(q()), answer(rates(0.02, 0.003, 1), 'custom'));
});

const sq = (provider: CloudProvider, region: string | undefined, storageClass: string, over: Partial<StoragePriceQuery> = {}): StoragePriceQuery => ({
  provider,
  region,
  storageClass,
  driver: undefined,
  volumeType: undefined,
  ...over,
});

test('storage: by volume type, by class name, by driver, else the provider default (flagged)', () => {
  const book = createPriceBook({ catalog: CATALOG });
  const table: [string, StoragePriceQuery, StoragePriceAnswer][] = [
    ['aws parameters.type gp3', sq('aws', 'us-east-1', 'fast', { volumeType: 'gp3' }), { gibMonthUsd: 0.08, source: 'catalog' }],
    ['aws class gp2', sq('aws', 'us-east-1', 'gp2'), { gibMonthUsd: 0.1, source: 'catalog' }],
    ['aws class ebs-sc', sq('aws', 'us-east-1', 'ebs-sc'), { gibMonthUsd: 0.08, source: 'catalog' }],
    ['aws EBS CSI default type gp3', sq('aws', 'us-east-1', 'fancy', { driver: 'ebs.csi.aws.com' }), { gibMonthUsd: 0.08, source: 'catalog' }],
    [
      'aws unknown class',
      sq('aws', 'us-east-1', 'mystery'),
      { gibMonthUsd: 0.1, source: 'default', fallbackReason: 'storage class "mystery": volume type not recognised (parameters.type not set, provisioner unknown); priced as aws\'s default gp2' },
    ],
    [
      'aws gp3 outside us-east-1',
      sq('aws', 'eu-west-1', 'gp3'),
      { gibMonthUsd: 0.08, source: 'default', fallbackReason: 'storage class "gp3": no gp3 price for eu-west-1 in the aws catalog; using the us-east-1 list price' },
    ],
    ['gcp standard-rwo = pd-balanced', sq('gcp', 'us-central1', 'standard-rwo'), { gibMonthUsd: 0.1, source: 'catalog' }],
    ['gcp premium-rwo = pd-ssd', sq('gcp', 'us-central1', 'premium-rwo'), { gibMonthUsd: 0.17, source: 'catalog' }],
    ['gcp standard = pd-standard', sq('gcp', 'us-central1', 'standard'), { gibMonthUsd: 0.04, source: 'catalog' }],
    ['azure managed-csi = StandardSSD_LRS', sq('azure', 'eastus', 'managed-csi'), { gibMonthUsd: 0.075, source: 'catalog' }],
    ['azure managed-csi-premium = Premium_LRS', sq('azure', 'eastus', 'managed-csi-premium'), { gibMonthUsd: 0.154, source: 'catalog' }],
    ['azure skuName Premium_LRS', sq('azure', 'eastus', 'db', { volumeType: 'Premium_LRS' }), { gibMonthUsd: 0.154, source: 'catalog' }],
    [
      'azure Standard HDD (not in the catalog)',
      sq('azure', 'eastus', 'managed-hdd'),
      { gibMonthUsd: 0.04, source: 'default', fallbackReason: 'storage class "managed-hdd": no Standard_LRS price in the azure catalog; using the default 0.04 USD per GiB-month' },
    ],
    [
      'custom provider, no pricing file',
      sq('custom', undefined, 'ceph'),
      { gibMonthUsd: 0.04, source: 'default', fallbackReason: 'storage class "ceph": no catalog for provider "custom" and no custom storage price; using the default 0.04 USD per GiB-month' },
    ],
  ];
  for (const [name, query, expected] of table) near(book.storage(query), expected, name);

  const example = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing(readFileSync(new URL('../../examples/pricing-custom.yaml', import.meta.url), 'utf8'), 'p.yaml') });
  near(example.storage(sq('custom', undefined, 'ceph-rbd')), { gibMonthUsd: 0.05, source: 'custom' });
  near(example.storage(sq('custom', undefined, 'nfs')), { gibMonthUsd: 0.04, source: 'custom' });
});

test('storageVolumeType: parameters first, then names, then tokens, then drivers', () => {
  const table: [Parameters<typeof storageVolumeType>[0], Partial<StoragePriceQuery>, string | undefined][] = [
    ['aws', { storageClass: 'x', volumeType: 'GP3' }, 'gp3'],
    ['aws', { storageClass: 'fast-io2-retain' }, 'io2'],
    ['aws', { storageClass: 'x', driver: 'kubernetes.io/aws-ebs' }, 'gp2'],
    ['aws', { storageClass: 'x' }, undefined],
    ['gcp', { storageClass: 'x', volumeType: 'pd-ssd' }, 'pd-ssd'],
    ['gcp', { storageClass: 'x', driver: 'pd.csi.storage.gke.io' }, 'pd-standard'],
    ['azure', { storageClass: 'default' }, 'StandardSSD_LRS'],
    ['azure', { storageClass: 'x', volumeType: 'premium_lrs' }, 'Premium_LRS'],
  ];
  for (const [provider, over, expected] of table) {
    assert.equal(storageVolumeType(provider, { storageClass: 'x', driver: undefined, volumeType: undefined, ...over }), expected, JSON.stringify(over));
  }
});

test('load balancers and cluster management fees', () => {
  const book = createPriceBook({ catalog: CATALOG });
  const table: [string, 'loadBalancer' | 'clusterManagement', CloudProvider, string | undefined, FlatPriceAnswer][] = [
    ['aws NLB us-east-1', 'loadBalancer', 'aws', 'us-east-1', { hourlyUsd: 0.0225, source: 'catalog' }],
    ['aws NLB eu-west-1', 'loadBalancer', 'aws', 'eu-west-1', { hourlyUsd: 0.0225, source: 'default', fallbackReason: 'no nlb load balancer price for eu-west-1 in the aws catalog; using the us-east-1 list price' }],
    ['gcp forwarding rule', 'loadBalancer', 'gcp', 'us-central1', { hourlyUsd: 0.025, source: 'catalog' }],
    ['azure standard LB', 'loadBalancer', 'azure', 'eastus', { hourlyUsd: 0.025, source: 'catalog' }],
    ['custom provider LB', 'loadBalancer', 'custom', undefined, { hourlyUsd: 0, source: 'default', fallbackReason: 'no load balancer price for provider "custom"; counted as 0 until loadBalancerHourlyUsd is set in the pricing file' }],
    ['EKS standard support', 'clusterManagement', 'aws', 'us-east-1', { hourlyUsd: 0.1, source: 'catalog' }],
    ['GKE', 'clusterManagement', 'gcp', undefined, { hourlyUsd: 0.1, source: 'catalog' }],
    ['AKS Standard tier', 'clusterManagement', 'azure', 'eastus', { hourlyUsd: 0.1, source: 'catalog' }],
    ['custom provider management', 'clusterManagement', 'custom', undefined, { hourlyUsd: 0, source: 'default', fallbackReason: 'no cluster management price for provider "custom"; counted as 0 until managementHourlyUsd is set in the pricing file' }],
  ];
  for (const [name, kind, provider, region, expected] of table) near(book[kind]({ provider, region }), expected, name);
  const custom = createPriceBook({ catalog: CATALOG, custom: parseCustomPricing('loadBalancerHourlyUsd: 0.01\nmanagementHourlyUsd: 0\n', 'p.yaml') });
  near(custom.loadBalancer({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0.01, source: 'custom' });
  near(custom.clusterManagement({ provider: 'aws', region: 'us-east-1' }), { hourlyUsd: 0, source: 'custom' });
});

test('look-ups are cached per distinct query; reasons still name each node', () => {
  const book = createPriceBook({ catalog: CATALOG });
  const first = book.node(q({ nodeName: 'a' }));
  for (let i = 0; i < 5000; i++) assert.equal(book.node(q({ nodeName: `n${i}` })), first);
  assert.equal(book.node(q({ nodeName: 'x', instanceType: 'm99.huge' })).fallbackReason, 'node x: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates');
  assert.equal(book.node(q({ nodeName: 'y', instanceType: 'm99.huge' })).fallbackReason, 'node y: instance type "m99.huge" not in the aws catalog for us-east-1; using default rates');
});

test('the shipped catalog answers every kind of question with a finite, non-negative number', () => {
  const book = createPriceBook();
  for (const provider of ['aws', 'gcp', 'azure', 'custom'] as const) {
    for (const region of [undefined, 'us-east-1', 'eu-west-1', 'us-central1', 'europe-west3', 'asia-northeast3', 'eastus', 'westeurope', 'nowhere-1']) {
      for (const capacityType of ['on-demand', 'spot', 'reserved'] as const) {
        for (const instanceType of [undefined, 'm5.large', 'n2-standard-4', 'Standard_D4s_v5', 'e2-micro', 'n2-custom-2-8192', 'c2-standard-8', 't2d-standard-4', 'nope']) {
          for (const [capacity, labels] of [[GPU, T4], [GPU, {}], [{ cpuMillicores: 2000, ramBytes: 2 ** 33, gpus: 0 }, {}]] as const) {
            const a = book.node(q({ provider, region, capacityType, instanceType, capacity, labels }));
            for (const quote of [a.price, a.onDemand]) {
              const values = quote.kind === 'instance' ? [quote.hourlyUsd] : Object.values(quote.rates);
              for (const v of values) assert.ok(Number.isFinite(v) && v > 0, `${provider} ${region} ${instanceType} ${capacityType}: ${v}`);
            }
          }
        }
      }
      for (const storageClass of ['gp3', 'standard-rwo', 'managed-csi', 'managed-csi-premium', 'x']) {
        const s = book.storage(sq(provider, region, storageClass));
        assert.ok(Number.isFinite(s.gibMonthUsd) && s.gibMonthUsd > 0, `${provider} ${region} ${storageClass}`);
      }
      for (const kind of ['loadBalancer', 'clusterManagement'] as const) {
        const f = book[kind]({ provider, region });
        assert.ok(Number.isFinite(f.hourlyUsd) && f.hourlyUsd >= 0 && (f.hourlyUsd > 0 || f.fallbackReason !== undefined), `${provider} ${region} ${kind}`);
      }
    }
  }
});

test('shipped catalog: a node in each catalog region resolves from its labels to the exact list price', () => {
  const book = createPriceBook();
  const GiB = 2 ** 30;
  const amounts = { cpuMillicores: 2000, ramBytes: 8 * GiB, gpus: 0 };
  /** A node as the snapshot reader builds it: labels and providerID only; identity comes from node-identity.ts. */
  const priced = (providerId: string, instanceType: string, region: string, labels: Record<string, string> = {}) => {
    const node: NodeInfo = {
      name: `${region}-node`,
      uid: region,
      labels: { 'node.kubernetes.io/instance-type': instanceType, 'topology.kubernetes.io/region': region, ...labels },
      providerId,
      capacity: amounts,
      allocatable: amounts,
    };
    const id = identifyNode(node);
    return book.node({ nodeName: node.name, provider: id.provider ?? 'custom', instanceType: id.instanceType, region: id.region, zone: id.zone, capacityType: id.capacityType, capacity: amounts, labels: node.labels });
  };
  // AWS (skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv; us-east-1 from Karpenter's generated prices).
  const aws: [string, string, number][] = [
    ['us-east-1', 'm5.large', 0.096],
    ['us-west-2', 'm6g.xlarge', 0.154],
    ['eu-west-1', 'm5.large', 0.107],
    ['eu-central-1', 'm6g.2xlarge', 0.368],
    ['ap-northeast-2', 'm6g.4xlarge', 0.752],
    ['ap-southeast-1', 'inf1.xlarge', 0.308],
  ];
  for (const [region, type, usd] of aws) near(priced(`aws:///${region}a/i-0abc`, type, region), answer(inst(usd), 'catalog'), `aws ${region} ${type}`);
  // Azure (Karpenter Azure initialOnDemandPrices, 2023-12-18).
  const azure: [string, string, number][] = [
    ['eastus', 'Standard_D4s_v5', 0.192],
    ['westus2', 'Standard_B2s', 0.0416],
    ['westeurope', 'Standard_F16s_v2', 0.776],
    ['germanywestcentral', 'Standard_D2s_v5', 0.115],
    ['koreacentral', 'Standard_E8s_v5', 0.608],
    ['southeastasia', 'Standard_NC4as_T4_v3', 0.736],
  ];
  for (const [region, size, usd] of azure) {
    near(priced(`azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${region}`, size, region), answer(inst(usd), 'catalog'), `azure ${region} ${size}`);
  }
  // GCP: per-vCPU and per-GiB family rates solved from Cyclenerd's pricing.yml (see catalog.test.ts for the arithmetic).
  const gcp: [string, string, number, number][] = [
    ['us-central1', 'n2-standard-4', 0.031611, 0.004237],
    ['us-west1', 'e2-standard-4', 0.02181159, 0.00292353],
    ['europe-west1', 'n2-standard-4', 0.034773, 0.004661],
    ['europe-west3', 'e2-standard-4', 0.0281037, 0.00376602],
    ['asia-northeast3', 'n2-highmem-4', 0.040595, 0.005441],
    ['asia-southeast1', 'e2-highmem-4', 0.02690931, 0.00360594],
  ];
  for (const [region, type, cpu, ram] of gcp) {
    const a = priced(`gce://project/${region}-a/node`, type, region);
    assert.equal(a.source, 'catalog', `gcp ${region}`);
    assert.equal(a.fallbackReason, undefined, `gcp ${region}`);
    assert.equal(a.price.kind, 'rates');
    if (a.price.kind === 'rates') {
      assert.equal(a.price.rates.cpuCoreHourUsd, cpu, `gcp ${region} cpu`);
      assert.equal(a.price.rates.ramGiBHourUsd, ram, `gcp ${region} ram`);
    }
  }
  // What is not transcribed falls back visibly, never to zero: i8g.large has no eu-west-1 price in this catalog.
  const missing = priced('aws:///eu-west-1a/i-0abc', 'i8g.large', 'eu-west-1');
  assert.equal(missing.source, 'default');
  assert.equal(missing.fallbackReason, 'node eu-west-1-node: instance type "i8g.large" not in the aws catalog for eu-west-1; using default rates');
  // Azure load balancers: the Standard LB price (0.025 per hour, one 'Global' meter for the commercial regions)
  // in every catalog region; a region outside the catalog gets the eastus price, flagged, never 0.
  near(book.loadBalancer({ provider: 'azure', region: 'eastus' }), { hourlyUsd: 0.025, source: 'catalog' });
  near(book.loadBalancer({ provider: 'azure', region: 'westeurope' }), { hourlyUsd: 0.025, source: 'catalog' });
  near(book.loadBalancer({ provider: 'azure', region: 'northeurope' }), {
    hourlyUsd: 0.025,
    source: 'default',
    fallbackReason: 'no standard load balancer price for northeurope in the azure catalog; using the eastus list price',
  });
  // GCP families without rates or machine prices in a region likewise: SkyPilot lists no T2D in asia-northeast3,
  // and no C2D outside us-central1 was transcribed.
  const t2d = priced('gce://project/asia-northeast3-a/node', 't2d-standard-4', 'asia-northeast3');
  assert.equal(t2d.source, 'default');
  assert.equal(t2d.fallbackReason, 'node asia-northeast3-node: machine type "t2d-standard-4" has no asia-northeast3 price in the gcp catalog; using default rates');
  const c2d = priced('gce://project/europe-west1-b/node', 'c2d-standard-4', 'europe-west1');
  assert.equal(c2d.fallbackReason, 'node europe-west1-node: machine family "c2d" has no europe-west1 rates in the gcp catalog; using default rates');
});
