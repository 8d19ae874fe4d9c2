// Cost model tests: every expected figure is computed by hand in the comment next to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CostReport } from './allocate.ts';
import { allocate, IDLE, UNALLOCATED, UNMOUNTED } from './allocate.ts';
import { container, GiB, MiB, node, pod, res, snapshot, tablePriceBook } from './fixtures.test-util.ts';
import type { ClusterSnapshot, ContainerUsage } from './model.ts';
import type { PriceQuote } from './pricing.ts';

const WINDOW = { startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 10, 1, 1) }; // one hour
const EPS = 1e-12;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= EPS * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

function podCost(report: CostReport, ns: string, name: string) {
  const p = report.pods.find((x) => x.namespace === ns && x.name === name);
  assert.ok(p, `pod ${ns}/${name} not in report`);
  return p;
}

function idleOf(report: CostReport, nodeName: string) {
  const p = report.pseudo.find((x) => x.name === IDLE && x.node === nodeName);
  assert.ok(p, `no idle entry for ${nodeName}`);
  return p;
}

/** Σ pod compute + idle = Σ node cost, and Σ of everything = cluster total − management fee. */
function assertInvariants(report: CostReport): void {
  const compute = report.pods.reduce((s, p) => s + p.cpuHourlyUsd + p.ramHourlyUsd + p.gpuHourlyUsd, 0);
  const idle = report.pseudo.filter((p) => p.name === IDLE).reduce((s, p) => s + p.totalHourlyUsd, 0);
  const nodes = report.nodes.reduce((s, n) => s + n.hourlyUsd, 0);
  assert.ok(Math.abs(compute + idle - nodes) < 1e-9, `Σ pod compute (${compute}) + idle (${idle}) ≠ Σ nodes (${nodes})`);
  const everything = report.pods.reduce((s, p) => s + p.totalHourlyUsd, 0) + report.pseudo.reduce((s, p) => s + p.totalHourlyUsd, 0);
  assert.ok(Math.abs(everything + report.cluster.managementHourlyUsd - report.cluster.totalHourlyUsd) < 1e-9, 'Σ allocations + management ≠ cluster total');
  const nsTotal = report.namespaces.reduce((s, n) => s + n.totalHourlyUsd, 0);
  assert.ok(Math.abs(nsTotal - everything) < 1e-9, 'Σ namespaces ≠ Σ allocations');
  for (const p of [...report.pods, ...report.pseudo]) {
    for (const v of [p.cpuHourlyUsd, p.ramHourlyUsd, p.gpuHourlyUsd, p.pvHourlyUsd, p.loadBalancerHourlyUsd, p.totalHourlyUsd, p.spotSavingsHourlyUsd]) {
      assert.ok(Number.isFinite(v) && v >= 0, `${p.namespace}/${p.name}: cost ${v} is not a finite non-negative number`);
    }
  }
}

// A node priced per resource: $0.04 per core-hour, $0.005 per GiB-hour, $0.50 per GPU-hour.
const RATES: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } };

test('allocation is max(request, usage) per resource, idle is the rest of the node', () => {
  // Node: 4 cores, 16 GiB → 4·0.04 + 16·0.005 = 0.16 + 0.08 = $0.24/h.
  const usage = new Map<string, Map<string, ContainerUsage>>([
    ['shop/a', new Map([['app', { cpuMillicores: 500, ramBytes: 3 * GiB }]])],
  ]);
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      // a: request 1 core / 2 GiB, usage 0.5 core / 3 GiB → alloc 1 core, 3 GiB → 0.04 + 0.015 = 0.055
      pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))]),
      // b: request 0.5 core / 1 GiB, no usage measured → requests: 0.02 + 0.005 = 0.025
      pod('shop', 'b', 'n1', [container('app', res(500, 1 * GiB))]),
    ],
    usage,
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), WINDOW);
  const a = podCost(report, 'shop', 'a');
  close(a.allocation.cpuCores, 1, 'a cpu alloc');
  close(a.allocation.ramBytes, 3 * GiB, 'a ram alloc');
  close(a.cpuHourlyUsd, 0.04, 'a cpu');
  close(a.ramHourlyUsd, 0.015, 'a ram');
  close(a.totalHourlyUsd, 0.055, 'a total');
  assert.deepEqual(a.usage, { cpuCores: 0.5, ramBytes: 3 * GiB });
  const b = podCost(report, 'shop', 'b');
  close(b.totalHourlyUsd, 0.025, 'b total');
  assert.equal(b.usage, undefined);
  // Idle: cpu 0.16 − 0.06 = 0.10, ram 0.08 − 0.02 = 0.06 → 0.16
  const idle = idleOf(report, 'n1');
  close(idle.cpuHourlyUsd, 0.1, 'idle cpu');
  close(idle.ramHourlyUsd, 0.06, 'idle ram');
  close(idle.totalHourlyUsd, 0.16, 'idle total');
  close(report.nodes[0]!.hourlyUsd, 0.24, 'node');
  // Namespace: 0.055 + 0.025 = 0.08; a one-hour window costs the same in USD.
  const shop = report.namespaces.find((n) => n.namespace === 'shop')!;
  close(shop.totalHourlyUsd, 0.08, 'namespace');
  close(shop.windowCostUsd, 0.08, 'namespace window cost');
  assertInvariants(report);
});

