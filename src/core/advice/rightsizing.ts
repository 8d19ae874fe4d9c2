// Right-sizing: what each workload's pods should request, from their usage history.
//
// Samples are the history store's per-sample allocation rows (one per pod per step): the usage
// average over a row is cpuCoreUsageHours / (usageMinutes / 60) cores and ramByteUsageHours /
// (usageMinutes / 60) bytes. CPU is sized at a weighted percentile of those averages (p90, p95 for
// pods annotated latency-sensitive), memory at their peak; both get a safety margin and a floor.
// Weights decay exponentially with age (half-life 24 h), as the VPA recommender's histograms do.
// Pure: the clock (`nowMs`), the HPA list and the unit rates are inputs. docs/advice.md.
import type { AllocationInterval, NodeInterval } from '../../store/types.ts';
import { decayWeight, weightedPercentile } from './stats.ts';
import type { WorkloadRef } from './types.ts';
import { checkNumber, HOURS_PER_MONTH, workloadId } from './types.ts';

/** Pod annotation: `"true"` sizes CPU at the latency-sensitive percentile (default p95). */
export const LATENCY_SENSITIVE_ANNOTATION = 'kube-cost-exporter.io/latency-sensitive';

const MIB = 2 ** 20;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface RightSizingOptions {
  /** CPU request at this weighted percentile of usage (0.9). */
  readonly cpuPercentile: number;
  /** ... or this one for latency-sensitive workloads (0.95). */
  readonly latencySensitiveCpuPercentile: number;
  /** Added on top of the percentile (CPU) and the peak (memory): 0.15 = 15 %. */
  readonly marginFraction: number;
  readonly minCpuCores: number;
  readonly minRamBytes: number;
  /** Age at which a sample weighs half as much as a fresh one (24 h). */
  readonly halfLifeMs: number;
  /** No advice with less history than this (3 h) ... */
  readonly minHistoryMs: number;
  /** ... or fewer usage samples than this (100). */
  readonly minSamples: number;
  /** History (span and sample-days) at which confidence reaches 1 (7 days). */
  readonly fullConfidenceMs: number;
  /** A change smaller than this fraction of the current request is reported as `keep` (0.05). */
  readonly minChangeFraction: number;
}

export const DEFAULT_RIGHTSIZING: RightSizingOptions = Object.freeze({
  cpuPercentile: 0.9,
  latencySensitiveCpuPercentile: 0.95,
  marginFraction: 0.15,
  minCpuCores: 0.025,
  minRamBytes: 64 * MIB,
  halfLifeMs: 24 * HOUR_MS,
  minHistoryMs: 3 * HOUR_MS,
  minSamples: 100,
  fullConfidenceMs: 7 * DAY_MS,
  minChangeFraction: 0.05,
});

export type SizedResource = 'cpu' | 'memory';

/** A HorizontalPodAutoscaler scaling `workload` on these resources: they are not right-sized. */
export interface HpaTarget {
  readonly namespace: string;
  /** Lower-case kind as the store records controllers (`deployment`, `statefulset`). */
  readonly kind: string;
  readonly name: string;
  readonly resources: readonly SizedResource[];
  /** Only this cluster; absent: any. */
  readonly cluster?: string;
}

/** What one unit of request costs per hour on a node. */
export interface UnitRates {
  readonly cpuCoreHourUsd: number;
  readonly ramByteHourUsd: number;
}

export interface ResourceAdvice {
  readonly resource: SizedResource;
  /** Per pod: cores for CPU, bytes for memory (average request of the pods in the latest sample). */
  readonly currentRequest: number;
  readonly suggestedRequest: number;
  /** The usage figure the suggestion starts from: the percentile (CPU) or the peak (memory). */
  readonly basis: number;
  /** The percentile used (CPU), null for memory (peak). */
  readonly percentile: number | null;
  readonly action: 'decrease' | 'increase' | 'keep';
  /** (current − suggested) × unit rate × 730 × replicas when positive; null when no rate is known. */
  readonly monthlySavingUsd: number | null;
  /** The same when the suggestion is above the current request (the workload is under-provisioned). */
  readonly monthlyExtraCostUsd: number | null;
}

