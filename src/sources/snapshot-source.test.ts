import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { createSnapshotSource, decodeText } from './snapshot-source.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kce-snapshot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, status: { capacity: { cpu: '4', memory: '16Gi' } } });
const pod = (name: string, cpu = '100m') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', uid: `uid-${name}` },
  spec: { nodeName: 'n1', containers: [{ name: 'app', resources: { requests: { cpu } } }] },
  status: { phase: 'Running' },
});
const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, null, 4);
const metrics = (cpu: string) =>
  JSON.stringify({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [{ metadata: { name: 'p1', namespace: 'shop' }, timestamp: '2026-11-23T14:00:00Z', window: '15s', containers: [{ name: 'app', usage: { cpu, memory: '10Mi' } }] }] });

/** Writes then renames, as a refreshing cron job should, so the inode changes even within one mtime tick. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** readFile that counts reads per file name. */
function countingReads() {
  const reads = new Map<string, number>();
  return {
    reads,
    readFile: (path: string) => {
      const name = path.slice(dir.length + 1);
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return readFile(path);
    },
  };
}

test('files and directories are merged; metrics files are recognised by kind', async () => {
  mkdirSync(join(dir, 'snap'));
  writeFileSync(join(dir, 'snap', 'a-nodes.json'), list(node('n1')));
  writeFileSync(join(dir, 'snap', 'b-pods.json'), list(pod('p1')));
  writeFileSync(join(dir, 'snap', 'c-metrics.json'), metrics('250m'));
  writeFileSync(join(dir, 'snap', 'notes.txt'), 'not json');
  writeFileSync(join(dir, 'snap', '.partial.json'), '{');
  writeFileSync(join(dir, 'extra.json'), list(node('n2')));
  const source = createSnapshotSource({ paths: [join(dir, 'snap'), join(dir, 'extra.json')] });
  assert.equal(source.kind, 'snapshot');
  assert.equal(source.description, `snapshot ${join(dir, 'snap')}, ${join(dir, 'extra.json')}`);
  const { snapshot, warnings, hasUsage } = await source.read(0);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    snapshot.nodes.map((n) => n.name),
    ['n1', 'n2'],
  );
  assert.deepEqual(
    snapshot.pods.map((p) => p.name),
    ['p1'],
  );
  assert.ok(hasUsage);
  assert.deepEqual(snapshot.usage?.get('shop/p1')?.get('app'), { cpuMillicores: 250, ramBytes: 10 * 1024 ** 2 });
});

test('unchanged files are not re-read; a changed metrics file re-reads only the metrics', async () => {
  writeFileSync(join(dir, 'cluster.json'), list(node('n1'), pod('p1')));
  writeFileSync(join(dir, 'metrics.json'), metrics('250m'));
  const { reads, readFile } = countingReads();
  const source = createSnapshotSource({ paths: [join(dir, 'cluster.json')], usagePaths: [join(dir, 'metrics.json')], readFile });
  const first = await source.read(0);
  assert.equal(await source.read(1), first, 'the cached reading itself');
  assert.deepEqual(Object.fromEntries(reads), { 'cluster.json': 1, 'metrics.json': 1 });

  replace(join(dir, 'metrics.json'), metrics('500m'));
  const second = await source.read(2);
  assert.equal(second.snapshot.usage?.get('shop/p1')?.get('app')?.cpuMillicores, 500);
  assert.equal(second.snapshot.pods, first.snapshot.pods, 'the cluster file was not converted again');
  assert.deepEqual(Object.fromEntries(reads), { 'cluster.json': 1, 'metrics.json': 2 });

  replace(join(dir, 'cluster.json'), list(node('n1'), pod('p1'), pod('p2')));
  const third = await source.read(3);
  assert.deepEqual(
    third.snapshot.pods.map((p) => p.name),
    ['p1', 'p2'],
  );
  assert.equal(third.snapshot.usage?.get('shop/p1')?.get('app')?.cpuMillicores, 500);
  assert.deepEqual(Object.fromEntries(reads), { 'cluster.json': 2, 'metrics.json': 2 });
});

test('a file that breaks throws (the exporter keeps its last good numbers), and is picked up once fixed', async () => {
  const file = join(dir, 'cluster.json');
  writeFileSync(file, list(node('n1'), pod('p1')));
  const source = createSnapshotSource({ paths: [file] });
  assert.equal((await source.read(0)).snapshot.pods.length, 1);

  replace(file, '{\n    "kind": "List",\n    "items": [\n        {"kind": "Pod",');
  await assert.rejects(source.read(1), {
    name: 'JsonSyntaxError',
    message: `${file}: line 4, column 24: not valid JSON: Expected double-quoted property name (got "…     {\\"kind\\": \\"Pod\\",")`,
  });
  await assert.rejects(source.read(2), { name: 'JsonSyntaxError' }, 'still broken: still an error, not the stale reading');

  replace(file, list(node('n1'), pod('p1'), pod('p2')));
  assert.equal((await source.read(3)).snapshot.pods.length, 2);
});

