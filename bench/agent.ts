// The node agent (docs/agent.md), each side in its own process:
//   - a fixture node with 110 pods (2 containers each, cgroup v2, systemd driver, containerd, one
//     process per pod with its network namespace): the real `kube-cost-exporter agent` collecting
//     every second — its memory, CPU per collection (process CPU time / collections) and the wall
//     time of a collection, and the /v1/usage payload (plain and gzip)
//   - the aggregator pulling 1,000 simulated agents (one server process answering for
//     127.0.x.y:port, each a 110-pod report), with the exporter's concurrency and timeout: the time
//     one pull round takes, which must fit in an interval (60 s by default)
// The agent runs as in the image: tsc (tsconfig.build.json) + deploy/docker/bundle.mjs into
// .tmp/bench-agent, then `node [flags] bin/kube-cost-exporter.js agent …` (which loads the agent's
// own bundle, dist/cli/kube-cost-agent.js), once per variant of Node flags (VARIANTS below).
//
// Memory, three ways (docs/benchmarks.md, "Node agent"):
//   - VmRSS, split into anonymous (the process's own: heap, stacks, malloc) and file-backed
//     (pages of the node binary it has touched: page cache, shared, reclaimable), and threads;
//   - where a memory cgroup can be made here (root, cgroup v1 or v2), the agent runs in its own
//     cgroup with a copy of the node binary that is not in the page cache yet (written with
//     O_DIRECT), as the first container of its image on a node would: the cgroup's usage and the
//     working set the kubelet reports (usage − inactive file);
// `--kernfs` runs the default variant once more on 110 pods of real cgroups made here (root only),
// whose files the kernel generates on each read, as on a node.
//   - `--limits 60,70,80` (MiB): the default variant (or `--limits-variant NAME`) again under each memory limit, with the CPU
//     it then uses and its major page faults — the smallest limit it runs in without thrashing.
// Usage: node bench/agent.ts [--pods 110] [--agents 1000] [--collections 30] [--no-aggregator] [--runs 1]
//        [--limits 60,70,80] [--limits-variant jitless] [--variants default,old] [--kernfs] [--runtime PATH]
// Each variant's line ends with the floor: bench/agent-floor.ts making the same system calls as a
// collection on the same files (no parsing), with the same flags, one second apart and back to back.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
import { median } from './stats.ts';

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

interface ProcFigures {
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly anonMiB: number;
  readonly fileMiB: number;
  readonly threads: number;
}

function procStat(pid: number): ProcFigures {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMiB: kb('VmRSS') / 1024, anonMiB: kb('RssAnon') / 1024, fileMiB: kb('RssFile') / 1024, threads: kb('Threads') };
}

// --- a memory cgroup of its own (root only; skipped elsewhere) ---------------------------------

interface MemoryCgroup {
  readonly dir: string;
  readonly version: 'v1' | 'v2';
}

function makeMemoryCgroup(): MemoryCgroup | undefined {
  const name = `kce-bench-agent-${process.pid}`;
  const candidates: MemoryCgroup[] = existsSync('/sys/fs/cgroup/cgroup.controllers') ? [{ dir: `/sys/fs/cgroup/${name}`, version: 'v2' }] : [{ dir: `/sys/fs/cgroup/memory/${name}`, version: 'v1' }];
  for (const c of candidates) {
    try {
      mkdirSync(c.dir);
      if (existsSync(join(c.dir, c.version === 'v2' ? 'memory.current' : 'memory.usage_in_bytes'))) return c;
      rmdirSync(c.dir);
    } catch {
      // not root, or no memory controller here
    }
  }
  return undefined;
}

function cgroupMemory(cg: MemoryCgroup): { usageMiB: number; workingSetMiB: number; kernelMiB: number; majorFaults: number } {
  const stat = readFileSync(join(cg.dir, 'memory.stat'), 'utf8');
  const value = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0);
  const usage = Number(readFileSync(join(cg.dir, cg.version === 'v2' ? 'memory.current' : 'memory.usage_in_bytes'), 'utf8'));
  const inactive = cg.version === 'v2' ? value('inactive_file') : value('total_inactive_file');
  // Kernel memory charged to it (v1 kmem, v2 `kernel`): open files' seq_file buffers, page tables, stacks.
  const kernel = cg.version === 'v2' ? value('kernel') : Number(readFileSync(join(cg.dir, 'memory.kmem.usage_in_bytes'), 'utf8'));
  return { usageMiB: usage / 2 ** 20, workingSetMiB: Math.max(0, usage - inactive) / 2 ** 20, kernelMiB: kernel / 2 ** 20, majorFaults: cg.version === 'v2' ? value('pgmajfault') : value('total_pgmajfault') };
}

