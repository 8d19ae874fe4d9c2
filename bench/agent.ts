// The node agent (docs/agent.md), each side in its own process:
//   - a fixture node with 110 pods (2 containers each, cgroup v2, systemd driver, containerd, one
//     process per pod with its network namespace): the real `kube-cost-exporter agent` collecting
//     every second — its RSS, CPU per collection (process CPU time / collections) and the wall
//     time of a collection, and the /v1/usage payload (plain and gzip)
//   - the aggregator pulling 1,000 simulated agents (one server process answering for
//     127.0.x.y:port, each a 110-pod report), with the exporter's concurrency and timeout: the time
//     one pull round takes, which must fit in an interval (60 s by default)
// The agent runs as in the image: tsc (tsconfig.build.json) + deploy/docker/bundle.mjs into
// .tmp/bench-agent, then `node bin/kube-cost-exporter.js agent …` (which loads the agent's own
// bundle, dist/cli/kube-cost-agent.js), with the image's default flags, with
// NODE_OPTIONS=--max-semi-space-size=1 (the manifests' default), and with --jitless or
// --lite-mode added (interpreter only / no optimizing compilers: less memory, more CPU; --lite-mode
// is not allowed in NODE_OPTIONS, so it is passed on the command line). RSS is reported with its
// anonymous part (the process's own memory; the rest is the node binary's file pages).
// Usage: node bench/agent.ts [--pods 110] [--agents 1000] [--collections 30] [--no-aggregator] [--runs 1]
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCgroupTree } from '../src/agent/fixtures.test-util.ts';
import type { FixturePod } from '../src/agent/fixtures.test-util.ts';
import type { AgentUsageReport } from '../src/agent/report.ts';
import { mergeAgentUsage, pullAll } from '../src/sources/agent/agent-usage.ts';
import type { AgentTarget } from '../src/sources/agent/agent-usage.ts';

