// Records the exporter's cycles into the history store (the exporter's `onCycle` hook, component
// `store`), runs maintenance, and backfills simulated history for the demo cluster.
//
// What is recorded is only what was observed: the interval between two successful cycles of this
// process. The first cycle after a start has nothing before it (the exporter was not running), so
// history resumes at the second one and the time the exporter was down stays a gap in `coverage()`.
// A pause longer than `maxGapIntervals` intervals (a suspended process) is cut the same way.
import type { AllocateOptions } from '../core/allocate.ts';
import { allocate } from '../core/allocate.ts';
import type { PriceBook } from '../core/pricing.ts';
import type { CompletedCycle, CycleHook } from '../server/exporter.ts';
import type { Logger } from '../server/log.ts';
import type { ClusterSource } from '../sources/source.ts';
import { HOUR_MS } from './plan.ts';
import type { CycleBatchOptions } from './record.ts';
import { cycleBatch } from './record.ts';
import type { HistoryStore } from './types.ts';
import { CycleOverlapError } from './validate.ts';

export interface BackfillOptions {
  readonly source: ClusterSource;
  readonly prices: PriceBook;
  readonly allocateOptions?: AllocateOptions;
  /** How far back to simulate (default 30 days); 0 disables. */
  readonly durationMs: number;
  /** Length of each simulated cycle (default one hour: 720 cycles for 30 days). */
  readonly stepMs?: number;
}

export interface RecorderOptions {
  readonly store: HistoryStore;
  readonly cluster: string;
  readonly demo: boolean;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Demo mode: simulate history before the first cycle when the store holds none for the cluster. */
  readonly backfill?: BackfillOptions;
  /** Prices pods that finished between readings so they are recorded too (see cycleBatch). */
  readonly finished?: CycleBatchOptions['finished'];
  /** Also record per-container rows (`--record-containers`), live cycles and demo backfill alike. */
  readonly containers?: boolean;
  readonly maxGapIntervals?: number;
  readonly now?: () => number;
  readonly yieldNow?: () => Promise<void>;
}

export interface RecorderStatus {
  /** `idle`, `backfilling`, `recording`. */
  readonly state: 'idle' | 'backfilling' | 'recording';
  readonly backfill: { readonly doneCycles: number; readonly totalCycles: number } | undefined;
  readonly recordedCycles: number;
  readonly lastRecordedMs: number | undefined;
}

export interface Recorder {
  readonly hook: CycleHook;
  status(): RecorderStatus;
  /** Resolves when a running backfill has finished (at once when there is none). */
  backfilled(): Promise<void>;
  /** Stops a running backfill at its next cycle. */
  stop(): Promise<void>;
}

