// The agent's options, HTTP surface and the aggregator's merge, in process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { AgentApp, AgentResponse, AgentStatus } from '../src/agent/app.ts';
import { createAgentApp, listeningPort, serializeReport, serveAgent } from '../src/agent/app.ts';
import { allowedServiceAccount } from '../src/agent/auth.ts';
import { AGENT_OPTIONS, agentHelp, loadAgentConfig, parseAgentArgs } from '../src/agent/config.ts';
import type { AgentUsageReport, PodUsageReport } from '../src/agent/report.ts';
import { ConfigError } from '../src/core/errors.ts';
import type { PodInfo } from '../src/core/model.ts';
import { agentTargets, mergeAgentUsage, validateReport, withAgentUsage } from '../src/sources/agent/agent-usage.ts';

test('agent options: defaults, flags over environment, and typed errors naming the option', () => {
  const d = loadAgentConfig(parseAgentArgs([]), { KCE_NODE_NAME: 'n1' });
  assert.deepEqual([d.nodeName, d.cgroupRoot, d.procRoot, d.intervalMs, d.port, d.network, d.conntrack, d.gpu, d.once, d.output], ['n1', '/sys/fs/cgroup', '/proc', 15_000, 9101, true, false, 'none', false, 'json']);
  const c = loadAgentConfig(parseAgentArgs(['--once', '-o', 'text', '--interval=30s', '--no-network', '--service-cidr', '10.96.0.0/12,fd00::/108']), { KCE_AGENT_INTERVAL: '5s', KCE_AGENT_NETWORK: 'true' });
  assert.deepEqual([c.once, c.output, c.intervalMs, c.network, c.serviceCidrs], [true, 'text', 30_000, false, ['10.96.0.0/12', 'fd00::/108']]);
  const cases: [string[], Record<string, string>, string][] = [
    [['--gpu', 'rocm'], {}, '--gpu: must be one of none, nvidia-smi, dcgm (got "rocm")'],
    [[], { KCE_AGENT_GPU: 'dcgm' }, '--dcgm-url: is required with --gpu dcgm (e.g. http://localhost:9400/metrics)'],
    [['--port', '70000'], {}, '--port: must be a port number 0-65535 (got "70000")'],
    [['--interval', '0s'], {}, '--interval: must be longer than 0 (got "0s")'],
    [['--conntrack', '--no-network'], {}, '--conntrack: needs --network (egress is bounded by the pod network counters)'],
    [['--token-review'], {}, '--token-review: needs at least one --allow-service-account NAMESPACE:NAME (which callers may read usage)'],
    [[], { KCE_AGENT_ALLOW_SERVICE_ACCOUNT: 'kube-cost/exporter' }, 'KCE_AGENT_ALLOW_SERVICE_ACCOUNT: must be NAMESPACE:NAME (got "kube-cost/exporter")'],
    [['--service-cidr', '10.96.0.0/40'], {}, '--service-cidr: not an IP range (got "10.96.0.0/40"): --service-cidr: cidr: not an IP address or CIDR (got "10.96.0.0/40")'],
    [[], { KCE_AGENT_NETWORK: 'maybe' }, 'KCE_AGENT_NETWORK: must be true or false (got "maybe")'],
  ];
  for (const [argv, env, message] of cases) assert.throws(() => loadAgentConfig(parseAgentArgs(argv), env), (e: unknown) => e instanceof ConfigError && e.message === message, message);
  assert.throws(() => parseAgentArgs(['--cgroup-rot', '/x']), (e: unknown) => e instanceof ConfigError && e.message === '--cgroup-rot: unknown option; see kube-cost-exporter agent --help');
  assert.throws(() => parseAgentArgs(['--port']), (e: unknown) => e instanceof ConfigError && e.message === '--port: needs a value (PORT)');
});

