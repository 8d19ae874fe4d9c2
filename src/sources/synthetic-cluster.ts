// Synthetic clusters of any size for benchmarks: kubectl-shaped JSON with realistic variety
// (several us-east-1 instance types, ~20% spot, 50 namespaces, volumes for ~5% of pods, a load
// balancer per thousand pods). Objects carry the bulk real API objects have (status conditions,
// container statuses, tolerations) so that parse-time comparisons are honest.
import { mulberry32, suffix } from './random.ts';

type Json = Record<string, unknown>;

/** AWS shapes: vCPU and memory GiB as published. */
const TYPES = [
  { type: 'm5.xlarge', vcpus: 4, memGiB: 16 },
  { type: 'm5.2xlarge', vcpus: 8, memGiB: 32 },
  { type: 'm6i.2xlarge', vcpus: 8, memGiB: 32 },
  { type: 'c6i.2xlarge', vcpus: 8, memGiB: 16 },
  { type: 'r6i.2xlarge', vcpus: 8, memGiB: 64 },
  { type: 'm6i.4xlarge', vcpus: 16, memGiB: 64 },
] as const;

const CPU_REQUESTS = ['50m', '100m', '250m', '500m', '1', '1500m', '2'];
const MEM_REQUESTS = ['64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '2Gi', '4Gi'];

export interface SyntheticOptions {
  readonly nodes: number;
  readonly pods: number;
  readonly seed?: number;
  readonly namespaces?: number;
}

export function generateSyntheticList(options: SyntheticOptions): Json {
  const { nodes: nodeCount, pods: podCount, seed = 1, namespaces = 50 } = options;
  const random = mulberry32(seed);
  const items: Json[] = [];
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const nodeNames: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const t = TYPES[i % TYPES.length]!;
    const spot = i % 5 === 0;
    const zone = zones[i % 3]!;
    const name = `ip-10-${(i >> 16) & 255}-${(i >> 8) & 255}-${i & 255}.ec2.internal`;
    nodeNames.push(name);
    items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        uid: `node-${seed}-${i}`,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': t.type,
          'topology.kubernetes.io/region': 'us-east-1',
          'topology.kubernetes.io/zone': zone,
          'eks.amazonaws.com/nodegroup': spot ? 'spot' : 'general',
          'eks.amazonaws.com/capacityType': spot ? 'SPOT' : 'ON_DEMAND',
        },
        creationTimestamp: '2026-10-01T00:00:00Z',
      },
      spec: { providerID: `aws:///${zone}/i-0${(seed * 1_000_003 + i).toString(16).padStart(16, '0')}` },
      status: {
        capacity: { cpu: String(t.vcpus), memory: `${t.memGiB * 1024 * 1024 - 524288}Ki`, pods: '110' },
        allocatable: { cpu: `${t.vcpus * 1000 - 90}m`, memory: `${t.memGiB * 1024 * 1024 - 2621440}Ki`, pods: '110' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady' },
        ],
        nodeInfo: { kubeletVersion: 'v1.31.2-eks-94953ac', containerRuntimeVersion: 'containerd://1.7.22' },
      },
    });
  }
  for (let n = 0; n < namespaces; n++) {
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}`, uid: `ns-${seed}-${n}`, labels: { team: `team-${n % 10}` } }, status: { phase: 'Active' } });
  }
  for (let i = 0; i < podCount; i++) {
    const ns = `team-${i % namespaces}`;
    const app = `app-${i % 400}`;
    const hash = `${(i % 400).toString(36)}f7c9d`;
    const name = `${app}-${hash}-${suffix(random)}`;
    const node = nodeNames[i % nodeCount]!;
    const containers: Json[] = [
      {
        name: app,
        image: `registry.example.com/${ns}/${app}:1.0.${i % 50}`,
        resources: { requests: { cpu: CPU_REQUESTS[i % CPU_REQUESTS.length]!, memory: MEM_REQUESTS[(i >> 3) % MEM_REQUESTS.length]! }, limits: { memory: MEM_REQUESTS[((i >> 3) % MEM_REQUESTS.length) + 0]! } },
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
      },
    ];
    if (i % 4 === 0) containers.push({ name: 'envoy', image: 'envoyproxy/envoy:v1.32.1', resources: { requests: { cpu: '100m', memory: '128Mi' } } });
    const volumes: Json[] = [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
    if (i % 20 === 0) {
      const claim = `data-${name}`;
      const pv = `pvc-${seed}-${i}`;
      volumes.push({ name: 'data', persistentVolumeClaim: { claimName: claim } });
      items.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: ns, uid: `pvc-uid-${seed}-${i}` }, spec: { volumeName: pv, storageClassName: 'gp3', resources: { requests: { storage: '50Gi' } } }, status: { phase: 'Bound' } });
      items.push({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pv, uid: `pv-uid-${seed}-${i}` }, spec: { capacity: { storage: '50Gi' }, storageClassName: 'gp3', claimRef: { namespace: ns, name: claim }, csi: { driver: 'ebs.csi.aws.com', volumeHandle: `vol-${i}` } }, status: { phase: 'Bound' } });
    }
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        uid: `pod-${seed}-${i}`,
        labels: { app, 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: `rs-${i % 400}`, controller: true, blockOwnerDeletion: true }],
        creationTimestamp: '2026-11-20T00:00:00Z',
      },
      spec: { nodeName: node, containers, volumes, restartPolicy: 'Always', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
      status: {
        phase: 'Running',
        startTime: '2026-11-20T00:00:05Z',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
          { type: 'ContainersReady', status: 'True' },
          { type: 'PodScheduled', status: 'True' },
        ],
        containerStatuses: containers.map((c) => ({ name: c['name'], ready: true, restartCount: 0, image: c['image'], started: true, state: { running: { startedAt: '2026-11-20T00:00:07Z' } } })),
        qosClass: 'Burstable',
      },
    });
  }
  for (let i = 0; i < Math.max(1, Math.floor(podCount / 1000)); i++) {
    const ns = `team-${i % namespaces}`;
    items.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `edge-${i}`, namespace: ns, uid: `svc-${seed}-${i}` }, spec: { type: 'LoadBalancer', selector: { app: `app-${i % 400}` } }, status: { loadBalancer: { ingress: [{ hostname: `edge-${i}.elb.amazonaws.com` }] } } });
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** Usage for every pod of a synthetic list, as the metrics API reports it. */
export function generateSyntheticMetrics(list: Json, options: { seed?: number } = {}): Json {
  const random = mulberry32(options.seed ?? 1);
  const items: Json[] = [];
  for (const item of list['items'] as Json[]) {
    if (item['kind'] !== 'Pod') continue;
    const meta = item['metadata'] as Json;
    const containers = ((item['spec'] as Json)['containers'] as Json[]).map((c) => ({
      name: c['name'],
      usage: { cpu: `${Math.floor(random() * 800_000_000)}n`, memory: `${Math.floor(50_000 + random() * 900_000)}Ki` },
    }));
    items.push({ metadata: { name: meta['name'], namespace: meta['namespace'] }, timestamp: '2026-11-23T12:00:00Z', window: '15s', containers });
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}
