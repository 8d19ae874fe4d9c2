// Small statistics the advice code shares: weighted percentile, exponential decay weights, median
// and MAD, nearest-rank percentile. Pure: numbers in, numbers out.

export interface WeightedSample {
  readonly value: number;
  readonly weight: number;
}

/**
 * The weighted percentile: the smallest sample value whose cumulative weight (samples sorted by
 * value) reaches `p` of the total weight. `p` in (0, 1]. Undefined for no samples or no weight.
 */
export function weightedPercentile(samples: readonly WeightedSample[], p: number): number | undefined {
  const sorted = samples.filter((s) => s.weight > 0 && Number.isFinite(s.value)).sort((a, b) => a.value - b.value);
  let total = 0;
  for (const s of sorted) total += s.weight;
  if (sorted.length === 0 || total <= 0) return undefined;
  const target = p * total;
  let cumulative = 0;
  for (const s of sorted) {
    cumulative += s.weight;
    // A relative tolerance so that 0.9 × 10 reaches the 9th of ten equal weights.
    if (cumulative >= target * (1 - 1e-12)) return s.value;
  }
  return sorted[sorted.length - 1]?.value;
}

/** Weight of a sample `ageMs` old with the given half-life: 1 now, 0.5 one half-life ago. */
export function decayWeight(ageMs: number, halfLifeMs: number): number {
  return 2 ** (-Math.max(0, ageMs) / halfLifeMs);
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly number[]): number | undefined {
  const m = median(values);
  if (m === undefined) return undefined;
  return median(values.map((v) => Math.abs(v - m)));
}

/** Nearest-rank percentile: the value at rank ⌈p·n⌉ of the sorted values (p in (0, 1]). */
export function nearestRankPercentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * s.length - 1e-9));
  return s[Math.min(rank, s.length) - 1];
}

export function sum(values: readonly number[]): number {
  let t = 0;
  for (const v of values) t += v;
  return t;
}
