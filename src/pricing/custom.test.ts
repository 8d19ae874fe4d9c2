import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { InputError } from '../core/errors.ts';
import type { CustomPricing } from './custom.ts';
import { matchOverride, PricingFileError, parseCustomPricing } from './custom.ts';

test('the example file parses to the documented structure', () => {
  const text = readFileSync(new URL('../../examples/pricing-custom.yaml', import.meta.url), 'utf8');
  const expected: CustomPricing = {
    file: 'pricing-custom.yaml',
    rates: { cpuCoreHourUsd: 0.028, ramGiBHourUsd: 0.0035, gpuHourUsd: 0.9 },
    nodeOverrides: [
      { name: 'gpu-pool', matchLabels: { 'node-pool': 'gpu' }, price: { kind: 'rates', rates: { cpuCoreHourUsd: 0.035, ramGiBHourUsd: 0.0045, gpuHourUsd: 1.6 } } },
      { name: 'leased-metal', matchLabels: { 'node.kubernetes.io/instance-type': 'dl380-gen10' }, price: { kind: 'instance', hourlyUsd: 1.25 } },
      { name: 'old-rack', matchLabels: { 'topology.kubernetes.io/zone': 'rack-2019' }, price: { kind: 'discount', percent: 40 } },
    ],
    storageGibMonthUsd: { 'ceph-rbd': 0.05, 'local-path': 0.02 },
    defaultStorageGibMonthUsd: 0.04,
    loadBalancerHourlyUsd: 0.01,
    managementHourlyUsd: 0,
    discountPercent: { compute: 0, storage: 0, loadBalancer: 0, management: 0 },
    spotDiscountPercent: undefined,
  };
  assert.deepEqual(parseCustomPricing(text, 'pricing-custom.yaml'), expected);
});

test('valid files: defaults, inheritance and per-category discounts', () => {
  const table: [string, string, Partial<CustomPricing>][] = [
    ['empty mapping', '{}', { rates: undefined, nodeOverrides: [], discountPercent: { compute: 0, storage: 0, loadBalancer: 0, management: 0 } }],
    ['rates without GPU', 'cpuCoreHourUsd: 0.02\nramGiBHourUsd: 0.003', { rates: { cpuCoreHourUsd: 0.02, ramGiBHourUsd: 0.003, gpuHourUsd: undefined } }],
    ['explicit zeros are kept', 'cpuCoreHourUsd: 0\nramGiBHourUsd: 0\ngpuHourUsd: 0', { rates: { cpuCoreHourUsd: 0, ramGiBHourUsd: 0, gpuHourUsd: 0 } }],
    [
      'override inherits the top-level GPU rate',
      'gpuHourUsd: 1.2\nnodeOverrides:\n  - matchLabels: {pool: a}\n    cpuCoreHourUsd: 0.01\n    ramGiBHourUsd: 0.001',
      { rates: undefined, nodeOverrides: [{ name: 'nodeOverrides[0]', matchLabels: { pool: 'a' }, price: { kind: 'rates', rates: { cpuCoreHourUsd: 0.01, ramGiBHourUsd: 0.001, gpuHourUsd: 1.2 } } }] },
    ],
    ['numeric label values become strings', 'nodeOverrides:\n  - matchLabels: {tier: 2}\n    nodeHourlyUsd: 0.5', { nodeOverrides: [{ name: 'nodeOverrides[0]', matchLabels: { tier: '2' }, price: { kind: 'instance', hourlyUsd: 0.5 } }] }],
    ['discount for all, one category overridden', 'discountPercent: 15\ndiscountPercentByCategory:\n  storage: 5', { discountPercent: { compute: 15, storage: 5, loadBalancer: 15, management: 15 } }],
    ['spot discount', 'spotDiscountPercent: 65', { spotDiscountPercent: 65 }],
    [
      'override with a discount of its own',
      'nodeOverrides:\n  - name: committed\n    matchLabels: {karpenter.sh/nodepool: steady}\n    discountPercent: 37',
      { nodeOverrides: [{ name: 'committed', matchLabels: { 'karpenter.sh/nodepool': 'steady' }, price: { kind: 'discount', percent: 37 } }] },
    ],
  ];
  for (const [name, text, expected] of table) {
    const parsed = parseCustomPricing(text, 'p.yaml');
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(parsed[k as keyof CustomPricing], v, `${name}: ${k}`);
  }
});

