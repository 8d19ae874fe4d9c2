// cycleBatch: hourly run-rates of a CostReport → amounts over the cycle's window. Every expected
// figure is computed by hand in the table next to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { ClusterSnapshot, ContainerUsage } from '../core/model.ts';
import type { PriceQuote } from '../core/pricing.ts';
import { networkRatesFor } from '../pricing/network.ts';
import { controllerOf, cycleBatch } from './record.ts';
import type { AllocationInterval, CycleBatch } from './types.ts';

const T10 = Date.UTC(2026, 10, 30, 10, 0);
const MIN = 60_000;
const EPS = 1e-12;
// $0.04 per core-hour, $0.005 per GiB-hour: node n1 (4 cores, 16 GiB) costs 0.16 + 0.08 = $0.24/h.
const RATES: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } };

function cluster(): ClusterSnapshot {
  return snapshot({
    nodes: [node('n1', res(4000, 16 * GiB), {}, 'aws:///us-east-1a/i-0abc')],
    pods: [
      // web-1: request 1 core / 2 GiB, usage 0.5 core / 3 GiB → allocation 1 core / 3 GiB → cpu $0.04/h, ram $0.015/h.
      pod('shop', 'web-1', 'n1', [container('app', res(1000, 2 * GiB))], {
        labels: { app: 'web' },
        annotations: { owner: 'team-a' },
        owner: { kind: 'ReplicaSet', name: 'web-7d9' },
        workload: { kind: 'Deployment', name: 'web' },
        startedAtMs: T10 - 60 * MIN,
      }),
      // job-1: request 0.5 core / 1 GiB, no usage → cpu $0.02/h, ram $0.005/h; started at 10:20.
      pod('shop', 'job-1', 'n1', [container('run', res(500, 1 * GiB))], { owner: { kind: 'Job', name: 'job-1' }, startedAtMs: T10 + 20 * MIN }),
    ],
    // 100 GiB gp3 at $0.08/GiB-month = $8/month = 8/730 $/h, claimed by shop/data but mounted by no pod.
    persistentVolumes: [{ name: 'pv-data', storageClass: 'gp3', capacityBytes: 100 * GiB, claim: { namespace: 'shop', name: 'data' }, labels: {} }],
    // A LoadBalancer selecting no pod: $0.025/h, all __unallocated__.
    services: [{ namespace: 'shop', name: 'public', type: 'LoadBalancer', selector: { app: 'gone' }, ingressCount: 1 }],
    usage: new Map<string, Map<string, ContainerUsage>>([['shop/web-1', new Map([['app', { cpuMillicores: 500, ramBytes: 3 * GiB }]])]]),
  });
}

function batchFor(window: { startMs: number; endMs: number }, fromMs?: number): CycleBatch {
  const snap = cluster();
  const prices = tablePriceBook({ nodes: { n1: { price: RATES } }, storageGibMonthUsd: { gp3: 0.08 }, loadBalancerHourlyUsd: 0.025, managementHourlyUsd: 0.1 });
  const report = allocate(snap, prices, window);
  return cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'prod', demo: false, ...(fromMs === undefined ? {} : { fromMs }) });
}

function allocation(batch: CycleBatch, key: string): AllocationInterval {
  const a = batch.allocations.find((x) => x.key === key);
  assert.ok(a, `no allocation ${key}; have ${batch.allocations.map((x) => x.key).join(', ')}`);
  return a;
}

function closeFields(actual: object, expected: Record<string, number>, what: string): void {
  for (const [field, want] of Object.entries(expected)) {
    const got = (actual as Record<string, unknown>)[field];
    assert.ok(typeof got === 'number' && Math.abs(got - want) <= EPS * Math.max(1, Math.abs(want)), `${what}.${field}: got ${String(got)}, expected ${want}`);
  }
}

