// After each cost cycle, one full, memory-reducing garbage collection. A cycle leaves behind the
// previous report, its intermediate rows and the render's buffers: tens of MiB at 10,000 pods
// that V8 keeps committed (old-space pages, pooled pages, a grown young generation) until its own
// heuristics decide, which at a 60 s interval is often never before the next cycle. V8's
// memory-reducing collection (the "last resort" flavour of the collector `--expose-gc` installs)
// compacts the heap and returns the freed pages: at M, RSS between cycles ~103–110 instead of
// ~131–147 MiB, for ~80 ms of the main thread once per cycle (docs/benchmarks.md, decision 0030).
// Without `--expose-gc` (the image and `npm start` set it) V8 is left to decide, and one line says so.
import type { CycleHook } from './exporter.ts';
import type { ExpositionFormat } from './exposition.ts';
import { ExpositionWriter } from './exposition.ts';
import type { Logger } from './log.ts';
import { DurationHistogram } from './self-metrics.ts';

/** The collector V8 installs as `gc` with `--expose-gc`, with the options this module uses. */
export type ExposedGc = (options: { readonly type: 'major'; readonly flavor: 'last-resort' }) => void;

/** `globalThis.gc` when node runs with `--expose-gc`. */
export function exposedGc(): ExposedGc | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as ExposedGc) : undefined;
}

export interface MemoryReclaimOptions {
  readonly gc: ExposedGc;
  readonly logger: Logger;
  /** How long after the cycle's hooks to collect (the hooks' own work settles first). */
  readonly delayMs?: number;
  /**
   * The least time between two collections (default 30 s): with short intervals (`--interval 1s`)
   * the collection runs every 30 s, not after every cycle (~80 ms each at 10,000 pods).
   */
  readonly minGapMs?: number;
  /** Resident memory in bytes (process.memoryUsage.rss), for the debug line. */
  readonly rssBytes?: () => number;
  /** Called after each collection (the exporter's refreshMetrics: its histogram and process memory change). */
  readonly onCollected?: () => void;
}

export interface MemoryReclaim {
  /** Put last in the exporter's onCycle hooks. */
  readonly hook: CycleHook;
  /** Cancels a collection not yet run (the exporter is stopping). */
  readonly close: () => void;
  /** `kube_cost_memory_reclaim_duration_seconds`: one of the exporter's extraMetrics producers. */
  readonly render: (format: ExpositionFormat, baseLabels?: string) => string;
}

const MIB = 2 ** 20;

export function memoryReclaim(options: MemoryReclaimOptions): MemoryReclaim {
  const { gc, logger, delayMs = 1000, minGapMs = 30_000, rssBytes = () => process.memoryUsage.rss(), onCollected } = options;
  let timer: NodeJS.Timeout | undefined;
  /** When the last collection started (performance.now()); none yet: -Infinity. */
  let lastMs = Number.NEGATIVE_INFINITY;
  const durations = new DurationHistogram();
  const collect = (): void => {
    timer = undefined;
    const before = rssBytes();
    const started = performance.now();
    lastMs = started;
    try {
      gc({ type: 'major', flavor: 'last-resort' });
    } catch (err) {
      logger.warn('the garbage collection after the cost cycle failed; memory is left to V8', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    durations.observe(seconds);
    logger.debug('memory returned after the cost cycle', {
      ms: Number((seconds * 1000).toFixed(1)),
      rssBeforeMiB: Math.round(before / MIB),
      rssAfterMiB: Math.round(rssBytes() / MIB),
    });
    onCollected?.();
  };
  return {
    hook: {
      component: 'memory',
      handle: () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(collect, Math.max(delayMs, lastMs + minGapMs - performance.now()));
        timer.unref();
      },
    },
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    render: (format, baseLabels = '') => {
      const w = new ExpositionWriter(format, baseLabels);
      w.family('kube_cost_memory_reclaim_duration_seconds', 'histogram', 'Time the main thread spent in the memory-reducing garbage collection after each cost cycle (--reclaim-memory); scrapes arriving meanwhile wait.', 'seconds');
      durations.write(w);
      return w.toString();
    },
  };
}
