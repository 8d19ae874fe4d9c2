// The cluster model: what every source (snapshot files, the demo cluster, the live API) turns
// Kubernetes objects into, and what the cost model reads. Only the fields the model needs.
// Units are in the names; CPU in millicores and memory in bytes are exact integers.
import type { PodEgress } from './network-cost.ts';

export type CloudProvider = 'aws' | 'gcp' | 'azure' | 'custom';
export type CapacityType = 'on-demand' | 'spot' | 'reserved';
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export type Labels = Readonly<Record<string, string>>;

export interface ResourceAmounts {
  readonly cpuMillicores: number;
  readonly ramBytes: number;
  readonly gpus: number;
}

export const ZERO_RESOURCES: ResourceAmounts = Object.freeze({ cpuMillicores: 0, ramBytes: 0, gpus: 0 });

export interface NodeInfo {
  readonly name: string;
  readonly uid: string;
  readonly labels: Labels;
  /** `spec.providerID`, e.g. `aws:///us-east-1a/i-0abc`. */
  readonly providerId?: string;
  readonly capacity: ResourceAmounts;
  readonly allocatable: ResourceAmounts;
  /** Milliseconds since the epoch (`metadata.creationTimestamp`). */
  readonly createdAtMs?: number;
}

export interface ContainerInfo {
  readonly name: string;
  readonly requests: ResourceAmounts;
  readonly limits: ResourceAmounts;
}

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

export interface PodInfo {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** Empty string when the pod is not scheduled. */
  readonly nodeName: string;
  readonly phase: PodPhase;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** The controlling owner as found on the pod (e.g. ReplicaSet). */
  readonly owner?: OwnerRef;
  /** The top-level workload (e.g. Deployment) when the owner chain is known. */
  readonly workload?: OwnerRef;
  readonly containers: readonly ContainerInfo[];
  /** Regular init containers (run to completion before the app containers). */
  readonly initContainers: readonly ContainerInfo[];
  /** Init containers with `restartPolicy: Always` (native sidecars), which keep running. */
  readonly sidecarContainers: readonly ContainerInfo[];
  readonly overhead: ResourceAmounts;
  /** Names of PersistentVolumeClaims the pod mounts (in its own namespace). */
  readonly claimNames: readonly string[];
  /** Its volumes kept on the node's disk (emptyDir not in memory, hostPath); absent: none. */
  readonly localVolumes?: readonly PodLocalVolume[];
  readonly createdAtMs?: number;
  readonly startedAtMs?: number;
}

/**
 * A pod volume whose content lives on its node's disk, lost with the node (spot advice,
 * core/advice/local-storage.ts): an `emptyDir` whose medium is not `Memory`, or a `hostPath`.
 */
export interface PodLocalVolume {
  readonly name: string;
  readonly type: 'emptyDir' | 'hostPath';
  /** emptyDir `sizeLimit` in bytes; absent: no limit (or a hostPath). */
  readonly sizeLimitBytes?: number;
}

export interface PersistentVolumeInfo {
  readonly name: string;
  readonly storageClass: string;
  readonly capacityBytes: number;
  readonly claim?: { readonly namespace: string; readonly name: string };
  /** CSI driver or in-tree plugin, e.g. `ebs.csi.aws.com`, for pricing when the class is unknown. */
  readonly driver?: string;
  readonly labels: Labels;
  /** A volume on one node's disk: `spec.local` (local PVs) or `spec.hostPath`; absent: neither. */
  readonly nodeLocal?: 'local' | 'hostPath';
}

export interface PersistentVolumeClaimInfo {
  readonly namespace: string;
  readonly name: string;
  readonly volumeName: string;
  readonly storageClass: string;
  readonly requestBytes: number;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  readonly selector: Labels;
  /** Number of ingress points the cloud assigned (IPs or hostnames). */
  readonly ingressCount: number;
}

export interface StorageClassInfo {
  readonly name: string;
  readonly provisioner: string;
  /** `parameters.type` (AWS EBS `gp3`, GCE PD `pd-ssd`) or `parameters.skuName` (Azure `Premium_LRS`). */
  readonly volumeType: string | undefined;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** Measured usage of one container, averaged over the measurement window. */
export interface ContainerUsage {
  readonly cpuMillicores: number;
  readonly ramBytes: number;
}

/** Usage keyed by `namespace/pod`, then container name. */
export type UsageByPod = ReadonlyMap<string, ReadonlyMap<string, ContainerUsage>>;

/** Measured usage of a whole node (NodeMetrics: pods, system daemons and the kernel together). */
export interface NodeUsage {
  readonly cpuMillicores: number;
  readonly ramBytes: number;
}

export interface ClusterSnapshot {
  readonly nodes: readonly NodeInfo[];
  readonly pods: readonly PodInfo[];
  readonly persistentVolumes: readonly PersistentVolumeInfo[];
  readonly persistentVolumeClaims: readonly PersistentVolumeClaimInfo[];
  readonly services: readonly ServiceInfo[];
  readonly namespaces: readonly NamespaceInfo[];
  /** Often absent from snapshots (`kubectl get sc` is not in the usual list); optional for pricing. */
  readonly storageClasses: readonly StorageClassInfo[];
  /** Absent when no usage source is available: allocation then uses requests. */
  readonly usage?: UsageByPod;
  /**
   * Egress by destination per pod (`namespace/name`), measured by node agents over their last
   * interval; absent when no agent measures it. Network cost is charged only for these pods.
   */
  readonly egress?: ReadonlyMap<string, PodEgress>;
  /** Node-level usage keyed by node name (metrics API NodeMetrics); absent when not measured. */
  readonly nodeUsage?: ReadonlyMap<string, NodeUsage>;
}

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
