// The agent asks the API server for its node's pods only when the cgroups show something the last
// list does not explain (a new pod, a new container, a pod without its IP while egress is
// classified) or every RELIST_MS, and for the nodes (zones) every RELIST_MS: a list per node per
// collection would make a thousand agents the API server's busiest client.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCollector, RELIST_MS } from '../src/agent/collector.ts';
import type { FixturePod } from '../src/agent/fixtures.test-util.ts';
import { containerId, podUid, writeCgroupTree } from '../src/agent/fixtures.test-util.ts';

const A = podUid(0xa);
const B = podUid(0xb);
const CA = containerId(0xca);
const CA2 = containerId(0xca2);
const PAUSE = containerId(0xfa);
const CB = containerId(0xcb);

const counters = { cpuUsec: 0, memoryBytes: 1000, inactiveFileBytes: 0 };
const pod = (uid: string, ids: string[]): FixturePod => ({ uid, qos: 'burstable', counters, containers: ids.map((id) => ({ id, counters })) });
const listed = (uid: string, name: string, ip: string | undefined, containers: [string, string][]) => ({
  metadata: { uid, namespace: 'shop', name },
  status: { ...(ip ? { podIP: ip } : {}), containerStatuses: containers.map(([n, id]) => ({ name: n, containerID: `containerd://${id}` })) },
});

test('pod and node lists: asked again for what is new, else every RELIST_MS', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kce-relist-'));
  try {
    let clock = 0;
    let items = [listed(A, 'web', '10.0.1.5', [['web', CA]])];
    const calls = { pods: 0, nodes: 0 };
    writeCgroupTree(root, { version: 'v2', driver: 'cgroupfs', runtime: 'containerd', pods: [pod(A, [CA, PAUSE])] });
    const collector = createCollector({
      nodeName: 'n1',
      cgroupRoot: root,
      procRoot: join(root, 'proc'),
      network: false,
      conntrack: false,
      directory: {
        podsOnNode: async () => {
          calls.pods++;
          return { items };
        },
        nodes: async () => {
          calls.nodes++;
          return { items: [] };
        },
      },
      now: () => clock,
    });
    const step = async (tree: FixturePod[], ms: number): Promise<{ pods: number; nodes: number; names: string[] }> => {
      writeCgroupTree(root, { version: 'v2', driver: 'cgroupfs', runtime: 'containerd', pods: tree });
      clock += ms;
      const report = await collector.collect();
      return { ...calls, names: (report?.pods ?? []).flatMap((p) => p.containers.map((c) => `${p.name}/${c.name || c.id.slice(-3)}`)).sort() };
    };
    // Pod A with its app container and the sandbox's pause container (never in containerStatuses).
    assert.deepEqual(await step([pod(A, [CA, PAUSE])], 0), { pods: 1, nodes: 0, names: [] }, 'the first collection lists');
    assert.deepEqual(await step([pod(A, [CA, PAUSE])], 15_000), { pods: 1, nodes: 0, names: ['web/0fa', 'web/web'] }, 'nothing new: no list, even for the unnamed pause container');
    // Pod B appears: listed at once.
    items = [...items, listed(B, 'db', '10.0.1.6', [['db', CB]])];
    assert.deepEqual((await step([pod(A, [CA, PAUSE]), pod(B, [CB])], 15_000)).pods, 2, 'a new pod: a new list');
    // A's container restarts with a new ID: listed at once, named.
    items = [listed(A, 'web', '10.0.1.5', [['web', CA2]]), listed(B, 'db', '10.0.1.6', [['db', CB]])];
    rmSync(join(root, 'kubepods', 'burstable', `pod${A}`, CA), { recursive: true });
    const restarted = await step([pod(A, [CA2, PAUSE]), pod(B, [CB])], 15_000);
    assert.equal(restarted.pods, 3, 'a new container: a new list');
    assert.deepEqual(restarted.names, ['db/db', 'web/0fa', 'web/web']);
    assert.equal((await step([pod(A, [CA2, PAUSE]), pod(B, [CB])], 15_000)).pods, 3);
    // Then only every RELIST_MS.
    assert.equal((await step([pod(A, [CA2, PAUSE]), pod(B, [CB])], RELIST_MS)).pods, 4, 'the periodic list');
    assert.equal(calls.nodes, 0, 'nodes are asked only to classify egress');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('with conntrack: a pod without its IP yet is listed again; nodes every RELIST_MS', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kce-relist-'));
  try {
    let clock = 0;
    let items = [listed(A, 'web', undefined, [['web', CA]])];
    const calls = { pods: 0, nodes: 0 };
    writeCgroupTree(root, { version: 'v2', driver: 'cgroupfs', runtime: 'containerd', pods: [pod(A, [CA])] });
    const collector = createCollector({
      nodeName: 'n1',
      cgroupRoot: root,
      procRoot: join(root, 'proc'),
      network: true,
      conntrack: true,
      directory: {
        podsOnNode: async () => {
          calls.pods++;
          return { items };
        },
        nodes: async () => {
          calls.nodes++;
          return { items: [] };
        },
      },
      now: () => clock,
    });
    await collector.collect();
    assert.deepEqual(calls, { pods: 1, nodes: 1 });
    clock += 15_000;
    items = [listed(A, 'web', '10.0.1.5', [['web', CA]])];
    await collector.collect();
    assert.deepEqual(calls, { pods: 2, nodes: 1 }, 'no IP at the last list: asked again; nodes not yet');
    clock += 15_000;
    await collector.collect();
    assert.deepEqual(calls, { pods: 2, nodes: 1 }, 'the IP is known now');
    clock += RELIST_MS;
    await collector.collect();
    assert.deepEqual(calls, { pods: 3, nodes: 2 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
