// Builders for tests: small, explicit cluster objects and a price book answering from a table.
import type { ClusterSnapshot, ContainerInfo, NodeInfo, PodInfo, ResourceAmounts } from './model.ts';
import { ZERO_RESOURCES } from './model.ts';
import type { NodePriceAnswer, PriceBook, PriceQuote, StoragePriceAnswer } from './pricing.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
export { GiB, MiB };

export function res(cpuMillicores: number, ramBytes: number, gpus = 0): ResourceAmounts {
  return { cpuMillicores, ramBytes, gpus };
}

export function node(name: string, capacity: ResourceAmounts, labels: Record<string, string> = {}, providerId?: string): NodeInfo {
  return { name, uid: `uid-${name}`, labels, capacity, allocatable: capacity, ...(providerId ? { providerId } : {}) };
}

export function container(name: string, requests: ResourceAmounts, limits: ResourceAmounts = ZERO_RESOURCES): ContainerInfo {
  return { name, requests, limits };
}

export function pod(namespace: string, name: string, nodeName: string, containers: ContainerInfo[], extra: Partial<PodInfo> = {}): PodInfo {
  return {
    uid: `uid-${namespace}-${name}`,
    namespace,
    name,
    nodeName,
    phase: 'Running',
    labels: {},
    annotations: {},
    containers,
    initContainers: [],
    sidecarContainers: [],
    overhead: ZERO_RESOURCES,
    claimNames: [],
    ...extra,
  };
}

export function snapshot(parts: Partial<ClusterSnapshot>): ClusterSnapshot {
  return {
    nodes: [],
    pods: [],
    persistentVolumes: [],
    persistentVolumeClaims: [],
    services: [],
    namespaces: [],
    storageClasses: [],
    ...parts,
  };
}

export interface TablePrices {
  /** By node name: price at the node's capacity type, and on-demand price when different. */
  readonly nodes: Record<string, { price: PriceQuote; onDemand?: PriceQuote; fallbackReason?: string }>;
  readonly storageGibMonthUsd?: Record<string, number>;
  readonly loadBalancerHourlyUsd?: number;
  readonly managementHourlyUsd?: number;
}

/** A PriceBook answering from a table; asking for anything not in it fails the test. */
export function tablePriceBook(table: TablePrices): PriceBook {
  return {
    node(q): NodePriceAnswer {
      const row = table.nodes[q.nodeName];
      if (!row) throw new Error(`test price book: no price for node ${q.nodeName}`);
      return {
        price: row.price,
        onDemand: row.onDemand ?? row.price,
        source: row.fallbackReason ? 'default' : 'catalog',
        ...(row.fallbackReason ? { fallbackReason: row.fallbackReason } : {}),
      };
    },
    storage(q): StoragePriceAnswer {
      const price = table.storageGibMonthUsd?.[q.storageClass];
      if (price === undefined) throw new Error(`test price book: no price for storage class ${q.storageClass}`);
      return { gibMonthUsd: price, source: 'catalog' };
    },
    loadBalancer() {
      if (table.loadBalancerHourlyUsd === undefined) throw new Error('test price book: no load balancer price');
      return { hourlyUsd: table.loadBalancerHourlyUsd, source: 'catalog' };
    },
    clusterManagement() {
      return { hourlyUsd: table.managementHourlyUsd ?? 0, source: 'catalog' };
    },
  };
}