export interface RightSizingAdvice {
  readonly workload: WorkloadRef;
  readonly replicas: number;
  readonly latencySensitive: boolean;
  readonly cpu: ResourceAdvice | { readonly resource: 'cpu'; readonly skipped: string };
  readonly memory: ResourceAdvice | { readonly resource: 'memory'; readonly skipped: string };
  readonly monthlySavingUsd: number | null;
  readonly monthlyExtraCostUsd: number | null;
  /** 0..1: min(history span, usage sample-days) ÷ fullConfidence, capped at 1. */
  readonly confidence: number;
  readonly evidence: {
    readonly samples: number;
    readonly firstMs: number;
    readonly lastMs: number;
    readonly historyHours: number;
    readonly halfLifeHours: number;
    readonly marginFraction: number;
    readonly cpuPercentileCores: number;
    readonly cpuPeakCores: number;
    readonly ramPeakBytes: number;
    readonly unitRates: UnitRates | null;
    /** Why money is missing, when it is. */
    readonly note?: string;
  };
}

export interface RightSizingInput {
  /** Per-sample allocation rows (pseudo-allocations are ignored). */
  readonly rows: readonly AllocationInterval[];
  readonly nowMs: number;
  readonly hpas?: readonly HpaTarget[];
  /** Unit rates by `cluster/node` (see nodeUnitRates). */
  readonly rates: ReadonlyMap<string, UnitRates>;
  readonly options?: Partial<RightSizingOptions>;
}

export interface RightSizingResult {
  readonly advice: readonly RightSizingAdvice[];
  readonly skipped: readonly { readonly workload: WorkloadRef; readonly reason: string }[];
}

export function checkRightSizingOptions(partial: Partial<RightSizingOptions> = {}): RightSizingOptions {
  const o = { ...DEFAULT_RIGHTSIZING, ...partial };
  const obj = 'right-sizing options';
  checkNumber(obj, 'cpuPercentile', o.cpuPercentile, 0.01, 1);
  checkNumber(obj, 'latencySensitiveCpuPercentile', o.latencySensitiveCpuPercentile, 0.01, 1);
  checkNumber(obj, 'marginFraction', o.marginFraction, 0, 10);
  checkNumber(obj, 'minCpuCores', o.minCpuCores, 0, 1e6);
  checkNumber(obj, 'minRamBytes', o.minRamBytes, 0, 2 ** 50);
  checkNumber(obj, 'halfLifeMs', o.halfLifeMs, 60_000, 365 * DAY_MS);
  checkNumber(obj, 'minHistoryMs', o.minHistoryMs, 0, 365 * DAY_MS);
  checkNumber(obj, 'minSamples', o.minSamples, 1, 1e9);
  checkNumber(obj, 'fullConfidenceMs', o.fullConfidenceMs, 60_000, 365 * DAY_MS);
  checkNumber(obj, 'minChangeFraction', o.minChangeFraction, 0, 1);
  return o;
}

/** The workload a row belongs to: its top-level controller, or the pod itself. */
export function workloadOf(row: AllocationInterval): WorkloadRef {
  return row.controller !== ''
    ? { cluster: row.cluster, namespace: row.namespace, kind: row.controllerKind || 'controller', name: row.controller }
    : { cluster: row.cluster, namespace: row.namespace, kind: 'pod', name: row.pod };
}

/**
 * Unit rates per `cluster/node` from node intervals (the latest interval of each node wins):
 * cpuCostUsd ÷ (cpuCores × hours), ramCostUsd ÷ (ramBytes × hours).
 */
