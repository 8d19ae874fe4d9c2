// What a node is, read from its well-known labels and providerID: provider, instance type,
// region, zone, capacity type and pool. Pure functions of the node object.
import type { CapacityType, CloudProvider, NodeInfo } from './model.ts';

export interface NodeIdentity {
  readonly provider: CloudProvider | undefined;
  readonly instanceType: string | undefined;
  readonly region: string | undefined;
  readonly zone: string | undefined;
  readonly capacityType: CapacityType;
  /** The node group / pool name, or `''` when none is labelled. */
  readonly pool: string;
}

const INSTANCE_TYPE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'];
const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const POOL_LABELS = [
  'eks.amazonaws.com/nodegroup',
  'karpenter.sh/nodepool',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'node-pool',
  'nodepool',
];

/** Labels that mark a node as spot / preemptible, with the value that means spot. */
export const SPOT_LABELS: readonly (readonly [string, string])[] = [
  ['eks.amazonaws.com/capacityType', 'SPOT'],
  ['karpenter.sh/capacity-type', 'spot'],
  ['cloud.google.com/gke-spot', 'true'],
  ['cloud.google.com/gke-preemptible', 'true'],
  ['kubernetes.azure.com/scalesetpriority', 'spot'],
  ['lifecycle', 'Ec2Spot'],
];

function firstLabel(labels: NodeInfo['labels'], keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = labels[key];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Provider from `spec.providerID` (`aws://`, `gce://`, `azure://`), then from provider-specific labels. */
export function detectProvider(node: NodeInfo): CloudProvider | undefined {
  const id = node.providerId ?? '';
  if (id.startsWith('aws://')) return 'aws';
  if (id.startsWith('gce://')) return 'gcp';
  if (id.startsWith('azure://')) return 'azure';
  const keys = Object.keys(node.labels);
  if (keys.some((k) => k.startsWith('eks.amazonaws.com/') || k.startsWith('k8s.io/cloud-provider-aws'))) return 'aws';
  if (keys.some((k) => k.startsWith('cloud.google.com/'))) return 'gcp';
  if (keys.some((k) => k.startsWith('kubernetes.azure.com/'))) return 'azure';
  return undefined;
}

/** Zone from the AWS providerID (`aws:///us-east-1a/i-0abc`) when no zone label is present. */
function zoneFromProviderId(providerId: string | undefined): string | undefined {
  if (!providerId?.startsWith('aws://')) return undefined;
  const zone = providerId.slice('aws://'.length).split('/').filter(Boolean)[0];
  return zone && /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) ? zone : undefined;
}

export function detectCapacityType(labels: NodeInfo['labels']): CapacityType {
  for (const [key, spotValue] of SPOT_LABELS) {
    const value = labels[key];
    if (value !== undefined && value.toLowerCase() === spotValue.toLowerCase()) return 'spot';
  }
  const karpenter = labels['karpenter.sh/capacity-type'];
  if (karpenter === 'reserved') return 'reserved';
  return 'on-demand';
}

export function identifyNode(node: NodeInfo): NodeIdentity {
  const zone = firstLabel(node.labels, ZONE_LABELS) ?? zoneFromProviderId(node.providerId);
  let region = firstLabel(node.labels, REGION_LABELS);
  // AWS zones are the region plus one letter (us-east-1a); only derive it there.
  if (region === undefined && zone !== undefined && node.providerId?.startsWith('aws://')) region = zone.slice(0, -1);
  return {
    provider: detectProvider(node),
    instanceType: firstLabel(node.labels, INSTANCE_TYPE_LABELS),
    region,
    zone,
    capacityType: detectCapacityType(node.labels),
    pool: firstLabel(node.labels, POOL_LABELS) ?? '',
  };
}
