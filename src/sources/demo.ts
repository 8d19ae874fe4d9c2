// The `demo` source: the simulated cluster of demo-objects.ts, read through the same conversion
// as a snapshot (kube-objects.ts, pod-metrics.ts). The objects that never change are converted
// once; each read converts only what changes with time: the CronJob pods, the usage and the
// egress node agents would measure (demo-egress.ts).
import type { InputError } from '../core/errors.ts';
import type { ClusterSnapshot } from '../core/model.ts';
import { demoEgress } from './demo-egress.ts';
import { createDemoCluster } from './demo-objects.ts';
import { convertKubeDocuments } from './kube-objects.ts';
import { convertPodMetricsList } from './pod-metrics.ts';
import type { ClusterSource, SourceReading } from './source.ts';

export interface DemoSourceOptions {
  /** Same seed, same cluster (names, placement, noise). */
  readonly seed?: number;
}

export function createDemoSource(options: DemoSourceOptions = {}): ClusterSource {
  const { seed = 42 } = options;
  const cluster = createDemoCluster({ seed });
  const fixed = convertKubeDocuments([{ doc: { kind: 'List', items: cluster.staticItems }, origin: 'demo' }]);
  return {
    kind: 'demo',
    description: `demo cluster (simulated EKS in us-east-1, seed ${seed})`,
    async read(nowMs: number): Promise<SourceReading> {
      const changing = convertKubeDocuments([{ doc: { kind: 'List', items: cluster.podsAt(nowMs) }, origin: 'demo' }]);
      const { usage, warnings: usageWarnings } = convertPodMetricsList(cluster.podMetrics(nowMs), 'demo metrics');
      const pods = [...fixed.snapshot.pods, ...changing.snapshot.pods];
      // As if node agents ran on every node: egress by destination, priced by the cost model.
      const snapshot: ClusterSnapshot = { ...fixed.snapshot, pods, usage, egress: demoEgress({ pods }, nowMs, seed) };
      const warnings: InputError[] = [...fixed.warnings, ...changing.warnings, ...usageWarnings];
      return { snapshot, warnings, hasUsage: true };
    },
  };
}

export { createDemoCluster, diurnalLoad } from './demo-objects.ts';
