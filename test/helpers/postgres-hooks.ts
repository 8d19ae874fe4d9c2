// One throwaway PostgreSQL server (./postgres.ts) for all the tests of a file: started before the
// first (node:test `before`), stopped after the last (`after`), fresh databases from it:
//
//   const pg = pgServerForTests();
//   test('...', async () => { const url = await pg.database('contract'); ... });   // contract_0, contract_1...
import { after, before } from 'node:test';
import type { PgServer } from './postgres.ts';
import { startPgServer } from './postgres.ts';

export interface TestPgServer {
  /** The server (started: use inside tests and hooks). */
  readonly server: PgServer;
  /** A fresh database named `name` (lower-case letters, digits and _); its URL. */
  createDatabase(name: string): Promise<string>;
  /** A fresh database named `<prefix>_<n>`, n counting from 0 in this file; its URL. */
  database(prefix: string): Promise<string>;
}

export function pgServerForTests(): TestPgServer {
  let started: PgServer | undefined;
  let n = 0;
  before(async () => {
    started = await startPgServer();
  });
  after(async () => {
    await started?.stop();
  });
  const server = (): PgServer => {
    if (started === undefined) throw new Error('the PostgreSQL server of pgServerForTests() is used outside the tests (it starts in before())');
    return started;
  };
  return {
    get server() {
      return server();
    },
    createDatabase: (name) => server().createDatabase(name),
    database: (prefix) => server().createDatabase(`${prefix}_${n++}`),
  };
}
