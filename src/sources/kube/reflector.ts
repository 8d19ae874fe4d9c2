// One resource's informer: list (in pages), then watch from the list's resourceVersion, for ever.
// The shell around cache.ts's transitions. What real API servers do, and what we do about it:
//
//   the watch ends (timeoutSeconds ran out)   → watch again from the last resourceVersion seen
//   BOOKMARK                                  → remember its resourceVersion (nothing else changes)
//   the connection drops, 5xx, 429            → back off (exponential, jittered, Retry-After), watch again
//   ERROR 410 / HTTP 410 (history compacted)  → list again; objects missing from the new list were
//                                               deleted while we were away, and are removed
//   a continue token expires during a list    → start the list again
//
// The clock, the sleep and the randomness are parameters; the backoff and the decision after each
// watch are pure functions (`backoffDelayMs`, `nextStep`) tested on their own.
import type { CacheEntry, Change, ObjectCache } from './cache.ts';
import { addOrUpdateObject, deleteObject, replaceObjects } from './cache.ts';
import type { CachedValues } from './convert.ts';
import { convertObject, objectKey } from './convert.ts';
import { KubeApiError } from './errors.ts';
import type { WatchedResource, WatchedResourceName } from './resources.ts';
import type { KubeTransport } from './transport.ts';
import type { ApiStatus } from './watch-protocol.ts';
import { isExpired, parseListPage, parseWatchLine } from './watch-protocol.ts';

/** The part of the exporter's Logger this module uses. */
export interface KubeLogger {
  debug(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const SILENT_LOGGER: KubeLogger = { debug() {}, info() {}, warn() {} };

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /** The delay is multiplied by 1 + jitter × random (client-go uses 1.0 for watches). */
  readonly jitter?: number;
}

/** Delay before attempt number `failures` + 1; at least `Retry-After` when the server gave one. */
export function backoffDelayMs(failures: number, random: number, options: BackoffOptions = {}, retryAfterSeconds?: number): number {
  const { initialMs = 800, maxMs = 30_000, factor = 2, jitter = 0.5 } = options;
  if (failures <= 0) return 0;
  const base = Math.min(maxMs, initialMs * factor ** (failures - 1));
  const delay = Math.min(maxMs, base * (1 + jitter * random));
  return retryAfterSeconds === undefined ? delay : Math.max(delay, Math.min(retryAfterSeconds * 1000, 5 * maxMs));
}

export type WatchOutcome =
  | { readonly kind: 'ended'; readonly durationMs: number; readonly events: number }
  | { readonly kind: 'expired'; readonly events: number }
  | { readonly kind: 'failed'; readonly error: unknown; readonly events: number };

export interface Step {
  /** List again before the next watch. */
  readonly relist: boolean;
  /** Consecutive failures so far (drives the backoff). */
  readonly failures: number;
  readonly backoff: boolean;
}

/** How often an optional resource that RBAC refuses is asked for again. */
export const FORBIDDEN_RETRY_MS = 5 * 60_000;

/** Watches shorter than this that delivered nothing are treated as failures (no hot loop). */
export const MIN_HEALTHY_WATCH_MS = 1000;

/** What to do after a watch ended, given how many attempts failed in a row before it. */
export function nextStep(outcome: WatchOutcome, failures: number): Step {
  switch (outcome.kind) {
    case 'ended':
      return outcome.events > 0 || outcome.durationMs >= MIN_HEALTHY_WATCH_MS ? { relist: false, failures: 0, backoff: false } : { relist: false, failures: failures + 1, backoff: true };
    case 'expired':
      // Relist at once; a second expiry in a row with nothing in between backs off.
      return outcome.events > 0 || failures === 0 ? { relist: true, failures: outcome.events > 0 ? 0 : 1, backoff: false } : { relist: true, failures: failures + 1, backoff: true };
    case 'failed': {
      const err = outcome.error;
      if (err instanceof KubeApiError && isExpired(err)) return { relist: true, failures: 0, backoff: false };
      return { relist: false, failures: outcome.events > 0 ? 1 : failures + 1, backoff: true };
    }
  }
}

export interface ReflectorStatus {
  readonly resource: WatchedResourceName;
  /** A full list has completed at least once. */
  readonly synced: boolean;
  /** The last request succeeded (a list page, or a watch that opened). */
  readonly connected: boolean;
  /** Since when requests fail, when they do. */
  readonly failingSinceMs: number | undefined;
  readonly resourceVersion: string;
  readonly objects: number;
  /** Objects not cached because the resource has reached `maxObjects` (since the last full list). */
  readonly overLimit: number;
  /** Full lists (the first one and re-lists). */
  readonly lists: number;
  /** Re-lists forced by 410 (history compacted while we were away or behind). */
  readonly expiredRelists: number;
  readonly watches: number;
  readonly events: number;
  readonly bookmarks: number;
  readonly consecutiveFailures: number;
  readonly lastError: string | undefined;
  /** An optional resource RBAC refuses (403): collection goes on without it. */
  readonly forbidden: boolean;
}

export interface ReflectorOptions<R extends WatchedResourceName> {
  readonly resource: WatchedResource & { readonly name: R };
  readonly transport: KubeTransport;
  readonly cache: ObjectCache<CachedValues[R]>;
  /** Called for each change of the cache, after it is applied. */
  readonly onChange?: (change: Change<CachedValues[R]>) => void;
  /** Items per list page (`limit`). */
  readonly pageSize?: number;
  /**
   * Most objects kept for this resource (`--max-objects`); past it, new objects are not cached (and so
   * not costed) and counted in `status().overLimit`. Undefined or 0: no limit.
   */
  readonly maxObjects?: number;
  /** Asked of the server per watch; jittered up to twice this, as client-go does (default 140). */
  readonly watchTimeoutSeconds?: number;
  /** Per list page. */
  readonly requestTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly logger?: KubeLogger;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

class ExpiredWatch extends Error {
  readonly status: ApiStatus;
  constructor(status: ApiStatus) {
    super(status.message);
    this.status = status;
  }
}

/**
 * The server ends every watch within 140–280 s. client-go asks 5–10 minutes, but the HTTP client
 * under @kubernetes/client-node (undici) gives up on a response body that stays silent for 300 s
 * (its bodyTimeout): a watch on objects that rarely change (namespaces, storage classes) with no
 * BOOKMARK in between would then fail as if the API server had gone. Found by the soak test
 * (bench/soak.ts): after 5 minutes every quiet watch timed out at once.
 */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 140;

export class Reflector<R extends WatchedResourceName> {
  private readonly options: ReflectorOptions<R>;
  private readonly cache: ObjectCache<CachedValues[R]>;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private syncWaiters: (() => void)[] = [];
  private rv = '';
  private synced = false;
  private connected = false;
  private failingSinceMs: number | undefined;
  private failures = 0;
  private overLimit = 0;
  private lists = 0;
  private expiredRelists = 0;
  private watches = 0;
  private events = 0;
  private bookmarks = 0;
  private lastError: string | undefined;
  private forbidden = false;

