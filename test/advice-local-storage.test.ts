// Local storage facts from a snapshot reach spot advice (docs/advice.md, "Spot"): the exporter as
// started from the command line on the example cluster, with volumes added to the pods of four
// Deployments, answers /api/v1/recommendations?kind=spot with those Deployments skipped and the
// volumes named in the reason, and a Deployment whose emptyDir is small scratch space kept.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import { startServer } from '../src/cli/serve.ts';
import { memoryLogger } from '../src/server/log.ts';

const examples = new URL('../examples/', import.meta.url).pathname;

interface Item {
  kind: string;
  metadata: { name: string; namespace?: string; ownerReferences?: { kind: string; name: string }[]; annotations?: Record<string, string> };
  spec: { volumes?: unknown[] };
}
interface SpotBody {
  data: {
    spot: {
      excluded: { workload: { namespace: string; name: string }; reason: string }[];
      candidates: { workload: { namespace: string; name: string }; evidence: { localStorageKnown: boolean; scratchVolumes: string[] } }[];
      clusters: unknown[];
    };
  };
}

async function spot(snapshot: string): Promise<SpotBody['data']['spot']> {
  const config = loadServeConfig(parseArgs(['--snapshot', snapshot, '--snapshot', `${examples}metrics.json`, '--store', 'memory', '--interval', '1s']), {});
  const server = await startServer({ ...config, port: 0, host: '127.0.0.1' }, memoryLogger(), 'test');
  try {
    // The first cycle records nothing: wait for the second one's history.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(`${server.url}/api/v1/recommendations?kind=spot`);
      assert.equal(res.status, 200);
      const found = ((await res.json()) as SpotBody).data.spot;
      if (found.clusters.length > 0) return found;
      if (Date.now() > deadline) throw new Error('no history recorded in 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await server.close();
  }
}

test('snapshot pod volumes: Deployments with local storage are no spot candidates, with the volumes in the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-local-storage-'));
  try {
    const list = JSON.parse(readFileSync(`${examples}cluster.json`, 'utf8')) as { items: Item[] };
    const owner = (i: Item) => i.metadata.ownerReferences?.[0]?.name ?? '';
    const addVolume = (rs: string, volume: unknown, annotations: Record<string, string> = {}) => {
      const pods = list.items.filter((i) => i.kind === 'Pod' && owner(i).startsWith(rs));
      assert.ok(pods.length >= 2, `${rs}: ${pods.length} pods`);
      for (const p of pods) {
        p.spec.volumes = [...(p.spec.volumes ?? []), volume];
        p.metadata.annotations = { ...p.metadata.annotations, ...annotations };
      }
    };
    addVolume('checkout-api-', { name: 'cache', emptyDir: {} });
    addVolume('catalog-api-', { name: 'data', hostPath: { path: '/mnt/catalog' } });
    addVolume('search-api-', { name: 'index', persistentVolumeClaim: { claimName: 'search-index' } });
    addVolume('payments-api-', { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    addVolume('fraud-detector-', { name: 'model', emptyDir: { sizeLimit: '20Gi' } }, { 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes': 'model' });
    addVolume('coredns-', { name: 'shm', emptyDir: { medium: 'Memory' } });
    list.items.push(
      { kind: 'PersistentVolumeClaim', metadata: { name: 'search-index', namespace: 'search' }, spec: { volumeName: 'local-pv-search', storageClassName: 'local-ssd', resources: { requests: { storage: '50Gi' } } } } as unknown as Item,
      {
        kind: 'PersistentVolume',
        metadata: { name: 'local-pv-search' },
        spec: { capacity: { storage: '50Gi' }, storageClassName: 'local-ssd', local: { path: '/mnt/disks/ssd0' }, claimRef: { namespace: 'search', name: 'search-index' } },
      } as unknown as Item,
    );
    const path = join(dir, 'cluster.json');
    writeFileSync(path, JSON.stringify(list));

    const before = await spot(`${examples}cluster.json`);
    const after = await spot(path);
    const reasons = (s: typeof before) => new Map(s.excluded.map((e) => [`${e.workload.namespace}/${e.workload.name}`, e.reason]));
    const candidates = (s: typeof before) => new Map(s.candidates.map((c) => [`${c.workload.namespace}/${c.workload.name}`, c.evidence]));

    // Without the volumes none of the six is excluded for local storage.
    for (const [, reason] of reasons(before)) assert.ok(!reason.startsWith('uses local storage'), reason);
    assert.equal(reasons(after).get('checkout/checkout-api'), 'uses local storage: emptyDir "cache" on disk, no sizeLimit');
    assert.equal(reasons(after).get('catalog/catalog-api'), 'uses local storage: hostPath "data"');
    assert.equal(reasons(after).get('search/search-api'), 'uses local storage: PVC "search-index" on local PersistentVolume "local-pv-search"');
    // Scratch, a volume its owner declared safe to lose, and RAM: not local storage.
    for (const w of ['payments/payments-api', 'payments/fraud-detector', 'kube-system/coredns']) assert.equal(reasons(after).get(w), reasons(before).get(w), w);
    const known = candidates(after);
    for (const [w, evidence] of known) assert.equal(evidence.localStorageKnown, true, w);
    if (known.has('payments/payments-api')) assert.deepEqual(known.get('payments/payments-api')?.scratchVolumes, ['emptyDir "tmp" on disk, sizeLimit 256 MiB ≤ 1 GiB scratch']);
    if (known.has('payments/fraud-detector')) {
      assert.deepEqual(known.get('payments/fraud-detector')?.scratchVolumes, ['emptyDir "model" on disk: named in cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes']);
    }
    // The three excluded ones were candidates or excluded for another reason before; never both now.
    for (const w of ['checkout/checkout-api', 'catalog/catalog-api', 'search/search-api']) assert.ok(!known.has(w), w);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