test('OpenCost-style split of an instance price (m5.large, $0.096/h)', () => {
  // rates from rates.test.ts: cpu 0.031247101464198197, ram 0.004188224633950453 per GiB-h.
  // Pod: 1 core, 4 GiB → 0.031247101464198197 + 4·0.004188224633950453 = 0.04800000000000001
  // That is exactly half the node: 1 of 2 cores and 4 of 8 GiB.
  const snap = snapshot({
    nodes: [node('n1', res(2000, 8 * GiB))],
    pods: [pod('web', 'p', 'n1', [container('app', res(1000, 4 * GiB))])],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: { kind: 'instance', hourlyUsd: 0.096 } } } }), WINDOW);
  close(podCost(report, 'web', 'p').totalHourlyUsd, 0.048, 'pod');
  close(idleOf(report, 'n1').totalHourlyUsd, 0.048, 'idle');
  assertInvariants(report);
});

test("init containers, native sidecars and pod overhead follow Kubernetes' effective-request rules", () => {
  // app 200m/256Mi, sidecar 100m/64Mi, init 1000m/128Mi, overhead 50m/32Mi
  // cpu = max(200 + 100, 1000 + 100) + 50 = 1150m ; ram = max(256 + 64, 128 + 64) + 32 = 352Mi
  // cost = 1.15·0.04 + (352/1024)·0.005 = 0.046 + 0.00171875 = 0.04771875
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('ci', 'build', 'n1', [container('app', res(200, 256 * MiB))], {
        sidecarContainers: [container('proxy', res(100, 64 * MiB))],
        initContainers: [container('migrate', res(1000, 128 * MiB))],
        overhead: res(50, 32 * MiB),
      }),
    ],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), WINDOW);
  const p = podCost(report, 'ci', 'build');
  close(p.request.cpuCores, 1.15, 'request cpu');
  close(p.request.ramBytes, 352 * MiB, 'request ram');
  close(p.totalHourlyUsd, 0.04771875, 'cost');
  assertInvariants(report);
});

test('only scheduled, non-terminated pods cost money; pods on unknown nodes are reported', () => {
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('jobs', 'done', 'n1', [container('app', res(1000, GiB))], { phase: 'Succeeded' }),
      pod('jobs', 'failed', 'n1', [container('app', res(1000, GiB))], { phase: 'Failed' }),
      pod('jobs', 'unscheduled', '', [container('app', res(1000, GiB))], { phase: 'Pending' }),
      pod('jobs', 'starting', 'n1', [container('app', res(1000, GiB))], { phase: 'Pending' }),
      pod('jobs', 'ghost', 'n9', [container('app', res(1000, GiB))]),
    ],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), WINDOW);
  assert.deepEqual(
    report.pods.map((p) => p.name),
    ['starting'],
  );
  // starting: 1·0.04 + 1·0.005 = 0.045
  close(podCost(report, 'jobs', 'starting').totalHourlyUsd, 0.045, 'starting');
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0]!.message, 'pods/jobs/ghost: spec.nodeName: node not found in the cluster snapshot; pod not costed (got "n9")');
  assertInvariants(report);
});

