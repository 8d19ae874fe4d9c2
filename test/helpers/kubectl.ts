// The real kubectl with the plugin found on the PATH as `kubectl-cost` (and Node 24 next to it): the
// way users run `kubectl cost`. Shared by the plugin, server-mode and UI tests.
import { symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnChild } from './children.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Links bin/kubectl-cost.js into a directory as `kubectl-cost`. */
export function installPlugin(into: string): void {
  symlinkSync(join(ROOT, 'bin/kubectl-cost.js'), join(into, 'kubectl-cost'));
}

/** Runs kubectl with `pluginDir` first on the PATH and as HOME; killed after 60 s. */
export function runKubectl(args: readonly string[], options: { pluginDir: string; input?: string; cwd?: string; kubeconfig?: string }): Promise<Run> {
  const child = spawnChild('kubectl', args, {
    cwd: options.cwd ?? options.pluginDir,
    env: {
      PATH: [options.pluginDir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: options.pluginDir,
      NO_COLOR: '1',
      ...(options.kubeconfig === undefined ? {} : { KUBECONFIG: options.kubeconfig }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.process.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.process.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  // A bound on a hang, not a timing: kubectl and the plugin (its process group) are killed after 60 s.
  const timer = setTimeout(() => void child.stop({ signal: 'SIGKILL' }), 60_000);
  // kubectl may exit without reading its input (`kubectl plugin list`): the write then fails with
  // EPIPE, which is no error of the test (seen at load 17). Other errors still fail it.
  child.process.stdin?.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') child.process.emit('error', err);
  });
  child.process.stdin?.end(options.input ?? '');
  return new Promise((resolvePromise, reject) => {
    child.process.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
