#!/usr/bin/env node
// Published entry point: runs the compiled CLI from dist/ (npm run build). In a checkout, use
// `npm start` (or `node src/cli/kube-cost-exporter.ts`), which runs the TypeScript directly.
import { main } from '../dist/cli/kube-cost-exporter.js';

main(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
