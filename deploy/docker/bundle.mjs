// Bundles the compiled CLI (dist/cli/kube-cost-exporter.js, from `tsc -p tsconfig.build.json`)
// and the production dependencies it imports into one file, so the image needs no node_modules:
// @kubernetes/client-node alone is 57 MB installed and about 2 MB of it is used. The node agent's
// entry point (dist/cli/kube-cost-agent.js) becomes a second, much smaller file next to it, which
// bin/kube-cost-exporter.js loads for `agent`; the history store's worker thread is a third
// (dist/store/sqlite-worker.js). Run by the Dockerfile's build stage and by
// test/deploy/image.test.ts, which runs the result.
//   node deploy/docker/bundle.mjs <compiled dist/> <output file>
import { basename, dirname, join } from 'node:path';
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

// The exporter. What it imports only when asked (@kubernetes/client-node for --source kube, the
// object stores' SDKs for remote billing files...) goes to chunks next to it (lazy-*.js), loaded
// only then: one 12 MB file kept all of that source text in memory (docs/benchmarks.md, "Fifth
// round"). The chunks stay in the entry's directory, so import.meta.url-relative paths (the
// store's worker, below) are the same from any of them.
await build({
  ...common,
  entryPoints: { [basename(outfile, '.js')]: `${dist}/cli/kube-cost-exporter.js` },
  outdir: dirname(outfile),
  splitting: true,
  chunkNames: 'lazy-[name]-[hash]',
});
// The SQLite store's worker thread: its own small bundle at dist/store/sqlite-worker.js, where
// src/store/sqlite-thread.ts looks for it (from the bundle: ../store/ next to cli/). A worker that
// loaded the exporter's bundle held all of it in its own heap.
await build({ ...common, entryPoints: [`${dist}/store/sqlite-worker.js`], outfile: join(dirname(outfile), '../store/sqlite-worker.js') });
// The agent: what it imports only with a kubeconfig (@kubernetes/client-node, for an agent run
// outside a pod) goes to chunks in agent-chunks/, loaded only then; in a pod it uses its own client.
await build({
  ...common,
  entryPoints: { 'kube-cost-agent': `${dist}/cli/kube-cost-agent.js` },
  outdir: dirname(outfile),
  splitting: true,
  chunkNames: 'agent-chunks/[name]-[hash]',
});