// Window 10:00–10:30 (30 minutes = 0.5 h), and the same cycle cut to start at 10:15 (0.25 h).
const CASES: { name: string; fromMs?: number; key: string; expected: Record<string, number> }[] = [
  {
    name: 'running pod over the whole window: hourly × 0.5 h',
    key: 'uid-shop-web-1',
    expected: {
      minutes: 30,
      cpuCoreRequestHours: 0.5, // 1 core × 0.5 h
      cpuCoreUsageHours: 0.25, // 0.5 core × 0.5 h
      cpuCoreHours: 0.5, // max(1, 0.5) × 0.5 h
      ramByteRequestHours: 1 * GiB, // 2 GiB × 0.5 h
      ramByteUsageHours: 1.5 * GiB, // 3 GiB × 0.5 h
      ramByteHours: 1.5 * GiB,
      gpuHours: 0,
      usageMinutes: 30,
      cpuCostUsd: 0.02, // 0.04 × 0.5
      ramCostUsd: 0.0075, // 0.015 × 0.5
      pvCostUsd: 0,
      loadBalancerCostUsd: 0,
      networkCostUsd: 0,
      spotSavingsUsd: 0,
    },
  },
  {
    name: 'pod started at 10:20 runs 10 minutes of the window, no usage measured',
    key: 'uid-shop-job-1',
    expected: {
      minutes: 10,
      cpuCoreRequestHours: 0.5 / 6, // 0.5 core × 1/6 h
      cpuCoreUsageHours: 0,
      cpuCoreHours: 0.5 / 6,
      ramByteRequestHours: GiB / 6,
      ramByteUsageHours: 0,
      usageMinutes: 0,
      cpuCostUsd: 0.02 / 6, // 0.02 $/h × 1/6 h
      ramCostUsd: 0.005 / 6,
    },
  },
  {
    name: 'idle of n1: (0.16 − 0.06) cpu and (0.08 − 0.02) ram per hour × 0.5 h',
    key: '__idle__/n1',
    expected: { minutes: 30, cpuCostUsd: 0.05, ramCostUsd: 0.03, gpuCostUsd: 0, cpuCoreHours: 0 },
  },
  { name: 'unmounted volume: 8/730 $/h × 0.5 h', key: '__unmounted__/pv-data', expected: { minutes: 30, pvCostUsd: 4 / 730 } },
  { name: 'load balancer selecting no pod: 0.025 $/h × 0.5 h', key: '__unallocated__/shop/public', expected: { minutes: 30, loadBalancerCostUsd: 0.0125 } },
  {
    name: 'cut to start at 10:15: 15 minutes for the running pod',
    fromMs: T10 + 15 * MIN,
    key: 'uid-shop-web-1',
    expected: { minutes: 15, cpuCoreHours: 0.25, cpuCostUsd: 0.01, ramCostUsd: 0.00375, usageMinutes: 15, ramByteUsageHours: 0.75 * GiB },
  },
  { name: 'cut to start at 10:15: the 10:20 pod keeps its 10 minutes', fromMs: T10 + 15 * MIN, key: 'uid-shop-job-1', expected: { minutes: 10, cpuCostUsd: 0.02 / 6 } },
  { name: 'cut to start at 10:15: idle over 0.25 h', fromMs: T10 + 15 * MIN, key: '__idle__/n1', expected: { minutes: 15, cpuCostUsd: 0.025, ramCostUsd: 0.015 } },
];

for (const c of CASES) {
  test(`cycleBatch: ${c.name}`, () => {
    const batch = batchFor({ startMs: T10, endMs: T10 + 30 * MIN }, c.fromMs);
    closeFields(allocation(batch, c.key), c.expected, c.key);
  });
}

