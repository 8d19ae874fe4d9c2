// Which workloads keep data on their node's disk, for spot advice (spot.ts skips them): the issue's
// spot candidates have "no local storage". Counted, per pod of the workload (docs/advice.md, "Spot"):
//   - an `emptyDir` on disk (not `medium: Memory`: that is RAM, already charged as memory) with no
//     `sizeLimit`, or a limit above the scratch size (1 GiB by default): a cache or data that takes
//     time to rebuild when a spot node goes. One at or below it is scratch space, lost on every
//     rollout anyway, and does not count;
//   - a `hostPath`: the node's own files;
//   - a PersistentVolumeClaim bound to a node-local PersistentVolume (`spec.local` or `spec.hostPath`),
//     or of a storage class with the `kubernetes.io/no-provisioner` provisioner (local PVs not bound yet).
// The cluster autoscaler's annotations say the owner accepts losing them, and are honoured for
// emptyDir and hostPath: `cluster-autoscaler.kubernetes.io/safe-to-evict: "true"` (all of them) and
// `cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes: "a,b"` (the volumes named). A local
// PV always counts: its pod cannot start on another node at all. Pure.
import type { ClusterSnapshot, PodInfo } from '../model.ts';
import type { WorkloadFacts } from './spot.ts';
import { checkNumber, workloadId } from './types.ts';

export const SAFE_TO_EVICT = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
export const SAFE_TO_EVICT_LOCAL_VOLUMES = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';
/** The provisioner of storage classes for static local PersistentVolumes. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

export interface LocalStorageOptions {
  /** An on-disk emptyDir with a sizeLimit at most this is scratch space and does not count. */
  readonly scratchLimitBytes: number;
}

export const DEFAULT_LOCAL_STORAGE: LocalStorageOptions = Object.freeze({ scratchLimitBytes: GIB });

/** The objects the facts are read from; PVCs, PVs and classes absent: claims are not looked at. */
export type StorageView = Pick<ClusterSnapshot, 'pods'> & Partial<Pick<ClusterSnapshot, 'persistentVolumeClaims' | 'persistentVolumes' | 'storageClasses'>>;

/** One pod's volumes as spot advice judges them: `counted` keep data on the node, `ignored` do not (and why). */
export interface PodLocalStorage {
  readonly counted: readonly string[];
  readonly ignored: readonly string[];
}

export function formatBytes(bytes: number): string {
  const round = (v: number) => Math.round(v * 100) / 100;
  return bytes >= GIB ? `${round(bytes / GIB)} GiB` : `${round(bytes / MIB)} MiB`;
}

interface ClaimLookup {
  readonly claims: ReadonlyMap<string, { readonly volumeName: string; readonly storageClass: string }>;
  readonly volumes: ReadonlyMap<string, { readonly nodeLocal?: 'local' | 'hostPath'; readonly storageClass: string }>;
  readonly provisioners: ReadonlyMap<string, string>;
}

function lookupOf(view: StorageView): ClaimLookup {
  return {
    claims: new Map((view.persistentVolumeClaims ?? []).map((c) => [`${c.namespace}/${c.name}`, c])),
    volumes: new Map((view.persistentVolumes ?? []).map((v) => [v.name, v])),
    provisioners: new Map((view.storageClasses ?? []).map((s) => [s.name, s.provisioner])),
  };
}

function claimOnNode(pod: PodInfo, claimName: string, lookup: ClaimLookup): string | undefined {
  const claim = lookup.claims.get(`${pod.namespace}/${claimName}`);
  if (claim === undefined) return undefined;
  const volume = claim.volumeName === '' ? undefined : lookup.volumes.get(claim.volumeName);
  if (volume?.nodeLocal !== undefined) return `PVC "${claimName}" on ${volume.nodeLocal} PersistentVolume "${claim.volumeName}"`;
  const storageClass = volume?.storageClass || claim.storageClass;
  if (storageClass !== '' && lookup.provisioners.get(storageClass) === NO_PROVISIONER) return `PVC "${claimName}" of storage class "${storageClass}" (${NO_PROVISIONER})`;
  return undefined;
}

