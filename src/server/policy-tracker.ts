// Keeps the latest reading's HPAs, PDBs and local storage as the advice reads them
// (core/advice/policies.ts), for the advisor and the /api/v1/recommendations route: the store does
// not record them, so they are the cluster's current ones. Recomputed only when the source hands
// over new arrays (the kube source reuses them while nothing changed). docs/advice.md.
import type { AdvicePolicies, WorkloadPolicies } from '../core/advice/policies.ts';
import { advicePolicies } from '../core/advice/policies.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import type { CycleHook } from './exporter.ts';

export interface PolicyTracker {
  readonly hook: CycleHook;
  /** Undefined until the first reading; `hpas` undefined when the source does not list HPAs. */
  current(): AdvicePolicies | undefined;
}

export function createPolicyTracker(cluster: string): PolicyTracker {
  let seen: { policies: WorkloadPolicies | undefined; snapshot: ClusterSnapshot } | undefined;
  let current: AdvicePolicies | undefined;
  return {
    hook: {
      component: 'advice-policies',
      handle(cycle) {
        const { policies, snapshot } = cycle.reading;
        const s = seen?.snapshot;
        if (
          s !== undefined &&
          seen?.policies === policies &&
          s.pods === snapshot.pods &&
          s.persistentVolumeClaims === snapshot.persistentVolumeClaims &&
          s.persistentVolumes === snapshot.persistentVolumes &&
          s.storageClasses === snapshot.storageClasses
        ) {
          return;
        }
        seen = { policies, snapshot };
        current = advicePolicies(policies, snapshot, cluster);
      },
    },
    current: () => current,
  };
}
