// What a store says it covers for one cluster (HistoryStore.coverage), from the spans it recorded:
// the same rule for every backend. Pure.
import type { Coverage } from './types.ts';

/**
 * A cluster's coverage from its recorded spans in time order: from the first span's start to the
 * last one's end, the holes between consecutive spans as gaps (shown, never filled); container rows
 * from the later of the first span's start and the first cycle that recorded them. Undefined for
 * no spans.
 */
export function coverageOf(
  cluster: string,
  spans: readonly { readonly startMs: number; readonly endMs: number }[],
  facts: { readonly demo: boolean; readonly containersFromMs: number | undefined },
): Coverage | undefined {
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (!first || !last) return undefined;
  const gaps = [];
  for (let i = 1; i < spans.length; i++) gaps.push({ startMs: spans[i - 1]!.endMs, endMs: spans[i]!.startMs });
  const containersFromMs = facts.containersFromMs === undefined ? undefined : Math.max(first.startMs, facts.containersFromMs);
  return { cluster, firstMs: first.startMs, lastMs: last.endMs, gaps, demo: facts.demo, ...(containersFromMs === undefined ? {} : { containersFromMs }) };
}

/** Coverages in cluster-name order (code-unit order, as the SQLite and memory stores list them). */
export function byClusterName(a: Coverage, b: Coverage): number {
  return a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0;
}
