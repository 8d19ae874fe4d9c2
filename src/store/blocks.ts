// Aligned blocks of buckets (SQLite allocation rollups, schema v3): the whole hours or days of a
// query are read as the fewest aligned blocks already built, so a 30-day window reads about 8 rows
// per pod instead of 30 daily ones. Pure: no clock, no I/O.
//
// A block of size s starts at a multiple of s (epoch-aligned) and holds the sum of the base
// buckets (hours or days) starting inside it. Blocks are built only over base buckets that can no
// longer change (before the watermarks), and `builtThroughMs(s)` says how far they are built.

export interface BlockRange {
  /** 0: the base buckets themselves; otherwise the block size in ms. */
  readonly sizeMs: number;
  /** Buckets (or blocks) starting in [startMs, endMs). */
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Covers the base buckets starting in [fromMs, toMs) (fromMs aligned to baseMs) with the largest
 * aligned blocks that fit and are built, left to right; what no block covers stays base buckets.
 * `sizesMs` ascending, each a multiple of baseMs.
 */
export function coverWithBlocks(fromMs: number, toMs: number, baseMs: number, sizesMs: readonly number[], builtThroughMs: (sizeMs: number) => number): BlockRange[] {
  const out: BlockRange[] = [];
  const push = (sizeMs: number, startMs: number, endMs: number): void => {
    const last = out[out.length - 1];
    if (last && last.sizeMs === sizeMs && last.endMs === startMs) out[out.length - 1] = { sizeMs, startMs: last.startMs, endMs };
    else out.push({ sizeMs, startMs, endMs });
  };
  let x = fromMs;
  while (x < toMs) {
    let chosen = 0;
    for (let i = sizesMs.length - 1; i >= 0; i--) {
      const s = sizesMs[i]!;
      if (x % s === 0 && x + s <= toMs && x + s <= builtThroughMs(s)) {
        chosen = s;
        break;
      }
    }
    if (chosen > 0) {
      push(chosen, x, x + chosen);
      x += chosen;
    } else {
      // One base bucket; the last one may be partial (toMs inside it): it is still read whole.
      push(0, x, Math.min(x + baseMs, toMs));
      x += baseMs;
    }
  }
  return out;
}
