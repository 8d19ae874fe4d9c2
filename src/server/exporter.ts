// The exporter's cycle: read the source, allocate costs, accumulate counters, render metrics.
// Scrapes are served from the last rendered result. A failed read never clears good data.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import type { AllocateOptions, CostNotice, CostReport } from '../core/allocate.ts';
import { allocate, IDLE } from '../core/allocate.ts';
import type { PriceBook } from '../core/pricing.ts';
import { costFinishedPods } from '../sources/kube/finished-costs.ts';
import type { ClusterSource, SourceReading, UsageReport } from '../sources/source.ts';
import type { NamespaceCounters } from './cost-metrics.ts';
import { costMetricsSteps, renderCostMetrics } from './cost-metrics.ts';
import type { ExpositionFormat } from './exposition.ts';
import { exposition, labelText } from './exposition.ts';
import type { Logger } from './log.ts';
import { errorType, SelfMetrics } from './self-metrics.ts';
import { limitPodSeries } from './series-limit.ts';

export interface ExporterOptions {
  readonly source: ClusterSource;
  readonly prices: PriceBook;
  readonly logger: Logger;
  readonly intervalMs?: number;
  /** Adds `cluster="<id>"` to every sample. */
  readonly clusterId?: string;
  readonly allocateOptions?: AllocateOptions;
  readonly version?: string;
  readonly now?: () => number;
  /**
   * Called after each successful cycle with what it computed (e.g. to record history). A throw or
   * rejection is logged and counted (`component` of the hook), never fails the cycle; a slow
   * promise delays the next cycle, not the scrapes.
   */
  readonly onCycle?: CycleHook | readonly CycleHook[];
  /**
   * More families appended to each rendering (live pricing's, the advice's...), with the cluster
   * label: one producer or several, rendered in order once per cycle and format (not per scrape).
   * A producer that throws is logged and counted; the others and the cost metrics still render.
   */
  readonly extraMetrics?: MetricsProducer | readonly MetricsProducer[];
  /**
   * `--max-pod-series`: past this many pods, the cheapest are folded into one `__other__` series per
   * namespace in /metrics (src/server/series-limit.ts; sums stay exact, history keeps every pod). 0: no cap.
   */
  readonly maxPodSeries?: number;
}

/** What one successful cycle computed. */
export interface CompletedCycle {
  readonly report: CostReport;
  readonly reading: SourceReading;
  /** The window the report covers: from the previous successful cycle (or one interval back) to now. */
  readonly window: { readonly startMs: number; readonly endMs: number };
  /** True when this is the first cycle since start (no previous cycle to measure from). */
  readonly first: boolean;
}

/** Families rendered from what a producer already holds; must not compute on the scrape path. */
export type MetricsProducer = (format: ExpositionFormat, baseLabels: string) => string;