test('persistent volumes are split among the pods mounting them; unclaimed ones are __unmounted__', () => {
  // gp3 at $0.08/GiB-month. data-0: 100 GiB → $8/month → 8/730 = 0.010958904109589041/h,
  // mounted by two pods → 0.005479452054794521 each.
  // spare: 50 GiB, no claim → $4/month → 0.005479452054794521/h under __unmounted__.
  // logs: 50 GiB claimed by a pod that is not running → the claim's namespace, pod __unmounted__.
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('db', 'pg-0', 'n1', [container('pg', res(0, 0))], { claimNames: ['data-0'] }),
      pod('db', 'backup', 'n1', [container('b', res(0, 0))], { claimNames: ['data-0'] }),
      pod('db', 'old', 'n1', [container('b', res(0, 0))], { claimNames: ['logs'], phase: 'Succeeded' }),
    ],
    persistentVolumes: [
      { name: 'pv-data-0', storageClass: 'gp3', capacityBytes: 100 * GiB, claim: { namespace: 'db', name: 'data-0' }, labels: {} },
      { name: 'pv-spare', storageClass: 'gp3', capacityBytes: 50 * GiB, labels: {} },
      { name: 'pv-logs', storageClass: 'gp3', capacityBytes: 50 * GiB, labels: {} },
    ],
    persistentVolumeClaims: [{ namespace: 'db', name: 'logs', volumeName: 'pv-logs', storageClass: 'gp3', requestBytes: 50 * GiB }],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } }, storageGibMonthUsd: { gp3: 0.08 } }), WINDOW);
  close(podCost(report, 'db', 'pg-0').pvHourlyUsd, 0.005479452054794521, 'pg-0 pv');
  close(podCost(report, 'db', 'backup').pvHourlyUsd, 0.005479452054794521, 'backup pv');
  const data = report.volumes.find((v) => v.name === 'pv-data-0')!;
  close(data.monthlyUsd, 8, 'pv monthly');
  assert.deepEqual(data.mountedBy, ['db/pg-0', 'db/backup']);
  const unmounted = report.pseudo.filter((p) => p.name === UNMOUNTED).sort((x, y) => x.namespace.localeCompare(y.namespace));
  assert.deepEqual(
    unmounted.map((p) => p.namespace),
    [UNMOUNTED, 'db'],
  );
  close(unmounted[0]!.pvHourlyUsd, 0.005479452054794521, 'unclaimed');
  close(unmounted[1]!.pvHourlyUsd, 0.005479452054794521, 'claimed but unmounted');
  close(report.cluster.volumesHourlyUsd, 16 / 730, 'cluster volumes');
  assertInvariants(report);
});

test('spot savings = on-demand − spot, attributed by share of the node', () => {
  // Spot rates: cpu 0.012, ram 0.0015 → 4·0.012 + 16·0.0015 = 0.048 + 0.024 = 0.072/h
  // On-demand:  cpu 0.04,  ram 0.005  → 0.24/h. Savings = 0.24 − 0.072 = 0.168/h.
  // Pod: 1 core, 4 GiB → 0.012 + 0.006 = 0.018 = 25% of the node → 0.042/h; idle keeps 0.126/h.
  const snap = snapshot({
    nodes: [node('s1', res(4000, 16 * GiB), { 'eks.amazonaws.com/capacityType': 'SPOT' })],
    pods: [pod('batch', 'w', 's1', [container('app', res(1000, 4 * GiB))])],
  });
  const spot: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.012, ramGiBHourUsd: 0.0015, gpuHourUsd: 0 } };
  const report = allocate(snap, tablePriceBook({ nodes: { s1: { price: spot, onDemand: RATES } } }), WINDOW);
  const n = report.nodes[0]!;
  assert.equal(n.capacityType, 'spot');
  close(n.hourlyUsd, 0.072, 'spot hourly');
  close(n.onDemandHourlyUsd, 0.24, 'on-demand hourly');
  close(n.spotSavingsHourlyUsd, 0.168, 'node savings');
  const w = podCost(report, 'batch', 'w');
  close(w.totalHourlyUsd, 0.018, 'pod cost');
  close(w.spotSavingsHourlyUsd, 0.042, 'pod savings');
  close(idleOf(report, 's1').spotSavingsHourlyUsd, 0.126, 'idle savings');
  close(report.cluster.spotSavingsHourlyUsd, 0.168, 'cluster savings');
  assertInvariants(report);
});

