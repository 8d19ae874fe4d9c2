// Workload names from the owner chain: a pod's controller is a ReplicaSet or a Job; the ReplicaSet's
// controller is the Deployment (or a Rollout...), the Job's the CronJob. StatefulSets and DaemonSets
// own their pods directly. When the intermediate owner is not (yet) cached, the name-based guess of
// kube-objects.ts (`web-7d4b9c8f5` + pod-template-hash → Deployment `web`) stands.
import type { OwnerRef, PodInfo } from '../../core/model.ts';
import type { ObjectCache } from './cache.ts';
import type { Controller } from './convert.ts';

export interface OwnerCaches {
  readonly replicasets: ObjectCache<Controller>;
  readonly jobs: ObjectCache<Controller>;
}

/** The top-level workload of a pod, following at most one intermediate owner. */
export function resolveWorkload(pod: PodInfo, owners: OwnerCaches): OwnerRef | undefined {
  const owner = pod.owner;
  if (owner === undefined) return undefined;
  const cache = owner.kind === 'ReplicaSet' ? owners.replicasets : owner.kind === 'Job' ? owners.jobs : undefined;
  if (cache === undefined) return owner;
  const entry = cache.get(`${pod.namespace}/${owner.name}`);
  if (entry === undefined || entry.value === undefined) return pod.workload ?? owner;
  return entry.value ?? owner;
}

function sameRef(a: OwnerRef | undefined, b: OwnerRef | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.kind === b.kind && a.name === b.name);
}

/** The pod with its workload resolved; the same object when nothing changes. */
export function withResolvedWorkload<P extends PodInfo>(pod: P, owners: OwnerCaches): P {
  const workload = resolveWorkload(pod, owners);
  if (sameRef(workload, pod.workload)) return pod;
  if (workload === undefined) {
    const { workload: _dropped, ...rest } = pod;
    return rest as P;
  }
  return { ...pod, workload };
}
