// Builders of history rows for the advice tests: every field the store has, defaults that cost
// nothing, and the few numbers a test cares about given explicitly.
import type { AllocationInterval, NodeInterval } from '../../store/types.ts';
import { ZERO_AMOUNTS } from '../../store/record.ts';

export const T0 = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z, a Sunday
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const MIB = 2 ** 20;
export const GIB = 2 ** 30;

export function alloc(over: Partial<AllocationInterval> & Pick<AllocationInterval, 'pod' | 'startMs' | 'endMs'>): AllocationInterval {
  const minutes = (over.endMs - over.startMs) / MIN;
  return {
    cluster: 'c1',
    kind: 'pod',
    key: `uid-${over.pod}`,
    namespace: 'shop',
    node: 'n1',
    controllerKind: '',
    controller: '',
    labels: {},
    annotations: {},
    minutes,
    ...ZERO_AMOUNTS,
    ...over,
  };
}

/** One sample row: `cores` and `bytes` are the usage averages, requests per pod. */
export function sample(o: {
  pod: string;
  startMs: number;
  minutes: number;
  cores: number;
  bytes: number;
  requestCores: number;
  requestBytes: number;
  controller?: string;
  controllerKind?: string;
  node?: string;
  annotations?: Record<string, string>;
  namespace?: string;
}): AllocationInterval {
  const hours = o.minutes / 60;
  return alloc({
    pod: o.pod,
    startMs: o.startMs,
    endMs: o.startMs + o.minutes * MIN,
    usageMinutes: o.minutes,
    cpuCoreUsageHours: o.cores * hours,
    ramByteUsageHours: o.bytes * hours,
    cpuCoreRequestHours: o.requestCores * hours,
    ramByteRequestHours: o.requestBytes * hours,
    controller: o.controller ?? '',
    controllerKind: o.controllerKind ?? '',
    node: o.node ?? 'n1',
    annotations: o.annotations ?? {},
    namespace: o.namespace ?? 'shop',
  });
}

export function nodeRow(over: Partial<NodeInterval> & Pick<NodeInterval, 'node'>): NodeInterval {
  return {
    cluster: 'c1',
    startMs: T0,
    endMs: T0 + HOUR,
    providerId: '',
    instanceType: 'm5.large',
    region: 'us-east-1',
    zone: 'us-east-1a',
    pool: 'general',
    capacityType: 'on-demand',
    priceSource: 'catalog',
    minutes: 60,
    cpuCores: 2,
    ramBytes: 8 * GIB,
    gpus: 0,
    cpuCostUsd: 0.08,
    ramCostUsd: 0.04,
    gpuCostUsd: 0,
    totalCostUsd: 0.12,
    onDemandCostUsd: 0.12,
    idleCostUsd: 0,
    basis: 'estimated',
    ...over,
  };
}