function setLimit(cg: MemoryCgroup, bytes: number | undefined): void {
  writeFileSync(join(cg.dir, cg.version === 'v2' ? 'memory.max' : 'memory.limit_in_bytes'), bytes === undefined ? (cg.version === 'v2' ? 'max' : '-1') : String(bytes));
}

async function removeCgroup(cg: MemoryCgroup): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(cg.dir);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // its last process is still exiting
    }
  }
}

/** A copy of the node binary that is not in the page cache (O_DIRECT), as on a node that has just pulled the image. */
function freshNodeBinary(source = process.execPath): string {
  const out = join(process.cwd(), '.tmp', 'bench-agent', 'node');
  rmSync(out, { force: true });
  execFileSync('dd', [`if=${source}`, `of=${out}`, 'bs=4M', 'oflag=direct', 'status=none']);
  execFileSync('chmod', ['+x', out]);
  return out;
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
  readonly fileMiB: number;
  readonly threads: number;
  /** In its own memory cgroup (undefined where none can be made): usage and the kubelet's working set, at the end. */
  readonly cgroup: { readonly usageMiB: number; readonly workingSetMiB: number; readonly kernelMiB: number; readonly majorFaults: number } | undefined;
  readonly cpuMsPerCollection: number;
  /** The agent's own kube_cost_agent_collection_cpu_seconds_total: CPU inside collect() only (no timers, no idle-time GC). */
  readonly inCollectionCpuMs: number;
  readonly collectionWallMs: number;
  readonly payloadKiB: number;
  readonly payloadGzipKiB: number;
  /** bench/agent-floor.ts on the same files with the same flags: one second apart (as the agent), and back to back. */
  readonly floor: { readonly preads: number; readonly readdirs: number; readonly cpuMs: number; readonly backToBackCpuMs: number } | undefined;
}

/** Node flags: NODE_OPTIONS where Node allows them there (as the manifests set them), the others on the command line. */
interface Variant {
  readonly name: string;
  readonly nodeOptions: string;
  readonly commandLine: readonly string[];
  readonly executable?: string;
}

const VARIANTS: readonly Variant[] = [
  { name: 'image defaults', nodeOptions: '', commandLine: [] },
  { name: 'old', nodeOptions: '--max-semi-space-size=1', commandLine: [] },
  // The manifests' default since 2026-11-30 (agent.nodeOptions): one V8 worker thread instead of four.
  { name: 'default', nodeOptions: '--max-semi-space-size=1 --v8-pool-size=1', commandLine: [] },
  { name: 'no-optimizers', nodeOptions: '--max-semi-space-size=1 --v8-pool-size=1', commandLine: ['--no-opt', '--no-maglev'] },
  { name: 'jitless', nodeOptions: '--max-semi-space-size=1 --v8-pool-size=1 --jitless', commandLine: [] },
  // `--runtime PATH`: the same bundle on another JavaScript runtime (e.g. Bun's binary), no flags.
  ...(arg('--runtime', '') === '' ? [] : [{ name: 'runtime', nodeOptions: '', commandLine: [], executable: arg('--runtime', '') }]),
];
const variantLabel = (v: Variant): string => (v.executable === undefined ? '' : `${v.executable}: `) + ([v.nodeOptions, ...v.commandLine].filter((f) => f !== '').join(' ') || 'no flags');
/**
 * The 110-pod tree made of real cgroups (kernfs files the kernel generates on each read, not the
 * fixture's ext4 files) below a cgroup of the bench's own in this machine's mounts, with a root of
 * symlinks to point --cgroup-root at; cgroupfs driver. Undefined (and why) where cgroups cannot be made.
 */
