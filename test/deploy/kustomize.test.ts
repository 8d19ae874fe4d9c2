// deploy/kustomize rendered by the real `kubectl kustomize` (Debian's kubernetes-client; .ci/run
// installs it): every object of the base and of every overlay is valid against the Kubernetes and
// prometheus-operator schemas (unknown fields included) and forms a correct install.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../src/dashboards/generate.ts';
import { hasBinary } from '../helpers/prometheus.ts';
import { checkInstall, KUSTOMIZE, KUSTOMIZE_LAYOUTS, kustomize } from './install-checks.ts';
import { validateAll } from './k8s-schemas.ts';

const skip = hasBinary('kubectl') ? false : 'kubectl not installed (Debian package kubernetes-client; .ci/run installs it)';

const CASES = KUSTOMIZE_LAYOUTS;

test('every overlay is tested', () => {
  assert.deepEqual(readdirSync(join(KUSTOMIZE, 'overlays')).map((o) => `overlays/${o}`).sort(), Object.keys(CASES).filter((c) => c !== 'base').sort());
  // Every component is used by an overlay.
  const used = readdirSync(join(KUSTOMIZE, 'overlays')).flatMap((o) => [...readFileSync(join(KUSTOMIZE, 'overlays', o, 'kustomization.yaml'), 'utf8').matchAll(/components\/([\w-]+)/g)].map((m) => m[1]));
  for (const c of readdirSync(join(KUSTOMIZE, 'components'))) assert.ok(used.includes(c), `component ${c} is used by an overlay`);
});

for (const [dir, expect] of Object.entries(CASES)) {
  test(`kubectl kustomize ${dir}: valid objects, a correct install`, { skip }, async () => {
    const objects = kustomize(dir);
    assert.deepEqual(await validateAll(objects), []);
    assert.deepEqual(checkInstall(objects, expect), []);
    for (const o of objects) {
      const meta = o['metadata'] as { namespace?: string; name: string };
      const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(String(o['kind']));
      assert.equal(meta.namespace, clusterScoped ? undefined : 'kube-cost', `${o['kind']}/${meta.name} namespace`);
    }
    const ns = objects.find((o) => o['kind'] === 'Namespace') as { metadata: { labels: Record<string, string> } };
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  });
}

test('the overlays configure what they say', { skip }, () => {
  const env = (objects: Record<string, unknown>[]): Record<string, string> => {
    const d = objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } };
    return Object.fromEntries(d.spec.template.spec.containers[0]!.env.map((e) => [e.name, e.value]));
  };
  assert.equal(env(kustomize('base'))['KCE_SOURCE'], 'kube');
  assert.equal(env(kustomize('overlays/demo'))['KCE_SOURCE'], 'demo');
  const prod = kustomize('overlays/production-aws');
  assert.deepEqual(
    { ...env(prod) },
    { KCE_SOURCE: 'kube', KCE_PORT: '9090', KCE_METRICS_PATH: '/metrics', KCE_INTERVAL: '60s', KCE_LOG_LEVEL: 'info', KCE_LOG_FORMAT: 'json', KCE_DATA_DIR: '/var/lib/kube-cost-exporter', KCE_CLUSTER_ID: 'prod-us-east-1', KCE_CLOUD_PROVIDER: 'aws', KCE_REGION: 'us-east-1' },
  );
  // One of many clusters: its id, the shared database from the Secret, the default retention.
  const many = env(kustomize('overlays/many-clusters'));
  assert.deepEqual([many['KCE_CLUSTER_ID'], 'KCE_STORE' in many, many['KCE_RETENTION_RAW']], ['east', true, undefined]);
  const sa = prod.find((o) => o['kind'] === 'ServiceAccount') as { metadata: { annotations: Record<string, string> } };
  assert.match(sa.metadata.annotations['eks.amazonaws.com/role-arn']!, /^arn:aws:iam::\d{12}:role\//);
});

test('the version in labels and image tag is the package version', { skip }, () => {
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  for (const o of kustomize('overlays/production-aws')) {
    const labels = (o['metadata'] as { labels?: Record<string, string> }).labels ?? {};
    if (o['kind'] !== 'Namespace') assert.equal(labels['app.kubernetes.io/version'], version, `${o['kind']} version label`);
  }
  const d = kustomize('base').find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: { containers: { image: string }[] } } } };
  assert.equal(d.spec.template.spec.containers[0]!.image, `ghcr.io/deepcost/kube-cost-exporter:${version}`);
});
