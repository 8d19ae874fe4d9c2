// The built-in demo cluster: a simulated EKS cluster in us-east-1 that feels real — node pools
// (on-demand, spot, memory-optimised, one GPU node), a dozen team namespaces with budgets,
// Deployments/StatefulSets/DaemonSets/CronJobs, volumes of several classes, a load balancer, and
// usage that follows the day. Everything is a pure function of (seed, time): same seed and time,
// same cluster. The objects are Kubernetes JSON, read through the same conversion as snapshots.
import type { ContainerUsage } from '../core/model.ts';
import { podKey } from '../core/model.ts';
import { SnapshotBuilder } from './kube-json.ts';
import type { Random } from './random.ts';
import { mulberry32, suffix, unit, uuid } from './random.ts';
import type { ClusterSource, SourceReading } from './source.ts';

type Json = Record<string, unknown>;

interface PoolSpec {
  readonly pool: string;
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly count: number;
  readonly spot: boolean;
}

/** Instance shapes are AWS's published ones (vCPU, memory, GPUs). */
const POOLS: readonly PoolSpec[] = [
  { pool: 'general', instanceType: 'm6i.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 0, count: 4, spot: false },
  { pool: 'compute-spot', instanceType: 'c6i.2xlarge', vcpus: 8, memoryGiB: 16, gpus: 0, count: 3, spot: true },
  { pool: 'memory', instanceType: 'r6i.xlarge', vcpus: 4, memoryGiB: 32, gpus: 0, count: 2, spot: false },
  { pool: 'burst-spot', instanceType: 'm5.xlarge', vcpus: 4, memoryGiB: 16, gpus: 0, count: 2, spot: true },
  { pool: 'gpu', instanceType: 'g4dn.xlarge', vcpus: 4, memoryGiB: 16, gpus: 1, count: 1, spot: false },
];

interface NamespaceSpec {
  readonly name: string;
  readonly team: string;
  readonly costCenter: string;
  readonly budget?: number;
}

const NAMESPACES: readonly NamespaceSpec[] = [
  { name: 'kube-system', team: 'platform', costCenter: 'infrastructure' },
  { name: 'monitoring', team: 'platform', costCenter: 'infrastructure', budget: 900 },
  { name: 'logging', team: 'platform', costCenter: 'infrastructure' },
  { name: 'ingress-nginx', team: 'platform', costCenter: 'infrastructure' },
  { name: 'checkout', team: 'storefront', costCenter: 'engineering', budget: 700 },
  { name: 'payments', team: 'payments', costCenter: 'finance', budget: 900 },
  { name: 'search', team: 'discovery', costCenter: 'engineering', budget: 1200 },
  { name: 'catalog', team: 'storefront', costCenter: 'engineering' },
  { name: 'ml-training', team: 'ml', costCenter: 'research', budget: 600 },
  { name: 'data-pipeline', team: 'data', costCenter: 'analytics', budget: 700 },
  { name: 'analytics', team: 'data', costCenter: 'analytics' },
  { name: 'staging', team: 'storefront', costCenter: 'engineering', budget: 150 },
];

type Kind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

interface WorkloadSpec {
  readonly namespace: string;
  readonly kind: Kind;
  readonly name: string;
  readonly replicas: number;
  /** CPU millicores and memory MiB requested per pod (0 = no request). */
  readonly cpuM: number;
  readonly memMi: number;
  readonly gpus?: number;
  /** Usage at the daily peak as a share of the request (CPU) and typical memory share. */
  readonly cpuPeak: number;
  readonly memShare: number;
  readonly pools: readonly string[];
  readonly volume?: { readonly sizeGi: number; readonly storageClass: string };
  readonly initCpuM?: number;
  readonly sidecar?: boolean;
}

const ON_DEMAND = ['general'];
const SPOT = ['compute-spot', 'burst-spot'];

const WORKLOADS: readonly WorkloadSpec[] = [
  { namespace: 'kube-system', kind: 'DaemonSet', name: 'aws-node', replicas: 0, cpuM: 25, memMi: 64, cpuPeak: 0.6, memShare: 0.9, pools: [] },
  { namespace: 'kube-system', kind: 'DaemonSet', name: 'kube-proxy', replicas: 0, cpuM: 100, memMi: 64, cpuPeak: 0.15, memShare: 0.5, pools: [] },
  { namespace: 'kube-system', kind: 'Deployment', name: 'coredns', replicas: 2, cpuM: 100, memMi: 70, cpuPeak: 0.3, memShare: 0.6, pools: ON_DEMAND },
  { namespace: 'kube-system', kind: 'Deployment', name: 'ebs-csi-controller', replicas: 2, cpuM: 10, memMi: 40, cpuPeak: 0.5, memShare: 0.8, pools: ON_DEMAND },
  { namespace: 'monitoring', kind: 'DaemonSet', name: 'node-exporter', replicas: 0, cpuM: 50, memMi: 64, cpuPeak: 0.3, memShare: 0.4, pools: [] },
  { namespace: 'monitoring', kind: 'StatefulSet', name: 'prometheus', replicas: 1, cpuM: 1000, memMi: 4096, cpuPeak: 0.6, memShare: 0.85, pools: ['memory'], volume: { sizeGi: 200, storageClass: 'gp3' } },
  { namespace: 'monitoring', kind: 'Deployment', name: 'grafana', replicas: 1, cpuM: 100, memMi: 256, cpuPeak: 0.4, memShare: 0.7, pools: ON_DEMAND },
  { namespace: 'monitoring', kind: 'Deployment', name: 'kube-state-metrics', replicas: 1, cpuM: 100, memMi: 256, cpuPeak: 0.2, memShare: 0.5, pools: ON_DEMAND },
  { namespace: 'logging', kind: 'DaemonSet', name: 'fluent-bit', replicas: 0, cpuM: 50, memMi: 100, cpuPeak: 0.8, memShare: 0.7, pools: [] },
  { namespace: 'logging', kind: 'StatefulSet', name: 'loki', replicas: 1, cpuM: 500, memMi: 2048, cpuPeak: 0.5, memShare: 0.75, pools: ['memory'], volume: { sizeGi: 100, storageClass: 'gp3' } },
  { namespace: 'ingress-nginx', kind: 'Deployment', name: 'ingress-nginx-controller', replicas: 2, cpuM: 200, memMi: 256, cpuPeak: 0.7, memShare: 0.6, pools: ON_DEMAND },
  { namespace: 'checkout', kind: 'Deployment', name: 'checkout-api', replicas: 4, cpuM: 500, memMi: 1024, cpuPeak: 0.55, memShare: 0.6, pools: ON_DEMAND, sidecar: true },
  { namespace: 'checkout', kind: 'Deployment', name: 'checkout-worker', replicas: 2, cpuM: 250, memMi: 512, cpuPeak: 0.7, memShare: 0.7, pools: SPOT },
  { namespace: 'checkout', kind: 'StatefulSet', name: 'redis', replicas: 1, cpuM: 250, memMi: 1024, cpuPeak: 0.3, memShare: 0.55, pools: ON_DEMAND, volume: { sizeGi: 20, storageClass: 'gp3' } },
  { namespace: 'payments', kind: 'Deployment', name: 'payments-api', replicas: 3, cpuM: 1000, memMi: 2048, cpuPeak: 0.2, memShare: 0.35, pools: ON_DEMAND, sidecar: true },
  { namespace: 'payments', kind: 'Deployment', name: 'fraud-detector', replicas: 2, cpuM: 1500, memMi: 3072, cpuPeak: 0.9, memShare: 0.85, pools: ON_DEMAND },
  { namespace: 'payments', kind: 'StatefulSet', name: 'postgres', replicas: 1, cpuM: 2000, memMi: 8192, cpuPeak: 0.4, memShare: 0.8, pools: ['memory'], volume: { sizeGi: 500, storageClass: 'io2' }, initCpuM: 500 },
  { namespace: 'search', kind: 'Deployment', name: 'search-api', replicas: 3, cpuM: 500, memMi: 1024, cpuPeak: 0.6, memShare: 0.5, pools: ON_DEMAND },
  { namespace: 'search', kind: 'StatefulSet', name: 'elasticsearch', replicas: 3, cpuM: 1000, memMi: 6144, cpuPeak: 0.5, memShare: 0.9, pools: ['general', 'memory'], volume: { sizeGi: 200, storageClass: 'gp3' }, initCpuM: 100 },
  { namespace: 'catalog', kind: 'Deployment', name: 'catalog-api', replicas: 2, cpuM: 250, memMi: 512, cpuPeak: 1.6, memShare: 0.8, pools: SPOT },
  { namespace: 'catalog', kind: 'Deployment', name: 'image-resizer', replicas: 2, cpuM: 500, memMi: 512, cpuPeak: 0.75, memShare: 0.6, pools: SPOT },
  { namespace: 'ml-training', kind: 'Deployment', name: 'jupyter', replicas: 1, cpuM: 500, memMi: 2048, cpuPeak: 0.3, memShare: 0.4, pools: ON_DEMAND },
  { namespace: 'ml-training', kind: 'StatefulSet', name: 'trainer', replicas: 1, cpuM: 3000, memMi: 12288, gpus: 1, cpuPeak: 0.85, memShare: 0.8, pools: ['gpu'], volume: { sizeGi: 500, storageClass: 'gp3' } },
  { namespace: 'data-pipeline', kind: 'Deployment', name: 'spark-executor', replicas: 4, cpuM: 1000, memMi: 3072, cpuPeak: 0.8, memShare: 0.75, pools: SPOT },
  { namespace: 'data-pipeline', kind: 'StatefulSet', name: 'kafka', replicas: 3, cpuM: 500, memMi: 2048, cpuPeak: 0.45, memShare: 0.7, pools: ON_DEMAND, volume: { sizeGi: 500, storageClass: 'st1' } },
  { namespace: 'analytics', kind: 'Deployment', name: 'metabase', replicas: 1, cpuM: 500, memMi: 2048, cpuPeak: 0.25, memShare: 0.6, pools: ON_DEMAND },
  { namespace: 'staging', kind: 'Deployment', name: 'checkout-api', replicas: 1, cpuM: 250, memMi: 512, cpuPeak: 0.2, memShare: 0.4, pools: ON_DEMAND },
  { namespace: 'staging', kind: 'Deployment', name: 'payments-api', replicas: 1, cpuM: 250, memMi: 512, cpuPeak: 0.15, memShare: 0.4, pools: ON_DEMAND },
  { namespace: 'staging', kind: 'Deployment', name: 'debug-shell', replicas: 1, cpuM: 0, memMi: 0, cpuPeak: 0.05, memShare: 0, pools: ON_DEMAND },
];

/** CronJobs: the pod runs for `minutes` from `startMinute` of every `everyMinutes`. */
const CRONJOBS = [
  { namespace: 'analytics', name: 'hourly-report', everyMinutes: 60, startMinute: 0, minutes: 20, cpuM: 500, memMi: 1024, cpuPeak: 0.9, memShare: 0.7, pools: SPOT },
  { namespace: 'data-pipeline', name: 'nightly-etl', everyMinutes: 1440, startMinute: 60, minutes: 150, cpuM: 2000, memMi: 4096, cpuPeak: 0.95, memShare: 0.8, pools: ON_DEMAND },
] as const;

const DAY_MS = 86_400_000;
const CREATED = '2026-09-01T08:00:00Z';

/** 0 at 04:00 UTC, 1 at 16:00 UTC. */
export function diurnal(nowMs: number): number {
  const hour = ((nowMs % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000;
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
}

interface PlannedNode {
  readonly name: string;
  readonly pool: PoolSpec;
  readonly zone: string;
  readonly json: Json;
  freeCpuM: number;
  freeMemMi: number;
}

interface PlannedPod {
  readonly json: Json;
  readonly key: string;
  readonly containers: readonly { name: string; cpuM: number; memMi: number }[];
  readonly cpuPeak: number;
  readonly memShare: number;
}

export interface DemoCluster {
  /** All objects at `nowMs` as `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json` would print them. */
  kubeList(nowMs: number): Json;
  /** Pod usage at `nowMs` as `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` would print it. */
  podMetrics(nowMs: number): Json;
}

function resources(cpuM: number, memMi: number, gpus = 0): Json {
  const requests: Json = {};
  if (cpuM > 0) requests['cpu'] = `${cpuM}m`;
  if (memMi > 0) requests['memory'] = `${memMi}Mi`;
  if (gpus > 0) requests['nvidia.com/gpu'] = String(gpus);
  const limits: Json = {};
  if (memMi > 0) limits['memory'] = `${memMi * 2}Mi`;
  if (gpus > 0) limits['nvidia.com/gpu'] = String(gpus);
  return cpuM === 0 && memMi === 0 && gpus === 0 ? {} : { requests, limits };
}

export function createDemoCluster(seed = 42): DemoCluster {
  const random: Random = mulberry32(seed);
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

  const nodes: PlannedNode[] = [];
  let nodeIndex = 0;
  for (const pool of POOLS) {
    for (let i = 0; i < pool.count; i++) {
      const zone = zones[nodeIndex % zones.length]!;
      nodeIndex += 1;
      const ip = `10.0.${16 * (nodeIndex % 3) + Math.floor(random() * 16)}.${Math.floor(random() * 250) + 2}`;
      const name = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
      const capacityMemKi = Math.round(pool.memoryGiB * 1024 * 1024 * 0.966);
      const reservedCpuM = pool.vcpus >= 8 ? 90 : 80;
      const reservedMemMi = pool.vcpus >= 8 ? 1843 : 1434;
      const labels: Record<string, string> = {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': pool.instanceType,
        'topology.kubernetes.io/region': 'us-east-1',
        'topology.kubernetes.io/zone': zone,
        'eks.amazonaws.com/nodegroup': pool.pool,
        'eks.amazonaws.com/capacityType': pool.spot ? 'SPOT' : 'ON_DEMAND',
      };
      if (pool.spot) labels['karpenter.sh/capacity-type'] = 'spot';
      if (pool.gpus > 0) labels['nvidia.com/gpu.present'] = 'true';
      const capacity: Json = { cpu: String(pool.vcpus), memory: `${capacityMemKi}Ki`, pods: pool.vcpus >= 8 ? '58' : '29', 'ephemeral-storage': '83873772Ki' };
      const allocatable: Json = { cpu: `${pool.vcpus * 1000 - reservedCpuM}m`, memory: `${capacityMemKi - reservedMemMi * 1024}Ki`, pods: capacity['pods'], 'ephemeral-storage': '76224326324' };
      if (pool.gpus > 0) {
        capacity['nvidia.com/gpu'] = String(pool.gpus);
        allocatable['nvidia.com/gpu'] = String(pool.gpus);
      }
      const json: Json = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, uid: uuid(random), labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' }, creationTimestamp: CREATED },
        spec: { providerID: `aws:///${zone}/i-0${Math.floor(random() * 0xffffffffff).toString(16).padStart(10, '0')}${suffix(random, 6).replace(/[^0-9a-f]/g, 'a')}` },
        status: {
          capacity,
          allocatable,
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
          nodeInfo: { kubeletVersion: 'v1.31.2-eks-94953ac', containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Amazon Linux 2023.6.20241111', architecture: 'amd64' },
          addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
        },
      };
      nodes.push({ name, pool, zone, json, freeCpuM: pool.vcpus * 1000 - reservedCpuM, freeMemMi: Math.floor(capacityMemKi / 1024) - reservedMemMi });
    }
  }

  const pods: PlannedPod[] = [];
  const volumes: Json[] = [];
  const claims: Json[] = [];
  const place = (w: { cpuM: number; memMi: number; pools: readonly string[] }, spread: number): PlannedNode => {
    const candidates = nodes.filter((n) => w.pools.includes(n.pool.pool));
    // Spread replicas: start at a different node per replica, first fit from there.
    for (let i = 0; i < candidates.length; i++) {
      const n = candidates[(spread + i) % candidates.length]!;
      if (n.freeCpuM >= w.cpuM && n.freeMemMi >= w.memMi) return n;
    }
    throw new Error(`demo cluster: no room for ${w.cpuM}m/${w.memMi}Mi in pools ${w.pools.join(',')}: ${candidates.map((n) => `${n.name} ${n.freeCpuM}m/${n.freeMemMi}Mi`).join('; ')}`);
  };

  const podJson = (o: { namespace: string; name: string; node: PlannedNode; owner: { kind: string; name: string }; labels: Record<string, string>; containers: Json[]; initContainers?: Json[]; volumes?: Json[]; phase?: string; startTime?: string }): Json => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      uid: uuid(random),
      labels: o.labels,
      ownerReferences: [{ apiVersion: o.owner.kind === 'ReplicaSet' || o.owner.kind === 'StatefulSet' || o.owner.kind === 'DaemonSet' ? 'apps/v1' : 'batch/v1', kind: o.owner.kind, name: o.owner.name, uid: uuid(random), controller: true, blockOwnerDeletion: true }],
      creationTimestamp: o.startTime ?? CREATED,
    },
    spec: {
      nodeName: o.node.name,
      containers: o.containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.volumes ? { volumes: o.volumes } : {}),
      restartPolicy: o.owner.kind === 'Job' ? 'OnFailure' : 'Always',
      serviceAccountName: 'default',
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    },
    status: {
      phase: o.phase ?? 'Running',
      hostIP: ((o.node.json['status'] as Json)['addresses'] as Json[])[0]!['address'],
      podIP: `10.0.${Math.floor(random() * 64)}.${Math.floor(random() * 250) + 2}`,
      startTime: o.startTime ?? CREATED,
      qosClass: 'Burstable',
      conditions: [{ type: 'Ready', status: o.phase === 'Succeeded' ? 'False' : 'True' }],
    },
  });

  for (const w of WORKLOADS) {
    const targets = w.kind === 'DaemonSet' ? nodes : [];
    const replicas = w.kind === 'DaemonSet' ? nodes.length : w.replicas;
    const hash = w.kind === 'Deployment' ? `${Math.floor(random() * 0xfffffff).toString(36)}`.slice(0, 9).padEnd(9, 'b').replace(/[^a-z0-9]/g, 'c') : '';
    for (let r = 0; r < replicas; r++) {
      const node = w.kind === 'DaemonSet' ? targets[r]! : place(w, r + pods.length);
      node.freeCpuM -= w.cpuM + (w.sidecar ? 100 : 0);
      node.freeMemMi -= w.memMi + (w.sidecar ? 128 : 0);
      const name = w.kind === 'StatefulSet' ? `${w.name}-${r}` : w.kind === 'Deployment' ? `${w.name}-${hash}-${suffix(random)}` : `${w.name}-${suffix(random)}`;
      const owner = w.kind === 'Deployment' ? { kind: 'ReplicaSet', name: `${w.name}-${hash}` } : { kind: w.kind, name: w.name };
      const labels: Record<string, string> = { 'app.kubernetes.io/name': w.name, app: w.name };
      if (hash) labels['pod-template-hash'] = hash;
      if (w.kind === 'StatefulSet') labels['statefulset.kubernetes.io/pod-name'] = name;
      const containers: { name: string; cpuM: number; memMi: number }[] = [{ name: w.name, cpuM: w.cpuM, memMi: w.memMi }];
      const containerJson: Json[] = [{ name: w.name, image: `registry.example.com/${w.namespace}/${w.name}:1.${Math.floor(random() * 20)}.0`, resources: resources(w.cpuM, w.memMi, w.gpus ?? 0) }];
      const initContainers: Json[] = [];
      if (w.sidecar) {
        containers.push({ name: 'envoy', cpuM: 100, memMi: 128 });
        initContainers.push({ name: 'envoy', image: 'envoyproxy/envoy:v1.32.1', restartPolicy: 'Always', resources: resources(100, 128) });
      }
      if (w.initCpuM) initContainers.push({ name: 'init-permissions', image: 'busybox:1.37', resources: resources(w.initCpuM, 64) });
      const podVolumes: Json[] = [];
      if (w.volume) {
        const claim = `data-${name}`;
        const pvName = `pvc-${uuid(random)}`;
        podVolumes.push({ name: 'data', persistentVolumeClaim: { claimName: claim } });
        claims.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, namespace: w.namespace, uid: uuid(random), creationTimestamp: CREATED },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${w.volume.sizeGi}Gi` } }, storageClassName: w.volume.storageClass, volumeName: pvName, volumeMode: 'Filesystem' },
          status: { phase: 'Bound', capacity: { storage: `${w.volume.sizeGi}Gi` } },
        });
        volumes.push({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: pvName, uid: uuid(random), labels: { 'topology.kubernetes.io/zone': node.zone }, creationTimestamp: CREATED },
          spec: {
            capacity: { storage: `${w.volume.sizeGi}Gi` },
            accessModes: ['ReadWriteOnce'],
            claimRef: { kind: 'PersistentVolumeClaim', namespace: w.namespace, name: claim },
            csi: { driver: 'ebs.csi.aws.com', volumeHandle: `vol-0${suffix(random, 16)}`, fsType: 'ext4' },
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: w.volume.storageClass,
          },
          status: { phase: 'Bound' },
        });
      }
      const json = podJson({ namespace: w.namespace, name, node, owner, labels, containers: containerJson, ...(initContainers.length ? { initContainers } : {}), ...(podVolumes.length ? { volumes: podVolumes } : {}) });
      pods.push({ json, key: podKey(w.namespace, name), containers, cpuPeak: w.cpuPeak, memShare: w.memShare });
    }
  }

  // A released volume nobody claims any more: it still costs money (→ __unmounted__).
  volumes.push({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${uuid(random)}`, uid: uuid(random), labels: {}, creationTimestamp: CREATED },
    spec: { capacity: { storage: '50Gi' }, accessModes: ['ReadWriteOnce'], csi: { driver: 'ebs.csi.aws.com', volumeHandle: `vol-0${suffix(random, 16)}` }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'gp2' },
    status: { phase: 'Released' },
  });

  const cronNodes = CRONJOBS.map((c, i) => place(c, i));
  const staticObjects: Json[] = [
    ...NAMESPACES.map((ns) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns.name,
        uid: uuid(random),
        labels: { 'kubernetes.io/metadata.name': ns.name, team: ns.team, 'cost-center': ns.costCenter, ...(ns.budget ? { budget: String(ns.budget) } : {}) },
        creationTimestamp: CREATED,
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    })),
    ...['gp3', 'gp2', 'io2', 'st1'].map((type) => ({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: type, uid: uuid(random), creationTimestamp: CREATED },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type, ...(type === 'io2' ? { iopsPerGB: '10' } : {}) },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    })),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx', uid: uuid(random), annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
      spec: { type: 'LoadBalancer', selector: { app: 'ingress-nginx-controller' }, ports: [{ name: 'https', port: 443, targetPort: 443, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ hostname: `a${suffix(random, 12)}-${suffix(random, 8)}.elb.us-east-1.amazonaws.com` }] } },
    },
    ...['checkout-api', 'payments-api', 'search-api', 'grafana'].map((app) => {
      const ns = WORKLOADS.find((w) => w.name === app)!.namespace;
      return { apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, uid: uuid(random) }, spec: { type: 'ClusterIP', selector: { app }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, status: { loadBalancer: {} } };
    }),
  ];
  const uidSeed = hashSeed(seed);

  /** The CronJob pods at `nowMs`: running inside their slot, else the last run as Succeeded. */
  const cronPods = (nowMs: number): PlannedPod[] =>
    CRONJOBS.map((c, i) => {
      const periodMs = c.everyMinutes * 60_000;
      const periodStart = Math.floor(nowMs / periodMs) * periodMs;
      let runStart = periodStart + c.startMinute * 60_000;
      if (runStart > nowMs) runStart -= periodMs;
      const running = nowMs < runStart + c.minutes * 60_000;
      const jobName = `${c.name}-${Math.floor(runStart / 60_000)}`;
      const name = `${jobName}-${suffix(mulberry32(runStart ^ uidSeed), 5)}`;
      const node = cronNodes[i]!;
      const json = podJson({
        namespace: c.namespace,
        name,
        node,
        owner: { kind: 'Job', name: jobName },
        labels: { 'batch.kubernetes.io/job-name': jobName, app: c.name },
        containers: [{ name: c.name, image: `registry.example.com/${c.namespace}/${c.name}:2.3.0`, resources: resources(c.cpuM, c.memMi) }],
        phase: running ? 'Running' : 'Succeeded',
        startTime: new Date(runStart).toISOString(),
      });
      // Stable identity per run so restarts of the exporter see the same pod.
      (json['metadata'] as Json)['uid'] = `${hashSeed(runStart ^ uidSeed).toString(16)}-job-${i}`;
      return { json, key: podKey(c.namespace, name), containers: [{ name: c.name, cpuM: c.cpuM, memMi: c.memMi }], cpuPeak: running ? c.cpuPeak : 0, memShare: running ? c.memShare : 0 };
    });

  const usageOf = (p: PlannedPod, nowMs: number): { name: string; cpuM: number; memBytes: number }[] => {
    const day = diurnal(nowMs);
    const bucket = Math.floor(nowMs / 300_000); // noise changes every 5 minutes
    return p.containers.map((c) => {
      const baseCpu = c.cpuM > 0 ? c.cpuM : 20;
      const baseMem = c.memMi > 0 ? c.memMi : 48;
      const noise = 0.85 + 0.3 * unit(`${p.key}/${c.name}/${bucket}`, seed);
      const memNoise = 0.96 + 0.08 * unit(`${p.key}/${c.name}/${bucket}/m`, seed);
      const share = c.memMi > 0 ? p.memShare : 1;
      return {
        name: c.name,
        cpuM: baseCpu * p.cpuPeak * (0.3 + 0.7 * day) * noise,
        memBytes: Math.round(baseMem * 1024 * 1024 * share * (0.92 + 0.08 * day) * memNoise),
      };
    });
  };

  return {
    kubeList(nowMs) {
      return {
        apiVersion: 'v1',
        kind: 'List',
        metadata: { resourceVersion: '' },
        items: [...nodes.map((n) => n.json), ...staticObjects, ...volumes, ...claims, ...pods.map((p) => p.json), ...cronPods(nowMs).map((p) => p.json)],
      };
    },
    podMetrics(nowMs) {
      const timestamp = new Date(Math.floor(nowMs / 1000) * 1000).toISOString();
      const all = [...pods, ...cronPods(nowMs).filter((p) => ((p.json['status'] as Json)['phase'] as string) === 'Running')];
      return {
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: all.map((p) => {
          const meta = p.json['metadata'] as Json;
          return {
            metadata: { name: meta['name'], namespace: meta['namespace'], creationTimestamp: timestamp, labels: meta['labels'] },
            timestamp,
            window: '15.012s',
            containers: usageOf(p, nowMs).map((u) => ({ name: u.name, usage: { cpu: `${Math.round(u.cpuM * 1e6)}n`, memory: `${Math.round(u.memBytes / 1024)}Ki` } })),
          };
        }),
      };
    },
  };
}

function hashSeed(n: number): number {
  return mulberry32(n)() * 0xffffffff >>> 0;
}

/** The demo cluster as a source: converted through the snapshot path at every read. */
export function createDemoSource(options: { seed?: number } = {}): ClusterSource {
  const { seed = 42 } = options;
  const cluster = createDemoCluster(seed);
  return {
    kind: 'demo',
    description: `demo cluster (simulated EKS in us-east-1, seed ${seed})`,
    async read(nowMs): Promise<SourceReading> {
      const builder = new SnapshotBuilder();
      builder.add(cluster.kubeList(nowMs), 'demo');
      builder.add(cluster.podMetrics(nowMs), 'demo-metrics');
      return { snapshot: builder.snapshot(), warnings: builder.warnings, hasUsage: true };
    },
  };
}

export type { ContainerUsage };
