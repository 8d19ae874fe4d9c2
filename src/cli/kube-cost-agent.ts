// Entry point of `kube-cost-exporter agent` on its own: it imports the node agent (src/agent/)
// and nothing of the exporter (cost model, catalog, API, store, UI). bin/kube-cost-exporter.js
// loads it for `agent`, so the DaemonSet's process holds only the agent's code — the exporter's
// bundle is about 10 MB of JavaScript, and resident memory is the agent's scarcest resource
// (docs/benchmarks.md, "Node agent"). Exit codes as `kube-cost-exporter`: 0, 1 runtime, 2 usage.
import { readFileSync } from 'node:fs';
import { agentMain } from '../agent/main.ts';

// src/cli/ and dist/cli/ are both two levels below the package root.
const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The `agent` subcommand's arguments (without the word `agent`); returns the exit code. */
export function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  return agentMain(argv, env, VERSION);
}
