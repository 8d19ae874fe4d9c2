// A small realistic cluster for the scenario tests, with the costs written out by hand.
//
// Two on-demand AWS nodes, priced by the test price book: n1 m5.xlarge (4 vCPU, 16 GiB) at
// $0.192/h and n2 m5.2xlarge (8 vCPU, 32 GiB) at $0.384/h. Both split (docs/cost-model.md §2) into
//   cpu $0.031247101464198197 per core-hour, ram $0.004188224633950453 per GiB-hour.
// Pods (requests; usage from the metrics API where given):
//   shop/web-7d4b9c8f5-a   n1  500m 1Gi, usage 800m 600Mi → 0.8 × cpu + 1 × ram      = 0.029185905805309012
//   shop/web-7d4b9c8f5-b   n2  500m 1Gi                   → 0.5 × cpu + 1 × ram      = 0.019811775366049552
//   data/db-0              n1  1 4Gi, PVC data-db-0 → PV 100 GiB gp3 ($0.08/GiB-month)
//                                                         → cpu + 4 × ram           = 0.048 (+ PV 0.010958904109589041)
//   kube-system/fluent-bit-x9k2m n1 100m 128Mi (DaemonSet)→ 0.1 × cpu + 0.125 × ram = 0.0036482382256636265
//   batch/report-29412345-7bq4n  n2  Succeeded (CronJob)   → nothing
//   shop/web-pending        (unscheduled)                  → nothing
// Service shop/web-lb (LoadBalancer, app=web) at $0.0225/h, split between the two web pods.
// Management fee $0.10/h.
import type { PriceBook } from '../../src/core/pricing.ts';
import { tablePriceBook } from '../../src/core/fixtures.test-util.ts';
import { namespaceObject, nodeObject, ownerObject, podObject, serviceObject, storageClassObject, volumeObjects } from './objects.ts';

type Json = Record<string, unknown>;

export const T0 = Date.UTC(2026, 0, 2, 12, 0, 0);

export const EXPECTED = {
  cpuRate: 0.031247101464198197,
  ramRate: 0.004188224633950453,
  webA: 0.029185905805309012,
  webAByRequest: 0.019811775366049552,
  webB: 0.019811775366049552,
  db: 0.048,
  pv: 0.010958904109589041,
  fluentBit: 0.0036482382256636265,
  lb: 0.0225,
  idleN1: 0.11116585596902737,
  idleN2: 0.36418822463395045,
  /** shop: webA + webB + lb. */
  shop: 0.07149768117135857,
  /** data: db + pv. */
  data: 0.05895890410958905,
  cluster: 0.709458904109589,
} as const;

export function testPrices(extraNodes: Record<string, number> = {}): PriceBook {
  const nodes: Record<string, { price: { kind: 'instance'; hourlyUsd: number } }> = {
    n1: { price: { kind: 'instance', hourlyUsd: 0.192 } },
    n2: { price: { kind: 'instance', hourlyUsd: 0.384 } },
  };
  for (const [name, hourlyUsd] of Object.entries(extraNodes)) nodes[name] = { price: { kind: 'instance', hourlyUsd } };
  return tablePriceBook({ nodes, storageGibMonthUsd: { gp3: 0.08 }, loadBalancerHourlyUsd: 0.0225, managementHourlyUsd: 0.1 });
}

const web = { app: 'web', 'pod-template-hash': '7d4b9c8f5', team: 'storefront' };

export function webPod(name: string, node: string, extra: { startMs?: number } = {}): Json {
  return podObject({
    namespace: 'shop',
    name,
    node,
    labels: web,
    owner: { kind: 'ReplicaSet', name: 'web-7d4b9c8f5' },
    containers: [{ name: 'app', cpu: '500m', memory: '1Gi', limitMemory: '2Gi' }],
    startMs: extra.startMs ?? T0 - 3_600_000,
  });
}

export function realisticCluster(): Json[] {
  return [
    namespaceObject('shop', { team: 'storefront' }, { budget: '500' }),
    namespaceObject('data', { team: 'platform' }),
    namespaceObject('batch'),
    namespaceObject('kube-system'),
    nodeObject({ name: 'n1', cpu: '4', memory: '16Gi', instanceType: 'm5.xlarge' }),
    nodeObject({ name: 'n2', cpu: '8', memory: '32Gi', instanceType: 'm5.2xlarge', zone: 'us-east-1b' }),
    storageClassObject('gp3', 'ebs.csi.aws.com', 'gp3'),
    ...volumeObjects('data', 'data-db-0', 'pvc-0f3c9a6e-1b2d-4c5e-8f9a-0b1c2d3e4f5a', '100Gi', 'gp3'),
    // An Argo Rollout's ReplicaSet: the name says Deployment `web`, only the owner chain says Rollout.
    ownerObject('ReplicaSet', 'shop', 'web-7d4b9c8f5', { kind: 'Rollout', name: 'web' }),
    ownerObject('StatefulSet', 'data', 'db'),
    ownerObject('DaemonSet', 'kube-system', 'fluent-bit'),
    ownerObject('CronJob', 'batch', 'report'),
    ownerObject('Job', 'batch', 'report-29412345', { kind: 'CronJob', name: 'report' }),
    webPod('web-7d4b9c8f5-a', 'n1'),
    webPod('web-7d4b9c8f5-b', 'n2'),
    podObject({
      namespace: 'data',
      name: 'db-0',
      node: 'n1',
      labels: { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' },
      owner: { kind: 'StatefulSet', name: 'db' },
      containers: [{ name: 'postgres', cpu: '1', memory: '4Gi' }],
      claims: ['data-db-0'],
      startMs: T0 - 86_400_000,
    }),
    podObject({
      namespace: 'kube-system',
      name: 'fluent-bit-x9k2m',
      node: 'n1',
      labels: { 'app.kubernetes.io/name': 'fluent-bit' },
      owner: { kind: 'DaemonSet', name: 'fluent-bit' },
      containers: [{ name: 'fluent-bit', cpu: '100m', memory: '128Mi' }],
      startMs: T0 - 86_400_000,
    }),
    podObject({
      namespace: 'batch',
      name: 'report-29412345-7bq4n',
      node: 'n2',
      phase: 'Succeeded',
      labels: { 'job-name': 'report-29412345' },
      owner: { kind: 'Job', name: 'report-29412345', apiVersion: 'batch/v1' },
      containers: [{ name: 'report', cpu: '2', memory: '2Gi' }],
      startMs: T0 - 7_200_000,
    }),
    podObject({ namespace: 'shop', name: 'web-pending', labels: { app: 'web' }, containers: [{ name: 'app', cpu: '500m', memory: '1Gi' }] }),
    serviceObject('shop', 'web-lb', 'LoadBalancer', { app: 'web' }),
    serviceObject('shop', 'web', 'ClusterIP', { app: 'web' }),
  ];
}

/** Usage of web-a as metrics-server reports it: 800m and 600 MiB. */
export function realisticUsage(server: { setPodMetrics: (ns: string, name: string, c: { name: string; cpu: string; memory: string }[], o?: { timestampMs?: number }) => void }, timestampMs: number): void {
  server.setPodMetrics('shop', 'web-7d4b9c8f5-a', [{ name: 'app', cpu: '800000000n', memory: '614400Ki' }], { timestampMs });
}
