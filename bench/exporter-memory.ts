// The whole exporter's memory over many cycles, as it runs in service: the shipped build (by
// default the image's: dist/ bundled as the Dockerfile does, bench/shipped.ts; `--build npm` runs
// bin/kube-cost-exporter.js on dist/ as the npm package does) with the image's NODE_OPTIONS and allocator, on the synthetic
// cluster of `npm run bench` (M by default), with a short interval so that tens of cycles (each
// recorded in the history store) happen in a few minutes, scraped with gzip every 15 s as Prometheus
// would. RSS (VmRSS, split into anonymous memory and mapped files) is sampled every 5 s; the figures
// are the median and largest of the second half of the run (the first half fills caches and grows
// the heap to its working size). `npm run bench` measures RSS after one cycle; this measures what
// the process settles at.
// Run: node bench/exporter-memory.ts [--size S|M] [--store sqlite|memory] [--interval 10s] [--seconds 180] [--exporter-args "--advice-every-cycles 0"]
//      [--build image|npm] [--allocator image|system]   (image: the Dockerfile's LD_PRELOAD and MALLOC_CONF, bench/shipped.ts; system: glibc's malloc)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { freePort } from '../test/helpers/prometheus.ts';
import { assembleImageApp, shippedRuntime } from './shipped.ts';
import { median, residentMiB } from './stats.ts';

const args = process.argv.slice(2);
const argValue = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
};
const SIZES: Record<string, { nodes: number; pods: number }> = { S: { nodes: 100, pods: 1_000 }, M: { nodes: 1_000, pods: 10_000 } };
const sizeName = argValue('--size') ?? 'M';
const size = SIZES[sizeName];
if (!size) throw new Error(`--size ${sizeName}: expected S or M`);
const store = argValue('--store') ?? 'sqlite';
const interval = argValue('--interval') ?? '10s';
const seconds = Number(argValue('--seconds') ?? '180');
const extra = (argValue('--exporter-args') ?? '').split(' ').filter((a) => a !== '');
const root = new URL('..', import.meta.url).pathname;
const allocator = argValue('--allocator') ?? 'image';
if (allocator !== 'image' && allocator !== 'system') throw new Error(`--allocator ${allocator}: expected image or system`);
const shipped = shippedRuntime({ allocator });
const buildChoice = argValue('--build') ?? 'image';
if (buildChoice !== 'image' && buildChoice !== 'npm') throw new Error(`--build ${buildChoice}: expected image or npm`);

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

const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed; the exporter process runs dist/ or its bundle');

const dir = mkdtempSync(join(tmpdir(), 'kce-exporter-memory-'));
// The image's /app (its bundle) or the npm package's dist/.
const cwd = buildChoice === 'image' ? assembleImageApp(root, join(dir, 'app')) : root;
const list = generateSyntheticList({ nodes: size.nodes, pods: size.pods, seed: 1 });
writeFileSync(join(dir, 'cluster.json'), JSON.stringify(list));
writeFileSync(join(dir, 'metrics.json'), JSON.stringify(generateSyntheticMetrics(list, { seed: 1 })));
const port = await freePort();
const nodeOptions = shipped.nodeOptions;
const child = spawn(
  process.execPath,
  [...nodeOptions, 'bin/kube-cost-exporter.js', '--snapshot', join(dir, 'cluster.json'), '--snapshot', join(dir, 'metrics.json'), '--port', String(port), '--host', '127.0.0.1', '--interval', interval, '--log-level', 'error', '--rate-limit', '0', '--store', store, '--data-dir', join(dir, 'data'), ...extra],
  { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...shipped.env } },
);
try {
  const started = Date.now();
  while ((await get(port, '/readyz')) !== 200) {
    if (child.exitCode !== null) throw new Error(`the exporter exited (code ${child.exitCode}) before it was ready`);
    if (Date.now() - started > 300_000) throw new Error('the exporter was not ready within 300 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const samples: { rss: number; anon: number; file: number }[] = [];
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    if (n % 3 === 0) await get(port, '/metrics');
    samples.push(residentMiB(child.pid!));
    n++;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const late = samples.slice(Math.floor(samples.length / 2));
  const fmt = (v: number) => v.toFixed(0);
  console.log(
    `exporter memory, ${buildChoice === 'image' ? "the image's build (bundle)" : "the npm package's build (dist/)"}, size ${sizeName} (${size.nodes} nodes, ${size.pods} pods), --store ${store}, --interval ${interval}, ${seconds} s, ${shipped.description}${extra.length ? `, ${extra.join(' ')}` : ''}: ` +
      `RSS median ${fmt(median(late.map((s) => s.rss)))} MiB (anonymous ${fmt(median(late.map((s) => s.anon)))} + files ${fmt(median(late.map((s) => s.file)))}), ` +
      `largest ${fmt(Math.max(...late.map((s) => s.rss)))} MiB over the second half (${late.length} samples, every 5 s); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
} finally {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}
