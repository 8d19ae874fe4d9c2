// Bad input through the real path (snapshot file → source → cost model → /metrics): each problem gets
// an exact error naming object, field and value, and the exporter keeps serving the rest.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SEED_CATALOG } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { createApp } from '../src/server/app.ts';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { createSnapshotSource } from '../src/sources/snapshot-source.ts';

const FIXTURE = new URL('./fixtures/bad-cluster.json', import.meta.url).pathname;

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('bad quantities, duplicate UIDs, pods on unknown nodes and unlabelled nodes: exact errors, the rest is served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-bad-'));
  const file = join(dir, 'cluster.json');
  copyFileSync(FIXTURE, file);
  try {
    const logger = memoryLogger();
    const exporter = createExporter({ source: createSnapshotSource({ paths: [file] }), prices: createPriceBook({ catalog: SEED_CATALOG }), logger, now: () => Date.UTC(2026, 10, 23, 12) });
    const app = createApp({ exporter, version: 'test', sourceDescription: file });
    await exporter.cycle();
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => String(l.fields['error'] ?? l.fields['detail']));
    assert.deepEqual(warnings.sort(), [
      'node bare: no instance-type label; using default rates',
      'pods/shop/bad-cpu: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")',
      'pods/shop/copy: metadata.uid: duplicate of pods/shop/ok; skipped (got "p-1")',
      'pods/shop/ghost: spec.nodeName: node not found in the cluster snapshot; pod not costed (got "gone")',
    ]);
    const text = await (await app.request('/metrics')).text();
    // The good pod is costed at the m5.xlarge us-east-1 price split: 1 core + 4 GiB of (4 cores, 16 GiB)
    // = a quarter of 0.192 = 0.048 per hour.
    assert.ok(Math.abs(value(text, 'kube_cost_pod_hourly_usd{namespace="shop",pod="ok",node="labelled"}')! - 0.048) < 1e-12);
    assert.equal(value(text, 'kube_cost_node_price_source{node="bare",source="default"}'), 1);
    // The unlabelled node: 2 × 0.031611 + 8 × 0.004237 = 0.097118 per hour (OpenCost default rates).
    assert.ok(Math.abs(value(text, 'kube_cost_node_hourly_usd{node="bare",instance_type="",node_pool="",capacity_type="on-demand"}')! - 0.097118) < 1e-12);
    for (const pod of ['bad-cpu', 'copy', 'ghost']) assert.ok(!text.includes(`pod="${pod}"`), `${pod} must not be costed`);
    assert.equal(value(text, 'kube_cost_skipped_objects{component="source",error_type="invalid_quantity"}'), 1);
    assert.equal(value(text, 'kube_cost_skipped_objects{component="source",error_type="duplicate_object"}'), 1);
    assert.equal(value(text, 'kube_cost_skipped_objects{component="model",error_type="unknown_reference"}'), 1);

    // Malformed JSON later: the read fails with file and position, the last numbers keep being served.
    writeFileSync(file, '{"kind": "List", "items": [ {"kind": "Pod"');
    await exporter.cycle();
    const after = await (await app.request('/metrics')).text();
    assert.ok(Math.abs(value(after, 'kube_cost_pod_hourly_usd{namespace="shop",pod="ok",node="labelled"}')! - 0.048) < 1e-12);
    const failure = logger.lines.find((l) => l.level === 'error');
    assert.match(String(failure?.fields['error']), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 1, column \\d+: not valid JSON`));
    assert.equal((await app.request('/readyz')).status, 503);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
