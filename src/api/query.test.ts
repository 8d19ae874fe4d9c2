// Property-based tests (fast-check) for the API's parsers of outside input: each answers or rejects
// with BadQueryError naming the parameter — never anything else, never a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAggregate } from './aggregate.ts';
import { BadQueryError, FilterSyntaxError } from './errors.ts';
import { matches, parseFilter } from './filter.ts';
import { parseAllocationQuery, parseAssetsQuery, parseSummaryQuery } from './query.ts';
import { parseDuration, parseWindow } from './window.ts';
import { A, C } from './fixtures.test-util.ts';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 500) };
const NOW = Date.parse('2026-11-30T10:30:15Z');

function rejectsWith(fn: () => unknown, parameter: string): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BadQueryError, `unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.equal(err.parameter, parameter);
    assert.ok(err.message.startsWith(`${parameter}=`), err.message);
  }
}

// Text made of the filter language's own pieces, so that near-misses are common.
const filterLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('namespace', 'label', 'annotation', 'pod', 'node', 'cluster', 'controllerKind', 'team', 'container', 'x'),
      fc.constantFrom(':', '!:', '~:', '!~:', '<~:', '!<~:', '~>:', '!~>:', '!', '~', '<', '>'),
      fc.constantFrom('"a"', '"kube-system"', '""', '"__unallocated__"', '"', '[app]', '[', ']', ',', '+', '|', '(', ')', ' '),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

describe('parsers never throw anything but BadQueryError', () => {
  it('parseFilter, and a parsed filter matches rows without throwing', () => {
    fc.assert(
      fc.property(filterLike, (text) => {
        let node: ReturnType<typeof parseFilter> | undefined;
        try {
          node = parseFilter(text);
        } catch (err) {
          assert.ok(err instanceof FilterSyntaxError, `unexpected ${String(err)}`);
          assert.ok(err.position >= 0 && err.position <= text.length, `position ${err.position} outside 0..${text.length}`);
          return;
        }
        matches(node, A);
        matches(node, C);
      }),
      RUNS,
    );
  });

  it('parseWindow', () => {
    const windowLike = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(fc.nat(9999), fc.constantFrom('m', 'h', 'd', 'w', 'y', '')).map(([n, u]) => `${n}${u}`),
      fc.tuple(fc.integer({ min: 0, max: 4_102_444_800 }), fc.integer({ min: 0, max: 4_102_444_800 }), fc.constantFrom(',', '-')).map(([a, b, s]) => `${a}${s}${b}`),
      fc.tuple(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true })).map(([a, b]) => `${a.toISOString()},${b.toISOString()}`),
    );
    fc.assert(
      fc.property(windowLike, (text) => {
        try {
          const w = parseWindow(text, { nowMs: NOW });
          assert.ok(Number.isFinite(w.startMs) && Number.isFinite(w.endMs) && w.endMs > w.startMs);
        } catch (err) {
          rejectsWith(() => {
            throw err;
          }, 'window');
        }
      }),
      RUNS,
    );
  });

  it('parseAggregate, parseDuration', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        rejectsWith(() => parseAggregate(text), 'aggregate');
        rejectsWith(() => parseDuration(text, 'step'), 'step');
      }),
      RUNS,
    );
  });

  it('whole queries of /allocation, /assets and /summary', () => {
    const names = fc.constantFrom('window', 'step', 'accumulate', 'aggregate', 'filter', 'idle', 'includeIdle', 'shareIdle', 'idleByNode', 'format', 'top', 'shareSplit', 'shareNamespaces', 'x');
    const values = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('7d', 'today', 'true', 'false', '1h', 'namespace', 'csv', 'focus', '5', 'weighted'));
    fc.assert(
      fc.property(fc.array(fc.tuple(names, values), { maxLength: 6 }), (pairs) => {
        const params = new URLSearchParams(pairs);
        for (const parse of [parseAllocationQuery, parseAssetsQuery, parseSummaryQuery]) {
          try {
            parse(params, { nowMs: NOW });
          } catch (err) {
            assert.ok(err instanceof BadQueryError, `unexpected ${String(err)}`);
            assert.ok(pairs.some(([n]) => n === err.parameter) || err.parameter === 'window', `names a parameter that was not given: ${err.message}`);
          }
        }
      }),
      RUNS,
    );
  });
});
