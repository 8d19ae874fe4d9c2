// Billing reconciliation of recorded history, on the in-memory and SQLite stores (in this thread and
// in the worker the exporter opens; PostgreSQL:
// test/store-postgres-reconcile.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createMemoryStore } from './memory.ts';
import { reconcileContract } from './reconcile-contract.test-util.ts';
import { createSqliteStore } from './sqlite.ts';
import { createSqliteStoreInWorker } from './sqlite-thread.ts';

reconcileContract('memory', async ({ retention }) => createMemoryStore(retention ? { retention } : {}));

const dir = mkdtempSync(join(tmpdir(), 'kce-reconcile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
reconcileContract('sqlite', async ({ retention }) => createSqliteStore({ path: join(dir, `r-${n++}.db`), ...(retention ? { retention } : {}) }));
reconcileContract('sqlite in a worker thread', async ({ retention }) => createSqliteStoreInWorker({ path: join(dir, `w-${n++}.db`), ...(retention ? { retention } : {}) }));
