// How the CLI gets a `kube` source: `--source kube` and `--source auto` (the current context when it
// answers, the demo cluster otherwise, with the reason for the first log line).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../src/core/errors.ts';
import { connectKube, KubeNotReadyError } from '../src/sources/kube/index.ts';
import { realisticCluster, T0 } from './kube-apiserver/cluster.ts';
import { startTestCluster } from './kube-apiserver/harness.ts';

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
