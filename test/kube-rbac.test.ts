// Least privilege, checked against what the collector actually does: the test API server enforces
// the ClusterRole's rules (403 for anything else, as RBAC would) and records every call; the
// collector must sync, read usage, survive a re-list — and have used every rule it asks for.
// The ClusterRole shipped in deploy/kustomize must be exactly these rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { KubeNotReadyError } from '../src/sources/kube/errors.ts';
import type { PolicyRule } from '../src/sources/kube/rbac.ts';
import { allows, CLUSTER_ROLE_RULES, NON_RESOURCE_URLS, ruleSet } from '../src/sources/kube/rbac.ts';
import { realisticCluster, realisticUsage, T0 } from './kube-apiserver/cluster.ts';
import { eventually, startTestCluster } from './kube-apiserver/harness.ts';
import type { ApiRequest } from './kube-apiserver/server.ts';

const USER = 'system:serviceaccount:kube-cost:kube-cost-exporter';
const DEPLOY_KUSTOMIZE = new URL('../deploy/kustomize/', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every ClusterRole in deploy/kustomize (path → rules). */
function deployedClusterRoles(): Map<string, PolicyRule[]> {
  const found = new Map<string, PolicyRule[]>();
  for (const file of yamlFiles(DEPLOY_KUSTOMIZE)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as { kind?: string; metadata?: { name?: string; labels?: Record<string, string> }; rules?: PolicyRule[] } | null;
      // The node agent's own role (deploy/kustomize/node-agent) is checked by test/agent-rbac.test.ts.
      if (value?.metadata?.labels?.['app.kubernetes.io/component'] === 'node-agent') continue;
      if (value?.kind === 'ClusterRole') found.set(`${file} (${value.metadata?.name ?? '?'})`, value.rules ?? []);
    }
  }
  return found;
}

describe('RBAC: the ClusterRole against the calls the collector makes', { concurrency: false }, () => {
  /** The calls of the first test, for the deploy/ check. */
  let recorded: readonly ApiRequest[] = [];

  test('the collector works under exactly these rules, and uses every one of them', async () => {
    const cluster = await startTestCluster({ user: USER, authorize: (r) => allows(CLUSTER_ROLE_RULES, r) });
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      realisticUsage(cluster.server, T0);
      const source = await cluster.source({ unreachableAfterMs: 60_000 });
      const reading = await source.read(T0);
      assert.equal(reading.usageStatus.state, 'ok');
      assert.equal(reading.snapshot.pods.length, 6);
      // Through reconnects and a re-list too (the API server restarts with its history compacted).
      await cluster.server.waitForWatches(11);
      await cluster.server.stop();
      cluster.server.apply(realisticCluster()[0]!);
      cluster.server.compact();
      await cluster.server.restart();
      await eventually(() => source.status().resources.every((r) => r.lists === 2), 're-lists');

      const calls: ApiRequest[] = cluster.server.requests;
      recorded = calls;
      const refused = calls.filter((c) => !allows(CLUSTER_ROLE_RULES, c));
      assert.deepEqual(refused, [], 'every call is allowed');
      assert.ok(calls.every((c) => c.verb === 'list' || c.verb === 'watch' || c.verb === 'get'), 'read-only');
      assert.ok(!calls.some((c) => c.resource === 'secrets' || c.resource === 'configmaps'), 'no secrets, no configmaps');

      // Every granted resource is used, with list and watch (list only for metrics).
      const used = new Set(calls.map((c) => `${c.apiGroup === '' ? 'core' : c.apiGroup}/${c.resource}:${c.verb}`));
      for (const [resource, verbs] of ruleSet(CLUSTER_ROLE_RULES)) {
        const needed = verbs.split(',').filter((v) => v !== 'get');
        for (const verb of needed) assert.ok(used.has(`${resource}:${verb}`), `${resource} ${verb} is granted but never used`);
      }
      assert.deepEqual(NON_RESOURCE_URLS, ['/version']);
    } finally {
      await cluster.close();
    }
  });

  test('a missing rule for what costs need: a 403 naming the resource, and the source is not ready', async () => {
    const withoutNodes = CLUSTER_ROLE_RULES.map((r) => (r.apiGroups.includes('') ? { ...r, resources: r.resources.filter((x) => x !== 'nodes') } : r));
    const cluster = await startTestCluster({ user: USER, authorize: (r) => allows(withoutNodes, r) });
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      // Waits for what the message is about: every allowed list finished and the forbidden one
      // answered 403 (a fixed 500 ms, then 8 s, left allowed lists pending at load 20). The first
      // read then waits a moment more for nodes, which never come.
      const source = await cluster.source({ firstSyncTimeoutMs: 200 });
      source.start();
      await eventually(() => source.status().resources.every((r) => r.synced || (r.resource === 'nodes' && r.lastError !== undefined)), 'every allowed list done and nodes refused');
      await assert.rejects(source.read(T0), (err: unknown) => {
        assert.ok(err instanceof KubeNotReadyError);
        assert.match(
          err.message,
          /: initial sync: the first list of nodes has not finished: list \/api\/v1\/nodes: HTTP status: Forbidden: nodes is forbidden: User "system:serviceaccount:kube-cost:kube-cost-exporter" cannot list resource "nodes" in API group "" at the cluster scope \(got "403"\) \(got "nodes"\)$/,
        );
        return true;
      });
    } finally {
      await cluster.close();
    }
  });

  test('a missing rule for enrichment (jobs): collection goes on, workloads from names, the status says why', async () => {
    const withoutJobs = CLUSTER_ROLE_RULES.filter((r) => !r.apiGroups.includes('batch'));
    const cluster = await startTestCluster({ user: USER, authorize: (r) => allows(withoutJobs, r) });
    try {
      for (const o of realisticCluster()) cluster.server.apply(o);
      const source = await cluster.source();
      const reading = await source.read(T0);
      assert.equal(reading.snapshot.pods.length, 6);
      assert.deepEqual(reading.snapshot.pods.find((p) => p.name === 'report-29412345-7bq4n')?.workload, { kind: 'CronJob', name: 'report' }, 'from the Job name');
      const jobs = source.status().resources.find((r) => r.resource === 'jobs')!;
      assert.equal(jobs.forbidden, true);
      assert.equal(jobs.synced, true);
      assert.match(jobs.lastError ?? '', /jobs is forbidden/);
    } finally {
      await cluster.close();
    }
  });

  test('deploy/kustomize grants exactly these rules', (t) => {
    const roles = deployedClusterRoles();
    if (roles.size === 0) {
      t.skip('deploy/kustomize has no ClusterRole yet');
      return;
    }
    assert.ok(recorded.length > 0, 'the collector ran');
    const needed = ruleSet(CLUSTER_ROLE_RULES);
    for (const [where, rules] of roles) {
      const refused = [...new Set(recorded.filter((c) => !allows(rules, c)).map((c) => `${c.verb} ${c.apiGroup === '' ? 'core' : c.apiGroup}/${c.resource}`))];
      const granted = ruleSet(rules);
      const excess = [...granted].filter(([key, verbs]) => needed.get(key) !== verbs).map(([key, verbs]) => `${key}: ${verbs}`);
      assert.deepEqual({ refused, excess }, { refused: [], excess: [] }, `${where}: the collector's calls it refuses, and what it grants beyond src/sources/kube/rbac.ts`);
    }
  });
});
