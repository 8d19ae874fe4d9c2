// `kubectl cost reconcile`: the bill against the estimate. Server mode asks the exporter's
// /api/v1/reconciliation (history corrected by --billing-source); offline mode (--snapshot with
// --bill DIR) reads the bill files here and compares them with the snapshot's nodes priced now.
import type { ParsedCommand } from './args.ts';
import { checkWindow, flagValue, outputFormat, UsageError } from './args.ts';
import type { TableModel } from './format.ts';
import { money, percent, renderCsv, renderMarkdown, renderText } from './format.ts';
import type { Fetcher } from './server.ts';
import { ServerError } from './server.ts';

/** The report as /api/v1/reconciliation answers it (src/billing/render.ts). */
export interface ReconciliationData {
  readonly window: { readonly start: string; readonly end: string };
  readonly bill: { readonly start: string; readonly end: string } | null;
  readonly totals: { readonly estimatedUsd: number; readonly billedUsd: number; readonly matchedEstimatedUsd: number; readonly reconciledUsd: number; readonly nodeHours: number; readonly matchedNodeHours: number; readonly matchedRatio: number };
  readonly days: readonly { readonly date: string; readonly estimatedUsd: number; readonly billedUsd: number; readonly matchedEstimatedUsd: number; readonly reconciledUsd: number; readonly nodeHours: number; readonly matchedNodeHours: number; readonly matchedRatio: number }[];
  readonly differences: readonly { readonly date: string; readonly node: string; readonly providerId: string; readonly estimatedUsd: number; readonly billedUsd: number; readonly differenceUsd: number; readonly reason: string; readonly explanation: string }[];
  readonly unmatched: readonly { readonly node: string; readonly providerId: string; readonly nodeHours: number; readonly estimatedUsd: number; readonly why: string; readonly explanation: string }[];
  readonly billedWithoutNode: { readonly instances: number; readonly billedUsd: number };
}

function isData(v: unknown): v is ReconciliationData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return typeof d['totals'] === 'object' && Array.isArray(d['days']) && Array.isArray(d['differences']) && Array.isArray(d['unmatched']);
}

export async function serverReconciliation(fetcher: Fetcher, window: string, top: number): Promise<ReconciliationData> {
  const body = await fetcher.get('/api/v1/reconciliation', { window, top: String(top) });
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!isData(data)) throw new ServerError(`${fetcher.description}: /api/v1/reconciliation: not a reconciliation report`);
  return data;
}

export async function offlineReconciliation(options: { snapshots: readonly string[]; bill: string; window: string | undefined; nowMs: number; top: number }): Promise<{ data: ReconciliationData; notes: string[] }> {
  const { loadOfflineCluster } = await import('./snapshot.ts');
  const { readBills } = await import('../billing/read.ts');
  const { reconcile } = await import('../billing/reconcile.ts');
  const { offlineNodeHours } = await import('../billing/offline.ts');
  const { reconciliationJson } = await import('../billing/render.ts');
  const { parseWindow } = await import('../api/window.ts');
  const offline = await loadOfflineCluster({ paths: options.snapshots, nowMs: options.nowMs, windowMs: 3_600_000 });
  const { usage, errors, files } = await readBills(options.bill);
  const notes = errors.map((e) => `note: bill file skipped: ${e.message}`);
  if (usage.firstMs === undefined || usage.lastMs === undefined) throw new UsageError(`--bill ${options.bill}: no virtual machine charges in ${files.length} bill file(s)`);
  const span = options.window === undefined ? { startMs: usage.firstMs, endMs: usage.lastMs } : parseWindow(options.window, { nowMs: options.nowMs });
  const providerIds = new Map(offline.snapshot.nodes.map((n) => [n.name, n.providerId ?? '']));
  const nodes = offline.report.nodes.map((n) => ({ node: n.name, providerId: providerIds.get(n.name) ?? '', hourlyUsd: n.hourlyUsd }));
  const { report } = reconcile({ nodeHours: offlineNodeHours(nodes, usage, span.startMs, span.endMs), usage, startMs: span.startMs, endMs: span.endMs, topDifferences: options.top });
  notes.push('note: offline, each node is estimated at its price now, for the hours the bill has its instance (all the window when it has not)');
  return { data: reconciliationJson(report), notes };
}