function judgePod(pod: PodInfo, lookup: ClaimLookup, o: LocalStorageOptions): PodLocalStorage {
  const counted: string[] = [];
  const ignored: string[] = [];
  const safeAll = pod.annotations[SAFE_TO_EVICT] === 'true';
  const safeNamed = new Set((pod.annotations[SAFE_TO_EVICT_LOCAL_VOLUMES] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  for (const v of pod.localVolumes ?? []) {
    const what = v.type === 'hostPath' ? `hostPath "${v.name}"` : `emptyDir "${v.name}" on disk`;
    if (safeAll) ignored.push(`${what}: pod annotated ${SAFE_TO_EVICT}`);
    else if (safeNamed.has(v.name)) ignored.push(`${what}: named in ${SAFE_TO_EVICT_LOCAL_VOLUMES}`);
    else if (v.type === 'hostPath') counted.push(what);
    else if (v.sizeLimitBytes === undefined) counted.push(`${what}, no sizeLimit`);
    else if (v.sizeLimitBytes > o.scratchLimitBytes) counted.push(`${what}, sizeLimit ${formatBytes(v.sizeLimitBytes)} > ${formatBytes(o.scratchLimitBytes)} scratch`);
    else ignored.push(`${what}, sizeLimit ${formatBytes(v.sizeLimitBytes)} ≤ ${formatBytes(o.scratchLimitBytes)} scratch`);
  }
  for (const claim of pod.claimNames) {
    const found = claimOnNode(pod, claim, lookup);
    if (found !== undefined) counted.push(found);
  }
  return { counted, ignored };
}

/** How one pod's volumes count (for tests and the docs' examples). */
export function podLocalStorage(pod: PodInfo, view: StorageView, options: Partial<LocalStorageOptions> = {}): PodLocalStorage {
  return judgePod(pod, lookupOf(view), { ...DEFAULT_LOCAL_STORAGE, ...options });
}

/**
 * Spot facts per workload id (spot.ts keys) from the running and pending pods: every workload with
 * a pod gets `localStorage` (true when any of its pods keeps data on its node), with the volumes
 * that count in `localVolumes` and those that do not in `scratchVolumes` (each listed once).
 */
export function localStorageFacts(view: StorageView, cluster: string, options: Partial<LocalStorageOptions> = {}): Map<string, WorkloadFacts> {
  const o = { ...DEFAULT_LOCAL_STORAGE, ...options };
  checkNumber('local storage options', 'scratchLimitBytes', o.scratchLimitBytes, 0, Number.MAX_SAFE_INTEGER);
  const lookup = lookupOf(view);
  const found = new Map<string, { counted: Set<string>; ignored: Set<string> }>();
  for (const pod of view.pods) {
    if (pod.workload === undefined || (pod.phase !== 'Running' && pod.phase !== 'Pending')) continue;
    const id = workloadId({ cluster, namespace: pod.namespace, kind: pod.workload.kind.toLowerCase(), name: pod.workload.name });
    let entry = found.get(id);
    if (entry === undefined) {
      entry = { counted: new Set(), ignored: new Set() };
      found.set(id, entry);
    }
    const judged = judgePod(pod, lookup, o);
    for (const c of judged.counted) entry.counted.add(c);
    for (const i of judged.ignored) entry.ignored.add(i);
  }
  const out = new Map<string, WorkloadFacts>();
  for (const [id, { counted, ignored }] of found) out.set(id, { localStorage: counted.size > 0, localVolumes: [...counted].sort(), scratchVolumes: [...ignored].sort() });
  return out;
}

/** Facts of several sources per workload, later ones adding to earlier ones. */
export function mergeFacts(...maps: readonly ReadonlyMap<string, WorkloadFacts>[]): Map<string, WorkloadFacts> {
  const out = new Map<string, WorkloadFacts>();
  for (const m of maps) for (const [id, f] of m) out.set(id, { ...out.get(id), ...f });
  return out;
}
