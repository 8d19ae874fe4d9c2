// Keeps the latest reading's HPAs and PDBs as the advice reads them (core/advice/policies.ts), for
// the advisor and the /api/v1/recommendations route: the store does not record them, so they are
// the cluster's current ones. Recomputed only when the source hands over new arrays (the kube
// source reuses them while nothing changed). docs/advice.md.
import type { AdvicePolicies, WorkloadPolicies } from '../core/advice/policies.ts';
import { advicePolicies } from '../core/advice/policies.ts';
import type { PodInfo } from '../core/model.ts';
import type { CycleHook } from './exporter.ts';

export interface PolicyTracker {
  readonly hook: CycleHook;
  /** Undefined until a reading carried policies, or when the source does not know them. */
  current(): AdvicePolicies | undefined;
}

export function createPolicyTracker(cluster: string): PolicyTracker {
  let seen: { policies: WorkloadPolicies | undefined; pods: readonly PodInfo[] } | undefined;
  let current: AdvicePolicies | undefined;
  return {
    hook: {
      component: 'advice-policies',
      handle(cycle) {
        const { policies } = cycle.reading;
        const { pods } = cycle.reading.snapshot;
        if (seen !== undefined && seen.policies === policies && seen.pods === pods) return;
        seen = { policies, pods };
        current = policies === undefined ? undefined : advicePolicies(policies, pods, cluster);
      },
    },
    current: () => current,
  };
}
