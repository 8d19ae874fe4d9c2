// The SQLite store's worker thread (sqlite-thread.ts starts it): opens the store with the options
// in its workerData and answers the main thread's calls. An entry of its own, so that the worker
// loads the store's modules only, not the exporter's.
import { isMainThread, workerData } from 'node:worker_threads';
import type { SqliteThreadOptions } from './sqlite-thread.ts';
import { serve } from './sqlite-thread.ts';

if (!isMainThread) serve(workerData as SqliteThreadOptions);
