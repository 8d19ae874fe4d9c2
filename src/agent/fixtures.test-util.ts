// Writes cgroup trees as a node's kernel would lay them out (v1 or v2, systemd or cgroupfs driver,
// containerd, CRI-O or Docker naming) into a directory, for tests and the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupDriver, QosClass } from './cgroup-paths.ts';
import { containerDirName, podCgroupPath } from './cgroup-paths.ts';
import type { CgroupVersion } from './cgroup-reader.ts';

export type FixtureRuntime = 'containerd' | 'cri-o' | 'docker';

/** Raw counters as the kernel writes them. */
export interface FixtureCounters {
  readonly cpuUsec: number;
  readonly periods?: number;
  readonly throttledPeriods?: number;
  readonly throttledUsec?: number;
  readonly memoryBytes: number;
  readonly inactiveFileBytes: number;
  readonly peakBytes?: number;
  readonly readBytes?: number;
  readonly writeBytes?: number;
  readonly readOps?: number;
  readonly writeOps?: number;
  readonly pids?: readonly number[];
}

export interface FixtureContainer {
  readonly id: string;
  readonly counters: FixtureCounters;
}

export interface FixturePod {
  readonly uid: string;
  readonly qos: QosClass;
  readonly counters: FixtureCounters;
  readonly containers: readonly FixtureContainer[];
}

function write(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** A v2 memory.stat with every key a 6.x kernel writes, in its order. */
function memoryStatV2(c: FixtureCounters): string {
  const anon = c.memoryBytes - c.inactiveFileBytes;
  const keys: [string, number][] = [
    ['anon', anon], ['file', c.inactiveFileBytes], ['kernel', 1_228_800], ['kernel_stack', 98_304], ['pagetables', 311_296], ['sec_pagetables', 0], ['percpu', 480],
    ['sock', 0], ['vmalloc', 0], ['shmem', 0], ['zswap', 0], ['zswapped', 0], ['file_mapped', 0], ['file_dirty', 0], ['file_writeback', 0], ['swapcached', 0],
    ['anon_thp', 0], ['file_thp', 0], ['shmem_thp', 0], ['inactive_anon', anon], ['active_anon', 0], ['inactive_file', c.inactiveFileBytes], ['active_file', 0],
    ['unevictable', 0], ['slab_reclaimable', 412_672], ['slab_unreclaimable', 356_864], ['slab', 769_536], ['workingset_refault_anon', 0], ['workingset_refault_file', 37],
    ['workingset_activate_anon', 0], ['workingset_activate_file', 3], ['workingset_restore_anon', 0], ['workingset_restore_file', 0], ['workingset_nodereclaim', 0],
    ['pgscan', 0], ['pgsteal', 0], ['pgscan_kswapd', 0], ['pgscan_direct', 0], ['pgscan_khugepaged', 0], ['pgsteal_kswapd', 0], ['pgsteal_direct', 0], ['pgsteal_khugepaged', 0],
    ['pgfault', 48_213], ['pgmajfault', 11], ['pgrefill', 0], ['pgactivate', 22], ['pgdeactivate', 0], ['pglazyfree', 0], ['pglazyfreed', 0], ['thp_fault_alloc', 0], ['thp_collapse_alloc', 0],
  ];
  return keys.map(([k, v]) => `${k} ${v}\n`).join('');
}

function filesV2(c: FixtureCounters): Record<string, string> {
  const files: Record<string, string> = {
    'cpu.stat': `usage_usec ${c.cpuUsec}\nuser_usec ${Math.floor(c.cpuUsec * 0.7)}\nsystem_usec ${c.cpuUsec - Math.floor(c.cpuUsec * 0.7)}\nnr_periods ${c.periods ?? 0}\nnr_throttled ${c.throttledPeriods ?? 0}\nthrottled_usec ${c.throttledUsec ?? 0}\nnr_bursts 0\nburst_usec 0\n`,
    'memory.current': `${c.memoryBytes}\n`,
    'memory.stat': memoryStatV2(c),
    'io.stat': `8:0 rbytes=${c.readBytes ?? 0} wbytes=${c.writeBytes ?? 0} rios=${c.readOps ?? 0} wios=${c.writeOps ?? 0} dbytes=0 dios=0\n`,
    'cgroup.procs': (c.pids ?? []).map((p) => `${p}\n`).join(''),
  };
  if (c.peakBytes !== undefined) files['memory.peak'] = `${c.peakBytes}\n`;
  return files;
}

function blkio(read: number, write: number): string {
  return `8:0 Read ${read}\n8:0 Write ${write}\n8:0 Sync ${read + write}\n8:0 Async 0\n8:0 Discard 0\n8:0 Total ${read + write}\nTotal ${read + write}\n`;
}

function writeV1(root: string, rel: string, c: FixtureCounters): void {
  write(join(root, 'cpu,cpuacct', rel), {
    'cpuacct.usage': `${c.cpuUsec * 1000}\n`,
    'cpu.stat': `nr_periods ${c.periods ?? 0}\nnr_throttled ${c.throttledPeriods ?? 0}\nthrottled_time ${(c.throttledUsec ?? 0) * 1000}\n`,
    'cgroup.procs': (c.pids ?? []).map((p) => `${p}\n`).join(''),
  });
  const memory: Record<string, string> = {
    'memory.usage_in_bytes': `${c.memoryBytes}\n`,
    'memory.stat': `cache ${c.inactiveFileBytes}\nrss ${c.memoryBytes - c.inactiveFileBytes}\ninactive_file ${c.inactiveFileBytes}\ntotal_cache ${c.inactiveFileBytes}\ntotal_rss ${c.memoryBytes - c.inactiveFileBytes}\ntotal_inactive_file ${c.inactiveFileBytes}\n`,
    'cgroup.procs': (c.pids ?? []).map((p) => `${p}\n`).join(''),
  };
  if (c.peakBytes !== undefined) memory['memory.max_usage_in_bytes'] = `${c.peakBytes}\n`;
  write(join(root, 'memory', rel), memory);
  write(join(root, 'blkio', rel), {
    'blkio.throttle.io_service_bytes': blkio(c.readBytes ?? 0, c.writeBytes ?? 0),
    'blkio.throttle.io_serviced': blkio(c.readOps ?? 0, c.writeOps ?? 0),
  });
}

/** Writes (or overwrites, to advance counters) a node's kubepods tree under `root`. */
export function writeCgroupTree(root: string, options: { version: CgroupVersion; driver: CgroupDriver; runtime: FixtureRuntime; pods: readonly FixturePod[] }): void {
  const { version, driver, runtime, pods } = options;
  if (version === 'v2') {
    write(root, { 'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n' });
    mkdirSync(join(root, driver === 'systemd' ? 'kubepods.slice' : 'kubepods'), { recursive: true });
  } else {
    for (const c of ['cpu,cpuacct', 'memory', 'blkio']) mkdirSync(join(root, c, driver === 'systemd' ? 'kubepods.slice' : 'kubepods'), { recursive: true });
  }
  for (const pod of pods) {
    const podRel = podCgroupPath(driver, pod.qos, pod.uid);
    if (version === 'v2') write(join(root, podRel), filesV2(pod.counters));
    else writeV1(root, podRel, pod.counters);
    for (const c of pod.containers) {
      const rel = `${podRel}/${containerDirName(driver, runtime, c.id)}`;
      if (version === 'v2') write(join(root, rel), filesV2(c.counters));
      else writeV1(root, rel, c.counters);
    }
  }
}

/** A 64-hex container ID from a small number, for readable tests. */
export function containerId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

/** A pod UID from a small number. */
export function podUid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
