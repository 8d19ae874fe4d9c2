// The UI's pure logic: URL state, windows, OpenCost filters, table rows, trend series, run rate,
// spot savings, right-sizing suggestions, CSV. No DOM, no fetch, no clock (now is a parameter):
// unit-tested table-driven under Node in test/ui-model.test.ts.
import type { Allocation, AllocationSet, Asset } from './api.ts';

export const HOURS_PER_MONTH = 730;

// ---------------------------------------------------------------------------------------------
// URL state (everything a shared link needs is in the query string)

export type Page = 'overview' | 'namespaces' | 'nodes' | 'efficiency';
export const PAGES: readonly { readonly id: Page; readonly label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'namespaces', label: 'Namespaces' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'efficiency', label: 'Efficiency & savings' },
];

export interface UiState {
  readonly page: Page;
  /** `24h`, `7d`, `30d`, `90d` or `RFC3339,RFC3339`. */
  readonly window: string;
  readonly cluster: string;
  readonly namespace: string;
  /** `key=value`, e.g. `team=payments`. */
  readonly label: string;
  readonly pool: string;
  readonly instanceType: string;
  /** Drill-down: namespace → workload (`kind/name`) → its pods → one pod's containers. */
  readonly ns: string;
  readonly workload: string;
  readonly pod: string;
  /** `column` or `-column` (descending). */
  readonly sort: string;
}

export const DEFAULT_STATE: UiState = {
  page: 'overview',
  window: '7d',
  cluster: '',
  namespace: '',
  label: '',
  pool: '',
  instanceType: '',
  ns: '',
  workload: '',
  pod: '',
  sort: '',
};

const STATE_KEYS = ['page', 'window', 'cluster', 'namespace', 'label', 'pool', 'instanceType', 'ns', 'workload', 'pod', 'sort'] as const;

export function parseState(search: string): UiState {
  const q = new URLSearchParams(search);
  const out: Record<string, string> = { ...DEFAULT_STATE };
  for (const k of STATE_KEYS) {
    const v = q.get(k);
    if (v !== null) out[k] = v;
  }
  if (!PAGES.some((p) => p.id === out.page)) out.page = 'overview';
  return out as unknown as UiState;
}

/** Only what differs from the defaults, in a stable order: short, shareable URLs. */
export function stateToSearch(s: UiState): string {
  const q = new URLSearchParams();
  for (const k of STATE_KEYS) if (s[k] !== DEFAULT_STATE[k]) q.set(k, s[k]);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

// ---------------------------------------------------------------------------------------------
// Windows

export const WINDOW_PRESETS: readonly { readonly value: string; readonly label: string }[] = [
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
];

export class WindowError extends Error {
  constructor(value: string) {
    super(`window ${JSON.stringify(value)}: use 24h, 7d, 30d, 90d or a start,end pair of RFC3339 times`);
    this.name = 'WindowError';
  }
}

/** Length of a window in minutes. `now` is only needed for nothing here: durations and pairs are absolute. */
export function windowMinutes(window: string): number {
  const m = /^(\d+)(m|h|d|w)$/.exec(window);
  if (m) return Number(m[1]) * { m: 1, h: 60, d: 1440, w: 10080 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  const [a, b, ...rest] = window.split(',');
  if (a !== undefined && b !== undefined && rest.length === 0) {
    const start = Date.parse(a);
    const end = Date.parse(b);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) return (end - start) / 60_000;
  }
  throw new WindowError(window);
}

/** Hourly steps up to 48 hours, daily beyond. */
export function stepFor(minutes: number): '1h' | '1d' {
  return minutes <= 48 * 60 ? '1h' : '1d';
}

/** A custom range from two `YYYY-MM-DD` dates (UTC, end date inclusive). */
export function customWindow(fromDate: string, toDate: string): string {
  const start = Date.parse(`${fromDate}T00:00:00Z`);
  const end = Date.parse(`${toDate}T00:00:00Z`) + 86_400_000;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) throw new WindowError(`${fromDate},${toDate}`);
  return `${new Date(start).toISOString().replace('.000Z', 'Z')},${new Date(end).toISOString().replace('.000Z', 'Z')}`;
}

export function describeWindow(window: string): string {
  const preset = WINDOW_PRESETS.find((w) => w.value === window);
  if (preset) return `last ${preset.label}`;
  const [a, b] = window.split(',');
  if (a !== undefined && b !== undefined) return `${a.slice(0, 10)} → ${new Date(Date.parse(b) - 1).toISOString().slice(0, 10)}`;
  return window;
}

// ---------------------------------------------------------------------------------------------
// Filters (OpenCost's filter language)

