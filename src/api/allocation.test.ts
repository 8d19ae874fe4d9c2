import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocationInterval } from '../store/types.ts';
import { parseAggregate } from './aggregate.ts';
import type { AllocationOptions, AllocationResult } from './allocation.ts';
import { computeAllocations } from './allocation.ts';
import { parseFilter } from './filter.ts';
import { A, B, C, GIB, HOUR, IDLE_N1, IDLE_N2, oneSet, row, T0, UNMOUNTED_DATA } from './fixtures.test-util.ts';

function run(aggregate: string, over: Partial<Omit<AllocationOptions, 'aggregate' | 'filter'>> & { filter?: string } = {}, rows?: readonly AllocationInterval[]) {
  const options: AllocationOptions = {
    aggregate: parseAggregate(aggregate),
    filter: parseFilter(over.filter ?? ''),
    includeIdle: over.includeIdle ?? false,
    shareIdle: over.shareIdle ?? false,
    idleByNode: over.idleByNode ?? false,
  };
  const [set] = computeAllocations(oneSet(rows), options);
  return new Map(set!.allocations.map((a) => [a.name, a]));
}

const close = (actual: number | null | undefined, expected: number, what: string) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

function totals(m: Map<string, AllocationResult>): Record<string, number> {
  return Object.fromEntries([...m].map(([k, a]) => [k, Math.round(a.totalCost * 1e9) / 1e9]));
}

