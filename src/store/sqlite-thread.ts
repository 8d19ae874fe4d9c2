// The SQLite store off the main thread: node:sqlite is synchronous, so a 30-day query or a
// maintenance chunk run on the main thread would hold up /metrics scrapes and the cycle for as
// long as it takes. Here one worker_threads worker owns the database connection (WAL journal:
// other processes, `kubectl cost` or a second exporter, still read the file meanwhile) and runs
// the store of sqlite.ts; the main thread gets the same HistoryStore port, each call a message.
// The main thread's part of a call is copying the batch or the answer (structured clone).
//
// The worker runs sqlite-worker.ts, a small entry of its own (in the image, its own small bundle
// next to the exporter's): a worker that loaded the exporter's whole module graph (the image's
// 12 MB bundle) kept it all in its own V8 heap (docs/benchmarks.md, "Fifth round").
import { parentPort, Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.ts';
import type { SqliteStoreOptions } from './sqlite.ts';
import { createSqliteStore } from './sqlite.ts';
import type { CycleBatch, HistoryStore } from './types.ts';
import { createPacker, packedBuffers } from './packed.ts';
import { CycleOverlapError, InvalidCycleError, StoreError } from './validate.ts';

/**
 * The worker's entry, `../store/sqlite-worker.{ts,js}` from this module: the same file from
 * src/store (TypeScript), dist/store (compiled) and dist/cli (the image's bundle, whose
 * import.meta.url is dist/cli/kube-cost-exporter.js; deploy/docker/bundle.mjs writes the worker's
 * bundle to dist/store/sqlite-worker.js).
 */
export const WORKER_ENTRY = new URL(`../store/sqlite-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** What the worker needs: the store's options without functions (they do not cross threads). */
export type SqliteThreadOptions = Omit<SqliteStoreOptions, 'yieldNow'>;

interface Call {
  readonly id: number;
  /** A method of the port (the worker's store says which it has when it opens). */
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The first message: the database is open, and these are the store's methods. */
interface Ready {
  readonly description: string;
  readonly methods: readonly string[];
}

/** An error as it crosses the thread boundary: its class name, message and own fields. */
interface SentError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  readonly fields: Record<string, string | number>;
}

/**
 * An answer, or a part of one: a query's step sets come in messages of about PART_ROWS rows, so
 * the main thread copies a long answer (168 hourly steps of 10,000 pods) a piece at a time, with
 * scrapes served in between, rather than in one long structured clone.
 */
type Reply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly part: readonly unknown[] }
  | { readonly id: number; readonly parts: true }
  | { readonly id: number; readonly error: SentError };

const PART_ROWS = 20_000;

const isStepSets = (value: unknown): value is readonly { readonly rows: readonly unknown[] }[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && Array.isArray((v as { rows?: unknown }).rows));

function sendable(err: unknown): SentError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), stack: '', fields: {} };
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err)) if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  return { name: err.name, message: err.message, stack: err.stack ?? '', fields };
}

const CLASSES: Readonly<Record<string, { prototype: Error }>> = { StoreError, CycleOverlapError, InvalidCycleError, InputError };

/** The error again on the main thread, of the same class (instanceof works), fields included. */
function revive(sent: SentError): Error {
  const err = Object.create((CLASSES[sent.name] ?? Error).prototype) as Error & Record<string, unknown>;
  Object.defineProperty(err, 'message', { value: sent.message, writable: true, configurable: true });
  Object.assign(err, sent.fields);
  err.name = sent.name;
  err.stack = `${sent.stack}\n    at the SQLite store's worker thread`;
  return err;
}

/** The worker side (sqlite-worker.ts): opens the store, answers each call in order of arrival. */
export function serve(options: SqliteThreadOptions): void {
  const port = parentPort;
  if (!port) return;
  let store: HistoryStore;
  try {
    store = createSqliteStore(options);
  } catch (err) {
    port.postMessage({ id: 0, error: sendable(err) } satisfies Reply);
    return;
  }
  // Every method of the store crosses, whatever the port grows (a method added to the SQLite store
  // is served from the worker without a change here).
  const methods = Object.entries(store).filter(([, v]) => typeof v === 'function');
  const byName = new Map(methods.map(([name, fn]) => [name, fn as (...args: readonly unknown[]) => Promise<unknown>]));
  port.postMessage({ id: 0, value: { description: store.description, methods: [...byName.keys()] } satisfies Ready } satisfies Reply);
  port.on('message', (call: Call) => {
    const run = async (): Promise<unknown> => {
      const fn = byName.get(call.method);
      if (!fn) throw new Error(`internal: the SQLite store has no method ${call.method}`);
      return fn.apply(store, [...call.args]);
    };
    run().then(
      (value) => {
        if (call.method !== 'coverage' && isStepSets(value)) {
          let part: unknown[] = [];
          let rows = 0;
          for (const set of value) {
            part.push(set);
            rows += set.rows.length;
            if (rows >= PART_ROWS) {
              port.postMessage({ id: call.id, part } satisfies Reply);
              part = [];
              rows = 0;
            }
          }
          if (part.length > 0) port.postMessage({ id: call.id, part } satisfies Reply);
          port.postMessage({ id: call.id, parts: true } satisfies Reply);
          return;
        }
        port.postMessage({ id: call.id, value } satisfies Reply);
        if (call.method === 'close') port.close();
      },
      (err: unknown) => port.postMessage({ id: call.id, error: sendable(err) } satisfies Reply),
    );
  });
}

/** What happened to the worker, for a log line (and a count of restarts). */
export type WorkerEvent =
  | { readonly kind: 'crashed'; readonly error: string; readonly restarts: number; readonly retryInMs: number; readonly failedCalls: number }
  | { readonly kind: 'restarted'; readonly restarts: number }
  | { readonly kind: 'restart-failed'; readonly error: string; readonly restarts: number; readonly retryInMs: number };

export interface WorkerOptions {
  /** Told when the worker crashes and when it is running again. */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Wait before the n-th restart attempt in a row (n from 0); default 0.5 s doubling to 30 s. */
  readonly restartDelayMs?: (attempt: number) => number;
  /** A worker that ran this long before it stopped starts again at the shortest wait (default 60 s). */
  readonly stableAfterMs?: number;
  /** Each worker as it starts (tests stop it, or throw in it, to see the store survive). */
  readonly onWorker?: (worker: Worker) => void;
  /**
   * With nothing asked of it for this long, the worker closes the database and ends; the next call
   * starts another (about 140 ms, docs/history.md). Between cycles an exporter then has no second V8 isolate, SQLite
   * page cache or thread: 29 MiB less at 10,000 pods (docs/benchmarks.md, "Fifth round"). Default:
   * never (the worker stays).
   */
  readonly idleStopMs?: number;
}

const defaultRestartDelay = (attempt: number): number => Math.min(30_000, 500 * 2 ** attempt);

/** One running worker: its calls, answers and parts. */
interface Generation {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve(value: unknown): void; reject(err: Error): void }>;
  readonly parts: Map<number, unknown[]>;
  readonly startedMs: number;
  ready: Ready | undefined;
  /** Set once it stopped (crashed, or closed): its calls are rejected with this. */
  down: Error | undefined;
}

