import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockRange } from './blocks.ts';
import { coverWithBlocks } from './blocks.ts';

const H = 3_600_000;
const D = 24 * H;
const HOUR_SIZES = [2 * H, 4 * H, 8 * H, 16 * H];
const DAY_SIZES = [2, 4, 8, 16, 32, 64, 128, 256].map((d) => d * D);
// 2026-11-01 is epoch day 20,758 (= 2 × 10,379: even, not a multiple of 4).
const T0 = Date.UTC(2026, 10, 1);

test('coverWithBlocks: the fewest aligned, built blocks; the rest stays base buckets', () => {
  const everything = () => Number.POSITIVE_INFINITY;
  const cases: { name: string; from: number; to: number; base: number; sizes: readonly number[]; built: (s: number) => number; want: BlockRange[] }[] = [
    { name: 'empty range', from: T0, to: T0, base: H, sizes: HOUR_SIZES, built: everything, want: [] },
    { name: 'one hour: a base bucket', from: T0, to: T0 + H, base: H, sizes: HOUR_SIZES, built: everything, want: [{ sizeMs: 0, startMs: T0, endMs: T0 + H }] },
    // 10:00 → 24:00 = 14 h: 10–12 (2 h), 12–16 (4 h), 16–24 (8 h).
    {
      name: '10:00 to midnight',
      from: T0 + 10 * H,
      to: T0 + D,
      base: H,
      sizes: HOUR_SIZES,
      built: everything,
      want: [
        { sizeMs: 2 * H, startMs: T0 + 10 * H, endMs: T0 + 12 * H },
        { sizeMs: 4 * H, startMs: T0 + 12 * H, endMs: T0 + 16 * H },
        { sizeMs: 8 * H, startMs: T0 + 16 * H, endMs: T0 + D },
      ],
    },
    // 00:00 → 10:00: 0–8 (8 h), 8–10 (2 h).
    {
      name: 'midnight to 10:00',
      from: T0,
      to: T0 + 10 * H,
      base: H,
      sizes: HOUR_SIZES,
      built: everything,
      want: [
        { sizeMs: 8 * H, startMs: T0, endMs: T0 + 8 * H },
        { sizeMs: 2 * H, startMs: T0 + 8 * H, endMs: T0 + 10 * H },
      ],
    },
    // 11:00 → 13:30 (the last hour partial: read whole): 11 (base), 12–13 would be a 2-hour block
    // but it ends at 14:00 > 13:30, so 12 and 13 are base buckets, merged with 11 into one range.
    { name: 'partial last hour', from: T0 + 11 * H, to: T0 + 13.5 * H, base: H, sizes: HOUR_SIZES, built: everything, want: [{ sizeMs: 0, startMs: T0 + 11 * H, endMs: T0 + 13.5 * H }] },
    // Blocks built only through 04:00: 0–4 as a 4-hour block, 4–6 as base hours.
    {
      name: 'blocks built only so far',
      from: T0,
      to: T0 + 6 * H,
      base: H,
      sizes: HOUR_SIZES,
      built: () => T0 + 4 * H,
      want: [
        { sizeMs: 4 * H, startMs: T0, endMs: T0 + 4 * H },
        { sizeMs: 0, startMs: T0 + 4 * H, endMs: T0 + 6 * H },
      ],
    },
    // Nothing built: all base buckets, one range.
    { name: 'nothing built', from: T0, to: T0 + 3 * D, base: D, sizes: DAY_SIZES, built: () => 0, want: [{ sizeMs: 0, startMs: T0, endMs: T0 + 3 * D }] },
    // 30 days from day 20,758 (even, ≡ 2 mod 4, ≡ 6 mod 8, ≡ 6 mod 16, ≡ 22 mod 32) to 20,788:
    // 20,758 +2 → 20,760 (multiple of 8) +8 → 20,768 (multiple of 32, but 32 ends past 20,788; 16 fits)
    // +16 → 20,784 +4 → 20,788. Four rows.
    {
      name: '30 days',
      from: T0,
      to: T0 + 30 * D,
      base: D,
      sizes: DAY_SIZES,
      built: everything,
      want: [
        { sizeMs: 2 * D, startMs: T0, endMs: T0 + 2 * D },
        { sizeMs: 8 * D, startMs: T0 + 2 * D, endMs: T0 + 10 * D },
        { sizeMs: 16 * D, startMs: T0 + 10 * D, endMs: T0 + 26 * D },
        { sizeMs: 4 * D, startMs: T0 + 26 * D, endMs: T0 + 30 * D },
      ],
    },
    // Two 16-hour blocks in a row (no 32-hour size): one range of 16-hour blocks.
    { name: 'same size in a row', from: T0, to: T0 + 32 * H, base: H, sizes: HOUR_SIZES, built: everything, want: [{ sizeMs: 16 * H, startMs: T0, endMs: T0 + 32 * H }] },
  ];
  for (const c of cases) assert.deepEqual(coverWithBlocks(c.from, c.to, c.base, c.sizes, c.built), c.want, c.name);
});
