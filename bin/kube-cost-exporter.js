#!/usr/bin/env node
// Published entry point: runs the compiled CLI from dist/ (npm run build). In a checkout, use
// `npm start` (or `node src/cli/kube-cost-exporter.ts`), which runs the TypeScript directly.
// `agent` loads the node agent's own entry point, which holds none of the exporter's code.
const argv = process.argv.slice(2);
const agent = argv[0] === 'agent';
const { main } = agent ? await import('../dist/cli/kube-cost-agent.js') : await import('../dist/cli/kube-cost-exporter.js');

main(agent ? argv.slice(1) : argv, process.env).then((code) => {
  process.exitCode = code;
});
