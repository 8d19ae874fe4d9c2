// Network cost in the model: a pod's egress (measured by its node's agent) × the price of each
// destination for its node's provider, in the pod's, its namespace's and the cluster's hourly cost.
// Expectations computed by hand in the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkRatesFor } from '../pricing/network.ts';
import { allocate } from './allocate.ts';
import { container, node, pod, res, snapshot, tablePriceBook } from './fixtures.test-util.ts';
import type { PodEgress } from './network-cost.ts';

const GiB = 1024 ** 3;
const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } as const;
const WINDOW = { startMs: 0, endMs: 3_600_000 };

const base = snapshot({
  nodes: [
    node('aws-1', res(4000, 16 * GiB), {}, 'aws:///us-east-1a/i-0abc'),
    node('gcp-1', res(4000, 16 * GiB), {}, 'gce://proj/us-central1-a/gcp-1'),
    node('az-1', res(4000, 16 * GiB), {}, 'azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/az-1'),
  ],
  pods: [
    pod('shop', 'web', 'aws-1', [container('web', res(1000, 2 * GiB))]),
    pod('shop', 'api', 'aws-1', [container('api', res(500, GiB))]),
    pod('ml', 'train', 'gcp-1', [container('t', res(1000, 4 * GiB))]),
    pod('ml', 'etl', 'az-1', [container('e', res(1000, 4 * GiB))]),
  ],
});
const prices = tablePriceBook({ nodes: { 'aws-1': { price: RATES }, 'gcp-1': { price: RATES }, 'az-1': { price: RATES } } });

const egress = new Map<string, PodEgress>([
  // AWS, over 60 s: 1 GiB cross-zone × $0.02 × 60/h = $1.20; 0.5 GiB internet × $0.09 × 60 = $2.70; in-zone free
  ['shop/web', { inZoneBytes: 10 * GiB, crossZoneBytes: GiB, internetBytes: GiB / 2, unclassifiedBytes: 100, seconds: 60 }],
  // GCP, over 15 s: 0.25 GiB cross-zone × $0.01 × 240 = $0.60; 0.125 GiB internet × $0.12 × 240 = $3.60
  ['ml/train', { inZoneBytes: 0, crossZoneBytes: GiB / 4, internetBytes: GiB / 8, unclassifiedBytes: 0, seconds: 15 }],
  // Azure: cross-zone free; internet has no published figure here: 1 GiB unpriced, $0
  ['ml/etl', { inZoneBytes: 0, crossZoneBytes: GiB, internetBytes: GiB, unclassifiedBytes: 5, seconds: 60 }],
]);

const EXPECTED = {
  pods: {
    'shop/web': { networkHourlyUsd: 3.9, networkUnpricedBytes: 100 },
    'shop/api': { networkHourlyUsd: undefined, networkUnpricedBytes: undefined }, // not measured: no network line
    'ml/train': { networkHourlyUsd: 4.2, networkUnpricedBytes: 0 },
    'ml/etl': { networkHourlyUsd: 0, networkUnpricedBytes: GiB + 5 },
  },
  namespaces: { shop: 3.9, ml: 4.2 },
  cluster: 8.1,
};

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} ≠ ${b}`);

test('network cost per pod, namespace and cluster, added to their hourly totals', () => {
  const without = allocate(base, prices, WINDOW, { networkRates: networkRatesFor });
  const withEgress = allocate({ ...base, egress }, prices, WINDOW, { networkRates: networkRatesFor });
  for (const [key, want] of Object.entries(EXPECTED.pods)) {
    const p = withEgress.pods.find((x) => `${x.namespace}/${x.name}` === key)!;
    const q = without.pods.find((x) => `${x.namespace}/${x.name}` === key)!;
    if (want.networkHourlyUsd === undefined) assert.equal(p.networkHourlyUsd, undefined, key);
    else close(p.networkHourlyUsd!, want.networkHourlyUsd, `${key} network`);
    assert.equal(p.networkUnpricedBytes, want.networkUnpricedBytes, `${key} unpriced`);
    close(p.totalHourlyUsd - q.totalHourlyUsd, want.networkHourlyUsd ?? 0, `${key} total grows by its network cost`);
    close(p.cpuHourlyUsd, q.cpuHourlyUsd, `${key} compute unchanged`);
  }
  for (const [ns, want] of Object.entries(EXPECTED.namespaces)) {
    const n = withEgress.namespaces.find((x) => x.namespace === ns)!;
    close(n.networkHourlyUsd!, want, `${ns} network`);
    close(n.totalHourlyUsd - without.namespaces.find((x) => x.namespace === ns)!.totalHourlyUsd, want, `${ns} total`);
  }
  close(withEgress.cluster.networkHourlyUsd!, EXPECTED.cluster, 'cluster network');
  close(withEgress.cluster.totalHourlyUsd - without.cluster.totalHourlyUsd, EXPECTED.cluster, 'cluster total');
  // Without measurements nothing about network appears (no zero pretending to be a price).
  assert.equal(without.cluster.networkHourlyUsd, undefined);
  assert.ok(without.pods.every((p) => p.networkHourlyUsd === undefined));
});

test('no network prices given: measured egress is all unpriced, costs nothing, and says so', () => {
  const r = allocate({ ...base, egress }, prices, WINDOW);
  const web = r.pods.find((p) => p.name === 'web')!;
  assert.equal(web.networkHourlyUsd, 0);
  assert.equal(web.networkUnpricedBytes, 10 * GiB + GiB + GiB / 2 + 100);
});