test('docs/agent.md lists every agent option with its variable', () => {
  const doc = readFileSync(new URL('../docs/agent.md', import.meta.url), 'utf8');
  const rows = new Set([...doc.matchAll(/^\| `--([a-z-]+)[^`]*`(?: \(repeatable\))? \| `([A-Z_]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`));
  assert.deepEqual(
    AGENT_OPTIONS.map((o) => `${o.flag} ${o.env}`).filter((o) => !rows.has(o)),
    [],
  );
  assert.equal(rows.size, AGENT_OPTIONS.length);
});

test('--help explains every option and its environment variable', () => {
  const help = agentHelp('1.2.3');
  for (const o of AGENT_OPTIONS) {
    assert.ok(help.includes(`--${o.flag}`), o.flag);
    assert.ok(help.includes(`[${o.env}]`), o.env);
  }
});

const POD: PodUsageReport = {
  uid: 'u1',
  namespace: 'shop',
  name: 'web-0',
  qos: 'burstable',
  cpuCores: 0.25,
  cpuThrottledRatio: 0,
  cpuThrottledSeconds: 0,
  memoryWorkingSetBytes: 1000,
  memoryPeakBytes: null,
  ioReadBytes: 0,
  ioWriteBytes: 0,
  ioReadOps: 0,
  ioWriteOps: 0,
  containers: [],
};
const REPORT: AgentUsageReport = { apiVersion: 'agent.kube-cost-exporter.io/v1', node: 'n1', cgroupVersion: 'v2', driver: 'systemd', fromMs: 0, toMs: 15_000, pods: [POD], warnings: [] };

function status(report: AgentUsageReport | undefined): AgentStatus {
  return { node: 'n1', cgroupVersion: 'v2', driver: 'systemd', collections: report ? 1 : 0, failures: 0, lastDurationSeconds: 0.004, collectionCpuSeconds: 0.125, lastError: undefined, report, body: report ? serializeReport(report) : undefined };
}

/** A GET through the app, in-process (what serveAgent does for each HTTP request). */
function get(app: AgentApp, path: string, headers: Record<string, string> = {}): Promise<AgentResponse> {
  return app.handle({ method: 'GET', path, headers });
}

const text = (r: AgentResponse): string => (typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('utf8'));

test('/v1/usage: 503 before the first collection, gzip when accepted, the shared token checked; /metrics and /healthz', async () => {
  const pending = createAgentApp({ status: () => status(undefined), version: 't' });
  assert.equal((await get(pending, '/v1/usage')).status, 503);
  const app = createAgentApp({ status: () => status(REPORT), version: 't', auth: { sharedToken: () => 's3cret' } });
  assert.equal((await get(app, '/v1/usage')).status, 401);
  assert.equal((await get(app, '/v1/usage', { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await get(app, '/healthz')).status, 200);
  assert.equal((await get(app, '/nothing', { authorization: 'Bearer s3cret' })).status, 404);
  assert.equal((await app.handle({ method: 'POST', path: '/v1/usage', headers: { authorization: 'Bearer s3cret' } })).status, 405);
  const plain = await get(app, '/v1/usage', { authorization: 'Bearer s3cret' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(text(plain)), REPORT);
  const gz = await get(app, '/v1/usage', { authorization: 'Bearer s3cret', 'accept-encoding': 'gzip, deflate' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.body.length < JSON.stringify(REPORT).length);
  assert.deepEqual(JSON.parse(gunzipSync(gz.body).toString('utf8')), REPORT);
  const metrics = text(await get(app, '/metrics', { authorization: 'Bearer s3cret' }));
  assert.match(metrics, /^kube_cost_agent_pods\{node="n1"\} 1$/m);
  assert.match(metrics, /^kube_cost_agent_pods_cpu_cores\{node="n1"\} 0\.25$/m);
  assert.match(metrics, /^kube_cost_agent_collection_cpu_seconds_total\{node="n1"\} 0\.125$/m);
  assert.ok(allowedServiceAccount('system:serviceaccount:kube-cost:kube-cost-exporter', ['kube-cost:kube-cost-exporter']));
  assert.ok(!allowedServiceAccount('system:serviceaccount:kube-cost:other', ['kube-cost:kube-cost-exporter']));
  assert.ok(!allowedServiceAccount('kube-cost:kube-cost-exporter', ['kube-cost:kube-cost-exporter']));
});

test('serveAgent: the app over node:http (gzip on the wire, HEAD without a body, the query string ignored)', async () => {
  const app = createAgentApp({ status: () => status(REPORT), version: 't', auth: { sharedToken: () => 's3cret' } });
  const server = await serveAgent(app, { port: 0, host: '127.0.0.1' });
  try {
    const base = `http://127.0.0.1:${listeningPort(server)}`;
    assert.equal((await fetch(`${base}/v1/usage`)).status, 401);
    const r = await fetch(`${base}/v1/usage?x=1`, { headers: { authorization: 'Bearer s3cret', 'accept-encoding': 'gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(await r.json(), REPORT);
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const podInfo = (namespace: string, name: string, uid: string, nodeName: string, extra: Partial<PodInfo> & { podIp?: string } = {}): PodInfo =>
  ({ uid, namespace, name, nodeName, phase: 'Running', labels: {}, annotations: {}, containers: [], initContainers: [], sidecarContainers: [], overhead: { cpuMillicores: 0, ramBytes: 0, gpus: 0 }, claimNames: [], ...extra }) as PodInfo;

test('merge: agent usage for the pods of nodes with a fresh report, the metrics API elsewhere, and which each node used', () => {
  const pods = [podInfo('shop', 'web-0', 'u1', 'n1'), podInfo('shop', 'web-1', 'u2', 'n2'), podInfo('shop', 'batch', 'u3', 'n3')];
  const metricsUsage = new Map([
    ['shop/web-0', new Map([['web', { cpuMillicores: 900, ramBytes: 9 }]])],
    ['shop/web-1', new Map([['web', { cpuMillicores: 100, ramBytes: 5 }]])],
  ]);
  const agentPod: PodUsageReport = {
    ...POD,
    network: { rxBytes: 0, txBytes: 10, egress: { inZoneBytes: 1, crossZoneBytes: 2, internetBytes: 3, unclassifiedBytes: 4 } },
    namespace: '', // an agent without API access: matched by UID
    name: '',
    containers: [
      { ...POD, id: 'c1', name: 'web', runtime: 'containerd', cpuCores: 0.2, memoryWorkingSetBytes: 300 },
      { ...POD, id: 'c0', name: 'web', runtime: 'containerd', cpuCores: 0.05, memoryWorkingSetBytes: 100 }, // restarted in the interval: both ran
      { ...POD, id: 'c2', name: '', runtime: 'containerd', cpuCores: 5, memoryWorkingSetBytes: 5 }, // unnamed: not attributable
    ],
  };
  const ghost: PodUsageReport = { ...POD, uid: 'u2', containers: [{ ...POD, id: 'x', name: 'web', runtime: 'containerd', cpuCores: 3, memoryWorkingSetBytes: 3 }] }; // u2 runs on n2, not n1: ignored
  const merged = mergeAgentUsage({ pods, nodes: ['n1', 'n2', 'n3'], metricsUsage, reports: new Map([['n1', { ...REPORT, pods: [{ ...agentPod }, ghost] }]]) });
  assert.deepEqual(Object.fromEntries(merged.sources), { n1: 'agent', n2: 'metrics-api', n3: 'requests' });
  assert.deepEqual(Object.fromEntries(merged.egress), { 'shop/web-0': { inZoneBytes: 1, crossZoneBytes: 2, internetBytes: 3, unclassifiedBytes: 4, seconds: 15 } });
  assert.deepEqual(Object.fromEntries([...merged.usage].map(([k, v]) => [k, Object.fromEntries(v)])), {
    'shop/web-0': { web: { cpuMillicores: 250, ramBytes: 300 } }, // 0.2 + 0.05 cores; the larger working set
    'shop/web-1': { web: { cpuMillicores: 100, ramBytes: 5 } },
  });
});

test('agent discovery: running agent pods with an IP, one per node; reports are validated', () => {
  const labels = { 'app.kubernetes.io/name': 'kube-cost-exporter-agent', 'app.kubernetes.io/component': 'node-agent' };
  const pods = [
    podInfo('kc', 'agent-a', 'a', 'n1', { labels, podIp: '10.0.0.5' }),
    podInfo('kc', 'agent-b', 'b', 'n2', { labels, podIp: 'fd00::7' }),
    podInfo('kc', 'agent-c', 'c', 'n3', { labels }), // no IP yet
    podInfo('kc', 'agent-d', 'd', 'n4', { labels, podIp: '10.0.0.9', phase: 'Pending' }),
    podInfo('kc', 'exporter', 'e', 'n1', { labels: { 'app.kubernetes.io/name': 'kube-cost-exporter' }, podIp: '10.0.0.6' }),
  ];
  assert.deepEqual(agentTargets(pods, 9101), [
    { node: 'n1', pod: 'kc/agent-a', url: 'http://10.0.0.5:9101/v1/usage' },
    { node: 'n2', pod: 'kc/agent-b', url: 'http://[fd00::7]:9101/v1/usage' },
  ]);
  assert.throws(() => validateReport({ ...REPORT, apiVersion: 'v0' }, 'kc/agent-a /v1/usage'), /kc\/agent-a \/v1\/usage: apiVersion: expected agent\.kube-cost-exporter\.io\/v1 \(got "v0"\)/);
  assert.throws(() => validateReport({ ...REPORT, pods: [{ ...POD, cpuCores: -1 }] }, 'x'), /x: pods\[0\]: uid, cpuCores ≥ 0/);
});

test('withAgentUsage over a source: agents pulled through fetch, usage replaced for their nodes, health detail, stale reports refused', async () => {
  const labels = { 'app.kubernetes.io/name': 'kube-cost-exporter-agent', 'app.kubernetes.io/component': 'node-agent' };
  const pods = [podInfo('shop', 'web-0', 'u1', 'n1'), podInfo('kc', 'agent-1', 'a1', 'n1', { labels, podIp: '10.0.0.5' }), podInfo('kc', 'agent-2', 'a2', 'n2', { labels, podIp: '10.0.0.6' })];
  const nodes = ['n1', 'n2'].map((name) => ({ name, uid: name, labels: {}, capacity: { cpuMillicores: 0, ramBytes: 0, gpus: 0 }, allocatable: { cpuMillicores: 0, ramBytes: 0, gpus: 0 } }));
  const inner = {
    kind: 'kube' as const,
    description: 'test',
    read: async () => ({ snapshot: { nodes, pods, persistentVolumes: [], persistentVolumeClaims: [], services: [], namespaces: [], storageClasses: [] }, warnings: [], hasUsage: false, usageStatus: { state: 'absent', detail: 'no metrics API' } }),
    health: () => ({ ready: true, reason: 'ok', detail: { synced: true } }),
  };
  const NOW = 100_000;
  const seen: string[] = [];
  const fakeFetch = (async (url: string, init?: RequestInit) => {
    seen.push(`${url} ${((init?.headers ?? {}) as Record<string, string>)['authorization']}`);
    if (url.includes('10.0.0.6')) return new Response(JSON.stringify({ ...REPORT, node: 'n2', toMs: NOW - 600_000, pods: [] }), { status: 200 });
    const network = { rxBytes: 0, txBytes: 10, egress: { inZoneBytes: 1, crossZoneBytes: 2, internetBytes: 3, unclassifiedBytes: 4 } };
    return new Response(JSON.stringify({ ...REPORT, fromMs: NOW - 16_000, toMs: NOW - 1000, pods: [{ ...POD, network, containers: [{ ...POD, id: 'c', name: 'web', runtime: 'containerd' }] }] }), { status: 200 });
  }) as typeof fetch;
  const source = withAgentUsage(inner, { fetch: fakeFetch, token: () => 'sa-token', port: 9101 });
  const reading = await source.read(NOW);
  assert.deepEqual(seen.sort(), ['http://10.0.0.5:9101/v1/usage Bearer sa-token', 'http://10.0.0.6:9101/v1/usage Bearer sa-token']);
  assert.deepEqual(Object.fromEntries(reading.snapshot.usage ?? []), { 'shop/web-0': new Map([['web', { cpuMillicores: 250, ramBytes: 1000 }]]) });
  assert.deepEqual(Object.fromEntries(reading.usageByNode ?? []), { n1: 'agent', n2: 'requests' });
  // The pod's egress over the agent's 15 s interval goes to the cost model.
  assert.deepEqual(Object.fromEntries(reading.snapshot.egress ?? []), { 'shop/web-0': { inZoneBytes: 1, crossZoneBytes: 2, internetBytes: 3, unclassifiedBytes: 4, seconds: 15 } });
  assert.deepEqual(reading.usageStatus, { state: 'ok', detail: 'from 1 node agent(s); the metrics API: absent' });
  const detail = source.health!().detail as { agents: { found: number; pulled: number; nodesWithoutAgent: string[]; failures: string[] } };
  assert.deepEqual([detail.agents.found, detail.agents.pulled, detail.agents.nodesWithoutAgent], [2, 1, ['n2']]);
  assert.deepEqual(detail.agents.failures, ["n2: the agent's last collection is 600 s old"]);
});
