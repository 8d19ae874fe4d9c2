// Billing reconciliation of recorded history on a real PostgreSQL server (test/pg-server.ts).
import { after, before } from 'node:test';
import { createPostgresStore } from '../src/store/postgres.ts';
import { reconcileContract } from '../src/store/reconcile-contract.test-util.ts';
import type { PgServer } from './pg-server.ts';
import { startPgServer } from './pg-server.ts';

let server: PgServer;
let n = 0;
before(async () => {
  server = await startPgServer();
});
after(async () => {
  await server?.stop();
});

reconcileContract('postgres', async ({ retention }) => createPostgresStore({ url: await server.createDatabase(`reconcile_${n++}`), ...(retention ? { retention } : {}) }));
