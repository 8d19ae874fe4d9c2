// Live collection end to end, with the real parts: the `kube-cost-exporter` command as a user runs
// it (`--source kube --kubeconfig FILE`) against the test API server (the one the real kubectl
// accepts, over HTTPS with a bearer token), scraped by a real Prometheus. PromQL answers are
// checked against costs computed by hand; the cluster then changes and the numbers follow; the API
// server stops and /readyz turns 503 while /metrics keeps the last numbers with a stale timestamp.
//
// Prices come from a custom pricing file so that the figures are round (see PRICING):
//   n1 4 cores 16 GiB = 0.16 + 0.08 = 0.24/h, n2 8 cores 32 GiB = 0.32 + 0.16 = 0.48/h
//   shop/web-a  n1 500m 1Gi, usage 800m 600Mi → 0.8 × 0.04 + 1 × 0.005  = 0.037 (+ 0.01 of the LB)
//   shop/web-b  n2 500m 1Gi                   → 0.5 × 0.04 + 1 × 0.005  = 0.025 (+ 0.01 of the LB)
//   data/db-0   n1 1 4Gi                      → 0.04 + 4 × 0.005        = 0.06, PV 100 GiB × 0.073 / 730 = 0.01
//   kube-system/fluent-bit n1 100m 128Mi      → 0.004 + 0.125 × 0.005   = 0.004625
//   shop = 0.037 + 0.025 + 0.02 = 0.082; data = 0.07; cluster = 0.24 + 0.48 + 0.01 + 0.02 = 0.75
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';
import { realisticCluster, realisticUsage, webPod } from './kube-apiserver/cluster.ts';
import type { TestCluster } from './kube-apiserver/harness.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';
import type { PromSample, RunningPrometheus } from './helpers/prometheus.ts';
import { freePort, hasBinary, promtool, startPrometheus } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const PRICING = ['cpuCoreHourUsd: 0.04', 'ramGiBHourUsd: 0.005', 'storageGibMonthUsd:', '  gp3: 0.073', 'loadBalancerHourlyUsd: 0.02', 'managementHourlyUsd: 0', ''].join('\n');
const skip = hasBinary('prometheus') ? false : 'prometheus not installed (.ci/run installs it)';

interface Cli {
  readonly base: string;
  readonly port: number;
  readonly child: Child;
  logs(): string;
  stop(): Promise<number | null>;
}

/** Every exporter started, stopped by `after` whatever happened to the test that started it. */
const started = new Set<Child>();

/** Starts the real command with a clean environment (no ~/.kube/config, no KUBECONFIG). */
async function startCli(cluster: TestCluster, args: string[], env: Record<string, string> = {}): Promise<Cli> {
  const port = await freePort();
  // Its own process group, killed when this file's process ends even if a test timed out first.
  const child = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cluster.dir, ...env },
  });
  started.add(child);
  const logs = (): string => child.output();
  const base = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.process.exitCode !== null) throw new Error(`exporter exited with ${child.process.exitCode}: ${logs()}`);
      try {
        return (await fetch(`${base}/healthz`)).status === 200;
      } catch {
        return false;
      }
    },
    'the exporter to listen',
    60_000,
  ).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  return {
    base,
    port,
    child,
    logs,
    stop: () => child.stop(),
  };
}

const one = (r: PromSample[]): number => Number(r[0]?.value[1]);
const near = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

let cluster: TestCluster;
let prometheus: RunningPrometheus | undefined;

before(async () => {
  cluster = await startTestCluster();
  for (const o of realisticCluster()) cluster.server.apply(o);
  realisticUsage(cluster.server, Date.now() - 1000);
  writeFileSync(join(cluster.dir, 'pricing.yaml'), PRICING);
});

after(async () => {
  await prometheus?.stop();
  await Promise.all([...started].map((c) => c.stop()));
  await cluster.close();
});

