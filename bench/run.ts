// `npm run bench`: cost-cycle, render, scrape and memory figures for synthetic clusters.
//   S = 100 nodes / 1,000 pods, M = 1,000 / 10,000, L = 5,000 / 100,000
// Usage: npm run bench [-- --sizes S,M,L,kubectl,kube,api,store,containers,hub,ui,agent,billing] [-- --out bench-results.json]
//        [-- --exporter-node-options "--max-semi-space-size=16"]   (V8 flags for the exporter process;
//         default: the image's NODE_OPTIONS from the Dockerfile, which `npm start` and `npm run bench` use too;
//         "" for Node's defaults)
//        [-- --exporter-allocator image|system]   (image, the default: the image's LD_PRELOAD and
//         MALLOC_CONF, jemalloc from Debian's libjemalloc2; system: the C library's malloc)
//        [-- --exporter-from-source]   (run src/cli/*.ts with type stripping instead of the build)
//        [-- --exporter-build image|npm]   (image, the default: the image's build, dist/ bundled as the
//         Dockerfile does, what a cluster runs; npm: bin/kube-cost-exporter.js on dist/, as the npm package ships)
//        [-- --service-seconds 240] [-- --service-sizes M]   (the in-service RSS reading: the exporter at
//         its default 60 s interval, VmRSS every second for this long after its first interval,
//         bench/service-memory.ts; 0 skips it)
// The exporter process runs as the image runs it: dist/ (which the benchmark builds first, tsc -p
// tsconfig.build.json, a few seconds) bundled as the Dockerfile does. Running the TypeScript
// sources directly adds about 20 MiB of RSS (Node's type stripper) and some start-up time.
// Prints medians (and scrape p99) per size; docs/benchmarks.md holds the figures of a full run.
// Scrapes are measured twice: with no cycle running (--interval 10m), and with a cycle every second.
// Cycle and render medians are of warm runs (the exporter runs one cycle per interval for days);
// the first, cold cycle is printed too. The scrape floor is a bare node:http server sending a
// Buffer of the same size to the same clients (bench/scrape-floor.ts). Every scrape figure is
// measured twice: by 10 Node keep-alive clients in this process (they share the two cores with the
// server) and by ApacheBench (`ab -k -c 10`, one C process, far lighter; twice as many requests).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { allocate } from '../src/core/allocate.ts';
import { loadCatalog } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { renderCostMetrics } from '../src/server/cost-metrics.ts';
import { createSnapshotSource } from '../src/sources/snapshot-source.ts';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { assembleImageApp, shippedRuntime } from './shipped.ts';
import { compareWithPromClient } from './prom-client-compare.ts';
import type { ServiceMemory } from './service-memory.ts';
import { serviceMemory } from './service-memory.ts';
import type { AbLatency } from './scrape-floor.ts';
import { AB_REQUESTS_PER_SCRAPE, abLatency, scrapeFloor, scrapeLatency } from './scrape-floor.ts';
import { median } from './stats.ts';

interface Size {
  readonly name: string;
  readonly nodes: number;
  readonly pods: number;
  readonly repeats: number;
  readonly scrapesPerClient: number;
}

