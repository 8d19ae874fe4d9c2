// Billing reconciliation in the running exporter (`--billing-source`, `--billing-refresh`): reads
// the bill in the background, corrects history, serves the report, prices known instances at their
// billed rate, and says how it went in /metrics. A bill that cannot be read is logged (file, line,
// column) and the exporter keeps serving with what it has; nothing here can stop a cycle.
import type { PriceBook } from '../core/pricing.ts';
import type { ExpositionFormat } from '../server/exposition.ts';
import { ExpositionWriter, labelText } from '../server/exposition.ts';
import type { Logger } from '../server/log.ts';
import type { HistoryStore } from '../store/types.ts';
import type { BilledUsage } from './bill.ts';
import { BillParseError } from './errors.ts';
import { BillLocationError } from './files.ts';
import { EstimateMemory, reconcileHistory } from './history.ts';
import type { BilledRateIndex } from './pricebook.ts';
import { billedRateIndex, createBillingPriceBook } from './pricebook.ts';
import type { BillReadResult } from './read.ts';
import { readBills } from './read.ts';
import type { ReconciliationReport } from './reconcile.ts';

export const BILLING_FAMILIES = ['kube_cost_billing_matched_ratio', 'kube_cost_billing_last_reconciliation_timestamp_seconds', 'kube_cost_billing_files', 'kube_cost_billing_reconciled_node_hours'] as const;

export interface BillingStatus {
  readonly location: string;
  /** When the last read finished (ms), undefined before the first. */
  readonly lastRunMs: number | undefined;
  /** The last successful reconciliation (ms). */
  readonly lastReconciledMs: number | undefined;
  readonly filesRead: number;
  readonly filesFailed: number;
  /** The last run's error when the location itself could not be read. */
  readonly lastError: string | undefined;
  readonly matchedRatio: number | undefined;
  readonly reconciledNodeHours: number;
}

export interface BillingService {
  readonly location: string;
  /** Reads the bill and reconciles history now (runs are never concurrent; a second call waits for the first). */
  refresh(): Promise<void>;
  /** The report over a window from the last bill read; undefined before the first read. */
  report(window: { readonly startMs: number; readonly endMs: number }, top?: number): Promise<ReconciliationReport | undefined>;
  /** The billed rates of the last read (undefined before it). */
  rates(): BilledRateIndex | undefined;
  status(): BillingStatus;
  /** The price book with billed rates on top of `base`. */
  prices(base: PriceBook): PriceBook;
  renderMetrics(format: ExpositionFormat, baseLabels: string): string;
  stop(): void;
}

export interface BillingServiceOptions {
  readonly location: string;
  readonly refreshMs: number;
  readonly store: HistoryStore;
  readonly cluster: string;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How long the last billed rate prices a node past the bill's end (default 48 h). */
  readonly carryForwardMs?: number;
  /** How far back charges are kept (default 62 days: providers restate the current and the previous month). */
  readonly lookbackMs?: number;
  /** Reads the bill (tests may replace it). */
  readonly read?: (location: string, sinceMs: number) => Promise<BillReadResult>;
  /** Start the timer (default true); tests call refresh() themselves. */
  readonly schedule?: boolean;
}

