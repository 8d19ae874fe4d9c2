// scopeStore: an exporter reads its own cluster out of a shared store; the hub reads them all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOUR, makeBatch, T0 } from './contract.test-util.ts';
import { createMemoryStore } from './memory.ts';
import { SCOPING, scopedClusters, scopeStore } from './scope.ts';
import type { CycleBatch, HistoryStore } from './types.ts';

test('scopedClusters: the scope, narrowed by what the query asks', () => {
  const table: [readonly string[], readonly string[] | undefined, readonly string[]][] = [
    [['east'], undefined, ['east']],
    [['east'], ['east', 'west'], ['east']],
    [['east'], ['west'], []],
    [['east', 'west'], ['west'], ['west']],
  ];
  for (const [scope, asked, expected] of table) assert.deepEqual(scopedClusters(scope, asked), expected, `${scope} ∩ ${asked}`);
});

test('scopeStore: reads, coverage and every fact kind see only the scope; writes go through', async () => {
  const shared = createMemoryStore();
  // east: one pod at 0.04 USD/h cpu (+ 0.02 ram); west: one pod at 0.10 USD/h cpu (+ 0.05 ram); 2 hours each.
  for (const h of [0, 1]) {
    await shared.record(makeBatch('east', T0 + h * HOUR, T0 + (h + 1) * HOUR, [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
    await shared.record(makeBatch('west', T0 + h * HOUR, T0 + (h + 1) * HOUR, [{ key: 'b', namespace: 'shop', cpuUsdPerHour: 0.1 }]));
  }
  const east = scopeStore(shared, ['east']);
  const window = { startMs: T0, endMs: T0 + 2 * HOUR };
  const [set] = await east.allocations(window);
  assert.deepEqual(
    set?.rows.map((r) => [r.cluster, r.key, Number((r.cpuCostUsd + r.ramCostUsd).toFixed(9))]),
    [['east', 'a', 0.12]], // (0.04 + 0.02) × 2 h
  );
  assert.deepEqual((await east.allocations({ ...window, clusters: ['west'] }))[0]?.rows, [], 'a query for another cluster gets nothing');
  for (const read of [east.nodes(window), east.disks(window), east.loadBalancers(window), east.clusterCharges(window)]) {
    assert.deepEqual([...new Set((await read)[0]?.rows.map((r) => r.cluster))], ['east']);
  }
  assert.deepEqual((await east.coverage()).map((c) => c.cluster), ['east']);
  assert.equal(east.description, 'memory (history is lost on restart), read for cluster east');

  // Unscoped (the hub): both clusters; the global total is the sum of the two: 0.12 + (0.10 + 0.05) × 2 = 0.42.
  const [all] = await shared.allocations(window);
  assert.equal(Number(all?.rows.reduce((t, r) => t + r.cpuCostUsd + r.ramCostUsd, 0).toFixed(9)), 0.42);

  await east.record(makeBatch('east', T0 + 2 * HOUR, T0 + 3 * HOUR, [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
  assert.equal((await shared.coverage()).find((c) => c.cluster === 'east')?.lastMs, T0 + 3 * HOUR, 'a write through the scope lands in the shared store');
  await east.close();
});

test('scopeStore: every member of the store, by SCOPING, reaches the store: reads narrowed to the scope, the rest as they are', async () => {
  const calls: [string, unknown[]][] = [];
  const spy = <T>(member: string, answer: T) => async (...args: unknown[]): Promise<T> => {
    calls.push([member, args]);
    return answer;
  };
  const store = {
    kind: 'postgres',
    description: 'spy',
    adviceFacts: { write: spy('adviceFacts.write', undefined), read: spy('adviceFacts.read', []) },
    record: spy('record', undefined),
    allocations: spy('allocations', []),
    containers: spy('containers', []),
    nodes: spy('nodes', []),
    disks: spy('disks', []),
    loadBalancers: spy('loadBalancers', []),
    clusterCharges: spy('clusterCharges', []),
    coverage: spy('coverage', [{ cluster: 'east', firstMs: 0, lastMs: 1, gaps: [], demo: false }, { cluster: 'west', firstMs: 0, lastMs: 1, gaps: [], demo: false }]),
    reconcileNodeHours: spy('reconcileNodeHours', 3),
    maintain: spy('maintain', undefined),
    close: spy('close', undefined),
  } satisfies HistoryStore;
  const east = scopeStore(store, ['east']);
  const batch = { cluster: 'east', startMs: 0, endMs: 1 } as unknown as CycleBatch;
  const q = { startMs: 0, endMs: 1, clusters: ['east', 'west'] };
  // [member, the call on the scope, what it answers, the calls the store saw]
  const table: Record<keyof HistoryStore, [() => unknown, unknown, [string, unknown[]][]]> = {
    kind: [() => east.kind, 'postgres', []],
    description: [() => east.description, 'spy, read for cluster east', []],
    adviceFacts: [async () => [await east.adviceFacts?.read(), await east.adviceFacts?.write('east', { a: 1 }, 7)], [[], undefined], [['adviceFacts.read', [['east']]], ['adviceFacts.write', ['east', { a: 1 }, 7]]]],
    record: [() => east.record(batch), undefined, [['record', [batch]]]],
    allocations: [() => east.allocations({ ...q, namespaces: ['shop'] }), [], [['allocations', [{ ...q, namespaces: ['shop'], clusters: ['east'] }]]]],
    containers: [() => east.containers({ startMs: 0, endMs: 1 }), [], [['containers', [{ startMs: 0, endMs: 1, clusters: ['east'] }]]]],
    nodes: [() => east.nodes(q), [], [['nodes', [{ ...q, clusters: ['east'] }]]]],
    disks: [() => east.disks({ ...q, stepMs: 5 }), [], [['disks', [{ ...q, stepMs: 5, clusters: ['east'] }]]]],
    loadBalancers: [() => east.loadBalancers({ ...q, clusters: ['west'] }), [], [['loadBalancers', [{ ...q, clusters: [] }]]]],
    clusterCharges: [() => east.clusterCharges(q), [], [['clusterCharges', [{ ...q, clusters: ['east'] }]]]],
    coverage: [() => east.coverage(), [{ cluster: 'east', firstMs: 0, lastMs: 1, gaps: [], demo: false }], [['coverage', []]]],
    reconcileNodeHours: [async () => [await east.reconcileNodeHours('east', []), await east.reconcileNodeHours('west', [])], [3, 0], [['reconcileNodeHours', ['east', []]]]],
    maintain: [() => east.maintain(42), undefined, [['maintain', [42]]]],
    close: [() => east.close(), undefined, [['close', []]]],
  };
  assert.deepEqual(Object.keys(table).sort(), Object.keys(SCOPING).sort());
  for (const [member, [call, answer, seen]] of Object.entries(table)) {
    calls.length = 0;
    assert.deepEqual(await call(), answer, member);
    assert.deepEqual(calls, seen, member);
  }
});
