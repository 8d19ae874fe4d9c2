// The advice tests' small cluster, recorded cycle by cycle into a real (memory) history store.
import { alloc, GIB, HOUR, MIB, MIN, nodeRow, T0 } from '../core/advice/fixtures.test-util.ts';
import type { PriceBook } from '../core/pricing.ts';
import { createMemoryStore } from '../store/memory.ts';
import type { AllocationInterval, HistoryStore } from '../store/types.ts';

export const CYCLE = 5; // minutes
export const NOW = T0 + 12 * HOUR;

// A port double: every node type's spot price is 40 % of its on-demand price (0.12 USD/h).
export const PRICES: PriceBook = {
  node: (q) => ({ price: { kind: 'instance', hourlyUsd: q.capacityType === 'spot' ? 0.048 : 0.12 }, onDemand: { kind: 'instance', hourlyUsd: 0.12 }, source: 'catalog', fallbackReason: `node ${q.nodeName}: spot estimated at 40%` }),
  storage: () => {
    throw new Error('not used');
  },
  loadBalancer: () => {
    throw new Error('not used');
  },
  clusterManagement: () => {
    throw new Error('not used');
  },
};

// One 5-minute cycle. n1, n2: on-demand m5.large (2 cores, 8 GiB) in pool "general" at 0.04 USD per
// core-hour and 0.005 USD per GiB-hour (0.12 USD/h); n3: spot, pool "spot". Pods on n1: api (1 pod,
// requests 0.5 cores / 512 MiB, uses 0.1 cores / 200 MiB) and web (2 pods, requests 0.1 / 128 MiB,
// use 0.05 / 100 MiB); n2 runs nothing.
export function cycle(startMs: number) {
  const endMs = startMs + CYCLE * MIN;
  const h = CYCLE / 60;
  const node = (name: string, over = {}) =>
    nodeRow({ node: name, startMs, endMs, minutes: CYCLE, providerId: `aws:///us-east-1a/i-${name}`, cpuCostUsd: 0.08 * h, ramCostUsd: 0.04 * h, totalCostUsd: 0.12 * h, onDemandCostUsd: 0.12 * h, ...over });
  const pod = (name: string, controller: string, req: [number, number], use: [number, number]): AllocationInterval =>
    alloc({
      pod: name,
      startMs,
      endMs,
      node: 'n1',
      controller,
      controllerKind: 'deployment',
      usageMinutes: CYCLE,
      cpuCoreRequestHours: req[0] * h,
      ramByteRequestHours: req[1] * h,
      cpuCoreUsageHours: use[0] * h,
      ramByteUsageHours: use[1] * h,
      cpuCoreHours: req[0] * h,
      ramByteHours: req[1] * h,
      cpuCostUsd: req[0] * 0.04 * h,
      ramCostUsd: (req[1] / GIB) * 0.005 * h,
    });
  return {
    cluster: 'c1',
    startMs,
    endMs,
    demo: false,
    allocations: [pod('api-1', 'api', [0.5, 512 * MIB], [0.1, 200 * MIB]), pod('web-1', 'web', [0.1, 128 * MIB], [0.05, 100 * MIB]), pod('web-2', 'web', [0.1, 128 * MIB], [0.05, 100 * MIB])],
    nodes: [node('n1'), node('n2'), node('n3', { capacityType: 'spot', pool: 'spot', totalCostUsd: 0.048 * h })],
    disks: [],
    loadBalancers: [],
    clusterCharges: { cluster: 'c1', startMs, endMs, minutes: CYCLE, managementCostUsd: 0 },
  };
}

/** Twelve hours of the cluster above, ending at NOW. */
export async function recordedStore(): Promise<HistoryStore> {
  const store = createMemoryStore();
  for (let t = T0; t < NOW; t += CYCLE * MIN) await store.record(cycle(t));
  return store;
}
