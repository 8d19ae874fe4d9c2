import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../core/errors.ts';
import { detectKubeCluster, loadKubeConfig, locateKubeConfig } from './kubeconfig.ts';

test('locateKubeConfig: --kubeconfig, then KUBECONFIG (existing files), then ~/.kube/config, then in-cluster', () => {
  const files = new Set(['/home/u/.kube/config', '/etc/a', '/etc/b', '/sa/token']);
  const exists = (p: string) => files.has(p);
  const base = { homeDir: '/home/u', fileExists: exists, serviceAccountDir: '/sa' };
  const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  //  options → origin
  const table: [Parameters<typeof locateKubeConfig>[0], ReturnType<typeof locateKubeConfig>][] = [
    [{ ...base, kubeconfigPath: '/x/missing', env: { KUBECONFIG: '/etc/a' } }, { kind: 'flag', paths: ['/x/missing'] }],
    [{ ...base, env: { KUBECONFIG: '/etc/missing:/etc/a:/etc/b' } }, { kind: 'env', paths: ['/etc/a', '/etc/b'] }],
    [{ ...base, env: { KUBECONFIG: '/etc/missing' } }, { kind: 'home', paths: ['/home/u/.kube/config'] }],
    [{ ...base, homeDir: '/nohome', env: inCluster }, { kind: 'in-cluster', server: 'https://10.96.0.1:443' }],
    [{ ...base, homeDir: '/nohome', env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' } }, { kind: 'in-cluster', server: 'https://[fd00::1]:443' }],
    [{ ...base, homeDir: '/nohome', env: {} }, undefined],
    [{ ...base, homeDir: '/nohome', serviceAccountDir: '/none', env: inCluster }, undefined],
  ];
  for (const [options, expected] of table) assert.deepEqual(locateKubeConfig(options), expected, JSON.stringify(options));
});

const config = (context: string, server: string, current = context) => `apiVersion: v1
kind: Config
clusters:
- name: ${context}-cluster
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: ${context}-user
  user:
    token: t
contexts:
- name: ${context}
  context:
    cluster: ${context}-cluster
    user: ${context}-user
current-context: ${current}
`;

test('loadKubeConfig: merged KUBECONFIG files, first current-context wins; --context; exact errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-kubeconfig-'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, config('alpha', 'https://alpha.example:6443'));
    writeFileSync(b, config('beta', 'https://beta.example:6443'));
    const merged = await loadKubeConfig({ env: { KUBECONFIG: `${a}:${b}` } });
    assert.equal(merged.context, 'alpha');
    assert.equal(merged.server, 'https://alpha.example:6443');
    assert.equal(merged.description, `context "alpha" (https://alpha.example:6443) from KUBECONFIG ${a}:${b}`);
    const beta = await loadKubeConfig({ env: { KUBECONFIG: `${a}:${b}` }, context: 'beta' });
    assert.equal(beta.server, 'https://beta.example:6443');

    await assert.rejects(loadKubeConfig({ env: { KUBECONFIG: `${a}:${b}` }, context: 'gamma' }), new ConfigError('--context', `no context "gamma" in KUBECONFIG ${a}:${b} (contexts: alpha, beta)`));
    await assert.rejects(loadKubeConfig({ kubeconfigPath: join(dir, 'nope') }), new ConfigError('--kubeconfig', `cannot load kubeconfig ${join(dir, 'nope')}: no such file`));
    writeFileSync(join(dir, 'empty'), config('alpha', 'https://alpha.example:6443', ''));
    await assert.rejects(loadKubeConfig({ kubeconfigPath: join(dir, 'empty') }), new ConfigError('--kubeconfig', `--kubeconfig ${join(dir, 'empty')}: no current context; choose one with --context`));
    await assert.rejects(
      loadKubeConfig({ env: {}, homeDir: dir, serviceAccountDir: dir }),
      new ConfigError('--source', 'kube needs a cluster: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a pod (KUBERNETES_SERVICE_HOST)'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detectKubeCluster: no configuration, or a context that does not answer, is a reason to fall back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-kubeconfig-'));
  try {
    assert.deepEqual(await detectKubeCluster({ env: {}, homeDir: dir, serviceAccountDir: dir }), {
      found: false,
      reason: 'no kubeconfig (no --kubeconfig, KUBECONFIG or ~/.kube/config) and not in a pod',
    });
    const path = join(dir, 'config');
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    writeFileSync(path, config('down', `https://127.0.0.1:${port}`));
    const detection = await detectKubeCluster({ kubeconfigPath: path, timeoutMs: 2000 });
    assert.equal(detection.found, false);
    assert.match(detection.found ? '' : detection.reason, /^context "down" \(https:\/\/127\.0\.0\.1:\d+\) from --kubeconfig .* is not reachable: get \/version: connection: no answer from the API server: .*\(got "ECONNREFUSED"\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
