// The exporter's resident memory in service: the process as users run it, recomputing every
// interval and scraped with gzip every 15 s as Prometheus would, VmRSS read every second. The
// first interval after /readyz is left out (the snapshot load's garbage, caches filling, the heap
// growing to its working size); the figures are the median, 95th percentile and largest of the
// rest. Used by `npm run bench` (the "in service" reading next to the one taken right after the
// first cycle) and by bench/exporter-memory.ts (longer runs, other intervals and stores).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { median, percentile, residentMiB } from './stats.ts';

export interface ServiceMemoryOptions {
  /** Directory to run in, and the exporter's entry (relative to it or absolute). */
  readonly cwd: string;
  readonly entry: string;
  readonly nodeOptions: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** The exporter's arguments besides --port, --host and --interval (snapshot files, --data-dir, ...). */
  readonly args: readonly string[];
  /** --interval, in seconds (60, the exporter's default, unless a run asks for another). */
  readonly intervalSeconds: number;
  /** How long to sample after the first interval, in seconds. */
  readonly seconds: number;
  /** Called with one line now and then (progress on stderr in the benchmarks). */
  readonly progress?: (line: string) => void;
}

export interface ServiceMemory {
  /** Of the samples after the first interval: VmRSS, and its anonymous and file-backed parts (medians), MiB. */
  readonly medianMiB: number;
  readonly anonMiB: number;
  readonly fileMiB: number;
  readonly p95MiB: number;
  readonly largestMiB: number;
  /** VmRSS at /readyz, when the first cycle has just ended: the reading `npm run bench` takes for its timings' run. */
  readonly atReadyMiB: number;
  readonly samples: number;
  /** Seconds sampled (after the first interval). */
  readonly sampledSeconds: number;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'gzip' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function serviceMemory(o: ServiceMemoryOptions): Promise<ServiceMemory> {
  const child = spawn(process.execPath, [...o.nodeOptions, o.entry, ...o.args, '--port', String(o.port), '--host', '127.0.0.1', '--interval', `${o.intervalSeconds}s`], {
    cwd: o.cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...o.env },
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const started = Date.now();
    while ((await get(o.port, '/readyz')) !== 200) {
      if (child.exitCode !== null) throw new Error(`the exporter exited (code ${child.exitCode}) before it was ready`);
      if (Date.now() - started > 600_000) throw new Error('the exporter was not ready within 600 s');
      await sleep(200);
    }
    const readyAt = Date.now();
    const atReady = residentMiB(child.pid!);
    const sampleFrom = readyAt + o.intervalSeconds * 1000;
    const end = sampleFrom + o.seconds * 1000;
    const samples: { rss: number; anon: number; file: number }[] = [];
    let nextScrape = readyAt;
    let nextProgress = readyAt + 30_000;
    for (let t = readyAt; t < end; t += 1000) {
      if (Date.now() >= nextScrape) {
        void get(o.port, '/metrics');
        nextScrape += 15_000;
      }
      if (child.exitCode !== null) throw new Error(`the exporter exited (code ${child.exitCode}) while being measured`);
      if (Date.now() >= sampleFrom) samples.push(residentMiB(child.pid!));
      if (o.progress && Date.now() >= nextProgress) {
        o.progress(`in service: ${Math.round((Date.now() - readyAt) / 1000)} of ${o.intervalSeconds + o.seconds} s`);
        nextProgress += 30_000;
      }
      await sleep(Math.max(0, t + 1000 - Date.now()));
    }
    const rss = samples.map((s) => s.rss);
    return {
      medianMiB: median(rss),
      anonMiB: median(samples.map((s) => s.anon)),
      fileMiB: median(samples.map((s) => s.file)),
      p95MiB: percentile(rss, 95),
      largestMiB: Math.max(...rss),
      atReadyMiB: atReady.rss,
      samples: samples.length,
      sampledSeconds: o.seconds,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
}
