// The agent's cgroup walk over fixture trees (v1 and v2 × systemd and cgroupfs × containerd,
// CRI-O and Docker), counters advanced between two reads, expectations computed by hand; then the
// real cgroup filesystem of this machine.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CgroupDriver } from '../src/agent/cgroup-paths.ts';
import type { CgroupVersion } from '../src/agent/cgroup-reader.ts';
import { detectLayout, NoKubepodsError, readCgroups, readCounters } from '../src/agent/cgroup-reader.ts';
import type { FixturePod, FixtureRuntime } from '../src/agent/fixtures.test-util.ts';
import { containerId, podUid, writeCgroupTree } from '../src/agent/fixtures.test-util.ts';
import { buildReport } from '../src/agent/report.ts';

const MiB = 1024 * 1024;
const A = podUid(1);
const B = podUid(2);
const C1 = containerId(0xc1);
const C2 = containerId(0xc2);
const C3 = containerId(0xc3);

/** Counters at t = 0 s. */
const BEFORE: FixturePod[] = [
  {
    uid: A,
    qos: 'burstable',
    counters: { cpuUsec: 1_200_000, memoryBytes: 320 * MiB, inactiveFileBytes: 100 * MiB, peakBytes: 400 * MiB, periods: 100, throttledPeriods: 10, throttledUsec: 50_000, readBytes: 4096, writeOps: 10 },
    containers: [{ id: C1, counters: { cpuUsec: 1_000_000, memoryBytes: 300 * MiB, inactiveFileBytes: 100 * MiB, peakBytes: 380 * MiB, periods: 100, throttledPeriods: 10, throttledUsec: 50_000, readBytes: 4096, writeOps: 10 } }],
  },
  {
    uid: B,
    qos: 'guaranteed',
    counters: { cpuUsec: 5_100_000, memoryBytes: 1024 * MiB, inactiveFileBytes: 24 * MiB },
    containers: [
      { id: C2, counters: { cpuUsec: 0, memoryBytes: 512 * MiB, inactiveFileBytes: 12 * MiB } },
      { id: C3, counters: { cpuUsec: 5_000_000, memoryBytes: 256 * MiB, inactiveFileBytes: 0 } },
    ],
  },
];

/** Counters at t = 10 s. */
const AFTER: FixturePod[] = [
  {
    uid: A,
    qos: 'burstable',
    counters: { cpuUsec: 6_400_000, memoryBytes: 330 * MiB, inactiveFileBytes: 100 * MiB, peakBytes: 400 * MiB, periods: 200, throttledPeriods: 35, throttledUsec: 550_000, readBytes: 4096 + MiB, writeOps: 30 },
    containers: [{ id: C1, counters: { cpuUsec: 6_000_000, memoryBytes: 310 * MiB, inactiveFileBytes: 100 * MiB, peakBytes: 380 * MiB, periods: 200, throttledPeriods: 35, throttledUsec: 550_000, readBytes: 4096 + MiB, writeOps: 30 } }],
  },
  {
    uid: B,
    qos: 'guaranteed',
    counters: { cpuUsec: 25_300_000, memoryBytes: 1024 * MiB, inactiveFileBytes: 24 * MiB },
    containers: [
      { id: C2, counters: { cpuUsec: 20_000_000, memoryBytes: 600 * MiB, inactiveFileBytes: 100 * MiB } },
      { id: C3, counters: { cpuUsec: 5_000_000, memoryBytes: 256 * MiB, inactiveFileBytes: 0 } },
    ],
  },
];

