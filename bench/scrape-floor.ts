// The floor under the scrape figures of bench/run.ts: a bare node:http server in its own process
// answers every request with the same Buffer of a given size (random bytes, as incompressible as
// gzip), and the same 10 keep-alive clients scrape it the same way. Whatever the exporter adds
// over this is the exporter's; the rest is the clients, the loopback and the two shared cores.
//   node bench/scrape-floor.ts <bytes> <scrapes per client>       (prints JSON)
import { fork } from 'node:child_process';
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

/** Starts the bare server in a child process and scrapes it: one warm-up round, then the measured one. */
export async function scrapeFloor(bytes: number, perClient: number): Promise<ScrapeLatency> {
  const child = fork(new URL(import.meta.url).pathname, ['--serve', String(bytes)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    await scrapeLatency(port, Math.max(1, Math.floor(perClient / 5)));
    return await scrapeLatency(port, perClient);
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
