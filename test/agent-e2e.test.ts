// Aggregator + two node agents + the test API server, end to end: the agents read fixture cgroup
// trees of their nodes, name pods and containers from the API server, review callers' tokens with
// TokenReview (agent a through a kubeconfig and the official client, agent b as in a pod: the
// service account's token and CA, KUBERNETES_SERVICE_HOST/PORT, the agent's own small client); two exporter replicas pull both agents and use the same usage, which is the agents'
// (not the metrics API's) and matches what was computed by hand; an agent that goes away degrades
// its node to the metrics API, visible in kube_cost_node_usage_source and /readyz detail.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAgentConfig, parseAgentArgs } from '../src/agent/config.ts';
import type { FixturePod } from '../src/agent/fixtures.test-util.ts';
import { containerId, podUid, writeCgroupTree } from '../src/agent/fixtures.test-util.ts';
import type { RunningAgent } from '../src/agent/main.ts';
import { startAgent } from '../src/agent/main.ts';
import { withAgentUsage } from '../src/sources/agent/index.ts';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { testPrices } from './kube-apiserver/cluster.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';
import { nodeObject, podObject } from './kube-apiserver/objects.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const EXPORTER_TOKEN = 'exporter-sa-token';
const OTHER_TOKEN = 'default-sa-token';
const T0 = Date.UTC(2026, 10, 30, 6, 0, 0);

const WEB = podUid(0xa1);
const DB = podUid(0xb1);
const C_WEB = containerId(0xa11);
const C_DB = containerId(0xb11);
const C_SIDECAR = containerId(0xb12);

function pod(namespace: string, name: string, node: string, uid: string, ip: string, containers: { name: string; id: string; cpu: string }[], labels: Record<string, string> = {}): Record<string, unknown> {
  const obj = podObject({ namespace, name, node, uid, labels, containers: containers.map((c) => ({ name: c.name, cpu: c.cpu, memory: '64Mi' })) }) as { status: Record<string, unknown> };
  obj.status['podIP'] = ip;
  obj.status['podIPs'] = [{ ip }];
  obj.status['containerStatuses'] = (obj.status['containerStatuses'] as Record<string, unknown>[]).map((s, i) => ({ ...s, containerID: `containerd://${containers[i]!.id}` }));
  return obj as unknown as Record<string, unknown>;
}

const AGENT_LABELS = { 'app.kubernetes.io/name': 'kube-cost-exporter-agent', 'app.kubernetes.io/component': 'node-agent' };

// Counters at T0 and T0 + 10 s. Hand-computed usage over the 10 s:
//   web      (3.0 − 0) s CPU / 10 s = 0.3 cores = 300 m;   200 − 50 MiB = 150 MiB
//   db       (16 − 1) s / 10 s      = 1.5 cores = 1500 m;  1 GiB − 0
//   sidecar  (0.5 − 0) s / 10 s     = 0.05 cores = 50 m;   64 MiB
const tree = (t: 0 | 1): { a: FixturePod[]; b: FixturePod[] } => ({
  a: [
    {
      uid: WEB,
      qos: 'burstable',
      counters: { cpuUsec: t === 0 ? 0 : 3_100_000, memoryBytes: 210 * MiB, inactiveFileBytes: 50 * MiB },
      containers: [{ id: C_WEB, counters: { cpuUsec: t === 0 ? 0 : 3_000_000, memoryBytes: 200 * MiB, inactiveFileBytes: 50 * MiB } }],
    },
  ],
  b: [
    {
      uid: DB,
      qos: 'burstable',
      counters: { cpuUsec: t === 0 ? 1_000_000 : 16_600_000, memoryBytes: GiB + 64 * MiB, inactiveFileBytes: 0 },
      containers: [
        { id: C_DB, counters: { cpuUsec: t === 0 ? 1_000_000 : 16_000_000, memoryBytes: GiB, inactiveFileBytes: 0 } },
        { id: C_SIDECAR, counters: { cpuUsec: t === 0 ? 0 : 500_000, memoryBytes: 64 * MiB, inactiveFileBytes: 0 } },
      ],
    },
  ],
});

const EXPECTED_USAGE = {
  'shop/web-a': { web: { cpuMillicores: 300, ramBytes: 150 * MiB } },
  'shop/db-b': { db: { cpuMillicores: 1500, ramBytes: GiB }, sidecar: { cpuMillicores: 50, ramBytes: 64 * MiB } },
};

const plain = (usage: ReadonlyMap<string, ReadonlyMap<string, { cpuMillicores: number; ramBytes: number }>> | undefined): Record<string, Record<string, { cpuMillicores: number; ramBytes: number }>> => {
  const out: Record<string, Record<string, { cpuMillicores: number; ramBytes: number }>> = {};
  for (const [k, v] of usage ?? []) out[k] = Object.fromEntries([...v].map(([n, u]) => [n, { cpuMillicores: Math.round(u.cpuMillicores * 1e6) / 1e6, ramBytes: u.ramBytes }]));
  return out;
};

