import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterSnapshot } from '../core/model.ts';
import { identifyNode } from '../core/node-identity.ts';
import { createDemoCluster, createDemoSource, diurnalLoad } from './demo.ts';

const MONDAY_1400 = Date.UTC(2026, 10, 23, 14, 7);
const MONDAY_0300 = Date.UTC(2026, 10, 23, 3, 7);
const SATURDAY_1400 = Date.UTC(2026, 10, 28, 14, 7);

function totalUsage(snapshot: ClusterSnapshot): { cpuMillicores: number; ramBytes: number } {
  let cpuMillicores = 0;
  let ramBytes = 0;
  for (const containers of snapshot.usage?.values() ?? []) {
    for (const u of containers.values()) {
      cpuMillicores += u.cpuMillicores;
      ramBytes += u.ramBytes;
    }
  }
  return { cpuMillicores, ramBytes };
}

test('the demo cluster looks like a real EKS cluster in us-east-1', async () => {
  const { snapshot, warnings, hasUsage } = await createDemoSource().read(MONDAY_1400);
  assert.deepEqual(warnings, []);
  assert.ok(hasUsage);

  const nodes = snapshot.nodes.map((n) => ({ ...identifyNode(n), gpus: n.capacity.gpus, providerId: n.providerId ?? '' }));
  assert.equal(nodes.length, 12);
  assert.ok(nodes.every((n) => n.provider === 'aws' && n.region === 'us-east-1'));
  assert.ok(nodes.every((n) => /^aws:\/\/\/us-east-1[abc]\/i-0[0-9a-f]{16}$/.test(n.providerId)));
  assert.deepEqual(new Set(nodes.map((n) => n.zone)), new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
  const count = (f: (n: (typeof nodes)[number]) => boolean) => nodes.filter(f).length;
  assert.equal(count((n) => n.capacityType === 'spot'), 5);
  assert.equal(count((n) => n.instanceType === 'm6i.2xlarge' && n.pool === 'general'), 4);
  assert.equal(count((n) => n.instanceType === 'r6i.xlarge'), 2);
  assert.equal(count((n) => n.instanceType === 'c6i.2xlarge' && n.capacityType === 'spot'), 3);
  assert.equal(count((n) => n.instanceType === 'm5.xlarge' && n.capacityType === 'spot'), 2);
  assert.equal(count((n) => n.instanceType === 'g4dn.xlarge' && n.gpus === 1), 1);
  for (const node of snapshot.nodes.filter((n) => identifyNode(n).capacityType === 'spot')) {
    assert.equal(node.labels['eks.amazonaws.com/capacityType'], 'SPOT');
    assert.equal(node.labels['karpenter.sh/capacity-type'], 'spot');
  }

  assert.ok(snapshot.pods.length >= 95 && snapshot.pods.length <= 115, `${snapshot.pods.length} pods`);
  assert.deepEqual(new Set(snapshot.pods.map((p) => p.workload?.kind)), new Set(['DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob']));
  const teamNamespaces = snapshot.namespaces.filter((n) => n.labels['team'] !== undefined && n.labels['cost-center'] !== undefined);
  assert.equal(teamNamespaces.length, 13);
  assert.ok(snapshot.namespaces.filter((n) => /^\d+$/.test(n.labels['budget'] ?? '')).length >= 6);
  assert.ok(snapshot.pods.some((p) => p.sidecarContainers.length > 0), 'a native sidecar');
  assert.ok(snapshot.pods.some((p) => p.initContainers.length > 0), 'an init container');
  assert.ok(snapshot.pods.some((p) => p.containers.some((c) => c.requests.gpus === 1) && p.phase === 'Running' && p.workload?.kind === 'Job'), 'a GPU training job');
  assert.ok(snapshot.pods.some((p) => p.phase === 'Failed'), 'an evicted pod');
  assert.ok(snapshot.pods.some((p) => p.phase === 'Pending' && p.nodeName === ''), 'an unschedulable pod');

  assert.deepEqual(new Set(snapshot.persistentVolumes.map((v) => v.storageClass)), new Set(['gp3', 'gp2', 'io2', 'st1']));
  assert.equal(snapshot.persistentVolumes.filter((v) => v.claim === undefined).length, 1, 'one volume never claimed');
  const claimed = new Set(snapshot.persistentVolumeClaims.map((c) => `${c.namespace}/${c.name}`));
  const mounted = new Set(snapshot.pods.flatMap((p) => p.claimNames.map((c) => `${p.namespace}/${c}`)));
  assert.deepEqual(mounted, claimed, 'every claim is mounted by a pod');
  const lbs = snapshot.services.filter((s) => s.type === 'LoadBalancer');
  assert.deepEqual(
    lbs.map((s) => [s.namespace, s.name, s.ingressCount]),
    [['ingress-nginx', 'ingress-nginx-controller', 1]],
  );

  // The scheduler would have placed these: every node holds what is bound to it, by requests.
  for (const node of snapshot.nodes) {
    let cpu = 0;
    let ram = 0;
    for (const p of snapshot.pods) {
      if (p.nodeName !== node.name || (p.phase !== 'Running' && p.phase !== 'Pending')) continue;
      for (const c of [...p.containers, ...p.sidecarContainers]) {
        cpu += c.requests.cpuMillicores;
        ram += c.requests.ramBytes;
      }
    }
    assert.ok(cpu <= node.allocatable.cpuMillicores, `${node.name}: ${cpu}m of ${node.allocatable.cpuMillicores}m`);
    assert.ok(ram <= node.allocatable.ramBytes, `${node.name}: ${ram} of ${node.allocatable.ramBytes} bytes`);
  }
  // Usage covers exactly the running pods.
  const running = snapshot.pods.filter((p) => p.phase === 'Running').map((p) => `${p.namespace}/${p.name}`);
  assert.deepEqual([...(snapshot.usage?.keys() ?? [])].sort(), running.sort());
});

test('deterministic: same seed and time, same reading; another seed, another cluster', async () => {
  const a = await createDemoSource({ seed: 42 }).read(MONDAY_1400);
  const b = await createDemoSource({ seed: 42 }).read(MONDAY_1400);
  assert.deepEqual(a, b);
  const source = createDemoSource({ seed: 42 });
  await source.read(MONDAY_0300);
  assert.deepEqual(await source.read(MONDAY_1400), a, 'earlier reads do not change later ones');
  const other = await createDemoSource({ seed: 7 }).read(MONDAY_1400);
  assert.notDeepEqual(
    other.snapshot.nodes.map((n) => n.name),
    a.snapshot.nodes.map((n) => n.name),
  );
  assert.equal(JSON.stringify(createDemoCluster({ seed: 3 }).kubeList(MONDAY_1400)), JSON.stringify(createDemoCluster({ seed: 3 }).kubeList(MONDAY_1400)));
});

test('usage follows the working day and the week, and moves smoothly', async () => {
  const source = createDemoSource();
  const day = totalUsage((await source.read(MONDAY_1400)).snapshot);
  const night = totalUsage((await source.read(MONDAY_0300)).snapshot);
  const weekend = totalUsage((await source.read(SATURDAY_1400)).snapshot);
  assert.ok(day.cpuMillicores > night.cpuMillicores * 1.5, `day ${day.cpuMillicores}m, night ${night.cpuMillicores}m`);
  assert.ok(weekend.cpuMillicores < day.cpuMillicores * 0.9, `weekend ${weekend.cpuMillicores}m, weekday ${day.cpuMillicores}m`);
  const minuteLater = totalUsage((await source.read(MONDAY_1400 + 60_000)).snapshot);
  assert.notEqual(minuteLater.cpuMillicores, day.cpuMillicores, 'usage evolves minute to minute');
  assert.ok(Math.abs(minuteLater.cpuMillicores - day.cpuMillicores) < day.cpuMillicores * 0.05, 'without jumps');

  const table: [number, number][] = [
    [Date.UTC(2026, 0, 1, 4), 0],
    [Date.UTC(2026, 0, 1, 10), 0.5],
    [Date.UTC(2026, 0, 1, 16), 1],
    [Date.UTC(2026, 0, 1, 22), 0.5],
  ];
  for (const [t, expected] of table) assert.ok(Math.abs(diurnalLoad(t) - expected) < 1e-12, new Date(t).toISOString());
});

test('some workloads are over-provisioned, some use more than they request, one leaks memory', async () => {
  const { snapshot } = await createDemoSource().read(Date.UTC(2026, 10, 23, 16, 0));
  const ratio = (namespace: string, app: string, resource: 'cpuMillicores' | 'ramBytes') => {
    const pod = snapshot.pods.find((p) => p.namespace === namespace && p.workload?.name === app && p.phase === 'Running');
    assert.ok(pod, `${namespace}/${app}`);
    const container = pod.containers[0]!;
    return snapshot.usage!.get(`${namespace}/${pod.name}`)!.get(container.name)![resource] / container.requests[resource];
  };
  assert.ok(ratio('payments', 'payments-api', 'cpuMillicores') < 0.2, 'payments-api uses a fraction of its CPU');
  assert.ok(ratio('catalog', 'catalog-api', 'cpuMillicores') > 1.2, 'catalog-api uses more CPU than it requests');
  const metabase = async (hour: number) => {
    const { snapshot: s } = await createDemoSource().read(Date.UTC(2026, 10, 23, hour, 0));
    const pod = s.pods.find((p) => p.workload?.name === 'metabase')!;
    return s.usage!.get(`analytics/${pod.name}`)!.get('metabase')!.ramBytes;
  };
  assert.ok((await metabase(23)) > (await metabase(1)) * 1.6, 'memory grows through the day until the nightly restart');
});

test('CronJob pods come and go', async () => {
  const source = createDemoSource();
  const pods = async (t: number, cronJob: string) =>
    (await source.read(t)).snapshot.pods.filter((p) => p.workload?.kind === 'CronJob' && p.workload.name === cronJob).map((p) => ({ phase: p.phase, startedAtMs: p.startedAtMs }));
  // hourly-report: starts at :05, runs 12–24 minutes, deleted 10 minutes after it finishes.
  assert.deepEqual(await pods(Date.UTC(2026, 10, 23, 14, 6), 'hourly-report'), [{ phase: 'Running', startedAtMs: Date.UTC(2026, 10, 23, 14, 5, 1) }]);
  assert.deepEqual(await pods(Date.UTC(2026, 10, 23, 14, 55), 'hourly-report'), []);
  assert.deepEqual(await pods(Date.UTC(2026, 10, 23, 14, 2), 'hourly-report'), []);
  // nightly-etl: 01:00 UTC for about 2.5 hours; the last run is kept until the next one finishes.
  assert.deepEqual(
    (await pods(Date.UTC(2026, 10, 23, 2), 'nightly-etl')).map((p) => p.phase),
    ['Succeeded', 'Running'],
  );
  assert.deepEqual(
    (await pods(Date.UTC(2026, 10, 23, 12), 'nightly-etl')).map((p) => p.phase),
    ['Succeeded'],
  );
  // The Job name carries the scheduled minute, which is how the CronJob is recognised.
  const { snapshot } = await source.read(Date.UTC(2026, 10, 23, 14, 6));
  const report = snapshot.pods.find((p) => p.workload?.name === 'hourly-report');
  assert.deepEqual(report?.owner, { kind: 'Job', name: `hourly-report-${Date.UTC(2026, 10, 23, 14, 5) / 60_000}` });
});