/** Hand-computed over the 10 s between the reads. */
const EXPECTED = {
  podA: { cpuCores: 0.52, memoryWorkingSetBytes: 230 * MiB, cpuThrottledRatio: 0.25, cpuThrottledSeconds: 0.5, ioReadBytes: MiB, ioWriteOps: 20 }, // (6.4 − 1.2) s / 10 s; 330 − 100 MiB; 25/100; 0.55 − 0.05 s
  c1: { cpuCores: 0.5, memoryWorkingSetBytes: 210 * MiB, cpuThrottledRatio: 0.25 }, // (6 − 1) s / 10 s; 310 − 100 MiB
  podB: { cpuCores: 2.02, memoryWorkingSetBytes: 1000 * MiB }, // (25.3 − 5.1) s / 10 s; 1024 − 24 MiB
  c2: { cpuCores: 2, memoryWorkingSetBytes: 500 * MiB }, // 20 s / 10 s; 600 − 100 MiB
  c3: { cpuCores: 0, memoryWorkingSetBytes: 256 * MiB },
};

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

const VERSIONS: CgroupVersion[] = ['v2', 'v1'];
const DRIVERS: CgroupDriver[] = ['systemd', 'cgroupfs'];
const RUNTIMES: FixtureRuntime[] = ['containerd', 'cri-o', 'docker'];

