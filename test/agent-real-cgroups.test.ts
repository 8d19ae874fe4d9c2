// The agent's collector on the real cgroup filesystem of this machine, which need not be a
// Kubernetes node: the test makes a kubepods hierarchy of its own in the real cgroup mounts (cgroupfs
// driver, one burstable pod with one containerd container), moves this test process into the
// container's cgroup, spends CPU and allocates memory there, and runs the collector twice (the
// cgroup files it keeps open are read again from offset 0, as the agent does every interval).
// What the agent reports must match what this process says of itself: CPU time from
// /proc/self/stat and process.cpuUsage(), memory from process.memoryUsage(), within tolerances.
// Then the container's cgroup is removed under the collector's open files, as when a container ends.
// Skipped, saying why, where the cgroup filesystem is not writable (not root, or a read-only mount);
// test/agent-cgroups.test.ts then still reads this process's own cgroup read-only.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCollector } from '../src/agent/collector.ts';
import { containerId, podUid } from '../src/agent/fixtures.test-util.ts';

const MiB = 1024 * 1024;
const ROOT = '/sys/fs/cgroup';
const TICKS_PER_SECOND = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux
const UID = podUid(0x5e1f);
const CID = containerId(0x5e1f);
const TAG = `kce-agent-test-${process.pid}`;
const POD_REL = `kubepods/burstable/pod${UID}`;
const LEAF_REL = `${POD_REL}/${CID}`;

/** utime + stime of this process from /proc/self/stat, in seconds (1/100 s resolution). */
function statCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function rusageCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** This process's cgroups, from /proc/self/cgroup: controller (or '' for v2) → path. */
function ownCgroups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === '') out.set('', m[3]!);
    for (const c of m[2]!.split(',')) if (c !== '') out.set(c, m[3]!);
  }
  return out;
}

interface Setup {
  /** What the collector is pointed at (--cgroup-root). */
  readonly cgroupRoot: string;
  readonly version: 'v1' | 'v2';
  /** Moves this process into the container's cgroup. */
  enter(): void;
  /** Moves it back where it was. */
  leave(): void;
  /** Removes the container's cgroup (this process must have left it). */
  removeContainer(): void;
  /** Moves it back and removes every cgroup made that is still there. */
  cleanup(): void;
}

/** cgroup v1: the tree in each controller's mount, and a root of symlinks to them. */
function setupV1(): Setup | string {
  const controllers = ['memory', 'cpuacct', 'cpu', 'blkio'].filter((c) => existsSync(join(ROOT, c, 'cgroup.procs')));
  if (!controllers.includes('memory') || !controllers.includes('cpuacct')) return `cgroup v1 without separate memory and cpuacct mounts under ${ROOT} (${controllers.join(', ') || 'none'})`;
  const own = ownCgroups();
  const made: string[] = [];
  const links = mkdtempSync(join(tmpdir(), 'kce-real-cgroup-'));
  try {
    for (const c of controllers) {
      const base = join(ROOT, c, TAG);
      let at = base;
      mkdirSync(at);
      made.push(at);
      for (const part of LEAF_REL.split('/')) {
        at = join(at, part);
        mkdirSync(at);
        made.push(at);
      }
      symlinkSync(base, join(links, c));
    }
  } catch (err) {
    for (const d of made.reverse()) rmdirSync(d);
    rmSync(links, { recursive: true, force: true });
    return `cannot make cgroups under ${ROOT}: ${(err as Error).message}`;
  }
  const leave = (): void => {
    for (const c of controllers) {
      try {
        writeFileSync(join(ROOT, c, own.get(c) ?? '/', 'cgroup.procs'), String(process.pid));
      } catch {
        writeFileSync(join(ROOT, c, 'cgroup.procs'), String(process.pid));
      }
    }
  };
  return {
    cgroupRoot: links,
    version: 'v1',
    enter() {
      for (const c of controllers) writeFileSync(join(ROOT, c, TAG, LEAF_REL, 'cgroup.procs'), String(process.pid));
    },
    leave,
    removeContainer() {
      for (const c of controllers) rmdirSync(join(ROOT, c, TAG, LEAF_REL));
    },
    cleanup() {
      leave();
      for (const d of made.reverse()) if (existsSync(d)) rmdirSync(d);
      rmSync(links, { recursive: true, force: true });
    },
  };
}

