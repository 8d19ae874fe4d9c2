// Query parameters of the /api/v1 endpoints → typed requests (pure; the clock is passed in).
// OpenCost's names; booleans as Go's strconv.ParseBool reads them (1 t T TRUE true True, 0 f F
// FALSE false False). Unknown parameters are ignored and named in the answer's meta.warnings;
// OpenCost parameters that would change the money and are not implemented are refused (400).
import type { AggregateProperty } from './aggregate.ts';
import { parseAggregate } from './aggregate.ts';
import { BadQueryError } from './errors.ts';
import type { FilterNode } from './filter.ts';
import { mentionsContainer, parseFilter } from './filter.ts';
import type { CalendarUnit, Window } from './window.ts';
import { calendarParts, parseDuration, parseWindow } from './window.ts';

export type Params = { get(name: string): string | null; keys(): IterableIterator<string> };

export type Format = 'json' | 'csv' | 'focus';

export interface CommonRequest {
  readonly window: Window;
  /** Absent: one set for the whole window (unless `parts`). */
  readonly stepMs: number | undefined;
  readonly format: Format;
  readonly warnings: readonly string[];
}

export interface AllocationRequest extends CommonRequest {
  /** `accumulate=day|week|month...`: one set per calendar period (then `stepMs` is absent). */
  readonly parts: readonly Window[] | undefined;
  readonly aggregate: readonly AggregateProperty[];
  readonly filter: FilterNode;
  /** The filter as written (for messages). */
  readonly filterText: string;
  readonly includeIdle: boolean;
  readonly shareIdle: boolean;
  readonly idleByNode: boolean;
}

export interface SummaryRequest {
  readonly window: Window;
  readonly filter: FilterNode;
  readonly top: number;
  readonly format: Format;
  readonly warnings: readonly string[];
}

/** More sets than this in one answer is refused (a 30-day window at step=1m would be 43,200). */
export const MAX_STEPS = 2_000;

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseBool(params: Params, name: string, fallback: boolean): boolean {
  const v = params.get(name);
  if (v === null || v === '') return fallback;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new BadQueryError(name, v, 'not a boolean', 'true or false (also 1, 0, t, f)');
}

function format(params: Params, accept: string | undefined, allowed: readonly Format[]): Format {
  const v = params.get('format');
  if (v === null || v === '') return accept?.includes('text/csv') ? 'csv' : 'json';
  if ((allowed as readonly string[]).includes(v)) return v as Format;
  throw new BadQueryError('format', v, 'unknown format', allowed.join(', '));
}

function requireWindow(params: Params, nowMs: number): Window {
  const w = params.get('window');
  if (w === null || w.trim() === '') throw new BadQueryError('window', w ?? '', 'the window is required', 'e.g. window=7d, window=lastweek, window=2026-11-01T00:00:00Z,2026-11-08T00:00:00Z');
  return parseWindow(w, { nowMs });
}

function step(params: Params, window: Window, accumulate: boolean): number | undefined {
  const s = params.get('step');
  if (s === null || s === '' || accumulate) return undefined;
  const ms = parseDuration(s, 'step');
  const count = Math.ceil((window.endMs - window.startMs) / ms);
  if (count > MAX_STEPS) throw new BadQueryError('step', s, `${count} sets in this window, more than ${MAX_STEPS}`, 'a longer step or a shorter window');
  return ms;
}

/** OpenCost parameters that change the money, not implemented here: refused when set. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  shareNamespaces: 'sharing the cost of namespaces is not implemented',
  shareLabels: 'sharing the cost of labelled workloads is not implemented',
  shareCost: 'shared overhead costs are not implemented',
  shareSplit: 'only the weighted split (by cost) is implemented',
  shareTenancyCosts: 'cluster management is reported by /api/v1/summary and /api/v1/assets, not shared into allocations',
  includeProportionalAssetResourceCosts: 'proportional asset resource costs are not implemented',
  includeSharedCostBreakdown: 'shared cost breakdowns are not implemented',
};

function checkUnsupported(params: Params): void {
  for (const [name, reason] of Object.entries(UNSUPPORTED)) {
    const v = params.get(name);
    if (v === null || v === '' || FALSE.has(v) || (name === 'shareSplit' && v === 'weighted')) continue;
    throw new BadQueryError(name, v, reason, 'leave it out (or false)');
  }
}

function unknown(params: Params, known: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of new Set(params.keys())) {
    if (!known.includes(name) && !Object.hasOwn(UNSUPPORTED, name)) out.push(`ignored parameter ${JSON.stringify(name)}: not used by this endpoint`);
  }
  return out;
}

const CALENDAR_UNITS: readonly CalendarUnit[] = ['hour', 'day', 'week', 'month', 'quarter'];

/** OpenCost's `accumulate`: a boolean (`all` = true), or a calendar period to accumulate into. */
function accumulateOption(params: Params): boolean | CalendarUnit {
  const v = params.get('accumulate');
  if (v === null || v === '' || v.toLowerCase() === 'none') return false;
  if (v.toLowerCase() === 'all') return true;
  const unit = CALENDAR_UNITS.find((u) => u === v.toLowerCase());
  if (unit) return unit;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new BadQueryError('accumulate', v, 'not a boolean nor a period', 'true (or all), false, hour, day, week, month, quarter');
}

const ALLOCATION_PARAMS = ['window', 'step', 'accumulate', 'aggregate', 'filter', 'idle', 'includeIdle', 'shareIdle', 'idleByNode', 'format', 'reconcile'];

