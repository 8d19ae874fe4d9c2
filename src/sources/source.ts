// The port every collector implements: demo cluster, snapshot files, live Kubernetes API.
import type { InputError } from '../core/errors.ts';
import type { ClusterSnapshot } from '../core/model.ts';

export type SourceKind = 'demo' | 'snapshot' | 'kube';

export interface SourceReading {
  readonly snapshot: ClusterSnapshot;
  /**
   * Objects that were skipped or fixed up because they were malformed (bad quantity, duplicate
   * UID, missing field...). The exporter logs and counts them; the rest of the snapshot is used.
   */
  readonly warnings: readonly InputError[];
  /** True when usage came from a metrics source (metrics API, agent, demo simulation). */
  readonly hasUsage: boolean;
}

export interface ClusterSource {
  readonly kind: SourceKind;
  /** A short human description for the first log line, e.g. `snapshot examples/cluster.json`. */
  readonly description: string;
  /**
   * Reads the cluster as it is at `nowMs`. Throws (a typed error) when nothing usable could be
   * read, e.g. malformed JSON: the exporter then keeps serving the last good reading.
   */
  read(nowMs: number): Promise<SourceReading>;
  close?(): Promise<void>;
}
