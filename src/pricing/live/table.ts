// The in-memory price table the layered price book reads, and its cache file. A price fetched by
// this process within its TTL answers as `live`; one past its TTL, or read from the cache file,
// answers as `cache` (still used, never dropped: a stale price beats no price). Persisting the
// table (and when each refresh task last succeeded) means a restart does not refetch.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LiveKind, LiveProvider, LiveRow } from './types.ts';
import { LIVE_KINDS, positivePrice, TTL_MS } from './types.ts';

export interface TablePrice {
  readonly usd: number;
  readonly source: 'live' | 'cache';
  readonly fetchedAtMs: number;
}

interface Entry {
  usd: number;
  fetchedAtMs: number;
  fromFile: boolean;
}

const CACHE_FORMAT = 1;

export interface TaskState {
  /** When the task last succeeded (ms since the epoch). */
  readonly okAtMs: number;
  /** AWS: the offer file version the rows came from. */
  readonly version?: string;
  /** What the task was asked for (instance types, sizes), so a restart knows whether it covers today's demand. */
  readonly wants?: string;
}

export class PriceTable {
  private readonly entries = new Map<string, Entry>();
  readonly tasks = new Map<string, TaskState>();

  get size(): number {
    return this.entries.size;
  }

  put(rows: readonly LiveRow[], nowMs: number): void {
    for (const r of rows) this.entries.set(`${r.kind}|${r.key}`, { usd: r.usd, fetchedAtMs: nowMs, fromFile: false });
  }

  /** Marks the rows of `kinds` under `keyPrefix` as fetched now (the source says nothing changed). */
  restamp(kinds: readonly LiveKind[], keyPrefix: string, nowMs: number): number {
    let n = 0;
    for (const [k, e] of this.entries) {
      const bar = k.indexOf('|');
      if (kinds.includes(k.slice(0, bar) as LiveKind) && k.startsWith(keyPrefix, bar + 1)) {
        e.fetchedAtMs = nowMs;
        e.fromFile = false;
        n++;
      }
    }
    return n;
  }

  get(kind: LiveKind, key: string, nowMs: number): TablePrice | undefined {
    const e = this.entries.get(`${kind}|${key}`);
    if (!e) return undefined;
    const fresh = !e.fromFile && nowMs - e.fetchedAtMs <= TTL_MS[kind];
    return { usd: e.usd, source: fresh ? 'live' : 'cache', fetchedAtMs: e.fetchedAtMs };
  }

  /** Entries by provider, kind and source (`kube_cost_pricing_source`). */
  countBySource(nowMs: number): Map<string, { provider: string; kind: LiveKind; source: 'live' | 'cache'; count: number }> {
    const out = new Map<string, { provider: string; kind: LiveKind; source: 'live' | 'cache'; count: number }>();
    for (const [k, e] of this.entries) {
      const [kind, provider] = k.split('|') as [LiveKind, string];
      const source = !e.fromFile && nowMs - e.fetchedAtMs <= TTL_MS[kind] ? 'live' : 'cache';
      const id = `${provider}|${kind}|${source}`;
      const c = out.get(id) ?? { provider, kind, source, count: 0 };
      c.count += 1;
      out.set(id, c);
    }
    return out;
  }

  /** Newest successful task of a provider (for the staleness gauge). */
  lastOkMs(provider: LiveProvider): number | undefined {
    let best: number | undefined;
    for (const [id, t] of this.tasks) if (id.startsWith(`${provider}|`) && (best === undefined || t.okAtMs > best)) best = t.okAtMs;
    return best;
  }

  toJSON(): unknown {
    return {
      format: CACHE_FORMAT,
      note: 'kube-cost-exporter live price cache; safe to delete (prices are refetched)',
      tasks: Object.fromEntries(this.tasks),
      prices: [...this.entries].map(([k, e]) => [k, e.usd, e.fetchedAtMs]),
    };
  }

  /** Loads a cache document; malformed entries are skipped and counted, never fatal. */
  load(doc: unknown): { loaded: number; skipped: number } {
    const d = doc as { format?: unknown; tasks?: unknown; prices?: unknown } | null;
    if (typeof d !== 'object' || d === null || d.format !== CACHE_FORMAT || !Array.isArray(d.prices)) throw new Error(`not a price cache of format ${CACHE_FORMAT}`);
    let loaded = 0;
    let skipped = 0;
    for (const item of d.prices as unknown[]) {
      const [k, usd, at] = Array.isArray(item) ? item : [];
      const price = positivePrice(usd);
      const kind = typeof k === 'string' ? k.slice(0, k.indexOf('|')) : '';
      if (typeof k !== 'string' || price === undefined || typeof at !== 'number' || !(LIVE_KINDS as readonly string[]).includes(kind)) {
        skipped++;
        continue;
      }
      this.entries.set(k, { usd: price, fetchedAtMs: at, fromFile: true });
      loaded++;
    }
    if (typeof d.tasks === 'object' && d.tasks !== null) {
      for (const [id, t] of Object.entries(d.tasks as Record<string, { okAtMs?: unknown; version?: unknown; wants?: unknown }>)) {
        if (typeof t?.okAtMs === 'number') {
          this.tasks.set(id, { okAtMs: t.okAtMs, ...(typeof t.version === 'string' ? { version: t.version } : {}), ...(typeof t.wants === 'string' ? { wants: t.wants } : {}) });
        }
      }
    }
    return { loaded, skipped };
  }
}

/** Reads the cache file into the table; a missing file is an empty cache, a bad one is reported. */
export function loadCacheFile(table: PriceTable, path: string): { loaded: number; skipped: number; error?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { loaded: 0, skipped: 0 } : { loaded: 0, skipped: 0, error: `cannot read ${path}: ${code ?? String(err)}` };
  }
  try {
    return table.load(JSON.parse(text));
  } catch (err) {
    return { loaded: 0, skipped: 0, error: `${path}: ${(err as Error).message}; starting with an empty cache` };
  }
}

/** Writes the table atomically (a temporary file renamed over the old one). */
export function saveCacheFile(table: PriceTable, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(table.toJSON()));
  renameSync(tmp, path);
}
