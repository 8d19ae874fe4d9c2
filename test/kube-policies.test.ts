// HorizontalPodAutoscalers and PodDisruptionBudgets through the kube source against the test API
// server: listed, then followed by watch (added, modified, deleted), malformed ones reported as
// warnings naming the field. The advice reads them from reading.policies (docs/advice.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allows, CLUSTER_ROLE_RULES } from '../src/sources/kube/rbac.ts';
import { createSnapshotSource } from '../src/sources/snapshot-source.ts';
import { realisticCluster, T0 } from './kube-apiserver/cluster.ts';
import { eventually, kubectl, startTestCluster } from './kube-apiserver/harness.ts';

const hpa = (name: string, metrics: unknown[]) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'shop' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: 2, maxReplicas: 10, metrics },
});
const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } };
const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } };
const pdb = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'shop' }, spec });

test('the kube source lists and watches HPAs and PDBs and hands them to the advice', async () => {
  const cluster = await startTestCluster();
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    cluster.server.apply(hpa('web', [cpu]));
    cluster.server.apply(pdb('web', { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 }));
    const source = await cluster.source({ metrics: false });
    const first = await source.read(T0);
    assert.deepEqual(first.policies?.hpas, [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'] }]);
    assert.deepEqual(first.policies?.pdbs, [{ namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' }, matchExpressions: [] }, minAvailable: { count: 1 } }]);
    assert.deepEqual(first.warnings, []);

    // Watch: the HPA now scales on memory too, the PDB goes, a malformed one comes.
    cluster.server.apply(hpa('web', [cpu, memory]));
    cluster.server.remove('PodDisruptionBudget', 'shop', 'web');
    cluster.server.apply(pdb('bad', { selector: { matchLabels: { app: 'web' } }, minAvailable: 'most' }));
    const later = await eventually(async () => {
      const r = await source.read(T0 + 1000);
      return r.policies?.hpas[0]?.resources.length === 2 && r.policies.pdbs.length === 0 && r.warnings.length === 1 ? r : undefined;
    }, 'the watch events');
    assert.deepEqual(later.policies?.hpas[0]?.resources, ['cpu', 'memory']);
    assert.equal(later.warnings[0]?.field, 'spec.minAvailable');
    assert.equal(later.warnings[0]?.value, 'most');
    assert.match(later.warnings[0]?.object ?? '', /shop\/bad/);
  } finally {
    await cluster.close();
  }
});

test('a snapshot of `kubectl get hpa,pdb -A -o json` (real kubectl) gives the policies the kube source gives', async () => {
  const cluster = await startTestCluster();
  try {
    cluster.server.apply(hpa('web', [cpu, memory]));
    cluster.server.apply(hpa('api', []));
    cluster.server.apply(pdb('web', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, maxUnavailable: '50%' }));
    const r = await kubectl(cluster, ['get', 'hpa,pdb', '-A', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const file = join(cluster.dir, 'policies.json');
    writeFileSync(file, r.stdout);
    const fromSnapshot = await createSnapshotSource({ paths: [file] }).read(T0);
    const live = await (await cluster.source({ metrics: false })).read(T0);
    const byName = <T extends { name: string }>(xs: readonly T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(byName(fromSnapshot.policies?.hpas ?? []), [
      { namespace: 'shop', kind: 'deployment', name: 'api', resources: ['cpu'] },
      { namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu', 'memory'] },
    ]);
    assert.deepEqual(fromSnapshot.policies?.pdbs, [{ namespace: 'shop', name: 'web', selector: { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, maxUnavailable: { percent: 50 } }]);
    assert.deepEqual(byName(live.policies?.hpas ?? []), byName(fromSnapshot.policies?.hpas ?? []));
    assert.deepEqual(live.policies?.pdbs, fromSnapshot.policies?.pdbs);
  } finally {
    await cluster.close();
  }
});

test('RBAC refusing HPAs: collection goes on, and the reading has no policies (not known, rather than none)', async () => {
  const withoutHpas = CLUSTER_ROLE_RULES.filter((r) => !r.apiGroups.includes('autoscaling'));
  const cluster = await startTestCluster({ authorize: (r) => allows(withoutHpas, r) });
  try {
    for (const o of realisticCluster()) cluster.server.apply(o);
    cluster.server.apply(hpa('web', [cpu]));
    const reading = await (await cluster.source({ metrics: false })).read(T0);
    assert.equal(reading.snapshot.pods.length, 6);
    assert.equal(reading.policies, undefined);
  } finally {
    await cluster.close();
  }
});
