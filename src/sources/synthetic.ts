// Synthetic clusters of any size for benchmarks (S = 100 nodes / 1,000 pods, M = 1,000 / 10,000,
// L = 5,000 / 100,000): kubectl-shaped JSON with realistic variety — AWS instance types in
// us-east-1 (one node in five spot, one in a hundred a GPU node), team namespaces, Deployments,
// StatefulSets with volumes (about 5% of pods), DaemonSets, Jobs, sidecars and init containers,
// ClusterIP services and a few load balancers — and objects as bulky as real ones (conditions,
// container statuses, tolerations, projected token volumes), so parse-time comparisons are honest.
//
// Fast and lean: the parts every replica of a workload shares (containers, labels, statuses) are
// one object referenced by all its pods. The result is plain JSON-able data; treat it as
// read-only (JSON.stringify writes the shared parts out in full, as kubectl would).
import type { JsonObject, KubeListDocument, PodMetricsListDocument } from './json.ts';
import { mulberry32 } from './random.ts';

export interface SyntheticOptions {
  readonly nodes: number;
  /** Exactly this many pods, DaemonSet pods included. */
  readonly pods: number;
  readonly seed?: number;
}

export const SYNTHETIC_SIZES = {
  S: { nodes: 100, pods: 1_000 },
  M: { nodes: 1_000, pods: 10_000 },
  L: { nodes: 5_000, pods: 100_000 },
} as const;

interface InstanceShape {
  readonly type: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly maxPods: number;
  /** Share of the fleet, in percent. */
  readonly weight: number;
}

