// What HorizontalPodAutoscalers and PodDisruptionBudgets tell the advice: HPA-scaled resources are
// not right-sized (rightsizing.ts takes HpaTarget), and a Deployment whose PDB allows no disruption
// is no spot candidate (spot.ts takes WorkloadFacts.pdbAllowsDisruption). Pure: the sources turn
// API objects into these values (src/sources/policies.ts). docs/advice.md.
import type { PodInfo } from '../model.ts';
import type { LocalStorageOptions, StorageView } from './local-storage.ts';
import { localStorageFacts, mergeFacts } from './local-storage.ts';
import type { HpaTarget } from './rightsizing.ts';
import type { WorkloadFacts } from './spot.ts';
import { AdviceInputError, workloadId } from './types.ts';

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

/** One cluster's facts as a shared store keeps them (JSON): HPAs (null: not known) and spot facts by workload id. */
export interface StoredPolicies {
  readonly hpas: readonly HpaTarget[] | null;
  readonly spotFacts: readonly (readonly [string, WorkloadFacts])[];
}

export function policiesToJson(p: AdvicePolicies): StoredPolicies {
  return { hpas: p.hpas === undefined ? null : [...p.hpas], spotFacts: [...p.spotFacts] };
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Another exporter's stored facts for `cluster`, checked: throws AdviceInputError naming the field
 * (a newer or older exporter may write another shape). HPAs are scoped to `cluster` and workload
 * ids outside it are dropped, whatever the row says.
 */
export function policiesFromJson(value: unknown, cluster: string): AdvicePolicies {
  const object = `advice facts of cluster ${cluster}`;
  const bad = (field: string, v: unknown, why: string) => new AdviceInputError(object, field, JSON.stringify(v)?.slice(0, 120) ?? 'undefined', why);
  if (typeof value !== 'object' || value === null) throw bad('(document)', value, 'expected an object with hpas and spotFacts');
  const { hpas, spotFacts } = value as Record<string, unknown>;
  let outHpas: HpaTarget[] | undefined;
  if (hpas !== null) {
    if (!Array.isArray(hpas)) throw bad('hpas', hpas, 'expected an array or null');
    outHpas = hpas.map((h, i) => {
      const r = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
      const ok = typeof r['namespace'] === 'string' && typeof r['kind'] === 'string' && typeof r['name'] === 'string' && isStringList(r['resources']) && r['resources'].every((x) => x === 'cpu' || x === 'memory');
      if (!ok) throw bad(`hpas[${i}]`, h, 'expected namespace, kind, name and resources (cpu, memory)');
      return { namespace: r['namespace'] as string, kind: r['kind'] as string, name: r['name'] as string, resources: r['resources'] as HpaTarget['resources'], cluster };
    });
  }
  if (!Array.isArray(spotFacts)) throw bad('spotFacts', spotFacts, 'expected an array of [workload id, facts]');
  const facts = new Map<string, WorkloadFacts>();
  spotFacts.forEach((entry, i) => {
    const [id, f] = Array.isArray(entry) ? entry : [];
    if (typeof id !== 'string' || typeof f !== 'object' || f === null) throw bad(`spotFacts[${i}]`, entry, 'expected [workload id, facts]');
    const r = f as Record<string, unknown>;
    for (const key of ['localStorage', 'pdbAllowsDisruption']) if (r[key] !== undefined && typeof r[key] !== 'boolean') throw bad(`spotFacts[${i}].${key}`, r[key], 'expected a boolean');
    for (const key of ['localVolumes', 'scratchVolumes']) if (r[key] !== undefined && !isStringList(r[key])) throw bad(`spotFacts[${i}].${key}`, r[key], 'expected a list of strings');
    if (!id.startsWith(`${cluster}/`)) return;
    const out: { -readonly [K in keyof WorkloadFacts]: WorkloadFacts[K] } = {};
    if (typeof r['localStorage'] === 'boolean') out.localStorage = r['localStorage'];
    if (isStringList(r['localVolumes'])) out.localVolumes = r['localVolumes'];
    if (isStringList(r['scratchVolumes'])) out.scratchVolumes = r['scratchVolumes'];
    if (typeof r['pdbAllowsDisruption'] === 'boolean') out.pdbAllowsDisruption = r['pdbAllowsDisruption'];
    facts.set(id, out);
  });
  return { hpas: outHpas, spotFacts: facts };
}

/**
 * Several clusters' facts as one (the hub's advice across clusters): the HPAs of the clusters
 * that list them (each scoped to its cluster) and every spot fact (ids name their cluster).
 * `hpasUnknown`: the clusters whose HPAs are not known; HPAs undefined when none is known.
 */
export function combinePolicies(byCluster: ReadonlyMap<string, AdvicePolicies>): { policies: AdvicePolicies; hpasUnknown: string[] } {
  const hpas: HpaTarget[] = [];
  const hpasUnknown: string[] = [];
  let anyKnown = false;
  for (const [cluster, p] of [...byCluster].sort(([a], [b]) => a.localeCompare(b))) {
    if (p.hpas === undefined) hpasUnknown.push(cluster);
    else {
      anyKnown = true;
      for (const h of p.hpas) hpas.push({ ...h, cluster });
    }
  }
  return { policies: { hpas: anyKnown ? hpas : undefined, spotFacts: mergeFacts(...[...byCluster.values()].map((p) => p.spotFacts)) }, hpasUnknown };
}
