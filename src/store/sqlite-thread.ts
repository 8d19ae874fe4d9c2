// The SQLite store off the main thread: node:sqlite is synchronous, so a 30-day query or a
// maintenance chunk run on the main thread would hold up /metrics scrapes and the cycle for as
// long as it takes. Here one worker_threads worker owns the database connection (WAL journal:
// other processes, `kubectl cost` or a second exporter, still read the file meanwhile) and runs
// the store of sqlite.ts; the main thread gets the same HistoryStore port, each call a message.
// The main thread's part of a call is copying the batch or the answer (structured clone).
//
// The worker is this same module, started with a marker in its workerData: that also holds in
// the image, where everything is one bundled file (import.meta.url is then the bundle; the CLI's
// entry runs main() on the main thread only).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { InputError } from '../core/errors.ts';
import type { SqliteStoreOptions } from './sqlite.ts';
import { createSqliteStore } from './sqlite.ts';
import type { HistoryStore } from './types.ts';
import { CycleOverlapError, InvalidCycleError, StoreError } from './validate.ts';

const MARK = 'kube-cost-exporter sqlite store';

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

/** The worker side: opens the store, answers each call in order of arrival. */
function serve(options: SqliteThreadOptions): void {
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

if (!isMainThread && (workerData as { [MARK]?: SqliteThreadOptions } | null)?.[MARK] !== undefined) {
  serve((workerData as Record<typeof MARK, SqliteThreadOptions>)[MARK]);
}

/**
 * Opens the SQLite store in a worker thread. Resolves once the database is open and migrated
 * (rejects with the same StoreError the store would throw); every call of the port is then
 * answered by the worker. close() ends the worker.
 */
export function createSqliteStoreInWorker(options: SqliteThreadOptions): Promise<HistoryStore> {
  const description = `sqlite ${options.path}`;
  const worker = new Worker(new URL(import.meta.url), { workerData: { [MARK]: options } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  // Parts of answers still arriving, by call id.
  const parts = new Map<number, unknown[]>();
  let next = 1;
  let stopped: Error | undefined;
  // The worker keeps the process alive only while a call waits for its answer.
  worker.unref();
  const settle = (id: number): { resolve(value: unknown): void; reject(err: Error): void } | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  };
  const fail = (err: Error): void => {
    stopped ??= err;
    for (const id of [...pending.keys()]) settle(id)?.reject(err);
  };
  worker.on('message', (reply: Reply) => {
    if ('part' in reply) {
      const got = parts.get(reply.id) ?? [];
      for (const set of reply.part) got.push(set);
      parts.set(reply.id, got);
      return;
    }
    const p = settle(reply.id);
    if (!p) return;
    if ('error' in reply) p.reject(revive(reply.error));
    else if ('parts' in reply) p.resolve(parts.get(reply.id) ?? []);
    else p.resolve(reply.value);
    parts.delete(reply.id);
  });
  worker.on('error', (err) => fail(new StoreError(description, `the store's worker thread failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => fail(new StoreError(description, `the store's worker thread stopped (exit code ${code})`)));

  const call = <T>(method: string, args: readonly unknown[]): Promise<T> => {
    if (stopped) return Promise.reject(stopped);
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args } satisfies Call);
    });
  };

  /** The port on this side: each of the worker store's methods, as a call; close() also ends the thread. */
  const proxy = (ready: Ready): HistoryStore => {
    const out: Record<string, unknown> = { kind: 'sqlite', description: ready.description };
    for (const name of ready.methods) out[name] = (...args: unknown[]) => call(name, args);
    out['close'] = async () => {
      if (stopped) return;
      await call('close', []);
      stopped = new StoreError(description, 'the store is closed');
      await worker.terminate();
    };
    return out as unknown as HistoryStore;
  };

  // The first message says whether the database opened.
  return new Promise<HistoryStore>((resolve, reject) => {
    worker.ref();
    pending.set(0, {
      resolve: (ready) => resolve(proxy(ready as Ready)),
      reject: (err) => {
        void worker.terminate();
        reject(err);
      },
    });
  });
}
