// The floor under the node agent's CPU per collection: the system calls a collection makes on the
// bench's fixture node, with no parsing, no report and no HTTP. bench/agent.ts runs it in a child
// process with the agent's Node flags and at the agent's spacing (one round a second), so that the
// agent's figure can be read against what the kernel (and this machine) charge for the same reads.
//
// A round: readdir of every directory below the kubepods cgroup (the agent walks the tree each
// collection), one pread from offset 0 of each file the agent keeps open — per cgroup cpu.stat,
// memory.current, memory.stat, memory.peak, io.stat (v2); the cgroup.procs of a pod's first container — and each pod
// process's /proc/<pid>/net/dev. Descriptors stay open between rounds, as the agent keeps them.
//
// Usage: node bench/agent-floor.ts CGROUP_ROOT PROC_ROOT ROUNDS SPACING_MS
// Prints one JSON line: { rounds, preads, readdirs, cpuMsPerRound, wallMsPerRound }.
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

const [cgroupRoot, procRoot, roundsArg, spacingArg] = process.argv.slice(2);
if (cgroupRoot === undefined || procRoot === undefined) throw new Error('usage: agent-floor.ts CGROUP_ROOT PROC_ROOT ROUNDS SPACING_MS');
const rounds = Number(roundsArg ?? '30');
const spacingMs = Number(spacingArg ?? '1000');

const CGROUP_FILES = ['cpu.stat', 'memory.current', 'memory.stat', 'memory.peak', 'io.stat'];
const dirs: string[] = [];
const files: string[] = [];
const POD_DIR = /pod[0-9a-f]{8}[-_]/;
const walk = (dir: string): void => {
  dirs.push(dir);
  let firstChild = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const child = join(dir, entry.name);
    for (const f of CGROUP_FILES) if (existsSync(join(child, f))) files.push(join(child, f));
    // The agent finds a pod's process in the cgroup.procs of its (first) container.
    if (firstChild && POD_DIR.test(dir.slice(dir.lastIndexOf('/'))) && existsSync(join(child, 'cgroup.procs'))) files.push(join(child, 'cgroup.procs'));
    firstChild = false;
    walk(child);
  }
};
const top = ['kubepods.slice', 'kubepods'].map((d) => join(cgroupRoot, d)).find((d) => existsSync(d));
if (top === undefined) throw new Error(`${cgroupRoot}: no kubepods.slice or kubepods`);
walk(top);
for (const pid of readdirSync(procRoot)) {
  const dev = join(procRoot, pid, 'net', 'dev');
  if (/^\d+$/.test(pid) && existsSync(dev)) files.push(dev);
}

const fds = files.map((f) => openSync(f, 'r'));
const buffer = Buffer.allocUnsafe(64 * 1024);
let cpuMicros = 0;
let wallMs = 0;
for (let r = 0; r < rounds; r++) {
  if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const d of dirs) readdirSync(d);
  for (const fd of fds) readSync(fd, buffer, 0, buffer.length, 0);
  wallMs += performance.now() - t;
  const used = process.cpuUsage(cpu);
  cpuMicros += used.user + used.system;
}
for (const fd of fds) closeSync(fd);
console.log(JSON.stringify({ rounds, preads: fds.length, readdirs: dirs.length, cpuMsPerRound: cpuMicros / 1000 / rounds, wallMsPerRound: wallMs / rounds }));