function quote(v: string): string {
  return `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** `team=payments` → { key: 'team', value: 'payments' }; undefined when empty or malformed. */
export function parseLabel(label: string): { key: string; value: string } | undefined {
  const i = label.indexOf('=');
  if (i <= 0) return undefined;
  const key = label.slice(0, i).trim();
  const value = label.slice(i + 1).trim();
  return key === '' ? undefined : { key, value };
}

/** The nodes of the selected pool / instance type; undefined when neither is selected. */
export function selectedNodes(assets: readonly Asset[], pool: string, instanceType: string): string[] | undefined {
  if (pool === '' && instanceType === '') return undefined;
  return assets
    .filter((a) => a.type === 'Node' && (pool === '' || a.pool === pool) && (instanceType === '' || a.nodeType === instanceType))
    .map((a) => a.properties.name ?? a.key.slice(a.key.lastIndexOf('/') + 1));
}

export interface FilterParts {
  readonly cluster?: string;
  readonly namespace?: string;
  readonly label?: string;
  /** Nodes of the selected pool / instance type (an empty list matches nothing). */
  readonly nodes?: readonly string[] | undefined;
  readonly controller?: string;
  readonly controllerKind?: string;
  readonly pod?: string;
}

export function buildFilter(f: FilterParts): string {
  const clauses: string[] = [];
  if (f.cluster) clauses.push(`cluster:${quote(f.cluster)}`);
  if (f.namespace) clauses.push(`namespace:${quote(f.namespace)}`);
  const label = f.label ? parseLabel(f.label) : undefined;
  if (label) clauses.push(`label[${label.key}]:${quote(label.value)}`);
  if (f.nodes !== undefined) clauses.push(`node:${f.nodes.length === 0 ? quote('') : f.nodes.map(quote).join(',')}`);
  if (f.controllerKind) clauses.push(`controllerKind:${quote(f.controllerKind)}`);
  if (f.controller) clauses.push(`controllerName:${quote(f.controller)}`);
  if (f.pod) clauses.push(`pod:${quote(f.pod)}`);
  return clauses.join('+');
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** Words for OpenCost's pseudo-allocations (`__idle__`, `__unmounted__`, `__unallocated__`). */
export function pseudoLabel(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const words: Record<string, string> = {
    __idle__: 'idle (not requested by any pod)',
    __unmounted__: 'unmounted volumes',
    __unallocated__: 'unallocated',
    __pod__: 'the pod itself (volumes, load balancers, network, init, overhead)',
  };
  return words[last] ?? name;
}

export const isIdle = (name: string): boolean => name === '__idle__' || name.endsWith('/__idle__');
export const isPseudo = (name: string): boolean => /(^|\/)__[a-z]+__$/.test(name);

export function sumSet(set: AllocationSet, f: (a: Allocation) => number = (a) => a.totalCost): number {
  let s = 0;
  for (const a of Object.values(set)) s += f(a);
  return s;
}

/** Monthly run rate of `cost` spent over `minutes` (730 hours a month, as the exporter's metrics). */
export function monthlyRunRate(cost: number, minutes: number): number | undefined {
  if (!(minutes > 0)) return undefined;
  return (cost / minutes) * 60 * HOURS_PER_MONTH;
}

export interface TrendPoint {
  /** Step start, seconds since the epoch (uPlot's x). */
  readonly t: number;
  readonly compute: number;
  readonly storage: number;
  readonly network: number;
  readonly idle: number;
}

export function computeCost(a: Allocation): number {
  return a.cpuCost + a.ramCost + a.gpuCost;
}
export function networkCost(a: Allocation): number {
  return a.networkCost + a.loadBalancerCost;
}

/** One point per step: compute (CPU+RAM+GPU), storage (PV), network (+LB), idle. */
export function trendSeries(sets: readonly AllocationSet[]): TrendPoint[] {
  const points: TrendPoint[] = [];
  for (const set of sets) {
    const all = Object.values(set);
    const first = all[0];
    if (first === undefined) continue;
    let compute = 0;
    let storage = 0;
    let network = 0;
    let idle = 0;
    for (const a of all) {
      if (isIdle(a.name)) {
        idle += a.totalCost;
        continue;
      }
      compute += computeCost(a);
      storage += a.pvCost;
      network += networkCost(a);
    }
    points.push({ t: Date.parse(first.start) / 1000, compute, storage, network, idle });
  }
  return points.sort((a, b) => a.t - b.t);
}

export interface SpotFigures {
  /** Share of node cost on spot capacity (0–1); undefined without node costs. */
  readonly spotCostShare: number | undefined;
  /** Share of node-hours on spot capacity (0–1). */
  readonly spotNodeShare: number | undefined;
  /** Monthly savings if 70% of capacity (in on-demand-equivalent cost) ran on spot. */
  readonly savingsMonthly: number | undefined;
  /** The spot discount used: observed on this cluster's spot nodes, or assumed. */
  readonly discount: number;
  readonly discountSource: 'observed' | 'assumed';
}

function isSpot(a: Asset): boolean {
  if (a.capacityType !== undefined) return a.capacityType === 'spot';
  return (a.preemptible ?? 0) >= 0.5;
}

/**
 * Spot share and the potential monthly savings at `target` spot share. The spot discount is the
 * one observed on the cluster's spot nodes (1 − spot cost / their on-demand cost, when the API
 * sends `onDemandCost`), else `assumedDiscount`. A spot node's on-demand equivalent is its
 * on-demand cost (or cost / (1 − discount)). Savings = the on-demand cost moved to spot to reach
 * `target` of the on-demand-equivalent total, × discount, capped at today's on-demand cost, at the
 * window's monthly rate.
 */
export function spotFigures(assets: readonly Asset[], { target = 0.7, assumedDiscount = 0.6 } = {}): SpotFigures {
  const nodes = assets.filter((a) => a.type === 'Node');
  let spotCost = 0;
  let spotOnDemand = 0;
  let spotOnDemandKnown = true;
  let onDemandCost = 0;
  let spotMinutes = 0;
  let minutes = 0;
  let maxMinutes = 0;
  for (const n of nodes) {
    if (isSpot(n)) {
      spotCost += n.totalCost;
      spotMinutes += n.minutes;
      if (n.onDemandCost === undefined) spotOnDemandKnown = false;
      else spotOnDemand += n.onDemandCost;
    } else onDemandCost += n.totalCost;
    minutes += n.minutes;
    maxMinutes = Math.max(maxMinutes, n.minutes);
  }
  const observed = spotCost > 0 && spotOnDemandKnown && spotOnDemand > spotCost;
  const discount = observed ? 1 - spotCost / spotOnDemand : assumedDiscount;
  const discountSource = observed ? 'observed' : 'assumed';
  const total = spotCost + onDemandCost;
  if (nodes.length === 0 || total <= 0 || maxMinutes <= 0) return { spotCostShare: undefined, spotNodeShare: undefined, savingsMonthly: undefined, discount, discountSource };
  const spotEquivalent = observed ? spotOnDemand : spotCost / (1 - discount);
  const equivalent = onDemandCost + spotEquivalent;
  const moved = Math.min(onDemandCost, Math.max(0, target * equivalent - spotEquivalent));
  const savingsInWindow = moved * discount;
  return {
    spotCostShare: spotCost / total,
    spotNodeShare: minutes > 0 ? spotMinutes / minutes : undefined,
    savingsMonthly: (savingsInWindow / maxMinutes) * 60 * HOURS_PER_MONTH,
    discount,
    discountSource,
  };
}

// ---------------------------------------------------------------------------------------------
// Right-sizing (until the recommendations API lands: requests vs measured usage)

export interface Suggestion {
  readonly suggestedCpuCores: number;
  readonly suggestedRamBytes: number;
  readonly savingsMonthly: number;
}

/**
 * Suggested requests = average usage × headroom (1.2), at least 10 millicores and 16 MiB; the
 * monthly saving is the CPU (RAM) cost times the part of the request that would go, at the
 * window's run rate. Undefined without usage figures or when nothing would be saved.
 */
export function suggestRequests(a: Allocation, { headroom = 1.2 } = {}): Suggestion | undefined {
  if (a.cpuCoreUsageAverage === undefined || a.ramByteUsageAverage === undefined) return undefined;
  if (!(a.minutes > 0)) return undefined;
  const suggestedCpuCores = Math.max(0.01, a.cpuCoreUsageAverage * headroom);
  const suggestedRamBytes = Math.max(16 * 1024 ** 2, a.ramByteUsageAverage * headroom);
  const cpuCut = a.cpuCoreRequestAverage > 0 ? Math.max(0, 1 - suggestedCpuCores / a.cpuCoreRequestAverage) : 0;
  const ramCut = a.ramByteRequestAverage > 0 ? Math.max(0, 1 - suggestedRamBytes / a.ramByteRequestAverage) : 0;
  const saved = a.cpuCost * cpuCut + a.ramCost * ramCut;
  if (saved <= 0) return undefined;
  return { suggestedCpuCores, suggestedRamBytes, savingsMonthly: (saved / a.minutes) * 60 * HOURS_PER_MONTH };
}

export type EfficiencyClass = 'eff-low' | 'eff-mid' | 'eff-high' | 'eff-none';

/**
 * A row's efficiency (usage / request, weighted by cost), or undefined when it requests nothing —
 * the pod's own part `__pod__` (volumes, network), unmounted volumes: no request, no efficiency,
 * rather than a red 0%.
 */
export function rowEfficiency(a: Pick<Allocation, 'totalEfficiency' | 'cpuCoreRequestAverage' | 'ramByteRequestAverage'>): number | undefined {
  return a.cpuCoreRequestAverage > 0 || a.ramByteRequestAverage > 0 ? a.totalEfficiency : undefined;
}

export function efficiencyClass(e: number | undefined): EfficiencyClass {
  if (e === undefined) return 'eff-none';
  if (e < 0.3) return 'eff-low';
  if (e < 0.6) return 'eff-mid';
  return 'eff-high';
}

// ---------------------------------------------------------------------------------------------
// Formatting

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatUsd(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (x !== 0 && Math.abs(x) < 0.005) return x < 0 ? '−<$0.01' : '<$0.01';
  return usd2.format(x).replace('-', '−');
}

/** Exact figure for tooltips: six decimals, as the API sends them. */
export function exactUsd(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return 'not known';
  return `$${x.toFixed(6)}`;
}

export function formatPct(x: number | undefined, digits = 0): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

export function formatSignedPct(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const s = (x * 100).toFixed(1);
  return x > 0 ? `+${s}%` : x < 0 ? `−${s.slice(1)}%` : '0.0%';
}

export function formatSignedUsd(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return x > 0 ? `+${formatUsd(x)}` : formatUsd(x);
}

export function formatCores(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const milli = Math.round(x * 1000);
  return milli < 1000 ? `${milli}m` : x.toFixed(2);
}

export function formatBytes(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = x;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 2 : 1)} ${units[i]}`;
}

