// Writes examples/cluster.json and examples/metrics.json (see src/sources/examples-generator.ts).
import { writeFileSync } from 'node:fs';
import { exampleFiles } from '../src/sources/examples-generator.ts';

for (const [name, text] of Object.entries(exampleFiles())) {
  writeFileSync(new URL(`../examples/${name}`, import.meta.url), text);
  console.log(`wrote examples/${name}`);
}
