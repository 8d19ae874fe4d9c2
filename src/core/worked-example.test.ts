// Reproduces the worked example of docs/cost-model.md to the digit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate, IDLE } from './allocate.ts';
import { container, GiB, MiB, node, pod, res, snapshot, tablePriceBook } from './fixtures.test-util.ts';
import type { ContainerUsage } from './model.ts';

test('worked example of docs/cost-model.md', () => {
  const snap = snapshot({
    nodes: [node('ip-10-0-1-5', res(4000, 16 * GiB), { 'node.kubernetes.io/instance-type': 'm5.xlarge', 'topology.kubernetes.io/region': 'us-east-1' }, 'aws:///us-east-1a/i-0abc')],
    pods: [
      pod('shop', 'web-1', 'ip-10-0-1-5', [container('web', res(500, GiB))]),
      pod('data', 'db-0', 'ip-10-0-1-5', [container('pg', res(1000, 4 * GiB))], { claimNames: ['pgdata-db-0'] }),
    ],
    persistentVolumes: [{ name: 'pvc-1234', storageClass: 'gp3', capacityBytes: 100 * GiB, claim: { namespace: 'data', name: 'pgdata-db-0' }, labels: {} }],
    usage: new Map<string, Map<string, ContainerUsage>>([['shop/web-1', new Map([['web', { cpuMillicores: 800, ramBytes: 600 * MiB }]])]]),
  });
  const prices = tablePriceBook({
    nodes: { 'ip-10-0-1-5': { price: { kind: 'instance', hourlyUsd: 0.192 } } },
    storageGibMonthUsd: { gp3: 0.08 },
    managementHourlyUsd: 0.1,
  });
  const report = allocate(snap, prices, { startMs: 0, endMs: 3_600_000 });
  const round = (x: number) => Number(x.toFixed(9));
  const n = report.nodes[0]!;
  assert.equal(n.rates.ramGiBHourUsd, 0.004188224633950453);
  assert.equal(n.rates.cpuCoreHourUsd, 0.031247101464198197);
  const web = report.pods.find((p) => p.name === 'web-1')!;
  const db = report.pods.find((p) => p.name === 'db-0')!;
  assert.equal(round(web.totalHourlyUsd), 0.029185906);
  assert.equal(round(db.cpuHourlyUsd + db.ramHourlyUsd), 0.048);
  assert.equal(round(db.pvHourlyUsd), 0.010958904);
  assert.equal(round(db.totalHourlyUsd), 0.058958904);
  const idle = report.pseudo.find((p) => p.name === IDLE)!;
  assert.equal(round(idle.cpuHourlyUsd), 0.068743623);
  assert.equal(round(idle.ramHourlyUsd), 0.046070471);
  assert.equal(round(idle.totalHourlyUsd), 0.114814094);
  const ns = Object.fromEntries(report.namespaces.map((x) => [x.namespace, round(x.totalHourlyUsd)]));
  assert.deepEqual(ns, { __idle__: 0.114814094, data: 0.058958904, shop: 0.029185906 });
  assert.equal(round(report.cluster.totalHourlyUsd), 0.302958904);
  assert.equal(Number((report.cluster.totalHourlyUsd * 730).toFixed(2)), 221.16);
  const podSum = [...report.pods, ...report.pseudo].reduce((s, p) => s + p.totalHourlyUsd, 0);
  assert.equal(Number((podSum * 730).toFixed(2)), 148.16);
});
