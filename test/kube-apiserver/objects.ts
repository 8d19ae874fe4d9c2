// Kubernetes objects as a real cluster holds them (managedFields, last-applied annotations,
// conditions, container statuses, owner references), for the test API server.
type Json = Record<string, unknown>;

export interface ContainerSpec {
  readonly name: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly limitCpu?: string;
  readonly limitMemory?: string;
  readonly gpus?: number;
}

const ISO = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function managedFields(manager: string, timeMs: number): Json[] {
  return [
    {
      manager,
      operation: 'Update',
      apiVersion: 'v1',
      time: ISO(timeMs),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } } },
    },
  ];
}

export interface NodeSpec {
  readonly name: string;
  readonly cpu: string;
  readonly memory: string;
  readonly instanceType?: string;
  readonly region?: string;
  readonly zone?: string;
  readonly spot?: boolean;
  readonly pool?: string;
  readonly gpus?: number;
  readonly createdMs?: number;
}

export function nodeObject(spec: NodeSpec): Json {
  const { name, cpu, memory, instanceType = 'm5.xlarge', region = 'us-east-1', zone = 'us-east-1a', spot = false, pool = 'general', gpus = 0, createdMs = Date.UTC(2026, 0, 1) } = spec;
  const capacity: Json = { cpu, memory, pods: '58', 'ephemeral-storage': '83873772Ki', ...(gpus > 0 ? { 'nvidia.com/gpu': String(gpus) } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: ISO(createdMs),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': instanceType,
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': zone,
        'eks.amazonaws.com/nodegroup': pool,
        'eks.amazonaws.com/capacityType': spot ? 'SPOT' : 'ON_DEMAND',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      managedFields: managedFields('kubelet', createdMs),
    },
    spec: { providerID: `aws:///${zone}/i-0${Buffer.from(name).toString('hex').slice(0, 16)}` },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: ISO(createdMs), lastTransitionTime: ISO(createdMs) },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ISO(createdMs), lastTransitionTime: ISO(createdMs) },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.1.10' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: 'ec2a6b1e0c6b4a5b8c6d0f7e1a2b3c4d',
        systemUUID: 'ec2a6b1e-0c6b-4a5b-8c6d-0f7e1a2b3c4d',
        bootID: '5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f',
        kernelVersion: '6.1.132-147.221.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.7.20250428',
        containerRuntimeVersion: 'containerd://1.7.27',
        kubeletVersion: 'v1.32.3-eks-473151a',
        kubeProxyVersion: 'v1.32.3-eks-473151a',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly node?: string;
  readonly containers: readonly ContainerSpec[];
  readonly initContainers?: readonly ContainerSpec[];
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly owner?: { readonly kind: string; readonly name: string; readonly apiVersion?: string };
  readonly claims?: readonly string[];
  readonly startMs?: number;
  readonly uid?: string;
}