describe('computeAllocations: totals by aggregate and idle option (hand-computed, USD)', () => {
  // Everything: 1.975 (web) + 1.20 (data: kafka 1.15 + unmounted 0.05) + 1.20 idle = 4.375.
  type Opts = Partial<Omit<AllocationOptions, 'aggregate' | 'filter'>> & { filter?: string };
  const cases: readonly [string, string, Opts, Record<string, number>][] = [
    ['namespace, no idle', 'namespace', {}, { data: 1.2, web: 1.975 }],
    ['namespace, idle shown', 'namespace', { includeIdle: true }, { __idle__: 1.2, data: 1.2, web: 1.975 }],
    // Idle shared per cluster by resource cost: CPU 0.80 × 1.25/1.75, RAM 0.40 × 0.625/0.875 → web +6/7.
    ['namespace, idle shared', 'namespace', { includeIdle: true, shareIdle: true }, { data: 1.2 + 2.4 / 7, web: 1.975 + 6 / 7 }],
    // Per node: n1's 0.90 all to web, n2's 0.30 all to kafka.
    ['namespace, idle shared by node', 'namespace', { includeIdle: true, shareIdle: true, idleByNode: true }, { data: 1.5, web: 2.875 }],
    ['namespace, idle by node', 'namespace', { includeIdle: true, idleByNode: true }, { data: 1.2, 'n1/__idle__': 0.9, 'n2/__idle__': 0.3, web: 1.975 }],
    // Filtered: idle reduced to web's share of each resource: 1.20 × 5/7.
    ['web only, idle shown', 'namespace', { includeIdle: true, filter: 'namespace:"web"' }, { __idle__: 6 / 7, web: 1.975 }],
    ['web only, idle by node', 'namespace', { includeIdle: true, idleByNode: true, filter: 'namespace:"web"' }, { 'n1/__idle__': 0.9, web: 1.975 }],
    ['web only, idle shared', 'namespace', { includeIdle: true, shareIdle: true, filter: 'namespace:"web"' }, { web: 1.975 + 6 / 7 }],
    ['cluster', 'cluster', { includeIdle: true }, { __idle__: 1.2, c1: 3.175 }],
    ['node', 'node', {}, { __unmounted__: 0.05, n1: 1.975, n2: 1.15 }],
    ['controller', 'controller', {}, { __unmounted__: 0.05, 'deployment:frontend': 1.975, 'statefulset:kafka': 1.15 }],
    ['controllerKind', 'controllerKind', {}, { __unmounted__: 0.05, deployment: 1.975, statefulset: 1.15 }],
    ['deployment', 'deployment', {}, { __unallocated__: 1.15, __unmounted__: 0.05, frontend: 1.975 }],
    ['statefulset', 'statefulset', {}, { __unallocated__: 1.975, __unmounted__: 0.05, kafka: 1.15 }],
    ['pod', 'pod', {}, { 'data/__unmounted__': 0.05, 'data/kafka-0': 1.15, 'web/a': 1.6, 'web/b': 0.375 }],
    ['namespace,pod', 'namespace,pod', {}, { 'data/__unmounted__': 0.05, 'data/kafka-0': 1.15, 'web/a': 1.6, 'web/b': 0.375 }],
    ['label:team,namespace', 'label:team,namespace', {}, { '__unmounted__/data': 0.05, 'x/web': 1.975, 'y/data': 1.15 }],
    ['label:app', 'label:app', {}, { __unallocated__: 1.15, __unmounted__: 0.05, shop: 1.6, 'shop-canary': 0.375 }],
    ['no aggregate: one per pod', '', {}, { 'c1/__unallocated__/data/__unmounted__': 0.05, 'c1/n1/web/a': 1.6, 'c1/n1/web/b': 0.375, 'c1/n2/data/kafka-0': 1.15 }],
  ];
  for (const [title, aggregate, options, expected] of cases) {
    it(title, () => {
      const got = totals(run(aggregate, options));
      const want = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, Math.round(v * 1e9) / 1e9]));
      assert.deepEqual(got, want);
    });
  }

  it('shared idle adds to CPU and RAM cost and core-hours, by resource', () => {
    const web = run('namespace', { includeIdle: true, shareIdle: true }).get('web')!;
    close(web.cpuCost, 1.25 + 0.8 * (1.25 / 1.75), 'cpuCost');
    close(web.ramCost, 0.625 + 0.4 * (0.625 / 0.875), 'ramCost');
    // Idle core-hours of the cluster (1.2 + 0.4) shared by the same CPU coefficient.
    close(web.cpuCoreHours, 2.5 + 1.6 * (1.25 / 1.75), 'cpuCoreHours');
  });

  it('idle of a resource nobody pays for stays idle when shared (GPU idle on a cluster without GPU pods)', () => {
    const gpuIdle = row({ key: '__idle__/g1', kind: 'idle', pod: '__idle__', node: 'g1', gpuHours: 1, gpuCostUsd: 0.7, cpuCostUsd: 0.1 });
    const m = run('namespace', { includeIdle: true, shareIdle: true }, [A, B, C, IDLE_N1, IDLE_N2, gpuIdle]);
    const idle = m.get('__idle__')!;
    close(idle.gpuCost, 0.7, 'gpu idle kept');
    close(idle.cpuCost, 0, 'cpu idle shared');
    close(idle.totalCost, 0.7, 'idle total');
  });

  it('a filter per cluster: each keeps its own idle, even of a resource nobody pays for, and the answers add up', () => {
    // c2: one pod (0.40 cpu + 0.20 ram) on m1, and a GPU node g1 nobody uses: idle 0.70 gpu + 0.10 cpu.
    const pod2 = row({ key: 'uid-d', cluster: 'c2', namespace: 'web', pod: 'd', node: 'm1', cpuCostUsd: 0.4, ramCostUsd: 0.2 });
    const gpuIdle = row({ key: '__idle__/g1', cluster: 'c2', kind: 'idle', pod: '__idle__', node: 'g1', gpuHours: 1, gpuCostUsd: 0.7, cpuCostUsd: 0.1 });
    const rows = [A, B, C, IDLE_N1, IDLE_N2, pod2, gpuIdle];
    const cases: readonly [string, Record<string, number>][] = [
      // c1: web 1.975 + data 1.15 + idle 1.20.
      ['cluster:"c1"', { __idle__: 1.2, data: 1.15, web: 1.975 }],
      // c2: web 0.60; idle 0.80 (its CPU idle is paid for by d, its GPU idle by nobody: both stay).
      ['cluster:"c2"', { __idle__: 0.8, web: 0.6 }],
      ['', { 'c1/__idle__': 1.2, 'c2/__idle__': 0.8, data: 1.15, web: 2.575 }],
    ];
    for (const [filter, expected] of cases) assert.deepEqual(totals(run('namespace', { includeIdle: true, filter }, rows)), expected, filter);
  });

  it('several clusters: pods of the same name stay apart, named <cluster>/<namespace>/<pod>; one cluster left by the filter: plain names', () => {
    const twin = row({ ...A, key: 'uid-a2', cluster: 'c2' });
    assert.deepEqual(totals(run('pod', {}, [A, twin, C])), { 'c1/data/kafka-0': 1.15, 'c1/web/a': 1.6, 'c2/web/a': 1.6 });
    assert.deepEqual(totals(run('pod', { filter: 'cluster:"c2"' }, [A, twin, C])), { 'web/a': 1.6 });
    assert.deepEqual(totals(run('cluster,pod', {}, [A, twin])), { 'c1/web/a': 1.6, 'c2/web/a': 1.6 });
    assert.deepEqual(totals(run('namespace', {}, [A, twin])), { web: 3.2 }, 'namespaces add up across clusters');
  });

  it('several clusters: idle is named per cluster', () => {
    const other = row({ ...IDLE_N1, key: '__idle__/m1', cluster: 'c2', node: 'm1' });
    assert.deepEqual([...run('namespace', { includeIdle: true }, [A, IDLE_N1, other]).keys()], ['c1/__idle__', 'c2/__idle__', 'web']);
  });
});

