// The demo cluster as Kubernetes JSON: a simulated EKS cluster in us-east-1 that a FinOps person
// would recognise. Managed node groups (general m6i.2xlarge, memory r6i.xlarge, one g4dn.xlarge
// GPU node) and Karpenter spot pools (c6i.2xlarge, m5.xlarge) across three zones; a company's
// namespaces with `team`, `cost-center` and some `budget` labels; Deployments, StatefulSets with
// EBS volumes (gp3, gp2, io2, st1), DaemonSets, Jobs and CronJobs; an NLB; sidecars and init
// containers; an evicted pod, an unschedulable one, an orphaned volume and an unclaimed one.
//
// Pure: everything is a function of the seed and the time. The objects are exactly what
// `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json` prints (less the bulk nobody reads, such as
// node images), and usage is what `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` prints.
// CPU follows the working day (lowest 04:00 UTC, highest 16:00 UTC, quieter at weekends) with
// smooth per-container noise; some workloads are badly over-provisioned, a few use more than
// they request, one leaks memory until its nightly restart; CronJob pods come and go.
import type { JsonObject, KubeListDocument, PodMetricsListDocument } from './json.ts';
import { hashInts, hashString, Rng, unitOf } from './random.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MiB = 1024 ** 2;
const REGION = 'us-east-1';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
/** The /19 subnet of each zone in the 10.0.0.0/16 VPC, by third octet. */
const SUBNET_BASE: Readonly<Record<(typeof ZONES)[number], number>> = { 'us-east-1a': 0, 'us-east-1b': 32, 'us-east-1c': 64 };
const ACCOUNT = '123456789012';
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const EKS_ECR = `602401143452.dkr.ecr.${REGION}.amazonaws.com`;
const KUBELET_VERSION = 'v1.31.3-eks-59bf375';

// ---------------------------------------------------------------------------------------------
// The cluster's shape

type PoolName = 'general' | 'memory' | 'gpu' | 'spot-compute' | 'spot-general';

interface PoolSpec {
  readonly name: PoolName;
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly count: number;
  readonly spot: boolean;
  /** Karpenter NodePool (spot) rather than an EKS managed node group. */
  readonly karpenter: boolean;
  /** EKS max pods for the instance type (ENI limits). */
  readonly maxPods: number;
  readonly taint?: { readonly key: string; readonly value: string; readonly effect: string };
}