test('cycleBatch: identities of real and pseudo allocations', () => {
  const batch = batchFor({ startMs: T10, endMs: T10 + 30 * MIN });
  const web = allocation(batch, 'uid-shop-web-1');
  assert.deepEqual(
    { kind: web.kind, namespace: web.namespace, pod: web.pod, node: web.node, controllerKind: web.controllerKind, controller: web.controller, labels: web.labels, annotations: web.annotations },
    { kind: 'pod', namespace: 'shop', pod: 'web-1', node: 'n1', controllerKind: 'deployment', controller: 'web', labels: { app: 'web' }, annotations: { owner: 'team-a' } },
  );
  const job = allocation(batch, 'uid-shop-job-1');
  assert.deepEqual([job.controllerKind, job.controller], ['job', 'job-1']);
  const idle = allocation(batch, '__idle__/n1');
  assert.deepEqual([idle.kind, idle.namespace, idle.pod, idle.node], ['idle', '', '__idle__', 'n1']);
  const unmounted = allocation(batch, '__unmounted__/pv-data');
  assert.deepEqual([unmounted.kind, unmounted.namespace, unmounted.pod], ['unmounted', 'shop', '__unmounted__']);
  const unallocated = allocation(batch, '__unallocated__/shop/public');
  assert.deepEqual([unallocated.kind, unallocated.namespace, unallocated.pod], ['unallocated', 'shop', '__unallocated__']);
  assert.equal(batch.allocations.length, 5);
  for (const a of batch.allocations) assert.deepEqual([a.cluster, a.startMs, a.endMs, a.basis], ['prod', T10, T10 + 30 * MIN, 'estimated']);
});

test('cycleBatch: nodes, disks, load balancers and the management fee over the window', () => {
  const batch = batchFor({ startMs: T10, endMs: T10 + 30 * MIN });
  assert.equal(batch.demo, false);
  assert.equal(batch.nodes.length, 1);
  const n = batch.nodes[0]!;
  assert.equal(n.providerId, 'aws:///us-east-1a/i-0abc');
  // $0.24/h × 0.5 h = 0.12 (cpu 0.16 × 0.5 = 0.08, ram 0.08 × 0.5 = 0.04); idle 0.16/h × 0.5 = 0.08.
  closeFields(n, { minutes: 30, cpuCores: 4, ramBytes: 16 * GiB, totalCostUsd: 0.12, cpuCostUsd: 0.08, ramCostUsd: 0.04, onDemandCostUsd: 0.12, idleCostUsd: 0.08 }, 'node n1');
  closeFields(batch.disks[0]!, { minutes: 30, capacityBytes: 100 * GiB, costUsd: 4 / 730 }, 'disk');
  assert.deepEqual([batch.disks[0]!.claimNamespace, batch.disks[0]!.claimName], ['shop', 'data']);
  closeFields(batch.loadBalancers[0]!, { minutes: 30, costUsd: 0.0125 }, 'lb');
  closeFields(batch.clusterCharges, { minutes: 30, managementCostUsd: 0.05 }, 'cluster'); // $0.10/h × 0.5 h
});

test('cycleBatch: a window cut to nothing records nothing but the interval', () => {
  const batch = batchFor({ startMs: T10, endMs: T10 + 30 * MIN }, T10 + 40 * MIN);
  assert.equal(batch.startMs, T10 + 30 * MIN);
  assert.deepEqual([batch.allocations.length, batch.nodes.length, batch.disks.length, batch.clusterCharges.managementCostUsd], [0, 0, 0, 0]);
});

const KINDS: [Parameters<typeof controllerOf>[0], string, string][] = [
  [undefined, '', ''],
  [{ kind: 'Deployment', name: 'web' }, 'deployment', 'web'],
  [{ kind: 'StatefulSet', name: 'pg' }, 'statefulset', 'pg'],
  [{ kind: 'DaemonSet', name: 'fluentd' }, 'daemonset', 'fluentd'],
  [{ kind: 'CronJob', name: 'nightly' }, 'cronjob', 'nightly'],
];
test('controllerOf: OpenCost lower-case controller kinds', () => {
  for (const [workload, kind, name] of KINDS) assert.deepEqual(controllerOf(workload), { controllerKind: kind, controller: name });
});