export function parseAllocationQuery(params: Params, options: { readonly nowMs: number; readonly accept?: string | undefined; readonly defaultFormat?: Format }): AllocationRequest {
  const window = requireWindow(params, options.nowMs);
  checkUnsupported(params);
  const accumulate = accumulateOption(params);
  // As OpenCost: `idle` wins over `includeIdle`; both default to false.
  const includeIdle = params.get('idle') !== null && params.get('idle') !== '' ? parseBool(params, 'idle', false) : parseBool(params, 'includeIdle', false);
  let parts: Window[] | undefined;
  if (typeof accumulate === 'string') {
    parts = calendarParts(window, accumulate, MAX_STEPS);
    if (parts === undefined) throw new BadQueryError('accumulate', accumulate, `more than ${MAX_STEPS} periods in this window`, 'a longer period or a shorter window');
  }
  const shareIdle = parseBool(params, 'shareIdle', false);
  const warnings = unknown(params, ALLOCATION_PARAMS);
  if (shareIdle && !includeIdle) warnings.push('shareIdle=true without includeIdle=true: idle is not computed, so nothing is shared (as OpenCost)');
  if (params.get('reconcile') !== null) warnings.push('reconcile: costs are already reconciled with the bill where a bill was imported (see costBasis)');
  const filterText = params.get('filter') ?? '';
  return {
    window,
    stepMs: step(params, window, accumulate !== false),
    parts,
    format: options.defaultFormat ?? format(params, options.accept, ['json', 'csv', 'focus']),
    warnings,
    aggregate: parseAggregate(params.get('aggregate') ?? ''),
    filter: parseFilter(filterText),
    filterText,
    includeIdle,
    shareIdle,
    idleByNode: parseBool(params, 'idleByNode', false),
  };
}

const ASSET_PARAMS = ['window', 'step', 'accumulate', 'format'];

export function parseAssetsQuery(params: Params, options: { readonly nowMs: number; readonly accept?: string | undefined }): CommonRequest {
  const window = requireWindow(params, options.nowMs);
  for (const name of ['filter', 'aggregate']) {
    const v = params.get(name);
    if (v !== null && v !== '') throw new BadQueryError(name, v, `not supported on /api/v1/assets`, 'window, step, accumulate, format');
  }
  const accumulate = parseBool(params, 'accumulate', false);
  return { window, stepMs: step(params, window, accumulate), format: format(params, options.accept, ['json', 'csv']), warnings: unknown(params, ASSET_PARAMS) };
}

/**
 * The window is cut at now (`today`, `7d` end in the future), so that the previous window, of the
 * same length just before it, is never a whole day compared with the part of a day gone so far.
 */
export function parseSummaryQuery(params: Params, options: { readonly nowMs: number; readonly accept?: string | undefined }): SummaryRequest {
  const asked = requireWindow(params, options.nowMs);
  if (asked.startMs >= options.nowMs) throw new BadQueryError('window', params.get('window') ?? '', 'the window has not started yet', 'a window that starts before now');
  const window = { startMs: asked.startMs, endMs: Math.min(asked.endMs, options.nowMs) };
  const topText = params.get('top');
  let top = 5;
  if (topText !== null && topText !== '') {
    top = Number(topText);
    if (!/^\d{1,3}$/.test(topText) || top < 1 || top > 100) throw new BadQueryError('top', topText, 'not a whole number from 1 to 100', '1..100 (default 5)');
  }
  const filterText = params.get('filter') ?? '';
  const filter = parseFilter(filterText);
  if (mentionsContainer(filter)) throw new BadQueryError('filter', filterText, 'the summary is of pods; containers are answered by /api/v1/allocation (aggregate=container, filter=container:...)', 'a filter without container');
  const warnings = unknown(params, ['window', 'top', 'format', 'filter']);
  if (filter.kind !== 'all') warnings.push('filtered: the control-plane fee belongs to no allocation; it is counted for the clusters the filter takes whole (e.g. cluster:"east"), left out otherwise');
  return { window, filter, top, format: format(params, options.accept, ['json', 'csv']), warnings };
}

export function parseFormatOnly(params: Params, accept: string | undefined): Format {
  return format(params, accept, ['json', 'csv']);
}

export interface ReconciliationRequest {
  readonly window: Window;
  readonly format: Format;
  /** CSV: one row per day (default) or per difference. */
  readonly view: 'days' | 'differences';
  readonly top: number;
  readonly warnings: string[];
}

/** `GET /api/v1/reconciliation?window=30d&format=csv&view=differences&top=20` (docs/billing.md). */
export function parseReconciliationQuery(params: Params, options: { readonly nowMs: number; readonly accept?: string | undefined }): ReconciliationRequest {
  const window = requireWindow(params, options.nowMs);
  const viewText = params.get('view') ?? 'days';
  if (viewText !== 'days' && viewText !== 'differences') throw new BadQueryError('view', viewText, 'unknown view', 'days (default) or differences');
  const topText = params.get('top');
  let top = 20;
  if (topText !== null && topText !== '') {
    top = Number(topText);
    if (!/^\d{1,4}$/.test(topText) || top < 1 || top > 1000) throw new BadQueryError('top', topText, 'not a whole number from 1 to 1000', '1..1000 (default 20)');
  }
  return { window, format: format(params, options.accept, ['json', 'csv']), view: viewText, top, warnings: unknown(params, ['window', 'format', 'view', 'top']) };
}