/** Shapes are AWS's published ones (vCPU, GiB, GPUs). 12 nodes, 5 of them spot. */
const POOLS: readonly PoolSpec[] = [
  { name: 'general', instanceType: 'm6i.2xlarge', vcpus: 8, memoryGiB: 32, gpus: 0, count: 4, spot: false, karpenter: false, maxPods: 58 },
  { name: 'memory', instanceType: 'r6i.xlarge', vcpus: 4, memoryGiB: 32, gpus: 0, count: 2, spot: false, karpenter: false, maxPods: 58 },
  { name: 'gpu', instanceType: 'g4dn.xlarge', vcpus: 4, memoryGiB: 16, gpus: 1, count: 1, spot: false, karpenter: false, maxPods: 29, taint: { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' } },
  { name: 'spot-compute', instanceType: 'c6i.2xlarge', vcpus: 8, memoryGiB: 16, gpus: 0, count: 3, spot: true, karpenter: true, maxPods: 58 },
  { name: 'spot-general', instanceType: 'm5.xlarge', vcpus: 4, memoryGiB: 16, gpus: 0, count: 2, spot: true, karpenter: true, maxPods: 58 },
];

interface NamespaceSpec {
  readonly name: string;
  readonly team?: string;
  readonly costCenter?: string;
  readonly environment?: string;
  /** USD per month, as the `budget` label. */
  readonly budget?: number;
}

const NAMESPACES: readonly NamespaceSpec[] = [
  { name: 'default' },
  { name: 'kube-node-lease' },
  { name: 'kube-public' },
  { name: 'kube-system', team: 'platform', costCenter: 'infrastructure', environment: 'production' },
  { name: 'monitoring', team: 'platform', costCenter: 'infrastructure', environment: 'production', budget: 120 },
  { name: 'logging', team: 'platform', costCenter: 'infrastructure', environment: 'production', budget: 60 },
  { name: 'ingress-nginx', team: 'platform', costCenter: 'infrastructure', environment: 'production' },
  { name: 'checkout', team: 'storefront', costCenter: 'engineering', environment: 'production', budget: 150 },
  { name: 'payments', team: 'payments', costCenter: 'finance-eng', environment: 'production', budget: 300 },
  { name: 'search', team: 'discovery', costCenter: 'engineering', environment: 'production', budget: 250 },
  { name: 'catalog', team: 'storefront', costCenter: 'engineering', environment: 'production' },
  { name: 'ml-training', team: 'ml', costCenter: 'research', environment: 'production', budget: 350 },
  { name: 'data-pipeline', team: 'data', costCenter: 'data-platform', environment: 'production', budget: 300 },
  { name: 'analytics', team: 'data', costCenter: 'data-platform', environment: 'production' },
  { name: 'staging', team: 'storefront', costCenter: 'engineering', environment: 'staging', budget: 25 },
  { name: 'dev', team: 'platform', costCenter: 'engineering', environment: 'development', budget: 20 },
];

/** How usage moves over the day: `web` follows traffic, `steady` barely, `idle` hardly runs. */
type Profile = 'web' | 'steady' | 'batch' | 'idle';

interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  /** Requests and limits as Kubernetes writes them; absent means not set. */
  readonly cpu?: string;
  readonly memory?: string;
  readonly cpuLimit?: string;
  readonly memoryLimit?: string;
  readonly gpus?: number;
  readonly port?: number;
  /** CPU used at the daily peak as a share of the request (of 100m when none). */
  readonly cpuPeak: number;
  /** Memory in use as a share of the request (of 128Mi when none). */
  readonly memShare: number;
  /** Memory grows through the day to `memShare` and drops at the nightly restart. */
  readonly leaks?: boolean;
  /** A native sidecar: an init container with `restartPolicy: Always`. */
  readonly sidecar?: boolean;
}

type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

interface WorkloadSpec {
  readonly namespace: string;
  readonly kind: WorkloadKind;
  readonly name: string;
  /** Ignored for DaemonSets, which run on every node of `pools`. */
  readonly replicas: number;
  readonly pools: readonly PoolName[];
  readonly profile: Profile;
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  /** A volumeClaimTemplate (StatefulSets) or a claim of its own (Jobs). */
  readonly volume?: { readonly name: string; readonly sizeGi: number; readonly storageClass: string };
  readonly serviceAccount?: string;
  readonly priorityClassName?: string;
  /** Labels beyond `app.kubernetes.io/name`. */
  readonly labels?: Readonly<Record<string, string>>;
}

const ALL_POOLS: readonly PoolName[] = ['general', 'memory', 'gpu', 'spot-compute', 'spot-general'];
const ON_DEMAND: readonly PoolName[] = ['general'];
const SPOT: readonly PoolName[] = ['spot-compute', 'spot-general'];
const ENVOY: ContainerSpec = { name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.32.2', cpu: '100m', memory: '128Mi', memoryLimit: '256Mi', port: 15001, cpuPeak: 0.35, memShare: 0.45, sidecar: true };

const WORKLOADS: readonly WorkloadSpec[] = [
  // kube-system
  {
    namespace: 'kube-system',
    kind: 'DaemonSet',
    name: 'aws-node',
    replicas: 0,
    pools: ALL_POOLS,
    profile: 'steady',
    priorityClassName: 'system-node-critical',
    initContainers: [{ name: 'aws-vpc-cni-init', image: `${EKS_ECR}/amazon-k8s-cni-init:v1.19.0-eksbuild.1`, cpu: '25m', cpuPeak: 0, memShare: 0 }],
    containers: [
      { name: 'aws-node', image: `${EKS_ECR}/amazon-k8s-cni:v1.19.0-eksbuild.1`, cpu: '25m', port: 61678, cpuPeak: 0.9, memShare: 0.45 },
      { name: 'aws-eks-nodeagent', image: `${EKS_ECR}/amazon/aws-network-policy-agent:v1.1.5-eksbuild.1`, cpu: '25m', cpuPeak: 0.3, memShare: 0.25 },
    ],
  },
  {
    namespace: 'kube-system',
    kind: 'DaemonSet',
    name: 'kube-proxy',
    replicas: 0,
    pools: ALL_POOLS,
    profile: 'steady',
    priorityClassName: 'system-node-critical',
    containers: [{ name: 'kube-proxy', image: `${EKS_ECR}/eks/kube-proxy:v1.31.2-minimal-eksbuild.3`, cpu: '100m', cpuPeak: 0.08, memShare: 0.15 }],
  },
  {
    namespace: 'kube-system',
    kind: 'DaemonSet',
    name: 'nvidia-device-plugin',
    replicas: 0,
    pools: ['gpu'],
    profile: 'steady',
    priorityClassName: 'system-node-critical',
    containers: [{ name: 'nvidia-device-plugin-ctr', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0', cpu: '10m', memory: '20Mi', cpuPeak: 0.2, memShare: 0.9 }],
  },
  {
    namespace: 'kube-system',
    kind: 'Deployment',
    name: 'coredns',
    replicas: 2,
    pools: ON_DEMAND,
    profile: 'web',
    priorityClassName: 'system-cluster-critical',
    labels: { 'k8s-app': 'kube-dns' },
    containers: [{ name: 'coredns', image: `${EKS_ECR}/eks/coredns:v1.11.3-eksbuild.2`, cpu: '100m', memory: '70Mi', memoryLimit: '170Mi', port: 53, cpuPeak: 0.25, memShare: 0.55 }],
  },
  {
    namespace: 'kube-system',
    kind: 'Deployment',
    name: 'ebs-csi-controller',
    replicas: 2,
    pools: ON_DEMAND,
    profile: 'steady',
    priorityClassName: 'system-cluster-critical',
    containers: [
      { name: 'ebs-plugin', image: 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0', cpu: '10m', memory: '40Mi', memoryLimit: '256Mi', cpuPeak: 0.6, memShare: 0.9 },
      { name: 'csi-provisioner', image: 'public.ecr.aws/eks-distro/kubernetes-csi/external-provisioner:v5.1.0-eks-1-31-8', cpu: '10m', memory: '40Mi', memoryLimit: '256Mi', cpuPeak: 0.4, memShare: 0.7 },
      { name: 'csi-attacher', image: 'public.ecr.aws/eks-distro/kubernetes-csi/external-attacher:v4.7.0-eks-1-31-8', cpu: '10m', memory: '40Mi', memoryLimit: '256Mi', cpuPeak: 0.3, memShare: 0.6 },
    ],
  },
  {
    namespace: 'kube-system',
    kind: 'Deployment',
    name: 'karpenter',
    replicas: 2,
    pools: ON_DEMAND,
    profile: 'steady',
    priorityClassName: 'system-cluster-critical',
    serviceAccount: 'karpenter',
    containers: [{ name: 'controller', image: 'public.ecr.aws/karpenter/controller:1.1.1', cpu: '1', memory: '1Gi', cpuLimit: '1', memoryLimit: '1Gi', port: 8080, cpuPeak: 0.06, memShare: 0.35 }],
  },
  {
    namespace: 'kube-system',
    kind: 'Deployment',
    name: 'metrics-server',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'steady',
    priorityClassName: 'system-cluster-critical',
    containers: [{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2', cpu: '100m', memory: '200Mi', port: 10250, cpuPeak: 0.1, memShare: 0.25 }],
  },
  // monitoring
  {
    namespace: 'monitoring',
    kind: 'DaemonSet',
    name: 'node-exporter',
    replicas: 0,
    pools: ALL_POOLS,
    profile: 'steady',
    labels: { 'app.kubernetes.io/part-of': 'kube-prometheus' },
    containers: [
      { name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', cpu: '102m', memory: '180Mi', cpuLimit: '250m', memoryLimit: '180Mi', port: 9100, cpuPeak: 0.25, memShare: 0.2 },
      { name: 'kube-rbac-proxy', image: 'quay.io/brancz/kube-rbac-proxy:v0.18.1', cpu: '10m', memory: '20Mi', cpuLimit: '20m', memoryLimit: '40Mi', port: 9100, cpuPeak: 0.4, memShare: 0.8 },
    ],
  },
  {
    namespace: 'monitoring',
    kind: 'StatefulSet',
    name: 'prometheus-k8s',
    replicas: 1,
    pools: ['memory'],
    profile: 'steady',
    serviceAccount: 'prometheus-k8s',
    labels: { 'app.kubernetes.io/part-of': 'kube-prometheus' },
    volume: { name: 'prometheus-k8s-db', sizeGi: 200, storageClass: 'gp3' },
    initContainers: [{ name: 'init-config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.78.2', cpu: '10m', memory: '50Mi', cpuLimit: '10m', memoryLimit: '50Mi', cpuPeak: 0, memShare: 0 }],
    containers: [
      { name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.55.1', cpu: '1', memory: '4Gi', memoryLimit: '6Gi', port: 9090, cpuPeak: 0.75, memShare: 0.92 },
      { name: 'config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.78.2', cpu: '10m', memory: '50Mi', cpuLimit: '10m', memoryLimit: '50Mi', port: 8080, cpuPeak: 0.2, memShare: 0.4 },
    ],
  },
  {
    namespace: 'monitoring',
    kind: 'StatefulSet',
    name: 'alertmanager-main',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'steady',
    labels: { 'app.kubernetes.io/part-of': 'kube-prometheus' },
    volume: { name: 'alertmanager-main-db', sizeGi: 10, storageClass: 'gp3' },
    containers: [{ name: 'alertmanager', image: 'quay.io/prometheus/alertmanager:v0.27.0', cpu: '4m', memory: '100Mi', cpuLimit: '100m', memoryLimit: '100Mi', port: 9093, cpuPeak: 0.8, memShare: 0.3 }],
  },
  {
    namespace: 'monitoring',
    kind: 'Deployment',
    name: 'grafana',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'web',
    containers: [{ name: 'grafana', image: 'docker.io/grafana/grafana:11.3.1', cpu: '100m', memory: '256Mi', cpuLimit: '200m', memoryLimit: '512Mi', port: 3000, cpuPeak: 0.3, memShare: 0.6 }],
  },
  {
    namespace: 'monitoring',
    kind: 'Deployment',
    name: 'kube-state-metrics',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'steady',
    labels: { 'app.kubernetes.io/part-of': 'kube-prometheus' },
    containers: [{ name: 'kube-state-metrics', image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.14.0', cpu: '10m', memory: '190Mi', cpuLimit: '100m', memoryLimit: '250Mi', port: 8081, cpuPeak: 0.9, memShare: 0.35 }],
  },
  // logging
  {
    namespace: 'logging',
    kind: 'DaemonSet',
    name: 'fluent-bit',
    replicas: 0,
    pools: ALL_POOLS,
    profile: 'web',
    containers: [{ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:3.2.2', cpu: '100m', memory: '128Mi', memoryLimit: '256Mi', port: 2020, cpuPeak: 0.45, memShare: 0.55 }],
  },
  {
    namespace: 'logging',
    kind: 'StatefulSet',
    name: 'loki',
    replicas: 1,
    pools: ['memory'],
    profile: 'web',
    volume: { name: 'storage', sizeGi: 100, storageClass: 'gp3' },
    containers: [{ name: 'loki', image: 'docker.io/grafana/loki:3.3.1', cpu: '500m', memory: '2Gi', memoryLimit: '4Gi', port: 3100, cpuPeak: 0.7, memShare: 0.8 }],
  },
  // ingress-nginx
  {
    namespace: 'ingress-nginx',
    kind: 'Deployment',
    name: 'ingress-nginx-controller',
    replicas: 2,
    pools: ON_DEMAND,
    profile: 'web',
    labels: { 'app.kubernetes.io/component': 'controller' },
    serviceAccount: 'ingress-nginx',
    containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.12.0', cpu: '200m', memory: '256Mi', memoryLimit: '512Mi', port: 443, cpuPeak: 0.8, memShare: 0.6 }],
  },
  // checkout
  {
    namespace: 'checkout',
    kind: 'Deployment',
    name: 'checkout-api',
    replicas: 4,
    pools: ON_DEMAND,
    profile: 'web',
    initContainers: [ENVOY],
    containers: [{ name: 'checkout-api', image: `${ECR}/checkout-api:2.14.3`, cpu: '500m', memory: '1Gi', memoryLimit: '1536Mi', port: 8080, cpuPeak: 0.6, memShare: 0.65 }],
  },
  {
    namespace: 'checkout',
    kind: 'Deployment',
    name: 'checkout-worker',
    replicas: 2,
    pools: SPOT,
    profile: 'web',
    containers: [{ name: 'checkout-worker', image: `${ECR}/checkout-worker:2.14.3`, cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', cpuPeak: 0.75, memShare: 0.7 }],
  },
  {
    namespace: 'checkout',
    kind: 'StatefulSet',
    name: 'redis',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'web',
    volume: { name: 'data', sizeGi: 20, storageClass: 'gp3' },
    containers: [{ name: 'redis', image: 'docker.io/library/redis:7.4.1', cpu: '250m', memory: '1Gi', memoryLimit: '1Gi', port: 6379, cpuPeak: 0.3, memShare: 0.55 }],
  },
  // payments
  {
    namespace: 'payments',
    kind: 'Deployment',
    name: 'payments-api',
    replicas: 3,
    pools: ON_DEMAND,
    profile: 'web',
    initContainers: [ENVOY],
    // Sized for Black Friday two years ago and never revisited.
    containers: [{ name: 'payments-api', image: `${ECR}/payments-api:5.2.0`, cpu: '1', memory: '2Gi', cpuLimit: '2', memoryLimit: '2Gi', port: 8443, cpuPeak: 0.12, memShare: 0.3 }],
  },
  {
    namespace: 'payments',
    kind: 'Deployment',
    name: 'fraud-detector',
    replicas: 2,
    pools: ON_DEMAND,
    profile: 'web',
    // Busier than its request at the daily peak.
    containers: [{ name: 'fraud-detector', image: `${ECR}/fraud-detector:1.9.4`, cpu: '1500m', memory: '3Gi', memoryLimit: '4Gi', port: 8080, cpuPeak: 1.25, memShare: 0.85 }],
  },
  {
    namespace: 'payments',
    kind: 'StatefulSet',
    name: 'postgres',
    replicas: 1,
    pools: ['memory'],
    profile: 'steady',
    volume: { name: 'pgdata', sizeGi: 500, storageClass: 'io2' },
    initContainers: [{ name: 'init-permissions', image: 'docker.io/library/busybox:1.37', cpu: '100m', memory: '64Mi', cpuPeak: 0, memShare: 0 }],
    containers: [
      { name: 'postgres', image: 'docker.io/library/postgres:16.6', cpu: '2', memory: '8Gi', memoryLimit: '8Gi', port: 5432, cpuPeak: 0.35, memShare: 0.8 },
      { name: 'postgres-exporter', image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0', cpu: '20m', memory: '64Mi', port: 9187, cpuPeak: 0.5, memShare: 0.5 },
    ],
  },
  // search
  {
    namespace: 'search',
    kind: 'Deployment',
    name: 'search-api',
    replicas: 3,
    pools: ON_DEMAND,
    profile: 'web',
    containers: [{ name: 'search-api', image: `${ECR}/search-api:3.7.1`, cpu: '500m', memory: '1Gi', memoryLimit: '2Gi', port: 8080, cpuPeak: 0.65, memShare: 0.5 }],
  },
  {
    namespace: 'search',
    kind: 'StatefulSet',
    name: 'elasticsearch',
    replicas: 3,
    pools: ['memory', 'general'],
    profile: 'web',
    volume: { name: 'data', sizeGi: 200, storageClass: 'gp3' },
    initContainers: [{ name: 'sysctl', image: 'docker.io/library/busybox:1.37', cpu: '10m', memory: '16Mi', cpuPeak: 0, memShare: 0 }],
    containers: [{ name: 'elasticsearch', image: 'docker.elastic.co/elasticsearch/elasticsearch:8.16.1', cpu: '1', memory: '6Gi', memoryLimit: '6Gi', port: 9200, cpuPeak: 0.5, memShare: 0.93 }],
  },
  // catalog
  {
    namespace: 'catalog',
    kind: 'Deployment',
    name: 'catalog-api',
    replicas: 2,
    pools: SPOT,
    profile: 'web',
    // Requests copied from a template: uses well over them at the peak.
    containers: [{ name: 'catalog-api', image: `${ECR}/catalog-api:4.0.2`, cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', port: 8080, cpuPeak: 1.7, memShare: 0.9 }],
  },
  {
    namespace: 'catalog',
    kind: 'Deployment',
    name: 'image-resizer',
    replicas: 2,
    pools: SPOT,
    profile: 'web',
    containers: [{ name: 'image-resizer', image: `${ECR}/image-resizer:1.3.0`, cpu: '500m', memory: '512Mi', memoryLimit: '1Gi', port: 8080, cpuPeak: 0.8, memShare: 0.6 }],
  },
  // ml-training
  {
    namespace: 'ml-training',
    kind: 'Deployment',
    name: 'jupyterhub',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'idle',
    containers: [{ name: 'hub', image: 'quay.io/jupyterhub/k8s-hub:4.0.0', cpu: '500m', memory: '2Gi', port: 8081, cpuPeak: 0.1, memShare: 0.2 }],
  },
  {
    namespace: 'ml-training',
    kind: 'Job',
    name: 'train-recsys-v14',
    replicas: 1,
    pools: ['gpu'],
    profile: 'batch',
    volume: { name: 'training-data', sizeGi: 500, storageClass: 'gp3' },
    containers: [{ name: 'trainer', image: `${ECR}/recsys-trainer:14.0.0-cuda12.4`, cpu: '3', memory: '12Gi', gpus: 1, memoryLimit: '14Gi', cpuPeak: 0.85, memShare: 0.8 }],
  },
  // data-pipeline
  {
    namespace: 'data-pipeline',
    kind: 'Deployment',
    name: 'spark-executor',
    replicas: 4,
    pools: SPOT,
    profile: 'web',
    containers: [{ name: 'executor', image: 'docker.io/apache/spark:3.5.3', cpu: '1', memory: '3Gi', memoryLimit: '3Gi', port: 7079, cpuPeak: 0.85, memShare: 0.75 }],
  },
  {
    namespace: 'data-pipeline',
    kind: 'StatefulSet',
    name: 'kafka',
    replicas: 3,
    pools: ON_DEMAND,
    profile: 'web',
    volume: { name: 'data', sizeGi: 500, storageClass: 'st1' },
    containers: [{ name: 'kafka', image: 'docker.io/bitnami/kafka:3.9.0', cpu: '500m', memory: '2Gi', memoryLimit: '2Gi', port: 9092, cpuPeak: 0.45, memShare: 0.75 }],
  },
  // analytics
  {
    namespace: 'analytics',
    kind: 'Deployment',
    name: 'metabase',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'web',
    // A JVM that grows until the nightly restart, ending the day above its request.
    containers: [{ name: 'metabase', image: 'docker.io/metabase/metabase:v0.51.5', cpu: '500m', memory: '2Gi', memoryLimit: '3Gi', port: 3000, cpuPeak: 0.3, memShare: 1.15, leaks: true }],
  },
  // staging
  {
    namespace: 'staging',
    kind: 'Deployment',
    name: 'checkout-api',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'idle',
    containers: [{ name: 'checkout-api', image: `${ECR}/checkout-api:2.15.0-rc.2`, cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', port: 8080, cpuPeak: 0.3, memShare: 0.5 }],
  },
  {
    namespace: 'staging',
    kind: 'Deployment',
    name: 'payments-api',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'idle',
    containers: [{ name: 'payments-api', image: `${ECR}/payments-api:5.3.0-rc.1`, cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', port: 8443, cpuPeak: 0.25, memShare: 0.45 }],
  },
  // dev
  {
    namespace: 'dev',
    kind: 'Deployment',
    name: 'feature-flags',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'idle',
    // Limits only: the API server defaults the requests to them.
    containers: [{ name: 'unleash', image: 'docker.io/unleashorg/unleash-server:6.5.3', cpuLimit: '200m', memoryLimit: '256Mi', port: 4242, cpuPeak: 0.3, memShare: 0.6 }],
  },
  {
    namespace: 'dev',
    kind: 'Deployment',
    name: 'debug-shell',
    replicas: 1,
    pools: ON_DEMAND,
    profile: 'idle',
    // No requests at all (BestEffort).
    containers: [{ name: 'shell', image: 'docker.io/nicolaka/netshoot:v0.13', cpuPeak: 0.05, memShare: 0.3 }],
  },
];

interface CronJobSpec {
  readonly namespace: string;
  readonly name: string;
  /** Runs every `everyMinutes`, starting `atMinute` minutes into each period (UTC). */
  readonly everyMinutes: number;
  readonly atMinute: number;
  /** Run length: `minutes` ± `jitterMinutes`, different for every run. */
  readonly minutes: number;
  readonly jitterMinutes: number;
  /** Finished pods are deleted this long after finishing (`ttlSecondsAfterFinished`); else the last run is kept. */
  readonly ttlMinutes?: number;
  readonly pools: readonly PoolName[];
  readonly container: ContainerSpec;
}

const CRONJOBS: readonly CronJobSpec[] = [
  {
    namespace: 'checkout',
    name: 'abandoned-cart-mailer',
    everyMinutes: 15,
    atMinute: 0,
    minutes: 3,
    jitterMinutes: 1,
    ttlMinutes: 2,
    pools: SPOT,
    container: { name: 'mailer', image: `${ECR}/abandoned-cart-mailer:1.2.0`, cpu: '100m', memory: '128Mi', memoryLimit: '256Mi', cpuPeak: 0.9, memShare: 0.6 },
  },
  {
    namespace: 'analytics',
    name: 'hourly-report',
    everyMinutes: 60,
    atMinute: 5,
    minutes: 18,
    jitterMinutes: 6,
    ttlMinutes: 10,
    pools: SPOT,
    container: { name: 'report', image: `${ECR}/reporting:2.3.0`, cpu: '500m', memory: '1Gi', memoryLimit: '2Gi', cpuPeak: 0.95, memShare: 0.7 },
  },
  {
    namespace: 'data-pipeline',
    name: 'nightly-etl',
    everyMinutes: 1440,
    atMinute: 60,
    minutes: 150,
    jitterMinutes: 30,
    pools: ON_DEMAND,
    container: { name: 'etl', image: `${ECR}/etl-jobs:2024.11.2`, cpu: '2', memory: '4Gi', memoryLimit: '6Gi', cpuPeak: 0.9, memShare: 0.8 },
  },
  {
    namespace: 'payments',
    name: 'ledger-reconcile',
    everyMinutes: 360,
    atMinute: 30,
    minutes: 12,
    jitterMinutes: 4,
    pools: ON_DEMAND,
    container: { name: 'reconcile', image: `${ECR}/ledger-reconcile:1.4.1`, cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', cpuPeak: 0.7, memShare: 0.6 },
  },
];

// ---------------------------------------------------------------------------------------------
// Usage over time

/** Traffic over the day, 0 at 04:00 UTC to 1 at 16:00 UTC (US business hours). */
export function diurnalLoad(nowMs: number): number {
  const hour = (((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
}

/** Saturday and Sunday (UTC) carry 60% of a weekday's traffic. */
function weekFactor(nowMs: number): number {
  const weekday = (Math.floor(nowMs / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6 ? 0.6 : 1;
}

function profileLevel(profile: Profile, nowMs: number): number {
  const day = diurnalLoad(nowMs) * weekFactor(nowMs);
  switch (profile) {
    case 'web':
      return 0.2 + 0.8 * day;
    case 'steady':
      return 0.75 + 0.25 * day;
    case 'batch':
      return 1;
    case 'idle':
      return 0.3 + 0.2 * day;
  }
}

const NOISE_BUCKET_MS = 5 * MINUTE_MS;

/** Smooth noise in [0, 1): seeded values every 5 minutes, eased between them. */
function smoothNoise(key: number, nowMs: number): number {
  const position = nowMs / NOISE_BUCKET_MS;
  const bucket = Math.floor(position);
  const f = position - bucket;
  const eased = f * f * (3 - 2 * f);
  const a = unitOf(key, bucket);
  const b = unitOf(key, bucket + 1);
  return a + (b - a) * eased;
}

// ---------------------------------------------------------------------------------------------
// Building the objects

interface PlannedNode {
  readonly name: string;
  readonly pool: PoolSpec;
  readonly zone: (typeof ZONES)[number];
  readonly ip: string;
  readonly createdMs: number;
  readonly json: JsonObject;
  freeCpuM: number;
  freeMemMi: number;
}

/** A container as usage needs it. */
interface UsageContainer {
  readonly name: string;
  readonly cpuBaseM: number;
  readonly memBaseBytes: number;
  readonly cpuPeak: number;
  readonly memShare: number;
  readonly leaks: boolean;
  readonly noiseKey: number;
}

interface PlannedPod {
  readonly namespace: string;
  readonly name: string;
  readonly json: JsonObject;
  readonly profile: Profile;
  /** Running containers (app containers and sidecars) with what their usage is based on. */
  readonly usage: readonly UsageContainer[];
  readonly running: boolean;
}

interface PodInput {
  readonly namespace: string;
  readonly name: string;
  readonly generateName?: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly owner?: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly uid: string };
  readonly node: PlannedNode | undefined;
  readonly containers: readonly ContainerSpec[];
  readonly initContainers: readonly ContainerSpec[];
  readonly claims: readonly { readonly volume: string; readonly claim: string }[];
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly createdMs: number;
  readonly startedMs: number;
  readonly finishedMs?: number;
  readonly serviceAccount: string;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
  readonly priorityClassName?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly profile: Profile;
  readonly rng: Rng;
  readonly seed: number;
}

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Quantity strings → numbers for sizing; the objects carry the strings. */
function milli(q: string | undefined): number {
  if (q === undefined) return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

function mebi(q: string | undefined): number {
  if (q === undefined) return 0;
  if (q.endsWith('Gi')) return Number(q.slice(0, -2)) * 1024;
  if (q.endsWith('Mi')) return Number(q.slice(0, -2));
  throw new RangeError(`demo cluster: unexpected memory quantity ${q}`);
}

/** What the scheduler counts: requests, or limits when only those are set. */
function requestedCpuM(c: ContainerSpec): number {
  return milli(c.cpu ?? c.cpuLimit);
}

function requestedMemMi(c: ContainerSpec): number {
  return mebi(c.memory ?? c.memoryLimit);
}

/** Effective pod request: max(largest init container, sum of app containers + sidecars). */
function podRequest(containers: readonly ContainerSpec[], init: readonly ContainerSpec[]): { cpuM: number; memMi: number } {
  let cpuM = 0;
  let memMi = 0;
  for (const c of [...containers, ...init.filter((i) => i.sidecar)]) {
    cpuM += requestedCpuM(c);
    memMi += requestedMemMi(c);
  }
  for (const c of init) {
    if (c.sidecar) continue;
    cpuM = Math.max(cpuM, requestedCpuM(c));
    memMi = Math.max(memMi, requestedMemMi(c));
  }
  return { cpuM, memMi };
}

function resources(c: ContainerSpec): JsonObject {
  const requests: JsonObject = {};
  const limits: JsonObject = {};
  if (c.cpu !== undefined) requests['cpu'] = c.cpu;
  if (c.memory !== undefined) requests['memory'] = c.memory;
  if (c.cpuLimit !== undefined) limits['cpu'] = c.cpuLimit;
  if (c.memoryLimit !== undefined) limits['memory'] = c.memoryLimit;
  if (c.gpus !== undefined) {
    requests['nvidia.com/gpu'] = String(c.gpus);
    limits['nvidia.com/gpu'] = String(c.gpus);
  }
  const out: JsonObject = {};
  if (Object.keys(limits).length > 0) out['limits'] = limits;
  if (Object.keys(requests).length > 0) out['requests'] = requests;
  return out;
}

function qosClass(containers: readonly ContainerSpec[]): string {
  if (containers.every((c) => c.cpu === undefined && c.memory === undefined && c.cpuLimit === undefined && c.memoryLimit === undefined)) return 'BestEffort';
  const guaranteed = containers.every((c) => c.cpuLimit !== undefined && c.memoryLimit !== undefined && (c.cpu ?? c.cpuLimit) === c.cpuLimit && (c.memory ?? c.memoryLimit) === c.memoryLimit);
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function containerJson(c: ContainerSpec, tokenVolume: string, mounts: readonly { volume: string; path: string }[]): JsonObject {
  const json: JsonObject = {
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    name: c.name,
    resources: resources(c),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [...mounts.map((m) => ({ mountPath: m.path, name: m.volume })), { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: tokenVolume, readOnly: true }],
  };
  if (c.port !== undefined) json['ports'] = [{ containerPort: c.port, name: c.port === 53 ? 'dns' : 'http', protocol: c.port === 53 ? 'UDP' : 'TCP' }];
  if (c.sidecar) json['restartPolicy'] = 'Always';
  return json;
}

function containerStatus(c: ContainerSpec, p: PodInput, init: boolean): JsonObject {
  const digest = p.rng.hex(64);
  const common = { image: c.image, imageID: `${c.image.split(':')[0]}@sha256:${digest}`, name: c.name, restartCount: 0, containerID: `containerd://${p.rng.hex(64)}` };
  const startedAt = iso(p.startedMs + (init ? 1_000 : 4_000));
  if ((init && !c.sidecar) || p.phase === 'Succeeded') {
    const finishedAt = iso(init && !c.sidecar ? p.startedMs + 3_000 : (p.finishedMs ?? p.startedMs));
    return { ...common, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt } }, lastState: {} };
  }
  if (p.phase === 'Failed') {
    return { ...common, ready: false, started: false, state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt, finishedAt: iso(p.finishedMs ?? p.startedMs) } }, lastState: {} };
  }
  return { ...common, ready: true, started: true, state: { running: { startedAt } }, lastState: {} };
}

function podJson(p: PodInput): JsonObject {
  const tokenVolume = `kube-api-access-${p.rng.nameSuffix(5)}`;
  const mounts = p.claims.map((c) => ({ volume: c.volume, path: `/var/lib/${c.volume}` }));
  const uid = p.rng.uuid();
  const metadata: JsonObject = {
    creationTimestamp: iso(p.createdMs),
    labels: p.labels,
    name: p.name,
    namespace: p.namespace,
    resourceVersion: String(1_000_000 + p.rng.int(98_000_000)),
    uid,
  };
  if (p.generateName !== undefined) metadata['generateName'] = p.generateName;
  if (p.annotations !== undefined) metadata['annotations'] = p.annotations;
  if (p.owner !== undefined) metadata['ownerReferences'] = [{ ...p.owner, blockOwnerDeletion: true, controller: true }];
  const volumes: JsonObject[] = [
    ...p.claims.map((c) => ({ name: c.volume, persistentVolumeClaim: { claimName: c.claim } })),
    {
      name: tokenVolume,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
        ],
      },
    },
  ];
  const gpu = p.containers.some((c) => c.gpus !== undefined);
  const tolerations: JsonObject[] = [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  if (gpu) tolerations.push({ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' });
  const spec: JsonObject = {
    containers: p.containers.map((c) => containerJson(c, tokenVolume, mounts)),
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: p.priorityClassName === 'system-node-critical' ? 2000001000 : p.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0,
    restartPolicy: p.restartPolicy,
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: p.serviceAccount,
    serviceAccountName: p.serviceAccount,
    terminationGracePeriodSeconds: 30,
    tolerations,
    volumes,
  };
  if (p.initContainers.length > 0) spec['initContainers'] = p.initContainers.map((c) => containerJson(c, tokenVolume, []));
  if (p.node !== undefined) spec['nodeName'] = p.node.name;
  if (p.priorityClassName !== undefined) spec['priorityClassName'] = p.priorityClassName;
  if (gpu) spec['nodeSelector'] = { 'nvidia.com/gpu.present': 'true' };

  const scheduled = p.node !== undefined;
  const ready = p.phase === 'Running';
  const transition = iso(p.startedMs);
  const condition = (type: string, status: boolean, extra: JsonObject = {}) => ({ lastProbeTime: null, lastTransitionTime: transition, status: status ? 'True' : 'False', type, ...extra });
  const status: JsonObject = {
    conditions: scheduled
      ? [
          condition('PodReadyToStartContainers', p.phase !== 'Failed'),
          condition('Initialized', true, p.phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}),
          condition('Ready', ready, ready ? {} : { reason: p.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' }),
          condition('ContainersReady', ready, ready ? {} : { reason: p.phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' }),
          condition('PodScheduled', true),
        ]
      : [condition('PodScheduled', false, { message: p.message ?? '', reason: 'Unschedulable' })],
    phase: p.phase,
    qosClass: qosClass([...p.containers, ...p.initContainers]),
  };
  if (scheduled && p.node !== undefined) {
    const podIp = `10.0.${SUBNET_BASE[p.node.zone] + p.rng.int(32)}.${4 + p.rng.int(250)}`;
    status['containerStatuses'] = p.containers.map((c) => containerStatus(c, p, false));
    status['hostIP'] = p.node.ip;
    status['hostIPs'] = [{ ip: p.node.ip }];
    if (p.initContainers.length > 0) status['initContainerStatuses'] = p.initContainers.map((c) => containerStatus(c, p, true));
    status['podIP'] = podIp;
    status['podIPs'] = [{ ip: podIp }];
    status['startTime'] = iso(p.startedMs);
  }
  if (p.reason !== undefined && scheduled) {
    status['reason'] = p.reason;
    status['message'] = p.message ?? '';
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status };
}

function usageContainers(namespace: string, name: string, containers: readonly ContainerSpec[], init: readonly ContainerSpec[], seed: number): UsageContainer[] {
  return [...init.filter((c) => c.sidecar), ...containers].map((c) => ({
    name: c.name,
    cpuBaseM: requestedCpuM(c) || 100,
    memBaseBytes: (requestedMemMi(c) || 128) * MiB,
    cpuPeak: c.cpuPeak,
    memShare: c.memShare,
    leaks: c.leaks === true,
    noiseKey: hashString(`${namespace}/${name}/${c.name}`, seed >>> 0),
  }));
}

function toPlanned(input: PodInput): PlannedPod {
  return {
    namespace: input.namespace,
    name: input.name,
    json: podJson(input),
    profile: input.profile,
    usage: usageContainers(input.namespace, input.name, input.containers, input.initContainers, input.seed),
    running: input.phase === 'Running',
  };
}

export interface DemoCluster {
  readonly seed: number;
  /** Objects that do not change with time (nodes, most pods, volumes, services, namespaces, classes). */
  readonly staticItems: readonly JsonObject[];
  /** Pods that come and go (CronJob runs) as they are at `nowMs`. */
  podsAt(nowMs: number): readonly JsonObject[];
  /** Everything at `nowMs`, as `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json` lists it. */
  kubeList(nowMs: number): KubeListDocument;
  /** Usage at `nowMs`, as `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` prints it. */
  podMetrics(nowMs: number): PodMetricsListDocument;
}

/** kubectl prints the kinds in the order asked for, each sorted by namespace and name. */
const KIND_ORDER = ['Node', 'Pod', 'PersistentVolume', 'PersistentVolumeClaim', 'Service', 'Namespace', 'StorageClass'];

function kubectlOrder(a: JsonObject, b: JsonObject): number {
  const byKind = KIND_ORDER.indexOf(a['kind'] as string) - KIND_ORDER.indexOf(b['kind'] as string);
  if (byKind !== 0) return byKind;
  const ma = a['metadata'] as JsonObject;
  const mb = b['metadata'] as JsonObject;
  const na = `${(ma['namespace'] as string | undefined) ?? ''}/${ma['name'] as string}`;
  const nb = `${(mb['namespace'] as string | undefined) ?? ''}/${mb['name'] as string}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** A cluster that has been running since 2025: objects are old, whatever the clock says. */
const CLUSTER_CREATED_MS = Date.UTC(2025, 2, 12, 9, 14, 27);

export function createDemoCluster(options: { readonly seed?: number } = {}): DemoCluster {
  const { seed = 42 } = options;
  const rng = (key: string) => new Rng(seed, key);

  // Nodes
  const nodes: PlannedNode[] = [];
  let zoneIndex = 0;
  for (const pool of POOLS) {
    for (let i = 0; i < pool.count; i++) {
      const r = rng(`node/${pool.name}/${i}`);
      const zone = ZONES[zoneIndex % ZONES.length]!;
      zoneIndex += 1;
      const ip = `10.0.${SUBNET_BASE[zone] + r.int(32)}.${4 + r.int(250)}`;
      const name = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
      const instanceId = `i-0${r.hex(16)}`;
      // Managed node groups date from the cluster's early days; Karpenter replaces spot nodes often.
      const createdMs = pool.karpenter ? Date.UTC(2025, 10, 18) + r.int(2 * DAY_MS) : CLUSTER_CREATED_MS + (200 + r.int(40)) * DAY_MS;
      const capacityKi = Math.round(pool.memoryGiB * 1024 * 1024 * 0.9652);
      const reservedCpuM = 60 + 10 + (pool.vcpus > 2 ? 5 * Math.min(2, pool.vcpus - 2) : 0) + (pool.vcpus > 4 ? 2.5 * (pool.vcpus - 4) : 0);
      const reservedMemMi = 255 + 11 * pool.maxPods + 100;
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': pool.instanceType,
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': pool.spot ? 'SPOT' : 'ON_DEMAND',
        'failure-domain.beta.kubernetes.io/region': REGION,
        'failure-domain.beta.kubernetes.io/zone': zone,
        'k8s.io/cloud-provider-aws': r.hex(32),
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': pool.instanceType,
        'topology.ebs.csi.aws.com/zone': zone,
        'topology.k8s.aws/zone-id': `use1-az${[4, 6, 1][ZONES.indexOf(zone)]}`,
        'topology.kubernetes.io/region': REGION,
        'topology.kubernetes.io/zone': zone,
      };
      if (pool.karpenter) {
        Object.assign(labels, {
          'karpenter.k8s.aws/instance-category': pool.instanceType[0]!,
          'karpenter.k8s.aws/instance-cpu': String(pool.vcpus),
          'karpenter.k8s.aws/instance-family': pool.instanceType.split('.')[0]!,
          'karpenter.k8s.aws/instance-memory': String(pool.memoryGiB * 1024),
          'karpenter.k8s.aws/instance-size': pool.instanceType.split('.')[1]!,
          'karpenter.sh/capacity-type': 'spot',
          'karpenter.sh/initialized': 'true',
          'karpenter.sh/nodepool': pool.name,
          'karpenter.sh/registered': 'true',
        });
      } else {
        Object.assign(labels, {
          'eks.amazonaws.com/nodegroup': pool.name,
          'eks.amazonaws.com/nodegroup-image': `ami-0${r.hex(16)}`,
          'eks.amazonaws.com/sourceLaunchTemplateId': `lt-0${r.hex(16)}`,
          'eks.amazonaws.com/sourceLaunchTemplateVersion': '3',
        });
      }
      if (pool.gpus > 0) labels['nvidia.com/gpu.present'] = 'true';
      const capacity: JsonObject = { cpu: String(pool.vcpus), 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${capacityKi}Ki`, pods: String(pool.maxPods) };
      const allocatable: JsonObject = { cpu: `${pool.vcpus * 1000 - reservedCpuM}m`, 'ephemeral-storage': '95551679124', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${capacityKi - reservedMemMi * 1024}Ki`, pods: String(pool.maxPods) };
      if (pool.gpus > 0) {
        capacity['nvidia.com/gpu'] = String(pool.gpus);
        allocatable['nvidia.com/gpu'] = String(pool.gpus);
      }
      const heartbeat = iso(Date.UTC(2025, 10, 24, 14, 3) + r.int(240_000));
      const condition = (type: string, status: string, reason: string, message: string) => ({ lastHeartbeatTime: heartbeat, lastTransitionTime: iso(createdMs + 30_000), message, reason, status, type });
      const spec: JsonObject = { providerID: `aws:///${zone}/${instanceId}` };
      if (pool.taint) spec['taints'] = [pool.taint];
      const json: JsonObject = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          annotations: {
            'alpha.kubernetes.io/provided-node-ip': ip,
            'csi.volume.kubernetes.io/nodeid': JSON.stringify({ 'ebs.csi.aws.com': instanceId }),
            'node.alpha.kubernetes.io/ttl': '0',
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          },
          creationTimestamp: iso(createdMs),
          labels,
          name,
          resourceVersion: String(90_000_000 + r.int(9_000_000)),
          uid: r.uuid(),
        },
        spec,
        status: {
          addresses: [
            { address: ip, type: 'InternalIP' },
            { address: name, type: 'InternalDNS' },
            { address: name, type: 'Hostname' },
          ],
          allocatable,
          capacity,
          conditions: [
            condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
            condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
            condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
            condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            architecture: 'amd64',
            bootID: r.uuid(),
            containerRuntimeVersion: 'containerd://1.7.23',
            kernelVersion: '6.1.115-126.197.amzn2023.x86_64',
            kubeProxyVersion: KUBELET_VERSION,
            kubeletVersion: KUBELET_VERSION,
            machineID: r.hex(32),
            operatingSystem: 'linux',
            osImage: 'Amazon Linux 2023.6.20241121',
            systemUUID: `ec2${r.hex(5)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
          },
        },
      };
      nodes.push({ name, pool, zone, ip, createdMs, json, freeCpuM: pool.vcpus * 1000 - reservedCpuM, freeMemMi: Math.floor(capacityKi / 1024) - reservedMemMi });
    }
  }

  /** First fit from a different node for each replica, so replicas spread over nodes and zones. */
  const place = (pools: readonly PoolName[], need: { cpuM: number; memMi: number }, spread: number, what: string): PlannedNode => {
    const candidates = nodes.filter((n) => pools.includes(n.pool.name));
    for (let i = 0; i < candidates.length; i++) {
      const n = candidates[(spread + i) % candidates.length]!;
      if (n.freeCpuM >= need.cpuM && n.freeMemMi >= need.memMi) {
        n.freeCpuM -= need.cpuM;
        n.freeMemMi -= need.memMi;
        return n;
      }
    }
    throw new Error(`demo cluster: no room for ${what} (${need.cpuM}m, ${need.memMi}Mi) in ${pools.join(', ')}`);
  };

  const staticPods: PlannedPod[] = [];
  const volumes: JsonObject[] = [];
  const claims: JsonObject[] = [];

  const addVolume = (namespace: string, claim: string, sizeGi: number, storageClass: string, node: PlannedNode, labels: Record<string, string>, createdMs: number): void => {
    const r = rng(`pv/${namespace}/${claim}`);
    const pvName = `pvc-${r.uuid()}`;
    const claimUid = pvName.slice(4);
    const size = `${sizeGi}Gi`;
    const inTree = storageClass === 'gp2';
    const volumeId = `vol-0${r.hex(16)}`;
    claims.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': inTree ? 'kubernetes.io/aws-ebs' : 'ebs.csi.aws.com',
          'volume.kubernetes.io/selected-node': node.name,
          'volume.kubernetes.io/storage-provisioner': inTree ? 'kubernetes.io/aws-ebs' : 'ebs.csi.aws.com',
        },
        creationTimestamp: iso(createdMs),
        finalizers: ['kubernetes.io/pvc-protection'],
        labels,
        name: claim,
        namespace,
        resourceVersion: String(2_000_000 + r.int(90_000_000)),
        uid: claimUid,
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: storageClass, volumeMode: 'Filesystem', volumeName: pvName },
      status: { accessModes: ['ReadWriteOnce'], capacity: { storage: size }, phase: 'Bound' },
    });
    const source: JsonObject = inTree
      ? { awsElasticBlockStore: { fsType: 'ext4', volumeID: `aws://${node.zone}/${volumeId}` } }
      : { csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': `1741771254019-${r.int(9000) + 1000}-ebs.csi.aws.com` }, volumeHandle: volumeId } };
    volumes.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        annotations: { 'pv.kubernetes.io/provisioned-by': inTree ? 'kubernetes.io/aws-ebs' : 'ebs.csi.aws.com', ...(inTree ? { 'pv.kubernetes.io/migrated-to': 'ebs.csi.aws.com' } : {}), 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' },
        creationTimestamp: iso(createdMs + 5_000),
        finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
        labels: inTree ? { 'topology.kubernetes.io/region': REGION, 'topology.kubernetes.io/zone': node.zone } : {},
        name: pvName,
        resourceVersion: String(2_000_000 + r.int(90_000_000)),
        uid: r.uuid(),
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: size },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace, resourceVersion: String(2_000_000 + r.int(90_000_000)), uid: claimUid },
        ...source,
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [node.zone] }] }] } },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: storageClass,
        volumeMode: 'Filesystem',
      },
      status: { lastPhaseTransitionTime: iso(createdMs + 6_000), phase: 'Bound' },
    });
  };

  // Workload pods: DaemonSets first, as they run on every node whatever else is there.
  const daemonSetsFirst = [...WORKLOADS.filter((w) => w.kind === 'DaemonSet'), ...WORKLOADS.filter((w) => w.kind !== 'DaemonSet')];
  for (const w of daemonSetsFirst) {
    const wr = rng(`workload/${w.namespace}/${w.name}`);
    const createdMs = CLUSTER_CREATED_MS + (30 + wr.int(200)) * DAY_MS + wr.int(DAY_MS);
    // Pods were last rolled out some days before the cluster's "now" (late November 2025).
    const rolledMs = Date.UTC(2025, 10, 10) + wr.int(9 * DAY_MS);
    const init = w.initContainers ?? [];
    const need = podRequest(w.containers, init);
    const targets = w.kind === 'DaemonSet' ? nodes.filter((n) => w.pools.includes(n.pool.name)) : [];
    const replicas = w.kind === 'DaemonSet' ? targets.length : w.replicas;
    const hash = w.kind === 'Deployment' ? wr.nameSuffix(9 + wr.int(2)) : '';
    const revision = `${w.name}-${wr.nameSuffix(10)}`;
    const ownerUid = wr.uuid();
    for (let i = 0; i < replicas; i++) {
      const r = rng(`pod/${w.namespace}/${w.name}/${i}`);
      let node: PlannedNode;
      if (w.kind === 'DaemonSet') {
        node = targets[i]!;
        node.freeCpuM -= need.cpuM;
        node.freeMemMi -= need.memMi;
      } else {
        node = place(w.pools, need, hashString(w.name) + i, `${w.namespace}/${w.name}`);
      }
      let name: string;
      let generateName: string | undefined;
      let owner: PodInput['owner'];
      const labels: Record<string, string> = { 'app.kubernetes.io/name': w.name, ...w.labels };
      switch (w.kind) {
        case 'Deployment':
          generateName = `${w.name}-${hash}-`;
          name = `${generateName}${r.nameSuffix(5)}`;
          owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${w.name}-${hash}`, uid: ownerUid };
          labels['pod-template-hash'] = hash;
          break;
        case 'StatefulSet':
          name = `${w.name}-${i}`;
          generateName = `${w.name}-`;
          owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: w.name, uid: ownerUid };
          labels['apps.kubernetes.io/pod-index'] = String(i);
          labels['controller-revision-hash'] = revision;
          labels['statefulset.kubernetes.io/pod-name'] = name;
          break;
        case 'DaemonSet':
          generateName = `${w.name}-`;
          name = `${generateName}${r.nameSuffix(5)}`;
          owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: w.name, uid: ownerUid };
          labels['controller-revision-hash'] = revision.slice(w.name.length + 1);
          labels['pod-template-generation'] = String(1 + wr.int(6));
          break;
        case 'Job':
          generateName = `${w.name}-`;
          name = `${generateName}${r.nameSuffix(5)}`;
          owner = { apiVersion: 'batch/v1', kind: 'Job', name: w.name, uid: ownerUid };
          labels['batch.kubernetes.io/controller-uid'] = ownerUid;
          labels['batch.kubernetes.io/job-name'] = w.name;
          labels['controller-uid'] = ownerUid;
          labels['job-name'] = w.name;
          break;
      }
      const podClaims: { volume: string; claim: string }[] = [];
      if (w.volume) {
        const claim = w.kind === 'StatefulSet' ? `${w.volume.name}-${name}` : w.volume.name;
        podClaims.push({ volume: w.volume.name, claim });
        addVolume(w.namespace, claim, w.volume.sizeGi, w.volume.storageClass, node, { 'app.kubernetes.io/name': w.name }, w.kind === 'StatefulSet' ? createdMs : rolledMs - HOUR_MS);
      }
      const startedMs = w.kind === 'DaemonSet' ? Math.max(node.createdMs + 40_000, rolledMs) : rolledMs + i * 95_000;
      staticPods.push(
        toPlanned({
          namespace: w.namespace,
          name,
          generateName,
          labels,
          owner,
          node,
          containers: w.containers,
          initContainers: init,
          claims: podClaims,
          phase: 'Running',
          createdMs: startedMs - 2_000,
          startedMs,
          serviceAccount: w.serviceAccount ?? (w.namespace === 'kube-system' ? w.name : 'default'),
          restartPolicy: w.kind === 'Job' ? 'Never' : 'Always',
          ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
          profile: w.profile,
          rng: r,
          seed,
        }),
      );
    }
  }

  // An evicted pod left behind in staging, and an unschedulable training run asking for 4 GPUs.
  {
    const r = rng('pod/staging/evicted');
    const hash = rng('workload/staging/checkout-api/previous-rollout').nameSuffix(9);
    const node = nodes.find((n) => n.pool.name === 'general')!;
    const name = `checkout-api-${hash}-${r.nameSuffix(5)}`;
    staticPods.push(
      toPlanned({
        namespace: 'staging',
        name,
        generateName: `checkout-api-${hash}-`,
        labels: { 'app.kubernetes.io/name': 'checkout-api', 'pod-template-hash': hash },
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `checkout-api-${hash}`, uid: r.uuid() },
        node,
        containers: WORKLOADS.find((w) => w.namespace === 'staging' && w.name === 'checkout-api')!.containers,
        initContainers: [],
        claims: [],
        phase: 'Failed',
        createdMs: Date.UTC(2025, 10, 8, 13, 2),
        startedMs: Date.UTC(2025, 10, 8, 13, 2, 3),
        finishedMs: Date.UTC(2025, 10, 9, 2, 41),
        serviceAccount: 'default',
        restartPolicy: 'Always',
        reason: 'Evicted',
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 94436Ki. Container checkout-api was using 1204876Ki, request is 512Mi, has larger consumption of memory. ',
        profile: 'idle',
        rng: r,
        seed,
      }),
    );
    const pr = rng('pod/ml-training/pending');
    staticPods.push(
      toPlanned({
        namespace: 'ml-training',
        name: `finetune-llm-7b-${pr.nameSuffix(5)}`,
        generateName: 'finetune-llm-7b-',
        labels: { 'app.kubernetes.io/name': 'finetune-llm-7b', 'batch.kubernetes.io/job-name': 'finetune-llm-7b', 'job-name': 'finetune-llm-7b' },
        owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'finetune-llm-7b', uid: pr.uuid() },
        node: undefined,
        containers: [{ name: 'trainer', image: `${ECR}/llm-finetune:0.3.0-cuda12.4`, cpu: '8', memory: '48Gi', gpus: 4, memoryLimit: '48Gi', cpuPeak: 0, memShare: 0 }],
        initContainers: [],
        claims: [],
        phase: 'Pending',
        createdMs: Date.UTC(2025, 10, 20, 16, 45),
        startedMs: Date.UTC(2025, 10, 20, 16, 45),
        serviceAccount: 'default',
        restartPolicy: 'Never',
        message:
          '0/12 nodes are available: 1 Insufficient nvidia.com/gpu, 11 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/12 nodes are available: 1 No preemption victims found for incoming pod, 11 Preemption is not helpful for scheduling.',
        profile: 'batch',
        rng: pr,
        seed,
      }),
    );
  }

  // Volumes nobody uses: a released one whose claim was deleted, and one never claimed.
  {
    const r = rng('pv/orphans');
    volumes.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' }, creationTimestamp: iso(Date.UTC(2025, 6, 2, 11, 20)), finalizers: ['kubernetes.io/pv-protection'], name: `pvc-${r.uuid()}`, resourceVersion: String(40_000_000 + r.int(9_000_000)), uid: r.uuid() },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '100Gi' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data-old-mysql-0', namespace: 'dev', resourceVersion: '39120554', uid: r.uuid() },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: `vol-0${r.hex(16)}` },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'gp3',
        volumeMode: 'Filesystem',
      },
      status: { lastPhaseTransitionTime: iso(Date.UTC(2025, 8, 14, 17, 3)), phase: 'Released' },
    });
    volumes.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { creationTimestamp: iso(Date.UTC(2025, 4, 21, 8, 45)), finalizers: ['kubernetes.io/pv-protection'], labels: { purpose: 'jenkins-cache' }, name: 'jenkins-cache-use1a', resourceVersion: String(20_000_000 + r.int(9_000_000)), uid: r.uuid() },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '250Gi' },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: `vol-0${r.hex(16)}` },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } },
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'gp2',
        volumeMode: 'Filesystem',
      },
      status: { lastPhaseTransitionTime: iso(Date.UTC(2025, 4, 21, 8, 45)), phase: 'Available' },
    });
  }

  // CronJobs: a node for each, reserved for its runs.
  const cronNodes = CRONJOBS.map((c, i) => place(c.pools, podRequest([c.container], []), i * 3 + 1, `${c.namespace}/${c.name}`));

  const cronRun = (c: CronJobSpec, index: number, run: number, nowMs: number): PlannedPod | undefined => {
    const periodMs = c.everyMinutes * MINUTE_MS;
    const startMs = run * periodMs + c.atMinute * MINUTE_MS;
    if (startMs > nowMs) return undefined;
    const r = rng(`cron/${c.namespace}/${c.name}/${run}`);
    const minutes = c.minutes + (r.float() * 2 - 1) * c.jitterMinutes;
    const finishedMs = startMs + 8_000 + Math.round(minutes * MINUTE_MS);
    if (c.ttlMinutes !== undefined && nowMs >= finishedMs + c.ttlMinutes * MINUTE_MS) return undefined;
    const jobName = `${c.name}-${Math.floor(startMs / MINUTE_MS)}`;
    const jobUid = r.uuid();
    return toPlanned({
      namespace: c.namespace,
      name: `${jobName}-${r.nameSuffix(5)}`,
      generateName: `${jobName}-`,
      labels: { 'batch.kubernetes.io/controller-uid': jobUid, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': jobUid, 'job-name': jobName, 'app.kubernetes.io/name': c.name },
      owner: { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: jobUid },
      node: cronNodes[index]!,
      containers: [c.container],
      initContainers: [],
      claims: [],
      phase: nowMs < finishedMs ? 'Running' : 'Succeeded',
      createdMs: startMs,
      startedMs: startMs + 1_000,
      finishedMs,
      serviceAccount: 'default',
      restartPolicy: 'OnFailure',
      profile: 'batch',
      rng: r,
      seed,
    });
  };

  const cronPodsAt = (nowMs: number): PlannedPod[] => {
    const pods: PlannedPod[] = [];
    CRONJOBS.forEach((c, index) => {
      const periodMs = c.everyMinutes * MINUTE_MS;
      const run = Math.floor((nowMs - c.atMinute * MINUTE_MS) / periodMs);
      const current = cronRun(c, index, run, nowMs);
      const previous = cronRun(c, index, run - 1, nowMs);
      // Without a TTL the last finished run is kept (successfulJobsHistoryLimit: 1) until the
      // next run finishes; with one, a run's pod is deleted that long after it finished.
      if (previous !== undefined && (c.ttlMinutes !== undefined || current?.running === true)) pods.push(previous);
      if (current !== undefined) pods.push(current);
    });
    return pods;
  };

  // Services, namespaces, storage classes
  const serviceIp = (key: string) => {
    const r = rng(`svc/${key}`);
    return `10.100.${r.int(256)}.${1 + r.int(254)}`;
  };
  const service = (namespace: string, name: string, selector: Record<string, string> | undefined, ports: JsonObject[], extra: { type?: string; clusterIP?: string; annotations?: Record<string, string>; ingress?: JsonObject[] } = {}): JsonObject => {
    const r = rng(`svc/${namespace}/${name}`);
    const clusterIP = extra.clusterIP ?? serviceIp(`${namespace}/${name}`);
    const spec: JsonObject = {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports,
      sessionAffinity: 'None',
      type: extra.type ?? 'ClusterIP',
    };
    if (selector) spec['selector'] = selector;
    if (extra.type === 'LoadBalancer') {
      spec['allocateLoadBalancerNodePorts'] = true;
      spec['externalTrafficPolicy'] = 'Local';
      spec['healthCheckNodePort'] = 30000 + r.int(2767);
    }
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...(extra.annotations ? { annotations: extra.annotations } : {}),
        creationTimestamp: iso(CLUSTER_CREATED_MS + (20 + r.int(200)) * DAY_MS),
        labels: { 'app.kubernetes.io/name': selector?.['app.kubernetes.io/name'] ?? name },
        name,
        namespace,
        resourceVersion: String(1_000_000 + r.int(90_000_000)),
        uid: r.uuid(),
      },
      spec,
      status: { loadBalancer: extra.ingress ? { ingress: extra.ingress } : {} },
    };
  };
  const port = (name: string, portNumber: number, target: number | string = portNumber, protocol = 'TCP'): JsonObject => ({ name, port: portNumber, protocol, targetPort: target });
  const app = (name: string) => ({ 'app.kubernetes.io/name': name });
  const lbr = rng('svc/ingress-nginx/lb');
  const services: JsonObject[] = [
    service('default', 'kubernetes', undefined, [port('https', 443, 443)], { clusterIP: '10.100.0.1' }),
    service('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [port('dns', 53, 53, 'UDP'), port('dns-tcp', 53, 53)], { clusterIP: '10.100.0.10' }),
    service('kube-system', 'metrics-server', app('metrics-server'), [port('https', 443, 10250)]),
    service('monitoring', 'prometheus-k8s', app('prometheus-k8s'), [port('web', 9090)]),
    service('monitoring', 'alertmanager-main', app('alertmanager-main'), [port('web', 9093)]),
    service('monitoring', 'grafana', app('grafana'), [port('http', 3000)]),
    service('monitoring', 'kube-state-metrics', app('kube-state-metrics'), [port('https-main', 8443, 'https-main')], { clusterIP: 'None' }),
    service('logging', 'loki', app('loki'), [port('http-metrics', 3100)]),
    service('ingress-nginx', 'ingress-nginx-controller', app('ingress-nginx-controller'), [{ ...port('http', 80, 'http'), nodePort: 30000 + lbr.int(2767) }, { ...port('https', 443, 'https'), nodePort: 30000 + lbr.int(2767) }], {
      type: 'LoadBalancer',
      annotations: {
        'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'tcp',
        'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      },
      ingress: [{ hostname: `k8s-ingressn-ingressn-${lbr.hex(10)}-${lbr.hex(16)}.elb.${REGION}.amazonaws.com` }],
    }),
    service('ingress-nginx', 'ingress-nginx-controller-admission', app('ingress-nginx-controller'), [port('https-webhook', 443, 'webhook')]),
    service('checkout', 'checkout-api', app('checkout-api'), [port('http', 80, 8080)]),
    service('checkout', 'redis', app('redis'), [port('redis', 6379)]),
    service('payments', 'payments-api', app('payments-api'), [port('https', 443, 8443)]),
    service('payments', 'fraud-detector', app('fraud-detector'), [port('http', 80, 8080)]),
    service('payments', 'postgres', app('postgres'), [port('postgres', 5432)]),
    service('search', 'search-api', app('search-api'), [port('http', 80, 8080)]),
    service('search', 'elasticsearch', app('elasticsearch'), [port('http', 9200), port('transport', 9300)], { clusterIP: 'None' }),
    service('catalog', 'catalog-api', app('catalog-api'), [port('http', 80, 8080)]),
    service('catalog', 'image-resizer', app('image-resizer'), [port('http', 80, 8080)]),
    service('ml-training', 'jupyterhub', app('jupyterhub'), [port('http', 80, 8081)]),
    service('data-pipeline', 'kafka', app('kafka'), [port('tcp-client', 9092)], { clusterIP: 'None' }),
    service('analytics', 'metabase', app('metabase'), [port('http', 80, 3000)]),
    service('staging', 'checkout-api', app('checkout-api'), [port('http', 80, 8080)]),
    service('staging', 'payments-api', app('payments-api'), [port('https', 443, 8443)]),
    service('dev', 'feature-flags', app('feature-flags'), [port('http', 80, 4242)]),
  ];
  const namespaces = NAMESPACES.map((ns) => {
    const r = rng(`ns/${ns.name}`);
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': ns.name };
    if (ns.team) labels['team'] = ns.team;
    if (ns.costCenter) labels['cost-center'] = ns.costCenter;
    if (ns.environment) labels['environment'] = ns.environment;
    if (ns.budget !== undefined) labels['budget'] = String(ns.budget);
    const system = ns.team === undefined || ns.name === 'kube-system';
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        ...(ns.team && !system ? { annotations: { owner: `${ns.team}@example.com` } } : {}),
        creationTimestamp: iso(system ? CLUSTER_CREATED_MS : CLUSTER_CREATED_MS + (3 + r.int(60)) * DAY_MS),
        labels,
        name: ns.name,
        resourceVersion: String(100 + r.int(9_000_000)),
        uid: r.uuid(),
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
  });
  const storageClass = (name: string, provisioner: string, parameters: Record<string, string>, isDefault = false): JsonObject => {
    const r = rng(`sc/${name}`);
    return {
      allowVolumeExpansion: true,
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
        creationTimestamp: iso(CLUSTER_CREATED_MS + (name === 'gp2' ? 0 : DAY_MS)),
        name,
        resourceVersion: String(200 + r.int(900_000)),
        uid: r.uuid(),
      },
      parameters,
      provisioner,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
  };
  const storageClasses = [
    storageClass('gp2', 'kubernetes.io/aws-ebs', { fsType: 'ext4', type: 'gp2' }),
    storageClass('gp3', 'ebs.csi.aws.com', { encrypted: 'true', type: 'gp3' }, true),
    storageClass('io2', 'ebs.csi.aws.com', { encrypted: 'true', iopsPerGB: '50', type: 'io2' }),
    storageClass('st1', 'ebs.csi.aws.com', { type: 'st1' }),
  ];

  const staticItems: JsonObject[] = [...nodes.map((n) => n.json), ...staticPods.map((p) => p.json), ...volumes, ...claims, ...services, ...namespaces, ...storageClasses].sort(kubectlOrder);

  const containerUsage = (pod: PlannedPod, nowMs: number): JsonObject[] => {
    const level = profileLevel(pod.profile, nowMs);
    const dayFraction = (((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
    return pod.usage.map((c) => {
      const noise = 0.85 + 0.3 * smoothNoise(c.noiseKey, nowMs);
      const memNoise = 0.97 + 0.06 * smoothNoise(c.noiseKey ^ 0x6d656d, nowMs);
      const cpuM = Math.max(0.05, c.cpuBaseM * c.cpuPeak * level * noise);
      const memShare = c.leaks ? c.memShare * (0.5 + 0.5 * dayFraction) : c.memShare * (0.93 + 0.07 * level);
      const memBytes = c.memBaseBytes * memShare * memNoise;
      return { name: c.name, usage: { cpu: `${Math.round(cpuM * 1e6)}n`, memory: `${Math.round(memBytes / 1024)}Ki` } };
    });
  };

  return {
    seed,
    staticItems,
    podsAt: (nowMs) => cronPodsAt(nowMs).map((p) => p.json),
    kubeList(nowMs) {
      return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [...staticItems, ...cronPodsAt(nowMs).map((p) => p.json)].sort(kubectlOrder) };
    },
    podMetrics(nowMs) {
      const window = 15 + (hashInts(seed, Math.floor(nowMs / 15_000)) % 40) / 1000;
      const timestamp = iso(Math.floor(nowMs / 15_000) * 15_000 - 3_000);
      const running = [...staticPods, ...cronPodsAt(nowMs)].filter((p) => p.running);
      running.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
      return {
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: running.map((p) => ({
          metadata: { name: p.name, namespace: p.namespace, creationTimestamp: iso(nowMs), labels: (p.json['metadata'] as JsonObject)['labels'] },
          timestamp,
          window: `${window.toFixed(3)}s`,
          containers: containerUsage(p, nowMs),
        })),
      };
    },
  };
}