/** AWS shapes as published (vCPU, GiB, GPUs; EKS max pods). */
const SHAPES: readonly InstanceShape[] = [
  { type: 'm6i.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 0, maxPods: 58, weight: 28 },
  { type: 'm5.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 0, maxPods: 58, weight: 10 },
  { type: 'm6i.xlarge', vcpus: 4, memoryGiB: 16, gpus: 0, maxPods: 58, weight: 10 },
  { type: 'm5.xlarge', vcpus: 4, memoryGiB: 16, gpus: 0, maxPods: 58, weight: 10 },
  { type: 'm6i.4xlarge', vcpus: 16, memoryGiB: 64, gpus: 0, maxPods: 234, weight: 10 },
  { type: 'c6i.2xlarge', vcpus: 8, memoryGiB: 16, gpus: 0, maxPods: 58, weight: 10 },
  { type: 'c6i.4xlarge', vcpus: 16, memoryGiB: 32, gpus: 0, maxPods: 234, weight: 5 },
  { type: 'r6i.2xlarge', vcpus: 8, memoryGiB: 64, gpus: 0, maxPods: 58, weight: 9 },
  { type: 'r5.xlarge', vcpus: 4, memoryGiB: 32, gpus: 0, maxPods: 58, weight: 5 },
  { type: 'm7i.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 0, maxPods: 58, weight: 3 },
];
const GPU_SHAPE: InstanceShape = { type: 'g4dn.xlarge', vcpus: 4, memoryGiB: 16, gpus: 1, maxPods: 29, weight: 0 };
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;

/** Requests as teams write them: [cpu, memory, cpu millicores, memory MiB, share in percent]. */
const SIZES: readonly (readonly [string, string, number, number, number])[] = [
  ['50m', '64Mi', 50, 64, 20],
  ['100m', '128Mi', 100, 128, 28],
  ['250m', '256Mi', 250, 256, 25],
  ['500m', '512Mi', 500, 512, 15],
  ['1', '1Gi', 1000, 1024, 8],
  ['1500m', '2Gi', 1500, 2048, 3],
  ['2', '4Gi', 2000, 4096, 1],
];
const STORAGE: readonly (readonly [string, string, number])[] = [
  ['gp3', '50Gi', 80],
  ['gp2', '20Gi', 10],
  ['io2', '200Gi', 5],
  ['st1', '500Gi', 5],
];
const TEAMS = ['storefront', 'payments', 'discovery', 'data', 'ml', 'platform', 'growth', 'identity', 'logistics', 'support'];
const COST_CENTERS = ['engineering', 'finance-eng', 'data-platform', 'research', 'infrastructure'];
const APPS = ['api', 'worker', 'web', 'consumer', 'scheduler', 'gateway', 'indexer', 'cache', 'sync', 'notifier', 'renderer', 'exporter'];
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const CREATED = '2025-10-01T08:00:00Z';
const STARTED = '2025-11-20T09:30:00Z';

function pickWeighted<T extends { readonly weight: number }>(items: readonly T[], r: number): T {
  let x = r * 100;
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1]!;
}

function pickShare<T extends readonly unknown[]>(rows: readonly T[], r: number): T {
  let x = r * 100;
  for (const row of rows) {
    x -= row[row.length - 1] as number;
    if (x < 0) return row;
  }
  return rows[rows.length - 1]!;
}

/** `n` in the generated-name alphabet, `length` characters (unique for n < 27^length). */
function encode(n: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s = NAME_ALPHABET[n % NAME_ALPHABET.length] + s;
    n = Math.floor(n / NAME_ALPHABET.length);
  }
  return s;
}

/** A UUID-shaped identifier, unique per (kind, n). */
function uid(seed: number, kind: number, n: number): string {
  const hex = (v: number, width: number) => (v >>> 0).toString(16).padStart(width, '0').slice(-width);
  return `${hex(seed, 8)}-${hex(kind, 4)}-4${hex(n >>> 24, 3)}-a${hex(n >>> 12, 3)}-${hex(n, 12)}`;
}

const TOLERATIONS = Object.freeze([
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
]);
const GPU_TOLERATIONS = Object.freeze([...TOLERATIONS, { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }]);
const TOKEN_VOLUME = Object.freeze({
  name: 'kube-api-access',
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ],
  },
});
const TOKEN_MOUNT = Object.freeze({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true });
const RUNNING_CONDITIONS = Object.freeze(
  ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ lastProbeTime: null, lastTransitionTime: STARTED, status: 'True', type })),
);
const NODE_CONDITIONS = Object.freeze([
  { lastHeartbeatTime: '2025-11-23T11:58:41Z', lastTransitionTime: CREATED, message: 'kubelet has sufficient memory available', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
  { lastHeartbeatTime: '2025-11-23T11:58:41Z', lastTransitionTime: CREATED, message: 'kubelet has no disk pressure', reason: 'KubeletHasNoDiskPressure', status: 'False', type: 'DiskPressure' },
  { lastHeartbeatTime: '2025-11-23T11:58:41Z', lastTransitionTime: CREATED, message: 'kubelet has sufficient PID available', reason: 'KubeletHasSufficientPID', status: 'False', type: 'PIDPressure' },
  { lastHeartbeatTime: '2025-11-23T11:58:41Z', lastTransitionTime: CREATED, message: 'kubelet is posting ready status', reason: 'KubeletReady', status: 'True', type: 'Ready' },
]);
const NODE_INFO = Object.freeze({
  architecture: 'amd64',
  containerRuntimeVersion: 'containerd://1.7.23',
  kernelVersion: '6.1.115-126.197.amzn2023.x86_64',
  kubeProxyVersion: 'v1.31.3-eks-59bf375',
  kubeletVersion: 'v1.31.3-eks-59bf375',
  operatingSystem: 'linux',
  osImage: 'Amazon Linux 2023.6.20241121',
});

interface SyntheticNode {
  readonly name: string;
  readonly ip: string;
  readonly zone: string;
  readonly gpus: number;
  freeCpuM: number;
  freeMemMi: number;
  freePods: number;
}

interface ContainerPlan {
  readonly json: JsonObject;
  readonly cpuM: number;
  readonly memMi: number;
}

/** A kubectl-shaped List of exactly `nodes` nodes and `pods` pods, plus volumes, services and namespaces. */
export function generateSyntheticList(options: SyntheticOptions): KubeListDocument {
  const { nodes: nodeCount, pods: podCount, seed = 1 } = options;
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || !Number.isInteger(podCount) || podCount < 0) {
    throw new RangeError(`synthetic cluster: nodes must be a positive integer and pods a non-negative one (got ${nodeCount} nodes, ${podCount} pods)`);
  }
  const random = mulberry32(seed);
  const items: JsonObject[] = [];
  const volumes: JsonObject[] = [];
  const claims: JsonObject[] = [];
  const services: JsonObject[] = [];

  // Nodes: one in five spot (Karpenter), one in a hundred a GPU node.
  const nodes: SyntheticNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const gpu = i % 100 === 99;
    const shape = gpu ? GPU_SHAPE : pickWeighted(SHAPES, random());
    const spot = !gpu && i % 5 === 2;
    const zone = ZONES[i % 3]!;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const name = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
    const reservedCpuM = shape.vcpus >= 8 ? 90 + (shape.vcpus - 8) * 2.5 : 80;
    const reservedMemMi = 355 + 11 * shape.maxPods;
    const capacityKi = Math.round(shape.memoryGiB * 1024 * 1024 * 0.9652);
    const labels: Record<string, string> = {
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': shape.type,
      'topology.kubernetes.io/region': 'us-east-1',
      'topology.kubernetes.io/zone': zone,
      'eks.amazonaws.com/capacityType': spot ? 'SPOT' : 'ON_DEMAND',
    };
    if (spot) {
      labels['karpenter.sh/capacity-type'] = 'spot';
      labels['karpenter.sh/nodepool'] = 'spot';
    } else {
      labels['eks.amazonaws.com/nodegroup'] = gpu ? 'gpu' : 'general';
    }
    if (gpu) labels['nvidia.com/gpu.present'] = 'true';
    const capacity: JsonObject = { cpu: String(shape.vcpus), 'ephemeral-storage': '104845292Ki', memory: `${capacityKi}Ki`, pods: String(shape.maxPods) };
    const allocatable: JsonObject = { cpu: `${shape.vcpus * 1000 - reservedCpuM}m`, 'ephemeral-storage': '95551679124', memory: `${capacityKi - reservedMemMi * 1024}Ki`, pods: String(shape.maxPods) };
    if (gpu) {
      capacity['nvidia.com/gpu'] = '1';
      allocatable['nvidia.com/gpu'] = '1';
    }
    items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { creationTimestamp: CREATED, labels, name, resourceVersion: String(1000 + i), uid: uid(seed, 1, i) },
      spec: { providerID: `aws:///${zone}/i-0${(seed * 1_000_003 + i).toString(16).padStart(16, '0').slice(-16)}`, ...(gpu ? { taints: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'true' }] } : {}) },
      status: {
        addresses: [
          { address: ip, type: 'InternalIP' },
          { address: name, type: 'Hostname' },
        ],
        allocatable,
        capacity,
        conditions: NODE_CONDITIONS,
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: NODE_INFO,
      },
    });
    nodes.push({ name, ip, zone, gpus: shape.gpus, freeCpuM: shape.vcpus * 1000 - reservedCpuM, freeMemMi: Math.floor(capacityKi / 1024) - reservedMemMi, freePods: shape.maxPods });
  }

  // Namespaces: about one per 200 pods, owned by teams, some with budgets.
  const namespaceCount = Math.min(500, Math.max(4, Math.round(podCount / 200)));
  const namespaces: string[] = [];
  for (let n = 0; n < namespaceCount; n++) {
    const team = TEAMS[n % TEAMS.length]!;
    const name = `${team}-${APPS[Math.floor(n / TEAMS.length) % APPS.length]}${n >= TEAMS.length * APPS.length ? `-${Math.floor(n / (TEAMS.length * APPS.length))}` : ''}`;
    namespaces.push(name);
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': name, team, 'cost-center': COST_CENTERS[n % COST_CENTERS.length]! };
    if (n % 3 === 0) labels['budget'] = String(500 + (n % 10) * 250);
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: CREATED, labels, name, resourceVersion: String(500 + n), uid: uid(seed, 2, n) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }

  const container = (name: string, image: string, size: readonly [string, string, number, number, number], extra: JsonObject = {}): ContainerPlan => ({
    json: {
      image,
      imagePullPolicy: 'IfNotPresent',
      name,
      ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
      resources: { limits: { memory: size[1] }, requests: { cpu: size[0], memory: size[1] } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      volumeMounts: [TOKEN_MOUNT],
      ...extra,
    },
    cpuM: size[2],
    memMi: size[3],
  });
  const runningStatus = (containers: readonly ContainerPlan[]): JsonObject[] =>
    containers.map((c, k) => ({
      containerID: `containerd://${(seed * 7919 + k).toString(16).padStart(64, '0')}`,
      image: c.json['image'],
      imageID: `${c.json['image'] as string}@sha256:${'0'.repeat(63)}${k}`,
      lastState: {},
      name: c.json['name'],
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: STARTED } },
    }));

  /** Next node with room, round-robin from where the last placement stopped. */
  let cursor = 0;
  const place = (cpuM: number, memMi: number, gpu: boolean): SyntheticNode | undefined => {
    for (let tries = 0; tries < nodes.length; tries++) {
      const node = nodes[cursor]!;
      cursor = (cursor + 1) % nodes.length;
      if ((node.gpus > 0) !== gpu) continue;
      if (node.freeCpuM >= cpuM && node.freeMemMi >= memMi && node.freePods > 0) {
        node.freeCpuM -= cpuM;
        node.freeMemMi -= memMi;
        node.freePods -= 1;
        return node;
      }
    }
    return undefined;
  };

  let podIndex = 0;
  const pushPod = (o: {
    namespace: string;
    name: string;
    generateName: string;
    labels: JsonObject;
    owner: JsonObject;
    node: SyntheticNode | undefined;
    spec: JsonObject;
    status: JsonObject;
    phase: string;
    qos: string;
  }): void => {
    const i = podIndex++;
    const spec: JsonObject = o.node ? { ...o.spec, nodeName: o.node.name } : o.spec;
    const status: JsonObject = o.node
      ? { ...o.status, hostIP: o.node.ip, phase: o.phase, podIP: `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`, qosClass: o.qos, startTime: STARTED }
      : { conditions: [{ lastProbeTime: null, lastTransitionTime: STARTED, message: '0/1 nodes are available: Insufficient cpu.', reason: 'Unschedulable', status: 'False', type: 'PodScheduled' }], phase: 'Pending', qosClass: o.qos };
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { creationTimestamp: STARTED, generateName: o.generateName, labels: o.labels, name: o.name, namespace: o.namespace, ownerReferences: [o.owner], resourceVersion: String(100_000 + i), uid: uid(seed, 3, i) },
      spec,
      status,
    });
  };

  // DaemonSets on every node: up to two, when pods are plentiful enough.
  const daemonSets = Math.min(2, Math.floor((podCount * 0.3) / nodeCount));
  for (let d = 0; d < daemonSets; d++) {
    const name = d === 0 ? 'node-exporter' : 'fluent-bit';
    const namespace = d === 0 ? 'monitoring' : 'logging';
    const c = container(name, d === 0 ? 'quay.io/prometheus/node-exporter:v1.8.2' : 'cr.fluentbit.io/fluent/fluent-bit:3.2.2', ['100m', '128Mi', 100, 128, 0]);
    const labels = { 'app.kubernetes.io/name': name, 'controller-revision-hash': `${encode(d + seed, 10)}`, 'pod-template-generation': '3' };
    const owner = { apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'DaemonSet', name, uid: uid(seed, 4, d) };
    const spec: JsonObject = { containers: [c.json], dnsPolicy: 'ClusterFirst', priorityClassName: 'system-node-critical', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: name, tolerations: GPU_TOLERATIONS, volumes: [TOKEN_VOLUME] };
    const status: JsonObject = { conditions: RUNNING_CONDITIONS, containerStatuses: runningStatus([c]) };
    for (const node of nodes) {
      node.freeCpuM -= c.cpuM;
      node.freeMemMi -= c.memMi;
      node.freePods -= 1;
      pushPod({ namespace, name: `${name}-${encode(podIndex, 5)}`, generateName: `${name}-`, labels, owner, node, spec, status, phase: 'Running', qos: 'Burstable' });
    }
  }
  for (let d = 0; d < daemonSets; d++) {
    const ns = d === 0 ? 'monitoring' : 'logging';
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: CREATED, labels: { 'kubernetes.io/metadata.name': ns, team: 'platform', 'cost-center': 'infrastructure' }, name: ns, uid: uid(seed, 2, 100_000 + d) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }

  // Workloads until the pod count is reached.
  const loadBalancers = Math.max(2, Math.round(Math.sqrt(podCount) / 15));
  const hasGpuNodes = nodes.some((n) => n.gpus > 0);
  let lbCount = 0;
  let workload = 0;
  while (podIndex < podCount) {
    const w = workload++;
    const namespace = namespaces[w % namespaceCount]!;
    const app = `${APPS[(w * 7) % APPS.length]}-${encode(w, 3)}`;
    const roll = random();
    const kind = roll < 0.06 ? 'StatefulSet' : roll < 0.09 ? 'Job' : 'Deployment';
    const gpu = kind === 'Job' && hasGpuNodes && w % 10 === 0;
    const replicas = Math.min(podCount - podIndex, kind === 'Job' ? 1 : kind === 'StatefulSet' ? 3 : 1 + Math.floor(random() * 6));
    const size = pickShare(SIZES, random());
    const main = container(app, `123456789012.dkr.ecr.us-east-1.amazonaws.com/${namespace}/${app}:1.${w % 40}.${w % 7}`, size, gpu ? { resources: { limits: { memory: size[1], 'nvidia.com/gpu': '1' }, requests: { cpu: size[0], memory: size[1], 'nvidia.com/gpu': '1' } } } : {});
    const containers: ContainerPlan[] = [main];
    const initContainers: JsonObject[] = [];
    let cpuM = main.cpuM;
    let memMi = main.memMi;
    const extras = random();
    if (extras < 0.2) {
      const proxy = container('istio-proxy', 'docker.io/istio/proxyv2:1.24.1', ['100m', '128Mi', 100, 128, 0]);
      containers.push(proxy);
      cpuM += 100;
      memMi += 128;
    } else if (extras < 0.25) {
      initContainers.push({ ...container('envoy', 'docker.io/envoyproxy/envoy:v1.32.2', ['100m', '128Mi', 100, 128, 0]).json, restartPolicy: 'Always' });
      cpuM += 100;
      memMi += 128;
    }
    if (random() < 0.1) initContainers.push(container('migrate', `123456789012.dkr.ecr.us-east-1.amazonaws.com/${namespace}/${app}-migrate:1.0.0`, ['250m', '256Mi', 250, 256, 0]).json);
    const hash = encode(w * 31 + seed, 9);
    const labels: JsonObject = { 'app.kubernetes.io/name': app, ...(kind === 'Deployment' ? { 'pod-template-hash': hash } : kind === 'Job' ? { 'batch.kubernetes.io/job-name': app } : { 'controller-revision-hash': `${app}-${hash}` }) };
    const ownerKind = kind === 'Deployment' ? 'ReplicaSet' : kind;
    const ownerName = kind === 'Deployment' ? `${app}-${hash}` : app;
    const owner = { apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', blockOwnerDeletion: true, controller: true, kind: ownerKind, name: ownerName, uid: uid(seed, 5, w) };
    const phaseRoll = random();
    const phase = kind === 'Job' ? (phaseRoll < 0.6 ? 'Succeeded' : phaseRoll < 0.7 ? 'Failed' : 'Running') : 'Running';
    const baseSpec: JsonObject = {
      containers: containers.map((c) => c.json),
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: kind === 'Job' ? 'Never' : 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: gpu ? GPU_TOLERATIONS : TOLERATIONS,
    };
    const statuses = runningStatus(containers);
    const status: JsonObject =
      phase === 'Running'
        ? { conditions: RUNNING_CONDITIONS, containerStatuses: statuses }
        : { conditions: RUNNING_CONDITIONS.map((c) => ({ ...c, status: c.type === 'PodScheduled' || c.type === 'Initialized' ? 'True' : 'False' })), containerStatuses: statuses.map((s) => ({ ...s, ready: false, started: false, state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: STARTED, reason: phase === 'Failed' ? 'Error' : 'Completed', startedAt: STARTED } } })) };
    for (let r = 0; r < replicas; r++) {
      // Finished Job pods stay bound to their node but hold nothing.
      const node = phase === 'Running' ? place(cpuM, memMi, gpu) : nodes[(podIndex * 13) % nodes.length];
      const name = kind === 'StatefulSet' ? `${app}-${r}` : kind === 'Deployment' ? `${app}-${hash}-${encode(r, 5)}` : `${app}-${encode(r, 5)}`;
      let spec: JsonObject = { ...baseSpec, volumes: [TOKEN_VOLUME] };
      if (kind === 'StatefulSet' && node !== undefined) {
        const [storageClass, size] = pickShare(STORAGE, random());
        const claim = `data-${name}`;
        const pv = `pvc-${uid(seed, 6, podIndex)}`;
        spec = { ...baseSpec, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }, TOKEN_VOLUME] };
        claims.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { creationTimestamp: CREATED, labels: { 'app.kubernetes.io/name': app }, name: claim, namespace, resourceVersion: String(50_000 + podIndex), uid: uid(seed, 7, podIndex) },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: storageClass, volumeMode: 'Filesystem', volumeName: pv },
          status: { accessModes: ['ReadWriteOnce'], capacity: { storage: size }, phase: 'Bound' },
        });
        volumes.push({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { creationTimestamp: CREATED, name: pv, resourceVersion: String(60_000 + podIndex), uid: uid(seed, 8, podIndex) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            capacity: { storage: size },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace, uid: uid(seed, 7, podIndex) },
            csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: `vol-0${(podIndex + seed * 100_000).toString(16).padStart(16, '0')}` },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [node.zone] }] }] } },
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: storageClass,
            volumeMode: 'Filesystem',
          },
          status: { phase: 'Bound' },
        });
      }
      pushPod({ namespace, name, generateName: kind === 'StatefulSet' ? `${app}-` : `${name.slice(0, -5)}`, labels, owner, node, spec, status, phase: node === undefined ? 'Pending' : phase, qos: 'Burstable' });
    }
    if (kind === 'Deployment' && w % 2 === 0) {
      const lb = lbCount < loadBalancers && w % 4 === 0;
      if (lb) lbCount += 1;
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { creationTimestamp: CREATED, labels: { 'app.kubernetes.io/name': app }, name: app, namespace, resourceVersion: String(70_000 + w), uid: uid(seed, 9, w) },
        spec: { clusterIP: `10.100.${(w >> 8) & 255}.${w & 255}`, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { 'app.kubernetes.io/name': app }, sessionAffinity: 'None', type: lb ? 'LoadBalancer' : 'ClusterIP' },
        status: { loadBalancer: lb ? { ingress: [{ hostname: `k8s-${namespace.slice(0, 8)}-${app.slice(0, 8)}-${encode(w, 10)}.elb.us-east-1.amazonaws.com` }] } : {} },
      });
    }
  }
  items.push(...volumes, ...claims, ...services);
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

