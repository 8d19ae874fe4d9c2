// Opens the history store the configuration asks for (`--store`, `--data-dir`, `--retention-*`).
import { join } from 'node:path';
import type { HistoryConfig } from '../cli/config.ts';
import { ConfigError } from '../core/errors.ts';
import { createMemoryStore } from './memory.ts';
import { createSqliteStoreInWorker } from './sqlite-thread.ts';
import type { Logger } from '../server/log.ts';
import type { WorkerEvent } from './sqlite-thread.ts';
import type { HistoryStore } from './types.ts';

/** The SQLite file inside --data-dir. */
export const SQLITE_FILE = 'history.db';

/**
 * How long the SQLite store's worker waits with nothing to do before it ends. Longer than a cycle's
 * record and maintenance (well under a second at 10,000 pods) and the gaps between a UI's queries;
 * shorter than the default 60 s interval, so an exporter spends most of each interval without it.
 */
export const WORKER_IDLE_STOP_MS = 10_000;

/**
 * Opens the configured store. With a logger, a crash of the SQLite store's worker thread is logged
 * (an error line, with the number of restarts so far) and so is its restart.
 */
export async function openStore(config: HistoryConfig, { logger }: { readonly logger?: Logger } = {}): Promise<HistoryStore> {
  switch (config.store) {
    case 'memory':
      return createMemoryStore({ retention: config.retention });
    case 'sqlite':
      // In a worker thread: its queries and maintenance never hold up scrapes (sqlite-thread.ts).
      // A crashed worker is restarted; its calls meanwhile fail with a StoreError (sqlite-thread.ts).
      // Idle for WORKER_IDLE_STOP_MS (between cycles, with no API query), the worker ends and the
      // next call starts one: 29 MiB less at 10,000 pods (decision 0029).
      return await createSqliteStoreInWorker(
        { path: join(config.dataDir, SQLITE_FILE), retention: config.retention },
        { idleStopMs: WORKER_IDLE_STOP_MS, ...(logger ? { onEvent: (event: WorkerEvent) => logWorkerEvent(logger, event) } : {}) },
      );
    case 'postgres': {
      if (config.url === undefined) throw new ConfigError('--store', 'postgres needs a postgres:// URL');
      // Imported only here: SQLite users never load the PostgreSQL client.
      const { createPostgresStore } = await import('./postgres.ts');
      return await createPostgresStore({ url: config.url, retention: config.retention });
    }
  }
}

/** The log line of a worker event: a crash says why and when it restarts; `restarts` counts them. */
export function logWorkerEvent(logger: Logger, event: WorkerEvent): void {
  switch (event.kind) {
    case 'crashed':
      logger.error('the history store stopped; restarting it (history of the meantime is recorded with the next cycle, API queries fail until then)', {
        error: event.error,
        retryInSeconds: event.retryInMs / 1000,
        failedCalls: event.failedCalls,
        restarts: event.restarts,
      });
      return;
    case 'restart-failed':
      logger.error('the history store could not be restarted; trying again', { error: event.error, retryInSeconds: event.retryInMs / 1000, restarts: event.restarts });
      return;
    case 'restarted':
      logger.warn('the history store is running again', { restarts: event.restarts });
      return;
  }
}
