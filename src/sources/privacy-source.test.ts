import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { annotationFilter, DEFAULT_ANNOTATION_ALLOW_LIST } from '../core/privacy.ts';
import type { HashedName } from '../core/privacy.ts';
import { loadCatalog } from '../pricing/catalog.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import { createDemoSource } from './demo.ts';
import { createSnapshotSource } from './snapshot-source.ts';
import { privateSource, saltedHash } from './privacy-source.ts';

const NOW = Date.UTC(2026, 10, 30, 12);
const WINDOW = { startMs: NOW - 3_600_000, endMs: NOW };

test('saltedHash: stable, salted, short', () => {
  const a = saltedHash('s1');
  // printf 's1\0payments' | sha256sum → 5710af8e10ca…
  assert.equal(a('payments'), 'h-5710af8e10ca');
  assert.notEqual(a('payments'), saltedHash('s2')('payments'));
  assert.notEqual(a('payments'), a('payments2'));
});

test('annotationFilter: exact keys, prefixes, everything', () => {
  const keep = annotationFilter(DEFAULT_ANNOTATION_ALLOW_LIST);
  const cases: [string, boolean][] = [
    ['budget', true],
    ['cost-center', true],
    ['kube-cost-exporter.io/team', true],
    ['kubectl.kubernetes.io/last-applied-configuration', false],
    ['vault.hashicorp.com/agent-inject-secret-db', false],
    ['budgets', false],
  ];
  for (const [key, kept] of cases) assert.equal(keep(key), kept, key);
  assert.equal(annotationFilter(['*'])('anything'), true);
});

for (const hash of [['pods'], ['pods', 'namespaces'], ['pods', 'namespaces', 'labels']] as HashedName[][]) {
  test(`privacy (${hash.join(', ')}): every cost is unchanged, only names differ, and no real name is left`, async () => {
    const prices = createPriceBook({ catalog: loadCatalog() });
    const plain = await createDemoSource({ seed: 7 }).read(NOW);
    const hashText = saltedHash('test-salt');
    const hidden = await privateSource(createDemoSource({ seed: 7 }), { hash: new Set(hash), annotationAllowList: DEFAULT_ANNOTATION_ALLOW_LIST, hashText }).read(NOW);
    const a = allocate(plain.snapshot, prices, WINDOW);
    const b = allocate(hidden.snapshot, prices, WINDOW);
    assert.equal(b.pods.length, a.pods.length);
    assert.equal(b.cluster.totalHourlyUsd, a.cluster.totalHourlyUsd);
    assert.equal(b.cluster.idleHourlyUsd, a.cluster.idleHourlyUsd);
    // Load balancers still select their pods, volumes are still mounted, usage still applies.
    assert.deepEqual(
      b.loadBalancers.map((l) => [l.hourlyUsd, l.podCount]),
      a.loadBalancers.map((l) => [l.hourlyUsd, l.podCount]),
    );
    assert.deepEqual(
      b.volumes.map((v) => v.mountedBy.length),
      a.volumes.map((v) => v.mountedBy.length),
    );
    assert.deepEqual(
      b.pods.map((p) => p.totalHourlyUsd),
      a.pods.map((p) => p.totalHourlyUsd),
    );
    const ns = (v: string) => (hash.includes('namespaces') && !v.startsWith('__') ? hashText(v) : v);
    const byNs = new Map(a.namespaces.map((n) => [ns(n.namespace), n.totalHourlyUsd]));
    for (const n of b.namespaces) assert.equal(n.totalHourlyUsd, byNs.get(n.namespace), n.namespace);
    // Budgets survive (the amount is not hashed).
    assert.deepEqual(
      b.budgets.map((x) => x.monthlyUsd),
      a.budgets.map((x) => x.monthlyUsd),
    );
    const podNames = new Set(a.pods.map((p) => p.name));
    const workloads = new Set(a.pods.flatMap((p) => (p.workload ? [p.workload.name] : [])));
    for (const p of b.pods) {
      assert.ok(!podNames.has(p.name), `pod name ${p.name} left`);
      assert.match(p.name, /^h-[0-9a-f]{12}$/);
      if (p.workload) assert.ok(!workloads.has(p.workload.name), `workload ${p.workload.name} left`);
    }
    for (const l of b.loadBalancers) assert.match(l.name, /^h-[0-9a-f]{12}$/);
    for (const v of b.volumes) if (v.claimName !== '') assert.match(v.claimName, /^h-[0-9a-f]{12}$/);
    const realNamespaces = new Set(a.namespaces.map((n) => n.namespace));
    for (const n of b.namespaces) if (!n.namespace.startsWith('__')) assert.equal(realNamespaces.has(n.namespace), !hash.includes('namespaces'), n.namespace);
    if (hash.includes('labels')) {
      for (const p of b.pods) for (const [k, v] of Object.entries(p.labels)) assert.match(v, /^h-[0-9a-f]{12}$/, `label ${k}=${v}`);
    }
  });
}

test('no environment variables, secrets or annotations outside the allow-list reach a reading', async () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-7d9f',
      namespace: 'shop',
      uid: 'u-1',
      annotations: { budget: '100', 'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/SECRET-PATH', 'kubectl.kubernetes.io/last-applied-configuration': '{"password":"ANNOTATED-SECRET"}' },
    },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: 'app',
          image: 'shop/api:1',
          env: [{ name: 'DB_PASSWORD', value: 'ENV-SECRET-VALUE' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'SECRET-NAME', key: 'token' } } }],
          envFrom: [{ secretRef: { name: 'ENVFROM-SECRET' } }],
          resources: { requests: { cpu: '100m', memory: '128Mi' } },
        },
      ],
      volumes: [{ name: 'creds', secret: { secretName: 'VOLUME-SECRET' } }],
    },
    status: { phase: 'Running' },
  };
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-1', labels: {} }, status: { capacity: { cpu: '2', memory: '8Gi' }, allocatable: { cpu: '2', memory: '8Gi' } } };
  const files = new Map([['/snap.json', JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node, pod] })]]);
  const source = createSnapshotSource({
    paths: ['/snap.json'],
    readFile: async (p: string) => Buffer.from(files.get(p) ?? ''),
    stat: async () => ({ isDirectory: () => false, mtimeMs: 1, size: 1 }) as never,
    readDir: async () => [],
  });
  const reading = await privateSource(source, { hash: new Set(), annotationAllowList: DEFAULT_ANNOTATION_ALLOW_LIST, hashText: saltedHash('') }).read(NOW);
  const text = JSON.stringify(reading, (_k, v) => (v instanceof Map ? [...v] : v));
  for (const secret of ['ENV-SECRET-VALUE', 'SECRET-NAME', 'ENVFROM-SECRET', 'VOLUME-SECRET', 'SECRET-PATH', 'ANNOTATED-SECRET', 'DB_PASSWORD']) {
    assert.ok(!text.includes(secret), `${secret} reached the reading`);
  }
  assert.deepEqual(reading.snapshot.pods[0]?.annotations, { budget: '100' });
});
