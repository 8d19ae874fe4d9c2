// The exporter as started from the command line hands the snapshot's HPAs and PDBs to
// /api/v1/recommendations (src/server/policy-tracker.ts wired in src/cli/serve.ts): with
// `kubectl get hpa,pdb -A -o json` output among the snapshots the API no longer warns that HPAs are
// unknown; without it, it does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import { startServer } from '../src/cli/serve.ts';
import { memoryLogger } from '../src/server/log.ts';

const examples = new URL('../examples/', import.meta.url).pathname;

async function warnings(extra: string[]): Promise<string[]> {
  const config = loadServeConfig(parseArgs(['--snapshot', `${examples}cluster.json`, ...extra]), {});
  const server = await startServer({ ...config, port: 0, host: '127.0.0.1' }, memoryLogger(), 'test');
  try {
    const res = await fetch(`${server.url}/api/v1/recommendations?kind=rightsizing`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { meta: { warnings: string[] } }).meta.warnings;
  } finally {
    await server.close();
  }
}

test('snapshot HPAs reach /api/v1/recommendations through the policy tracker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-policies-'));
  try {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } } };
    writeFileSync(join(dir, 'policies.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [hpa] }));
    const unknown = await warnings([]);
    assert.ok(unknown.some((w) => w.startsWith('no HorizontalPodAutoscaler list')), unknown.join('; '));
    const known = await warnings(['--snapshot', join(dir, 'policies.json')]);
    assert.ok(!known.some((w) => w.includes('HorizontalPodAutoscaler')), known.join('; '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
