// Billing reconciliation of recorded history on a real PostgreSQL server (test/helpers/postgres.ts).
import { createPostgresStore } from '../src/store/postgres.ts';
import { reconcileContract } from '../src/store/reconcile-contract.test-util.ts';
import { pgServerForTests } from './helpers/postgres-hooks.ts';

const server = pgServerForTests();

reconcileContract('postgres', async ({ retention }) => createPostgresStore({ url: await server.database('reconcile'), ...(retention ? { retention } : {}) }));
