// `kubectl cost estimate`, part 2 (pure): workloads × unit rates → monthly cost, compared with what
// the same workloads cost now (when the cluster is known), and checked against --max-increase and
// --budget. Money is in USD per month of 730 hours (HOURS_PER_MONTH).
//
//   pod hourly   = cpuCores × cpuCoreHourUsd + ramBytes / GiB × ramGiBHourUsd + gpus × gpuHourUsd
//   compute / mo = pod hourly × pods × hours (730; Jobs and CronJobs: --job-hours when given)
//   storage / mo = Σ claim GiB × gibMonthUsd × pods
import type { Labels } from '../core/model.ts';
import type { PriceSource, ResourceRates } from '../core/pricing.ts';
import { HOURS_PER_MONTH } from '../core/pricing.ts';
import { BYTES_PER_GIB } from '../core/quantity.ts';
import type { ManifestWorkload } from './estimate-manifest.ts';
import { placementMatches } from './estimate-manifest.ts';

export interface StoragePrice {
  readonly gibMonthUsd: number;
  readonly source: PriceSource;
  readonly fallbackReason?: string;
}

/** The unit rates to price with, and where they came from (shown to the user). */
export interface EstimateRates {
  readonly rates: ResourceRates;
  readonly description: string;
  storage(storageClass: string): StoragePrice;
}

/** What the cluster knows: its nodes (for DaemonSets) and what each workload runs now. */
export interface ClusterFacts {
  /** Labels of every node; undefined when only a node count is known (server mode). */
  readonly nodeLabels?: readonly Labels[];
  readonly nodeCount: number;
  /** Current monthly cost of a workload priced the same way, or undefined when it does not exist. */
  current(kind: string, namespace: string, name: string): number | undefined;
}

export interface EstimateOptions {
  readonly rates: EstimateRates;
  readonly cluster?: ClusterFacts;
  /** Nodes a DaemonSet runs on when the cluster is not known (`--nodes`). */
  readonly assumedNodes?: number;
  /** Hours per month Jobs and CronJobs run (`--job-hours`); default: all month (an upper bound). */
  readonly jobHoursPerMonth?: number;
}

export interface EstimateLine {
  readonly workload: ManifestWorkload;
  readonly pods: number;
  readonly hours: number;
  readonly cpuMonthlyUsd: number;
  readonly ramMonthlyUsd: number;
  readonly gpuMonthlyUsd: number;
  readonly pvMonthlyUsd: number;
  readonly totalMonthlyUsd: number;
  /** Current monthly cost; undefined when unknown (no cluster) or the workload is new (see `isNew`). */
  readonly beforeMonthlyUsd: number | undefined;
  readonly isNew: boolean;
  readonly notes: readonly string[];
}

export interface Estimate {
  readonly lines: readonly EstimateLine[];
  readonly totalMonthlyUsd: number;
  /** Σ current cost of the workloads that exist; undefined without cluster data. */
  readonly beforeMonthlyUsd: number | undefined;
  readonly notes: readonly string[];
}

const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

export function podHourlyUsd(pod: ManifestWorkload['pod'], rates: ResourceRates): { cpu: number; ram: number; gpu: number } {
  return {
    cpu: pod.cpuCores * rates.cpuCoreHourUsd,
    ram: (pod.ramBytes / BYTES_PER_GIB) * rates.ramGiBHourUsd,
    gpu: pod.gpus * rates.gpuHourUsd,
  };
}