for (const version of VERSIONS) {
  for (const driver of DRIVERS) {
    for (const runtime of RUNTIMES) {
      test(`cgroup ${version} × ${driver} driver × ${runtime}: pods, containers and usage between two reads`, () => {
        const root = mkdtempSync(join(tmpdir(), 'kce-cgroup-'));
        try {
          writeCgroupTree(root, { version, driver, runtime, pods: BEFORE });
          const layout = detectLayout(root);
          assert.equal(layout.version, version);
          assert.equal(layout.driver, driver);
          const first = readCgroups(layout, { now: () => 1_000_000 });
          writeCgroupTree(root, { version, driver, runtime, pods: AFTER });
          const second = readCgroups(layout, { now: () => 1_010_000 });
          assert.deepEqual(second.warnings, []);
          const expectedRuntime = driver === 'cgroupfs' && runtime !== 'cri-o' ? 'unknown' : runtime;
          const report = buildReport({ node: 'node-1', previous: first, current: second });
          assert.equal(report.pods.length, 2);
          const a = report.pods.find((p) => p.uid === A)!;
          const b = report.pods.find((p) => p.uid === B)!;
          assert.equal(a.qos, 'burstable');
          assert.equal(b.qos, 'guaranteed');
          for (const [k, v] of Object.entries(EXPECTED.podA)) close(a[k as keyof typeof EXPECTED.podA], v, `pod A ${k}`);
          assert.equal(a.memoryPeakBytes, 400 * MiB);
          const c1 = a.containers.find((c) => c.id === C1)!;
          assert.equal(c1.runtime, expectedRuntime);
          for (const [k, v] of Object.entries(EXPECTED.c1)) close(c1[k as keyof typeof EXPECTED.c1], v, `c1 ${k}`);
          for (const [k, v] of Object.entries(EXPECTED.podB)) close(b[k as keyof typeof EXPECTED.podB], v, `pod B ${k}`);
          assert.equal(b.memoryPeakBytes, null);
          assert.equal(b.containers.length, 2);
          for (const [k, v] of Object.entries(EXPECTED.c2)) close(b.containers.find((c) => c.id === C2)![k as keyof typeof EXPECTED.c2], v, `c2 ${k}`);
          for (const [k, v] of Object.entries(EXPECTED.c3)) close(b.containers.find((c) => c.id === C3)![k as keyof typeof EXPECTED.c3], v, `c3 ${k}`);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      });
    }
  }
}

test('a pod that appears between reads grew from zero; a vanished file is a warning, not a crash', () => {
  const root = mkdtempSync(join(tmpdir(), 'kce-cgroup-'));
  try {
    writeCgroupTree(root, { version: 'v2', driver: 'systemd', runtime: 'containerd', pods: [BEFORE[0]!] });
    const layout = detectLayout(root);
    const first = readCgroups(layout, { now: () => 0 });
    writeCgroupTree(root, { version: 'v2', driver: 'systemd', runtime: 'containerd', pods: AFTER });
    rmSync(join(root, 'kubepods.slice', 'kubepods-burstable.slice', `kubepods-burstable-pod${A.replaceAll('-', '_')}.slice`, 'memory.stat'));
    const second = readCgroups(layout, { now: () => 10_000 });
    const report = buildReport({ node: 'n', previous: first, current: second });
    assert.deepEqual(report.pods.map((p) => p.uid), [B]);
    close(report.pods[0]!.cpuCores, 2.53, 'new pod B: 25.3 s of CPU since it started, over 10 s');
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]!, /kubepods-burstable-pod.*memory\.stat: file: missing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a root without kubepods is a typed error naming the root', () => {
  const root = mkdtempSync(join(tmpdir(), 'kce-cgroup-'));
  try {
    assert.throws(() => detectLayout(root), (err: unknown) => err instanceof NoKubepodsError && err.message.startsWith(`${root}: cgroup.controllers: neither a cgroup v2 root`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** This process's own cgroups, from /proc/self/cgroup (`hierarchy-id:controllers:path`). */
function ownCgroups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === '') out.set('unified', m[3]!);
    for (const c of m[2]!.split(',')) if (c !== '') out.set(c, m[3]!);
  }
  return out;
}

test("the real cgroup filesystem: this test process's own cgroup is read and its usage is plausible", (t) => {
  const own = ownCgroups();
  const root = '/sys/fs/cgroup';
  let unified = false;
  try {
    readFileSync(join(root, 'cgroup.controllers'));
    unified = true;
  } catch {}
  const rel = unified ? own.get('unified') : own.get('memory');
  if (rel === undefined) {
    t.skip(`/proc/self/cgroup names no ${unified ? 'unified' : 'memory'} cgroup: ${JSON.stringify([...own])}`);
    return;
  }
  if (unified && rel === '/') {
    // The v2 root cgroup has no memory.current: there is nothing of this process's own to read.
    t.skip('this process is in the cgroup v2 root (/proc/self/cgroup says "0::/"), which has no memory.current or per-cgroup memory.stat');
    return;
  }
  // The same reader the agent uses, pointed at this process's cgroup instead of a kubepods tree.
  const layout = unified
    ? { version: 'v2' as const, driver: 'cgroupfs' as const, walkRoot: root }
    : { version: 'v1' as const, driver: 'cgroupfs' as const, walkRoot: join(root, 'memory'), v1: { cpuacct: join(root, 'cpuacct'), cpu: join(root, 'cpu'), memory: join(root, 'memory'), blkio: join(root, 'blkio') } };
  // cgroup v1 keeps each controller in its own hierarchy, so a process can sit at different paths
  // per controller (in this sandbox: memory at /process_api/<id>, cpuacct and blkio at /): read each
  // controller at this process's own path for it, as /proc/self/cgroup says.
  const counters = readCounters(layout, unified ? rel : { memory: rel, cpu: own.get('cpuacct') ?? rel, blkio: own.get('blkio') ?? rel });
  const rssBytes = process.memoryUsage().rss;
  const cpuUsec = process.cpuUsage().user + process.cpuUsage().system;
  t.diagnostic(`cgroup ${unified ? 'v2' : 'v1'} ${rel}: memory ${counters.memoryUsageBytes} B (working set ${counters.memoryWorkingSetBytes} B), this process RSS ${rssBytes} B; cpu ${counters.cpuUsageUsec} µs, this process ${cpuUsec} µs`);
  // The cgroup holds at least this process: its memory charge is at least a good part of our RSS
  // (shared library pages may be charged to the cgroup that first touched them) and at most the machine.
  assert.ok(counters.memoryUsageBytes > 0, 'memory usage is positive');
  assert.ok(counters.memoryUsageBytes < 1024 ** 4, 'memory usage below 1 TiB');
  assert.ok(counters.memoryWorkingSetBytes <= counters.memoryUsageBytes);
  // CPU: the cgroup's cumulative CPU includes this process's own CPU time.
  assert.ok(counters.cpuUsageUsec >= cpuUsec * 0.9, `cgroup CPU ${counters.cpuUsageUsec} µs ≥ this process's ${cpuUsec} µs`);
});
