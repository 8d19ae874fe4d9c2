import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifyNode } from '../core/node-identity.ts';
import { convertKubeDocuments } from './kube-objects.ts';
import { generateSyntheticList, generateSyntheticMetrics, SYNTHETIC_SIZES } from './synthetic.ts';

function countKinds(items: readonly Record<string, unknown>[]): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const item of items) counts.set(item['kind'], (counts.get(item['kind']) ?? 0) + 1);
  return counts;
}

test('S and M: exactly the nodes and pods asked for, with realistic variety, converting without a warning', () => {
  for (const size of [SYNTHETIC_SIZES.S, SYNTHETIC_SIZES.M]) {
    const list = generateSyntheticList({ ...size, seed: 1 });
    const metrics = generateSyntheticMetrics(list, { seed: 1 });
    const { snapshot, warnings, ignoredKinds } = convertKubeDocuments([
      { doc: list, origin: 'cluster.json' },
      { doc: metrics, origin: 'metrics.json' },
    ]);
    assert.deepEqual(warnings, []);
    assert.equal(ignoredKinds.size, 0);
    assert.equal(snapshot.nodes.length, size.nodes);
    assert.equal(snapshot.pods.length, size.pods);
    const ids = snapshot.nodes.map(identifyNode);
    assert.equal(ids.filter((i) => i.capacityType === 'spot').length, size.nodes / 5);
    assert.ok(ids.every((i) => i.provider === 'aws' && i.region === 'us-east-1' && i.instanceType !== undefined));
    assert.ok(new Set(ids.map((i) => i.instanceType)).size >= 8);
    assert.equal(snapshot.nodes.filter((n) => n.capacity.gpus === 1).length, size.nodes / 100);
    const withClaims = snapshot.pods.filter((p) => p.claimNames.length > 0).length;
    assert.ok(withClaims > size.pods * 0.03 && withClaims < size.pods * 0.08, `${withClaims} pods with volumes`);
    assert.equal(snapshot.persistentVolumes.length, withClaims);
    assert.equal(snapshot.persistentVolumeClaims.length, withClaims);
    const lbs = snapshot.services.filter((s) => s.type === 'LoadBalancer' && s.ingressCount === 1).length;
    assert.ok(lbs >= 2 && lbs <= 10, `${lbs} load balancers`);
    assert.ok(snapshot.namespaces.length >= 5);
    assert.ok(snapshot.pods.some((p) => p.sidecarContainers.length > 0) && snapshot.pods.some((p) => p.initContainers.length > 0));
    const running = snapshot.pods.filter((p) => p.phase === 'Running').length;
    assert.equal(snapshot.usage?.size, running);
    // Everything the scheduler placed fits on its node.
    const used = new Map<string, number>();
    for (const p of snapshot.pods) {
      if (p.phase !== 'Running') continue;
      const cpu = [...p.containers, ...p.sidecarContainers].reduce((s, c) => s + c.requests.cpuMillicores, 0);
      used.set(p.nodeName, (used.get(p.nodeName) ?? 0) + cpu);
    }
    for (const n of snapshot.nodes) assert.ok((used.get(n.name) ?? 0) <= n.allocatable.cpuMillicores, n.name);
  }
});

test('L: 5,000 nodes and 100,000 pods, deterministic by seed', () => {
  const list = generateSyntheticList({ ...SYNTHETIC_SIZES.L, seed: 1 });
  const kinds = countKinds(list.items);
  assert.equal(kinds.get('Node'), 5_000);
  assert.equal(kinds.get('Pod'), 100_000);
  assert.ok((kinds.get('PersistentVolumeClaim') ?? 0) > 3_000);
  const small = (seed: number) => JSON.stringify(generateSyntheticList({ nodes: 10, pods: 50, seed }));
  assert.equal(small(1), small(1));
  assert.notEqual(small(1), small(2));
});

test('sizes are checked', () => {
  assert.throws(() => generateSyntheticList({ nodes: 0, pods: 10 }), { message: 'synthetic cluster: nodes must be a positive integer and pods a non-negative one (got 0 nodes, 10 pods)' });
});
