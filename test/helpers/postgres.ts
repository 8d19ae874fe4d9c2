// A throwaway PostgreSQL server for tests and benchmarks: initdb on a temporary directory, a free
// TCP port on 127.0.0.1 and a unix socket in the same directory, stopped and deleted by stop().
// Uses the server binaries of the machine (Debian: /usr/lib/postgresql/<version>/bin, installed by
// `.ci/run`; or PG_BIN). PostgreSQL refuses to run as root: as root, it runs as the `postgres`
// user (or PG_USER).
//
//   const pg = await startPgServer();
//   ... new pg.Client({ connectionString: pg.url }) ...
//   await pg.stop();
//
// A test file that wants one server for all its tests: pgServerForTests() (./postgres-hooks.ts).
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  /** Directory holding the unix socket (`host` for libpq-style clients). */
  readonly socketDir: string;
  readonly version: string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The directory of initdb/postgres: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin. */
export function pgBinDir(): string | undefined {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv && existsSync(join(fromEnv, 'postgres'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = process.env['PG_USER'] ?? 'postgres';
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startPgServer(options: { readonly startTimeoutMs?: number } = {}): Promise<PgServer> {
  const { startTimeoutMs = 30_000 } = options;
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install the Debian package postgresql, or set PG_BIN)');
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'kce-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], { ...ids, stdio: 'pipe', cwd: dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${stderr || String(err)}`);
  }
  const version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  // Durability settings off: a test server is thrown away.
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50', '-c', 'shared_buffers=64MB'],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
  );
  let log = '';
  child.stderr?.on('data', (c: Buffer) => {
    log += c.toString();
    if (log.length > 100_000) log = log.slice(-50_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If this process ends without stop() (a test killed by its timeout), take the server with it.
  const orphanGuard = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', orphanGuard);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  const psql = (sql: string, db = 'postgres'): string =>
    execFileSync(join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited at start: ${log}`);
    }
    try {
      psql('SELECT 1');
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`postgres not ready after ${startTimeoutMs} ms: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let stopped = false;
  return {
    url,
    port,
    socketDir: dir,
    version,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: lower-case letters, digits and _ only`);
      psql(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // SIGINT: "fast shutdown" (disconnects clients, no waiting).
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', orphanGuard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
