// examples/cluster.json and examples/metrics.json: the demo cluster (seed 42, the default) on
// Monday 2025-11-24 at 14:07 UTC, written as `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json`
// prints it (keys in alphabetical order, four-space indent) and as the metrics API answers
// `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` (indented here for reading; kubectl
// prints it on one line). examples-generator.test.ts fails when the files are out of date.
//
// Regenerate: node src/sources/examples-generator.ts   (or npm run examples)
import { writeFileSync } from 'node:fs';
import { createDemoCluster } from './demo-objects.ts';

export const EXAMPLE_SEED = 42;
export const EXAMPLE_TIME_MS = Date.UTC(2025, 10, 24, 14, 7, 0);

/** Go's encoding/json writes map keys sorted, and kubectl prints objects as maps. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

export function exampleFiles(): { 'cluster.json': string; 'metrics.json': string } {
  const cluster = createDemoCluster({ seed: EXAMPLE_SEED });
  return {
    'cluster.json': `${JSON.stringify(cluster.kubeList(EXAMPLE_TIME_MS), sortedKeys, 4)}\n`,
    'metrics.json': `${JSON.stringify(cluster.podMetrics(EXAMPLE_TIME_MS), null, 4)}\n`,
  };
}

if (import.meta.main) {
  for (const [name, text] of Object.entries(exampleFiles())) {
    writeFileSync(new URL(`../../examples/${name}`, import.meta.url), text);
    console.log(`wrote examples/${name} (${Math.round(text.length / 1024)} KiB)`);
  }
}
