// The cost model: allocate(snapshot, prices, window) → costs of every node, pod, volume, load
// balancer and namespace. Pure: every input is an argument; no clock, no I/O.
// The contract is docs/cost-model.md; allocate.test.ts checks it with hand-computed tables.
import type { BudgetRule, NamespaceBudget } from './budget.ts';
import { namespaceBudgets } from './budget.ts';
import type { InputError } from './errors.ts';
import { UnknownReferenceError } from './errors.ts';
import type { CapacityType, ClusterSnapshot, CloudProvider, ContainerUsage, Labels, NodeInfo, NodeUsage, OwnerRef, PodInfo, PodPhase, UsageByPod } from './model.ts';
import { podKey } from './model.ts';
import { identifyNode } from './node-identity.ts';
import type { PriceBook, PriceSource, ResourceRates } from './pricing.ts';
import { HOURS_PER_MONTH } from './pricing.ts';
import { BYTES_PER_GIB } from './quantity.ts';
import type { EgressByDestination, NetworkRates } from './network-cost.ts';
import { podNetworkCost } from './network-cost.ts';
import { nodeRates } from './rates.ts';
import type { PodRequestAndAllocation, PodResources } from './requests.ts';
import { podRequestAndAllocation } from './requests.ts';

/** Pseudo-allocations, named as OpenCost names them. */
export const IDLE = '__idle__';
export const UNMOUNTED = '__unmounted__';
export const UNALLOCATED = '__unallocated__';

export interface CostWindow {
  readonly startMs: number;
  readonly endMs: number;
}

export interface AllocateOptions {
  /** Used when a node's provider cannot be detected (the `--cloud-provider` option). */
  readonly defaultProvider?: CloudProvider;
  /** Overrides every node's region (the `--region` option). */
  readonly region?: string;
  /** Network prices per destination for a node's provider (src/pricing/network.ts); absent: egress unpriced. */
  readonly networkRates?: (provider: CloudProvider) => NetworkRates | undefined;
  /** Budgets from a budgets file (`--budgets`): its namespace entries win over namespace labels. */
  readonly budgetRules?: readonly BudgetRule[];
}

export interface ResourceCosts {
  readonly cpuHourlyUsd: number;
  readonly ramHourlyUsd: number;
  readonly gpuHourlyUsd: number;
}

export interface NodeCost {
  readonly name: string;
  readonly provider: CloudProvider;
  readonly instanceType: string;
  readonly region: string;
  readonly zone: string;
  readonly pool: string;
  readonly capacityType: CapacityType;
  readonly priceSource: PriceSource;
  readonly fallbackReason: string | undefined;
  readonly hourlyUsd: number;
  readonly onDemandHourlyUsd: number;
  readonly rates: ResourceRates;
  readonly capacity: PodResources;
  readonly allocatable: PodResources;
  /** Σ allocation of the pods costed on this node (may exceed capacity: see overAllocation). */
  readonly allocated: PodResources;
  /** Capacity × rate per resource; their sum is hourlyUsd (up to rounding). */
  readonly resourceCosts: ResourceCosts;
  readonly idle: ResourceCosts;
  readonly idleHourlyUsd: number;
  /** allocated / capacity per resource where it is above 1; pod costs were scaled down by it. */
  readonly overAllocation: { readonly cpu: number; readonly ram: number; readonly gpu: number };
  readonly spotSavingsHourlyUsd: number;
  readonly podCount: number;
  /** Measured usage of the whole node (NodeMetrics), when known: pods plus system overhead. */
  readonly usage: NodeUsage | undefined;
}

export interface PodCost {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly phase: PodPhase;
  readonly labels: Labels;
  readonly workload: OwnerRef | undefined;
  readonly request: PodResources;
  readonly usage: { readonly cpuCores: number; readonly ramBytes: number } | undefined;
  readonly allocation: PodResources;
  readonly cpuHourlyUsd: number;
  readonly ramHourlyUsd: number;
  readonly gpuHourlyUsd: number;
  readonly pvHourlyUsd: number;
  readonly loadBalancerHourlyUsd: number;
  readonly totalHourlyUsd: number;
  readonly spotSavingsHourlyUsd: number;
  /** Minutes the pod ran inside the window, and what it cost over them. */
  readonly minutes: number;
  readonly windowCostUsd: number;
  /** Egress × the price of its destination (part of totalHourlyUsd); only pods whose egress a node agent measured. */
  readonly networkHourlyUsd?: number;
  /** Egress bytes of the measured interval without a price (unclassified, or no published figure). */
  readonly networkUnpricedBytes?: number;
  /** Egress by destination (in-zone, cross-zone, internet, unclassified): rate and hourly cost where priced. */
  readonly networkEgress?: readonly EgressByDestination[];
}