// ---------------------------------------------------------------------------------------------
// Tables and CSV

export type CellValue = string | number | undefined;

export interface Column<Row> {
  readonly id: string;
  readonly label: string;
  readonly value: (r: Row) => CellValue;
  readonly numeric?: boolean;
}

/** Sort rows by `sort` (`col` ascending, `-col` descending); undefined values last. Stable. */
export function sortRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], sort: string, fallback: string): Row[] {
  const spec = sort === '' ? fallback : sort;
  const desc = spec.startsWith('-');
  const id = desc ? spec.slice(1) : spec;
  const col = columns.find((c) => c.id === id) ?? columns.find((c) => c.id === fallback.replace(/^-/, ''));
  if (!col) return [...rows];
  return rows
    .map((r, i) => ({ r, i, v: col.value(r) }))
    .sort((a, b) => {
      if (a.v === undefined && b.v === undefined) return a.i - b.i;
      if (a.v === undefined) return 1;
      if (b.v === undefined) return -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return (desc ? -c : c) || a.i - b.i;
    })
    .map((x) => x.r);
}

function csvCell(v: CellValue): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : v;
  // A leading = + - @ would be a formula in a spreadsheet: quote and prefix it (CSV injection).
  const safe = typeof v === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** RFC 4180 CSV (CRLF line ends) of the rows, exact numbers (not the rounded display). */