const SIZES: readonly Size[] = [
  { name: 'S', nodes: 100, pods: 1_000, repeats: 15, scrapesPerClient: 100 },
  { name: 'M', nodes: 1_000, pods: 10_000, repeats: 15, scrapesPerClient: 50 },
  { name: 'L', nodes: 5_000, pods: 100_000, repeats: 7, scrapesPerClient: 10 },
];
/** What Prometheus sends (gzip, OpenMetrics first); every scraper and the floor send the same. */
const SCRAPE_HEADERS = { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' };
/** Cycles run before the measured ones (JIT and the garbage left by loading settle). */
const WARM_UP_CYCLES = 3;

const args = process.argv.slice(2);
const argValue = (flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i === -1 ? undefined : args[i + 1];
};
const wanted = (argValue('--sizes') ?? 'S,M,L').split(',');
const outFile = argValue('--out');
// The exporter process runs as the image runs it (bench/shipped.ts): its NODE_OPTIONS and its
// allocator (--exporter-allocator system: the C library's malloc instead, as `npm start` runs).
const allocatorChoice = argValue('--exporter-allocator') ?? 'image';
if (allocatorChoice !== 'image' && allocatorChoice !== 'system') throw new Error(`--exporter-allocator ${allocatorChoice}: expected image or system`);
const exporterNodeOptionsArg = argValue('--exporter-node-options');
const shipped = shippedRuntime({ allocator: allocatorChoice, ...(exporterNodeOptionsArg === undefined ? {} : { nodeOptions: exporterNodeOptionsArg }) });
const exporterNodeOptions = shipped.nodeOptions;
const exporterBuild = args.includes('--exporter-from-source') ? 'source' : (argValue('--exporter-build') ?? 'image');
if (exporterBuild !== 'source' && exporterBuild !== 'npm' && exporterBuild !== 'image') throw new Error(`--exporter-build ${exporterBuild}: expected npm or image`);
// The image's /app (default: dist/ bundled as the Dockerfile does, in a temporary directory,
// bench/shipped.ts), the npm package's bin on dist/, or the TypeScript sources — set once dist/ is built.
let exporterEntry = exporterBuild === 'source' ? 'src/cli/kube-cost-exporter.ts' : 'bin/kube-cost-exporter.js';
const serviceSeconds = Number(argValue('--service-seconds') ?? '240');
if (!Number.isFinite(serviceSeconds) || serviceSeconds < 0) throw new Error(`--service-seconds ${argValue('--service-seconds')}: expected a number of seconds (0 skips the in-service reading)`);
const serviceSizes = serviceSeconds > 0 ? (argValue('--service-sizes') ?? 'M').split(',') : [];
/** The exporter's default --interval: the in-service reading runs at it. */
const SERVICE_INTERVAL_SECONDS = 60;

/** A full collection when the benchmark runs with --expose-gc (npm run bench does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function timeMs<T>(fn: () => T | Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function get(agent: Agent, port: number, path: string, headers: Record<string, string> = {}, retry = true): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    // Node's keep-alive race (a reused socket closed by the server): retried once on a new socket.
    req.on('error', (err: NodeJS.ErrnoException) => (retry && err.code === 'ECONNRESET' && req.reusedSocket ? resolve(get(agent, port, path, headers, false)) : reject(err)));
    req.end();
  });
}

function rssMiB(pid: number): { rss: number; peak: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  // RssFile: pages of mapped files (mostly the node binary's own code, shared and reclaimable); RssAnon: the process's own memory.
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
}

/**
 * Waits (up to 2 minutes) until the exporter's first memory-reducing collection has run. Only the
 * head of /metrics is read (the self-monitoring families come first): reading the whole body of L
 * (97 MiB) would load this process, whose clients measure the scrapes next.
 */
async function firstReclaim(agent: Agent, port: number): Promise<void> {
  const deadline = performance.now() + 120_000;
  const counted = /^kube_cost_memory_reclaim_duration_seconds_count(?:\{[^}]*\})? (\d+)$/m;
  while (performance.now() < deadline) {
    const head = await getHead(agent, port, '/metrics', counted);
    if (Number(counted.exec(head)?.[1] ?? 0) >= 1) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stderr.write('bench: the exporter ran no memory-reducing collection within 2 minutes (is --reclaim-memory off?); measuring anyway\n');
}

/** The start of a plain-text answer, up to the first match of `until` (or 4 MiB); the rest is not read. */
function getHead(agent: Agent, port: number, path: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let text = '';
      const done = (): void => {
        res.destroy();
        resolve(text);
      };
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        if (until.test(text) || text.length > 4 * 2 ** 20) done();
      });
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Starts the real exporter CLI on the snapshot, waits for /readyz, scrapes it concurrently. The
 * per-client rate limit is off: the 10 scrapers stand for 10 Prometheus servers, not one address.
 */
