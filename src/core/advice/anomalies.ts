// Cost anomalies per namespace, robust to seasonality: each hour (or day) is compared with the
// same hour-of-week (or day-of-week) in the weeks before it, by its distance from their median in
// units of their median absolute deviation (the modified z-score of Iglewicz and Hoaglin:
// 0.6745 × (x − median) ÷ MAD; |z| ≥ 3.5 is an outlier). The cause is the part (workload and
// resource) whose cost moved most in the same direction. Pure: the series are inputs. docs/advice.md.
import { median } from './stats.ts';
import { checkNumber } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type Granularity = 'hour' | 'day';

export interface CostPoint {
  readonly startMs: number;
  readonly costUsd: number;
  /** Cost by part, e.g. `deployment/web cpu` → USD; the parts need not add up to costUsd. */
  readonly parts: ReadonlyMap<string, number>;
}

export interface AnomalyOptions {
  readonly granularity: Granularity;
  /** |modified z| at or above which a point is an anomaly (3.5). */
  readonly threshold: number;
  /** Changes smaller than this are never anomalies, whatever their z (1 USD a day, 0.1 USD an hour by default). */
  readonly minDeltaUsd: number;
  /** Same-season points needed before a point is judged (3). */
  readonly minHistory: number;
  /** Only the latest this many same-season points form the baseline (8: eight weeks). */
  readonly maxHistory: number;
}

export function defaultAnomalyOptions(granularity: Granularity): AnomalyOptions {
  return { granularity, threshold: 3.5, minDeltaUsd: granularity === 'day' ? 1 : 0.1, minHistory: 3, maxHistory: 8 };
}

export interface Anomaly {
  readonly namespace: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly costUsd: number;
  /** Median of the same hour-of-week / day-of-week before it. */
  readonly expectedUsd: number;
  readonly deltaUsd: number;
  /** Modified z-score; null when the baseline never varied (MAD 0). */
  readonly score: number | null;
  readonly direction: 'spike' | 'drop';
  readonly cause: { readonly part: string; readonly costUsd: number; readonly expectedUsd: number; readonly deltaUsd: number } | null;
  readonly evidence: { readonly baselinePoints: number; readonly madUsd: number; readonly threshold: number };
}

/** Hour-of-week (0..167) or day-of-week (0..6) of an instant, counted from the Unix epoch. */
export function seasonOf(startMs: number, granularity: Granularity): number {
  return granularity === 'hour' ? Math.floor(startMs / HOUR_MS) % 168 : Math.floor(startMs / DAY_MS) % 7;
}

/**
 * Anomalies among the points starting at or after `fromMs` of each namespace's series (points of
 * one series are one hour or one day long; earlier points serve as the baseline).
 */
export function detectAnomalies(series: ReadonlyMap<string, readonly CostPoint[]>, fromMs: number, partial: Partial<AnomalyOptions> & { granularity: Granularity }): Anomaly[] {
  const o = { ...defaultAnomalyOptions(partial.granularity), ...partial };
  checkNumber('anomaly options', 'threshold', o.threshold, 0.1, 100);
  checkNumber('anomaly options', 'minDeltaUsd', o.minDeltaUsd, 0, 1e9);
  checkNumber('anomaly options', 'minHistory', o.minHistory, 1, 1000);
  checkNumber('anomaly options', 'maxHistory', o.maxHistory, o.minHistory, 1000);
  const length = o.granularity === 'hour' ? HOUR_MS : DAY_MS;
  const out: Anomaly[] = [];
  for (const [namespace, points] of [...series].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...points].sort((a, b) => a.startMs - b.startMs);
    for (const p of sorted) {
      if (p.startMs < fromMs) continue;
      const season = seasonOf(p.startMs, o.granularity);
      const past = sorted.filter((q) => q.startMs < p.startMs && seasonOf(q.startMs, o.granularity) === season).slice(-o.maxHistory);
      if (past.length < o.minHistory) continue;
      const values = past.map((q) => q.costUsd);
      const expected = median(values) as number;
      const mad = median(values.map((v) => Math.abs(v - expected))) as number;
      const delta = p.costUsd - expected;
      if (Math.abs(delta) < o.minDeltaUsd || delta === 0) continue;
      const score = mad > 0 ? (0.6745 * delta) / mad : null;
      if (score !== null && Math.abs(score) < o.threshold) continue;
      out.push({
        namespace,
        startMs: p.startMs,
        endMs: p.startMs + length,
        costUsd: p.costUsd,
        expectedUsd: expected,
        deltaUsd: delta,
        score,
        direction: delta > 0 ? 'spike' : 'drop',
        cause: causeOf(p, past, delta),
        evidence: { baselinePoints: past.length, madUsd: mad, threshold: o.threshold },
      });
    }
  }
  return out;
}

/** The part whose cost moved most in the direction of the anomaly (vs its own same-season median). */
function causeOf(point: CostPoint, past: readonly CostPoint[], delta: number): Anomaly['cause'] {
  const keys = new Set<string>(point.parts.keys());
  for (const q of past) for (const k of q.parts.keys()) keys.add(k);
  let best: Anomaly['cause'] = null;
  for (const part of [...keys].sort()) {
    const costUsd = point.parts.get(part) ?? 0;
    const expectedUsd = median(past.map((q) => q.parts.get(part) ?? 0)) as number;
    const d = costUsd - expectedUsd;
    if (Math.sign(d) !== Math.sign(delta)) continue;
    if (best === null || Math.abs(d) > Math.abs(best.deltaUsd)) best = { part, costUsd, expectedUsd, deltaUsd: d };
  }
  return best;
}
