import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Allocation } from './allocations.ts';
import { groupAllocations } from './allocations.ts';
import { buildReport } from './report.ts';
import { parseAllocationResponse } from './server.ts';

const GIB = 1024 ** 3;

function alloc(name: string, over: Partial<Allocation>): Allocation {
  return {
    name,
    properties: {},
    minutes: 60,
    cpuCost: 0,
    ramCost: 0,
    gpuCost: 0,
    pvCost: 0,
    networkCost: 0,
    loadBalancerCost: 0,
    totalCost: 0,
    cpuCoreRequestAverage: 0,
    cpuCoreUsageAverage: undefined,
    ramByteRequestAverage: 0,
    ramByteUsageAverage: undefined,
    ...over,
  };
}

// a: 60 min, $1.50 (cpu 1, ram 0.5); requests 2 cores / 4 GiB, usage 1 core / 2 GiB.
// b: ran the last 30 min only, $0.60 (cpu 0.4, ram 0.2); requests 1 core / 2 GiB, usage 0.5 core / 2 GiB.
// idle on n1: 60 min, $2.
const ROWS: Allocation[] = [
  alloc('ns1/a', {
    properties: { namespace: 'ns1', node: 'n1', pod: 'a', controller: 'web', controllerKind: 'deployment', labels: { team: 'x' } },
    cpuCost: 1,
    ramCost: 0.5,
    totalCost: 1.5,
    cpuCoreRequestAverage: 2,
    cpuCoreUsageAverage: 1,
    ramByteRequestAverage: 4 * GIB,
    ramByteUsageAverage: 2 * GIB,
  }),
  alloc('ns1/b', {
    properties: { namespace: 'ns1', node: 'n2', pod: 'b', controller: 'db', controllerKind: 'statefulset' },
    minutes: 30,
    cpuCost: 0.4,
    ramCost: 0.2,
    totalCost: 0.6,
    cpuCoreRequestAverage: 1,
    cpuCoreUsageAverage: 0.5,
    ramByteRequestAverage: 2 * GIB,
    ramByteUsageAverage: 2 * GIB,
  }),
  // OpenCost names per-node idle `<node>/__idle__` (idleByNode=true).
  alloc('n1/__idle__', { properties: { node: 'n1' }, cpuCost: 1.5, ramCost: 0.5, totalCost: 2 }),
];

describe('groupAllocations + buildReport (hand-computed monthly rates)', () => {
  const show = { cpu: true, memory: true, gpu: false, pv: false, network: false, efficiency: true };
  const table = (by: Parameters<typeof groupAllocations>[1]['by'], extra: Partial<Parameters<typeof groupAllocations>[1]> = {}) =>
    buildReport(groupAllocations(ROWS, { by, ...extra }), { by, historical: false, show }).lines.map((l) => [l.name, l.pods, Number(l.totalUsd.toFixed(6)), l.averagePodUsd === undefined ? undefined : Number(l.averagePodUsd.toFixed(6))]);

  it('namespace: Σ cost over the longest window × 60 × 730; pod count; average pod cost', () => {
    // ns1: (1.5 + 0.6) / 60 min × 60 × 730 = 1533, 2 pods → 766.5; idle: 2 × 730 = 1460.
    assert.deepEqual(table('namespace'), [
      ['ns1', 2, 1533, 766.5],
      ['__idle__', 0, 1460, undefined],
    ]);
  });

  it('node: pods and idle of each node; a shorter window is scaled to its own minutes', () => {
    // n1: (1.5 + 2) × 730 = 2555; n2: 0.6 / 30 min × 60 × 730 = 876.
    assert.deepEqual(table('node'), [
      ['n1', 1, 2555, 2555],
      ['n2', 1, 876, 876],
    ]);
  });

  it('deployment: other controllers are __unallocated__', () => {
    assert.deepEqual(table('deployment'), [
      ['__idle__', 0, 1460, undefined],
      ['ns1/web', 1, 1095, 1095],
      ['__unallocated__', 1, 876, 876],
    ]);
  });

  it('label, with the namespace filter dropping idle', () => {
    assert.deepEqual(table('label', { labelKey: 'team', namespace: 'ns1' }), [
      ['x', 1, 1095, 1095],
      ['__unallocated__', 1, 876, 876],
    ]);
  });

  it('efficiency = Σ usage × minutes / Σ request × minutes; total weighted by cost', () => {
    const [ns1] = groupAllocations(ROWS, { by: 'namespace' });
    // cpu (1×60 + 0.5×30) / (2×60 + 1×30) = 75/150 = 0.5; ram (2×60 + 2×30) / (4×60 + 2×30) = 180/300 = 0.6
    // total (0.5 × 1.4 + 0.6 × 0.7) / 2.1 = 1.12 / 2.1 = 0.5333…
    assert.equal(ns1?.cpuEfficiency, 0.5);
    assert.equal(ns1?.ramEfficiency, 0.6);
    assert.equal(Number(ns1?.totalEfficiency?.toFixed(6)), 0.533333);
  });

  it('--historical: window totals, and the total row sums them', () => {
    const r = buildReport(groupAllocations(ROWS, { by: 'cluster' }), { by: 'cluster', historical: true, show });
    assert.equal(r.measure, 'window-total');
    assert.equal(Number(r.total.totalUsd.toFixed(6)), 4.1);
    assert.equal(r.total.pods, 2);
  });
});

