import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifyNode } from '../core/node-identity.ts';
import { createDemoCluster, createDemoSource, diurnal } from './demo-cluster.ts';

const AT_1400 = Date.UTC(2026, 10, 23, 14, 5);
const AT_0300 = Date.UTC(2026, 10, 23, 3, 5);

test('the demo cluster looks like a real EKS cluster', async () => {
  const { snapshot, warnings, hasUsage } = await createDemoSource().read(AT_1400);
  assert.deepEqual(warnings, []);
  assert.ok(hasUsage);
  assert.equal(snapshot.nodes.length, 12);
  assert.ok(snapshot.pods.length >= 90 && snapshot.pods.length <= 110, `${snapshot.pods.length} pods`);
  const ids = snapshot.nodes.map(identifyNode);
  assert.ok(ids.every((i) => i.provider === 'aws' && i.region === 'us-east-1'));
  assert.equal(ids.filter((i) => i.capacityType === 'spot').length, 5);
  assert.equal(snapshot.nodes.filter((n) => n.capacity.gpus === 1).length, 1);
  assert.equal(new Set(snapshot.pods.map((p) => p.namespace)).size, 12);
  assert.deepEqual(new Set(snapshot.pods.map((p) => p.workload?.kind)), new Set(['DaemonSet', 'Deployment', 'StatefulSet', 'CronJob']));
  assert.deepEqual(new Set(snapshot.persistentVolumes.map((v) => v.storageClass)), new Set(['gp3', 'gp2', 'io2', 'st1']));
  assert.equal(snapshot.persistentVolumes.filter((v) => !v.claim).length, 1, 'one released volume');
  assert.equal(snapshot.services.filter((s) => s.type === 'LoadBalancer').length, 1);
  assert.ok(snapshot.pods.some((p) => p.sidecarContainers.length > 0));
  assert.ok(snapshot.pods.some((p) => p.initContainers.length > 0));
  assert.ok(snapshot.namespaces.filter((n) => n.labels['budget'] !== undefined).length >= 5);
  // Every pod fits on its node by requests.
  for (const node of snapshot.nodes) {
    const cpu = snapshot.pods.filter((p) => p.nodeName === node.name && p.phase === 'Running').reduce((s, p) => s + p.containers.reduce((c, x) => c + x.requests.cpuMillicores, 0), 0);
    assert.ok(cpu <= node.allocatable.cpuMillicores, `${node.name}: ${cpu}m requested of ${node.allocatable.cpuMillicores}m`);
  }
});

test('deterministic: same seed and time give the same cluster; another seed another one', () => {
  const a = JSON.stringify(createDemoCluster(42).kubeList(AT_1400));
  const b = JSON.stringify(createDemoCluster(42).kubeList(AT_1400));
  const c = JSON.stringify(createDemoCluster(7).kubeList(AT_1400));
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(JSON.stringify(createDemoCluster(42).podMetrics(AT_1400)), JSON.stringify(createDemoCluster(42).podMetrics(AT_1400)));
});

test('usage follows the day: more CPU at 14:00 UTC than at 03:00', async () => {
  const source = createDemoSource();
  const total = async (t: number) => {
    const { snapshot } = await source.read(t);
    let cpu = 0;
    for (const containers of snapshot.usage!.values()) for (const u of containers.values()) cpu += u.cpuMillicores;
    return cpu;
  };
  const day = await total(AT_1400);
  const night = await total(AT_0300);
  assert.ok(day > night * 1.5, `day ${day}m vs night ${night}m`);
  assert.equal(diurnal(Date.UTC(2026, 0, 1, 16)), 1);
  assert.ok(diurnal(Date.UTC(2026, 0, 1, 4)) < 1e-12);
});

test('CronJob pods run inside their slot and have finished outside it', async () => {
  const source = createDemoSource();
  const during = (await source.read(Date.UTC(2026, 10, 23, 14, 10))).snapshot.pods.find((p) => p.workload?.name === 'hourly-report');
  const after = (await source.read(Date.UTC(2026, 10, 23, 14, 40))).snapshot.pods.find((p) => p.workload?.name === 'hourly-report');
  assert.equal(during?.phase, 'Running');
  assert.equal(during?.startedAtMs, Date.UTC(2026, 10, 23, 14));
  assert.equal(after?.phase, 'Succeeded');
  const etl = (await source.read(Date.UTC(2026, 10, 23, 2))).snapshot.pods.find((p) => p.workload?.name === 'nightly-etl');
  assert.equal(etl?.phase, 'Running');
});
