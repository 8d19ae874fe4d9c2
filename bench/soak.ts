// Soak test: the real exporter (`--source kube`) on a churning simulated cluster for a long wall
// time with accelerated cycles, sampled from outside: RSS (/proc), event-loop delay (the exporter's
// own nodejs_eventloop_lag_* gauges), scrape and /healthz latency, cycles and errors. Reports the
// RSS trend (least-squares slope after a warm-up) and the lag p99, the figures issue 10 asks for.
//
// Usage: node bench/soak.ts [--minutes 30] [--pods 2000] [--rate 20] [--interval 2s]
//                           [--sample-seconds 15] [--out FILE] [-- extra exporter args]
// e.g.   node bench/soak.ts --minutes 30 -- --store sqlite --data-dir /tmp/kce-soak
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { percentile, slope } from './stats.ts';

const argv = process.argv.slice(2);
const dashdash = argv.indexOf('--');
const args = dashdash === -1 ? argv : argv.slice(0, dashdash);
const exporterExtra = dashdash === -1 ? [] : argv.slice(dashdash + 1);
const arg = (flag: string, fallback: string): string => {
  const i = args.indexOf(flag);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const minutes = Number(arg('--minutes', '30'));
const pods = Number(arg('--pods', '2000'));
const rate = Number(arg('--rate', '20'));
const interval = arg('--interval', '2s');
const sampleSeconds = Number(arg('--sample-seconds', '15'));
const outFile = args.includes('--out') ? arg('--out', '') : undefined;

type Json = Record<string, unknown>;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function lines(proc: ChildProcess): () => Promise<Json> {
  const queue: Json[] = [];
  const waiters: ((j: Json) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let j: Json;
    try {
      j = JSON.parse(line) as Json;
    } catch {
      return;
    }
    const w = waiters.shift();
    if (w) w(j);
    else queue.push(j);
  });
  return () =>
    new Promise((resolve, reject) => {
      const q = queue.shift();
      if (q) return resolve(q);
      waiters.push(resolve);
      proc.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

function sumOf(text: string, name: string, match = ''): number {
  let total = 0;
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) if (m[1]!.includes(match)) total += Number(m[2]);
  return total;
}



async function timed(url: string): Promise<{ ms: number; text: string; status: number }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
  const text = await res.text();
  return { ms: performance.now() - t, text, status: res.status };
}

const dir = mkdtempSync(join(tmpdir(), 'kce-soak-'));
const node = process.execPath;
const server = spawn(node, [new URL('./kube-server.ts', import.meta.url).pathname, '--pods', String(pods)], { stdio: ['pipe', 'pipe', 'inherit'] });
const serverNext = lines(server);
let exporter: ChildProcess | undefined;
const samples: Json[] = [];
try {
  const ready = await serverNext();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: soak, cluster: {server: "${ready['url']}", certificate-authority-data: ${Buffer.from(String(ready['caPem'])).toString('base64')}}}]`,
      `users: [{name: soak, user: {token: ${ready['token']}}}]`,
      'contexts: [{name: soak, context: {cluster: soak, user: soak}}]',
      'current-context: soak',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const exporterArgs = [new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname, '--source', 'kube', '--kubeconfig', kubeconfig, '--port', String(port), '--host', '127.0.0.1', '--interval', interval, '--log-level', 'error', '--rate-limit', '0', ...exporterExtra];
  exporter = spawn(node, exporterArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the exporter did not become ready within 120 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`kube-cost-exporter soak — ${machine}`);
  console.log(`${pods} pods, ${rate} watch events/s, --interval ${interval}, ${minutes} min, sampled every ${sampleSeconds} s${exporterExtra.length ? `, exporter args: ${exporterExtra.join(' ')}` : ''}`);
  console.log('');
  console.log('min    RSS MB  heap MB  lag p99 ms  lag max ms  scrape ms  healthz ms  cycles  errors  pods   load');
  server.stdin!.write(`churn ${rate} ${Math.ceil(minutes * 60 + 30)}\n`);
  const started = Date.now();
  while (Date.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, sampleSeconds * 1000));
    const scrape = await timed(`${base}/metrics`);
    const health = await timed(`${base}/healthz`);
    const sample = {
      minute: (Date.now() - started) / 60_000,
      rssMB: rssMB(exporter.pid!),
      heapMB: gauge(scrape.text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
      lagP99Ms: gauge(scrape.text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      lagMaxMs: gauge(scrape.text, 'nodejs_eventloop_lag_max_seconds') * 1000,
      scrapeMs: scrape.ms,
      healthzMs: health.ms,
      cycles: sumOf(scrape.text, 'kube_cost_cycles_total', 'result="success"'),
      errors: sumOf(scrape.text, 'kube_cost_errors_total'),
      pods: sumOf(scrape.text, 'kube_cost_source_objects', 'kind="Pod"'),
      load: loadavg()[0]!,
    };
    samples.push(sample);
    console.log(
      `${sample.minute.toFixed(1).padEnd(6)} ${sample.rssMB.toFixed(0).padEnd(7)} ${sample.heapMB.toFixed(0).padEnd(8)} ${sample.lagP99Ms.toFixed(1).padEnd(11)} ${sample.lagMaxMs.toFixed(1).padEnd(11)} ${sample.scrapeMs.toFixed(1).padEnd(10)} ${sample.healthzMs.toFixed(1).padEnd(11)} ${String(sample.cycles).padEnd(7)} ${String(sample.errors).padEnd(7)} ${String(sample.pods).padEnd(6)} ${sample.load.toFixed(2)}`,
    );
  }
  type S = { minute: number; rssMB: number; heapMB: number; lagP99Ms: number; lagMaxMs: number; scrapeMs: number; healthzMs: number };
  const all = samples as unknown as S[];
  // The first 20% (at least 2 minutes) warm up: caches fill, the JIT settles, V8 sizes its heap.
  const warm = Math.max(2, minutes * 0.2);
  const steady = all.filter((s) => s.minute >= warm);
  const summary = {
    machine,
    pods,
    rate,
    interval,
    minutes,
    exporterArgs: exporterExtra,
    samples: all.length,
    rssFirstMB: steady[0]?.rssMB,
    rssLastMB: steady[steady.length - 1]?.rssMB,
    rssMaxMB: Math.max(...all.map((s) => s.rssMB)),
    rssSlopeMBPerHour: slope(steady.map((s) => [s.minute / 60, s.rssMB])),
    // The second half alone: whether memory still grows once caches (SQLite's page cache, V8's heap
    // sizing, the usage window) have filled.
    rssSecondHalfSlopeMBPerHour: slope(all.filter((s) => s.minute >= minutes / 2).map((s) => [s.minute / 60, s.rssMB])),
    heapSlopeMBPerHour: slope(steady.map((s) => [s.minute / 60, s.heapMB])),
    lagP99MedianMs: percentile(all.map((s) => s.lagP99Ms), 50),
    lagP99P90Ms: percentile(all.map((s) => s.lagP99Ms), 90),
    lagP99WorstMs: Math.max(...all.map((s) => s.lagP99Ms)),
    lagMaxWorstMs: Math.max(...all.map((s) => s.lagMaxMs)),
    scrapeP99Ms: percentile(all.map((s) => s.scrapeMs), 99),
    healthzP99Ms: percentile(all.map((s) => s.healthzMs), 99),
  };
  console.log('');
  console.log(`RSS after warm-up (${warm.toFixed(0)} min): ${summary.rssFirstMB?.toFixed(0)} → ${summary.rssLastMB?.toFixed(0)} MB (max ${summary.rssMaxMB.toFixed(0)}), slope ${summary.rssSlopeMBPerHour.toFixed(1)} MB/h (second half ${summary.rssSecondHalfSlopeMBPerHour.toFixed(1)} MB/h); heap slope ${summary.heapSlopeMBPerHour.toFixed(1)} MB/h`);
  console.log(`event-loop delay p99 per cycle: median ${summary.lagP99MedianMs.toFixed(1)} ms, p90 ${summary.lagP99P90Ms.toFixed(1)} ms, worst ${summary.lagP99WorstMs.toFixed(1)} ms; longest single delay ${summary.lagMaxWorstMs.toFixed(1)} ms`);
  console.log(`scrape p99 ${summary.scrapeP99Ms.toFixed(1)} ms, /healthz p99 ${summary.healthzP99Ms.toFixed(1)} ms`);
  if (outFile) writeFileSync(outFile, `${JSON.stringify({ summary, samples }, null, 2)}\n`);
} finally {
  exporter?.kill('SIGTERM');
  server.stdin!.write('exit\n');
  await new Promise((r) => setTimeout(r, 500));
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
