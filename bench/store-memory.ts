// Memory of the history store at 10,000 pods (KCE_BENCH_PODS: bench/store.ts), in a process of its own: the store opened as the
// exporter opens it (`memory`, or SQLite in its worker thread on a fresh temporary file), a cycle
// of the synthetic cluster of bench/store.ts recorded every `--every-ms` (60-second cycles of
// simulated time), maintenance every 5 cycles as the exporter does every 5 minutes at 60 s cycles.
// RSS (anonymous + files) is sampled after every cycle; the figures are the median and largest of
// the second half (the first half fills caches) and the growth over the process before the store.
// Run: node --expose-gc bench/store-memory.ts [--store sqlite|memory] [--cycles 40] [--every-ms 250]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '../src/store/memory.ts';
import { createSqliteStoreInWorker } from '../src/store/sqlite-thread.ts';
import type { HistoryStore } from '../src/store/types.ts';
import { median, residentMiB } from './stats.ts';
import { PODS, template } from './store.ts';

const args = process.argv.slice(2);
const argValue = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
};

export interface StoreMemory {
  readonly store: string;
  readonly cycles: number;
  /** RSS before the store opened (the batch template built), MiB. */
  readonly baseMiB: number;
  readonly medianMiB: number;
  readonly maxMiB: number;
  readonly anonMedianMiB: number;
  readonly recordMedianMs: number;
  readonly load: string;
}

export async function storeMemory(kind: 'sqlite' | 'memory', cycles: number, everyMs: number): Promise<StoreMemory> {
  const cycle = template();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = residentMiB();
  const dir = mkdtempSync(join(tmpdir(), 'kce-store-memory-'));
  let store: HistoryStore | undefined;
  try {
    store = kind === 'memory' ? createMemoryStore({}) : await createSqliteStoreInWorker({ path: join(dir, 'history.db') });
    const t0 = Date.UTC(2026, 10, 1);
    const samples: { rss: number; anon: number }[] = [];
    const writes: number[] = [];
    for (let i = 0; i < cycles; i++) {
      const batch = cycle.at(t0 + i * 60_000, t0 + (i + 1) * 60_000);
      const started = performance.now();
      await store.record(batch);
      writes.push(performance.now() - started);
      if ((i + 1) % 5 === 0) await store.maintain(t0 + (i + 1) * 60_000);
      await new Promise((r) => setTimeout(r, everyMs));
      samples.push(residentMiB());
    }
    const late = samples.slice(Math.floor(samples.length / 2));
    return {
      store: kind,
      cycles,
      baseMiB: base.rss,
      medianMiB: median(late.map((s) => s.rss)),
      maxMiB: Math.max(...late.map((s) => s.rss)),
      anonMedianMiB: median(late.map((s) => s.anon)),
      recordMedianMs: median(writes),
      load: loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    };
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const kind = (argValue('--store') ?? 'sqlite') as 'sqlite' | 'memory';
  const r = await storeMemory(kind, Number(argValue('--cycles') ?? 40), Number(argValue('--every-ms') ?? 250));
  console.log(
    `store ${r.store}, ${r.cycles} cycles of ${PODS.toLocaleString('en')} pods on a fresh file: RSS before the store ${r.baseMiB.toFixed(0)} MiB; second half median ${r.medianMiB.toFixed(0)} MiB (anonymous ${r.anonMedianMiB.toFixed(0)}), largest ${r.maxMiB.toFixed(0)} MiB; store's share (median − before) ${(r.medianMiB - r.baseMiB).toFixed(0)} MiB; record() median ${r.recordMedianMs.toFixed(1)} ms | load average ${r.load}`,
  );
}