function daysTable(d: ReconciliationData): TableModel {
  const right = (header: string) => ({ header, align: 'right' as const });
  return {
    columns: [{ header: 'DATE', align: 'left' }, right('ESTIMATED'), right('BILLED'), right('ESTIMATED (MATCHED)'), right('RECONCILED'), right('NODE-HOURS'), right('MATCHED')],
    rows: d.days.map((x) => [x.date, money(x.estimatedUsd), money(x.billedUsd), money(x.matchedEstimatedUsd), money(x.reconciledUsd), x.nodeHours.toFixed(1), percent(x.matchedRatio)]),
    footer: ['TOTAL', money(d.totals.estimatedUsd), money(d.totals.billedUsd), money(d.totals.matchedEstimatedUsd), money(d.totals.reconciledUsd), d.totals.nodeHours.toFixed(1), percent(d.totals.matchedRatio)],
  };
}

function differencesTable(d: ReconciliationData): TableModel {
  return {
    columns: [
      { header: 'DATE', align: 'left' },
      { header: 'NODE', align: 'left' },
      { header: 'ESTIMATED', align: 'right' },
      { header: 'BILLED', align: 'right' },
      { header: 'DIFFERENCE', align: 'right' },
      { header: 'REASON', align: 'left' },
    ],
    rows: d.differences.map((x) => [x.date, x.node, money(x.estimatedUsd), money(x.billedUsd), money(x.differenceUsd), x.reason]),
  };
}

function unmatchedTable(d: ReconciliationData): TableModel {
  return {
    columns: [
      { header: 'NODE', align: 'left' },
      { header: 'NODE-HOURS', align: 'right' },
      { header: 'ESTIMATED', align: 'right' },
      { header: 'WHY', align: 'left' },
    ],
    rows: d.unmatched.map((x) => [x.node, x.nodeHours.toFixed(1), money(x.estimatedUsd), x.why]),
  };
}

export function renderReconciliation(d: ReconciliationData, format: 'table' | 'json' | 'csv' | 'markdown', options: { color: boolean; source: string }): string {
  if (format === 'json') return `${JSON.stringify({ source: options.source, ...d }, null, 2)}\n`;
  if (format === 'csv') {
    return renderCsv(
      ['date', 'estimatedUsd', 'billedUsd', 'matchedEstimatedUsd', 'reconciledUsd', 'nodeHours', 'matchedNodeHours', 'matchedRatio'],
      d.days.map((x) => [x.date, x.estimatedUsd, x.billedUsd, x.matchedEstimatedUsd, x.reconciledUsd, x.nodeHours, x.matchedNodeHours, x.matchedRatio]),
    );
  }
  const render = format === 'markdown' ? renderMarkdown : (m: TableModel) => renderText(m, { color: options.color });
  const difference = d.totals.billedUsd - d.totals.matchedEstimatedUsd;
  const summary = [
    `Bill ${d.bill ? `${d.bill.start} – ${d.bill.end}` : '(no VM charges)'}; window ${d.window.start} – ${d.window.end}; from ${options.source}`,
    `Matched ${percent(d.totals.matchedRatio)} of ${d.totals.nodeHours.toFixed(1)} node-hours: billed ${money(d.totals.billedUsd)} vs estimated ${money(d.totals.matchedEstimatedUsd)} (${difference >= 0 ? '+' : ''}${money(difference)}${d.totals.matchedEstimatedUsd > 0 ? `, ${difference >= 0 ? '+' : ''}${((difference / d.totals.matchedEstimatedUsd) * 100).toFixed(1)}%` : ''}).`,
    d.billedWithoutNode.instances > 0 ? `${d.billedWithoutNode.instances} billed instance(s) are no node of this cluster (${money(d.billedWithoutNode.billedUsd)}).` : '',
  ].filter((l) => l !== '');
  const reasons = [...new Map([...d.differences.map((x) => [x.reason, x.explanation] as const), ...d.unmatched.map((x) => [x.why, x.explanation] as const)]).entries()].map(([r, e]) => `  ${r}: ${e}`);
  const parts = [summary.join('\n'), '', render(daysTable(d)).trimEnd()];
  if (d.differences.length > 0) parts.push('', 'Biggest differences (billed vs estimated, per node and day):', render(differencesTable(d)).trimEnd());
  if (d.unmatched.length > 0) parts.push('', 'Not matched to the bill (still estimated):', render(unmatchedTable(d)).trimEnd());
  if (reasons.length > 0) parts.push('', 'Reasons:', ...reasons);
  return `${parts.join('\n')}\n`;
}

export function reconcileOptions(parsed: ParsedCommand): { window: string | undefined; top: number; format: 'table' | 'json' | 'csv' | 'markdown' } {
  const w = parsed.values.get('window')?.[0];
  const topText = flagValue(parsed, 'top') ?? '10';
  if (!/^\d{1,4}$/.test(topText) || Number(topText) < 1) throw new UsageError(`flag --top: expected a whole number of differences from 1 (got "${topText}")`);
  return { window: w === undefined ? undefined : checkWindow(w), top: Number(topText), format: outputFormat(parsed) };
}