describe('parseAllocationResponse (OpenCost answer shape)', () => {
  it('reads every set of {code, data: [{name: allocation}]}', () => {
    const body = {
      code: 200,
      status: 'success',
      data: [
        {
          'shop/web-1': {
            name: 'shop/web-1',
            properties: { cluster: 'c1', node: 'n1', namespace: 'shop', pod: 'web-1', controller: 'web', controllerKind: 'deployment', labels: { app: 'web' } },
            window: { start: '2026-11-22T00:00:00Z', end: '2026-11-23T00:00:00Z' },
            start: '2026-11-22T00:00:00Z',
            end: '2026-11-23T00:00:00Z',
            minutes: 1440,
            cpuCores: 0.5,
            cpuCoreRequestAverage: 0.5,
            cpuCoreUsageAverage: 0.25,
            cpuCoreHours: 12,
            cpuCost: 0.4,
            ramBytes: 2147483648,
            ramByteRequestAverage: 2147483648,
            ramByteUsageAverage: 1073741824,
            ramByteHours: 51539607552,
            ramCost: 0.2,
            gpuCost: 0,
            pvCost: 0.05,
            networkCost: 0.01,
            loadBalancerCost: 0,
            totalCost: 0.66,
            cpuEfficiency: 0.5,
            ramEfficiency: 0.5,
            totalEfficiency: 0.5,
          },
        },
      ],
    };
    const [a] = parseAllocationResponse(body, 'test');
    assert.deepEqual(a, {
      name: 'shop/web-1',
      properties: { cluster: 'c1', node: 'n1', namespace: 'shop', pod: 'web-1', controller: 'web', controllerKind: 'deployment', labels: { app: 'web' } },
      minutes: 1440,
      cpuCost: 0.4,
      ramCost: 0.2,
      gpuCost: 0,
      pvCost: 0.05,
      networkCost: 0.01,
      loadBalancerCost: 0,
      totalCost: 0.66,
      cpuCoreRequestAverage: 0.5,
      cpuCoreUsageAverage: 0.25,
      ramByteRequestAverage: 2147483648,
      ramByteUsageAverage: 1073741824,
    });
  });

  it('rejects an answer that is not allocations', () => {
    assert.throws(() => parseAllocationResponse({ code: 200, data: {} }, 'http://x'), /^ServerError: http:\/\/x: not an allocation answer/);
  });
});
