// Spot potential: stateless workloads (Deployments with at least two replicas, no persistent volume,
// no local storage, a PodDisruptionBudget that allows evictions when one is known) whose pods run on
// on-demand nodes, and what moving them to spot would save at the catalog's spot discount for the
// node's instance type and region. Also the design document's "saving if 70 % spot" for the cluster.
// Pure: the latest step, the spot ratio look-up and the workload facts are inputs. docs/advice.md.
import type { AllocationInterval, NodeInterval } from '../../store/types.ts';
import { workloadOf } from './rightsizing.ts';
import type { WorkloadRef } from './types.ts';
import { checkNumber, HOURS_PER_MONTH, workloadId } from './types.ts';

/** Spot price ÷ on-demand price for a node's instance type in its region, and where that ratio comes from. */
export type SpotRatioLookup = (node: NodeInterval) => { readonly ratio: number; readonly source: string } | undefined;

/** What the store does not know about a workload; absent: not known (the advice says so). */
export interface WorkloadFacts {
  /** Keeps data on its node's disk (local-storage.ts says what counts). */
  readonly localStorage?: boolean;
  /** The volumes that count as local storage, described (`hostPath "data"`). */
  readonly localVolumes?: readonly string[];
  /** Its on-node volumes that do not count, and why (a small emptyDir is scratch space). */
  readonly scratchVolumes?: readonly string[];
  /** A PodDisruptionBudget covers the workload and allows at least one disruption. */
  readonly pdbAllowsDisruption?: boolean;
}

export interface SpotOptions {
  readonly minReplicas: number;
  /** Share of the cluster's capacity (by on-demand price) the cluster estimate moves to spot (0.7). */
  readonly targetSpotShare: number;
}

export const DEFAULT_SPOT: SpotOptions = Object.freeze({ minReplicas: 2, targetSpotShare: 0.7 });

export interface SpotCandidate {
  readonly workload: WorkloadRef;
  readonly replicas: number;
  readonly podsOnDemand: number;
  /** What its pods on on-demand nodes cost per month now (compute: CPU, RAM, GPU). */
  readonly monthlyOnDemandUsd: number;
  /** That × the spot discount of each pod's node type; null when a node type has no spot ratio. */
  readonly monthlySavingUsd: number | null;
  readonly evidence: {
    readonly discounts: readonly { readonly instanceType: string; readonly region: string; readonly discountFraction: number | null; readonly source: string }[];
    readonly pdbKnown: boolean;
    readonly localStorageKnown: boolean;
    /** On-node volumes that were not counted as local storage, and why. */
    readonly scratchVolumes: readonly string[];
  };
}

export interface ClusterSpotEstimate {
  readonly cluster: string;
  /** On-demand price of every node, per month, and of the spot nodes; the spot share now. */
  readonly monthlyOnDemandEquivalentUsd: number;
  readonly spotShare: number;
  readonly targetSpotShare: number;
  /** Σ discount × on-demand price ÷ Σ on-demand price over the on-demand nodes with a known ratio. */
  readonly discountFraction: number | null;
  readonly monthlySavingUsd: number | null;
}

export interface SpotResult {
  readonly candidates: readonly SpotCandidate[];
  readonly excluded: readonly { readonly workload: WorkloadRef; readonly reason: string }[];
  readonly clusters: readonly ClusterSpotEstimate[];
}

export interface SpotInput {
  /** The latest step of allocations and nodes. */
  readonly allocations: readonly AllocationInterval[];
  readonly nodes: readonly NodeInterval[];
  readonly spotRatio: SpotRatioLookup;
  readonly facts?: ReadonlyMap<string, WorkloadFacts>;
  readonly options?: Partial<SpotOptions>;
}

const perHour = (amount: number, minutes: number) => (minutes > 0 ? amount / (minutes / 60) : 0);