/** Costs that belong to no real pod: idle capacity, unmounted volumes, unselected load balancers. */
export interface PseudoCost {
  readonly namespace: string;
  readonly name: typeof IDLE | typeof UNMOUNTED | typeof UNALLOCATED;
  readonly node: string;
  readonly cpuHourlyUsd: number;
  readonly ramHourlyUsd: number;
  readonly gpuHourlyUsd: number;
  readonly pvHourlyUsd: number;
  readonly loadBalancerHourlyUsd: number;
  readonly totalHourlyUsd: number;
  readonly spotSavingsHourlyUsd: number;
}

export interface VolumeCost {
  readonly name: string;
  readonly storageClass: string;
  readonly capacityBytes: number;
  readonly gibMonthUsd: number;
  readonly monthlyUsd: number;
  readonly hourlyUsd: number;
  readonly priceSource: PriceSource;
  readonly fallbackReason: string | undefined;
  readonly claimNamespace: string;
  readonly claimName: string;
  /** `namespace/pod` of the costed pods mounting it; empty → `__unmounted__`. */
  readonly mountedBy: readonly string[];
}

export interface LoadBalancerCost {
  readonly namespace: string;
  readonly name: string;
  readonly hourlyUsd: number;
  readonly priceSource: PriceSource;
  readonly podCount: number;
}

export interface NamespaceCost {
  readonly namespace: string;
  readonly cpuHourlyUsd: number;
  readonly ramHourlyUsd: number;
  readonly gpuHourlyUsd: number;
  readonly pvHourlyUsd: number;
  readonly loadBalancerHourlyUsd: number;
  readonly totalHourlyUsd: number;
  readonly spotSavingsHourlyUsd: number;
  readonly windowCostUsd: number;
  readonly podCount: number;
  /** Σ of its pods' networkHourlyUsd (part of totalHourlyUsd); only namespaces with measured egress. */
  readonly networkHourlyUsd?: number;
}

export interface ClusterCost {
  readonly provider: CloudProvider;
  readonly region: string;
  readonly nodesHourlyUsd: number;
  readonly podsComputeHourlyUsd: number;
  readonly idleHourlyUsd: number;
  readonly volumesHourlyUsd: number;
  readonly loadBalancersHourlyUsd: number;
  readonly managementHourlyUsd: number;
  readonly managementPriceSource: PriceSource;
  readonly totalHourlyUsd: number;
  readonly spotSavingsHourlyUsd: number;
  /** Σ of pods' networkHourlyUsd (part of totalHourlyUsd); only when some egress was measured. */
  readonly networkHourlyUsd?: number;
}

export interface CostNotice {
  readonly kind: 'price-fallback' | 'over-allocated' | 'no-capacity';
  readonly object: string;
  readonly message: string;
}

export interface CostReport {
  readonly window: CostWindow;
  readonly nodes: readonly NodeCost[];
  readonly pods: readonly PodCost[];
  readonly pseudo: readonly PseudoCost[];
  readonly volumes: readonly VolumeCost[];
  readonly loadBalancers: readonly LoadBalancerCost[];
  readonly namespaces: readonly NamespaceCost[];
  readonly cluster: ClusterCost;
  /** Monthly budgets declared on namespaces (label or annotation `budget`). */
  readonly budgets: readonly NamespaceBudget[];
  /** Inputs that could not be costed or read (pods on unknown nodes, malformed budgets). */
  readonly errors: readonly InputError[];
  /** Visible fallbacks and corrections (never silent): price fallbacks, over-allocation. */
  readonly notices: readonly CostNotice[];
}

const NO_PODS: readonly number[] = [];

const COSTED_PHASES: ReadonlySet<PodPhase> = new Set(['Pending', 'Running', 'Unknown']);

/** Only pods bound to a node and not terminated hold resources and cost money. */
export function isCosted(pod: PodInfo): boolean {
  return pod.nodeName !== '' && COSTED_PHASES.has(pod.phase);
}


interface MutableNamespace {
  net: number | undefined;
  cpu: number;
  ram: number;
  gpu: number;
  pv: number;
  lb: number;
  savings: number;
  windowCost: number;
  pods: number;
}

/** What allocate() works out for a pod from the pod and its measured usage alone. */
interface PodMemo extends PodRequestAndAllocation {
  /** `namespace/name`, the key of usage and egress maps. */
  readonly key: string;
  /** The usage the amounts were worked out with (the same map object means the same figures). */
  readonly containerUsage: ReadonlyMap<string, ContainerUsage> | undefined;
}