test('GPU nodes: GPU allocation priced at the GPU rate', () => {
  // Node 8 cores, 32 GiB, 1 GPU → 0.32 + 0.16 + 0.5 = 0.98/h.
  // Trainer: 4 cores, 16 GiB, 1 GPU → 0.16 + 0.08 + 0.5 = 0.74/h; idle 0.24.
  const snap = snapshot({
    nodes: [node('g1', res(8000, 32 * GiB, 1))],
    pods: [pod('ml', 'trainer', 'g1', [container('t', res(4000, 16 * GiB, 1))])],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { g1: { price: RATES } } }), WINDOW);
  const t = podCost(report, 'ml', 'trainer');
  close(t.gpuHourlyUsd, 0.5, 'gpu');
  close(t.totalHourlyUsd, 0.74, 'trainer');
  close(idleOf(report, 'g1').totalHourlyUsd, 0.24, 'idle');
  close(idleOf(report, 'g1').gpuHourlyUsd, 0, 'idle gpu');
  assertInvariants(report);
});

test('allocation above capacity is reported and scaled to the node price, never negative idle', () => {
  // Node 2 cores. Pods use 1.5 cores each (requests 1 core) → 3 cores allocated, ×1.5 over.
  // Each pod: 1.5 cores · 0.04 / 1.5 = 0.04 cpu; Σ cpu = 0.08 = node cpu cost; cpu idle 0.
  const usage = new Map([
    ['x/p1', new Map([['c', { cpuMillicores: 1500, ramBytes: 0 }]])],
    ['x/p2', new Map([['c', { cpuMillicores: 1500, ramBytes: 0 }]])],
  ]);
  const snap = snapshot({
    nodes: [node('n1', res(2000, 4 * GiB))],
    pods: [pod('x', 'p1', 'n1', [container('c', res(1000, 0))]), pod('x', 'p2', 'n1', [container('c', res(1000, 0))])],
    usage,
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), WINDOW);
  close(podCost(report, 'x', 'p1').cpuHourlyUsd, 0.04, 'p1 cpu');
  close(idleOf(report, 'n1').cpuHourlyUsd, 0, 'idle cpu');
  close(report.nodes[0]!.overAllocation.cpu, 1.5, 'ratio');
  assert.equal(report.notices.filter((n) => n.kind === 'over-allocated').length, 1);
  assert.equal(
    report.notices.find((n) => n.kind === 'over-allocated')!.message,
    "pods on node n1 are allocated more than its capacity (cpu ×1.500, ram ×1.000, gpu ×1.000); their costs are scaled down to the node's price",
  );
  assertInvariants(report);
});

test('load balancers are split among the pods their Service selects', () => {
  // $0.025/h each. "web" selects two pods → 0.0125 each; "orphan" selects none → __unallocated__.
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('shop', 'web-1', 'n1', [container('c', res(0, 0))], { labels: { app: 'web' } }),
      pod('shop', 'web-2', 'n1', [container('c', res(0, 0))], { labels: { app: 'web' } }),
      pod('shop', 'api-1', 'n1', [container('c', res(0, 0))], { labels: { app: 'api' } }),
    ],
    services: [
      { namespace: 'shop', name: 'web', type: 'LoadBalancer', selector: { app: 'web' }, ingressCount: 1 },
      { namespace: 'shop', name: 'orphan', type: 'LoadBalancer', selector: { app: 'gone' }, ingressCount: 1 },
      { namespace: 'shop', name: 'internal', type: 'ClusterIP', selector: { app: 'api' }, ingressCount: 0 },
    ],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } }, loadBalancerHourlyUsd: 0.025 }), WINDOW);
  close(podCost(report, 'shop', 'web-1').loadBalancerHourlyUsd, 0.0125, 'web-1');
  close(podCost(report, 'shop', 'api-1').loadBalancerHourlyUsd, 0, 'api-1');
  const orphan = report.pseudo.find((p) => p.name === UNALLOCATED)!;
  assert.equal(orphan.namespace, 'shop');
  close(orphan.loadBalancerHourlyUsd, 0.025, 'orphan');
  close(report.cluster.loadBalancersHourlyUsd, 0.05, 'cluster lbs');
  assertInvariants(report);
});