const args = process.argv.slice(2);
const arg = (flag: string, fallback: string): string => {
  const i = args.indexOf(flag);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const PODS = Number(arg('--pods', '110'));
const AGENTS = Number(arg('--agents', '1000'));
const COLLECTIONS = Number(arg('--collections', '30'));
const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

// IDs as random-looking as real ones (64-hex container IDs, v4-shaped UIDs), so that the gzip
// figure is not flattered by repetitive fixtures.
const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex');
const containerId = (n: number): string => hex(`container-${n}`);
const podUid = (n: number): string => {
  const h = hex(`pod-${n}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function fixtureNode(dir: string): void {
  const pods: FixturePod[] = [];
  for (let i = 0; i < PODS; i++) {
    const c = { cpuUsec: 1_000_003 * i + 17, memoryBytes: 200 * 2 ** 20, inactiveFileBytes: 20 * 2 ** 20, peakBytes: 250 * 2 ** 20, readBytes: 4096 * i, writeBytes: 8192 * i, readOps: i, writeOps: 2 * i, periods: 1000, throttledPeriods: 10, throttledUsec: 5000 };
    pods.push({
      uid: podUid(i + 1),
      qos: i % 3 === 0 ? 'guaranteed' : i % 3 === 1 ? 'burstable' : 'besteffort',
      counters: c,
      containers: [
        { id: containerId(2 * i + 1), counters: { ...c, pids: [10_000 + i] } },
        { id: containerId(2 * i + 2), counters: c },
      ],
    });
    const proc = join(dir, 'proc', String(10_000 + i));
    mkdirSync(join(proc, 'net'), { recursive: true });
    writeFileSync(join(proc, 'net', 'dev'), `Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n  eth0: ${i * 1000} 10 0 0 0 0 0 0 ${i * 2000} 20 0 0 0 0 0 0\n`);
  }
  writeCgroupTree(join(dir, 'cgroup'), { version: 'v2', driver: 'systemd', runtime: 'containerd', pods });
}

function procStat(pid: number): { cpuSeconds: number; rssMiB: number; anonMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMiB: kb('VmRSS') / 1024, anonMiB: kb('RssAnon') / 1024 };
}

async function metric(url: string, name: string, token: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.slice(line.lastIndexOf(' ') + 1));
}

interface AgentFigures {
  readonly pods: number;
  readonly collections: number;
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  readonly anonMiB: number;
  readonly cpuMsPerCollection: number;
  readonly collectionWallMs: number;
  readonly payloadKiB: number;
  readonly payloadGzipKiB: number;
}

/** Compiles and bundles the CLI as the Dockerfile does; returns the image's entry point (bin/). */
function buildBundle(): string {
  const out = join(process.cwd(), '.tmp', 'bench-agent');
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', join(out, 'dist')], { stdio: 'inherit' });
  execFileSync(process.execPath, ['deploy/docker/bundle.mjs', join(out, 'dist'), join(out, 'app', 'dist', 'cli', 'kube-cost-exporter.js')], { stdio: 'inherit' });
  writeFileSync(join(out, 'app', 'package.json'), readFileSync('package.json'));
  mkdirSync(join(out, 'app', 'bin'));
  writeFileSync(join(out, 'app', 'bin', 'kube-cost-exporter.js'), readFileSync('bin/kube-cost-exporter.js'));
  return join(out, 'app', 'bin', 'kube-cost-exporter.js');
}

async function benchAgent(bundle: string, flags: string): Promise<AgentFigures> {
  const nodeOptions = flags.split(' ').filter((f) => f !== '' && f !== '--lite-mode').join(' ');
  const execArgv = flags.includes('--lite-mode') ? ['--lite-mode'] : [];
  const dir = mkdtempSync(join(tmpdir(), 'kce-bench-agent-'));
  try {
    fixtureNode(dir);
    writeFileSync(join(dir, 'token'), 'bench-token\n');
    const child = spawn(process.execPath, [...execArgv, bundle, 'agent', '--node-name', 'bench-node', '--cgroup-root', join(dir, 'cgroup'), '--proc-root', join(dir, 'proc'), '--no-kube', '--host', '127.0.0.1', '--port', '0', '--interval', '1s', '--auth-token-file', join(dir, 'token'), '--log-format', 'json'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stderr!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /serving \/v1\/usage on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
      child.once('exit', (code) => reject(new Error(`agent exited with ${code}: ${out}`)));
    });
    const headers = { authorization: 'Bearer bench-token' };
    // Warm up: a few collections, so that the first report exists and the JIT has run.
    await new Promise((r) => setTimeout(r, 3000));
    const collectionsBefore = await metric(url, 'kube_cost_agent_collections_total', 'bench-token');
    const before = procStat(child.pid!);
    const rss: number[] = [];
    const anon: number[] = [];
    // No request to the agent while it is measured: RSS from /proc each second, the collection
    // count and the last collection's wall time from one /metrics read at the end.
    for (let i = 0; i < COLLECTIONS; i++) {
      if (process.env['BENCH_DEBUG']) process.stderr.write(`collection ${i} ${new Date().toISOString()}\n`);
      await new Promise((r) => setTimeout(r, 1000));
      const now = procStat(child.pid!);
      rss.push(now.rssMiB);
      anon.push(now.anonMiB);
    }
    const after = procStat(child.pid!);
    const collections = (await metric(url, 'kube_cost_agent_collections_total', 'bench-token')) - collectionsBefore;
    const lastWallMs = (await metric(url, 'kube_cost_agent_collection_duration_seconds', 'bench-token')) * 1000;
    const plain = await (await fetch(`${url}/v1/usage`, { headers })).text();
    const report = JSON.parse(plain) as AgentUsageReport;
    child.kill('SIGTERM');
    return {
      pods: report.pods.length,
      collections,
      rssMiB: median(rss),
      peakRssMiB: Math.max(...rss),
      anonMiB: median(anon),
      cpuMsPerCollection: ((after.cpuSeconds - before.cpuSeconds) * 1000) / collections,
      collectionWallMs: lastWallMs,
      payloadKiB: Buffer.byteLength(plain) / 1024,
      payloadGzipKiB: gzipSync(plain).length / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchAggregator(): Promise<{ agents: number; podsEach: number; pullRoundMs: number; mergeMs: number; failures: number }> {
  // One process answers for every simulated agent (any 127.0.x.y address), each with a 110-pod report.
  const pods = Array.from({ length: PODS }, (_, i) => ({
    uid: podUid(i + 1),
    namespace: 'bench',
    name: `pod-${i}`,
    qos: 'burstable',
    cpuCores: 0.1,
    cpuThrottledRatio: 0,
    cpuThrottledSeconds: 0,
    memoryWorkingSetBytes: 2 ** 27,
    memoryPeakBytes: 2 ** 28,
    ioReadBytes: 0,
    ioWriteBytes: 0,
    ioReadOps: 0,
    ioWriteOps: 0,
    containers: [{ id: containerId(i), name: 'app', runtime: 'containerd', cpuCores: 0.1, cpuThrottledRatio: 0, cpuThrottledSeconds: 0, memoryWorkingSetBytes: 2 ** 27, memoryPeakBytes: 2 ** 28, ioReadBytes: 0, ioWriteBytes: 0, ioReadOps: 0, ioWriteOps: 0 }],
  }));
  const server = createServer((req, res) => {
    const node = req.headers.host ?? '';
    const body = gzipSync(JSON.stringify({ apiVersion: 'agent.kube-cost-exporter.io/v1', node, cgroupVersion: 'v2', driver: 'systemd', fromMs: Date.now() - 15_000, toMs: Date.now(), pods, warnings: [] }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const port = (server.address() as AddressInfo).port;
  const targets: AgentTarget[] = Array.from({ length: AGENTS }, (_, i) => ({ node: `node-${i}`, pod: `kube-cost/agent-${i}`, url: `http://127.0.${Math.floor(i / 250)}.${(i % 250) + 1}:${port}/v1/usage` }));
  const rounds: number[] = [];
  let failures = 0;
  let merges: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    const results = await pullAll(targets, { concurrency: 32, timeoutMs: 5000 });
    rounds.push(performance.now() - t);
    const reports = new Map<string, AgentUsageReport>();
    for (const [node, res] of results) {
      if (res.ok) reports.set(node, res.report);
      else failures++;
    }
    const podInfos = targets.flatMap((tg) => pods.map((p) => ({ uid: `${tg.node}/${p.uid}`, namespace: 'bench', name: `${tg.node}-${p.name}`, nodeName: tg.node }) as never));
    const t2 = performance.now();
    mergeAgentUsage({ pods: podInfos, nodes: targets.map((tg) => tg.node), metricsUsage: undefined, reports });
    merges = [...merges, performance.now() - t2];
  }
  await new Promise<void>((r) => server.close(() => r()));
  return { agents: AGENTS, podsEach: PODS, pullRoundMs: median(rounds), mergeMs: median(merges), failures };
}

const fmt = (n: number, d = 1): string => n.toFixed(d);
console.log(`node agent benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
const bundle = buildBundle();
const RUNS = Number(arg('--runs', '1'));
for (const flags of ['', '--max-semi-space-size=1', '--max-semi-space-size=1 --jitless', '--max-semi-space-size=1 --lite-mode']) {
  for (let run = 0; run < RUNS; run++) {
    const a = await benchAgent(bundle, flags);
    console.log(
      `agent${flags ? ` (${flags})` : ''}, load ${loadavg()[0]!.toFixed(1)}, ${a.pods} pods (${2 * PODS} containers): RSS ${fmt(a.rssMiB)} MiB (peak ${fmt(a.peakRssMiB)}; anonymous ${fmt(a.anonMiB)}) | CPU ${fmt(a.cpuMsPerCollection, 2)} ms per collection (${a.collections} collections) | last collection wall ${fmt(a.collectionWallMs, 2)} ms | /v1/usage ${fmt(a.payloadKiB)} KiB (gzip ${fmt(a.payloadGzipKiB)} KiB)`,
  );
  }
}
if (args.includes('--no-aggregator')) process.exit(0);
const g = await benchAggregator();
console.log(`aggregator: ${g.agents} agents × ${g.podsEach} pods pulled in ${fmt(g.pullRoundMs, 0)} ms per round (concurrency 32, median of 3; ${g.failures} failures) | merge ${fmt(g.mergeMs, 1)} ms`);
console.log(`load average after: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