/**
 * Per pod object, its key and amounts from the last cycle that saw it, reused while the usage map
 * found for it is the same object. Snapshot objects are immutable (readonly throughout the model)
 * and a source builds a new object when a pod changes, so a pod object and its usage map stand for
 * their values: the reuse returns exactly what podRequestAndAllocation() would. Sources keep the
 * same objects from cycle to cycle when nothing changed, so a cycle allocates no key string and no
 * amount objects for those pods (at 100,000 pods, ~25 MiB less that V8's young generation has to
 * copy each cycle). Weak: a pod no longer in any snapshot is dropped with it.
 */
const podMemos = new WeakMap<PodInfo, PodMemo>();

function podMemo(pod: PodInfo, usageByPod: UsageByPod | undefined): PodMemo {
  const known = podMemos.get(pod);
  const key = known === undefined ? podKey(pod.namespace, pod.name) : known.key;
  const containerUsage = usageByPod === undefined ? undefined : usageByPod.get(key);
  if (known !== undefined && known.containerUsage === containerUsage) return known;
  const { request, allocation, usage } = podRequestAndAllocation(pod, containerUsage);
  const memo: PodMemo = { key, containerUsage, request, allocation, usage };
  podMemos.set(pod, memo);
  return memo;
}

/** Amounts and costs by pod number (allocate()'s flat arrays). */
interface PerPod {
  readonly allocCpuCores: Float64Array;
  readonly allocRamBytes: Float64Array;
  readonly allocGpus: Float64Array;
  readonly cpuUsd: Float64Array;
  readonly ramUsd: Float64Array;
  readonly gpuUsd: Float64Array;
  readonly pvUsd: Float64Array;
  readonly lbUsd: Float64Array;
  readonly savingsUsd: Float64Array;
}

/**
 * Compute costs and spot savings of the pods podsOfGroup[first .. end) on one node; their sums go to
 * `sums` (cpu, ram, gpu, savings), added in pod order. A function of its own, called once per node,
 * so that V8 optimizes it early and the arithmetic runs on raw doubles (no number boxed per step).
 */
function costNodePods(
  perPod: PerPod,
  podsOfGroup: Int32Array,
  first: number,
  end: number,
  cpuRate: number,
  ramRate: number,
  gpuRate: number,
  savingsHourly: number,
  hourlyUsd: number,
  sums: Float64Array,
): void {
  const { allocCpuCores, allocRamBytes, allocGpus, cpuUsd, ramUsd, gpuUsd, savingsUsd } = perPod;
  let usedCpu = 0;
  let usedRam = 0;
  let usedGpu = 0;
  let podSavings = 0;
  for (let k = first; k < end; k++) {
    const i = podsOfGroup[k]!;
    const cpu = allocCpuCores[i]! * cpuRate;
    const ram = (allocRamBytes[i]! / BYTES_PER_GIB) * ramRate;
    const gpu = allocGpus[i]! * gpuRate;
    cpuUsd[i] = cpu;
    ramUsd[i] = ram;
    gpuUsd[i] = gpu;
    usedCpu += cpu;
    usedRam += ram;
    usedGpu += gpu;
    if (savingsHourly > 0 && hourlyUsd > 0) {
      const saving = savingsHourly * ((cpu + ram + gpu) / hourlyUsd);
      savingsUsd[i] = saving;
      podSavings += saving;
    }
  }
  sums[0] = usedCpu;
  sums[1] = usedRam;
  sums[2] = usedGpu;
  sums[3] = podSavings;
}

/** Step 5 of allocate(), pod by pod: PodCost objects in their final order, and the sums. */
interface FreezeState {
  readonly window: CostWindow;
  readonly perPod: PerPod;
  readonly podCosts: PodCost[];
  readonly nsEntry: (name: string) => MutableNamespace;
  podsCompute: number;
  networkHourly: number | undefined;
  lastNamespace: string;
  ns: MutableNamespace | undefined;
}

/**
 * Pod number i's PodCost at place k, added to its namespace and the cluster sums (in pod order).
 * A function of its own, called once per pod, so that V8 optimizes it within the first cycle and
 * its arithmetic runs on raw doubles instead of boxing a number per step.
 */
