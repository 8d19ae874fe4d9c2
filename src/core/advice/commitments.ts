// Commitments: the stable baseline of on-demand node spend that a savings plan, reserved instance
// or committed-use discount would cover. The baseline is a low percentile (p10) of the hourly
// on-demand node spend over the window (30 days): spend the cluster had in 90 % of its hours.
// The discount rate is an input: the providers publish rates per instance type, term and payment
// option, not one number (docs/advice.md says where to read yours). Pure. docs/advice.md.
import type { NodeInterval } from '../../store/types.ts';
import { nearestRankPercentile } from './stats.ts';
import { checkNumber, HOURS_PER_MONTH } from './types.ts';

export interface CommitmentOptions {
  /** The baseline is this percentile of hourly on-demand spend (0.1). */
  readonly percentile: number;
  /** Fewer recorded hours than this: no advice (7 days). */
  readonly minHours: number;
  /** Discount of the commitment off on-demand, e.g. 0.28 for 28 %; absent: saving unknown. */
  readonly discountFraction?: number;
}

export const DEFAULT_COMMITMENT: CommitmentOptions = Object.freeze({ percentile: 0.1, minHours: 7 * 24 });

export interface HourSpend {
  readonly startMs: number;
  /** On-demand node spend in this hour (USD); absent hours (exporter down) are not in the list. */
  readonly onDemandUsd: number;
}

export interface CommitmentAdvice {
  readonly cluster: string;
  readonly hours: number;
  readonly baselineHourlyUsd: number;
  /** On-demand spend the baseline covers per month (baseline × 730). */
  readonly coveredMonthlyUsd: number;
  /** Share of the recorded hours whose spend reached the baseline (the commitment is used in full). */
  readonly fullyUsedHoursFraction: number;
  readonly discountFraction: number | null;
  /** What to commit to per hour: baseline × (1 − discount). */
  readonly commitmentHourlyUsd: number | null;
  readonly monthlySavingUsd: number | null;
  readonly evidence: { readonly percentile: number; readonly meanHourlyUsd: number; readonly minHourlyUsd: number; readonly maxHourlyUsd: number; readonly note?: string };
}

/** Hourly on-demand spend per cluster from hourly node step sets (one step = one hour). */
export function hourlyOnDemandSpend(steps: readonly { readonly startMs: number; readonly rows: readonly NodeInterval[] }[]): Map<string, HourSpend[]> {
  const out = new Map<string, HourSpend[]>();
  for (const step of steps) {
    const byCluster = new Map<string, number>();
    for (const n of step.rows) byCluster.set(n.cluster, (byCluster.get(n.cluster) ?? 0) + (n.capacityType === 'on-demand' ? n.totalCostUsd : 0));
    for (const [cluster, usd] of byCluster) {
      const list = out.get(cluster) ?? [];
      list.push({ startMs: step.startMs, onDemandUsd: usd });
      out.set(cluster, list);
    }
  }
  return out;
}

export function commitmentAdvice(cluster: string, hours: readonly HourSpend[], partial: Partial<CommitmentOptions> = {}): CommitmentAdvice | { readonly cluster: string; readonly skipped: string } {
  const o = { ...DEFAULT_COMMITMENT, ...partial };
  checkNumber('commitment options', 'percentile', o.percentile, 0.01, 1);
  checkNumber('commitment options', 'minHours', o.minHours, 1, 1e6);
  if (o.discountFraction !== undefined) checkNumber('commitment options', 'discountFraction', o.discountFraction, 0, 0.95);
  if (hours.length < o.minHours) return { cluster, skipped: `${hours.length} hours of node history (needs ${o.minHours})` };
  const values = hours.map((h) => h.onDemandUsd);
  const baseline = nearestRankPercentile(values, o.percentile) ?? 0;
  const d = o.discountFraction;
  return {
    cluster,
    hours: hours.length,
    baselineHourlyUsd: baseline,
    coveredMonthlyUsd: baseline * HOURS_PER_MONTH,
    fullyUsedHoursFraction: values.filter((v) => v >= baseline).length / values.length,
    discountFraction: d ?? null,
    commitmentHourlyUsd: d === undefined ? null : baseline * (1 - d),
    monthlySavingUsd: d === undefined ? null : baseline * d * HOURS_PER_MONTH,
    evidence: {
      percentile: o.percentile,
      meanHourlyUsd: values.reduce((t, v) => t + v, 0) / values.length,
      minHourlyUsd: Math.min(...values),
      maxHourlyUsd: Math.max(...values),
      ...(d === undefined ? { note: 'no discount rate given (commitmentDiscount): the saving is unknown; read the rate for your instance types and term from your provider' } : {}),
    },
  };
}