function realCgroupTree(): { root: string; remove: () => void } | string {
  const tag = `kce-bench-kernfs-${process.pid}`;
  const made: string[] = [];
  const links = mkdtempSync(join(tmpdir(), 'kce-bench-kernfs-'));
  const remove = (): void => {
    for (const d of [...made].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // already gone
      }
    }
    rmSync(links, { recursive: true, force: true });
  };
  const mk = (d: string): void => {
    mkdirSync(d);
    made.push(d);
  };
  const podDirs = (base: string): void => {
    mk(join(base, 'kubepods'));
    mk(join(base, 'kubepods', 'burstable'));
    mk(join(base, 'kubepods', 'besteffort'));
    for (let i = 0; i < PODS; i++) {
      const qos = i % 3 === 0 ? '' : i % 3 === 1 ? 'burstable' : 'besteffort';
      const pod = join(base, 'kubepods', qos, `pod${podUid(i + 1)}`);
      mk(pod);
      mk(join(pod, containerId(2 * i + 1)));
      mk(join(pod, containerId(2 * i + 2)));
    }
  };
  try {
    if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
      const base = `/sys/fs/cgroup/${tag}`;
      mk(base);
      const enable = (d: string): void => writeFileSync(join(d, 'cgroup.subtree_control'), '+cpu +memory +io');
      enable('/sys/fs/cgroup');
      enable(base);
      podDirs(base);
      return { root: base, remove };
    }
    const controllers = ['memory', 'cpuacct', 'cpu', 'blkio'].filter((c) => existsSync(join('/sys/fs/cgroup', c, 'cgroup.procs')));
    if (!controllers.includes('memory') || !controllers.includes('cpuacct')) return 'no cgroup v1 memory and cpuacct mounts';
    for (const c of controllers) {
      const base = join('/sys/fs/cgroup', c, tag);
      mk(base);
      podDirs(base);
      symlinkSync(base, join(links, c));
    }
    return { root: links, remove };
  } catch (err) {
    remove();
    return `cannot make cgroups here: ${(err as Error).message}`;
  }
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

/** bench/agent-floor.ts (the system calls of a collection, nothing else) with the variant's flags: `rounds` one second apart, then back to back. */
function agentFloor(variant: Variant, cgroupRoot: string, procRoot: string, rounds: number): NonNullable<AgentFigures['floor']> {
  mkdirSync(procRoot, { recursive: true });
  const run = (spacingMs: number, n: number): { preads: number; readdirs: number; cpuMsPerRound: number } =>
    JSON.parse(
      execFileSync(process.execPath, [...variant.commandLine, new URL('./agent-floor.ts', import.meta.url).pathname, cgroupRoot, procRoot, String(n), String(spacingMs)], {
        env: { ...process.env, NODE_OPTIONS: variant.nodeOptions },
        encoding: 'utf8',
      }),
    );
  const spaced = run(1000, rounds);
  const backToBack = run(0, rounds);
  return { preads: spaced.preads, readdirs: spaced.readdirs, cpuMs: spaced.cpuMsPerRound, backToBackCpuMs: backToBack.cpuMsPerRound };
}

/** The agent did not serve within 60 s (thrashing under a memory limit). */
class StartTimeout extends Error {
  readonly majorFaults: number;
  constructor(majorFaults: number) {
    super(`did not start serving within 60 s (${majorFaults} major page faults)`);
    this.majorFaults = majorFaults;
  }
}

