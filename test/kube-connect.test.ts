// How the CLI gets a `kube` source: `--source kube` and `--source auto` (the current context when it
// answers, the demo cluster otherwise, with the reason for the first log line).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../src/core/errors.ts';
import { connectKube, KubeNotReadyError } from '../src/sources/kube/index.ts';
import { realisticCluster, T0 } from './kube-apiserver/cluster.ts';
import { eventually, FAST, startTestCluster } from './kube-apiserver/harness.ts';
import { kubeSourceFor, loadKubeConfig, transportFor } from '../src/sources/kube/kubeconfig.ts';

test('auto: a reachable current context is used, and the reason says so', async () => {
  const cluster = await startTestCluster();
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    const c = await connectKube({ mode: 'auto', env: { KUBECONFIG: cluster.kubeconfigPath }, userAgent: 'kube-cost-exporter/test' });
    assert.equal(c.why, 'the current context answers (Kubernetes v1.32.4)');
    assert.match(c.source?.description ?? '', /^kube context "test" \(https:\/\/127\.0\.0\.1:\d+\) from KUBECONFIG /);
    assert.equal((await c.source?.read(T0))?.snapshot.pods.length, 6);
    await c.source?.close();
  } finally {
    await cluster.close();
  }
});

test('auto: no configuration, or a context that does not answer, falls back with the reason', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kce-home-'));
  const cluster = await startTestCluster();
  try {
    const none = await connectKube({ mode: 'auto', env: { HOME: home, KUBECONFIG: join(home, 'missing') } });
    // (~/.kube/config of the machine running the tests may exist: only check the unreachable case strictly)
    if (none.source === undefined) assert.match(none.why, /no kubeconfig|not reachable/);
    else await none.source.close();
    await cluster.server.stop();
    const down = await connectKube({ mode: 'auto', env: {}, kubeconfigPath: cluster.kubeconfigPath, probeTimeoutMs: 1000 });
    assert.equal(down.source, undefined);
    assert.match(down.why, /^context "test" \(https:\/\/127\.0\.0\.1:\d+\) from --kubeconfig .* is not reachable: get \/version: connection: no answer from the API server: .*ECONNREFUSED/);
  } finally {
    await cluster.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('kube: the source is made without contacting the cluster; a bad --context is a ConfigError', async () => {
  const cluster = await startTestCluster();
  try {
    await cluster.server.stop();
    const c = await connectKube({ mode: 'kube', env: {}, kubeconfigPath: cluster.kubeconfigPath, sourceOptions: { firstSyncTimeoutMs: 200 } });
    assert.equal(c.why, '--source kube');
    await assert.rejects(c.source!.read(T0), KubeNotReadyError);
    await c.source?.close();
    await assert.rejects(connectKube({ mode: 'kube', env: {}, kubeconfigPath: cluster.kubeconfigPath, context: 'prod' }), new ConfigError('--context', `no context "prod" in --kubeconfig ${cluster.kubeconfigPath} (contexts: test)`));
  } finally {
    await cluster.close();
  }
});

test('in a pod: the service account (token file and CA of the API server) and KUBERNETES_SERVICE_HOST/PORT, as the chart deploys it', async () => {
  const cluster = await startTestCluster();
  const sa = mkdtempSync(join(tmpdir(), 'kce-sa-'));
  const home = mkdtempSync(join(tmpdir(), 'kce-home-'));
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    writeFileSync(join(sa, 'token'), `${cluster.server.token}\n`);
    writeFileSync(join(sa, 'ca.crt'), cluster.server.caPem);
    writeFileSync(join(sa, 'namespace'), 'kube-cost');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(cluster.server.port) };
    const loaded = await loadKubeConfig({ env, homeDir: home, serviceAccountDir: sa });
    assert.deepEqual(loaded.origin, { kind: 'in-cluster', server: `https://127.0.0.1:${cluster.server.port}` });
    assert.equal(loaded.description, `in-cluster (https://127.0.0.1:${cluster.server.port})`);
    const source = kubeSourceFor(loaded, transportFor(loaded), FAST);
    try {
      const reading = await source.read(T0);
      assert.equal(reading.snapshot.pods.length, 6);
      assert.ok(cluster.server.requests.some((r) => r.verb === 'watch' && r.resource === 'pods'), 'authenticated with the token: the watch was accepted');
    } finally {
      await source.close();
    }
    // A token the API server refuses is not ready, with the 401 named.
    writeFileSync(join(sa, 'token'), 'expired-token\n');
    const refused = await loadKubeConfig({ env, homeDir: home, serviceAccountDir: sa });
    const denied = kubeSourceFor(refused, transportFor(refused), { ...FAST, firstSyncTimeoutMs: 200 });
    try {
      // The message names the 401 once a list has been answered: wait for that, not for a fixed 500 ms.
      denied.start();
      await eventually(() => denied.status().resources.every((r) => r.lastError !== undefined), 'every first list refused');
      await assert.rejects(denied.read(T0), (err: unknown) => err instanceof KubeNotReadyError && /401|Unauthorized/i.test(err.message));
    } finally {
      await denied.close();
    }
  } finally {
    await cluster.close();
    rmSync(sa, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});
