// Allocation rows for the API's tests: a small cluster over one hour, amounts written by hand.
import type { AllocationInterval, StepSet } from '../store/types.ts';
import { ZERO_AMOUNTS } from '../store/record.ts';

export const GIB = 2 ** 30;
export const T0 = Date.parse('2026-11-30T00:00:00Z');
export const HOUR = 3_600_000;

export function row(over: Partial<AllocationInterval> & Pick<AllocationInterval, 'key'>): AllocationInterval {
  return {
    cluster: 'c1',
    startMs: T0,
    endMs: T0 + HOUR,
    kind: 'pod',
    namespace: '',
    pod: '',
    node: '',
    controllerKind: '',
    controller: '',
    labels: {},
    annotations: {},
    minutes: 60,
    ...ZERO_AMOUNTS,
    ...over,
  };
}

// a: web/frontend on n1, 60 min: requests 2 cores / 4 GiB, usage 1 core / 2 GiB; $1.00 cpu, $0.50 ram, $0.10 pv.
// b: web/frontend on n1, the last 30 min: 1 core / 2 GiB requested, 0.5 core / 2 GiB used; $0.25 cpu, $0.125 ram.
// c: data/kafka on n2, 60 min, 1 core / 2 GiB, usage not measured; $0.50 cpu, $0.25 ram, $0.40 pv.
// unmounted volume of data: $0.05. idle n1: $0.60 cpu, $0.30 ram. idle n2: $0.20 cpu, $0.10 ram.
export const A = row({
  key: 'uid-a',
  namespace: 'web',
  pod: 'a',
  node: 'n1',
  controllerKind: 'deployment',
  controller: 'frontend',
  labels: { team: 'x', app: 'shop' },
  cpuCoreRequestHours: 2,
  cpuCoreUsageHours: 1,
  cpuCoreHours: 2,
  ramByteRequestHours: 4 * GIB,
  ramByteUsageHours: 2 * GIB,
  ramByteHours: 4 * GIB,
  usageMinutes: 60,
  cpuCostUsd: 1,
  ramCostUsd: 0.5,
  pvCostUsd: 0.1,
  spotSavingsUsd: 0.3,
});
export const B = row({
  key: 'uid-b',
  startMs: T0 + HOUR / 2,
  minutes: 30,
  namespace: 'web',
  pod: 'b',
  node: 'n1',
  controllerKind: 'deployment',
  controller: 'frontend',
  labels: { team: 'x', app: 'shop-canary' },
  cpuCoreRequestHours: 0.5,
  cpuCoreUsageHours: 0.25,
  cpuCoreHours: 0.5,
  ramByteRequestHours: 1 * GIB,
  ramByteUsageHours: 1 * GIB,
  ramByteHours: 1 * GIB,
  usageMinutes: 30,
  cpuCostUsd: 0.25,
  ramCostUsd: 0.125,
});
export const C = row({
  key: 'uid-c',
  namespace: 'data',
  pod: 'kafka-0',
  node: 'n2',
  controllerKind: 'statefulset',
  controller: 'kafka',
  labels: { team: 'y' },
  cpuCoreRequestHours: 1,
  cpuCoreHours: 1,
  ramByteRequestHours: 2 * GIB,
  ramByteHours: 2 * GIB,
  cpuCostUsd: 0.5,
  ramCostUsd: 0.25,
  pvCostUsd: 0.4,
});
export const UNMOUNTED_DATA = row({ key: '__unmounted__/pv-old', kind: 'unmounted', namespace: 'data', pod: '__unmounted__', pvCostUsd: 0.05 });
export const IDLE_N1 = row({ key: '__idle__/n1', kind: 'idle', pod: '__idle__', node: 'n1', cpuCoreHours: 1.2, ramByteHours: 2 * GIB, cpuCostUsd: 0.6, ramCostUsd: 0.3 });
export const IDLE_N2 = row({ key: '__idle__/n2', kind: 'idle', pod: '__idle__', node: 'n2', cpuCoreHours: 0.4, ramByteHours: 1 * GIB, cpuCostUsd: 0.2, ramCostUsd: 0.1 });

export const ROWS: readonly AllocationInterval[] = [A, B, C, UNMOUNTED_DATA, IDLE_N1, IDLE_N2];

export function oneSet(rows: readonly AllocationInterval[] = ROWS): StepSet<AllocationInterval>[] {
  return [{ startMs: T0, endMs: T0 + HOUR, rows }];
}
