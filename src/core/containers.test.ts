// The split of a pod's cost among its containers: each case runs the cost model on one pod and
// checks every part against figures computed by hand in the table (docs/cost-model.md §4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from './allocate.ts';
import type { ContainerCost } from './containers.ts';
import { POD_REMAINDER, splitPodCost } from './containers.ts';
import { container, GiB, MiB, node, pod, res, snapshot, tablePriceBook } from './fixtures.test-util.ts';
import type { ContainerUsage, PodInfo } from './model.ts';
import type { PriceQuote } from './pricing.ts';

const WINDOW = { startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 10, 1, 1) };
const EPS = 1e-12;

// $0.04 per core-hour, $0.005 per GiB-hour, $0.50 per GPU-hour; on-demand twice that (the node is
// spot in the case that says so: savings = on-demand − spot = the compute cost itself).
const RATES: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } };
const ON_DEMAND: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.08, ramGiBHourUsd: 0.01, gpuHourUsd: 1 } };

/** Expected figures of one part; omitted fields are 0 (usage: undefined when not measured). */
interface Part {
  readonly reqCpu?: number;
  readonly reqRam?: number;
  readonly reqGpu?: number;
  readonly useCpu?: number;
  readonly useRam?: number;
  readonly allocCpu?: number;
  readonly allocRam?: number;
  readonly allocGpu?: number;
  readonly cpuUsd?: number;
  readonly ramUsd?: number;
  readonly gpuUsd?: number;
  readonly pvUsd?: number;
  readonly lbUsd?: number;
  readonly savingsUsd?: number;
}

interface Case {
  readonly name: string;
  readonly pod: PodInfo;
  readonly usage?: Record<string, ContainerUsage>;
  readonly spot?: boolean;
  readonly volumeGiB?: number;
  /** Parts in order, by container name. */
  readonly expected: readonly (readonly [string, Part])[];
}

const P = (containers: PodInfo['containers'], extra: Partial<PodInfo> = {}): PodInfo => pod('shop', 'web', 'n1', [...containers], extra);