export function toCsv<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvCell(c.label)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The allocations of a one-set answer, real ones first, idle and other pseudo-allocations kept. */
export function allocationRows(sets: readonly AllocationSet[]): Allocation[] {
  const set = sets[0] ?? {};
  return Object.values(set);
}

/**
 * The controller of an allocation grouped by `controller` (name `kind:name`, or `ns/kind:name`
 * with the namespace), from its properties when the API sent them, else from the name.
 * Undefined for pseudo-allocations and pods without a controller (`__unallocated__`).
 */
export function controllerOfGroup(key: string, props: Allocation['properties']): { kind: string; name: string } | undefined {
  if (isPseudo(key)) return undefined;
  const last = key.slice(key.lastIndexOf('/') + 1);
  const i = last.indexOf(':');
  const kind = props.controllerKind ?? (i > 0 ? last.slice(0, i) : '');
  const name = props.controller ?? (i > 0 ? last.slice(i + 1) : '');
  return kind !== '' && name !== '' ? { kind, name } : undefined;
}

/** `deployment/api` → { kind: 'deployment', name: 'api' } (the workload parameter of the URL). */
export function parseWorkload(w: string): { kind: string; name: string } | undefined {
  // (the API names a controller group `kind:name`; the URL keeps `kind/name`)
  const i = w.indexOf('/');
  if (i <= 0 || i === w.length - 1) return undefined;
  return { kind: w.slice(0, i), name: w.slice(i + 1) };
}
