// The example snapshot in examples/: the demo cluster (seed 7) at a fixed time, written exactly as
// `kubectl get nodes,pods,pv,pvc,svc,ns,sc -A -o json` and the metrics API would print it.
// Regenerate with `npm run examples`; examples.test.ts fails when the files are out of date.
import { createDemoCluster } from './demo-cluster.ts';

export const EXAMPLE_SEED = 7;
export const EXAMPLE_TIME_MS = Date.UTC(2026, 10, 23, 14, 0, 0);

export function exampleFiles(): { 'cluster.json': string; 'metrics.json': string } {
  const cluster = createDemoCluster(EXAMPLE_SEED);
  return {
    'cluster.json': `${JSON.stringify(cluster.kubeList(EXAMPLE_TIME_MS), null, 4)}\n`,
    'metrics.json': `${JSON.stringify(cluster.podMetrics(EXAMPLE_TIME_MS), null, 4)}\n`,
  };
}
