// Opens the history store the configuration asks for (`--store`, `--data-dir`, `--retention-*`).
import { join } from 'node:path';
import type { HistoryConfig } from '../cli/config.ts';
import { ConfigError } from '../core/errors.ts';
import { createMemoryStore } from './memory.ts';
import { createSqliteStoreInWorker } from './sqlite-thread.ts';
import type { HistoryStore } from './types.ts';

/** The SQLite file inside --data-dir. */
export const SQLITE_FILE = 'history.db';

export async function openStore(config: HistoryConfig): Promise<HistoryStore> {
  switch (config.store) {
    case 'memory':
      return createMemoryStore({ retention: config.retention });
    case 'sqlite':
      // In a worker thread: its queries and maintenance never hold up scrapes (sqlite-thread.ts).
      return await createSqliteStoreInWorker({ path: join(config.dataDir, SQLITE_FILE), retention: config.retention });
    case 'postgres': {
      if (config.url === undefined) throw new ConfigError('--store', 'postgres needs a postgres:// URL');
      // Imported only here: SQLite users never load the PostgreSQL client.
      const { createPostgresStore } = await import('./postgres.ts');
      return await createPostgresStore({ url: config.url, retention: config.retention });
    }
  }
}
