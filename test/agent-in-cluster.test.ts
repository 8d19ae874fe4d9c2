// The agent's own API client in a pod (src/agent/in-cluster.ts): when it applies (kubectl's order:
// --kubeconfig, KUBECONFIG, ~/.kube/config, then the service account), and what it answers against
// the test API server — the pod list, a refused token as a typed error naming the request, an
// unreachable server as a connection error, the token file re-read after rotation.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inClusterApi, inClusterServer, tokenReviewResult } from '../src/agent/in-cluster.ts';
import { KubeApiError, KubeConnectionError } from '../src/sources/kube/errors.ts';
import { startTestCluster } from './kube-apiserver/harness.ts';
import { podObject } from './kube-apiserver/objects.ts';

test('inClusterServer: the service account only when no kubeconfig applies', () => {
  const sa = '/sa';
  const exists = (files: string[]) => (p: string) => files.includes(p);
  const pod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
  const cases: { name: string; kubeconfigPath?: string; env: Record<string, string>; files: string[]; want: string | undefined }[] = [
    { name: 'in a pod', env: pod, files: ['/sa/token'], want: 'https://10.96.0.1:443' },
    { name: 'IPv6 service host', env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, files: ['/sa/token'], want: 'https://[fd00::1]:443' },
    { name: '--kubeconfig wins', kubeconfigPath: '/k', env: pod, files: ['/sa/token'], want: undefined },
    { name: 'KUBECONFIG naming a file wins', env: { ...pod, KUBECONFIG: '/a:/b' }, files: ['/sa/token', '/b'], want: undefined },
    { name: 'KUBECONFIG naming no file does not', env: { ...pod, KUBECONFIG: '/a' }, files: ['/sa/token'], want: 'https://10.96.0.1:443' },
    { name: '~/.kube/config wins', env: { ...pod, HOME: '/home/me' }, files: ['/sa/token', '/home/me/.kube/config'], want: undefined },
    { name: 'no token file', env: pod, files: [], want: undefined },
    { name: 'not in a pod', env: {}, files: ['/sa/token'], want: undefined },
  ];
  for (const c of cases) {
    assert.equal(inClusterServer({ kubeconfigPath: c.kubeconfigPath, env: { HOME: '/nohome', ...c.env }, serviceAccountDir: sa, fileExists: exists(c.files) }), c.want, c.name);
  }
});

test('TokenReview answers: the user when authenticated, else the error', () => {
  assert.deepEqual(tokenReviewResult({ status: { authenticated: true, user: { username: 'system:serviceaccount:a:b' } } }), { authenticated: true, username: 'system:serviceaccount:a:b' });
  assert.deepEqual(tokenReviewResult({ status: { user: {}, error: '[invalid bearer token]' } }), { authenticated: false, username: '', error: '[invalid bearer token]' });
  assert.deepEqual(tokenReviewResult({ status: { authenticated: true, user: {} } }), { authenticated: false, username: '' });
  assert.deepEqual(tokenReviewResult(null), { authenticated: false, username: '' });
});

test('inClusterApi against the test API server: pods by field selector, a refused token, the token re-read, no server', async () => {
  const cluster = await startTestCluster();
  const dir = mkdtempSync(join(tmpdir(), 'kce-sa-'));
  try {
    cluster.server.apply(podObject({ namespace: 'shop', name: 'web', node: 'n1', containers: [{ name: 'web', cpu: '100m', memory: '64Mi' }] }));
    cluster.server.apply(podObject({ namespace: 'shop', name: 'db', node: 'n2', containers: [{ name: 'db', cpu: '100m', memory: '64Mi' }] }));
    mkdirSync(join(dir, 'sa'));
    writeFileSync(join(dir, 'sa', 'ca.crt'), cluster.server.caPem);
    writeFileSync(join(dir, 'sa', 'token'), 'test-token\n');
    const api = inClusterApi({ server: cluster.server.url, serviceAccountDir: join(dir, 'sa') });
    const list = (await api.get('/api/v1/pods', { fieldSelector: 'spec.nodeName=n1' })) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['web'],
    );
    // The kubelet rotates the token: the next request sends the new one (refused here).
    writeFileSync(join(dir, 'sa', 'token'), 'expired-token\n');
    await assert.rejects(api.get('/api/v1/pods'), (err: unknown) => err instanceof KubeApiError && err.statusCode === 401 && err.message.startsWith('list /api/v1/pods: HTTP status: Unauthorized'));
    await api.close();

    // Nothing listens on the port: a connection error naming the request.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = inClusterApi({ server: `https://127.0.0.1:${port}`, serviceAccountDir: join(dir, 'sa') });
    await assert.rejects(down.get('/api/v1/nodes', {}, { timeoutMs: 2000 }), (err: unknown) => err instanceof KubeConnectionError && err.code === 'ECONNREFUSED' && err.message.startsWith('list /api/v1/nodes: connection'));
    await down.close();
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