async function benchAgent(bundle: string, variant: Variant, options: { cgroup?: MemoryCgroup; limitBytes?: number; collections?: number; realCgroupRoot?: string } = {}): Promise<AgentFigures> {
  const { cgroup, limitBytes, collections: count = COLLECTIONS, realCgroupRoot } = options;
  const dir = mkdtempSync(join(tmpdir(), 'kce-bench-agent-'));
  let child: ChildProcess | undefined;
  try {
    fixtureNode(dir);
    writeFileSync(join(dir, 'token'), 'bench-token\n');
    // On real cgroups no process is in the pods: no network namespaces to read (--no-network).
    const where = realCgroupRoot === undefined ? ['--cgroup-root', join(dir, 'cgroup'), '--proc-root', join(dir, 'proc')] : ['--cgroup-root', realCgroupRoot, '--no-network'];
    const agentArgs = [...variant.commandLine, bundle, 'agent', '--node-name', 'bench-node', ...where, '--no-kube', '--host', '127.0.0.1', '--port', '0', '--interval', '1s', '--auth-token-file', join(dir, 'token'), '--log-format', 'json'];
    const env = { ...process.env, NODE_OPTIONS: variant.nodeOptions };
    if (cgroup !== undefined) {
      // The shell joins the cgroup, then becomes the agent: every page it touches is charged there.
      setLimit(cgroup, limitBytes);
      const procs = join(cgroup.dir, 'cgroup.procs');
      child = spawn('sh', ['-c', `echo $$ > ${procs} && exec "$@"`, 'sh', freshNodeBinary(variant.executable), ...agentArgs], { stdio: ['ignore', 'ignore', 'pipe'], env });
    } else {
      child = spawn(variant.executable ?? process.execPath, agentArgs, { stdio: ['ignore', 'ignore', 'pipe'], env });
    }
    const agent = child;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      // Under a small memory limit the agent can thrash before it even serves: give up after 60 s.
      const timer = setTimeout(() => reject(new StartTimeout(cgroup === undefined ? 0 : cgroupMemory(cgroup).majorFaults)), 60_000);
      agent.stderr!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /serving \/v1\/usage on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
      agent.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`agent exited with ${code}: ${out}`));
      });
    });
    const headers = { authorization: 'Bearer bench-token' };
    // Warm up: a few collections, so that the first report exists and the JIT has run.
    await new Promise((r) => setTimeout(r, 3000));
    const collectionsBefore = await metric(url, 'kube_cost_agent_collections_total', 'bench-token');
    const inCollectionsBefore = await metric(url, 'kube_cost_agent_collection_cpu_seconds_total', 'bench-token');
    const before = procStat(agent.pid!);
    const faultsBefore = cgroup === undefined ? 0 : cgroupMemory(cgroup).majorFaults;
    const rss: number[] = [];
    const anon: number[] = [];
    const file: number[] = [];
    // No request to the agent while it is measured: memory from /proc each second, the collection
    // count and the last collection's wall time from one /metrics read at the end.
    for (let i = 0; i < count; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = procStat(agent.pid!);
      rss.push(now.rssMiB);
      anon.push(now.anonMiB);
      file.push(now.fileMiB);
    }
    const after = procStat(agent.pid!);
    const cg = cgroup === undefined ? undefined : cgroupMemory(cgroup);
    const collections = (await metric(url, 'kube_cost_agent_collections_total', 'bench-token')) - collectionsBefore;
    const inCollections = (await metric(url, 'kube_cost_agent_collection_cpu_seconds_total', 'bench-token')) - inCollectionsBefore;
    const lastWallMs = (await metric(url, 'kube_cost_agent_collection_duration_seconds', 'bench-token')) * 1000;
    const plain = await (await fetch(`${url}/v1/usage`, { headers })).text();
    const report = JSON.parse(plain) as AgentUsageReport;
    // The floor runs on the same files once the agent has stopped, with the same flags and spacing.
    const stopped = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await stopped;
    // (On real cgroups only where they are v2: bench/agent-floor.ts reads the v2 file names.)
    const floorWanted = limitBytes === undefined && variant.executable === undefined && (realCgroupRoot === undefined || existsSync(join(realCgroupRoot, 'cgroup.controllers')));
    const floor = floorWanted ? agentFloor(variant, realCgroupRoot ?? join(dir, 'cgroup'), realCgroupRoot === undefined ? join(dir, 'proc') : join(dir, 'no-proc'), count) : undefined;
    return {
      pods: report.pods.length,
      collections,
      rssMiB: median(rss),
      peakRssMiB: Math.max(...rss),
      anonMiB: median(anon),
      fileMiB: median(file),
      threads: after.threads,
      cgroup: cg === undefined ? undefined : { usageMiB: cg.usageMiB, workingSetMiB: cg.workingSetMiB, kernelMiB: cg.kernelMiB, majorFaults: cg.majorFaults - faultsBefore },
      cpuMsPerCollection: ((after.cpuSeconds - before.cpuSeconds) * 1000) / collections,
      inCollectionCpuMs: (inCollections * 1000) / collections,
      collectionWallMs: lastWallMs,
      payloadKiB: Buffer.byteLength(plain) / 1024,
      payloadGzipKiB: gzipSync(plain).length / 1024,
      floor,
    };
  } finally {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      // A thrashing agent under a small limit answers signals slowly: lift the limit, then kill.
      if (cgroup !== undefined) setLimit(cgroup, undefined);
      child.kill('SIGKILL');
      await exited;
    }
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
const floorText = (a: AgentFigures): string =>
  a.floor === undefined ? '' : ` | floor (the same ${a.floor.preads} preads and ${a.floor.readdirs} readdirs, no parsing, same flags): ${fmt(a.floor.cpuMs, 2)} ms one second apart, ${fmt(a.floor.backToBackCpuMs, 2)} ms back to back`;