export function nodeUnitRates(nodes: readonly NodeInterval[]): Map<string, UnitRates> {
  const latest = new Map<string, NodeInterval>();
  for (const n of nodes) {
    const key = `${n.cluster}/${n.node}`;
    const prev = latest.get(key);
    if (!prev || n.endMs > prev.endMs) latest.set(key, n);
  }
  const out = new Map<string, UnitRates>();
  for (const [key, n] of latest) {
    const hours = n.minutes / 60;
    if (hours <= 0 || n.cpuCores <= 0 || n.ramBytes <= 0) continue;
    out.set(key, { cpuCoreHourUsd: n.cpuCostUsd / (n.cpuCores * hours), ramByteHourUsd: n.ramCostUsd / (n.ramBytes * hours) });
  }
  return out;
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step - 1e-9) * step;
}

function resourceAdvice(
  resource: SizedResource,
  current: number,
  basis: number,
  percentile: number | null,
  o: RightSizingOptions,
  replicas: number,
  unitHourUsd: number | undefined,
): ResourceAdvice {
  const floor = resource === 'cpu' ? o.minCpuCores : o.minRamBytes;
  // CPU in whole millicores, memory in whole MiB, as people write requests.
  const step = resource === 'cpu' ? 0.001 : MIB;
  const suggested = roundUp(Math.max(floor, basis * (1 + o.marginFraction)), step);
  const change = suggested - current;
  const action = current > 0 && Math.abs(change) < o.minChangeFraction * current ? 'keep' : change < 0 ? 'decrease' : change > 0 ? 'increase' : 'keep';
  const monthly = unitHourUsd === undefined ? null : Math.abs(change) * unitHourUsd * HOURS_PER_MONTH * replicas;
  return {
    resource,
    currentRequest: current,
    suggestedRequest: suggested,
    basis,
    percentile,
    action,
    monthlySavingUsd: monthly === null ? null : action === 'decrease' ? monthly : 0,
    monthlyExtraCostUsd: monthly === null ? null : action === 'increase' ? monthly : 0,
  };
}

function hpaResources(hpas: readonly HpaTarget[], w: WorkloadRef): Set<SizedResource> {
  const out = new Set<SizedResource>();
  for (const h of hpas) {
    if (h.namespace !== w.namespace || h.kind.toLowerCase() !== w.kind || h.name !== w.name) continue;
    if (h.cluster !== undefined && h.cluster !== w.cluster) continue;
    for (const r of h.resources) out.add(r);
  }
  return out;
}