export function spotPotential(input: SpotInput): SpotResult {
  const o = { ...DEFAULT_SPOT, ...input.options };
  checkNumber('spot options', 'minReplicas', o.minReplicas, 1, 1e6);
  checkNumber('spot options', 'targetSpotShare', o.targetSpotShare, 0, 1);
  const nodes = new Map(input.nodes.map((n) => [`${n.cluster}/${n.node}`, n]));
  const groups = new Map<string, { workload: WorkloadRef; rows: AllocationInterval[] }>();
  for (const r of input.allocations) {
    if (r.kind !== 'pod' || r.controllerKind !== 'deployment') continue;
    const workload = workloadOf(r);
    const id = workloadId(workload);
    const g = groups.get(id);
    if (g) g.rows.push(r);
    else groups.set(id, { workload, rows: [r] });
  }
  const candidates: SpotCandidate[] = [];
  const excluded: { workload: WorkloadRef; reason: string }[] = [];
  for (const [id, { workload, rows }] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const replicas = new Set(rows.map((r) => r.key)).size;
    const facts = input.facts?.get(id) ?? {};
    let reason: string | undefined;
    if (replicas < o.minReplicas) reason = `${replicas} replica${replicas === 1 ? '' : 's'} (needs at least ${o.minReplicas} to ride out a spot interruption)`;
    else if (facts.localStorage === true) reason = `uses local storage: ${(facts.localVolumes ?? []).join('; ') || 'volumes on its node'}`;
    else if (rows.some((r) => r.pvCostUsd > 0)) reason = 'mounts a persistent volume';
    else if (facts.pdbAllowsDisruption === false) reason = 'its PodDisruptionBudget allows no disruption';
    if (reason !== undefined) {
      excluded.push({ workload, reason });
      continue;
    }
    const onDemand = rows.filter((r) => nodes.get(`${r.cluster}/${r.node}`)?.capacityType === 'on-demand');
    if (onDemand.length === 0) continue;
    let monthly = 0;
    let saving: number | null = 0;
    const discounts = new Map<string, { instanceType: string; region: string; discountFraction: number | null; source: string }>();
    for (const r of onDemand) {
      const n = nodes.get(`${r.cluster}/${r.node}`) as NodeInterval;
      const cost = perHour(r.cpuCostUsd + r.ramCostUsd + r.gpuCostUsd, r.minutes) * HOURS_PER_MONTH;
      monthly += cost;
      const found = input.spotRatio(n);
      const discount = found === undefined ? null : 1 - found.ratio;
      discounts.set(`${n.instanceType}/${n.region}`, { instanceType: n.instanceType, region: n.region, discountFraction: discount, source: found?.source ?? 'no spot price known for this instance type and region' });
      saving = discount === null || saving === null ? null : saving + cost * discount;
    }
    candidates.push({
      workload,
      replicas,
      podsOnDemand: new Set(onDemand.map((r) => r.key)).size,
      monthlyOnDemandUsd: monthly,
      monthlySavingUsd: saving,
      evidence: { discounts: [...discounts.values()], pdbKnown: facts.pdbAllowsDisruption !== undefined, localStorageKnown: facts.localStorage !== undefined, scratchVolumes: facts.scratchVolumes ?? [] },
    });
  }
  return { candidates, excluded, clusters: clusterEstimates(input.nodes, input.spotRatio, o.targetSpotShare) };
}

/**
 * The saving if `target` of the cluster's capacity (by on-demand price) ran on spot:
 * max(0, target × on-demand-equivalent − on-demand price of the spot nodes) × discount × 730,
 * the discount being the on-demand-price-weighted catalog discount of its on-demand nodes.
 */
export function clusterEstimates(nodes: readonly NodeInterval[], spotRatio: SpotRatioLookup, target: number): ClusterSpotEstimate[] {
  const byCluster = new Map<string, NodeInterval[]>();
  for (const n of nodes) {
    const list = byCluster.get(n.cluster);
    if (list) list.push(n);
    else byCluster.set(n.cluster, [n]);
  }
  const out: ClusterSpotEstimate[] = [];
  for (const [cluster, list] of [...byCluster].sort(([a], [b]) => a.localeCompare(b))) {
    let total = 0;
    let spot = 0;
    let weighted = 0;
    let knownOnDemand = 0;
    for (const n of list) {
      const od = perHour(n.onDemandCostUsd, n.minutes);
      total += od;
      if (n.capacityType === 'spot') spot += od;
      if (n.capacityType !== 'on-demand') continue;
      const found = spotRatio(n);
      if (found === undefined) continue;
      weighted += od * (1 - found.ratio);
      knownOnDemand += od;
    }
    const discount = knownOnDemand > 0 ? weighted / knownOnDemand : null;
    const shortfall = Math.max(0, target * total - spot);
    out.push({
      cluster,
      monthlyOnDemandEquivalentUsd: total * HOURS_PER_MONTH,
      spotShare: total > 0 ? spot / total : 0,
      targetSpotShare: target,
      discountFraction: discount,
      monthlySavingUsd: shortfall === 0 ? 0 : discount === null ? null : shortfall * discount * HOURS_PER_MONTH,
    });
  }
  return out;
}