console.log(`node agent benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
const bundle = buildBundle();
const RUNS = Number(arg('--runs', '1'));
const cgroup = makeMemoryCgroup();
if (cgroup === undefined) console.log('no memory cgroup of its own here (not root, or no memory controller): cgroup figures skipped');
const wantedVariants = arg('--variants', '').split(',').filter((v) => v !== '');
try {
  for (const variant of VARIANTS.filter((v) => wantedVariants.length === 0 || wantedVariants.includes(v.name))) {
    for (let run = 0; run < RUNS; run++) {
      const a = await benchAgent(bundle, variant, cgroup !== undefined ? { cgroup } : {});
      const cg = a.cgroup === undefined ? '' : ` | own cgroup: usage ${fmt(a.cgroup.usageMiB)} MiB, working set ${fmt(a.cgroup.workingSetMiB)} MiB (kernel ${fmt(a.cgroup.kernelMiB)})`;
      console.log(
        `agent (${variantLabel(variant)}), load ${loadavg()[0]!.toFixed(1)}, ${a.pods} pods (${2 * PODS} containers): VmRSS ${fmt(a.rssMiB)} MiB (peak ${fmt(a.peakRssMiB)}; anonymous ${fmt(a.anonMiB)}, file ${fmt(a.fileMiB)}; ${a.threads} threads)${cg} | CPU ${fmt(a.cpuMsPerCollection, 2)} ms per collection (${fmt(a.inCollectionCpuMs, 2)} inside collect(); ${a.collections} collections) | last collection wall ${fmt(a.collectionWallMs, 2)} ms | /v1/usage ${fmt(a.payloadKiB)} KiB (gzip ${fmt(a.payloadGzipKiB)} KiB)${floorText(a)}`,
      );
    }
  }
  // The default variant on real cgroup files: what the kernel's side of a collection costs.
  if (args.includes('--kernfs')) {
    const tree = realCgroupTree();
    if (typeof tree === 'string') console.log(`real cgroups: skipped (${tree})`);
    else {
      try {
        const variant = VARIANTS.find((v) => v.name === 'default')!;
        for (let run = 0; run < RUNS; run++) {
          const a = await benchAgent(bundle, variant, { ...(cgroup !== undefined ? { cgroup } : {}), realCgroupRoot: tree.root });
          const cg = a.cgroup === undefined ? '' : ` | own cgroup: usage ${fmt(a.cgroup.usageMiB)} MiB, working set ${fmt(a.cgroup.workingSetMiB)} MiB (kernel ${fmt(a.cgroup.kernelMiB)})`;
          console.log(`agent (${variantLabel(variant)}) on ${a.pods} pods of real cgroups (${existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1'}, --no-network), load ${loadavg()[0]!.toFixed(1)}: VmRSS ${fmt(a.rssMiB)} MiB (anonymous ${fmt(a.anonMiB)}, file ${fmt(a.fileMiB)})${cg} | CPU ${fmt(a.cpuMsPerCollection, 2)} ms per collection (${fmt(a.inCollectionCpuMs, 2)} inside collect(); ${a.collections} collections) | last collection wall ${fmt(a.collectionWallMs, 2)} ms${floorText(a)}`);
        }
      } finally {
        tree.remove();
      }
    }
  }
  // The smallest memory limit the default variant runs in: below it the kernel keeps evicting the
  // node binary's pages the agent needs again next second (major faults), and CPU climbs.
  const limits = arg('--limits', '').split(',').filter((l) => l !== '').map(Number);
  const limitVariant = VARIANTS.find((v) => v.name === arg('--limits-variant', 'default'));
  if (limitVariant === undefined) throw new Error(`--limits-variant: one of ${VARIANTS.map((v) => v.name).join(', ')}`);
  if (limits.length > 0 && cgroup === undefined) console.log('--limits needs a memory cgroup of its own: skipped');
  for (const mib of limits) {
    if (cgroup === undefined) break;
    let a: AgentFigures;
    try {
      a = await benchAgent(bundle, limitVariant, { cgroup, limitBytes: mib * 2 ** 20, collections: 12 });
    } catch (err) {
      if (!(err instanceof StartTimeout)) throw err;
      console.log(`agent (${variantLabel(limitVariant)}) under a ${mib} MiB memory limit, load ${loadavg()[0]!.toFixed(1)}: ${err.message}`);
      continue;
    }
    console.log(
      `agent (${variantLabel(limitVariant)}) under a ${mib} MiB memory limit, load ${loadavg()[0]!.toFixed(1)}: CPU ${fmt(a.cpuMsPerCollection, 2)} ms per collection, ${a.cgroup!.majorFaults} major page faults in ${a.collections} collections | VmRSS ${fmt(a.rssMiB)} MiB (anonymous ${fmt(a.anonMiB)}, file ${fmt(a.fileMiB)}), cgroup usage ${fmt(a.cgroup!.usageMiB)} MiB, working set ${fmt(a.cgroup!.workingSetMiB)} MiB`,
    );
  }
} finally {
  if (cgroup !== undefined) await removeCgroup(cgroup);
}
if (args.includes('--no-aggregator')) process.exit(0);
const g = await benchAggregator();
console.log(`aggregator: ${g.agents} agents × ${g.podsEach} pods pulled in ${fmt(g.pullRoundMs, 0)} ms per round (concurrency 32, median of 3; ${g.failures} failures) | merge ${fmt(g.mergeMs, 1)} ms`);
console.log(`load average after: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