const defaultYield = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createRecorder(options: RecorderOptions): Recorder {
  const { store, cluster, demo, intervalMs, logger, backfill, finished, containers = false, maxGapIntervals = 5, now = Date.now, yieldNow = defaultYield } = options;
  const pricing = { ...(finished ? { finished } : {}), containers };
  let lastEndMs: number | undefined;
  let knownEnd: Promise<number | undefined> | undefined;
  let backfilling: Promise<void> | undefined;
  let progress: { doneCycles: number; totalCycles: number } | undefined;
  let recorded = 0;
  let stopped = false;
  let warnedOverlap = false;

  const storedEnd = (): Promise<number | undefined> => {
    knownEnd ??= store.coverage().then((all) => all.find((c) => c.cluster === cluster)?.lastMs);
    return knownEnd;
  };

  const runBackfill = async (b: BackfillOptions, untilMs: number): Promise<void> => {
    const stepMs = b.stepMs ?? HOUR_MS;
    const alignedEnd = Math.floor(untilMs / stepMs) * stepMs;
    const startMs = alignedEnd - b.durationMs;
    const windows: { startMs: number; endMs: number }[] = [];
    for (let s = startMs; s < alignedEnd; s += stepMs) windows.push({ startMs: s, endMs: s + stepMs });
    if (untilMs > alignedEnd) windows.push({ startMs: alignedEnd, endMs: untilMs });
    progress = { doneCycles: 0, totalCycles: windows.length };
    const started = performance.now();
    logger.info('backfilling simulated demo history', { cluster, from: new Date(startMs).toISOString(), to: new Date(untilMs).toISOString(), cycles: windows.length });
    let nextLog = 0.1;
    for (const window of windows) {
      if (stopped) {
        logger.info('demo backfill stopped', { cycles: progress.doneCycles });
        return;
      }
      const reading = await b.source.read(window.endMs);
      const report = allocate(reading.snapshot, b.prices, window, b.allocateOptions ?? {});
      try {
        await store.record(cycleBatch({ report, reading, window }, { cluster, demo: true, containers }));
      } catch (err) {
        if (!(err instanceof CycleOverlapError)) throw err;
        logger.warn('demo backfill stopped: another exporter already records this cluster in the same store', { cluster, store: store.description });
        knownEnd = undefined;
        lastEndMs = await storedEnd();
        return;
      }
      lastEndMs = window.endMs;
      progress.doneCycles += 1;
      if (progress.doneCycles / progress.totalCycles >= nextLog && progress.doneCycles < progress.totalCycles) {
        logger.info('demo backfill progress', { percent: Math.round((100 * progress.doneCycles) / progress.totalCycles), cycles: progress.doneCycles });
        nextLog += 0.1;
      }
      await yieldNow();
    }
    const wroteMs = performance.now() - started;
    await store.maintain(now());
    logger.info('demo backfill done', { cycles: windows.length, seconds: Number((wroteMs / 1000).toFixed(1)), rollupSeconds: Number(((performance.now() - started - wroteMs) / 1000).toFixed(1)) });
  };

  const handle = async (cycle: CompletedCycle): Promise<void> => {
    if (cycle.first) {
      const end = await storedEnd();
      lastEndMs = end;
      if (end === undefined && backfill && backfill.durationMs > 0) {
        // Not awaited: the first cycle (and the listening socket) must not wait for it. Later
        // cycles wait for it before they record, so the history stays in order.
        backfilling = runBackfill(backfill, cycle.window.endMs).catch((err: unknown) => {
          logger.error('demo backfill failed; history starts with the live cycles', { error: err instanceof Error ? err.message : String(err) });
        });
      } else if (end !== undefined) {
        logger.info('history resumes', { cluster, storedUntil: new Date(end).toISOString(), gapSeconds: Math.round((cycle.window.endMs - end) / 1000) });
      }
      return;
    }
    if (backfilling) {
      await backfilling;
      backfilling = undefined;
    }
    const earliest = cycle.window.endMs - maxGapIntervals * intervalMs;
    let batch = cycleBatch(cycle, { cluster, demo, fromMs: Math.max(lastEndMs ?? Number.NEGATIVE_INFINITY, earliest), ...pricing });
    if (!(batch.endMs > batch.startMs)) return;
    try {
      await store.record(batch);
    } catch (err) {
      if (!(err instanceof CycleOverlapError)) throw err;
      // Another writer (a second exporter on the same store and cluster) recorded past our last
      // cycle: each instant is recorded once, by whoever wrote it first; continue after it.
      if (!warnedOverlap) logger.warn('another exporter records history for this cluster in the same store; each period is kept once, as first written', { cluster, store: store.description });
      warnedOverlap = true;
      knownEnd = undefined;
      lastEndMs = await storedEnd();
      batch = cycleBatch(cycle, { cluster, demo, fromMs: Math.max(lastEndMs ?? Number.NEGATIVE_INFINITY, earliest), ...pricing });
      if (!(batch.endMs > batch.startMs)) return;
      await store.record(batch);
    }
    lastEndMs = batch.endMs;
    recorded += 1;
  };

  return {
    hook: { component: 'store', handle },
    status() {
      const state = backfilling && progress && progress.doneCycles < progress.totalCycles ? 'backfilling' : recorded > 0 ? 'recording' : 'idle';
      return { state, backfill: progress ? { ...progress } : undefined, recordedCycles: recorded, lastRecordedMs: lastEndMs };
    },
    async backfilled() {
      await backfilling;
    },
    async stop() {
      stopped = true;
      await backfilling;
    },
  };
}
