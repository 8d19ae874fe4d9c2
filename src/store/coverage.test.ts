import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverageOf } from './coverage.ts';
import type { Coverage } from './types.ts';

test('coverageOf: first to last, the holes between spans as gaps, containers from no earlier than the first span', () => {
  // [spans, containersFromMs, expected (demo false)]
  const table: [[number, number][], number | undefined, Omit<Coverage, 'cluster' | 'demo'> | undefined][] = [
    [[], undefined, undefined],
    [[[100, 200]], undefined, { firstMs: 100, lastMs: 200, gaps: [] }],
    // two holes: 200 → 300 and 350 → 400
    [[[100, 200], [300, 350], [400, 500]], undefined, { firstMs: 100, lastMs: 500, gaps: [{ startMs: 200, endMs: 300 }, { startMs: 350, endMs: 400 }] }],
    // containers recorded from 320: from 320; from 50 (before retention dropped the first spans): from the first span, 100
    [[[100, 200], [300, 350]], 320, { firstMs: 100, lastMs: 350, gaps: [{ startMs: 200, endMs: 300 }], containersFromMs: 320 }],
    [[[100, 200]], 50, { firstMs: 100, lastMs: 200, gaps: [], containersFromMs: 100 }],
  ];
  for (const [spans, containersFromMs, expected] of table) {
    const got = coverageOf('prod', spans.map(([startMs, endMs]) => ({ startMs, endMs })), { demo: false, containersFromMs });
    assert.deepEqual(got, expected === undefined ? undefined : { cluster: 'prod', demo: false, ...expected }, JSON.stringify(spans));
  }
  assert.equal(coverageOf('demo', [{ startMs: 0, endMs: 60_000 }], { demo: true, containersFromMs: undefined })?.demo, true);
});