/** Usage for every running pod of a synthetic list, as the metrics API reports it. */
export function generateSyntheticMetrics(list: KubeListDocument, options: { readonly seed?: number } = {}): PodMetricsListDocument {
  const random = mulberry32(options.seed ?? 1);
  const items: JsonObject[] = [];
  for (const item of list.items) {
    if (item['kind'] !== 'Pod') continue;
    const status = item['status'] as JsonObject;
    if (status['phase'] !== 'Running') continue;
    const meta = item['metadata'] as JsonObject;
    const spec = item['spec'] as JsonObject;
    const all = [...((spec['initContainers'] as JsonObject[] | undefined) ?? []).filter((c) => c['restartPolicy'] === 'Always'), ...(spec['containers'] as JsonObject[])];
    const containers = all.map((c) => {
      const requests = ((c['resources'] as JsonObject)['requests'] ?? {}) as JsonObject;
      const cpuM = Number.parseFloat(requests['cpu'] as string) * ((requests['cpu'] as string).endsWith('m') ? 1 : 1000);
      const memMi = Number.parseFloat(requests['memory'] as string) * ((requests['memory'] as string).endsWith('Gi') ? 1024 : 1);
      // Mostly over-provisioned, a few over their request.
      const cpuShare = random() < 0.05 ? 1 + random() : 0.05 + 0.6 * random();
      const memShare = 0.3 + 0.65 * random();
      return { name: c['name'], usage: { cpu: `${Math.round(cpuM * cpuShare * 1e6)}n`, memory: `${Math.round(memMi * memShare * 1024)}Ki` } };
    });
    items.push({ containers, metadata: { creationTimestamp: '2025-11-23T12:00:07Z', name: meta['name'], namespace: meta['namespace'] }, timestamp: '2025-11-23T11:59:52Z', window: '15.012s' });
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}
