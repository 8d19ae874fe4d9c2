// After each cost cycle, one full, memory-reducing garbage collection. A cycle leaves behind the
// previous report, its intermediate rows and the render's buffers: tens of MiB at 10,000 pods
// that V8 keeps committed (old-space pages, pooled pages, a grown young generation) until its own
// heuristics decide, which at a 60 s interval is often never before the next cycle. V8's
// memory-reducing collection (the "last resort" flavour of the collector `--expose-gc` installs)
// compacts the heap and returns the freed pages: at M, RSS between cycles ~103–110 instead of
// ~131–147 MiB, for ~80 ms of the main thread once per cycle (docs/benchmarks.md, decision 0030).
// Without `--expose-gc` (the image and `npm start` set it) V8 is left to decide, and one line says so.
import type { CycleHook } from './exporter.ts';
import type { Logger } from './log.ts';

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
  /** Resident memory in bytes (process.memoryUsage.rss), for the debug line. */
  readonly rssBytes?: () => number;
}

export interface MemoryReclaim {
  /** Put last in the exporter's onCycle hooks. */
  readonly hook: CycleHook;
  /** Cancels a collection not yet run (the exporter is stopping). */
  readonly close: () => void;
}

const MIB = 2 ** 20;

export function memoryReclaim(options: MemoryReclaimOptions): MemoryReclaim {
  const { gc, logger, delayMs = 1000, rssBytes = () => process.memoryUsage.rss() } = options;
  let timer: NodeJS.Timeout | undefined;
  const collect = (): void => {
    timer = undefined;
    const before = rssBytes();
    const started = performance.now();
    try {
      gc({ type: 'major', flavor: 'last-resort' });
    } catch (err) {
      logger.warn('the garbage collection after the cost cycle failed; memory is left to V8', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    logger.debug('memory returned after the cost cycle', {
      ms: Number((performance.now() - started).toFixed(1)),
      rssBeforeMiB: Math.round(before / MIB),
      rssAfterMiB: Math.round(rssBytes() / MIB),
    });
  };
  return {
    hook: {
      component: 'memory',
      handle: () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(collect, delayMs);
        timer.unref();
      },
    },
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