async function exporterProcess(files: string[], size: Size, interval = '10m') {
  const port = await freePort();
  // A fresh --data-dir each run: the SQLite history starts empty (with ./data, each run started on
  // every earlier run's history, and its RSS depended on how much there was).
  const dataDir = mkdtempSync(join(tmpdir(), `kce-bench-data-${size.name}-`));
  const child = spawn(
    process.execPath,
    [...exporterNodeOptions, exporterEntry, ...files.flatMap((f) => ['--snapshot', f]), '--port', String(port), '--host', '127.0.0.1', '--interval', interval, '--log-level', 'warn', '--rate-limit', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...shipped.env } },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const startWait = performance.now();
    for (;;) {
      try {
        if ((await get(agent, port, '/readyz')).status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - startWait > 600_000) throw new Error('exporter did not become ready in 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - startWait;
    // With --expose-gc the exporter collects once, 1 s after the first cycle's hooks (decision
    // 0030): the scrapes are measured after it, as they are between cycles in service.
    if (interval !== '1s' && exporterNodeOptions.includes('--expose-gc')) await firstReclaim(agent, port);
    // Warm-up, then 10 concurrent scrapers as Prometheus scrapes (gzip).
    const headers = SCRAPE_HEADERS;
    const first = await get(agent, port, '/metrics', headers);
    const plain = await get(agent, port, '/metrics');
    const { p50, p99 } = await scrapeLatency(port, size.scrapesPerClient, headers);
    await abLatency(port, Math.max(10, 2 * size.scrapesPerClient), headers);
    const ab = await abLatency(port, AB_REQUESTS_PER_SCRAPE * size.scrapesPerClient, headers, { serverPid: child.pid! });
    // The same scrape through the Hono app (a query string is not the fast path's: src/server/app.ts).
    const abViaApp = await abLatency(port, AB_REQUESTS_PER_SCRAPE * size.scrapesPerClient, headers, { path: '/metrics?via=app', serverPid: child.pid! });
    const mem = rssMiB(child.pid!);
    agent.destroy();
    return { readyMs, p50, p99, ab, abViaApp, gzipBytes: first.bytes, plainBytes: plain.bytes, ...mem };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The in-service reading (bench/service-memory.ts) on a fresh --data-dir. */
async function inService(files: string[], size: Size) {
  const dataDir = mkdtempSync(join(tmpdir(), `kce-bench-service-${size.name}-`));
  try {
    return await serviceMemory({
      cwd: process.cwd(),
      entry: exporterEntry,
      nodeOptions: exporterNodeOptions,
      env: shipped.env,
      port: await freePort(),
      args: [...files.flatMap((f) => ['--snapshot', f]), '--log-level', 'warn', '--rate-limit', '0', '--data-dir', dataDir],
      intervalSeconds: SERVICE_INTERVAL_SECONDS,
      seconds: serviceSeconds,
      progress: (line) => process.stderr.write(`bench: size ${size.name}, ${line}\n`),
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function writeSnapshot(size: Size, snapshotFile: string, metricsFile: string): void {
  const list = generateSyntheticList({ nodes: size.nodes, pods: size.pods, seed: 1 });
  writeFileSync(snapshotFile, JSON.stringify(list));
  writeFileSync(metricsFile, JSON.stringify(generateSyntheticMetrics(list, { seed: 1 })));
}

async function benchSize(size: Size) {
  const dir = mkdtempSync(join(tmpdir(), `kce-bench-${size.name}-`));
  try {
    const snapshotFile = join(dir, 'cluster.json');
    const metricsFile = join(dir, 'metrics.json');
    writeSnapshot(size, snapshotFile, metricsFile);
    const fileMiB = readFileSync(snapshotFile).length / 2 ** 20;
    const inProcess = await benchInProcess(size, snapshotFile, metricsFile);
    // The benchmark's own heap (snapshot, report, text) is dropped before the exporter runs: at L
    // its collections took seconds, long enough for keep-alive sockets to be closed under a client.
    collectGarbage();

    const proc = await exporterProcess([snapshotFile, metricsFile], size);
    const floor = await scrapeFloor(proc.gzipBytes, size.scrapesPerClient, SCRAPE_HEADERS);
    // The same scrapes while the exporter recomputes every second (back to back when a cycle takes longer).
    const busy = await exporterProcess([snapshotFile, metricsFile], size, '1s');
    const service = serviceSizes.includes(size.name) ? await inService([snapshotFile, metricsFile], size) : undefined;
    return {
      size: size.name,
      nodes: size.nodes,
      pods: size.pods,
      snapshotMiB: Number(fileMiB.toFixed(1)),
      ...inProcess,
      /** The body the exporter served to a Prometheus-like scrape (OpenMetrics, gzip). */
      metricsGzipMiB: proc.gzipBytes / 2 ** 20,
      exporterReadyMs: proc.readyMs,
      scrapeP50Ms: proc.p50,
      scrapeP99Ms: proc.p99,
      duringCyclesP50Ms: busy.p50,
      duringCyclesP99Ms: busy.p99,
      floorP50Ms: floor.node.p50,
      floorP99Ms: floor.node.p99,
      /** The same figures measured by ApacheBench (ab -k -c 10), with its keep-alive and failure counts. */
      ab: { exporter: proc.ab, viaApp: proc.abViaApp, floor: floor.ab, duringCycles: busy.ab },
      exporterRssMiB: proc.rss,
      exporterPeakRssMiB: proc.peak,
      exporterRssAnonMiB: proc.anon,
      exporterRssFileMiB: proc.file,
      /** RSS in service (default interval, scraped every 15 s), after the first interval; undefined when not measured. */
      service,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Load, cycle and render timed in this process. */
async function benchInProcess(size: Size, snapshotFile: string, metricsFile: string) {
  // Loading: JSON.parse alone vs the exporter's snapshot load, both from the file on disk.
  const parseTimes: number[] = [];
  const loadTimes: number[] = [];
  for (let i = 0; i < size.repeats; i++) {
    // Each measurement starts from a collected heap: the garbage of one is not paid by the other.
    collectGarbage();
    const [parseMs] = await timeMs(async () => JSON.parse(await readFile(snapshotFile, 'utf8')));
    collectGarbage();
    parseTimes.push(parseMs);
    const source = createSnapshotSource({ paths: [snapshotFile] });
    const [loadMs] = await timeMs(() => source.read(Date.now()));
    loadTimes.push(loadMs);
  }
  const snap = (await createSnapshotSource({ paths: [snapshotFile, metricsFile] }).read(Date.now())).snapshot;

  // The cost cycle: allocate() on the loaded snapshot with the catalog price book.
  const prices = createPriceBook({ catalog: loadCatalog() });
  const window = { startMs: Date.now() - 60_000, endMs: Date.now() };
  // The loading loop above leaves hundreds of MiB of garbage that a running exporter has long
  // collected by its next cycle: cycles are timed from a collected heap (their own garbage counts).
  collectGarbage();
  const [coldCycleMs] = await timeMs(() => allocate(snap, prices, window));
  for (let i = 0; i < WARM_UP_CYCLES; i++) allocate(snap, prices, window);
  const cycleTimes: number[] = [];
  let report = allocate(snap, prices, window);
  for (let i = 0; i < size.repeats; i++) {
    const [ms, r] = await timeMs(() => allocate(snap, prices, window));
    cycleTimes.push(ms);
    report = r;
  }
  const counters = { costUsd: new Map(report.namespaces.map((n) => [n.namespace, 1])), spotSavingsUsd: new Map() };
  const renderTimes: number[] = [];
  let text = '';
  for (let i = 0; i < size.repeats; i++) {
    const [ms, t] = await timeMs(() => renderCostMetrics(report, counters, 'prometheus', 'cluster="bench"'));
    renderTimes.push(ms);
    text = t;
  }
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

  return {
    jsonParseMs: median(parseTimes),
    snapshotLoadMs: median(loadTimes),
    loadRatio: median(loadTimes) / median(parseTimes),
    coldCycleMs,
    cycleMs: median(cycleTimes),
    renderMs: median(renderTimes),
    series,
    metricsMiB: text.length / 2 ** 20,
  };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const inServiceText = (m: ServiceMemory | undefined): string =>
  m === undefined
    ? ''
    : `; in service (${SERVICE_INTERVAL_SECONDS} s cycles, scraped every 15 s, ${m.samples} readings over ${m.sampledSeconds} s after the first interval): median ${fmt(m.medianMiB, 0)} MiB (anonymous ${fmt(m.anonMiB, 0)}, files ${fmt(m.fileMiB, 0)}), 95th percentile ${fmt(m.p95MiB, 0)}, largest ${fmt(m.largestMiB, 0)}`;
const abCounts = (a: AbLatency) => `${a.complete} requests, ${a.keepAlive} kept alive, ${a.failed} failed`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`kube-cost-exporter benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, load average ${load()}`);
const results = [];
if (exporterEntry.startsWith('bin/') && SIZES.some((s) => wanted.includes(s.name))) {
  const { spawnSync } = await import('node:child_process');
  const build = spawnSync(new URL('../node_modules/.bin/tsc', import.meta.url).pathname, ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed; the exporter process runs dist/');
  if (exporterBuild === 'image') {
    const imageDir = mkdtempSync(join(tmpdir(), 'kce-bench-image-'));
    process.once('exit', () => rmSync(imageDir, { recursive: true, force: true }));
    const app = assembleImageApp(new URL('..', import.meta.url).pathname, join(imageDir, 'app'));
    exporterEntry = join(app, 'bin/kube-cost-exporter.js');
  }
}
console.log(`exporter process: node ${[...exporterNodeOptions, exporterEntry].join(' ')} --data-dir <a fresh temporary directory each run: empty SQLite history>; ${shipped.description}; this process: node ${process.execArgv.join(' ')}`);
for (const size of SIZES.filter((s) => wanted.includes(s.name))) {
  process.stderr.write(`bench: size ${size.name} (${size.nodes} nodes, ${size.pods} pods)...\n`);
  const r = await benchSize(size);
  results.push(r);
  console.log(
    `${r.size}: cycle ${fmt(r.cycleMs, 2)} ms (cold ${fmt(r.coldCycleMs, 1)} ms) | render ${fmt(r.renderMs, 2)} ms (${r.series} series, ${fmt(r.metricsMiB, 2)} MiB, gzip ${fmt(r.metricsGzipMiB, 2)} MiB) | ` +
      `scrape p50 ${fmt(r.scrapeP50Ms, 2)} ms p99 ${fmt(r.scrapeP99Ms, 2)} ms (10 concurrent Node clients, gzip; bare-server floor p50 ${fmt(r.floorP50Ms, 2)} p99 ${fmt(r.floorP99Ms, 2)}; during a cycle every second p50 ${fmt(r.duringCyclesP50Ms, 2)} p99 ${fmt(r.duringCyclesP99Ms, 2)}) | ` +
      `ab -k -c 10: p50 ${fmt(r.ab.exporter.p50, 2)} ms p99 ${fmt(r.ab.exporter.p99, 2)} ms, ${fmt(r.ab.exporter.serverCpuMsPerRequest ?? Number.NaN, 3)} ms CPU/scrape (floor p50 ${fmt(r.ab.floor.p50, 2)} p99 ${fmt(r.ab.floor.p99, 2)}, ${fmt(r.ab.floor.serverCpuMsPerRequest ?? Number.NaN, 3)} ms CPU; ` +
      `through the app p50 ${fmt(r.ab.viaApp.p50, 2)} p99 ${fmt(r.ab.viaApp.p99, 2)}, ${fmt(r.ab.viaApp.serverCpuMsPerRequest ?? Number.NaN, 3)} ms CPU; during cycles p50 ${fmt(r.ab.duringCycles.p50, 2)} p99 ${fmt(r.ab.duringCycles.p99, 2)}; ${abCounts(r.ab.exporter)}) | exporter RSS after the first cycle ${fmt(r.exporterRssMiB, 0)} MiB (peak ${fmt(r.exporterPeakRssMiB, 0)}; anonymous ${fmt(r.exporterRssAnonMiB, 0)}, files ${fmt(r.exporterRssFileMiB, 0)})${inServiceText(r.service)} | ` +
      `JSON.parse ${fmt(r.jsonParseMs)} ms vs snapshot load ${fmt(r.snapshotLoadMs)} ms = ${fmt(r.loadRatio, 2)}× (${r.snapshotMiB} MiB file) | load average ${load()}`,
  );
}
if (wanted.includes('M')) {
  const c = await compareWithPromClient(10_000);
  console.log(`render ${c.series} pod series: this writer ${fmt(c.oursMs, 2)} ms vs prom-client ${fmt(c.promClientMs, 2)} ms (${fmt(c.promClientMs / c.oursMs, 1)}× slower)`);
  results.push({ size: 'prom-client comparison', ...c });
}
console.log('\n| size | nodes | pods | cycle (median) | /metrics render | series | body (served gzip) | scrape p99, 10 concurrent: Node clients (floor) | ab -k -c 10 (floor) | exporter RSS after the first cycle | RSS in service: median (largest) | JSON.parse | snapshot load | ratio |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  if (!('cycleMs' in r)) continue;
  console.log(
    `| ${r.size} | ${r.nodes} | ${r.pods} | ${fmt(r.cycleMs, 2)} ms | ${fmt(r.renderMs, 2)} ms | ${r.series} | ${fmt(r.metricsMiB, 2)} MiB (${fmt(r.metricsGzipMiB, 2)} MiB) | ${fmt(r.scrapeP99Ms, 2)} ms (${fmt(r.floorP99Ms, 2)} ms) | ${fmt(r.ab.exporter.p99, 2)} ms (${fmt(r.ab.floor.p99, 2)} ms) | ${fmt(r.exporterRssMiB, 0)} MiB | ${r.service ? `${fmt(r.service.medianMiB, 0)} MiB (${fmt(r.service.largestMiB, 0)})` : 'not measured'} | ${fmt(r.jsonParseMs)} ms | ${fmt(r.snapshotLoadMs)} ms | ${fmt(r.loadRatio, 2)}× |`,
  );
}
// --- kubectl cost cold start (bench/kubectl-cost.ts); `--sizes` without `kubectl` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('kubectl')) {
  const { benchKubectlCost, printKubectlCostBench } = await import('./kubectl-cost.ts');
  printKubectlCostBench(await benchKubectlCost());
}
// --- end kubectl cost ---
// --- allocation API (bench/api.ts: 30 days × 10,000 pods through the history store); `--sizes` without `api` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('api')) {
  const { benchApi, printApiBench } = await import('./api.ts');
  printApiBench(await benchApi());
}
// --- end allocation API ---
// --- billing (bench/billing.ts: a month of CUR for 200 instances, CSV.gz read; ~30 s); `--sizes` without `billing` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('billing')) {
  const { benchBilling, printBillingBench } = await import('./billing.ts');
  printBillingBench(await benchBilling({ instances: [200], repeats: 3 }));
}
// --- end billing ---
// --- history store (bench/store.ts: SQLite, and PostgreSQL on a throwaway server; several minutes);
// `--sizes` without `store` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('store')) {
  const { benchStore, printStoreBench } = await import('./store.ts');
  printStoreBench(await benchStore());
}
// --- end history store ---
// --- per-container history (bench/containers.ts: SQLite, 10,000 pods, 31 days; ~10 min); only when
// `--sizes` names `containers` (not part of a full run) ---
if (wanted.includes('containers')) {
  const { benchContainers, printContainersBench } = await import('./containers.ts');
  printContainersBench(await benchContainers());
}
// --- end per-container history ---
// --- many clusters (bench/hub.ts: hub queries across 2 and 10 S clusters in one PostgreSQL; ~2 min);
// `--sizes` without `hub` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('hub')) {
  const { benchHub, printHubBench } = await import('./hub.ts');
  printHubBench(await benchHub());
}
// --- end many clusters ---
// --- live collection (bench/kube.ts: test API server + collector in their own processes, ~3 min);
// `--sizes` without `kube` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('kube')) {
  const { spawnSync } = await import('node:child_process');
  const kube = spawnSync(process.execPath, ['--expose-gc', new URL('./kube.ts', import.meta.url).pathname], { stdio: 'inherit' });
  if (kube.status !== 0) process.exitCode = 1;
}
// --- end live collection ---
// --- node agent (bench/agent.ts: the agent on a 110-pod fixture node, the aggregator pulling
// 1,000 simulated agents; ~1 min); `--sizes` without `agent` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('agent')) {
  const { spawnSync } = await import('node:child_process');
  const agent = spawnSync(process.execPath, [new URL('./agent.ts', import.meta.url).pathname], { stdio: 'inherit' });
  if (agent.status !== 0) process.exitCode = 1;
}
// --- end node agent ---
// --- web UI (bench/ui.ts: JS size, first load in Chromium); `--sizes` without `ui` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('ui')) {
  const { benchUi, printUiBench } = await import('./ui.ts');
  printUiBench(await benchUi());
}
// --- end web UI ---
// --- billing object stores (bench/billing-remote.ts: SDK import costs, listing a year of CUR versions; ~1 min);
// `--sizes` without `billing` skips it ---
if (argValue('--sizes') === undefined || wanted.includes('billing')) {
  const { spawnSync } = await import('node:child_process');
  const billing = spawnSync(process.execPath, ['--expose-gc', new URL('./billing-remote.ts', import.meta.url).pathname], { stdio: 'inherit' });
  if (billing.status !== 0) process.exitCode = 1;
}
// --- end billing object stores ---
if (outFile) writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