/**
 * Opens the SQLite store in a worker thread. Resolves once the database is open and migrated
 * (rejects with the same StoreError the store would throw); every call of the port is then
 * answered by the worker. close() ends the worker.
 *
 * A worker that crashes (an uncaught error, out of memory, stopped) is started again after a wait
 * that doubles from 0.5 s to 30 s while it keeps failing; calls waiting for an answer, and calls
 * made until it runs again, are rejected at once with a StoreError (the recorder then records the
 * missed time with its next cycle, the API answers 500, /metrics is not concerned). The slot
 * tables of packed batches (packed.ts) start again with the new worker. With `idleStopMs`, a worker
 * with nothing to do closes the database and ends, and the next call starts one (not a restart:
 * no wait, no event).
 */
export function createSqliteStoreInWorker(options: SqliteThreadOptions, workerOptions: WorkerOptions = {}): Promise<HistoryStore> {
  const { onEvent, restartDelayMs = defaultRestartDelay, stableAfterMs = 60_000, onWorker, idleStopMs } = workerOptions;
  const description = `sqlite ${options.path}`;
  const packer = createPacker();
  let next = 1;
  let closed = false;
  // close() was called: a worker that stops now is not restarted.
  let closing = false;
  let restarts = 0;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Generation;
  let down: Error | undefined;
  // The worker was stopped for being idle: the next call starts one (`starting` while it does).
  let idle = false;
  let starting: Promise<void> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const start = (): Generation => {
    const worker = new Worker(WORKER_ENTRY, { workerData: options });
    const g: Generation = { worker, pending: new Map(), parts: new Map(), startedMs: performance.now(), ready: undefined, down: undefined };
    // The worker keeps the process alive only while a call waits for its answer.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      if ('part' in reply) {
        const got = g.parts.get(reply.id) ?? [];
        for (const set of reply.part) got.push(set);
        g.parts.set(reply.id, got);
        return;
      }
      const p = settle(g, reply.id);
      const got = g.parts.get(reply.id);
      g.parts.delete(reply.id);
      if (!p) return;
      if ('error' in reply) p.reject(revive(reply.error));
      else if ('parts' in reply) p.resolve(got ?? []);
      else p.resolve(reply.value);
    });
    worker.on('error', (err) => stopped(g, `the store's worker thread failed: ${err.message}`, err));
    worker.on('exit', (code) => stopped(g, `the store's worker thread stopped (exit code ${code})`));
    onWorker?.(worker);
    return g;
  };

  const settle = (g: Generation, id: number): { resolve(value: unknown): void; reject(err: Error): void } | undefined => {
    const p = g.pending.get(id);
    g.pending.delete(id);
    if (g.pending.size === 0) {
      g.worker.unref();
      armIdleStop(g);
    }
    if (id === 0 && p) {
      // The first answer: the database opened (or did not).
      return {
        resolve: (value) => {
          g.ready = value as Ready;
          p.resolve(value);
        },
        reject: p.reject,
      };
    }
    return p;
  };

  /** After idleStopMs with no call, the worker closes the database and ends (not a crash). */
  const armIdleStop = (g: Generation): void => {
    if (idleStopMs === undefined || closing) return;
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (g !== current || g.pending.size > 0 || g.down || g.ready === undefined || closing || idle) return;
      idle = true;
      // Set before it ends: its exit is then not taken for a crash (stopped() returns at once).
      g.down = new StoreError(description, 'internal: the idle worker was asked something');
      // The store's own close() (PRAGMA optimize, then the connection), then the thread ends.
      const end = (): void => void g.worker.terminate();
      const id = next++;
      g.pending.set(id, { resolve: end, reject: end });
      g.worker.postMessage({ id, method: 'close', args: [] } satisfies Call);
    }, idleStopMs);
    idleTimer.unref();
  };

  /** A worker stopped for being idle: start one for the next call (a failure to open is that call's error). */
  const ensureRunning = (): Promise<void> => {
    if (!idle) return Promise.resolve();
    starting ??= (async () => {
      packer.reset();
      const g = start();
      current = g;
      await opened(g);
      idle = false;
    })().finally(() => {
      starting = undefined;
    });
    return starting;
  };

  /** A worker stopped: its calls fail with a StoreError; unless closing, another one is started. */
  const stopped = (g: Generation, why: string, cause?: unknown): void => {
    if (g.down) return;
    const err = new StoreError(description, closing ? 'the store is closed' : why, cause === undefined ? undefined : { cause });
    g.down = err;
    const failed = [...g.pending.keys()];
    for (const id of failed) settle(g, id)?.reject(err);
    void g.worker.terminate();
    if (closing || g !== current || g.ready === undefined) return;
    // It ran: start again. Quickly when it had run long enough, else after a longer wait.
    if (performance.now() - g.startedMs >= stableAfterMs) attempt = 0;
    const wait = restartDelayMs(attempt);
    down = new StoreError(description, `${why}; it is being restarted (in ${wait} ms)`, cause === undefined ? undefined : { cause });
    onEvent?.({ kind: 'crashed', error: why, restarts, retryInMs: wait, failedCalls: failed.filter((id) => id !== 0).length });
    restartAfter(wait);
  };

  const restartAfter = (wait: number): void => {
    timer = setTimeout(() => {
      timer = undefined;
      if (closing) return;
      attempt++;
      restarts++;
      packer.reset();
      const g = start();
      current = g;
      opened(g).then(
        () => {
          down = undefined;
          onEvent?.({ kind: 'restarted', restarts });
        },
        (err: Error) => {
          if (closing) return;
          const again = restartDelayMs(attempt);
          down = new StoreError(description, `the store's worker thread could not be restarted: ${err.message}; trying again in ${again} ms`, { cause: err });
          onEvent?.({ kind: 'restart-failed', error: err.message, restarts, retryInMs: again });
          restartAfter(again);
        },
      );
    }, wait);
    timer.unref();
  };

  /** The first message of a worker: the database is open (or the error why not). */
  const opened = (g: Generation): Promise<Ready> =>
    new Promise<Ready>((resolve, reject) => {
      g.worker.ref();
      g.pending.set(0, {
        resolve: (ready) => resolve(ready as Ready),
        reject: (err) => {
          g.down ??= err;
          void g.worker.terminate();
          reject(err);
        },
      });
    });

  const call = <T>(method: string, args: readonly unknown[], transfer: readonly ArrayBuffer[] = []): Promise<T> => {
    if (closed) return Promise.reject(new StoreError(description, 'the store is closed'));
    if (idle) return ensureRunning().then(() => call<T>(method, args, transfer));
    if (idleTimer) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
    }
    const g = current;
    if (down || g.down || g.ready === undefined) return Promise.reject(down ?? g.down ?? new StoreError(description, "the store's worker thread is starting"));
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      if (g.pending.size === 0) g.worker.ref();
      g.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      g.worker.postMessage({ id, method, args } satisfies Call, transfer);
    });
  };

  /** The port on this side: each of the worker store's methods, as a call; close() also ends the thread. */
  const proxy = (ready: Ready): HistoryStore => {
    const out: Record<string, unknown> = { kind: 'sqlite', description: ready.description };
    for (const name of ready.methods) out[name] = (...args: unknown[]) => call(name, args);
    // A cycle crosses packed (packed.ts): its numbers moved, not copied; names only when new or changed.
    out['record'] = async (batch: CycleBatch) => {
      try {
        // A worker stopped for being idle starts (and the packer with it) before the batch is packed.
        // Only then: awaiting otherwise would post this call after calls made after it (calls are
        // answered in the order they were made).
        if (idle) await ensureRunning();
        // Validated while packed (the typed errors of validate.ts).
        const packed = packer.pack(batch);
        await call('recordPacked', [packed], packedBuffers(packed));
      } catch (err) {
        // The worker may not hold the slots this batch defined: the next batch defines them again.
        packer.reset();
        throw err;
      }
    };
    out['close'] = async () => {
      if (closing) return;
      closing = true;
      const g = current;
      if (timer) clearTimeout(timer);
      if (idleTimer) clearTimeout(idleTimer);
      if (starting) await starting.catch(() => undefined);
      try {
        if (!idle && !down && !g.down && g.ready) await call('close', []);
      } finally {
        closed = true;
        g.down ??= new StoreError(description, 'the store is closed');
        await g.worker.terminate();
      }
    };
    return out as unknown as HistoryStore;
  };

  current = start();
  return opened(current).then(proxy);
}