/** One item or a list, as a list (the hooks and producers of ExporterOptions). */
function listOf<T>(x: T | readonly T[] | undefined): readonly T[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

export interface CycleHook {
  /** Names the hook in logs and in `kube_cost_exporter_errors` (`component` label), e.g. `store`. */
  readonly component: string;
  readonly handle: (cycle: CompletedCycle) => void | Promise<void>;
}

export interface RenderedMetrics {
  /** The exposition text, rendered on first use and kept for the cycle (most scrapes use gzip). */
  readonly text: string;
  /** Gzip of `text`, computed on first request and kept for the cycle; the same Buffer for every scrape. */
  gzip(): Buffer;
  /**
   * The body for a scrape without gzip: `text` when it was already rendered, else `gzip()`
   * decompressed as it is sent (zlib on the thread pool; the text is never held in memory).
   */
  plain(): string | ReadableStream<Uint8Array>;
}

export interface ExporterStatus {
  readonly ready: boolean;
  readonly reason: string;
  readonly lastSyncMs: number | undefined;
  readonly lastError: string | undefined;
  readonly cycles: number;
  /** Whether the last reading had measured usage; when not, costs use requests. */
  readonly usage: (UsageReport & { readonly costsUse: 'usage' | 'requests' }) | undefined;
  /** The live source's own summary (connection, sync, per-resource state), when it has one. */
  readonly source: Readonly<Record<string, unknown>> | undefined;
}

/** The usage state of a reading: the source's own when it reports one, else from `hasUsage`. */
export function usageOf(reading: SourceReading): UsageReport {
  if (reading.usageStatus) return { state: reading.usageStatus.state, detail: reading.usageStatus.detail };
  return reading.hasUsage ? { state: 'ok', detail: '' } : { state: 'absent', detail: 'the source has no usage measurements' };
}

export interface Exporter {
  /** Runs one cycle now. Never throws: failures are logged, counted and keep the last good data. */
  cycle(): Promise<void>;
  /** Starts cycling every interval (first cycle immediately); resolves after the first cycle. */
  start(): Promise<void>;
  stop(): Promise<void>;
  metrics(format: ExpositionFormat): RenderedMetrics;
  /**
   * Renders the self-monitoring and the producers' families again at the next scrape (they are
   * otherwise rendered once per cycle); the cost families stay as the cycle compressed them. For
   * work between cycles that changes what they say, such as the collection after a cycle.
   */
  refreshMetrics(): void;
  report(): CostReport | undefined;
  status(): ExporterStatus;
}

/** Longest gap (in intervals) over which counters accrue; a longer gap is logged, not invented. */
const MAX_ACCRUAL_INTERVALS = 5;
const MAX_REMEMBERED_NOTICES = 10_000;
const NOTICE_EXAMPLES = 3;

interface NoticeGroup {
  readonly kind: CostNotice['kind'];
  /** The message with the object's own name replaced by `<name>`. */
  readonly detail: string;
  readonly notices: CostNotice[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Groups notices that say the same thing about different objects (5,000 spot nodes priced by the
 * same estimate make one log line with a count, not 5,000), in first-seen order.
 */
export function groupNotices(notices: readonly CostNotice[]): NoticeGroup[] {
  const groups = new Map<string, NoticeGroup>();
  for (const n of notices) {
    const slash = n.object.indexOf('/');
    const name = slash >= 0 ? n.object.slice(slash + 1) : '';
    const detail = name === '' ? n.message : n.message.replace(new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w.-])`, 'g'), '<name>');
    const key = `${n.kind}\t${detail}`;
    let group = groups.get(key);
    if (!group) {
      group = { kind: n.kind, detail, notices: [] };
      groups.set(key, group);
    }
    group.notices.push(n);
  }
  return [...groups.values()];
}

/**
 * Gzip level of the cost metrics: compressed once per cycle on the libuv thread pool (the event
 * loop keeps serving scrapes) and sent to every scraper, so a smaller body is worth more than the
 * few milliseconds level 6 costs over level 1.
 */
export const METRICS_GZIP_LEVEL = 6;
/** Longest the render keeps the event loop before letting scrapes in. */
const RENDER_SLICE_MS = 10;
/** Level of the small parts compressed when a scrape needs them (self-monitoring, `# EOF`). */
const SMALL_GZIP_LEVEL = 1;
const EOF_LINE = exposition('openmetrics', ['']);

/**
 * Text handed to zlib and not compressed yet, past which the render waits for zlib to catch up.
 * Without a bound the renderer (faster than zlib at level 6) queued most of the text as Buffers
 * (~10 MiB at 10,000 pods), which lived long enough to be promoted to V8's old generation and then
 * stayed resident as garbage until its next full collection.
 */
const MAX_GZIP_BACKLOG_BYTES = 256 * 1024;

/** One gzip member of streamed text: resolves to its bytes once `end()` was called and zlib is done. */
function gzipMember(): { write(text: string): void; backlogBytes(): number; drained(): Promise<void>; end(): Promise<Buffer>; destroy(): void } {
  const gz = createGzip({ level: METRICS_GZIP_LEVEL });
  const out: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    gz.on('data', (b: Buffer) => out.push(b));
    gz.on('end', () => resolve(Buffer.concat(out)));
    gz.on('error', reject);
  });
  return {
    write: (text) => void gz.write(text),
    backlogBytes: () => gz.writableLength,
    drained: () => (gz.writableNeedDrain ? new Promise<void>((resolve) => gz.once('drain', resolve)) : Promise.resolve()),
    end: () => {
      gz.end();
      return done;
    },
    destroy: () => gz.destroy(),
  };
}

/**
 * Renders the cost families once, straight into gzip streams, for both formats: zlib compresses on
 * the libuv thread pool while the text is still being rendered, and the text is never held whole
 * (93 MiB at 100,000 pods). The formats differ only in the HELP and TYPE lines of counter
 * families: the text between them is one gzip member shared by both bodies, and those lines are
 * small members of their own, one per format.
 */
async function gzipCostMetrics(report: CostReport, counters: NamespaceCounters, baseLabels: string): Promise<Record<ExpositionFormat, Buffer>> {
  const parts: (Promise<Buffer> | Readonly<Record<ExpositionFormat, Buffer>>)[] = [];
  let member = gzipMember();
  const steps = costMetricsSteps(report, counters, 'openmetrics', baseLabels, {
    text: (chunk) => member.write(chunk),
    byFormat: (lines) => {
      parts.push(member.end());
      parts.push({ prometheus: gzipSync(lines.prometheus, { level: SMALL_GZIP_LEVEL }), openmetrics: gzipSync(lines.openmetrics, { level: SMALL_GZIP_LEVEL }) });
      member = gzipMember();
    },
  });
  try {
    // Scrapes arriving meanwhile (after the cost model's turn, and between steps of the render)
    // are answered from the previous cycle.
    await nextTurn();
    let since = performance.now();
    for (const _ of steps) {
      if (member.backlogBytes() > MAX_GZIP_BACKLOG_BYTES) {
        await member.drained();
        since = performance.now();
      } else if (performance.now() - since >= RENDER_SLICE_MS) {
        await nextTurn();
        since = performance.now();
      }
    }
  } catch (err) {
    member.destroy();
    throw err;
  }
  parts.push(member.end());
  const members = await Promise.all(parts);
  const body = (format: ExpositionFormat): Buffer => Buffer.concat(members.map((m) => (Buffer.isBuffer(m) ? m : m[format])));
  return { prometheus: body('prometheus'), openmetrics: body('openmetrics') };
}

/**
 * What one cycle published for scrapes: its report, the counters as they were at its end, and the
 * cost families compressed in both formats (the text is rendered again only if something asks for it).
 */
interface Published {
  readonly report: CostReport;
  readonly counters: NamespaceCounters;
  readonly gzip: Readonly<Record<ExpositionFormat, Buffer>>;
}

/**
 * The body of /metrics: self-monitoring, then the cost families, then `# EOF` for OpenMetrics. Its
 * gzip is the concatenation of one gzip member per part (RFC 1952 §2.2: a gzip file is a series of
 * members; Prometheus' Go reader, zlib and browsers read them all), so the large cost part is
 * compressed once per cycle, not again whenever the self-monitoring part changes.
 */
function rendered(format: ExpositionFormat, selfText: string, cost: () => string, costGzip: () => Buffer | undefined): RenderedMetrics {
  let text: string | undefined;
  let gz: Buffer | undefined;
  const metrics: RenderedMetrics = {
    get text() {
      text ??= exposition(format, [selfText, cost()]);
      return text;
    },
    gzip() {
      if (gz === undefined) {
        const parts: Buffer[] = [gzipSync(selfText, { level: SMALL_GZIP_LEVEL })];
        const costPart = costGzip();
        if (costPart !== undefined) parts.push(costPart);
        if (format === 'openmetrics') parts.push(gzipSync(EOF_LINE, { level: SMALL_GZIP_LEVEL }));
        gz = Buffer.concat(parts);
      }
      return gz;
    },
    plain() {
      if (text !== undefined) return text;
      const gunzip = createGunzip();
      gunzip.end(metrics.gzip());
      // Pulled chunk by chunk as the socket drains (ReadableStream.from honours back-pressure).
      return ReadableStream.from(gunzip as AsyncIterable<Uint8Array>);
    },
  };
  return metrics;
}

export function createExporter(options: ExporterOptions): Exporter {
  const { source, prices, logger, intervalMs = 60_000, clusterId, allocateOptions = {}, version = '0.0.0', now = Date.now } = options;
  const hooks = listOf(options.onCycle);
  const producers = listOf(options.extraMetrics);
  const extraText = (format: ExpositionFormat): string => {
    let text = '';
    for (const produce of producers) {
      try {
        text += produce(format, baseLabels);
      } catch (err) {
        self.errors.inc({ component: 'metrics', error_type: errorType(err) });
        logger.error('a metrics producer failed; its families are left out of this rendering', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    return text;
  };
  const baseLabels = clusterId ? labelText({ cluster: clusterId }) : '';
  const self = new SelfMetrics({ version, nodeVersion: process.version, source: source.kind });

  let lastReading: SourceReading | undefined;
  let lastReport: CostReport | undefined;
  let lastCycleMs: number | undefined;
  let lastSyncMs: number | undefined;
  let lastError: string | undefined;
  let cycles = 0;
  let unpricedFinished = 0;
  const costUsd = new Map<string, number>();
  const spotSavingsUsd = new Map<string, number>();
  let published: Published | undefined;
  let cache: Partial<Record<ExpositionFormat, RenderedMetrics>> = {};
  const loggedNotices = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const invalidate = (): void => {
    cache = {};
  };

  // The text is kept only in the RenderedMetrics that asked for it (one copy, until the next cycle).
  const costText = (p: Published | undefined, format: ExpositionFormat): string => (p === undefined ? '' : renderCostMetrics(p.report, p.counters, format, baseLabels));
  const costGzip = (p: Published | undefined, format: ExpositionFormat): Buffer | undefined => p?.gzip[format];

  const countWarnings = (reading: SourceReading): void => {
    for (const w of reading.warnings) {
      self.errors.inc({ component: 'source', error_type: errorType(w) });
      logger.warn('skipped invalid object', { object: w.object, field: w.field, value: w.value, error: w.message });
    }
  };

  /**
   * Pods that stopped since the previous cycle are not in this reading but ran for part of the
   * window: their namespaces get hourly × the minutes they ran in it (costFinishedPods). A pod still
   * in the previous reading was charged up to that cycle only (counters accrue backwards, at the
   * rate of the reading that ends the window), so nothing is counted twice. The same minutes show
   * as idle on their node in this reading: they come out of `__idle__` (never more than that
   * node's idle for the window, and nothing for a node that is gone: it accrues no idle).
   */
  const accrueFinished = (reading: SourceReading, report: CostReport, increments: Map<string, number>, window: { startMs: number; endMs: number }, hours: number): void => {
    const finished = reading.finishedPods;
    if (finished === undefined || finished.length === 0) return;
    const costs = costFinishedPods(finished, prices, window, allocateOptions, reading.snapshot.usage);
    for (const [namespace, usd] of costs.byNamespace) increments.set(namespace, (increments.get(namespace) ?? 0) + usd);
    const idleForWindow = new Map(report.nodes.map((n) => [n.name, n.idleHourlyUsd * hours]));
    let fromIdle = 0;
    for (const [nodeName, usd] of costs.idleByNode) fromIdle += Math.min(usd, idleForWindow.get(nodeName) ?? 0);
    if (fromIdle > 0) increments.set(IDLE, Math.max(0, (increments.get(IDLE) ?? 0) - fromIdle));
    if (costs.unpriced.length > 0) {
      unpricedFinished += costs.unpriced.length;
      self.errors.inc({ component: 'model', error_type: 'unknown_node' }, costs.unpriced.length);
      logger.warn('finished pods on unknown nodes are not costed', { pods: costs.unpriced.length, example: `${costs.unpriced[0]?.pod.namespace}/${costs.unpriced[0]?.pod.name}`, total: unpricedFinished });
    }
  };

  const runCycle = async (): Promise<void> => {
    const started = performance.now();
    const nowMs = now();
    let reading: SourceReading;
    try {
      reading = await source.read(nowMs);
    } catch (err) {
      if (stopped) return;
      const message = err instanceof Error ? err.message : String(err);
      // The same failure cycle after cycle (an API server that stays down) is logged once.
      const repeated = message === lastError;
      lastError = message;
      self.errors.inc({ component: 'source', error_type: errorType(err) });
      self.cycles.inc({ result: 'error' });
      const what = lastReport ? 'reading the cluster failed; serving the last good numbers' : 'reading the cluster failed; no numbers to serve yet';
      const fields = { source: source.description, error: lastError };
      if (repeated) logger.debug(what, fields);
      else logger.error(what, fields);
      invalidate();
      return;
    }
    if (lastError !== undefined && lastReport !== undefined) logger.info('reading the cluster works again', { source: source.description, lastSync: new Date(lastSyncMs ?? 0).toISOString() });
    lastError = undefined;
    lastSyncMs = nowMs;
    if (reading.warnings !== lastReading?.warnings) countWarnings(reading);
    lastReading = reading;
    self.usage = usageOf(reading);
    self.usageByNode = reading.usageByNode;

    const windowStart = lastCycleMs ?? nowMs - intervalMs;
    const report = allocate(reading.snapshot, prices, { startMs: windowStart, endMs: nowMs }, allocateOptions);

    // Accrue counters over the time since the last cycle at the current run rate.
    if (lastCycleMs !== undefined) {
      const elapsedMs = nowMs - lastCycleMs;
      const accrualMs = Math.min(Math.max(0, elapsedMs), MAX_ACCRUAL_INTERVALS * intervalMs);
      if (elapsedMs !== accrualMs) {
        logger.warn('time between cycles out of range; counters accrue over the capped interval only', { elapsedMs, accruedMs: accrualMs });
      }
      const hours = accrualMs / 3_600_000;
      const increments = new Map<string, number>();
      for (const ns of report.namespaces) increments.set(ns.namespace, ns.totalHourlyUsd * hours);
      accrueFinished(reading, report, increments, { startMs: nowMs - accrualMs, endMs: nowMs }, hours);
      for (const [namespace, usd] of increments) costUsd.set(namespace, (costUsd.get(namespace) ?? 0) + usd);
      for (const ns of report.namespaces) {
        if (ns.spotSavingsHourlyUsd > 0 || spotSavingsUsd.has(ns.namespace)) {
          spotSavingsUsd.set(ns.namespace, (spotSavingsUsd.get(ns.namespace) ?? 0) + ns.spotSavingsHourlyUsd * hours);
        }
      }
    } else {
      for (const ns of report.namespaces) {
        costUsd.set(ns.namespace, costUsd.get(ns.namespace) ?? 0);
        if (ns.spotSavingsHourlyUsd > 0) spotSavingsUsd.set(ns.namespace, spotSavingsUsd.get(ns.namespace) ?? 0);
      }
    }

    // Errors and notices: counted as gauges of the current state, logged once each.
    const skipped = new Map<string, number>();
    const bump = (component: string, type: string): void => {
      const key = labelText({ component, error_type: type });
      skipped.set(key, (skipped.get(key) ?? 0) + 1);
    };
    for (const w of reading.warnings) bump('source', errorType(w));
    for (const e of report.errors) {
      bump('model', errorType(e));
      if (!loggedNotices.has(e.message)) logger.warn('object skipped by the cost model', { object: e.object, field: e.field, value: e.value, error: e.message });
      loggedNotices.add(e.message);
    }
    for (const group of groupNotices(report.notices.filter((n) => !loggedNotices.has(n.message)))) {
      for (const n of group.notices) {
        if (loggedNotices.size > MAX_REMEMBERED_NOTICES) loggedNotices.clear();
        loggedNotices.add(n.message);
      }
      const msg = group.kind === 'price-fallback' ? 'price fallback' : group.kind;
      const first = group.notices[0];
      if (group.notices.length === 1 && first) logger.warn(msg, { object: first.object, detail: first.message });
      else {
        logger.warn(msg, {
          objects: group.notices.length,
          examples: group.notices.slice(0, NOTICE_EXAMPLES).map((n) => n.object).join(', '),
          detail: group.detail,
        });
      }
    }
    self.skipped = skipped;
    for (const n of report.nodes) self.pricingLookups.inc({ kind: 'node', source: n.priceSource });
    for (const v of report.volumes) self.pricingLookups.inc({ kind: 'storage', source: v.priceSource });
    for (const l of report.loadBalancers) self.pricingLookups.inc({ kind: 'load_balancer', source: l.priceSource });
    if (report.nodes.length > 0) self.pricingLookups.inc({ kind: 'management', source: report.cluster.managementPriceSource });
    const snap = reading.snapshot;
    self.sourceObjects = new Map([
      ['kind="Node"', snap.nodes.length],
      ['kind="Pod"', snap.pods.length],
      ['kind="PersistentVolume"', snap.persistentVolumes.length],
      ['kind="PersistentVolumeClaim"', snap.persistentVolumeClaims.length],
      ['kind="Service"', snap.services.length],
      ['kind="Namespace"', snap.namespaces.length],
    ]);

    // Render and compress both formats in one pass, zlib off the event loop; scrapes meanwhile get
    // the previous cycle's numbers. A scrape without gzip gets this decompressed as it is sent.
    const counterSnapshot: NamespaceCounters = { costUsd: new Map(costUsd), spotSavingsUsd: new Map(spotSavingsUsd) };
    const limited = limitPodSeries(report, options.maxPodSeries ?? 0);
    if ((limited.folded > 0) !== (self.foldedPods > 0)) {
      if (limited.folded > 0) {
        logger.warn(`more pods than --max-pod-series: the ${limited.folded} cheapest are folded into one pod="__other__" series per namespace in /metrics (sums unchanged; the API and history keep every pod)`, { pods: report.pods.length, maxPodSeries: options.maxPodSeries ?? 0 });
      } else {
        logger.info('pods back under --max-pod-series: every pod has its own series again', { pods: report.pods.length });
      }
    }
    self.foldedPods = limited.folded;
    const next: Published = { report: limited.report, counters: counterSnapshot, gzip: await gzipCostMetrics(limited.report, counterSnapshot, baseLabels) };
    published = next;
    lastReport = report;
    lastCycleMs = nowMs;
    cycles += 1;
    self.cycles.inc({ result: 'success' });
    self.lastSyncSeconds = lastSyncMs / 1000;
    self.lastCycleSeconds = nowMs / 1000;
    self.observeCycleDuration((performance.now() - started) / 1000);
    invalidate();
    for (const hook of hooks) {
      try {
        await hook.handle({ report, reading, window: { startMs: windowStart, endMs: nowMs }, first: cycles === 1 });
      } catch (err) {
        self.errors.inc({ component: hook.component, error_type: errorType(err) });
        logger.error(`${hook.component} failed for this cycle; the metrics are not affected`, { error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (cycles === 1) {
      logger.info('first cost cycle done', {
        nodes: report.nodes.length,
        pods: report.pods.length,
        clusterHourlyUsd: Number(report.cluster.totalHourlyUsd.toFixed(4)),
        clusterMonthlyUsd: Number((report.cluster.totalHourlyUsd * 730).toFixed(2)),
      });
    }
  };

  const exporter: Exporter = {
    async cycle() {
      // Never overlap two cycles: a slow read makes the next one wait.
      if (running) return running;
      running = runCycle()
        .catch((err: unknown) => {
          lastError = err instanceof Error ? err.message : String(err);
          self.errors.inc({ component: 'model', error_type: errorType(err) });
          self.cycles.inc({ result: 'error' });
          logger.error('cost cycle failed; serving the last good numbers', { error: lastError, stack: err instanceof Error ? err.stack : undefined });
          invalidate();
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    async start() {
      stopped = false;
      await exporter.cycle();
      const schedule = (): void => {
        if (stopped) return;
        timer = setTimeout(() => {
          void exporter.cycle().finally(schedule);
        }, intervalMs);
        timer.unref?.();
      };
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Close the source first: a read waiting for a live cluster's first sync ends at once.
      const closing = source.close?.();
      if (running) await running;
      await closing;
    },
    metrics(format) {
      const hit = cache[format];
      if (hit) return hit;
      const p = published;
      // The producers first: a failing one is counted in this rendering's self-monitoring.
      const extra = extraText(format);
      const result = rendered(
        format,
        self.render(format, baseLabels) + extra,
        () => costText(p, format),
        () => costGzip(p, format),
      );
      cache[format] = result;
      return result;
    },
    refreshMetrics: invalidate,
    report: () => lastReport,
    status() {
      // A live source knows at once when its API server stops answering; the last read may be older.
      const health = source.health?.();
      let reason = 'ok';
      if (!lastReport) reason = lastError ? `no data yet: ${lastError}` : health && !health.ready ? `no data yet: ${health.reason}` : 'first cost cycle not finished';
      else if (lastError) reason = `last read failed, serving data from ${new Date(lastSyncMs ?? 0).toISOString()}: ${lastError}`;
      else if (health && !health.ready) reason = `serving data from ${new Date(lastSyncMs ?? 0).toISOString()}: ${health.reason}`;
      const usage = lastReading ? usageOf(lastReading) : undefined;
      return {
        ready: lastReport !== undefined && lastError === undefined && (health?.ready ?? true),
        reason,
        lastSyncMs,
        lastError,
        cycles,
        usage: usage ? { ...usage, costsUse: usage.state === 'ok' ? 'usage' : 'requests' } : undefined,
        source: health?.detail,
      };
    },
  };
  return exporter;
}
