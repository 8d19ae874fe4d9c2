// Starts a real Prometheus (Debian's package) on a free port with a temporary data directory,
// scraping the given targets, and answers PromQL queries through its HTTP API.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './children.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface RunningPrometheus {
  readonly url: string;
  query(promql: string): Promise<PromSample[]>;
  /** Polls `promql` until `accept` is true for its result, or fails after `timeoutMs`. */
  waitFor(promql: string, accept: (result: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(options: { targets: string[]; scrapeIntervalSeconds?: number; job?: string; extraConfig?: string; args?: readonly string[] }): Promise<RunningPrometheus> {
  const { targets, scrapeIntervalSeconds = 1, job = 'kube-cost-exporter', extraConfig = '', args = [] } = options;
  const dir = mkdtempSync(join(tmpdir(), 'kce-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    `  evaluation_interval: ${scrapeIntervalSeconds}s`,
    'scrape_configs:',
    `  - job_name: ${job}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    extraConfig,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const child = spawnChild('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...args]);
  const url = `http://127.0.0.1:${port}`;

  // SIGTERM, SIGKILL after 30 s: a stop never hangs the test's cleanup.
  const stop = async (): Promise<void> => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  // Generous: Prometheus replays and opens its TSDB before it is ready, slowly on a loaded machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.process.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.process.exitCode}: ${child.output()}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 90 s: ${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] | [number, string] } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
    if (body.data?.resultType === 'scalar') return [{ metric: {}, value: body.data.result as [number, string] }];
    return body.data?.result as PromSample[];
  };

  return {
    url,
    query,
    async waitFor(promql, accept, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let last: PromSample[] = [];
      while (Date.now() < until) {
        last = await query(promql);
        if (accept(last)) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting for ${promql}; last answer ${JSON.stringify(last).slice(0, 500)}`);
    },
    stop,
  };
}

/** Runs promtool with `args`, feeding `stdin`; returns its exit code and output. */
export function promtool(args: string[], stdin?: string): { status: number; output: string } {
  const r = spawnSync('promtool', args, { input: stdin ?? '', encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
