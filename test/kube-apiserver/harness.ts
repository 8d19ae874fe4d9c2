// A test API server with a kubeconfig on disk, and the `kube` source connected to it through
// @kubernetes/client-node, with fast backoffs so that scenario tests take seconds.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeSource, KubeSourceOptions } from '../../src/sources/kube/kube-source.ts';
import { kubeSourceFor, loadKubeConfig, transportFor } from '../../src/sources/kube/kubeconfig.ts';
import type { FakeApiServer, FakeApiServerOptions } from './server.ts';
import { startFakeApiServer } from './server.ts';

export interface TestCluster {
  readonly server: FakeApiServer;
  readonly dir: string;
  readonly kubeconfigPath: string;
  /** A new source on the server (closed by `close()`). */
  source(options?: Omit<KubeSourceOptions, 'transport' | 'description'>): Promise<KubeSource>;
  close(): Promise<void>;
}

export const FAST: Omit<KubeSourceOptions, 'transport' | 'description'> = {
  backoff: { initialMs: 10, maxMs: 100 },
  unreachableAfterMs: 0,
  // How long a first read waits for the first lists: a bound on a hang, not a timing. 10 s was too
  // short at load 20 (10,000 pods in pages of 500 were still being listed). Tests that expect the
  // sync not to finish set their own, after waiting for the condition they check.
  firstSyncTimeoutMs: 120_000,
};

export async function startTestCluster(options: FakeApiServerOptions = {}): Promise<TestCluster> {
  const server = await startFakeApiServer({ token: 'test-token', ...options });
  const dir = mkdtempSync(join(tmpdir(), 'kce-kube-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, server.kubeconfig());
  const sources: KubeSource[] = [];
  return {
    server,
    dir,
    kubeconfigPath,
    async source(sourceOptions = {}) {
      const loaded = await loadKubeConfig({ kubeconfigPath, env: {} });
      const source = kubeSourceFor(loaded, transportFor(loaded), { ...FAST, ...sourceOptions });
      sources.push(source);
      return source;
    },
    async close() {
      await Promise.all(sources.map((s) => s.close()));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`:
 * generous by default, as it bounds a hang on a loaded machine and times nothing.
 */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real kubectl against the cluster (asynchronously: the server lives in this process). */
export function kubectl(cluster: TestCluster, args: readonly string[], options: { untilStdout?: RegExp; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', cluster.kubeconfigPath, ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cluster.dir, KUBECACHEDIR: join(cluster.dir, 'cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // A bound on a hang (kubectl killed), generous for a loaded machine; it times nothing.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (options.untilStdout?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
