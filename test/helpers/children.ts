// Child processes of the tests (exporters, Prometheus, kubectl) that cannot outlive their test.
//
// A child left running keeps the test file's event loop alive (its pipes and its 'exit' listener),
// so the file never ends and the whole `npm test` run waits for CI's limit. Every child spawned here:
//   - runs in its own process group (`detached`), so stopping it also stops what it spawned;
//   - is stopped by `stop()`: SIGTERM, then SIGKILL of the whole group if it has not exited
//     within `graceMs` (30 s: longer than the exporter's default --shutdown-timeout) — the wait is bounded whatever the child does with SIGTERM;
//   - is killed (SIGKILL, whole group) when this test process exits or is told to stop, if a test
//     forgot it or timed out before its cleanup ran.
// `stopWith(t, child)` registers the stop as a cleanup of the test (`t.after`), which node:test runs
// when the test passes, throws or times out.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already (ESRCH)
  }
}

function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    // What the signal would have done without this listener: end this process.
    process.kill(process.pid, signal);
  });
}

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the exit code (null when ended by a signal) once the child has exited. */
  readonly exited: Promise<number | null>;
  /** Everything the child wrote to stdout and stderr so far (when they are pipes). */
  output(): string;
  /** SIGTERM (or `signal`), SIGKILL of its group after `graceMs`; resolves with the exit code. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<number | null>;
}

/** Spawns `command` in its own process group, tracked until it exits; collects its output. */
export function spawnChild(command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'> = {}): Child {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      // Whatever it started dies with it.
      killGroup(child, 'SIGKILL');
      resolve(code);
    });
    child.once('error', () => {
      running.delete(child);
      resolve(null);
    });
  });
  return { process: child, exited, output: () => output, stop: (o) => stopChild(child, exited, o) };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, { signal = 'SIGTERM', graceMs = 30_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([exited, killed]);
    clearTimeout(timer);
  }
  return await exited;
}

/** Stops `child` when the test `t` ends, however it ends (passed, failed, timed out). */
export function stopWith(t: { after(fn: () => Promise<void> | void): void }, child: Child): Child {
  t.after(async () => {
    await child.stop();
  });
  return child;
}
