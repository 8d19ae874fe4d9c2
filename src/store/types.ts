// The history store's port: what the exporter records each cycle and what the allocation API,
// `kubectl cost`, the web UI and the advice code read back. Implemented by the embedded SQLite
// store (default), PostgreSQL (`--store postgres://...`) and an in-memory store (tests, `--store
// memory`). Pure types only: no I/O here.
//
// Everything is an *interval* with amounts over it, never a rate: costs in USD spent during the
// interval, resources as integrals (core-hours, byte-hours). Rollups (hourly, daily) are sums of
// the same fields, so an answer reads the same whichever resolution it came from, and averages
// are derived at the edge: cpuCoreRequestAverage = cpuCoreRequestHours / (minutes / 60).
import type { Labels } from '../core/model.ts';

/** What an allocation row stands for: a real pod, or one of OpenCost's pseudo-allocations. */
export type AllocationKind = 'pod' | 'idle' | 'unmounted' | 'unallocated';

/** Where a row's money came from: estimated from prices, or corrected by the bill (issue 5). */
export type CostBasis = 'estimated' | 'reconciled';

/** One allocation (pod, or idle of a node, ...) over one interval. */
export interface AllocationInterval {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly kind: AllocationKind;
  /** Pod uid; for pseudo-allocations a stable key: `__idle__/<node>`, `__unmounted__/<pv>`, `__unallocated__/<ns>/<svc>`. */
  readonly key: string;
  /** Namespace of the pod ('' for idle of a node; `__unmounted__` rows keep the claim's namespace when known). */
  readonly namespace: string;
  /** Pod name, or `__idle__` / `__unmounted__` / `__unallocated__`. */
  readonly pod: string;
  readonly node: string;
  /** Top-level controller as OpenCost names it (`deployment`, `statefulset`, `daemonset`, `job`, `cronjob`, `replicaset`...), '' when none. */
  readonly controllerKind: string;
  readonly controller: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Minutes the allocation ran inside the interval (≤ (endMs − startMs) / 60,000). */
  readonly minutes: number;
  readonly cpuCoreRequestHours: number;
  /** Σ usage over the minutes that had usage; `usageMinutes` says how many did. */
  readonly cpuCoreUsageHours: number;
  /** Allocated core-hours: max(request, usage) integrated over time (what was charged). */
  readonly cpuCoreHours: number;
  readonly ramByteRequestHours: number;
  readonly ramByteUsageHours: number;
  readonly ramByteHours: number;
  readonly gpuHours: number;
  /** Minutes inside `minutes` for which usage was measured (0: costs came from requests only). */
  readonly usageMinutes: number;
  readonly cpuCostUsd: number;
  readonly ramCostUsd: number;
  readonly gpuCostUsd: number;
  readonly pvCostUsd: number;
  readonly loadBalancerCostUsd: number;
  readonly networkCostUsd: number;
  /** What the same allocation would have cost on on-demand capacity, minus what it cost. */
  readonly spotSavingsUsd: number;
  readonly basis: CostBasis;
}

/**
 * One container of a pod over one interval (`--record-containers`): the pod's row split by
 * src/core/containers.ts, plus the pod-level remainder as container `__pod__`. Σ of a pod's
 * container rows = its pod row. Keyed `<pod uid>/<container>`; always of kind `pod`.
 */
export interface ContainerInterval extends AllocationInterval {
  readonly container: string;
}

/** One node over one interval. */
export interface NodeInterval {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly node: string;
  readonly providerId: string;
  readonly instanceType: string;
  readonly region: string;
  readonly zone: string;
  readonly pool: string;
  readonly capacityType: 'on-demand' | 'spot' | 'reserved';
  /** Where the price came from at the end of the interval (`catalog`, `custom`, `default`, `live`, `billing`...). */
  readonly priceSource: string;
  readonly minutes: number;
  readonly cpuCores: number;
  readonly ramBytes: number;
  readonly gpus: number;
  readonly cpuCostUsd: number;
  readonly ramCostUsd: number;
  readonly gpuCostUsd: number;
  readonly totalCostUsd: number;
  readonly onDemandCostUsd: number;
  readonly idleCostUsd: number;
  readonly basis: CostBasis;
}

/** One persistent volume over one interval. */
export interface DiskInterval {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly name: string;
  readonly storageClass: string;
  readonly claimNamespace: string;
  readonly claimName: string;
  readonly capacityBytes: number;
  readonly minutes: number;
  readonly costUsd: number;
  readonly priceSource: string;
}

/** One Service of type LoadBalancer over one interval. */
export interface LoadBalancerInterval {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly namespace: string;
  readonly name: string;
  readonly minutes: number;
  readonly costUsd: number;
  readonly priceSource: string;
}

/** Cluster-level charges that belong to no node or pod (control-plane fee). */
export interface ClusterInterval {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly minutes: number;
  readonly managementCostUsd: number;
}