test('--source kube: Prometheus gets the live cluster costs, follows changes, and sees the API server go', { skip, timeout: 300_000 }, async () => {
  const c = await startCli(cluster, ['--source', 'kube', '--kubeconfig', cluster.kubeconfigPath, '--pricing', join(cluster.dir, 'pricing.yaml'), '--interval', '1s', '--cluster-id', 'e2e']);
  const first = c.logs().split('\n')[0] ?? '';
  assert.match(first, /serving the live cluster from kube context "test" \(https:\/\/127\.0\.0\.1:\d+\) from --kubeconfig \S+(, usage from node agents where they run)?: --source kube/);
  await eventually(async () => (await fetch(`${c.base}/readyz`)).status === 200, '/readyz 200 after the first sync', 60_000);
  const ready = (await (await fetch(`${c.base}/readyz`)).json()) as Record<string, unknown>;
  assert.deepEqual(ready['usage'], { state: 'ok', detail: '', costsUse: 'usage' });
  const status = ready['sourceStatus'] as { synced: boolean; reachable: boolean; resources: Record<string, { objects: number }> };
  assert.equal(status.synced, true);
  assert.equal(status.resources['pods']?.objects, 6); // the 7 pods but the Succeeded one (nothing to cost)

  prometheus = await startPrometheus({ targets: [`127.0.0.1:${c.port}`] });
  const p = prometheus;
  await p.waitFor('kube_cost_namespace_hourly_usd{namespace="shop"}', (r) => r.length === 1);
  near(one(await p.query('kube_cost_pod_hourly_usd{namespace="shop",pod="web-7d4b9c8f5-a"}')), 0.047, 'web-a (usage 800m + half the LB)');
  near(one(await p.query('kube_cost_namespace_hourly_usd{namespace="shop"}')), 0.082, 'shop');
  near(one(await p.query('kube_cost_namespace_hourly_usd{namespace="data"}')), 0.07, 'data');
  near(one(await p.query('kube_cost_namespace_hourly_usd{namespace="kube-system"}')), 0.004625, 'kube-system');
  near(one(await p.query('sum(kube_cost_node_hourly_usd)')), 0.72, 'nodes');
  near(one(await p.query('kube_cost_cluster_hourly_usd')), 0.75, 'cluster');
  assert.equal(one(await p.query('kube_cost_usage_available{state="ok"}')), 1);
  assert.equal(one(await p.query('kube_cost_source_info{source="kube",cluster="e2e"}')), 1);
  // The live exposition passes promtool's lint as the snapshot one does.
  const lint = promtool(['check', 'metrics'], await (await fetch(`${c.base}/metrics`)).text());
  assert.equal(lint.output.trim(), '', `promtool reported: ${lint.output}`);
  assert.equal(lint.status, 0);

  // The cluster changes: a third web pod on n2; the database pod and the log agent deleted.
  cluster.server.apply(webPod('web-7d4b9c8f5-c', 'n2', { startMs: Date.now() }));
  cluster.server.remove('Pod', 'data', 'db-0');
  cluster.server.remove('Pod', 'kube-system', 'fluent-bit-x9k2m');
  // shop = 0.037 + 0.025 + 0.025 + 0.02; data keeps the volume of its claim (0.01); kube-system has nothing left
  await p.waitFor('kube_cost_namespace_hourly_usd{namespace="shop"}', (r) => Math.abs(one(r) - 0.107) < 1e-9);
  await p.waitFor('kube_cost_namespace_hourly_usd{namespace="data"}', (r) => Math.abs(one(r) - 0.01) < 1e-9);
  await p.waitFor('kube_cost_namespace_hourly_usd{namespace="kube-system"}', (r) => r.length === 0);
  // ...but what kube-system accumulated survives the churn, and stops growing.
  const systemCost = one(await p.query('kube_cost_namespace_cost_usd_total{namespace="kube-system"}'));
  assert.ok(systemCost > 0, `kube-system accumulated ${systemCost}`);
  const shopCost = one(await p.query('kube_cost_namespace_cost_usd_total{namespace="shop"}'));
  await p.waitFor('kube_cost_namespace_cost_usd_total{namespace="shop"}', (r) => one(r) > shopCost);
  near(one(await p.query('kube_cost_namespace_cost_usd_total{namespace="kube-system"}')), systemCost, 'kube-system stops accruing');

  // The API server goes away: not ready, the last numbers still served with their (stale) time.
  await cluster.server.stop();
  const down = await eventually(
    async () => {
      const r = await fetch(`${c.base}/readyz`);
      return r.status === 503 ? ((await r.json()) as Record<string, unknown>) : undefined;
    },
    '/readyz 503 once the API server is unreachable',
    40_000,
  );
  assert.match(String(down['reason']), /unreachable/);
  const scrape = async (): Promise<string> => {
    const r = await fetch(`${c.base}/metrics`);
    assert.equal(r.status, 200);
    return await r.text();
  };
  const sample = (text: string, series: string): number => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1));
  const before = await scrape();
  assert.ok(Math.abs(sample(before, 'kube_cost_namespace_hourly_usd{cluster="e2e",namespace="shop"}') - 0.107) < 1e-9);
  const syncedAt = sample(before, 'kube_cost_last_sync_timestamp_seconds{cluster="e2e"}');
  await new Promise((r) => setTimeout(r, 2500));
  const later = await scrape();
  assert.equal(sample(later, 'kube_cost_last_sync_timestamp_seconds{cluster="e2e"}'), syncedAt);
  assert.ok(Date.now() / 1000 - syncedAt > 2, 'the timestamp shows the numbers are stale');
  await p.waitFor('time() - kube_cost_last_sync_timestamp_seconds', (r) => one(r) > 2);

  // It comes back: ready again, fresh numbers.
  await cluster.server.restart();
  await eventually(async () => (await fetch(`${c.base}/readyz`)).status === 200, '/readyz 200 again', 60_000);
  assert.equal(await c.stop(), 0);
});