test('cycleBatch: a pod that finished between readings is recorded for the minutes it ran, out of its node idle', () => {
  const window = { startMs: T10, endMs: T10 + 30 * MIN };
  const snap = cluster();
  const prices = tablePriceBook({ nodes: { n1: { price: RATES } }, storageGibMonthUsd: { gp3: 0.08 }, loadBalancerHourlyUsd: 0.025, managementHourlyUsd: 0.1 });
  const report = allocate(snap, prices, window);
  // batch-7 ran 10:05–10:15 on n1 with 1 core / 4 GiB: $0.04 + $0.02 per hour → 10 minutes = 1/6 h.
  const finishedPods = [
    {
      pod: pod('shop', 'batch-7', 'n1', [container('run', res(1000, 4 * GiB))], { owner: { kind: 'Job', name: 'batch-7' } }),
      node: snap.nodes[0],
      startedAtMs: T10 + 5 * MIN,
      finishedAtMs: T10 + 15 * MIN,
    },
    // No node known: cannot be priced, not recorded (the exporter logs it).
    { pod: pod('shop', 'lost', 'gone', [container('run', res(1000, GiB))]), node: undefined, startedAtMs: T10, finishedAtMs: T10 + MIN },
  ];
  const batch = cycleBatch({ report, reading: { snapshot: snap, finishedPods }, window }, { cluster: 'prod', demo: false, finished: { prices } });
  closeFields(allocation(batch, 'uid-shop-batch-7'), { minutes: 10, cpuCoreHours: 1 / 6, cpuCostUsd: 0.04 / 6, ramCostUsd: 0.02 / 6 }, 'batch-7');
  assert.equal(allocation(batch, 'uid-shop-batch-7').controllerKind, 'job');
  // Idle of n1 without it: cpu 0.05, ram 0.03 (see above); with it: 0.05 − 0.04/6 and 0.03 − 0.02/6.
  closeFields(allocation(batch, '__idle__/n1'), { cpuCostUsd: 0.05 - 0.04 / 6, ramCostUsd: 0.03 - 0.02 / 6 }, 'idle');
  assert.equal(
    batch.allocations.find((a) => a.pod === 'lost'),
    undefined,
  );
  // Without pricing for finished pods, they are not recorded and idle is untouched.
  const plain = cycleBatch({ report, reading: { snapshot: snap, finishedPods }, window }, { cluster: 'prod', demo: false });
  assert.equal(
    plain.allocations.find((a) => a.pod === 'batch-7'),
    undefined,
  );
  closeFields(allocation(plain, '__idle__/n1'), { cpuCostUsd: 0.05 }, 'idle');
});