/** Everything one cycle recorded, written atomically (all of it, or none). */
export interface CycleBatch {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  /** True for simulated history (demo backfill and the demo cluster): shown as such by every reader. */
  readonly demo: boolean;
  readonly allocations: readonly AllocationInterval[];
  /** Per-container rows of the pods in `allocations` (`--record-containers`); absent or empty: none recorded. */
  readonly containers?: readonly ContainerInterval[];
  readonly nodes: readonly NodeInterval[];
  readonly disks: readonly DiskInterval[];
  readonly loadBalancers: readonly LoadBalancerInterval[];
  readonly clusterCharges: ClusterInterval;
}

export interface TimeQuery {
  readonly startMs: number;
  readonly endMs: number;
  /**
   * Split the window into steps of this length (aligned to startMs) and answer one set per step;
   * absent: one set for the whole window (OpenCost's `accumulate=true`).
   */
  readonly stepMs?: number;
  /** Only these clusters; absent: every cluster in the store. */
  readonly clusters?: readonly string[];
}

export interface AllocationQuery extends TimeQuery {
  /** Push-down filter: only these namespaces (the API applies its full filter language after). */
  readonly namespaces?: readonly string[];
}

/**
 * Intervals of one step: each allocation once (rows of the same cluster + key summed across the
 * buckets inside the step), with startMs/endMs narrowed to the recorded data it covers.
 */
export interface StepSet<Row> {
  readonly startMs: number;
  readonly endMs: number;
  readonly rows: readonly Row[];
}

/** What the store holds for a cluster: first and last recorded instant, and where data is missing. */
export interface Coverage {
  readonly cluster: string;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Periods inside [firstMs, lastMs] with no recorded cycle (exporter down): shown, never filled. */
  readonly gaps: readonly { readonly startMs: number; readonly endMs: number }[];
  /** Whether any of this cluster's history is simulated (demo). */
  readonly demo: boolean;
  /** Start of the first cycle that recorded container rows (`--record-containers`); absent: none did. */
  readonly containersFromMs?: number;
}

export interface RetentionPolicy {
  /** Raw per-cycle rows kept this long (default 15 days). */
  readonly rawMs: number;
  /** Hourly rollups kept this long (default 90 days). */
  readonly hourlyMs: number;
  /** Daily rollups kept this long; undefined: forever (default). */
  readonly dailyMs: number | undefined;
}

/** What the bill says one node cost over one hour of history (billing reconciliation, docs/billing.md). */
export interface NodeHourBill {
  readonly node: string;
  /** Start of the hour (a multiple of 3,600,000 ms). */
  readonly hourStartMs: number;
  readonly billedCostUsd: number;
}

/**
 * Each cluster's current advice facts (HPAs, PDB and local-storage facts: what the rows do not
 * say), kept by a store that several exporters share, so that a `--hub` advises every cluster with
 * them (docs/multi-cluster.md). The store keeps a JSON document per cluster; core/advice/policies.ts
 * writes and checks it.
 */
export interface AdviceFactsStore {
  /** Replaces the cluster's document. */
  write(cluster: string, facts: unknown, atMs: number): Promise<void>;
  /** The documents of `clusters` (all without it), by cluster name. */
  read(clusters?: readonly string[]): Promise<readonly { readonly cluster: string; readonly atMs: number; readonly facts: unknown }[]>;
}

export interface HistoryStore {
  readonly kind: 'sqlite' | 'postgres' | 'memory';
  /** Present on the shared store (PostgreSQL) only. */
  readonly adviceFacts?: AdviceFactsStore;
  /** A short description for logs, e.g. `sqlite ./data/history.db`. */
  readonly description: string;
  /** Writes one cycle atomically. */
  record(batch: CycleBatch): Promise<void>;
  allocations(query: AllocationQuery): Promise<readonly StepSet<AllocationInterval>[]>;
  /** Per-container rows (`--record-containers`), read like allocations (pod kind only). */
  containers(query: AllocationQuery): Promise<readonly StepSet<ContainerInterval>[]>;
  nodes(query: TimeQuery): Promise<readonly StepSet<NodeInterval>[]>;
  disks(query: TimeQuery): Promise<readonly StepSet<DiskInterval>[]>;
  loadBalancers(query: TimeQuery): Promise<readonly StepSet<LoadBalancerInterval>[]>;
  clusterCharges(query: TimeQuery): Promise<readonly StepSet<ClusterInterval>[]>;
  coverage(): Promise<readonly Coverage[]>;
  /**
   * Billing reconciliation: sets each node-hour's recorded compute cost to the billed amount — the
   * node's rows and its pods' (cpu, ram, gpu cost; idle; spot savings) scaled by billed ÷ recorded
   * at every resolution, marked `reconciled`. Idempotent (a second run with the same bill scales by
   * 1). Hours with nothing recorded are left alone. Returns how many node-hours it changed.
   */
  reconcileNodeHours(cluster: string, bills: readonly NodeHourBill[]): Promise<number>;
  /** Rolls raw rows up to hourly and daily and drops what is past retention; never blocks record(). */
  maintain(nowMs: number): Promise<void>;
  close(): Promise<void>;
}
