// `kubectl cost` in server mode through the real kubectl: against a running exporter on a snapshot,
// reached with --server and, by default, through the API server's service proxy with the
// kubeconfig's credentials (the test API server forwards to the exporter). The plugin's numbers are
// compared with the exporter's own /api/v1/allocation answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FakeApiServer } from './kube-apiserver/server.ts';
import { startFakeApiServer } from './kube-apiserver/server.ts';
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';
import { installPlugin, type Run, runKubectl } from './helpers/kubectl.ts';
import { freePort } from './helpers/prometheus.ts';

const ROOT = resolve(import.meta.dirname, '..');

let dir: string;
let exporter: Child | undefined;
let exporterUrl = '';
let api: FakeApiServer;
let kubeconfig: string;

function kubectl(args: readonly string[]): Promise<Run> {
  return runKubectl(args, { pluginDir: dir, kubeconfig });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-cost-server-'));
  installPlugin(dir);
  const port = await freePort();
  exporterUrl = `http://127.0.0.1:${port}`;
  // Its working directory is the temp dir, so any history store it keeps by default lands there.
  // A short interval: the first cycle after a start is not recorded (no previous cycle to measure
  // from), so history exists from the second cycle on.
  exporter = spawnChild(process.execPath, [join(ROOT, 'src/cli/kube-cost-exporter.ts'), '--snapshot', join(ROOT, 'examples/cluster.json'), '--port', String(port), '--host', '127.0.0.1', '--interval', '1s', '--log-level', 'warn'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${exporterUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('exporter did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Wait until the history holds recorded cycles: the API answers namespaces.
  for (;;) {
    const res = await fetch(`${exporterUrl}/api/v1/allocation?window=1d&aggregate=namespace&accumulate=true`);
    assert.equal(res.status, 200, `/api/v1/allocation answered ${res.status}: ${await res.clone().text()}`);
    const body = (await res.json()) as { data: Record<string, unknown>[] };
    if (Object.keys(body.data[0] ?? {}).length > 3) break;
    if (Date.now() > deadline + 30_000) throw new Error('the history store recorded nothing within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  api = await startFakeApiServer({ token: 'kubectl-cost-token' });
  api.proxyService('kube-cost', 'kube-cost-exporter', '9090', exporterUrl);
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, api.kubeconfig());
});

after(async () => {
  await exporter?.stop();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The exporter's own namespace answer → monthly rates (totalCost / minutes × 60 × 730). */
async function apiMonthlyByNamespace(): Promise<Map<string, number>> {
  const body = (await (await fetch(`${exporterUrl}/api/v1/allocation?window=1d&aggregate=namespace&accumulate=true`)).json()) as { data: Record<string, { totalCost: number; minutes: number }>[] };
  const out = new Map<string, number>();
  for (const [name, a] of Object.entries(body.data[0] ?? {})) out.set(name, (a.totalCost / a.minutes) * 60 * 730);
  return out;
}

describe('kubectl cost, server mode (real kubectl, running exporter)', () => {
  it('the service proxy answers 404 for a service that does not exist: exit 1, one line naming it', async () => {
    const r = await kubectl(['cost', 'namespace', '-N', 'elsewhere']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /^error: .*\/api\/v1\/namespaces\/elsewhere\/services\/kube-cost-exporter:9090\/proxy\/api\/v1\/allocation: HTTP 404: services "kube-cost-exporter" not found\n$/);
  });

  it('--server that nobody listens on: exit 1, says so', async () => {
    const r = await kubectl(['cost', 'namespace', '--server', `http://127.0.0.1:${await freePort()}`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });

  for (const via of ['--server', 'service proxy'] as const) {
    it(`namespace via ${via}: the API's numbers`, async () => {
      const r = await kubectl(['cost', 'namespace', '-o', 'json', ...(via === '--server' ? ['--server', exporterUrl] : [])]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { rows: { name: string; totalUsd: number; podCount: number }[] };
      const expected = await apiMonthlyByNamespace();
      for (const [name, monthly] of expected) {
        const row = out.rows.find((x) => x.name === name);
        assert.ok(row, `namespace ${name} missing from the plugin's answer`);
        assert.ok(Math.abs(row.totalUsd - monthly) <= Math.max(0.01, monthly * 1e-6), `${name}: plugin ${row.totalUsd} vs API ${monthly}`);
      }
    });
  }

  it('estimate --server: before/after from the cluster', async () => {
    const r = await kubectl(['cost', 'estimate', '-f', join(ROOT, 'test/fixtures/manifests/payments-api.yaml'), '--server', exporterUrl, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { workloads: { name: string; totalMonthlyUsd: number; beforeMonthlyUsd: number | null }[] };
    const w = out.workloads[0];
    assert.ok(w?.beforeMonthlyUsd, 'payments-api exists: a current cost is shown');
    // 3 running replicas → 4.
    assert.ok(Math.abs(w.totalMonthlyUsd / w.beforeMonthlyUsd - 4 / 3) < 0.01, `${w.totalMonthlyUsd} vs ${w.beforeMonthlyUsd}`);
  });
});
