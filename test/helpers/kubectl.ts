// The real kubectl with the plugin found on the PATH as `kubectl-cost` (and Node 24 next to it): the
// way users run `kubectl cost`. Shared by the plugin, server-mode and UI tests.
import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
  return new Promise((resolvePromise, reject) => {
    const child = spawn('kubectl', args, {
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
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