/** cgroup v2: the tree below the unified root with cpu, memory and io enabled down to the pod. */
function setupV2(): Setup | string {
  const own = ownCgroups().get('') ?? '/';
  const base = join(ROOT, TAG);
  const made: string[] = [];
  try {
    const enable = (dir: string): void => writeFileSync(join(dir, 'cgroup.subtree_control'), '+cpu +memory +io');
    enable(ROOT);
    let at = base;
    mkdirSync(at);
    made.push(at);
    for (const part of LEAF_REL.split('/')) {
      enable(at);
      at = join(at, part);
      mkdirSync(at);
      made.push(at);
    }
  } catch (err) {
    for (const d of made.reverse()) rmdirSync(d);
    return `cannot make cgroups with the cpu, memory and io controllers under ${ROOT}: ${(err as Error).message}`;
  }
  const leave = (): void => writeFileSync(join(ROOT, own, 'cgroup.procs'), String(process.pid));
  return {
    cgroupRoot: base,
    version: 'v2',
    enter() {
      writeFileSync(join(base, LEAF_REL, 'cgroup.procs'), String(process.pid));
    },
    leave,
    removeContainer() {
      rmdirSync(join(base, LEAF_REL));
    },
    cleanup() {
      leave();
      for (const d of made.reverse()) if (existsSync(d)) rmdirSync(d);
    },
  };
}