function freezePod(state: FreezeState, k: number, i: number, pod: PodInfo, memo: PodMemo, net: ReturnType<typeof podNetworkCost> | undefined): void {
  const { cpuUsd, ramUsd, gpuUsd, pvUsd, lbUsd, savingsUsd } = state.perPod;
  const { window } = state;
  const cpu = cpuUsd[i]!;
  const ram = ramUsd[i]!;
  const gpu = gpuUsd[i]!;
  const pv = pvUsd[i]!;
  const lb = lbUsd[i]!;
  const savings = savingsUsd[i]!;
  let network = 0;
  if (net !== undefined) {
    network = net.hourlyUsd;
    state.networkHourly = (state.networkHourly ?? 0) + network;
  }
  const total = cpu + ram + gpu + pv + lb + network;
  const started = pod.startedAtMs ?? pod.createdAtMs ?? window.startMs;
  const minutes = Math.max(0, window.endMs - Math.max(window.startMs, started)) / 60_000;
  const windowCostUsd = total * (minutes / 60);
  state.podsCompute += cpu + ram + gpu;
  const cost = podCost(pod, memo, cpu, ram, gpu, pv, lb, total, savings, minutes, windowCostUsd);
  state.podCosts[k] = net === undefined ? cost : { ...cost, networkHourlyUsd: network, networkUnpricedBytes: net.unpricedBytes, networkEgress: net.byDestination };
  let ns = state.ns;
  if (ns === undefined || pod.namespace !== state.lastNamespace) {
    ns = state.nsEntry(pod.namespace);
    state.ns = ns;
    state.lastNamespace = pod.namespace;
  }
  ns.cpu += cpu;
  ns.ram += ram;
  ns.gpu += gpu;
  ns.pv += pv;
  ns.lb += lb;
  if (net !== undefined) ns.net = (ns.net ?? 0) + network;
  ns.savings += savings;
  ns.windowCost += windowCostUsd;
  ns.pods += 1;
}

/** A pod's PodCost (without network fields): one object literal, in a small function V8 optimizes on its own. */
function podCost(
  pod: PodInfo,
  memo: PodMemo,
  cpuHourlyUsd: number,
  ramHourlyUsd: number,
  gpuHourlyUsd: number,
  pvHourlyUsd: number,
  loadBalancerHourlyUsd: number,
  totalHourlyUsd: number,
  spotSavingsHourlyUsd: number,
  minutes: number,
  windowCostUsd: number,
): PodCost {
  return {
    uid: pod.uid,
    namespace: pod.namespace,
    name: pod.name,
    node: pod.nodeName,
    phase: pod.phase,
    labels: pod.labels,
    workload: pod.workload ?? pod.owner,
    request: memo.request,
    usage: memo.usage,
    allocation: memo.allocation,
    cpuHourlyUsd,
    ramHourlyUsd,
    gpuHourlyUsd,
    pvHourlyUsd,
    loadBalancerHourlyUsd,
    totalHourlyUsd,
    spotSavingsHourlyUsd,
    minutes,
    windowCostUsd,
  };
}

function resources(amounts: NodeInfo['capacity']): PodResources {
  return { cpuCores: amounts.cpuMillicores / 1000, ramBytes: amounts.ramBytes, gpus: amounts.gpus };
}

function overRatio(allocated: number, capacity: number): number {
  return capacity > 0 && allocated > capacity ? allocated / capacity : 1;
}