test('invalid files: typed errors naming the file, the field path and the value', () => {
  const known =
    'cpuCoreHourUsd, ramGiBHourUsd, gpuHourUsd, nodeOverrides, storageGibMonthUsd, defaultStorageGibMonthUsd, loadBalancerHourlyUsd, managementHourlyUsd, discountPercent, discountPercentByCategory, spotDiscountPercent';
  const table: [string, string][] = [
    ['cpuCoreHourUsd: abc\nramGiBHourUsd: 1', 'p.yaml: cpuCoreHourUsd: must be a non-negative number (got "abc")'],
    ['cpuCoreHourUsd: "0.1"\nramGiBHourUsd: 1', 'p.yaml: cpuCoreHourUsd: must be a non-negative number (got "0.1")'],
    ['cpuCoreHourUsd: 0.1', 'p.yaml: ramGiBHourUsd: must be set together with cpuCoreHourUsd'],
    ['ramGiBHourUsd: 0.1', 'p.yaml: cpuCoreHourUsd: must be set together with ramGiBHourUsd'],
    ['gpuHourUsd: -0.5', 'p.yaml: gpuHourUsd: must be a non-negative number (got -0.5)'],
    ['cpuHourUsd: 1', `p.yaml: cpuHourUsd: unknown field; known fields are ${known} (got 1)`],
    ['storageGibMonthUsd:\n  gp3: -1', 'p.yaml: storageGibMonthUsd.gp3: must be a non-negative number (got -1)'],
    ['storageGibMonthUsd: 0.1', 'p.yaml: storageGibMonthUsd: must map storage class names to USD per GiB-month (got 0.1)'],
    ['discountPercent: 100', 'p.yaml: discountPercent: must be a number from 0 up to (not including) 100 (got 100)'],
    ['discountPercent: -5', 'p.yaml: discountPercent: must be a number from 0 up to (not including) 100 (got -5)'],
    ['discountPercentByCategory:\n  network: 5', 'p.yaml: discountPercentByCategory.network: unknown field; known fields are compute, storage, loadBalancer, management (got 5)'],
    ['spotDiscountPercent: "70%"', 'p.yaml: spotDiscountPercent: must be a number from 0 up to (not including) 100 (got "70%")'],
    ['nodeOverrides: {a: 1}', 'p.yaml: nodeOverrides: must be a list of overrides (got {"a":1})'],
    ['nodeOverrides:\n  - matchLabels: {a: b}', 'p.yaml: nodeOverrides[0]: needs nodeHourlyUsd, cpuCoreHourUsd and ramGiBHourUsd, or discountPercent'],
    ['nodeOverrides:\n  - matchLabels: {a: b}\n    discountPercent: 100', 'p.yaml: nodeOverrides[0].discountPercent: must be a number from 0 up to (not including) 100 (got 100)'],
    ['nodeOverrides:\n  - matchLabels: {a: b}\n    discountPercent: "30%"', 'p.yaml: nodeOverrides[0].discountPercent: must be a number from 0 up to (not including) 100 (got "30%")'],
    [
      'nodeOverrides:\n  - matchLabels: {a: b}\n    discountPercent: 30\n    nodeHourlyUsd: 1',
      'p.yaml: nodeOverrides[0].discountPercent: cannot be combined with a price of its own (nodeHourlyUsd, cpuCoreHourUsd/ramGiBHourUsd, gpuHourUsd); give one or the other (got 30)',
    ],
    ['nodeOverrides:\n  - matchLabels: {}\n    nodeHourlyUsd: 1', 'p.yaml: nodeOverrides[0].matchLabels: must be a non-empty mapping of label names to values (got {})'],
    ['nodeOverrides:\n  - nodeHourlyUsd: 1', 'p.yaml: nodeOverrides[0].matchLabels: must be a non-empty mapping of label names to values'],
    ['nodeOverrides:\n  - matchLabels: {a: [1]}\n    nodeHourlyUsd: 1', 'p.yaml: nodeOverrides[0].matchLabels.a: must be a label value (a string) (got [1])'],
    ['nodeOverrides:\n  - matchLabels: {a: b}\n    nodeHourlyUsd: -2', 'p.yaml: nodeOverrides[0].nodeHourlyUsd: must be a non-negative number (got -2)'],
    [
      'nodeOverrides:\n  - matchLabels: {a: b}\n    nodeHourlyUsd: 1\n    cpuCoreHourUsd: 1\n    ramGiBHourUsd: 1',
      'p.yaml: nodeOverrides[0].nodeHourlyUsd: cannot be combined with cpuCoreHourUsd/ramGiBHourUsd; give one or the other (got 1)',
    ],
    ['nodeOverrides:\n  - matchLabels: {a: b}\n    nodeHourlyUsd: 1\n    gpuHourUsd: 1', 'p.yaml: nodeOverrides[0].gpuHourUsd: cannot be combined with nodeHourlyUsd (the whole-node price includes its GPUs) (got 1)'],
    ['nodeOverrides:\n  - matchLabels: {a: b}\n    nodeHourlyUsd: 1\n    price: 2', 'p.yaml: nodeOverrides[0].price: unknown field; known fields are name, matchLabels, cpuCoreHourUsd, ramGiBHourUsd, gpuHourUsd, nodeHourlyUsd, discountPercent (got 2)'],
    ['nodeOverrides:\n  - name: ""\n    matchLabels: {a: b}\n    nodeHourlyUsd: 1', 'p.yaml: nodeOverrides[0].name: must be a non-empty string (got "")'],
    ['- 1', 'p.yaml: document: must be a mapping of pricing fields (got [1])'],
    ['', 'p.yaml: document: is empty; expected a mapping of pricing fields'],
    ['cpuCoreHourUsd: [1', 'p.yaml: line 1, column 19: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (got "cpuCoreHourUsd: [1")'],
    ['a: 1\na: 2', 'p.yaml: line 2, column 1: not valid YAML: Map keys must be unique (got "a: 2")'],
  ];
  for (const [text, message] of table) {
    assert.throws(
      () => parseCustomPricing(text, 'p.yaml'),
      (e: unknown) => e instanceof PricingFileError && e instanceof InputError && e.object === 'p.yaml' && e.message === message,
      message,
    );
  }
});

test('matchOverride: the first override whose labels all match', () => {
  const custom = parseCustomPricing('nodeOverrides:\n  - name: a\n    matchLabels: {pool: gpu, zone: z1}\n    nodeHourlyUsd: 1\n  - name: b\n    matchLabels: {pool: gpu}\n    nodeHourlyUsd: 2\n', 'p.yaml');
  const table: [Record<string, string>, string | undefined][] = [
    [{ pool: 'gpu', zone: 'z1' }, 'a'],
    [{ pool: 'gpu', zone: 'z2' }, 'b'],
    [{ pool: 'cpu' }, undefined],
    [{}, undefined],
  ];
  for (const [labels, name] of table) assert.equal(matchOverride(custom, labels)?.name, name, JSON.stringify(labels));
});

test('an alias to a missing anchor is a PricingFileError naming the file, not a crash (found by test/fuzz.test.ts)', () => {
  assert.throws(
    () => parseCustomPricing('cpuCoreHourUsd: *!\n', 'prices.yaml'),
    (err: unknown) => err instanceof PricingFileError && err.message.startsWith('prices.yaml: document: not valid YAML: '),
  );
});
