// Regenerates the documentation that is derived from code: docs/configuration.md.
import { writeFileSync } from 'node:fs';
import { configurationDoc } from '../src/cli/configuration-doc.ts';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationDoc());
console.log('wrote docs/configuration.md');