test('management fee adds to the cluster total; price fallbacks become notices', () => {
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB), { 'node.kubernetes.io/instance-type': 'm99.huge' })],
  });
  const prices = tablePriceBook({
    nodes: { n1: { price: RATES, fallbackReason: 'node n1: instance type "m99.huge" not in the aws catalog; using default rates' } },
    managementHourlyUsd: 0.1,
  });
  const report = allocate(snap, prices, WINDOW);
  // 0.24 (node) + 0.10 (management) = 0.34
  close(report.cluster.totalHourlyUsd, 0.34, 'cluster');
  assert.equal(report.nodes[0]!.priceSource, 'default');
  assert.deepEqual(report.notices, [
    { kind: 'price-fallback', object: 'nodes/n1', message: 'node n1: instance type "m99.huge" not in the aws catalog; using default rates' },
  ]);
  assertInvariants(report);
});

test('window: a pod started mid-window is charged for its minutes only', () => {
  // Window 01:00–02:00; pod started 01:45 → 15 minutes of 0.045/h = 0.01125
  const start = Date.UTC(2026, 10, 1, 1);
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [pod('a', 'late', 'n1', [container('c', res(1000, GiB))], { startedAtMs: start + 45 * 60_000 })],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES } } }), { startMs: start, endMs: start + 3_600_000 });
  const late = podCost(report, 'a', 'late');
  close(late.minutes, 15, 'minutes');
  close(late.windowCostUsd, 0.01125, 'window cost');
});

test('invariants hold on a larger mixed cluster', () => {
  const nodes = [];
  const pods = [];
  for (let i = 0; i < 20; i++) {
    nodes.push(node(`n${i}`, res(2000 + (i % 4) * 2000, (4 + (i % 3) * 8) * GiB, i % 7 === 0 ? 1 : 0), i % 3 === 0 ? { 'karpenter.sh/capacity-type': 'spot' } : {}));
    for (let j = 0; j < 12; j++) {
      pods.push(pod(`ns${j % 5}`, `p${i}-${j}`, `n${i}`, [container('c', res(100 * j, (j % 4) * 512 * MiB, i % 7 === 0 && j === 0 ? 1 : 0))]));
    }
  }
  const snap: ClusterSnapshot = snapshot({ nodes, pods });
  const table = Object.fromEntries(nodes.map((n, i) => [n.name, { price: { kind: 'instance', hourlyUsd: 0.1 + i / 100 } as PriceQuote, onDemand: { kind: 'instance', hourlyUsd: 0.3 + i / 100 } as PriceQuote }]));
  const report = allocate(snap, tablePriceBook({ nodes: table }), WINDOW);
  assertInvariants(report);
  const savings = report.pods.reduce((s, p) => s + p.spotSavingsHourlyUsd, 0) + report.pseudo.reduce((s, p) => s + p.spotSavingsHourlyUsd, 0);
  close(savings, report.cluster.spotSavingsHourlyUsd, 'Σ savings');
});

