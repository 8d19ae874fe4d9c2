// What HorizontalPodAutoscalers and PodDisruptionBudgets tell the advice: HPA-scaled resources are
// not right-sized (rightsizing.ts takes HpaTarget), and a Deployment whose PDB allows no disruption
// is no spot candidate (spot.ts takes WorkloadFacts.pdbAllowsDisruption). Pure: the sources turn
// API objects into these values (src/sources/policies.ts). docs/advice.md.
import type { PodInfo } from '../model.ts';
import type { LocalStorageOptions, StorageView } from './local-storage.ts';
import { localStorageFacts, mergeFacts } from './local-storage.ts';
import type { HpaTarget } from './rightsizing.ts';
import type { WorkloadFacts } from './spot.ts';
import { workloadId } from './types.ts';

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values: readonly string[] }[];
}

/** An int-or-string of a PodDisruptionBudget: a pod count or a percentage (`"50%"`). */
export type IntOrPercent = { readonly count: number } | { readonly percent: number };

export interface PdbPolicy {
  readonly namespace: string;
  readonly name: string;
  /** `spec.selector`; absent or empty selects every pod of the namespace (policy/v1). */
  readonly selector: LabelSelector;
  readonly maxUnavailable?: IntOrPercent;
  readonly minAvailable?: IntOrPercent;
}

/** HPAs and PDBs as a source read them. */
export interface WorkloadPolicies {
  readonly hpas: readonly HpaTarget[];
  readonly pdbs: readonly PdbPolicy[];
}

// The disruption controller scales percentages rounding up (GetScaledValueFromIntOrPercent, true).
const scaled = (v: IntOrPercent, replicas: number): number => ('count' in v ? v.count : Math.ceil((v.percent * replicas) / 100));

/**
 * Whether the budget lets at least one of `replicas` healthy pods be evicted: scaled
 * maxUnavailable > 0, or replicas − scaled minAvailable > 0. Neither field set: not known.
 */
export function pdbAllowsDisruption(pdb: PdbPolicy, replicas: number): boolean | undefined {
  if (pdb.maxUnavailable !== undefined) return scaled(pdb.maxUnavailable, replicas) > 0;
  if (pdb.minAvailable !== undefined) return replicas - scaled(pdb.minAvailable, replicas) > 0;
  return undefined;
}

export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const inValues = value !== undefined && e.values.includes(value);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/**
 * Spot facts per workload id (spot.ts keys) from the PDBs: a workload whose running pods some PDB
 * selects gets pdbAllowsDisruption = every such PDB allows one eviction of its replicas (the pods
 * it selects). Workloads no PDB selects get no fact: spot advice says the PDB is not known.
 */
export function pdbFacts(pods: readonly PodInfo[], pdbs: readonly PdbPolicy[], cluster: string): Map<string, WorkloadFacts> {
  const out = new Map<string, WorkloadFacts>();
  const running = pods.filter((p) => p.phase === 'Running' || p.phase === 'Pending');
  for (const pdb of pdbs) {
    const selected = running.filter((p) => p.namespace === pdb.namespace && selects(pdb.selector, p.labels));
    const allows = pdbAllowsDisruption(pdb, selected.length);
    if (allows === undefined) continue;
    for (const p of selected) {
      if (p.workload === undefined) continue;
      const id = workloadId({ cluster, namespace: p.namespace, kind: p.workload.kind.toLowerCase(), name: p.workload.name });
      const before = out.get(id)?.pdbAllowsDisruption;
      out.set(id, { pdbAllowsDisruption: (before ?? true) && allows });
    }
  }
  return out;
}

/**
 * What the advice takes from one cluster's objects: rightsizing.ts's HPA targets (undefined: the
 * source does not list HPAs) and spot.ts's facts (PDBs, local storage).
 */
export interface AdvicePolicies {
  readonly hpas: readonly HpaTarget[] | undefined;
  readonly spotFacts: ReadonlyMap<string, WorkloadFacts>;
}

/**
 * A source's HPAs, PDBs and pod volumes as the advice of `cluster` reads them (HPAs scoped to that
 * cluster). `policies` undefined (the source does not list HPAs and PDBs): local storage facts only.
 */
export function advicePolicies(policies: WorkloadPolicies | undefined, view: StorageView, cluster: string, storage: Partial<LocalStorageOptions> = {}): AdvicePolicies {
  const local = localStorageFacts(view, cluster, storage);
  if (policies === undefined) return { hpas: undefined, spotFacts: local };
  return { hpas: policies.hpas.map((h) => ({ ...h, cluster })), spotFacts: mergeFacts(local, pdbFacts(view.pods, policies.pdbs, cluster)) };
}