function containerJson(c: ContainerSpec): Json {
  const requests: Json = {};
  const limits: Json = {};
  if (c.cpu) requests['cpu'] = c.cpu;
  if (c.memory) requests['memory'] = c.memory;
  if (c.limitCpu) limits['cpu'] = c.limitCpu;
  if (c.limitMemory) limits['memory'] = c.limitMemory;
  if (c.gpus) limits['nvidia.com/gpu'] = String(c.gpus);
  return {
    name: c.name,
    image: `registry.example.com/${c.name}:1.4.2`,
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
    resources: { ...(Object.keys(requests).length ? { requests } : {}), ...(Object.keys(limits).length ? { limits } : {}) },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
    volumeMounts: [{ name: 'kube-api-access', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
  };
}

export function podObject(spec: PodSpec): Json {
  const { namespace, name, node, containers, initContainers = [], labels = {}, annotations = {}, owner, claims = [], startMs = Date.UTC(2026, 0, 2) } = spec;
  const phase = spec.phase ?? (node ? 'Running' : 'Pending');
  const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: containers.map(containerJson) } });
  const volumes: Json[] = [
    {
      name: 'kube-api-access',
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
        defaultMode: 420,
      },
    },
    ...claims.map((claim) => ({ name: `data-${claim}`, persistentVolumeClaim: { claimName: claim } })),
  ];
  const running = phase === 'Running';
  const terminated = phase === 'Succeeded' || phase === 'Failed';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      ...(spec.uid ? { uid: spec.uid } : {}),
      creationTimestamp: ISO(startMs),
      labels,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied, ...annotations },
      ...(owner
        ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.kind}-${owner.name}`, controller: true, blockOwnerDeletion: true }] }
        : {}),
      managedFields: managedFields('kube-controller-manager', startMs),
    },
    spec: {
      volumes,
      containers: containers.map(containerJson),
      ...(initContainers.length > 0 ? { initContainers: initContainers.map(containerJson) } : {}),
      restartPolicy: owner?.kind === 'Job' ? 'Never' : 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      ...(node ? { nodeName: node } : {}),
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase,
      conditions: [
        { type: 'PodScheduled', status: node ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: ISO(startMs) },
        ...(running ? [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: ISO(startMs) }] : []),
      ],
      ...(node ? { hostIP: '10.0.1.10', podIP: '10.0.1.77', podIPs: [{ ip: '10.0.1.77' }], startTime: ISO(startMs) } : {}),
      ...(node
        ? {
            containerStatuses: containers.map((c) => ({
              name: c.name,
              state: running ? { running: { startedAt: ISO(startMs) } } : terminated ? { terminated: { exitCode: phase === 'Failed' ? 1 : 0, reason: phase === 'Failed' ? 'Error' : 'Completed', startedAt: ISO(startMs), finishedAt: ISO(startMs + 60_000) } } : { waiting: { reason: 'ContainerCreating' } },
              lastState: {},
              ready: running,
              restartCount: 0,
              image: `registry.example.com/${c.name}:1.4.2`,
              imageID: `registry.example.com/${c.name}@sha256:${'ab'.repeat(32)}`,
              containerID: `containerd://${'cd'.repeat(32)}`,
              started: running,
            })),
          }
        : {}),
      qosClass: 'Burstable',
    },
  };
}

export function namespaceObject(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, annotations },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function ownerObject(kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob', namespace: string, name: string, owner?: { kind: string; name: string }): Json {
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace,
      labels: { app: name },
      annotations: { 'deployment.kubernetes.io/revision': '3' },
      ...(owner ? { ownerReferences: [{ apiVersion: owner.kind === 'CronJob' ? 'batch/v1' : owner.kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1', kind: owner.kind, name: owner.name, uid: `uid-${owner.kind}-${owner.name}`, controller: true, blockOwnerDeletion: true }] } : {}),
      managedFields: managedFields('kube-controller-manager', Date.UTC(2026, 0, 1)),
    },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [containerJson({ name: 'app', cpu: '100m' })] } } },
    status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 3 },
  };
}

export function storageClassObject(name: string, provisioner: string, type: string): Json {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner,
    parameters: { type, fsType: 'ext4' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  };
}

export function volumeObjects(namespace: string, claim: string, volume: string, storage: string, storageClass: string): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: volume, annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' }, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: claim, uid: `uid-pvc-${claim}` },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: `vol-0${volume.slice(-8)}` },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: storageClass,
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, namespace, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, storageClassName: storageClass, volumeMode: 'Filesystem', volumeName: volume },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage } },
    },
  ];
}

export function serviceObject(namespace: string, name: string, type: 'ClusterIP' | 'LoadBalancer', selector: Record<string, string>): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app: name } },
    spec: { type, selector, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: '172.20.14.3', clusterIPs: ['172.20.14.3'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None' },
    status: { loadBalancer: type === 'LoadBalancer' ? { ingress: [{ hostname: `${name}-1234567890.us-east-1.elb.amazonaws.com` }] } : {} },
  };
}