function setup(): Setup | string {
  if (!existsSync(ROOT)) return `no ${ROOT}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: the cgroup filesystem is not writable';
  return existsSync(join(ROOT, 'cgroup.controllers')) ? setupV2() : setupV1();
}

/** Spends about `ms` of CPU in this thread. */
function burn(ms: number): number {
  const until = rusageCpuSeconds() + ms / 1000;
  let x = 0;
  while (rusageCpuSeconds() < until) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
  return x;
}

test("the agent on this machine's real cgroup filesystem: the pod cgroup holding this test process is found and reported with this process's own CPU time and memory", async (t) => {
  const s = setup();
  if (typeof s === 'string') {
    t.skip(s);
    return;
  }
  let held: Buffer | undefined;
  try {
    s.enter();
    assert.ok(readFileSync('/proc/self/cgroup', 'utf8').includes(LEAF_REL), 'this process is in the container cgroup');
    const collector = createCollector({ nodeName: 'this-machine', cgroupRoot: s.cgroupRoot, procRoot: '/proc', network: false, conntrack: false });
    assert.equal(collector.layout.version, s.version);
    assert.equal(collector.layout.driver, 'cgroupfs');

    const statBefore = statCpuSeconds();
    const rusageBefore = rusageCpuSeconds();
    assert.equal(await collector.collect(), undefined, 'the first collection is the baseline');
    const statAfterBaseline = statCpuSeconds();
    const rusageAfterBaseline = rusageCpuSeconds();
    // Memory charged from now on is the pod's (neither v1 nor v2 moves earlier charges along).
    held = Buffer.alloc(64 * MiB, 1); // every page written
    burn(400);
    const statBeforeReport = statCpuSeconds();
    const rusageBeforeReport = rusageCpuSeconds();
    const report = await collector.collect();
    const statAfter = statCpuSeconds();
    const rusageAfter = rusageCpuSeconds();
    const rssBytes = process.memoryUsage().rss;
    assert.ok(report !== undefined);
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(
      report.pods.map((p) => [p.uid, p.qos, p.containers.map((c) => c.id)]),
      [[UID, 'burstable', [CID]]],
    );
    const pod = report.pods[0]!;
    const container = pod.containers[0]!;
    const seconds = (report.toMs - report.fromMs) / 1000;
    const podCpuSeconds = pod.cpuCores * seconds;
    const containerCpuSeconds = container.cpuCores * seconds;
    t.diagnostic(
      `cgroup ${s.version}: pod CPU ${podCpuSeconds.toFixed(4)} s over ${seconds.toFixed(3)} s; this process: /proc/self/stat ${(statBeforeReport - statAfterBaseline).toFixed(2)}–${(statAfter - statBefore).toFixed(2)} s, getrusage ${(rusageBeforeReport - rusageAfterBaseline).toFixed(4)}–${(rusageAfter - rusageBefore).toFixed(4)} s; ` +
        `memory: pod working set ${(pod.memoryWorkingSetBytes / MiB).toFixed(1)} MiB, peak ${pod.memoryPeakBytes === null ? 'n/a' : (pod.memoryPeakBytes / MiB).toFixed(1)} MiB; this process RSS ${(rssBytes / MiB).toFixed(1)} MiB (buffer ${held.length / MiB} MiB)`,
    );

    // CPU: the pod's cgroup holds this process alone, so its CPU time between the two reads lies
    // between what this process spent strictly between the two collections and what it spent from
    // before the first to after the second; /proc/self/stat counts in 1/100 s, so ± 2 ticks.
    const tick = 1 / TICKS_PER_SECOND;
    assert.ok(podCpuSeconds >= statBeforeReport - statAfterBaseline - 2 * tick, `pod CPU ${podCpuSeconds} s ≥ /proc/self/stat ${statBeforeReport - statAfterBaseline} s − 2 ticks`);
    assert.ok(podCpuSeconds <= statAfter - statBefore + 2 * tick, `pod CPU ${podCpuSeconds} s ≤ /proc/self/stat ${statAfter - statBefore} s + 2 ticks`);
    // getrusage counts to the microsecond: 5 ms of tolerance for the scheduler's accounting.
    assert.ok(podCpuSeconds >= rusageBeforeReport - rusageAfterBaseline - 0.005, `pod CPU ${podCpuSeconds} s ≥ getrusage ${rusageBeforeReport - rusageAfterBaseline} s`);
    assert.ok(podCpuSeconds <= rusageAfter - rusageBefore + 0.005, `pod CPU ${podCpuSeconds} s ≤ getrusage ${rusageAfter - rusageBefore} s`);
    assert.ok(podCpuSeconds >= 0.395, `the 400 ms burnt are in the pod: ${podCpuSeconds} s`);
    // The container is the pod's only child: the same CPU time (the two files are read µs apart).
    assert.ok(Math.abs(containerCpuSeconds - podCpuSeconds) <= 0.005, `container ${containerCpuSeconds} s ≈ pod ${podCpuSeconds} s`);

    // Memory: the 64 MiB written after entering are charged to the pod; nothing charged can exceed
    // what this process holds resident plus the kernel's pages for it (page tables, slab: a few MiB).
    assert.ok(pod.memoryWorkingSetBytes >= 64 * MiB, `pod working set ${pod.memoryWorkingSetBytes} B ≥ the 64 MiB buffer`);
    assert.ok(pod.memoryWorkingSetBytes <= rssBytes + 16 * MiB, `pod working set ${pod.memoryWorkingSetBytes} B ≤ this process's RSS ${rssBytes} B + 16 MiB`);
    assert.ok(container.memoryWorkingSetBytes >= 64 * MiB && container.memoryWorkingSetBytes <= pod.memoryWorkingSetBytes, `container working set ${container.memoryWorkingSetBytes} B`);
    if (pod.memoryPeakBytes !== null) assert.ok(pod.memoryPeakBytes >= pod.memoryWorkingSetBytes, `peak ${pod.memoryPeakBytes} B ≥ working set`);

    // The container ends: its cgroup is removed while the collector still holds its files open
    // (reads of them now fail in the kernel). The next collection reports the pod without it, with
    // no warning, and closes what it held of the container.
    const openBefore = readdirSync('/proc/self/fd').length;
    s.leave();
    s.removeContainer();
    const after = await collector.collect();
    assert.ok(after !== undefined);
    assert.deepEqual(after.warnings, []);
    assert.deepEqual(
      after.pods.map((p) => [p.uid, p.containers.length]),
      [[UID, 0]],
    );
    const openAfter = readdirSync('/proc/self/fd').length;
    assert.ok(openAfter < openBefore, `the container's files are closed: ${openBefore} → ${openAfter} descriptors`);
    collector.close();
    assert.ok(readdirSync('/proc/self/fd').length < openAfter, 'close() closes the pod\'s files');
  } finally {
    held = undefined;
    s.cleanup();
  }
});