test('--source auto: a reachable kubeconfig context is used, an unreachable one falls back to the demo cluster, saying why first', { timeout: 180_000 }, async () => {
  const live = await startCli(cluster, ['--source', 'auto', '--kubeconfig', cluster.kubeconfigPath]);
  try {
    assert.match(live.logs().split('\n')[0] ?? '', /serving the live cluster from kube context "test" .*: the current context answers \(Kubernetes v1\.32\.4\)/);
  } finally {
    assert.equal(await live.stop(), 0);
  }
  // KUBECONFIG, as kubectl reads it, with the API server down.
  await cluster.server.stop();
  try {
    const demo = await startCli(cluster, [], { KUBECONFIG: cluster.kubeconfigPath });
    try {
      assert.match(
        demo.logs().split('\n')[0] ?? '',
        /serving the DEMO cluster \(simulated data, cluster="demo"\): context "test" \(https:\/\/127\.0\.0\.1:\d+\) from KUBECONFIG \S+ is not reachable: .*ECONNREFUSED/,
      );
      await eventually(async () => (await fetch(`${demo.base}/readyz`)).status === 200, 'demo ready', 60_000);
    } finally {
      assert.equal(await demo.stop(), 0);
    }
  } finally {
    await cluster.server.restart();
  }
});

test('--source kube with the API server down at start: listening at once, not ready until it comes, then ready; SIGTERM while waiting exits 0', { timeout: 240_000 }, async () => {
  await cluster.server.stop();
  let restarted = false;
  try {
    const c = await startCli(cluster, ['--source', 'kube', '--kubeconfig', cluster.kubeconfigPath, '--interval', '1s']);
    try {
      const waiting = await fetch(`${c.base}/readyz`);
      assert.equal(waiting.status, 503);
      assert.match(String(((await waiting.json()) as Record<string, unknown>)['reason']), /^no data yet: initial sync: the first list of .*pods/);
      assert.equal((await fetch(`${c.base}/metrics`)).status, 200);
      await cluster.server.restart();
      restarted = true;
      await eventually(async () => (await fetch(`${c.base}/readyz`)).status === 200, '/readyz 200 once the API server answers', 60_000);
    } finally {
      assert.equal(await c.stop(), 0);
    }
    // Stopping while the first list is still being waited for is prompt and clean.
    await cluster.server.stop();
    restarted = false;
    const early = await startCli(cluster, ['--source', 'kube', '--kubeconfig', cluster.kubeconfigPath]);
    assert.equal(await early.stop(), 0);
    assert.match(early.logs(), /received SIGTERM; shutting down/);
  } finally {
    if (!restarted) await cluster.server.restart();
  }
});