function selects(selector: Labels, labels: Labels): boolean {
  let any = false;
  for (const key in selector) {
    any = true;
    if (labels[key] !== selector[key]) return false;
  }
  return any;
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (const v of values) {
    if (v === '') continue;
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

export function allocate(snapshot: ClusterSnapshot, prices: PriceBook, window: CostWindow, options: AllocateOptions = {}): CostReport {
  const { defaultProvider = 'custom' } = options;
  const errors: InputError[] = [];
  const notices: CostNotice[] = [];
  const windowHours = Math.max(0, window.endMs - window.startMs) / 3_600_000;

  // 1. Pods: effective request and allocation, grouped by node. Costed pods are numbered in
  // snapshot order; their amounts and costs live in flat arrays by that number (contiguous
  // numbers, not scattered objects), and their PodCost objects are made once, at the end.
  // Nodes are grouped by name (a repeated name is one group, as a Map by name would make it);
  // pods are sorted into their node's group by counting, so there is no list per node to grow.
  const capacityHint = snapshot.pods.length;
  const infos: PodInfo[] = new Array(capacityHint);
  const memos: PodMemo[] = new Array(capacityHint);
  const allocCpuCores = new Float64Array(capacityHint);
  const allocRamBytes = new Float64Array(capacityHint);
  const allocGpus = new Float64Array(capacityHint);
  const cpuUsd = new Float64Array(capacityHint);
  const ramUsd = new Float64Array(capacityHint);
  const gpuUsd = new Float64Array(capacityHint);
  const pvUsd = new Float64Array(capacityHint);
  const lbUsd = new Float64Array(capacityHint);
  const savingsUsd = new Float64Array(capacityHint);
  const perPod: PerPod = { allocCpuCores, allocRamBytes, allocGpus, cpuUsd, ramUsd, gpuUsd, pvUsd, lbUsd, savingsUsd };
  const nodeSums = new Float64Array(4);
  const groupOfNode = new Map<string, number>();
  for (const n of snapshot.nodes) if (!groupOfNode.has(n.name)) groupOfNode.set(n.name, groupOfNode.size);
  const groupOfPod = new Int32Array(capacityHint);
  const groupStart = new Int32Array(groupOfNode.size + 1);
  /** Groups in the order of their first costed pod (the order pods are listed in). */
  const groupsSeen: number[] = [];
  const usageByPod = snapshot.usage;
  let costed = 0;
  const snapshotPods = snapshot.pods;
  for (let p = 0; p < snapshotPods.length; p++) {
    const pod = snapshotPods[p]!;
    if (!isCosted(pod)) continue;
    const group = groupOfNode.get(pod.nodeName);
    if (group === undefined) {
      errors.push(
        new UnknownReferenceError(`pods/${pod.namespace}/${pod.name}`, 'spec.nodeName', pod.nodeName, 'node not found in the cluster snapshot; pod not costed'),
      );
      continue;
    }
    const memo = podMemo(pod, usageByPod);
    const { allocation } = memo;
    const index = costed++;
    infos[index] = pod;
    memos[index] = memo;
    allocCpuCores[index] = allocation.cpuCores;
    allocRamBytes[index] = allocation.ramBytes;
    allocGpus[index] = allocation.gpus;
    groupOfPod[index] = group;
    const before = groupStart[group + 1]!;
    groupStart[group + 1] = before + 1;
    if (before === 0) groupsSeen.push(group);
  }
  for (let g = 0; g < groupOfNode.size; g++) groupStart[g + 1] = groupStart[g + 1]! + groupStart[g]!;
  /** Pod numbers by group, each group's in snapshot order: podsOfGroup[groupStart[g] .. groupStart[g + 1]). */
  const podsOfGroup = new Int32Array(costed);
  const fill = groupStart.slice(0, groupOfNode.size);
  for (let i = 0; i < costed; i++) podsOfGroup[fill[groupOfPod[i]!]!++] = i;

  // 2. Nodes: price, rates, pod compute costs, idle, spot savings.
  const nodeCosts: NodeCost[] = [];
  const pseudo: PseudoCost[] = [];
  const regions: string[] = [];
  const providers: string[] = [];
  for (const node of snapshot.nodes) {
    const id = identifyNode(node);
    const provider = id.provider ?? defaultProvider;
    const region = options.region ?? id.region;
    regions.push(region ?? '');
    providers.push(provider);
    const answer = prices.node({
      nodeName: node.name,
      provider,
      instanceType: id.instanceType,
      region,
      zone: id.zone,
      capacityType: id.capacityType,
      capacity: node.capacity,
      labels: node.labels,
      ...(node.providerId ? { providerId: node.providerId } : {}),
    });
    if (answer.fallbackReason !== undefined) {
      notices.push({ kind: 'price-fallback', object: `nodes/${node.name}`, message: answer.fallbackReason });
    }
    const { rates, hourlyUsd } = nodeRates(answer.price, node.capacity);
    const onDemandHourlyUsd = answer.price === answer.onDemand ? hourlyUsd : nodeRates(answer.onDemand, node.capacity).hourlyUsd;
    const capacity = resources(node.capacity);
    const ramGiB = capacity.ramBytes / BYTES_PER_GIB;
    let resourceCosts: ResourceCosts = {
      cpuHourlyUsd: capacity.cpuCores * rates.cpuCoreHourUsd,
      ramHourlyUsd: ramGiB * rates.ramGiBHourUsd,
      gpuHourlyUsd: capacity.gpus * rates.gpuHourUsd,
    };
    if (capacity.cpuCores === 0 && capacity.ramBytes === 0 && capacity.gpus === 0) {
      notices.push({ kind: 'no-capacity', object: `nodes/${node.name}`, message: `node ${node.name} reports no capacity; its whole price is idle` });
      resourceCosts = { cpuHourlyUsd: hourlyUsd, ramHourlyUsd: 0, gpuHourlyUsd: 0 };
    }

    const group = groupOfNode.get(node.name)!;
    const first = groupStart[group]!;
    const end = groupStart[group + 1]!;
    let allocCpu = 0;
    let allocRam = 0;
    let allocGpu = 0;
    for (let k = first; k < end; k++) {
      const i = podsOfGroup[k]!;
      allocCpu += allocCpuCores[i]!;
      allocRam += allocRamBytes[i]!;
      allocGpu += allocGpus[i]!;
    }
    const overAllocation = {
      cpu: overRatio(allocCpu, capacity.cpuCores),
      ram: overRatio(allocRam, capacity.ramBytes),
      gpu: overRatio(allocGpu, capacity.gpus),
    };
    if (overAllocation.cpu > 1 || overAllocation.ram > 1 || overAllocation.gpu > 1) {
      notices.push({
        kind: 'over-allocated',
        object: `nodes/${node.name}`,
        message: `pods on node ${node.name} are allocated more than its capacity (cpu ×${overAllocation.cpu.toFixed(3)}, ram ×${overAllocation.ram.toFixed(3)}, gpu ×${overAllocation.gpu.toFixed(3)}); their costs are scaled down to the node's price`,
      });
    }
    const cpuRate = rates.cpuCoreHourUsd / overAllocation.cpu;
    const ramRate = rates.ramGiBHourUsd / overAllocation.ram;
    const gpuRate = rates.gpuHourUsd / overAllocation.gpu;
    const savingsHourly = id.capacityType === 'spot' ? Math.max(0, onDemandHourlyUsd - hourlyUsd) : 0;
    costNodePods(perPod, podsOfGroup, first, end, cpuRate, ramRate, gpuRate, savingsHourly, hourlyUsd, nodeSums);
    const usedCpu = nodeSums[0]!;
    const usedRam = nodeSums[1]!;
    const usedGpu = nodeSums[2]!;
    const podSavings = nodeSums[3]!;
    const idle: ResourceCosts = {
      cpuHourlyUsd: Math.max(0, resourceCosts.cpuHourlyUsd - usedCpu),
      ramHourlyUsd: Math.max(0, resourceCosts.ramHourlyUsd - usedRam),
      gpuHourlyUsd: Math.max(0, resourceCosts.gpuHourlyUsd - usedGpu),
    };
    const idleHourlyUsd = idle.cpuHourlyUsd + idle.ramHourlyUsd + idle.gpuHourlyUsd;
    const idleSavings = Math.max(0, savingsHourly - podSavings);
    nodeCosts.push({
      name: node.name,
      provider,
      instanceType: id.instanceType ?? '',
      region: region ?? '',
      zone: id.zone ?? '',
      pool: id.pool,
      capacityType: id.capacityType,
      priceSource: answer.source,
      fallbackReason: answer.fallbackReason,
      hourlyUsd,
      onDemandHourlyUsd,
      rates,
      capacity,
      allocatable: resources(node.allocatable),
      allocated: { cpuCores: allocCpu, ramBytes: allocRam, gpus: allocGpu },
      resourceCosts,
      idle,
      idleHourlyUsd,
      overAllocation,
      spotSavingsHourlyUsd: savingsHourly,
      podCount: end - first,
      usage: snapshot.nodeUsage?.get(node.name),
    });
    pseudo.push({
      namespace: IDLE,
      name: IDLE,
      node: node.name,
      cpuHourlyUsd: idle.cpuHourlyUsd,
      ramHourlyUsd: idle.ramHourlyUsd,
      gpuHourlyUsd: idle.gpuHourlyUsd,
      pvHourlyUsd: 0,
      loadBalancerHourlyUsd: 0,
      totalHourlyUsd: idleHourlyUsd,
      spotSavingsHourlyUsd: idleSavings,
    });
  }

  const clusterProvider = (mostCommon(providers) || defaultProvider) as CloudProvider;
  const clusterRegion = options.region ?? mostCommon(regions);

  // 3. Volumes: price each PV, split among the costed pods that mount its claim.
  // One entry per `namespace/name` (a repeated key keeps its first place and its last pod), node
  // group by node group in the order of their first pod.
  const podsByKey = new Map<string, number>();
  for (let s = 0; s < groupsSeen.length; s++) {
    const g = groupsSeen[s]!;
    for (let k = groupStart[g]!, end = groupStart[g + 1]!; k < end; k++) podsByKey.set(memos[podsOfGroup[k]!]!.key, podsOfGroup[k]!);
  }
  const ordered = new Int32Array(podsByKey.size);
  let filled = 0;
  podsByKey.forEach((i) => {
    ordered[filled++] = i;
  });
  const mountersByClaim = new Map<string, number[]>();
  for (let k = 0; k < ordered.length; k++) {
    const i = ordered[k]!;
    const pod = infos[i]!;
    const claimNames = pod.claimNames;
    for (let c = 0; c < claimNames.length; c++) {
      const claim = claimNames[c]!;
      const key = podKey(pod.namespace, claim);
      const list = mountersByClaim.get(key);
      if (list) list.push(i);
      else mountersByClaim.set(key, [i]);
    }
  }
  const claimByVolume = new Map<string, { namespace: string; name: string }>();
  for (const pvc of snapshot.persistentVolumeClaims) {
    if (pvc.volumeName !== '') claimByVolume.set(pvc.volumeName, { namespace: pvc.namespace, name: pvc.name });
  }
  const storageClassByName = new Map(snapshot.storageClasses.map((sc) => [sc.name, sc]));
  const unmountedByNamespace = new Map<string, number>();
  const volumeCosts: VolumeCost[] = [];
  for (const pv of snapshot.persistentVolumes) {
    const sc = storageClassByName.get(pv.storageClass);
    const answer = prices.storage({
      provider: clusterProvider,
      region: clusterRegion || undefined,
      storageClass: pv.storageClass,
      driver: pv.driver ?? sc?.provisioner,
      volumeType: sc?.volumeType,
    });
    if (answer.fallbackReason !== undefined) {
      notices.push({ kind: 'price-fallback', object: `persistentvolumes/${pv.name}`, message: answer.fallbackReason });
    }
    const monthlyUsd = (pv.capacityBytes / BYTES_PER_GIB) * answer.gibMonthUsd;
    const hourlyUsd = monthlyUsd / HOURS_PER_MONTH;
    const claim = pv.claim ?? claimByVolume.get(pv.name);
    const mounters = claim ? (mountersByClaim.get(podKey(claim.namespace, claim.name)) ?? NO_PODS) : NO_PODS;
    for (const i of mounters) pvUsd[i] = pvUsd[i]! + hourlyUsd / mounters.length;
    if (mounters.length === 0) {
      const ns = claim?.namespace ?? UNMOUNTED;
      unmountedByNamespace.set(ns, (unmountedByNamespace.get(ns) ?? 0) + hourlyUsd);
    }
    volumeCosts.push({
      name: pv.name,
      storageClass: pv.storageClass,
      capacityBytes: pv.capacityBytes,
      gibMonthUsd: answer.gibMonthUsd,
      monthlyUsd,
      hourlyUsd,
      priceSource: answer.source,
      fallbackReason: answer.fallbackReason,
      claimNamespace: claim?.namespace ?? '',
      claimName: claim?.name ?? '',
      mountedBy: mounters.map((i) => memos[i]!.key),
    });
  }
  for (const [namespace, hourly] of unmountedByNamespace) {
    pseudo.push({
      namespace,
      name: UNMOUNTED,
      node: '',
      cpuHourlyUsd: 0,
      ramHourlyUsd: 0,
      gpuHourlyUsd: 0,
      pvHourlyUsd: hourly,
      loadBalancerHourlyUsd: 0,
      totalHourlyUsd: hourly,
      spotSavingsHourlyUsd: 0,
    });
  }

  // 4. Load balancers: split among the costed pods the Service selects.
  const loadBalancers: LoadBalancerCost[] = [];
  const unallocatedLbByNamespace = new Map<string, number>();
  let lbAnswer: ReturnType<PriceBook['loadBalancer']> | undefined;
  let podsByNamespace: Map<string, number[]> | undefined;
  for (const svc of snapshot.services) {
    if (svc.type !== 'LoadBalancer') continue;
    lbAnswer ??= prices.loadBalancer({ provider: clusterProvider, region: clusterRegion || undefined });
    if (podsByNamespace === undefined) {
      podsByNamespace = new Map();
      for (let k = 0; k < ordered.length; k++) {
        const i = ordered[k]!;
        const namespace = infos[i]!.namespace;
        const nsList = podsByNamespace.get(namespace);
        if (nsList) nsList.push(i);
        else podsByNamespace.set(namespace, [i]);
      }
    }
    const hourlyUsd = lbAnswer.hourlyUsd;
    const selected = (podsByNamespace.get(svc.namespace) ?? NO_PODS).filter((i) => selects(svc.selector, infos[i]!.labels));
    for (const i of selected) lbUsd[i] = lbUsd[i]! + hourlyUsd / selected.length;
    if (selected.length === 0) unallocatedLbByNamespace.set(svc.namespace, (unallocatedLbByNamespace.get(svc.namespace) ?? 0) + hourlyUsd);
    loadBalancers.push({ namespace: svc.namespace, name: svc.name, hourlyUsd, priceSource: lbAnswer.source, podCount: selected.length });
  }
  if (lbAnswer?.fallbackReason !== undefined) notices.push({ kind: 'price-fallback', object: 'services', message: lbAnswer.fallbackReason });
  for (const [namespace, hourly] of unallocatedLbByNamespace) {
    pseudo.push({
      namespace,
      name: UNALLOCATED,
      node: '',
      cpuHourlyUsd: 0,
      ramHourlyUsd: 0,
      gpuHourlyUsd: 0,
      pvHourlyUsd: 0,
      loadBalancerHourlyUsd: hourly,
      totalHourlyUsd: hourly,
      spotSavingsHourlyUsd: 0,
    });
  }

  // 5. Freeze pod costs and aggregate namespaces.
  const namespaces = new Map<string, MutableNamespace>();
  const nsEntry = (name: string): MutableNamespace => {
    let e = namespaces.get(name);
    if (!e) {
      e = { net: undefined, cpu: 0, ram: 0, gpu: 0, pv: 0, lb: 0, savings: 0, windowCost: 0, pods: 0 };
      namespaces.set(name, e);
    }
    return e;
  };
  // Network: egress a node agent measured, priced by destination for the pod's node provider.
  const providerOf = snapshot.egress === undefined ? undefined : new Map(nodeCosts.map((n) => [n.name, n.provider]));
  const freeze: FreezeState = { window, perPod, podCosts: new Array(ordered.length), nsEntry, podsCompute: 0, networkHourly: undefined, lastNamespace: '', ns: undefined };
  for (let k = 0; k < ordered.length; k++) {
    const i = ordered[k]!;
    const pod = infos[i]!;
    const memo = memos[i]!;
    const egress = providerOf === undefined ? undefined : snapshot.egress?.get(memo.key);
    const network = egress === undefined ? undefined : podNetworkCost(egress, options.networkRates?.(providerOf?.get(pod.nodeName) ?? defaultProvider));
    freezePod(freeze, k, i, pod, memo, network);
  }
  const { podCosts, podsCompute, networkHourly } = freeze;
  for (const s of pseudo) {
    const ns = nsEntry(s.namespace);
    ns.cpu += s.cpuHourlyUsd;
    ns.ram += s.ramHourlyUsd;
    ns.gpu += s.gpuHourlyUsd;
    ns.pv += s.pvHourlyUsd;
    ns.lb += s.loadBalancerHourlyUsd;
    ns.savings += s.spotSavingsHourlyUsd;
    ns.windowCost += s.totalHourlyUsd * windowHours;
  }
  const namespaceCosts: NamespaceCost[] = [...namespaces]
    .map(([namespace, e]) => ({
      namespace,
      cpuHourlyUsd: e.cpu,
      ramHourlyUsd: e.ram,
      gpuHourlyUsd: e.gpu,
      pvHourlyUsd: e.pv,
      loadBalancerHourlyUsd: e.lb,
      totalHourlyUsd: e.cpu + e.ram + e.gpu + e.pv + e.lb + (e.net ?? 0),
      spotSavingsHourlyUsd: e.savings,
      windowCostUsd: e.windowCost,
      podCount: e.pods,
      ...(e.net !== undefined ? { networkHourlyUsd: e.net } : {}),
    }))
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));

  // 6. Cluster totals.
  let nodesHourly = 0;
  let idleHourly = 0;
  let savings = 0;
  for (const n of nodeCosts) {
    nodesHourly += n.hourlyUsd;
    idleHourly += n.idleHourlyUsd;
    savings += n.spotSavingsHourlyUsd;
  }
  const volumesHourly = volumeCosts.reduce((sum, v) => sum + v.hourlyUsd, 0);
  const lbHourly = loadBalancers.reduce((sum, l) => sum + l.hourlyUsd, 0);
  const management = snapshot.nodes.length > 0 ? prices.clusterManagement({ provider: clusterProvider, region: clusterRegion || undefined }) : undefined;
  if (management?.fallbackReason !== undefined) notices.push({ kind: 'price-fallback', object: 'cluster', message: management.fallbackReason });
  const managementHourly = management?.hourlyUsd ?? 0;

  const { budgets, errors: budgetErrors } = namespaceBudgets(snapshot.namespaces, options.budgetRules);
  errors.push(...budgetErrors);

  return {
    window,
    nodes: nodeCosts,
    pods: podCosts,
    pseudo,
    volumes: volumeCosts,
    loadBalancers,
    namespaces: namespaceCosts,
    cluster: {
      provider: clusterProvider,
      region: clusterRegion,
      nodesHourlyUsd: nodesHourly,
      podsComputeHourlyUsd: podsCompute,
      idleHourlyUsd: idleHourly,
      volumesHourlyUsd: volumesHourly,
      loadBalancersHourlyUsd: lbHourly,
      managementHourlyUsd: managementHourly,
      managementPriceSource: management?.source ?? 'catalog',
      totalHourlyUsd: nodesHourly + volumesHourly + lbHourly + managementHourly + (networkHourly ?? 0),
      spotSavingsHourlyUsd: savings,
      ...(networkHourly !== undefined ? { networkHourlyUsd: networkHourly } : {}),
    },
    budgets,
    errors,
    notices,
  };
}
