// The node agent under exactly its ClusterRole (src/agent/rbac.ts), against the test API server
// acting as RBAC would; the deployed roles grant exactly that.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAgentConfig, parseAgentArgs } from '../src/agent/config.ts';
import { containerId, podUid, writeCgroupTree } from '../src/agent/fixtures.test-util.ts';
import { startAgent } from '../src/agent/main.ts';
import { AGENT_CLUSTER_ROLE_RULES } from '../src/agent/rbac.ts';
import { CHART_DIR, REPO_ROOT } from '../src/dashboards/generate.ts';
import type { PolicyRule } from '../src/sources/kube/rbac.ts';
import { allows, ruleSet } from '../src/sources/kube/rbac.ts';
import { memoryLogger } from '../src/server/log.ts';
import { renderChart } from './deploy/helm-template.ts';
import { kustomize } from './deploy/install-checks.ts';
import { startTestCluster } from './kube-apiserver/harness.ts';
import { nodeObject, podObject } from './kube-apiserver/objects.ts';
import { hasBinary } from './helpers/prometheus.ts';

test('the agent names pods, reads zones and reviews tokens under exactly its ClusterRole, and uses all of it', async () => {
  const cluster = await startTestCluster({
    user: 'system:serviceaccount:kube-cost-agent:kube-cost-exporter-agent',
    authorize: (r) => allows(AGENT_CLUSTER_ROLE_RULES, r),
    tokenReviews: { 'exporter-token': { username: 'system:serviceaccount:kube-cost:kube-cost-exporter' } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'kce-agent-rbac-'));
  try {
    const uid = podUid(7);
    const id = containerId(7);
    cluster.server.apply(nodeObject({ name: 'node-a', cpu: '4', memory: '16Gi' }));
    const pod = podObject({ namespace: 'shop', name: 'web-0', node: 'node-a', uid, containers: [{ name: 'web', cpu: '100m' }] }) as { status: Record<string, unknown> };
    pod.status['containerStatuses'] = (pod.status['containerStatuses'] as Record<string, unknown>[]).map((s) => ({ ...s, containerID: `containerd://${id}` }));
    cluster.server.apply(pod as unknown as Record<string, unknown>);
    const counters = { cpuUsec: 1, memoryBytes: 100, inactiveFileBytes: 0 };
    writeCgroupTree(dir, { version: 'v2', driver: 'systemd', runtime: 'containerd', pods: [{ uid, qos: 'burstable', counters, containers: [{ id, counters }] }] });
    const args = ['--node-name', 'node-a', '--cgroup-root', dir, '--proc-root', dir, '--host', '127.0.0.1', '--port', '0', '--interval', '1h', '--conntrack', '--kubeconfig', cluster.kubeconfigPath, '--token-review', '--allow-service-account', 'kube-cost:kube-cost-exporter'];
    let clock = 0;
    const agent = await startAgent(loadAgentConfig(parseAgentArgs(args), {}), 'test', { logger: memoryLogger(), now: () => clock });
    try {
      clock = 15_000;
      await agent.collectNow();
      const res = await fetch(`${agent.url}/v1/usage`, { headers: { authorization: 'Bearer exporter-token' } });
      assert.equal(res.status, 200);
      const report = (await res.json()) as { pods: { namespace: string; name: string; containers: { name: string }[] }[]; warnings: string[] };
      assert.deepEqual(report.pods.map((p) => `${p.namespace}/${p.name}/${p.containers[0]!.name}`), ['shop/web-0/web']);
    } finally {
      await agent.close();
    }
    const calls = cluster.server.requests;
    const refused = calls.filter((c) => !allows(AGENT_CLUSTER_ROLE_RULES, c)).map((c) => `${c.verb} ${c.apiGroup}/${c.resource} ${c.path}`);
    assert.deepEqual(refused, []);
    const used = new Set(calls.map((c) => `${c.apiGroup === '' ? 'core' : c.apiGroup}/${c.resource}: ${c.verb}`));
    assert.deepEqual([...used].sort(), ['authentication.k8s.io/tokenreviews: create', 'core/nodes: list', 'core/pods: list']);
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Helm chart and deploy/kustomize/node-agent grant the agent exactly src/agent/rbac.ts', { skip: hasBinary('kubectl') ? false : 'kubectl not installed' }, () => {
  const isAgentRole = (o: Record<string, unknown>): boolean => o['kind'] === 'ClusterRole' && (o['metadata'] as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/component'] === 'node-agent';
  const chart = renderChart(join(REPO_ROOT, CHART_DIR), { releaseName: 'kube-cost-exporter', namespace: 'kube-cost', values: { agent: { enabled: true } } });
  for (const roles of [chart.objects.filter(isAgentRole), kustomize('node-agent').filter(isAgentRole)]) {
    assert.equal(roles.length, 1);
    assert.deepEqual(ruleSet(roles[0]!['rules'] as PolicyRule[]), ruleSet(AGENT_CLUSTER_ROLE_RULES));
  }
});
