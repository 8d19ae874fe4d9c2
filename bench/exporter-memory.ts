// The whole exporter's memory over many cycles, as it runs in service: the shipped build (by
// default the image's: dist/ bundled as the Dockerfile does, bench/shipped.ts; `--build npm` runs
// bin/kube-cost-exporter.js on dist/ as the npm package does) with the image's NODE_OPTIONS and
// allocator, on the synthetic cluster of `npm run bench` (M by default), scraped with gzip every
// 15 s as Prometheus would. RSS (VmRSS, split into anonymous memory and mapped files) is read every
// second after the first interval (bench/service-memory.ts); the figures are the median, 95th
// percentile and largest. `npm run bench` takes the same reading at M for 240 s at the default
// 60 s interval; this runs longer, or with a short interval so that tens of cycles (each recorded
// in the history store) happen in a few minutes.
// Run: node bench/exporter-memory.ts [--size S|M] [--store sqlite|memory] [--interval 10s] [--seconds 180] [--exporter-args "--advice-every-cycles 0"]
//      [--build image|npm] [--allocator image|system]   (image: the Dockerfile's LD_PRELOAD and MALLOC_CONF, bench/shipped.ts; system: glibc's malloc)
//      --seconds: how long to sample after the first interval
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { freePort } from '../test/helpers/prometheus.ts';
import { assembleImageApp, shippedRuntime } from './shipped.ts';
import { serviceMemory } from './service-memory.ts';

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
const intervalMatch = /^(\d+)s$/.exec(interval);
if (!intervalMatch) throw new Error(`--interval ${interval}: expected seconds, such as 10s or 60s`);
const seconds = Number(argValue('--seconds') ?? '180');
const extra = (argValue('--exporter-args') ?? '').split(' ').filter((a) => a !== '');
const root = new URL('..', import.meta.url).pathname;
const allocator = argValue('--allocator') ?? 'image';
if (allocator !== 'image' && allocator !== 'system') throw new Error(`--allocator ${allocator}: expected image or system`);
const shipped = shippedRuntime({ allocator });
const buildChoice = argValue('--build') ?? 'image';
if (buildChoice !== 'image' && buildChoice !== 'npm') throw new Error(`--build ${buildChoice}: expected image or npm`);

const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed; the exporter process runs dist/ or its bundle');

const dir = mkdtempSync(join(tmpdir(), 'kce-exporter-memory-'));
// The image's /app (its bundle) or the npm package's dist/.
const cwd = buildChoice === 'image' ? assembleImageApp(root, join(dir, 'app')) : root;
const list = generateSyntheticList({ nodes: size.nodes, pods: size.pods, seed: 1 });
writeFileSync(join(dir, 'cluster.json'), JSON.stringify(list));
writeFileSync(join(dir, 'metrics.json'), JSON.stringify(generateSyntheticMetrics(list, { seed: 1 })));
try {
  const m = await serviceMemory({
    cwd,
    entry: 'bin/kube-cost-exporter.js',
    nodeOptions: shipped.nodeOptions,
    env: shipped.env,
    port: await freePort(),
    args: ['--snapshot', join(dir, 'cluster.json'), '--snapshot', join(dir, 'metrics.json'), '--log-level', 'error', '--rate-limit', '0', '--store', store, '--data-dir', join(dir, 'data'), ...extra],
    intervalSeconds: Number(intervalMatch[1]),
    seconds,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const fmt = (v: number) => v.toFixed(0);
  console.log(
    `exporter memory, ${buildChoice === 'image' ? "the image's build (bundle)" : "the npm package's build (dist/)"}, size ${sizeName} (${size.nodes} nodes, ${size.pods} pods), --store ${store}, --interval ${interval}, ${seconds} s after the first interval, ${shipped.description}${extra.length ? `, ${extra.join(' ')}` : ''}: ` +
      `RSS median ${fmt(m.medianMiB)} MiB (anonymous ${fmt(m.anonMiB)} + files ${fmt(m.fileMiB)}), 95th percentile ${fmt(m.p95MiB)}, largest ${fmt(m.largestMiB)} MiB (${m.samples} samples, every second); at /readyz ${fmt(m.atReadyMiB)} MiB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