  constructor(options: ReflectorOptions<R>) {
    this.options = options;
    this.cache = options.cache;
  }

  get name(): R {
    return this.options.resource.name;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error('stopped'));
    await this.loop;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /** Resolves true once synced, false after `timeoutMs` (or when stopped). */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.synced), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.synced);
      });
    });
  }

  status(): ReflectorStatus {
    return {
      resource: this.name,
      synced: this.synced,
      connected: this.connected,
      failingSinceMs: this.failingSinceMs,
      resourceVersion: this.rv,
      objects: this.cache.size,
      overLimit: this.overLimit,
      lists: this.lists,
      expiredRelists: this.expiredRelists,
      watches: this.watches,
      events: this.events,
      bookmarks: this.bookmarks,
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      forbidden: this.forbidden,
    };
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  private succeeded(): void {
    this.connected = true;
    this.failingSinceMs = undefined;
    this.lastError = undefined;
  }

  private failed(err: unknown): void {
    this.connected = false;
    this.failingSinceMs ??= this.now;
    this.lastError = err instanceof Error ? err.message : String(err);
  }

  /** The cached value of a key, so a new version can share what did not change. */
  private readonly previousOf = (key: string): CachedValues[R] | undefined => this.cache.get(key)?.value;

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private async run(): Promise<void> {
    const { sleep = abortableSleep, random = Math.random, backoff = {}, logger = SILENT_LOGGER } = this.options;
    const signal = this.abort.signal;
    let relist = true;
    while (!signal.aborted) {
      let outcome: WatchOutcome;
      if (relist) {
        try {
          await this.list(signal);
          relist = false;
          this.failures = 0;
        } catch (err) {
          if (signal.aborted) break;
          if (this.options.resource.optional && err instanceof KubeApiError && err.statusCode === 403) {
            // Not needed for costs: go on without it (synced, empty) and ask again later.
            if (!this.forbidden) logger.warn('not allowed to list an optional resource; going on without it', { resource: this.name, error: err.message });
            this.forbidden = true;
            this.lastError = err.message;
            this.markSynced();
            await sleep(FORBIDDEN_RETRY_MS, signal);
            continue;
          }
          this.failed(err);
          this.failures++;
          const retryAfter = err instanceof KubeApiError ? err.retryAfterSeconds : undefined;
          const delay = backoffDelayMs(this.failures, random(), backoff, retryAfter);
          // The first failure in a row is a warning; the retries of an outage are debug lines.
          (this.failures <= 1 ? logger.warn : logger.debug).call(logger, 'listing failed; retrying', { resource: this.name, error: this.lastError, retryInMs: Math.round(delay), failures: this.failures });
          await sleep(delay, signal);
          continue;
        }
      }
      if (signal.aborted) break;
      outcome = await this.watchOnce(signal);
      if (signal.aborted) break;
      const step = nextStep(outcome, this.failures);
      this.failures = step.failures;
      relist = step.relist;
      if (outcome.kind === 'expired' || (outcome.kind === 'failed' && step.relist)) {
        this.expiredRelists++;
        logger.info('watch history expired (410); listing again', { resource: this.name, resourceVersion: this.rv });
      } else if (outcome.kind === 'failed') {
        this.failed(outcome.error);
        (this.failures <= 1 ? logger.warn : logger.debug).call(logger, 'watch failed; reconnecting', { resource: this.name, error: this.lastError, failures: this.failures });
      }
      if (step.backoff) {
        const retryAfter = outcome.kind === 'failed' && outcome.error instanceof KubeApiError ? outcome.error.retryAfterSeconds : undefined;
        await sleep(backoffDelayMs(step.failures, random(), backoff, retryAfter), signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const { resource, transport, pageSize = 500, requestTimeoutMs = 60_000 } = this.options;
    const origin = `list ${resource.path}`;
    for (let attempt = 0; ; attempt++) {
      const entries = new Map<string, CacheEntry<CachedValues[R]>>();
      const max = this.options.maxObjects ?? 0;
      let overLimit = 0;
      let token = '';
      let rv = '';
      try {
        do {
          const query: Record<string, string> = { limit: String(pageSize) };
          if (token !== '') query['continue'] = token;
          const page = parseListPage(await transport.get(resource.path, query, { signal, timeoutMs: requestTimeoutMs }), origin);
          this.succeeded();
          for (const item of page.items) {
            if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
            const converted = convertObject(resource, item as Record<string, unknown>, origin, this.previousOf);
            if (converted === undefined) continue;
            if (max > 0 && entries.size >= max && !entries.has(converted.key)) {
              overLimit++;
              continue;
            }
            entries.set(converted.key, converted.entry);
          }
          token = page.continueToken;
          rv = page.resourceVersion;
        } while (token !== '');
      } catch (err) {
        // A continue token compacted away mid-list: list again from the start.
        if (err instanceof KubeApiError && isExpired(err) && token !== '' && attempt < 3) {
          this.options.logger?.info('list continue token expired; listing again from the start', { resource: resource.name });
          continue;
        }
        throw err;
      }
      if (overLimit > 0 && this.overLimit === 0) this.options.logger?.warn(`more ${resource.name} than --max-objects: ${overLimit} not read (not costed)`, { resource: resource.name, maxObjects: max });
      this.overLimit = overLimit;
      const changes = replaceObjects(this.cache, entries);
      const onChange = this.options.onChange;
      if (onChange) for (const c of changes) onChange(c);
      this.rv = rv;
      this.lists++;
      this.forbidden = false;
      this.markSynced();
      return;
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const { resource, transport, watchTimeoutSeconds = DEFAULT_WATCH_TIMEOUT_SECONDS, random = Math.random, onChange } = this.options;
    const timeoutSeconds = Math.round(watchTimeoutSeconds * (1 + random()));
    const idleTimeoutMs = (timeoutSeconds + 60) * 1000;
    const origin = `watch ${resource.path}`;
    const started = this.now;
    let events = 0;
    this.watches++;
    try {
      await transport.watch(
        resource.path,
        { resourceVersion: this.rv, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) },
        {
          onOpen: () => this.succeeded(),
          onLine: (line) => {
            const event = parseWatchLine(line, resource.name);
            if (event.type === 'ERROR') {
              if (isExpired(event.status)) throw new ExpiredWatch(event.status);
              throw new KubeApiError(origin, event.status.code, event.status.reason, event.status.message);
            }
            // A stream that delivers is healthy again: the backoff starts over.
            if (events++ === 0) this.failures = 0;
            this.rv = event.resourceVersion === '' ? this.rv : event.resourceVersion;
            if (event.type === 'BOOKMARK') {
              this.bookmarks++;
              return;
            }
            this.events++;
            let change: Change<CachedValues[R]> | undefined;
            if (event.type === 'DELETED') {
              const key = objectKey(event.object, resource.namespaced);
              change = key === undefined ? undefined : deleteObject(this.cache, key);
            } else {
              const converted = convertObject(resource, event.object, origin, this.previousOf);
              const max = this.options.maxObjects ?? 0;
              if (converted !== undefined && max > 0 && this.cache.size >= max && !this.cache.has(converted.key)) {
                if (this.overLimit++ === 0) this.options.logger?.warn(`more ${resource.name} than --max-objects: new ones are not read (not costed)`, { resource: resource.name, maxObjects: max });
                return;
              }
              change = converted === undefined ? undefined : addOrUpdateObject(this.cache, converted.key, converted.entry);
            }
            if (change && onChange) onChange(change);
          },
        },
        { signal, idleTimeoutMs },
      );
      return { kind: 'ended', durationMs: this.now - started, events };
    } catch (err) {
      if (err instanceof ExpiredWatch) return { kind: 'expired', events };
      return { kind: 'failed', error: err, events };
    }
  }
}
