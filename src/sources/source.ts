// The port every collector implements: demo cluster, snapshot files, live Kubernetes API.
import type { WorkloadPolicies } from '../core/advice/policies.ts';
import type { InputError } from '../core/errors.ts';
import type { ClusterSnapshot, NodeInfo, PodInfo } from '../core/model.ts';

export type SourceKind = 'demo' | 'snapshot' | 'kube';

export interface SourceReading {
  /** HorizontalPodAutoscalers and PodDisruptionBudgets, for the advice; absent: the source does not know them. */
  readonly policies?: WorkloadPolicies;
  readonly snapshot: ClusterSnapshot;
  /**
   * Objects that were skipped or fixed up because they were malformed (bad quantity, duplicate
   * UID, missing field...). The exporter logs and counts them; the rest of the snapshot is used.
   */
  readonly warnings: readonly InputError[];
  /** True when usage came from a metrics source (metrics API, agent, demo simulation). */
  readonly hasUsage: boolean;
  /**
   * Pods that stopped running since the previous reading (live sources only): they are not in
   * `snapshot` but ran, and cost, for part of the time since the previous reading.
   */
  readonly finishedPods?: readonly FinishedPodRun[];
  /** Whether usage is measured and, when it is not, why (live sources only). */
  readonly usageStatus?: UsageReport;
  /** Per node: where its pods' usage came from (`agent`, `metrics-api`, `requests`); node agents only. */
  readonly usageByNode?: ReadonlyMap<string, string>;
}

/** A pod that stopped running (deleted, Succeeded, Failed, evicted), with when it ran. */
export interface FinishedPodRun {
  /** The pod as it last ran (phase `Running`), so that the cost model prices it. */
  readonly pod: PodInfo;
  /** Its node when it stopped; undefined when unknown (the pod cannot be priced). */
  readonly node: NodeInfo | undefined;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
}

export interface UsageReport {
  /** `ok` when usage is measured; otherwise why not (`absent`, `forbidden`, `unavailable`, `disabled`, `pending`). */
  readonly state: string;
  /** Why usage is not measured; empty when `ok`. */
  readonly detail: string;
}

/** A live source's own view of its health, for /readyz: read between cycles, never blocks. */
export interface SourceHealth {
  readonly ready: boolean;
  /** `ok`, or why not ready (e.g. `the API server has been unreachable since ...`). */
  readonly reason: string;
  /** A JSON-able summary for /readyz detail. */
  readonly detail: Readonly<Record<string, unknown>>;
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
  /** Live sources: their health now (a connection lost since the last read shows at once). */
  health?(): SourceHealth;
  close?(): Promise<void>;
}
