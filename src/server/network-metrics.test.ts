// Egress by destination in the exposition: a pod's rate per destination and the hourly cost of
// the priced ones, computed by hand in the table (AWS rates: in-zone $0, cross-zone $0.02/GiB,
// internet $0.09/GiB). Unpriced destinations have no cost sample, never a zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { PodEgress } from '../core/network-cost.ts';
import { networkRatesFor } from '../pricing/network.ts';
import { renderCostMetrics } from './cost-metrics.ts';

const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } as const;

test('kube_cost_pod_network_egress_bytes_per_second and _hourly_usd by destination', () => {
  const s = snapshot({
    nodes: [node('aws-1', res(4000, 16 * GiB), {}, 'aws:///us-east-1a/i-0abc')],
    pods: [pod('shop', 'web', 'aws-1', [container('web', res(1000, 2 * GiB))]), pod('shop', 'api', 'aws-1', [container('api', res(500, GiB))])],
  });
  // Over 60 s: 6 GiB in-zone = 0.1 GiB/s; 1 GiB cross-zone → 60 GiB/h × $0.02 = $1.20/h;
  // 0.5 GiB internet → 30 GiB/h × $0.09 = $2.70/h; 120 B unclassified = 2 B/s, no price.
  const egress = new Map<string, PodEgress>([['shop/web', { inZoneBytes: 6 * GiB, crossZoneBytes: GiB, internetBytes: GiB / 2, unclassifiedBytes: 120, seconds: 60 }]]);
  const report = allocate({ ...s, egress }, tablePriceBook({ nodes: { 'aws-1': { price: RATES } } }), { startMs: 0, endMs: 3_600_000 }, { networkRates: networkRatesFor });
  const text = renderCostMetrics(report, { costUsd: new Map(), spotSavingsUsd: new Map() }, 'prometheus');
  const samples = (family: string): Record<string, number> =>
    Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.startsWith(`${family}{`))
        .map((l) => [/pod="([^"]+)".*destination="([^"]+)"/.exec(l)!.slice(1).join(' '), Number(l.slice(l.lastIndexOf(' ') + 1))]),
    );
  const rate = samples('kube_cost_pod_network_egress_bytes_per_second');
  assert.deepEqual(Object.keys(rate), ['web in-zone', 'web cross-zone', 'web internet', 'web unclassified'], 'only the measured pod, all four destinations');
  const close = (a: number | undefined, b: number, what: string): void => assert.ok(a !== undefined && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);
  close(rate['web in-zone'], (6 * GiB) / 60, 'in-zone B/s');
  close(rate['web cross-zone'], GiB / 60, 'cross-zone B/s');
  close(rate['web internet'], GiB / 120, 'internet B/s');
  close(rate['web unclassified'], 2, 'unclassified B/s');
  const usd = samples('kube_cost_pod_network_egress_hourly_usd');
  assert.deepEqual(Object.keys(usd), ['web in-zone', 'web cross-zone', 'web internet'], 'unclassified has no price: no sample');
  close(usd['web in-zone'], 0, 'in-zone is free on AWS (a price of $0, not an unknown one)');
  close(usd['web cross-zone'], 1.2, 'cross-zone $/h');
  close(usd['web internet'], 2.7, 'internet $/h');
  // The destinations add up to the pod's network resource cost.
  const network = /^kube_cost_pod_resource_hourly_usd\{[^}]*pod="web"[^}]*resource="network"\} (\S+)$/m.exec(text);
  close(Number(network?.[1]), 3.9, 'resource="network"');
  // The cluster's components include network and still add up to the cluster's hourly cost.
  const components = Object.fromEntries([...text.matchAll(/^kube_cost_cluster_component_hourly_usd\{[^}]*component="(\w+)"\} (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  close(components['network'], 3.9, 'component="network"');
  const total = Number(/^kube_cost_cluster_hourly_usd(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
  close(Object.values(components).reduce((a, b) => a + b, 0), total, 'components add up to kube_cost_cluster_hourly_usd');
});
