import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createSnapshotSource } from './snapshot-source.ts';
import { EXAMPLE_TIME_MS, exampleFiles } from './examples-generator.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url);

test('examples/cluster.json and examples/metrics.json are up to date (node src/sources/examples-generator.ts)', () => {
  for (const [name, text] of Object.entries(exampleFiles())) {
    assert.ok(readFileSync(new URL(name, EXAMPLES), 'utf8') === text, `examples/${name} is out of date: run node src/sources/examples-generator.ts`);
  }
});

test('the examples load as a snapshot without a warning', async () => {
  const source = createSnapshotSource({ paths: [new URL('cluster.json', EXAMPLES).pathname, new URL('metrics.json', EXAMPLES).pathname] });
  const { snapshot, warnings, hasUsage } = await source.read(EXAMPLE_TIME_MS);
  assert.deepEqual(warnings, []);
  assert.ok(hasUsage);
  assert.equal(snapshot.nodes.length, 12);
  assert.ok(snapshot.pods.length >= 95 && snapshot.pods.length <= 115);
});
