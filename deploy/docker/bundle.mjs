// Bundles the compiled CLI (dist/cli/kube-cost-exporter.js, from `tsc -p tsconfig.build.json`)
// and the production dependencies it imports into one file, so the image needs no node_modules:
// @kubernetes/client-node alone is 57 MB installed and about 2 MB of it is used. The node agent's
// entry point (dist/cli/kube-cost-agent.js) becomes a second, much smaller file next to it, which
// bin/kube-cost-exporter.js loads for `agent`. Run by the Dockerfile's build stage and by
// test/deploy/image.test.ts, which runs the result.
//   node deploy/docker/bundle.mjs <compiled dist/> <output file>
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const [dist = 'dist', outfile = 'bundle/dist/cli/kube-cost-exporter.js'] = process.argv.slice(2);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Whitespace and syntax only: names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Optional native speed-ups of ws, loaded in try/catch when present.
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS dependencies call require(); an ES module bundle has none of its own.
  banner: { js: "import { createRequire as __kceCreateRequire } from 'node:module'; const require = __kceCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: [`${dist}/cli/kube-cost-exporter.js`], outfile });
// The agent: what it imports only with a kubeconfig (@kubernetes/client-node, for an agent run
// outside a pod) goes to chunks in agent-chunks/, loaded only then; in a pod it uses its own client.
await build({
  ...common,
  entryPoints: { 'kube-cost-agent': `${dist}/cli/kube-cost-agent.js` },
  outdir: dirname(outfile),
  splitting: true,
  chunkNames: 'agent-chunks/[name]-[hash]',
});
