import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createVerdictCache } from './verdict-cache.ts';

test('verdict cache: allowed verdicts kept allowedMs, refusals deniedMs, fresh strictly before the end', () => {
  const cache = createVerdictCache<{ ok: boolean }>({ allowed: (v) => v.ok, allowedMs: 60_000, deniedMs: 10_000, maxEntries: 10 });
  cache.set('yes', { ok: true }, 1_000);
  cache.set('no', { ok: false }, 1_000);
  // [at ms, key, what get() answers]: stored at 1,000, so 'yes' is fresh until 61,000 and 'no' until 11,000 (excluded).
  const table: [number, string, { ok: boolean } | undefined][] = [
    [1_000, 'yes', { ok: true }],
    [60_999, 'yes', { ok: true }],
    [61_000, 'yes', undefined],
    [1_000, 'no', { ok: false }],
    [10_999, 'no', { ok: false }],
    [11_000, 'no', undefined],
    [1_000, 'never stored', undefined],
  ];
  for (const [at, key, expected] of table) assert.deepEqual(cache.get(key, at), expected, `${key} at ${at}`);
  // Stored again after it went stale: fresh from the new time.
  cache.set('no', { ok: false }, 20_000);
  assert.deepEqual(cache.get('no', 29_999), { ok: false });
  assert.equal(cache.get('no', 30_000), undefined);
});

test('verdict cache: storing one more than maxEntries empties it first; replacing a held key does not', () => {
  const cache = createVerdictCache<string>({ allowed: () => true, allowedMs: 60_000, deniedMs: 10_000, maxEntries: 2 });
  cache.set('a', 'A', 0);
  cache.set('b', 'B', 0);
  cache.set('b', 'B2', 0); // a key it holds: still two entries
  assert.equal(cache.get('a', 1), 'A');
  assert.equal(cache.get('b', 1), 'B2');
  cache.set('c', 'C', 0); // a third: emptied, then c
  assert.deepEqual(
    ['a', 'b', 'c'].map((k) => cache.get(k, 1)),
    [undefined, undefined, 'C'],
  );
});
