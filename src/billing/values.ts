// Cell values of bill rows: money, amounts and times, each checked with an error naming the file,
// line, column and value. Pure.
import { BillParseError } from './errors.ts';
import type { BillRow, RowTable } from './rows.ts';

/** Where a value is read from: the file, and how it spells its columns. */
export type Source = Pick<RowTable, 'file' | 'display'>;

/** The text of a cell, '' when empty or absent. */
export function text(row: BillRow, column: string): string {
  const v = row.value(column);
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v).trim();
}

/** A finite number; '' (empty cell) gives `empty` (or an error when 'required'). Scientific notation is accepted (CUR writes 1.2E-4). */
export function num(src: Source, row: BillRow, column: string, empty: number | 'required' = 0): number {
  const { file } = src;
  const col = src.display(column);
  const v = row.value(column);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BillParseError(file, row.line, col, String(v), 'not a finite number');
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  const s = v === undefined || v === null ? '' : String(v).trim();
  if (s === '') {
    if (empty === 'required') throw new BillParseError(file, row.line, col, '', 'empty where a number is required');
    return empty;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new BillParseError(file, row.line, col, s, 'not a number');
  return Number(s);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A time: a Date (Parquet), ISO 8601 (`2026-11-01T00:00:00Z`, `2026-11-01 00:00:00 UTC`, `2026-11-01`) or Azure EA's `11/01/2026`; UTC unless an offset is given. */
export function time(src: Source, row: BillRow, column: string): number {
  const { file } = src;
  const col = src.display(column);
  const v = row.value(column);
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isFinite(t)) return t;
    throw new BillParseError(file, row.line, col, String(v), 'not a valid time');
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    // Parquet timestamps without a logical type: milliseconds (or microseconds when too large).
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new BillParseError(file, row.line, col, String(v), 'not a valid time');
    return n > 1e17 ? Math.floor(n / 1e6) : n > 1e14 ? Math.floor(n / 1000) : n;
  }
  const s = v === undefined || v === null ? '' : String(v).trim();
  if (s === '') throw new BillParseError(file, row.line, col, '', 'empty where a time is required');
  // Bills repeat the same few times on thousands of lines: parse each text once.
  const cached = TIME_CACHE.get(s);
  if (cached !== undefined) return cached;
  const ms = parseTimeText(s);
  if (ms === undefined) throw new BillParseError(file, row.line, col, s, 'not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z)');
  if (TIME_CACHE.size >= 4096) TIME_CACHE.clear();
  TIME_CACHE.set(s, ms);
  return ms;
}

const TIME_CACHE = new Map<string, number>();

function parseTimeText(s: string): number | undefined {
  const m = ISO.exec(s);
  let ms: number | undefined;
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', se = '0', zone] = m;
    if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 60) return undefined;
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
    // 2026-02-30 would roll over to March: not a date.
    if (new Date(ms).getUTCDate() !== Number(d)) return undefined;
    if (zone !== undefined && zone !== 'Z' && zone !== 'UTC') {
      const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
      if (z) ms -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    }
  } else {
    const u = US.exec(s);
    if (u) {
      ms = Date.UTC(Number(u[3]), Number(u[1]) - 1, Number(u[2]));
      if (new Date(ms).getUTCDate() !== Number(u[2]) || Number(u[1]) > 12) return undefined;
    }
  }
  return ms === undefined || !Number.isFinite(ms) ? undefined : ms;
}

/** The first of `names` the table has, or undefined. */
export function pick(columns: ReadonlySet<string>, names: readonly string[]): string | undefined {
  for (const n of names) if (columns.has(n)) return n;
  return undefined;
}