const CASES: readonly Case[] = [
  {
    name: 'a pod with one container is that container, no remainder',
    // 0.5 core × 0.04 = 0.02; 1 GiB × 0.005 = 0.005
    pod: P([container('app', res(500, GiB))]),
    expected: [['app', { reqCpu: 0.5, reqRam: GiB, allocCpu: 0.5, allocRam: GiB, cpuUsd: 0.02, ramUsd: 0.005 }]],
  },
  {
    name: 'usage above request: each container is charged its own max(request, usage)',
    // a: req 1 core / 2 GiB, usage 1.5 core / 1 GiB → alloc 1.5 / 2 GiB → 0.06 + 0.01
    // b: req 0.5 core / 1 GiB, usage 0.2 core / 1.5 GiB → alloc 0.5 / 1.5 GiB → 0.02 + 0.0075
    // pod: alloc 2 cores / 3.5 GiB → 0.08 + 0.0175 = Σ parts: no remainder
    pod: P([container('a', res(1000, 2 * GiB)), container('b', res(500, GiB))]),
    usage: { a: { cpuMillicores: 1500, ramBytes: GiB }, b: { cpuMillicores: 200, ramBytes: 1.5 * GiB } },
    expected: [
      ['a', { reqCpu: 1, reqRam: 2 * GiB, useCpu: 1.5, useRam: GiB, allocCpu: 1.5, allocRam: 2 * GiB, cpuUsd: 0.06, ramUsd: 0.01 }],
      ['b', { reqCpu: 0.5, reqRam: GiB, useCpu: 0.2, useRam: 1.5 * GiB, allocCpu: 0.5, allocRam: 1.5 * GiB, cpuUsd: 0.02, ramUsd: 0.0075 }],
    ],
  },
  {
    name: 'an init container dominating CPU: the excess is the pod remainder',
    // app 0.25 core / 256 MiB, init 1 core / 128 MiB → pod CPU max(0.25, 1) = 1 core → $0.04,
    // RAM max(256, 128) = 256 MiB = 0.25 GiB → $0.00125.
    // app: 0.25/1 × 0.04 = 0.01 CPU, all the RAM; __pod__: 0.75 core, $0.03.
    pod: P([container('app', res(250, 256 * MiB))], { initContainers: [container('migrate', res(1000, 128 * MiB))] }),
    expected: [
      ['app', { reqCpu: 0.25, reqRam: 256 * MiB, allocCpu: 0.25, allocRam: 256 * MiB, cpuUsd: 0.01, ramUsd: 0.00125 }],
      [POD_REMAINDER, { reqCpu: 0.75, allocCpu: 0.75, cpuUsd: 0.03 }],
    ],
  },
  {
    name: 'pod overhead, a volume and spot savings: overhead and volume in the remainder, savings by compute cost',
    // app 0.5 core / 512 MiB, overhead 0.25 core / 128 MiB → pod 0.75 core / 640 MiB (0.625 GiB)
    // CPU 0.75 × 0.04 = 0.03 (app 0.02, __pod__ 0.01); RAM 0.625 × 0.005 = 0.003125 (app 0.0025, __pod__ 0.000625)
    // spot savings = on-demand − spot = 0.033125: app 0.0225, __pod__ 0.010625 (each its own compute)
    // volume 10 GiB at $0.073/GiB-month → 0.73/730 = $0.001/h, all __pod__
    pod: P([container('app', res(500, 512 * MiB))], { overhead: res(250, 128 * MiB), claimNames: ['data'] }),
    spot: true,
    volumeGiB: 10,
    expected: [
      ['app', { reqCpu: 0.5, reqRam: 512 * MiB, allocCpu: 0.5, allocRam: 512 * MiB, cpuUsd: 0.02, ramUsd: 0.0025, savingsUsd: 0.0225 }],
      [POD_REMAINDER, { reqCpu: 0.25, reqRam: 128 * MiB, allocCpu: 0.25, allocRam: 128 * MiB, cpuUsd: 0.01, ramUsd: 0.000625, pvUsd: 0.001, savingsUsd: 0.010625 }],
    ],
  },
  {
    name: 'a GPU container and a CPU-only sidecar: the GPU is its container\'s alone',
    // train 4 cores / 16 GiB / 1 GPU → 0.16 + 0.08 + 0.5; logger (native sidecar) 0.1 core / 128 MiB → 0.004 + 0.000625
    pod: P([container('train', res(4000, 16 * GiB, 1))], { sidecarContainers: [container('logger', res(100, 128 * MiB))] }),
    expected: [
      ['train', { reqCpu: 4, reqRam: 16 * GiB, reqGpu: 1, allocCpu: 4, allocRam: 16 * GiB, allocGpu: 1, cpuUsd: 0.16, ramUsd: 0.08, gpuUsd: 0.5 }],
      ['logger', { reqCpu: 0.1, reqRam: 128 * MiB, allocCpu: 0.1, allocRam: 128 * MiB, cpuUsd: 0.004, ramUsd: 0.000625 }],
    ],
  },
  {
    name: 'init beside a sidecar, usage measured for one container only',
    // app 0.3 core (usage 0.1 → alloc 0.3), sidecar 0.2 core (no usage → its request), init 1 core:
    // init phase 1 + 0.2 = 1.2 cores > 0.5 → pod 1.2 cores → $0.048: app 0.3/1.2 → 0.012,
    // proxy 0.2/1.2 → 0.008, __pod__ 0.7 core → 0.028. No RAM requested. Usage of the pod 0.1 core:
    // app's; the sidecar's is 0 (not measured, the pod is); the remainder uses nothing.
    pod: P([container('app', res(300, 0))], { sidecarContainers: [container('proxy', res(200, 0))], initContainers: [container('init', res(1000, 0))] }),
    usage: { app: { cpuMillicores: 100, ramBytes: 0 } },
    expected: [
      ['app', { reqCpu: 0.3, useCpu: 0.1, allocCpu: 0.3, cpuUsd: 0.012 }],
      ['proxy', { reqCpu: 0.2, useCpu: 0, allocCpu: 0.2, cpuUsd: 0.008 }],
      [POD_REMAINDER, { reqCpu: 0.7, useCpu: 0, allocCpu: 0.7, cpuUsd: 0.028 }],
    ],
  },
];

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= EPS * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

function checkPart(c: ContainerCost, e: Part, measured: boolean, where: string): void {
  close(c.request.cpuCores, e.reqCpu ?? 0, `${where} request cpu`);
  close(c.request.ramBytes, e.reqRam ?? 0, `${where} request ram`);
  close(c.request.gpus, e.reqGpu ?? 0, `${where} request gpu`);
  close(c.allocation.cpuCores, e.allocCpu ?? 0, `${where} allocation cpu`);
  close(c.allocation.ramBytes, e.allocRam ?? 0, `${where} allocation ram`);
  close(c.allocation.gpus, e.allocGpu ?? 0, `${where} allocation gpu`);
  if (measured) {
    assert.ok(c.usage, `${where}: usage expected`);
    close(c.usage.cpuCores, e.useCpu ?? 0, `${where} usage cpu`);
    close(c.usage.ramBytes, e.useRam ?? 0, `${where} usage ram`);
  } else assert.equal(c.usage, undefined, `${where}: no usage expected`);
  close(c.cpuHourlyUsd, e.cpuUsd ?? 0, `${where} cpu $`);
  close(c.ramHourlyUsd, e.ramUsd ?? 0, `${where} ram $`);
  close(c.gpuHourlyUsd, e.gpuUsd ?? 0, `${where} gpu $`);
  close(c.pvHourlyUsd, e.pvUsd ?? 0, `${where} pv $`);
  close(c.loadBalancerHourlyUsd, e.lbUsd ?? 0, `${where} lb $`);
  close(c.spotSavingsHourlyUsd, e.savingsUsd ?? 0, `${where} spot savings $`);
}

