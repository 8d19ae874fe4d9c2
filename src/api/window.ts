// Windows and durations of the allocation API (pure; the clock is passed in), with OpenCost's
// semantics (core/pkg/opencost/window.go), in UTC:
//   today      [00:00 today, 00:00 tomorrow)          yesterday [00:00 yesterday, 00:00 today)
//   week       [00:00 last Sunday, now)               lastweek  [00:00 the Sunday before, +7 days)
//   month      [00:00 on the 1st, now)                lastmonth [00:00 on the 1st of last month, 00:00 on the 1st)
//   Nm Nh Nd   the last N units, rounded forward to the next whole unit: at 10:30, 24h is
//              [yesterday 11:00, today 11:00) and 7d is [00:00 six days ago, 00:00 tomorrow)
//   Nw         N weeks ending 00:00 tomorrow
//   Nd offset Mh   N units ending M units ago (not rounded)
//   START,END  RFC 3339 instants (`2026-11-01T00:00:00Z,2026-11-08T00:00:00Z`, offsets and
//              fractions allowed) or unix seconds (`1793491200,1794096000`; `-` also separates)
import { BadQueryError } from './errors.ts';

export interface Window {
  readonly startMs: number;
  readonly endMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: WEEK_MS };

export const WINDOW_ACCEPTED =
  'today, yesterday, week, lastweek, month, lastmonth, a duration like 30m, 24h, 7d, 2w (optionally "7d offset 1d"), RFC3339,RFC3339 or unix-seconds,unix-seconds';

const DURATION = /^(\d{1,9})(m|h|d|w)$/;
const DURATION_OFFSET = /^(\d{1,9})(m|h|d|w) offset (\d{1,9})(m|h|d|w)$/;
const UNIX_PAIR = /^(\d{1,12})[,-](\d{1,12})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const floorTo = (ms: number, unitMs: number) => Math.floor(ms / unitMs) * unitMs;

function startOfUtcDay(ms: number): number {
  return floorTo(ms, DAY_MS);
}

/** Parses `window` relative to `nowMs`. Throws BadQueryError naming `parameter` when it is not a window. */
export function parseWindow(text: string, options: { readonly nowMs: number; readonly parameter?: string }): Window {
  const { nowMs, parameter = 'window' } = options;
  const w = text.trim();
  const bad = (reason: string) => new BadQueryError(parameter, text, reason, WINDOW_ACCEPTED);
  const today = startOfUtcDay(nowMs);
  let window: Window | undefined;
  switch (w) {
    case 'today':
      window = { startMs: today, endMs: today + DAY_MS };
      break;
    case 'yesterday':
      window = { startMs: today - DAY_MS, endMs: today };
      break;
    case 'week': {
      const sunday = today - new Date(today).getUTCDay() * DAY_MS;
      window = { startMs: sunday, endMs: nowMs };
      break;
    }
    case 'lastweek': {
      const sunday = today - (new Date(today).getUTCDay() + 7) * DAY_MS;
      window = { startMs: sunday, endMs: sunday + WEEK_MS };
      break;
    }
    case 'month': {
      const d = new Date(today);
      window = { startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), endMs: nowMs };
      break;
    }
    case 'lastmonth': {
      const d = new Date(today);
      window = { startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1), endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) };
      break;
    }
  }
  if (window === undefined) {
    const m = DURATION.exec(w);
    const offset = m ? null : DURATION_OFFSET.exec(w);
    const unix = m || offset ? null : UNIX_PAIR.exec(w);
    if (m) {
      const n = Number(m[1]);
      const unit = UNIT_MS[m[2]!]!;
      if (n === 0) throw bad('a window of zero length');
      if (m[2] === 'w') {
        window = { startMs: startOfUtcDay(nowMs - n * WEEK_MS) + DAY_MS, endMs: today + DAY_MS };
      } else {
        const endMs = floorTo(nowMs, unit) + unit;
        window = { startMs: endMs - n * unit, endMs };
      }
    } else if (offset) {
      const n = Number(offset[1]);
      if (n === 0) throw bad('a window of zero length');
      const endMs = nowMs - Number(offset[3]) * UNIT_MS[offset[4]!]!;
      window = { startMs: endMs - n * UNIT_MS[offset[2]!]!, endMs };
    } else if (unix) {
      window = { startMs: Number(unix[1]) * 1000, endMs: Number(unix[2]) * 1000 };
    } else if (w.includes(',')) {
      const [a = '', b = '', ...rest] = w.split(',');
      if (rest.length > 0) throw bad('more than two instants');
      for (const part of [a, b]) {
        if (!RFC3339.test(part.trim())) throw bad(`${JSON.stringify(part)} is not an RFC 3339 instant (like 2026-11-01T00:00:00Z) nor unix seconds`);
      }
      window = { startMs: Date.parse(a.trim()), endMs: Date.parse(b.trim()) };
      if (!Number.isFinite(window.startMs) || !Number.isFinite(window.endMs)) throw bad('not a valid date');
    } else {
      throw bad('not a window');
    }
  }
  if (!(window.endMs > window.startMs)) throw bad(`the end (${new Date(window.endMs).toISOString()}) is not after the start (${new Date(window.startMs).toISOString()})`);
  return window;
}

export const DURATION_ACCEPTED = 'a duration like 30m, 1h, 1d, 1w';

/** `step=1d` → milliseconds. */
export function parseDuration(text: string, parameter: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new BadQueryError(parameter, text, 'not a duration', DURATION_ACCEPTED);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms === 0) throw new BadQueryError(parameter, text, 'a duration of zero', DURATION_ACCEPTED);
  return ms;
}

/** OpenCost's `accumulate=hour|day|week|month|quarter`: calendar periods in UTC (weeks start on Sunday). */
export type CalendarUnit = 'hour' | 'day' | 'week' | 'month' | 'quarter';

/** The first boundary of `unit` strictly after `ms`. */
function nextBoundary(ms: number, unit: CalendarUnit): number {
  switch (unit) {
    case 'hour':
      return floorTo(ms, HOUR_MS) + HOUR_MS;
    case 'day':
      return startOfUtcDay(ms) + DAY_MS;
    case 'week': {
      const day = startOfUtcDay(ms);
      return day - new Date(day).getUTCDay() * DAY_MS + WEEK_MS;
    }
    case 'month': {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    case 'quarter': {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + 3, 1);
    }
  }
}

/** The window cut at every boundary of `unit` (the first and last parts may be partial). */
export function calendarParts(window: Window, unit: CalendarUnit, maxParts: number): Window[] | undefined {
  const parts: Window[] = [];
  for (let s = window.startMs; s < window.endMs; ) {
    const e = Math.min(nextBoundary(s, unit), window.endMs);
    parts.push({ startMs: s, endMs: e });
    if (parts.length > maxParts) return undefined;
    s = e;
  }
  return parts;
}