test('aggregator + two agents + the test API server: agent usage wins, replicas agree, a missing agent degrades its node', async () => {
  const cluster = await startTestCluster({
    tokenReviews: {
      [EXPORTER_TOKEN]: { username: 'system:serviceaccount:kube-cost-exporter:kube-cost-exporter' },
      [OTHER_TOKEN]: { username: 'system:serviceaccount:default:default' },
    },
  });
  const dirs = [mkdtempSync(join(tmpdir(), 'kce-agent-a-')), mkdtempSync(join(tmpdir(), 'kce-agent-b-'))] as const;
  const agents: RunningAgent[] = [];
  try {
    for (const o of [nodeObject({ name: 'node-a', cpu: '4', memory: '16Gi', zone: 'us-east-1a' }), nodeObject({ name: 'node-b', cpu: '4', memory: '16Gi', zone: 'us-east-1b' })]) cluster.server.apply(o);
    cluster.server.apply(pod('shop', 'web-a', 'node-a', WEB, '10.0.1.20', [{ name: 'web', id: C_WEB, cpu: '100m' }]));
    cluster.server.apply(pod('shop', 'db-b', 'node-b', DB, '10.0.2.20', [{ name: 'db', id: C_DB, cpu: '500m' }, { name: 'sidecar', id: C_SIDECAR, cpu: '10m' }]));
    // The metrics API says something else: the agents' numbers must win where they run.
    cluster.server.setPodMetrics('shop', 'web-a', [{ name: 'web', cpu: '20m', memory: '10Mi' }], { timestampMs: T0 });
    cluster.server.setPodMetrics('shop', 'db-b', [{ name: 'db', cpu: '700m', memory: '300Mi' }, { name: 'sidecar', cpu: '5m', memory: '8Mi' }], { timestampMs: T0 });

    let clock = T0;
    writeCgroupTree(dirs[0], { version: 'v2', driver: 'systemd', runtime: 'containerd', pods: tree(0).a });
    writeCgroupTree(dirs[1], { version: 'v1', driver: 'cgroupfs', runtime: 'containerd', pods: tree(0).b });
    const agentArgs = (node: string, dir: string, host: string, port: number): string[] => [
      '--node-name', node, '--cgroup-root', dir, '--host', host, '--port', String(port), '--interval', '1h', '--no-network',
      '--token-review', '--allow-service-account', 'kube-cost-exporter:kube-cost-exporter',
    ];
    const a = await startAgent(loadAgentConfig(parseAgentArgs([...agentArgs('node-a', dirs[0], '127.0.0.2', 0), '--kubeconfig', cluster.kubeconfigPath]), {}), 'test', { logger: memoryLogger(), now: () => clock });
    agents.push(a);
    // Agent b as in a pod: no kubeconfig anywhere (HOME without .kube), the service account mounted.
    const serviceAccountDir = join(dirs[1], 'serviceaccount');
    mkdirSync(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), 'test-token\n');
    writeFileSync(join(serviceAccountDir, 'ca.crt'), cluster.server.caPem);
    const inPod = { HOME: dirs[1], KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(cluster.server.url).port };
    const b = await startAgent(loadAgentConfig(parseAgentArgs(agentArgs('node-b', dirs[1], '127.0.0.3', a.port)), inPod), 'test', { env: inPod, serviceAccountDir, logger: memoryLogger(), now: () => clock });
    agents.push(b);
    cluster.server.apply(pod('kube-cost-exporter', 'agent-a', 'node-a', podUid(0xaa), '127.0.0.2', [{ name: 'agent', id: containerId(0xaa), cpu: '10m' }], AGENT_LABELS));
    cluster.server.apply(pod('kube-cost-exporter', 'agent-b', 'node-b', podUid(0xbb), '127.0.0.3', [{ name: 'agent', id: containerId(0xbb), cpu: '10m' }], AGENT_LABELS));

    // Ten seconds later, the counters have moved; each agent collects.
    clock = T0 + 10_000;
    writeCgroupTree(dirs[0], { version: 'v2', driver: 'systemd', runtime: 'containerd', pods: tree(1).a });
    writeCgroupTree(dirs[1], { version: 'v1', driver: 'cgroupfs', runtime: 'containerd', pods: tree(1).b });
    await a.collectNow();
    await b.collectNow();

    // Who may read: no token 401, another service account 403, the exporter's 200 (gzip).
    assert.equal((await fetch(`${a.url}/v1/usage`)).status, 401);
    assert.equal((await fetch(`${a.url}/v1/usage`, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } })).status, 403);
    assert.equal((await fetch(`${a.url}/healthz`)).status, 200);
    const raw = await fetch(`${a.url}/v1/usage`, { headers: { authorization: `Bearer ${EXPORTER_TOKEN}`, 'accept-encoding': 'gzip' } });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-encoding'), 'gzip');
    // fetch decodes the gzip body itself (the header says it was compressed on the wire).
    const reportA = (await raw.json()) as { pods: { namespace: string; name: string; containers: { name: string }[] }[] };
    assert.deepEqual(reportA.pods.map((p) => `${p.namespace}/${p.name}:${p.containers.map((c) => c.name).join(',')}`), ['shop/web-a:web']);
    // The same through agent b's in-pod client: TokenReviews and pod names from the API server.
    assert.equal((await fetch(`${b.url}/v1/usage`)).status, 401);
    assert.equal((await fetch(`${b.url}/v1/usage`, { headers: { authorization: `Bearer ${OTHER_TOKEN}` } })).status, 403);
    const reportB = (await (await fetch(`${b.url}/v1/usage`, { headers: { authorization: `Bearer ${EXPORTER_TOKEN}` } })).json()) as typeof reportA;
    assert.deepEqual(reportB.pods.map((p) => `${p.namespace}/${p.name}:${p.containers.map((c) => c.name).join(',')}`), ['shop/db-b:db,sidecar']);
    // Its own /metrics: one report (the first collection is the baseline) and the CPU both collections took
    // (some, and less than this whole process has used).
    const metricsA = await (await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${EXPORTER_TOKEN}` } })).text();
    assert.match(metricsA, /^kube_cost_agent_collections_total\{node="node-a"\} 1$/m);
    const cpuA = Number(/^kube_cost_agent_collection_cpu_seconds_total\{node="node-a"\} (\S+)$/m.exec(metricsA)?.[1]);
    const used = process.cpuUsage();
    assert.ok(cpuA > 0 && cpuA < (used.user + used.system) / 1e6, `collection CPU ${cpuA} s`);

    // Two exporter replicas, each with its own informers, pull the same agents.
    const replicas = await Promise.all([0, 1].map(async () => withAgentUsage(await cluster.source({ now: () => clock }), { port: a.port, token: () => EXPORTER_TOKEN, timeoutMs: 2000, concurrency: 4 })));
    await eventually(async () => {
      const r = await replicas[0]!.read(clock);
      return r.snapshot.pods.filter((p) => p.labels['app.kubernetes.io/component'] === 'node-agent').length === 2;
    }, 'the agent pods in the informer cache');
    const readings = await Promise.all(replicas.map((r) => r.read(clock)));
    for (const r of readings) {
      assert.deepEqual(plain(r.snapshot.usage), EXPECTED_USAGE);
      assert.deepEqual(Object.fromEntries(r.usageByNode ?? []), { 'node-a': 'agent', 'node-b': 'agent' });
    }
    assert.deepEqual(plain(readings[0]!.snapshot.usage), plain(readings[1]!.snapshot.usage));

    // Agent b goes away: node-b falls back to the metrics API, visibly.
    await b.close();
    agents.pop();
    const exporter = createExporter({ source: replicas[0]!, prices: testPrices(), logger: memoryLogger(), now: () => clock });
    await exporter.cycle();
    const degraded = await replicas[1]!.read(clock);
    assert.deepEqual(plain(degraded.snapshot.usage)['shop/db-b'], { db: { cpuMillicores: 700, ramBytes: 300 * MiB }, sidecar: { cpuMillicores: 5, ramBytes: 8 * MiB } });
    assert.deepEqual(plain(degraded.snapshot.usage)['shop/web-a'], EXPECTED_USAGE['shop/web-a']);
    const text = exporter.metrics('prometheus').text;
    assert.match(text, /^kube_cost_node_usage_source\{node="node-a",source="agent"\} 1$/m);
    assert.match(text, /^kube_cost_node_usage_source\{node="node-b",source="metrics-api"\} 1$/m);
    const detail = replicas[1]!.health!().detail as { agents: { found: number; pulled: number; nodesWithoutAgent: string[]; failures: string[] } };
    assert.equal(detail.agents.found, 2);
    assert.equal(detail.agents.pulled, 1);
    assert.deepEqual(detail.agents.nodesWithoutAgent, ['node-b']);
    assert.match(detail.agents.failures[0]!, /^kube-cost-exporter\/agent-b \(http:\/\/127\.0\.0\.3:\d+\/v1\/usage\): ECONNREFUSED$/);
    await exporter.stop();
  } finally {
    for (const ag of agents) await ag.close();
    await cluster.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