export function rightSize(input: RightSizingInput): RightSizingResult {
  const o = checkRightSizingOptions(input.options);
  const groups = new Map<string, { workload: WorkloadRef; rows: AllocationInterval[] }>();
  for (const row of input.rows) {
    if (row.kind !== 'pod') continue;
    const workload = workloadOf(row);
    const id = workloadId(workload);
    const g = groups.get(id);
    if (g) g.rows.push(row);
    else groups.set(id, { workload, rows: [row] });
  }
  const advice: RightSizingAdvice[] = [];
  const skipped: { workload: WorkloadRef; reason: string }[] = [];
  for (const { workload, rows } of [...groups.values()].sort((a, b) => workloadId(a.workload).localeCompare(workloadId(b.workload)))) {
    const used = rows.filter((r) => r.usageMinutes > 0);
    if (used.length === 0) {
      skipped.push({ workload, reason: 'no usage measured (costs came from requests only)' });
      continue;
    }
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    let usageMinutes = 0;
    const cpu: { value: number; weight: number }[] = [];
    let cpuPeak = 0;
    let ramPeak = 0;
    for (const r of used) {
      firstMs = Math.min(firstMs, r.startMs);
      lastMs = Math.max(lastMs, r.endMs);
      usageMinutes += r.usageMinutes;
      const hours = r.usageMinutes / 60;
      const cores = r.cpuCoreUsageHours / hours;
      const bytes = r.ramByteUsageHours / hours;
      cpu.push({ value: cores, weight: decayWeight(input.nowMs - r.endMs, o.halfLifeMs) });
      cpuPeak = Math.max(cpuPeak, cores);
      ramPeak = Math.max(ramPeak, bytes);
    }
    const historyMs = lastMs - firstMs;
    if (historyMs < o.minHistoryMs || used.length < o.minSamples) {
      skipped.push({
        workload,
        reason: `not enough history: ${used.length} samples over ${(historyMs / HOUR_MS).toFixed(2)} h (needs ${o.minSamples} samples over ${o.minHistoryMs / HOUR_MS} h)`,
      });
      continue;
    }
    // The pods of the latest sample: how many there are, what they request, where they run.
    const latestEnd = Math.max(...rows.map((r) => r.endMs));
    const latest = rows.filter((r) => r.endMs === latestEnd && r.minutes > 0);
    if (latest.length === 0) {
      skipped.push({ workload, reason: 'no running pod in the latest sample' });
      continue;
    }
    const replicas = new Set(latest.map((r) => r.key)).size;
    const currentCpu = latest.reduce((t, r) => t + r.cpuCoreRequestHours / (r.minutes / 60), 0) / latest.length;
    const currentRam = latest.reduce((t, r) => t + r.ramByteRequestHours / (r.minutes / 60), 0) / latest.length;
    const rates = latest.map((r) => input.rates.get(`${r.cluster}/${r.node}`));
    const known = rates.filter((r): r is UnitRates => r !== undefined);
    const unit =
      known.length === rates.length && known.length > 0
        ? { cpuCoreHourUsd: known.reduce((t, r) => t + r.cpuCoreHourUsd, 0) / known.length, ramByteHourUsd: known.reduce((t, r) => t + r.ramByteHourUsd, 0) / known.length }
        : null;
    const latencySensitive = latest.some((r) => r.annotations[LATENCY_SENSITIVE_ANNOTATION] === 'true');
    const percentile = latencySensitive ? o.latencySensitiveCpuPercentile : o.cpuPercentile;
    const cpuBasis = weightedPercentile(cpu, percentile) ?? 0;
    const hpa = hpaResources(input.hpas ?? [], workload);
    const cpuAdvice = hpa.has('cpu')
      ? ({ resource: 'cpu', skipped: 'a HorizontalPodAutoscaler scales this workload on CPU' } as const)
      : resourceAdvice('cpu', currentCpu, cpuBasis, percentile, o, replicas, unit?.cpuCoreHourUsd);
    const ramAdvice = hpa.has('memory')
      ? ({ resource: 'memory', skipped: 'a HorizontalPodAutoscaler scales this workload on memory' } as const)
      : resourceAdvice('memory', currentRam, ramPeak, null, o, replicas, unit?.ramByteHourUsd);
    const parts = [cpuAdvice, ramAdvice].filter((a): a is ResourceAdvice => 'action' in a);
    const total = (f: 'monthlySavingUsd' | 'monthlyExtraCostUsd') => (unit === null ? null : parts.reduce((t, a) => t + (a[f] ?? 0), 0));
    const confidence = Math.min(1, historyMs / o.fullConfidenceMs, (usageMinutes * 60_000) / o.fullConfidenceMs);
    advice.push({
      workload,
      replicas,
      latencySensitive,
      cpu: cpuAdvice,
      memory: ramAdvice,
      monthlySavingUsd: total('monthlySavingUsd'),
      monthlyExtraCostUsd: total('monthlyExtraCostUsd'),
      confidence,
      evidence: {
        samples: used.length,
        firstMs,
        lastMs,
        historyHours: historyMs / HOUR_MS,
        halfLifeHours: o.halfLifeMs / HOUR_MS,
        marginFraction: o.marginFraction,
        cpuPercentileCores: cpuBasis,
        cpuPeakCores: cpuPeak,
        ramPeakBytes: ramPeak,
        unitRates: unit,
        ...(unit === null ? { note: 'no unit rate for a node of the latest pods: saving unknown' } : {}),
      },
    });
  }
  return { advice, skipped };
}