describe('computeAllocations: resources, averages, efficiency', () => {
  it('web: two pods, b only the last 30 minutes', () => {
    const web = run('namespace').get('web')!;
    assert.equal(web.minutes, 60); // span 60, Σ 90 → 60
    assert.equal(web.pods, 2);
    assert.equal(web.startMs, T0);
    assert.equal(web.endMs, T0 + HOUR);
    close(web.cpuCoreRequestAverage, 2.5, 'cpuCoreRequestAverage'); // (2 + 0.5) core-hours / 1 h
    close(web.cpuCoreUsageAverage, 1.25, 'cpuCoreUsageAverage'); // (1 + 0.25) / 1 h
    close(web.cpuCores, 2.5, 'cpuCores');
    close(web.ramByteRequestAverage, 5 * GIB, 'ramByteRequestAverage');
    close(web.ramByteUsageAverage, 3 * GIB, 'ramByteUsageAverage');
    close(web.cpuEfficiency, 0.5, 'cpuEfficiency'); // 1.25 / 2.5
    close(web.ramEfficiency, 0.6, 'ramEfficiency'); // 3 / 5
    close(web.totalEfficiency, (0.5 * 1.25 + 0.6 * 0.625) / 1.875, 'totalEfficiency');
    close(web.spotSavings, 0.3, 'spotSavings');
    assert.deepEqual(web.properties, { cluster: 'c1', node: 'n1', namespace: 'web', controller: 'frontend', controllerKind: 'deployment', labels: { team: 'x' } });
  });

  it('a pod that ran 30 minutes averages over its 30 minutes', () => {
    const b = run('pod').get('web/b')!;
    assert.equal(b.minutes, 30);
    close(b.cpuCoreRequestAverage, 1, 'cpuCoreRequestAverage');
    close(b.ramByteRequestAverage, 2 * GIB, 'ramByteRequestAverage');
    assert.equal(b.startMs, T0 + HOUR / 2);
  });

  it('pods that replaced each other: minutes cover both, the average is one pod', () => {
    const first = row({ ...A, key: 'p1', endMs: T0 + HOUR / 2, minutes: 30, cpuCoreRequestHours: 1 });
    const second = row({ ...A, key: 'p2', startMs: T0 + HOUR / 2, minutes: 30, cpuCoreRequestHours: 1 });
    const d = run('deployment', {}, [first, second]).get('frontend')!;
    assert.equal(d.minutes, 60);
    close(d.cpuCoreRequestAverage, 2, 'cpuCoreRequestAverage');
  });

  it('usage measured part of the time: usage average scaled to the running minutes, efficiency over the measured minutes', () => {
    // 60 min, 2 cores requested; usage measured for 15 min: 0.25 core-hours (1 core).
    const p = row({ ...A, key: 'p', usageMinutes: 15, cpuCoreUsageHours: 0.25, ramByteUsageHours: 0.5 * GIB });
    const a = run('pod', {}, [p]).get('web/a')!;
    close(a.cpuCoreUsageAverage, 1, 'cpuCoreUsageAverage');
    close(a.cpuEfficiency, 0.5, 'cpuEfficiency'); // 0.25 / (2 × 15/60)
    close(a.usageCoverage, 0.25, 'usageCoverage');
  });

  it('no usage measured: usage and efficiency are null, not zero', () => {
    const kafka = run('pod').get('data/kafka-0')!;
    assert.equal(kafka.cpuCoreUsageAverage, null);
    assert.equal(kafka.ramByteUsageAverage, null);
    assert.equal(kafka.cpuEfficiency, null);
    assert.equal(kafka.totalEfficiency, null);
    assert.equal(kafka.usageCoverage, 0);
  });

  it('usage without request: efficiency 1 (OpenCost)', () => {
    const best = row({ ...A, key: 'be', cpuCoreRequestHours: 0, ramByteRequestHours: 0 });
    const a = run('pod', {}, [best]).get('web/a')!;
    assert.equal(a.cpuEfficiency, 1);
    assert.equal(a.ramEfficiency, 1);
  });

  it('reconciled and estimated rows make a mixed basis', () => {
    const m = run('namespace', {}, [A, row({ ...B, basis: 'reconciled' }), C]);
    assert.equal(m.get('web')!.costBasis, 'mixed');
    assert.equal(m.get('data')!.costBasis, 'estimated');
  });

  it('one set per step set, with the step window', () => {
    const sets = computeAllocations(
      [
        { startMs: T0, endMs: T0 + HOUR, rows: [A] },
        { startMs: T0 + HOUR, endMs: T0 + 2 * HOUR, rows: [row({ ...A, startMs: T0 + HOUR, endMs: T0 + 2 * HOUR })] },
      ],
      { aggregate: parseAggregate('namespace'), filter: parseFilter(''), includeIdle: false, shareIdle: false, idleByNode: false },
    );
    assert.deepEqual(
      sets.map((s) => [s.startMs - T0, s.endMs - T0, s.allocations.map((a) => [a.name, a.totalCost])]),
      [
        [0, HOUR, [['web', 1.6]]],
        [HOUR, 2 * HOUR, [['web', 1.6]]],
      ],
    );
  });

  it('an unmounted volume keeps its namespace and is no pod', () => {
    const data = run('namespace', {}, [C, UNMOUNTED_DATA]).get('data')!;
    assert.equal(data.pods, 1);
    close(data.pvCost, 0.45, 'pvCost');
  });
});

describe('parseAggregate', () => {
  it('reads every property, case-insensitively for the fixed ones', () => {
    assert.deepEqual(parseAggregate('namespace, ControllerKind,label:app.kubernetes.io/name,annotation:owner'), [
      { kind: 'namespace' },
      { kind: 'controllerKind' },
      { kind: 'label', key: 'app.kubernetes.io/name' },
      { kind: 'annotation', key: 'owner' },
    ]);
  });
  it('reads container (per-container rows, --record-containers), alone or combined', () => {
    assert.deepEqual(parseAggregate('namespace,container'), [{ kind: 'namespace' }, { kind: 'container' }]);
  });
  const bad: readonly [string, string][] = [
    ['containers', 'aggregate="containers": unknown property "containers"'],
    ['namespaces', 'aggregate="namespaces": unknown property "namespaces"; accepted: cluster, node, namespace'],
    ['label:', 'aggregate="label:": "label:" names no key'],
    ['node:x', 'aggregate="node:x": "node:x": only label:KEY and annotation:KEY take a key'],
    ['namespace,,pod', 'aggregate="namespace,,pod": an empty property between commas'],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text}`, () => assert.throws(() => parseAggregate(text), (err: Error) => err.message.startsWith(message)));
  }
});
