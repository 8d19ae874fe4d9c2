import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadQueryError } from './errors.ts';
import { calendarParts, parseDuration, parseWindow } from './window.ts';

// Monday 2026-11-30 10:30:15 UTC.
const NOW = Date.parse('2026-11-30T10:30:15Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('parseWindow (OpenCost semantics, UTC)', () => {
  const cases: readonly [string, string, string][] = [
    ['today', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['yesterday', '2026-11-29T00:00:00Z', '2026-11-30T00:00:00Z'],
    // The week starts on Sunday 29 November.
    ['week', '2026-11-29T00:00:00Z', '2026-11-30T10:30:15Z'],
    ['lastweek', '2026-11-22T00:00:00Z', '2026-11-29T00:00:00Z'],
    ['month', '2026-11-01T00:00:00Z', '2026-11-30T10:30:15Z'],
    ['lastmonth', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
    // Durations end at the next whole unit.
    ['24h', '2026-11-29T11:00:00Z', '2026-11-30T11:00:00Z'],
    ['1d', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['7d', '2026-11-24T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['30m', '2026-11-30T10:01:00Z', '2026-11-30T10:31:00Z'],
    ['1w', '2026-11-24T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['2d offset 1d', '2026-11-27T10:30:15Z', '2026-11-29T10:30:15Z'],
    ['2026-11-01T00:00:00Z,2026-11-08T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-08T00:00:00Z'],
    ['2026-11-01T01:00:00+01:00,2026-11-01T12:00:00.500Z', '2026-11-01T00:00:00Z', '2026-11-01T12:00:00.500Z'],
    ['1795910400,1795996800', '2026-11-29T00:00:00Z', '2026-11-30T00:00:00Z'],
    ['1795910400-1795996800', '2026-11-29T00:00:00Z', '2026-11-30T00:00:00Z'],
  ];
  for (const [text, start, end] of cases) {
    it(`${text} → [${start}, ${end})`, () => {
      const w = parseWindow(text, { nowMs: NOW });
      assert.deepEqual([iso(w.startMs), iso(w.endMs)], [start, end]);
    });
  }

  it('lastmonth in January is December of the year before', () => {
    const w = parseWindow('lastmonth', { nowMs: Date.parse('2027-01-15T08:00:00Z') });
    assert.deepEqual([iso(w.startMs), iso(w.endMs)], ['2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z']);
  });

  const bad: readonly [string, RegExp][] = [
    ['', /^window="": not a window; accepted: today, yesterday/],
    ['1y', /^window="1y": not a window; accepted: /],
    ['0d', /^window="0d": a window of zero length; accepted: /],
    ['2026-11-08T00:00:00Z,2026-11-01T00:00:00Z', /^window=".*": the end \(2026-11-01T00:00:00.000Z\) is not after the start \(2026-11-08T00:00:00.000Z\); accepted/],
    ['2026-11-01,2026-11-08', /^window=".*": "2026-11-01" is not an RFC 3339 instant \(like 2026-11-01T00:00:00Z\) nor unix seconds; accepted/],
    ['a,b,c', /^window="a,b,c": more than two instants/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseWindow(text, { nowMs: NOW }),
        (err: unknown) => err instanceof BadQueryError && err.parameter === 'window' && message.test(err.message),
      );
    });
  }
});

describe('parseDuration', () => {
  it('reads m, h, d, w', () => {
    assert.deepEqual(
      ['30m', '1h', '1d', '2w'].map((d) => parseDuration(d, 'step')),
      [1_800_000, 3_600_000, 86_400_000, 1_209_600_000],
    );
  });
  it('names the parameter', () => {
    assert.throws(() => parseDuration('daily', 'step'), { message: 'step="daily": not a duration; accepted: a duration like 30m, 1h, 1d, 1w' });
    assert.throws(() => parseDuration('0h', 'step'), { message: 'step="0h": a duration of zero; accepted: a duration like 30m, 1h, 1d, 1w' });
  });
});

describe('calendarParts (accumulate=hour|day|week|month|quarter)', () => {
  // Sunday 29 November 10:00 to Wednesday 2 December 05:00.
  const W = { startMs: Date.parse('2026-11-29T10:00:00Z'), endMs: Date.parse('2026-12-02T05:00:00Z') };
  const cases: readonly [Parameters<typeof calendarParts>[1], readonly string[]][] = [
    ['day', ['2026-11-29T10:00:00Z', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z']],
    ['week', ['2026-11-29T10:00:00Z']],
    ['month', ['2026-11-29T10:00:00Z', '2026-12-01T00:00:00Z']],
    ['quarter', ['2026-11-29T10:00:00Z']],
  ];
  for (const [unit, starts] of cases) {
    it(`${unit}: ${starts.length} part(s)`, () => {
      const parts = calendarParts(W, unit, 100)!;
      assert.deepEqual(parts.map((p) => iso(p.startMs)), starts);
      assert.equal(parts.at(-1)!.endMs, W.endMs);
      for (let i = 1; i < parts.length; i++) assert.equal(parts[i]!.startMs, parts[i - 1]!.endMs);
    });
  }
  it('hour: 67 parts; more than the limit is undefined', () => {
    assert.equal(calendarParts(W, 'hour', 100)!.length, 67); // 14 + 24 + 24 + 5
    assert.equal(calendarParts(W, 'hour', 50), undefined);
  });
  it('a week starting on a Wednesday ends on Sunday', () => {
    const parts = calendarParts({ startMs: Date.parse('2026-12-02T00:00:00Z'), endMs: Date.parse('2026-12-10T00:00:00Z') }, 'week', 10)!;
    assert.deepEqual(parts.map((p) => iso(p.startMs)), ['2026-12-02T00:00:00Z', '2026-12-06T00:00:00Z']);
  });
});