for (const tc of CASES) {
  test(`containers: ${tc.name}`, () => {
    const usage = tc.usage ? new Map(Object.entries(tc.usage)) : undefined;
    const snap = snapshot({
      nodes: [node('n1', res(64_000, 256 * GiB, 8), tc.spot ? { 'karpenter.sh/capacity-type': 'spot' } : {})],
      pods: [tc.pod],
      ...(usage ? { usage: new Map([['shop/web', usage]]) } : {}),
      ...(tc.volumeGiB
        ? {
            persistentVolumes: [{ name: 'pv-data', storageClass: 'gp3', capacityBytes: tc.volumeGiB * GiB, claim: { namespace: 'shop', name: 'data' }, labels: {} }],
            persistentVolumeClaims: [{ namespace: 'shop', name: 'data', volumeName: 'pv-data', storageClass: 'gp3', requestBytes: tc.volumeGiB * GiB }],
          }
        : {}),
    });
    const prices = tablePriceBook({ nodes: { n1: tc.spot ? { price: RATES, onDemand: ON_DEMAND } : { price: RATES } }, storageGibMonthUsd: { gp3: 0.073 } });
    const report = allocate(snap, prices, WINDOW);
    const cost = report.pods[0];
    assert.ok(cost, 'the pod is costed');
    const parts = splitPodCost(tc.pod, cost, usage);
    assert.deepEqual(
      parts.map((p) => p.container),
      tc.expected.map(([name]) => name),
    );
    for (const [i, p] of parts.entries()) checkPart(p, tc.expected[i]![1], cost.usage !== undefined, `${tc.name} / ${p.container}`);
    // The parts add up to the pod, figure by figure.
    const sum = (f: (c: ContainerCost) => number) => parts.reduce((s, c) => s + f(c), 0);
    close(sum((c) => c.cpuHourlyUsd), cost.cpuHourlyUsd, 'Σ cpu $');
    close(sum((c) => c.ramHourlyUsd), cost.ramHourlyUsd, 'Σ ram $');
    close(sum((c) => c.gpuHourlyUsd), cost.gpuHourlyUsd, 'Σ gpu $');
    close(sum((c) => c.pvHourlyUsd), cost.pvHourlyUsd, 'Σ pv $');
    close(sum((c) => c.spotSavingsHourlyUsd), cost.spotSavingsHourlyUsd, 'Σ savings $');
    close(sum((c) => c.request.cpuCores), cost.request.cpuCores, 'Σ request cpu');
    close(sum((c) => c.request.ramBytes), cost.request.ramBytes, 'Σ request ram');
    close(sum((c) => c.allocation.cpuCores), cost.allocation.cpuCores, 'Σ allocation cpu');
    close(sum((c) => c.allocation.ramBytes), cost.allocation.ramBytes, 'Σ allocation ram');
    close(sum((c) => c.allocation.gpus), cost.allocation.gpus, 'Σ allocation gpu');
  });
}

test('containers: shares that do not add up exactly in floating point leave no __pod__ remainder', () => {
  // 0.15 + 0.25 + 0.35 = 0.75 core → $0.03; the three shares of $0.03 sum to 3.5e-18 less: rounding, not a remainder.
  const p = P([container('a', res(150, 0)), container('b', res(250, 0)), container('c', res(350, 0))]);
  const report = allocate(snapshot({ nodes: [node('n1', res(4000, 16 * GiB))], pods: [p] }), tablePriceBook({ nodes: { n1: { price: RATES } } }), WINDOW);
  const parts = splitPodCost(p, report.pods[0]!, undefined);
  assert.deepEqual(
    parts.map((c) => c.container),
    ['a', 'b', 'c'],
  );
  close(parts[1]!.cpuHourlyUsd, 0.01, 'b: 0.25 × 0.04');
});

test('containers: a pod requesting nothing has one zero part per container and no remainder', () => {
  const p = P([container('a', res(0, 0)), container('b', res(0, 0))]);
  const zero = { cpuCores: 0, ramBytes: 0, gpus: 0 };
  const parts = splitPodCost(p, { request: zero, usage: undefined, allocation: zero, cpuHourlyUsd: 0, ramHourlyUsd: 0, gpuHourlyUsd: 0, pvHourlyUsd: 0, loadBalancerHourlyUsd: 0, spotSavingsHourlyUsd: 0 }, undefined);
  assert.deepEqual(
    parts.map((c) => [c.container, c.cpuHourlyUsd, c.ramHourlyUsd]),
    [
      ['a', 0, 0],
      ['b', 0, 0],
    ],
  );
});
