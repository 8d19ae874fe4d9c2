// The floor under the scrape figures of bench/run.ts: a bare node:http server in its own process
// answers every request with the same Buffer of a given size (random bytes, as incompressible as
// gzip), and the same 10 keep-alive clients scrape it the same way. Whatever the exporter adds
// over this is the exporter's; the rest is the clients, the loopback and the two shared cores.
// Both are scraped twice: by the Node clients below (10 keep-alive clients in the benchmark's own
// Node process) and by ApacheBench (`ab`, Debian's apache2-utils: one C process, epoll, the same 10
// keep-alive connections), which takes far less of the two cores than the Node clients do.
//   node bench/scrape-floor.ts <bytes> <scrapes per client>       (prints JSON)
import { execFile, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';

export interface ScrapeLatency {
  readonly p50: number;
  readonly p99: number;
}

/** 10 clients, each scraping `perClient` times in a row: p50 and p99 of the request times in ms. */
export async function scrapeLatency(port: number, perClient: number, headers: Record<string, string> = {}): Promise<ScrapeLatency> {
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  // A keep-alive socket the server closed just as it was reused fails with ECONNRESET before any
  // response (Node's documented keep-alive race): a GET is retried once, on a new socket; the
  // latency then includes both tries.
  const get = (retry = true): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/metrics', agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode === 200 ? resolve(0) : reject(new Error(`scrape answered ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) => (retry && err.code === 'ECONNRESET' && req.reusedSocket ? resolve(get(false)) : reject(err)));
      req.end();
    });
  const latencies: number[] = [];
  try {
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < perClient; i++) {
          const t = performance.now();
          await get();
          latencies.push(performance.now() - t);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  return { p50: at(50), p99: at(99) };
}

/**
 * ab's requests per Node client's scrape: twice as many in all as the 10 Node clients make (a p99
 * of 1,000 requests at M, not of 500: one stall of another process on the machine moves it less).
 */
export const AB_REQUESTS_PER_SCRAPE = 20;

export interface AbLatency extends ScrapeLatency {
  /** Requests answered on a kept-alive connection (all of them, when the server keeps connections open). */
  readonly keepAlive: number;
  readonly complete: number;
  /** Failed requests as ab counts them (connect, receive, length, exceptions) and non-2xx answers. */
  readonly failed: number;
  /** CPU time (user + system) the server process spent per request while ab ran, when its pid was given. */
  readonly serverCpuMsPerRequest?: number;
}

/** CPU time (user + system) of a process so far, in ms, from /proc (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces) start at state; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * `ab -k -c 10 -n <requests>` against /metrics with the given headers: p50 and p99 from ab's
 * own percentile table (`-e`, ms with µs resolution), and its counts. Needs `ab` (apache2-utils).
 */
export async function abLatency(port: number, requests: number, headers: Record<string, string> = {}, options: { path?: string; serverPid?: number } = {}): Promise<AbLatency> {
  const { path = '/metrics', serverPid } = options;
  const dir = mkdtempSync(join(tmpdir(), 'kce-ab-'));
  try {
    const csv = join(dir, 'percentiles.csv');
    const args = ['-k', '-c', '10', '-n', String(requests), '-q', '-e', csv, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), `http://127.0.0.1:${port}${path}`];
    const cpuBefore = serverPid === undefined ? 0 : processCpuMs(serverPid);
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('ab', args, { maxBuffer: 1 << 20 }, (err, out, errOut) => (err ? reject(new Error(`ab ${args.join(' ')} failed: ${errOut || err.message}`)) : resolve(out))),
    );
    const percent = new Map<number, number>();
    for (const line of readFileSync(csv, 'utf8').split('\n').slice(1)) {
      const [p, ms] = line.split(',');
      if (p !== undefined && ms !== undefined) percent.set(Number(p), Number(ms));
    }
    const count = (label: string): number => Number(new RegExp(`^${label}:\\s+(\\d+)`, 'm').exec(stdout)?.[1] ?? 0);
    const p50 = percent.get(50);
    const p99 = percent.get(99);
    if (p50 === undefined || p99 === undefined) throw new Error(`ab wrote no percentiles:\n${stdout}`);
    const complete = count('Complete requests');
    return {
      p50,
      p99,
      keepAlive: count('Keep-Alive requests'),
      complete,
      failed: count('Failed requests') + count('Non-2xx responses'),
      ...(serverPid === undefined ? {} : { serverCpuMsPerRequest: (processCpuMs(serverPid) - cpuBefore) / complete }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Floor {
  /** The Node clients of scrapeLatency(). */
  readonly node: ScrapeLatency;
  /** ApacheBench, 10 keep-alive connections, AB_REQUESTS_PER_SCRAPE per Node client's scrape. */
  readonly ab: AbLatency;
}

/** Starts the bare server in a child process and scrapes it: one warm-up round, then the measured one, per client. */
export async function scrapeFloor(bytes: number, perClient: number, headers: Record<string, string> = {}): Promise<Floor> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', String(bytes)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    await scrapeLatency(port, Math.max(1, Math.floor(perClient / 5)), headers);
    const node = await scrapeLatency(port, perClient, headers);
    await abLatency(port, Math.max(10, 2 * perClient), headers);
    const ab = await abLatency(port, AB_REQUESTS_PER_SCRAPE * perClient, headers, { serverPid: child.pid! });
    return { node, ab };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === '--serve') {
  const body = randomBytes(Number(process.argv[3]));
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await scrapeFloor(Number(process.argv[2] ?? 700_000), Number(process.argv[3] ?? 50))));
}