export function estimateCosts(workloads: readonly ManifestWorkload[], options: EstimateOptions): Estimate {
  const { rates, cluster, assumedNodes = 1, jobHoursPerMonth } = options;
  const lines: EstimateLine[] = [];
  const notes: string[] = [];
  let total = 0;
  let before = 0;
  for (const w of workloads) {
    const lineNotes: string[] = [];
    let pods: number;
    if (w.kind === 'DaemonSet') {
      if (cluster?.nodeLabels !== undefined) {
        const placement = w.placement ?? { nodeSelector: {}, terms: [] };
        pods = cluster.nodeLabels.filter((labels) => placementMatches(placement, labels)).length;
        lineNotes.push(`${pods} of ${cluster.nodeLabels.length} nodes match its node selector and affinity (taints not checked)`);
      } else if (cluster !== undefined) {
        pods = cluster.nodeCount;
        lineNotes.push(`one pod on each of the cluster's ${pods} nodes (node selector not checked in server mode)`);
      } else {
        pods = assumedNodes;
        lineNotes.push(`assumed ${pods} node${pods === 1 ? '' : 's'} (--nodes)`);
      }
    } else {
      pods = w.replicas ?? 1;
      if (w.replicasDefaulted && w.kind !== 'Job' && w.kind !== 'CronJob') lineNotes.push('spec.replicas not set: 1 replica (Kubernetes default)');
    }
    let hours = HOURS_PER_MONTH;
    if (w.runsToCompletion) {
      if (jobHoursPerMonth !== undefined) {
        hours = jobHoursPerMonth;
        lineNotes.push(`runs ${jobHoursPerMonth} h per month (--job-hours)`);
      } else {
        lineNotes.push('upper bound: priced as running all month (set --job-hours)');
      }
    }
    const hourly = podHourlyUsd(w.pod, rates.rates);
    const cpu = hourly.cpu * pods * hours;
    const ram = hourly.ram * pods * hours;
    const gpu = hourly.gpu * pods * hours;
    let pv = 0;
    for (const v of w.volumes) {
      const price = rates.storage(v.storageClass);
      pv += (v.bytes / BYTES_PER_GIB) * price.gibMonthUsd * pods;
      if (price.fallbackReason !== undefined) lineNotes.push(`storage: ${price.fallbackReason}`);
    }
    const lineTotal = cpu + ram + gpu + pv;
    const current = cluster?.current(w.kind, w.namespace, w.name);
    total += lineTotal;
    if (current !== undefined) before += current;
    lines.push({
      workload: w,
      pods,
      hours,
      cpuMonthlyUsd: round6(cpu),
      ramMonthlyUsd: round6(ram),
      gpuMonthlyUsd: round6(gpu),
      pvMonthlyUsd: round6(pv),
      totalMonthlyUsd: round6(lineTotal),
      beforeMonthlyUsd: current === undefined ? undefined : round6(current),
      isNew: cluster !== undefined && current === undefined,
      notes: lineNotes,
    });
  }
  lines.sort((a, b) => b.totalMonthlyUsd - a.totalMonthlyUsd || key(a).localeCompare(key(b)));
  if (cluster === undefined) notes.push('no cluster data (--snapshot or a server): current costs unknown, no before/after');
  return { lines, totalMonthlyUsd: round6(total), beforeMonthlyUsd: cluster === undefined ? undefined : round6(before), notes };
}

function key(line: EstimateLine): string {
  return `${line.workload.kind}/${line.workload.namespace}/${line.workload.name}`;
}

export interface Limits {
  /** `--max-increase 10%` → 10. */
  readonly maxIncreasePercent?: number;
  /** `--budget 500`: monthly USD for everything in the manifest. */
  readonly budgetMonthlyUsd?: number;
}

export interface LimitCheck {
  /** GitHub Actions workflow commands: `::error::…` (fail) and `::warning::…` lines. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}

/**
 * The change is after − before over the workloads that exist now (new workloads count in full
 * against --budget, and are not a percentage of anything, so --max-increase only warns about them).
 */
export function checkLimits(estimate: Estimate, limits: Limits): LimitCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (limits.maxIncreasePercent !== undefined) {
    const existing = estimate.lines.filter((l) => l.beforeMonthlyUsd !== undefined);
    const newLines = estimate.lines.filter((l) => l.beforeMonthlyUsd === undefined);
    const before = existing.reduce((s, l) => s + (l.beforeMonthlyUsd ?? 0), 0);
    const after = existing.reduce((s, l) => s + l.totalMonthlyUsd, 0);
    if (estimate.beforeMonthlyUsd === undefined) {
      warnings.push('--max-increase not checked: current costs unknown (give --snapshot or reach a server)');
    } else if (existing.length > 0) {
      const change = after - before;
      if (before > 0) {
        const percent = (change / before) * 100;
        if (percent > limits.maxIncreasePercent) {
          errors.push(`Deployment increases costs by ${percent.toFixed(1)}% (${usd(before)} → ${usd(after)} per month, +${usd(change)}), above --max-increase ${limits.maxIncreasePercent}%`);
        }
      } else if (after > 0) {
        errors.push(`Deployment increases costs from $0.00 to ${usd(after)} per month, above --max-increase ${limits.maxIncreasePercent}%`);
      }
    }
    if (estimate.beforeMonthlyUsd !== undefined && newLines.length > 0) {
      const added = newLines.reduce((s, l) => s + l.totalMonthlyUsd, 0);
      warnings.push(`${newLines.length} new workload${newLines.length === 1 ? '' : 's'} add ${usd(added)} per month (not a percentage of a current cost: use --budget to cap them)`);
    }
  }
  if (limits.budgetMonthlyUsd !== undefined && estimate.totalMonthlyUsd > limits.budgetMonthlyUsd) {
    errors.push(`Estimated monthly cost ${usd(estimate.totalMonthlyUsd)} exceeds --budget ${usd(limits.budgetMonthlyUsd)}`);
  }
  return { errors, warnings };
}
