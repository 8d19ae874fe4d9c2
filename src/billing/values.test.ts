// Cell values of bills: times in the formats the providers write, money, and what is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BillParseError } from './errors.ts';
import { num, time } from './values.ts';

const src = { file: 'bill.csv', display: (c: string) => (c === 'cost' ? 'lineItem/UnblendedCost' : c) };
const row = (v: unknown) => ({ line: 7, value: () => v });

test('time: ISO 8601 with or without zone, CUR 2.0 and BigQuery spellings, Azure EA dates, Parquet numbers', () => {
  const table: [unknown, string | Error][] = [
    ['2026-11-01T00:00:00Z', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01 01:00:00', '2026-11-01T01:00:00.000Z'],
    ['2026-11-01 10:00:00 UTC', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    // 23:00 at UTC−5 is 04:00 the next day in UTC.
    ['2026-11-01T23:00:00-05:00', '2026-11-02T04:00:00.000Z'],
    ['11/02/2026', '2026-11-02T00:00:00.000Z'],
    [new Date(Date.UTC(2026, 10, 3)), '2026-11-03T00:00:00.000Z'],
    // Parquet INT64 without a logical type: ms, µs (÷ 1,000) or ns (÷ 1,000,000).
    [1_793_491_200_000, '2026-11-01T00:00:00.000Z'],
    [1_793_491_200_000_000n, '2026-11-01T00:00:00.000Z'],
    [1_793_491_200_000_000_000n, '2026-11-01T00:00:00.000Z'],
    ['2026-02-30', new BillParseError('bill.csv', 7, 'start', '2026-02-30', 'not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z)')],
    ['2026-11-01 25:00:00', new BillParseError('bill.csv', 7, 'start', '2026-11-01 25:00:00', 'not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z)')],
    ['13/02/2026', new BillParseError('bill.csv', 7, 'start', '13/02/2026', 'not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z)')],
    ['', new BillParseError('bill.csv', 7, 'start', '', 'empty where a time is required')],
    [Number.NaN, new BillParseError('bill.csv', 7, 'start', 'NaN', 'not a valid time')],
  ];
  for (const [value, expected] of table) {
    if (expected instanceof Error) assert.throws(() => time(src, row(value), 'start'), expected, String(value));
    else assert.equal(new Date(time(src, row(value), 'start')).toISOString(), expected, String(value));
  }
});

test('num: decimals and exponents; empty is 0 where allowed; anything else names the column as the file spells it', () => {
  const table: [unknown, number | string][] = [
    ['0.192', 0.192],
    ['-0.00576', -0.00576],
    ['1.2E-4', 0.00012],
    [' 3 ', 3],
    ['', 0],
    [0.5, 0.5],
    ['abc', 'bill bill.csv:7 column lineItem/UnblendedCost: not a number (value "abc")'],
    ['1,5', 'bill bill.csv:7 column lineItem/UnblendedCost: not a number (value "1,5")'],
    ['NaN', 'bill bill.csv:7 column lineItem/UnblendedCost: not a number (value "NaN")'],
    [Number.POSITIVE_INFINITY, 'bill bill.csv:7 column lineItem/UnblendedCost: not a finite number (value "Infinity")'],
  ];
  for (const [value, expected] of table) {
    if (typeof expected === 'string') assert.throws(() => num(src, row(value), 'cost'), (e: unknown) => e instanceof BillParseError && e.message === expected, String(value));
    else assert.equal(num(src, row(value), 'cost'), expected, String(value));
  }
  assert.throws(() => num(src, row(''), 'cost', 'required'), (e: unknown) => e instanceof BillParseError && e.reason === 'empty where a number is required');
});
