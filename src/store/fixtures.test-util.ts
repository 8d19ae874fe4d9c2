// The part of an allocation row that tests rarely care about: every amount zero, an estimated
// figure. Test builders spread it and give the few numbers a test is about.
import { NO_RESOURCES } from './record.ts';
import type { AllocationInterval } from './types.ts';

export const ZERO_AMOUNTS = {
  ...NO_RESOURCES,
  cpuCostUsd: 0,
  ramCostUsd: 0,
  gpuCostUsd: 0,
  pvCostUsd: 0,
  loadBalancerCostUsd: 0,
  networkCostUsd: 0,
  spotSavingsUsd: 0,
  basis: 'estimated',
} as const satisfies Partial<AllocationInterval>;