test('with containers: each pod row is split into container rows (and __pod__) that add up to it', () => {
  // api: app (req 1 core / 2 GiB, usage 1.5 core / 1 GiB → alloc 1.5 core / 2 GiB), log (req 0.25 core /
  // 0.5 GiB, no usage → its request), overhead 0.25 core. Pod allocation 2 cores / 2.5 GiB → cpu
  // 2 × 0.04 = $0.08/h, ram 2.5 × 0.005 = $0.0125/h. Over a 30-minute cycle (0.5 h):
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('shop', 'api', 'n1', [container('app', res(1000, 2 * GiB)), container('log', res(250, GiB / 2))], {
        overhead: res(250, 0),
        workload: { kind: 'Deployment', name: 'api' },
        labels: { app: 'api' },
        startedAtMs: T10 - 60 * MIN,
      }),
    ],
    usage: new Map<string, Map<string, ContainerUsage>>([['shop/api', new Map([['app', { cpuMillicores: 1500, ramBytes: GiB }]])]]),
  });
  const window = { startMs: T10, endMs: T10 + 30 * MIN };
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), window);
  const batch = cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'prod', demo: false, containers: true });
  const rows = batch.containers ?? [];
  assert.deepEqual(
    rows.map((r) => [r.key, r.container, r.pod, r.namespace, r.controller, r.labels['app'], r.kind, r.minutes]),
    [
      ['uid-shop-api/app', 'app', 'api', 'shop', 'api', 'api', 'pod', 30],
      ['uid-shop-api/log', 'log', 'api', 'shop', 'api', 'api', 'pod', 30],
      ['uid-shop-api/__pod__', '__pod__', 'api', 'shop', 'api', 'api', 'pod', 30],
    ],
  );
  const expected: Record<string, Record<string, number>> = {
    // 1.5 core × 0.5 h = 0.75 core-h → $0.03; 2 GiB × 0.5 h → $0.005; usage 0.75 core-h, 0.5 GiB-h
    app: { cpuCoreHours: 0.75, cpuCostUsd: 0.03, cpuCoreRequestHours: 0.5, cpuCoreUsageHours: 0.75, ramByteHours: GiB, ramCostUsd: 0.005, ramByteUsageHours: GiB / 2, usageMinutes: 30 },
    // 0.25 core × 0.5 h = 0.125 core-h → $0.005; 0.5 GiB × 0.5 h → $0.00125; measured pod, unmeasured container: usage 0
    log: { cpuCoreHours: 0.125, cpuCostUsd: 0.005, cpuCoreUsageHours: 0, ramByteHours: GiB / 4, ramCostUsd: 0.00125, usageMinutes: 30 },
    // the overhead: 0.25 core × 0.5 h → $0.005, no RAM
    __pod__: { cpuCoreHours: 0.125, cpuCoreRequestHours: 0.125, cpuCostUsd: 0.005, ramByteHours: 0, ramCostUsd: 0 },
  };
  for (const r of rows) closeFields(r, expected[r.container]!, r.container);
  const podRow = allocation(batch, 'uid-shop-api');
  for (const f of ['cpuCostUsd', 'ramCostUsd', 'cpuCoreHours', 'ramByteHours', 'cpuCoreRequestHours', 'ramByteRequestHours', 'cpuCoreUsageHours', 'ramByteUsageHours'] as const) {
    const sum = rows.reduce((s, r) => s + r[f], 0);
    assert.ok(Math.abs(sum - podRow[f]) <= EPS * Math.max(1, podRow[f]), `Σ ${f}: ${sum} ≠ pod ${podRow[f]}`);
  }
  // Without the option the batch carries no container rows at all.
  assert.equal(cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'prod', demo: false }).containers, undefined);
});

test('network: the egress an agent measured is recorded at its price on the pod row and the __pod__ container row', () => {
  // web on an AWS node in us-east-1a; over 60 s it sent 1 GiB cross-zone ($0.02/GiB) and 0.5 GiB to
  // the internet ($0.09/GiB): 0.02 + 0.045 = $0.065 per 60 s = $3.90/h. Over a 30-minute cycle:
  // $1.95. api has no measurement: $0.
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB), {}, 'aws:///us-east-1a/i-0abc')],
    pods: [pod('shop', 'web', 'n1', [container('app', res(1000, 2 * GiB))], { startedAtMs: T10 - 60 * MIN }), pod('shop', 'api', 'n1', [container('app', res(500, GiB))], { startedAtMs: T10 - 60 * MIN })],
    egress: new Map([['shop/web', { inZoneBytes: 10 * GiB, crossZoneBytes: GiB, internetBytes: GiB / 2, unclassifiedBytes: 0, seconds: 60 }]]),
  });
  const window = { startMs: T10, endMs: T10 + 30 * MIN };
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), window, { networkRates: networkRatesFor });
  const batch = cycleBatch({ report, reading: { snapshot: snap }, window }, { cluster: 'prod', demo: false, containers: true });
  closeFields(allocation(batch, 'uid-shop-web'), { networkCostUsd: 1.95 }, 'web');
  closeFields(allocation(batch, 'uid-shop-api'), { networkCostUsd: 0 }, 'api');
  const rows = batch.containers ?? [];
  closeFields(rows.find((r) => r.key === 'uid-shop-web/__pod__') ?? {}, { networkCostUsd: 1.95 }, 'web/__pod__');
  closeFields(rows.find((r) => r.key === 'uid-shop-web/app') ?? {}, { networkCostUsd: 0 }, 'web/app');
});