export function startBilling(options: BillingServiceOptions): BillingService {
  const { location, refreshMs, store, cluster, logger, now = () => Date.now(), carryForwardMs = 48 * 3_600_000, lookbackMs = 62 * 86_400_000, read = (l, sinceMs) => readBills(l, { sinceMs }) } = options;
  const estimates = new EstimateMemory();
  let usage: BilledUsage | undefined;
  let rates: BilledRateIndex | undefined;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let status: BillingStatus = { location, lastRunMs: undefined, lastReconciledMs: undefined, filesRead: 0, filesFailed: 0, lastError: undefined, matchedRatio: undefined, reconciledNodeHours: 0 };

  const run = async (): Promise<void> => {
    const started = now();
    let result: BillReadResult;
    try {
      result = await read(location, now() - lookbackMs);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      status = { ...status, lastRunMs: now(), lastError: message };
      logger.error('cannot read the bill; prices and history stay as estimated until the next try', { location, error: message, fix: err instanceof BillLocationError ? 'check --billing-source' : 'see docs/billing.md' });
      return;
    }
    for (const e of result.errors) {
      const fields = e instanceof BillParseError ? { file: e.file, line: e.line, column: e.column, value: e.value } : {};
      logger.warn(`bill file skipped: ${e.message}`, fields);
    }
    usage = result.usage;
    rates = billedRateIndex(result.usage);
    const { firstMs, lastMs } = result.usage;
    let matchedRatio: number | undefined;
    let changed = 0;
    if (firstMs !== undefined && lastMs !== undefined) {
      try {
        const r = await reconcileHistory({ store, cluster, usage: result.usage, startMs: firstMs, endMs: lastMs, estimates });
        matchedRatio = r.report.totals.matchedRatio;
        changed = r.changedNodeHours;
      } catch (err) {
        logger.error('cannot correct history with the bill; it is retried at the next refresh', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    status = { location, lastRunMs: now(), lastReconciledMs: matchedRatio === undefined ? status.lastReconciledMs : now(), filesRead: result.files.length, filesFailed: result.errors.length, lastError: undefined, matchedRatio: matchedRatio ?? status.matchedRatio, reconciledNodeHours: changed };
    logger.info('bill read and history reconciled', {
      location,
      files: result.files.length,
      skipped: result.errors.length,
      instances: result.usage.resources.size,
      ...(firstMs !== undefined && lastMs !== undefined ? { from: new Date(firstMs).toISOString(), to: new Date(lastMs).toISOString() } : {}),
      matchedNodeHours: matchedRatio === undefined ? 'none' : `${(matchedRatio * 100).toFixed(1)}%`,
      reconciledNodeHours: changed,
      seconds: ((now() - started) / 1000).toFixed(1),
    });
  };

  const refresh = (): Promise<void> => {
    if (!running) running = run().finally(() => (running = undefined));
    return running;
  };

  if (options.schedule !== false) {
    const tick = () => {
      refresh().catch(() => undefined);
    };
    setImmediate(tick);
    timer = setInterval(tick, refreshMs);
    timer.unref();
  }

  return {
    location,
    refresh,
    async report(window, top = 20) {
      if (!usage) return undefined;
      return (await reconcileHistory({ store, cluster, usage, startMs: window.startMs, endMs: window.endMs, estimates, apply: false, topDifferences: top })).report;
    },
    rates: () => rates,
    status: () => status,
    prices: (base) => createBillingPriceBook(base, { rates: () => rates, now, carryForwardMs }),
    renderMetrics: (format, baseLabels) => renderBillingMetrics(status, format, baseLabels),
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

/** The billing families; with billing off they are present and empty. */
export function renderBillingMetrics(status: BillingStatus | undefined, format: ExpositionFormat, baseLabels = ''): string {
  const w = new ExpositionWriter(format, baseLabels);
  w.family('kube_cost_billing_matched_ratio', 'gauge', 'Share of node-hours in the last bill read whose instance the bill has (0..1); the rest stay estimated. Absent until a bill is read.', 'ratio');
  if (status?.matchedRatio !== undefined) w.sample('', status.matchedRatio);
  w.family('kube_cost_billing_last_reconciliation_timestamp_seconds', 'gauge', 'When history was last reconciled with the bill (Unix seconds). Absent until then.', 'seconds');
  if (status?.lastReconciledMs !== undefined) w.sample('', status.lastReconciledMs / 1000);
  w.family('kube_cost_billing_files', 'gauge', 'Bill files in the last read, by result: read, or skipped (malformed: the log names file, line and column).');
  if (status?.lastRunMs !== undefined) {
    w.sample(labelText({ result: 'read' }), status.filesRead);
    w.sample(labelText({ result: 'skipped' }), status.filesFailed);
  }
  w.family('kube_cost_billing_reconciled_node_hours', 'gauge', 'Node-hours of history the last reconciliation set to the billed cost.');
  if (status?.lastRunMs !== undefined) w.sample('', status.reconciledNodeHours);
  return w.toString();
}
