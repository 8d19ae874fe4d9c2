import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { exampleFiles } from './examples.ts';

test('examples/cluster.json and examples/metrics.json are up to date (npm run examples)', () => {
  for (const [name, text] of Object.entries(exampleFiles())) {
    assert.equal(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'), text, `examples/${name} is out of date`);
  }
});