test('the same pod objects over several cycles: figures follow the usage map given each cycle', () => {
  // Node: 4 cores, 16 GiB at RATES. Pod a requests 1 core / 2 GiB. allocate() reuses what it worked
  // out for a pod object while the usage map found for it is the same object; a new map (new
  // figures), no map, or a new pod object is worked out again.
  const a = pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))]);
  const nodes = [node('n1', res(4000, 16 * GiB))];
  const prices = tablePriceBook({ nodes: { n1: { price: RATES } } });
  const usageOf = (cpuMillicores: number, ramBytes: number) => new Map([['shop/a', new Map([['app', { cpuMillicores, ramBytes }]])]]);
  const first = usageOf(500, 3 * GiB);
  const cycles: { what: string; snap: ClusterSnapshot; cpuCores: number; ramBytes: number; totalHourlyUsd: number }[] = [
    // usage 0.5 core / 3 GiB → alloc 1 core, 3 GiB → 0.04 + 3·0.005 = 0.055
    { what: 'first usage', snap: snapshot({ nodes, pods: [a], usage: first }), cpuCores: 1, ramBytes: 3 * GiB, totalHourlyUsd: 0.055 },
    // the same map object again: the same figures
    { what: 'same usage map', snap: snapshot({ nodes, pods: [a], usage: first }), cpuCores: 1, ramBytes: 3 * GiB, totalHourlyUsd: 0.055 },
    // usage 2 cores / 1 GiB → alloc 2 cores, 2 GiB → 0.08 + 0.01 = 0.09
    { what: 'new usage map', snap: snapshot({ nodes, pods: [a], usage: usageOf(2000, 1 * GiB) }), cpuCores: 2, ramBytes: 2 * GiB, totalHourlyUsd: 0.09 },
    // no usage: requests → 0.04 + 0.01 = 0.05
    { what: 'no usage', snap: snapshot({ nodes, pods: [a] }), cpuCores: 1, ramBytes: 2 * GiB, totalHourlyUsd: 0.05 },
    // the first map again after others: 0.055
    { what: 'first usage map again', snap: snapshot({ nodes, pods: [a], usage: first }), cpuCores: 1, ramBytes: 3 * GiB, totalHourlyUsd: 0.055 },
    // a changed pod (a new object, request 3 cores) with the first map: alloc 3 cores, 3 GiB → 0.12 + 0.015 = 0.135
    {
      what: 'changed pod object',
      snap: snapshot({ nodes, pods: [pod('shop', 'a', 'n1', [container('app', res(3000, 2 * GiB))])], usage: first }),
      cpuCores: 3,
      ramBytes: 3 * GiB,
      totalHourlyUsd: 0.135,
    },
  ];
  for (const c of cycles) {
    const p = podCost(allocate(c.snap, prices, WINDOW), 'shop', 'a');
    close(p.allocation.cpuCores, c.cpuCores, `${c.what}: cpu alloc`);
    close(p.allocation.ramBytes, c.ramBytes, `${c.what}: ram alloc`);
    close(p.totalHourlyUsd, c.totalHourlyUsd, `${c.what}: total`);
  }
});

test('repeated node names and pod keys: pods are charged once per node entry, listed once per key', () => {
  // Two node entries named n1 (4 cores, 16 GiB each at RATES: $0.24/h each) and n2 (2 cores, 4 GiB:
  // 0.08 + 0.02 = $0.10/h). Pods: x/p on n2 (0.5 core, 1 GiB: 0.02 + 0.005 = 0.025), x/q on n1
  // (1 core, 2 GiB: 0.04 + 0.01 = 0.05), x/p again on n1 (2 cores, 4 GiB: 0.08 + 0.02 = 0.10).
  const snap = snapshot({
    nodes: [node('n1', res(4000, 16 * GiB)), node('n2', res(2000, 4 * GiB)), node('n1', res(4000, 16 * GiB))],
    pods: [
      pod('x', 'p', 'n2', [container('app', res(500, 1 * GiB))]),
      pod('x', 'q', 'n1', [container('app', res(1000, 2 * GiB))]),
      pod('x', 'p', 'n1', [container('app', res(2000, 4 * GiB))]),
    ],
  });
  const report = allocate(snap, tablePriceBook({ nodes: { n1: { price: RATES }, n2: { price: RATES } } }), WINDOW);
  // One PodCost per namespace/name: x/p keeps its first place (node group n2 comes first, by its
  // first pod) and takes the last pod of that key (on n1); then x/q.
  const table: { node: string; podCount: number; idleHourlyUsd: number }[] = [
    // each n1 entry holds q and the second p: idle 0.24 − 0.05 − 0.10 = 0.09
    { node: 'n1', podCount: 2, idleHourlyUsd: 0.09 },
    // n2 holds the first p: idle 0.10 − 0.025 = 0.075
    { node: 'n2', podCount: 1, idleHourlyUsd: 0.075 },
    { node: 'n1', podCount: 2, idleHourlyUsd: 0.09 },
  ];
  assert.deepEqual(
    report.pods.map((p) => [p.name, p.node, p.totalHourlyUsd]),
    [
      ['p', 'n1', 0.1],
      ['q', 'n1', 0.05],
    ],
  );
  table.forEach((row, k) => {
    const n = report.nodes[k]!;
    assert.equal(n.name, row.node);
    assert.equal(n.podCount, row.podCount);
    close(n.idleHourlyUsd, row.idleHourlyUsd, `node entry ${k} idle`);
  });
});