test('objects with bad fields are warnings, not failures', async () => {
  writeFileSync(join(dir, 'cluster.json'), list(node('n1'), pod('p1', '10x'), pod('p2')));
  const { snapshot, warnings } = await createSnapshotSource({ paths: [join(dir, 'cluster.json')] }).read(0);
  assert.deepEqual(
    snapshot.pods.map((p) => p.name),
    ['p2'],
  );
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['pods/shop/p1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")'],
  );
});

test('HPAs and PDBs (kubectl get hpa,pdb -A -o json) become the reading\'s policies; none read: no policies', async () => {
  const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, metrics: [{ type: 'Resource', resource: { name: 'memory' } }] } };
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } }, maxUnavailable: '25%' } };
  const bad = { ...pdb, metadata: { name: 'bad', namespace: 'shop' }, spec: { minAvailable: -2 } };
  writeFileSync(join(dir, 'cluster.json'), list(node('n1'), pod('p1')));
  const before = await createSnapshotSource({ paths: [join(dir, 'cluster.json')] }).read(0);
  assert.equal(before.policies, undefined);
  writeFileSync(join(dir, 'policies.json'), list(hpa, pdb, bad));
  const { policies, warnings } = await createSnapshotSource({ paths: [join(dir, 'cluster.json'), join(dir, 'policies.json')] }).read(0);
  assert.deepEqual(policies, {
    hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['memory'] }],
    pdbs: [{ namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' }, matchExpressions: [] }, maxUnavailable: { percent: 25 } }],
  });
  assert.deepEqual(
    warnings.map((w) => w.message),
    [`${join(dir, 'policies.json')} items[2] shop/bad: spec.minAvailable: not a non-negative integer or percentage (got "-2")`],
  );
});

test('what cannot be read throws a SourceReadError naming the path', async () => {
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'cluster.json'), list(node('n1')));
  writeFileSync(join(dir, 'array.json'), '[1, 2]');
  const table: [Parameters<typeof createSnapshotSource>[0], string][] = [
    [{ paths: [join(dir, 'nope.json')] }, `${join(dir, 'nope.json')}: (file): cannot read: ENOENT (got "${join(dir, 'nope.json')}")`],
    [{ paths: [join(dir, 'empty')] }, `${join(dir, 'empty')}: (directory): no *.json files in this directory (got "${join(dir, 'empty')}")`],
    [{ paths: [join(dir, 'array.json')] }, `${join(dir, 'array.json')}: (document): expected a Kubernetes object or List (got "[1,2]")`],
    [{ paths: [], usagePaths: [join(dir, 'cluster.json')] }, `${join(dir, 'cluster.json')}: kind: expected a PodMetricsList (kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods) (got "List")`],
  ];
  for (const [options, message] of table) {
    await assert.rejects(createSnapshotSource(options).read(0), { name: 'SourceReadError', message });
  }
  assert.throws(() => createSnapshotSource({ paths: [] }), { message: 'snapshot: (paths): no snapshot file or directory given (got "")' });
});

test('UTF-8 with a BOM and UTF-16 (PowerShell redirection) are read', async () => {
  const text = list(node('n1'));
  writeFileSync(join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  writeFileSync(join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replaceAll('n1', 'n2'))]));
  const { snapshot, warnings } = await createSnapshotSource({ paths: [dir] }).read(0);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    snapshot.nodes.map((n) => n.name),
    ['n2', 'n1'],
  );
  assert.equal(decodeText('\ufeff{}'), '{}');
  assert.equal(decodeText(readFileSync(join(dir, 'bom.json'))).slice(0, 1), '{');
});

test('lists read item by item (large files) give exactly what a whole parse gives: objects, warnings, errors', async () => {
  const table: [string, string | Buffer][] = [
    ['list', list(node('n1'), pod('p1'), pod('p2', '250m'))],
    ['bad fields', list(node('n1'), pod('p1', '10x'), { kind: 'Pod', metadata: {} }, 'not an object', pod('p2'))],
    ['typed list', JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'p', namespace: 'shop' }, spec: { nodeName: 'n1', containers: [] } }] })],
    ['no kind', JSON.stringify({ items: [node('n1')] })],
    ['one object', JSON.stringify(node('n1'))],
    ['metrics', metrics('5m')],
    ['BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(list(node('n1'), pod('p1')))])],
    ['malformed item', '{\n    "kind": "List",\n    "items": [\n        {"kind": "Node", "metadata": {"name": "n1"}, "status": {"capacity": {"cpu": "1", "memory": "1Gi"}}},\n        {"kind": "Pod",]\n}'],
    ['items not an array', '{"kind": "List", "items": {"a": 1}}'],
    ['a Pod with items', JSON.stringify({ ...node('n1'), items: [] })],
  ];
  for (const [name, content] of table) {
    const file = join(dir, `${name.replaceAll(' ', '-')}.json`);
    writeFileSync(file, content);
    const read = async (itemByItemFromBytes: number) => {
      try {
        const r = await createSnapshotSource({ paths: [file], itemByItemFromBytes }).read(0);
        return { snapshot: r.snapshot, warnings: r.warnings.map((w) => w.message), hasUsage: r.hasUsage };
      } catch (err) {
        return { error: `${(err as Error).name}: ${(err as Error).message}` };
      }
    };
    const whole = await read(Number.POSITIVE_INFINITY);
    const itemByItem = await read(0);
    assert.deepEqual(itemByItem, whole, name);
  }
});
