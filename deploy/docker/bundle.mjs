// Bundles the compiled CLI (dist/cli/kube-cost-exporter.js, from `tsc -p tsconfig.build.json`)
// and the production dependencies it imports into one file, so the image needs no node_modules:
// @kubernetes/client-node alone is 57 MB installed and about 2 MB of it is used. Run by the
// Dockerfile's build stage and by test/deploy/image.test.ts, which runs the result.
//   node deploy/docker/bundle.mjs <compiled dist/> <output file>
import { build } from 'esbuild';

const [dist = 'dist', outfile = 'bundle/dist/cli/kube-cost-exporter.js'] = process.argv.slice(2);

await build({
  entryPoints: [`${dist}/cli/kube-cost-exporter.js`],
  outfile,
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
});
