// The in-memory HistoryStore: the reference implementation of the port (the contract tests run
// against it first), and `--store memory` for people who want no files at all (history is lost
// on restart). Same resolutions, watermarks and retention as the SQLite and PostgreSQL stores.
import { byClusterName, coverageOf } from './coverage.ts';
import type { FactKind, Marks } from './plan.ts';
import {
  ALLOCATIONS,
  CLUSTER_CHARGES,
  CONTAINERS,
  cut,
  DAY_MS,
  factReads,
  DISKS,
  HOUR_MS,
  LOAD_BALANCERS,
  merge,
  NODES,
  planStep,
  rowsOf,
  StepAccumulator,
  splitIntoBuckets,
  steps,
} from './plan.ts';
import { addAllocationDelta, addNodeDelta, scaleAllocationRow, scaleNodeRow } from './reconcile.ts';
import type { AllocationInterval, Coverage, CycleBatch, HistoryStore, NodeHourBill, NodeInterval, RetentionPolicy, StepSet, TimeQuery } from './types.ts';
import { CycleOverlapError, validateBatch } from './validate.ts';

export const DEFAULT_RETENTION: RetentionPolicy = { rawMs: 15 * DAY_MS, hourlyMs: 90 * DAY_MS, dailyMs: undefined };

type AnyRow = { readonly startMs: number; readonly endMs: number; readonly cluster: string };
type AnyKind = FactKind<AnyRow>;
const KINDS = [ALLOCATIONS, CONTAINERS, NODES, DISKS, LOAD_BALANCERS, CLUSTER_CHARGES] as unknown as readonly AnyKind[];

/** bucket start → key → row, per kind. */
type Buckets = Map<string, Map<number, Map<string, AnyRow>>>;

interface ClusterState {
  lastEndMs: number;
  hourlyThroughMs: number;
  dailyThroughMs: number;
  demo: boolean;
  /** Start of the first batch with container rows. */
  containersFromMs: number | undefined;
  spans: { startMs: number; endMs: number }[];
  raw: CycleBatch[];
  hourly: Buckets;
  daily: Buckets;
}

function addToBuckets(buckets: Buckets, kind: AnyKind, bucketMs: number, row: AnyRow): void {
  let byBucket = buckets.get(kind.name);
  if (!byBucket) {
    byBucket = new Map();
    buckets.set(kind.name, byBucket);
  }
  let byKey = byBucket.get(bucketMs);
  if (!byKey) {
    byKey = new Map();
    byBucket.set(bucketMs, byKey);
  }
  const key = kind.key(row);
  const had = byKey.get(key);
  byKey.set(key, had ? merge(had, row, kind) : row);
}

export interface MemoryStoreOptions {
  readonly retention?: RetentionPolicy;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): HistoryStore {
  const { retention = DEFAULT_RETENTION } = options;
  const clusters = new Map<string, ClusterState>();
  let rawFromMs = Number.NEGATIVE_INFINITY;
  let hourlyFromMs = Number.NEGATIVE_INFINITY;
  let dailyFromMs = Number.NEGATIVE_INFINITY;

  const marksOf = (c: ClusterState): Marks => ({ hourlyThroughMs: c.hourlyThroughMs, dailyThroughMs: c.dailyThroughMs, lastEndMs: c.lastEndMs, rawFromMs, hourlyFromMs, dailyFromMs });

  function query<Row extends AnyRow>(kind: FactKind<Row>, q: TimeQuery, keep: (row: Row) => boolean = () => true): StepSet<Row>[] {
    const wanted = q.clusters ? new Set(q.clusters) : undefined;
    return steps(q).map((step) => {
      const acc = new StepAccumulator(kind);
      for (const [name, c] of clusters) {
        if (wanted && !wanted.has(name)) continue;
        for (const part of planStep(step, marksOf(c))) {
          if (part.resolution === 'raw') {
            for (const batch of c.raw) {
              if (batch.endMs <= part.startMs || batch.startMs >= part.endMs) continue;
              for (const row of rowsOf(batch, kind)) {
                if (!keep(row)) continue;
                const piece = cut(row, kind, part.startMs, part.endMs);
                if (piece) acc.add(piece);
              }
            }
            continue;
          }
          const byBucket = (part.resolution === 'hourly' ? c.hourly : c.daily).get(kind.name);
          if (!byBucket) continue;
          for (const [b, byKey] of byBucket) {
            if (part.whole ? b < part.startMs || b >= part.endMs : b >= part.endMs) continue;
            for (const row of byKey.values()) {
              if (!keep(row as Row)) continue;
              if (part.whole) acc.add(row as Row);
              else {
                const piece = cut(row as Row, kind, part.startMs, part.endMs);
                if (piece) acc.add(piece);
              }
            }
          }
        }
      }
      return acc.set(step);
    });
  }

  return {
    kind: 'memory',
    description: 'memory (history is lost on restart)',
    async record(batch) {
      validateBatch(batch);
      let c = clusters.get(batch.cluster);
      if (c && batch.startMs < c.lastEndMs) throw new CycleOverlapError(batch.cluster, batch.startMs, c.lastEndMs);
      if (!c) {
        c = {
          lastEndMs: batch.startMs,
          hourlyThroughMs: batch.startMs,
          dailyThroughMs: Math.floor(batch.startMs / HOUR_MS) * HOUR_MS,
          demo: false,
          containersFromMs: undefined,
          spans: [],
          raw: [],
          hourly: new Map(),
          daily: new Map(),
        };
        clusters.set(batch.cluster, c);
      }
      c.raw.push(batch);
      c.demo ||= batch.demo;
      if (c.containersFromMs === undefined && (batch.containers?.length ?? 0) > 0) c.containersFromMs = batch.startMs;
      const last = c.spans[c.spans.length - 1];
      if (last && last.endMs === batch.startMs) last.endMs = batch.endMs;
      else c.spans.push({ startMs: batch.startMs, endMs: batch.endMs });
      c.lastEndMs = batch.endMs;
    },
    ...factReads((fact, q, namespaces) => {
      if (namespaces === undefined) return query(fact, q);
      // Asked for allocations and containers only: rows with a namespace.
      const wanted = new Set(namespaces);
      return query(fact, q, (r) => wanted.has((r as unknown as { readonly namespace: string }).namespace));
    }),
    async coverage(): Promise<Coverage[]> {
      const out: Coverage[] = [];
      for (const [cluster, c] of clusters) {
        const coverage = coverageOf(cluster, c.spans, c);
        if (coverage) out.push(coverage);
      }
      return out.sort(byClusterName);
    },
    async reconcileNodeHours(cluster, bills) {
      const c = clusters.get(cluster);
      return c ? reconcileInMemory(c, bills) : 0;
    },
    async maintain(nowMs) {
      const rawCut = nowMs - retention.rawMs;
      const hourlyCut = Math.floor((nowMs - retention.hourlyMs) / HOUR_MS) * HOUR_MS;
      const dailyCut = retention.dailyMs === undefined ? undefined : Math.floor((nowMs - retention.dailyMs) / DAY_MS) * DAY_MS;
      for (const c of clusters.values()) {
        // 1. Raw → hourly: every batch not yet added.
        for (const batch of c.raw) {
          if (batch.startMs < c.hourlyThroughMs) continue;
          for (const kind of KINDS) for (const row of rowsOf(batch, kind)) for (const [b, part] of splitIntoBuckets(row, kind, HOUR_MS)) addToBuckets(c.hourly, kind, b, part);
        }
        c.hourlyThroughMs = c.lastEndMs;
        // 2. Hourly → daily: complete hours (all of them once the cluster stopped writing long ago).
        const through = c.lastEndMs <= rawCut ? c.hourlyThroughMs : Math.floor(c.hourlyThroughMs / HOUR_MS) * HOUR_MS;
        for (const kind of KINDS) {
          for (const [b, byKey] of c.hourly.get(kind.name) ?? []) {
            if (b < c.dailyThroughMs || b >= through) continue;
            for (const row of byKey.values()) addToBuckets(c.daily, kind, Math.floor(b / DAY_MS) * DAY_MS, row);
          }
        }
        c.dailyThroughMs = Math.max(c.dailyThroughMs, through);
        // 3. Retention.
        c.raw = c.raw.filter((batch) => batch.endMs > rawCut);
        for (const byBucket of c.hourly.values()) for (const b of byBucket.keys()) if (b < hourlyCut) byBucket.delete(b);
        if (dailyCut !== undefined) {
          for (const byBucket of c.daily.values()) for (const b of byBucket.keys()) if (b < dailyCut) byBucket.delete(b);
          c.spans = c.spans.filter((s) => s.endMs > dailyCut).map((s) => ({ startMs: Math.max(s.startMs, dailyCut), endMs: s.endMs }));
        }
      }
      rawFromMs = Math.max(rawFromMs, rawCut);
      hourlyFromMs = Math.max(hourlyFromMs, hourlyCut);
      if (dailyCut !== undefined) dailyFromMs = Math.max(dailyFromMs, dailyCut);
    },
    async close() {
      clusters.clear();
    },
  };
}

/** HistoryStore.reconcileNodeHours on the in-memory layout (see types.ts for the contract). */
function reconcileInMemory(c: ClusterState, bills: readonly NodeHourBill[]): number {
  let changed = 0;
  for (const bill of bills) {
    const h = bill.hourStartMs;
    const end = h + HOUR_MS;
    const hourlyNodes = c.hourly.get(NODES.name)?.get(h);
    const hourlyNode = hourlyNodes?.get(bill.node) as NodeInterval | undefined;
    // Recorded = the hourly rollup so far + raw cycles of the hour not rolled up yet.
    let recorded = hourlyNode?.totalCostUsd ?? 0;
    const rawFrom = Math.max(h, c.hourlyThroughMs);
    for (const b of c.raw) if (b.startMs >= rawFrom && b.startMs < end) for (const n of b.nodes) if (n.node === bill.node) recorded += n.totalCostUsd;
    if (!(recorded > 0) || !Number.isFinite(bill.billedCostUsd) || bill.billedCostUsd < 0) continue;
    const f = bill.billedCostUsd / recorded;
    // Pod rows and container rows (a pod's parts, scaled alike so they still add up to it).
    const podKinds = [ALLOCATIONS.name, CONTAINERS.name];
    // Daily rollups that already hold this hour absorb its change.
    if (h < c.dailyThroughMs) {
      const day = Math.floor(h / DAY_MS) * DAY_MS;
      const dailyNodes = c.daily.get(NODES.name)?.get(day);
      const dn = dailyNodes?.get(bill.node) as NodeInterval | undefined;
      if (dailyNodes && dn && hourlyNode) dailyNodes.set(bill.node, addNodeDelta(dn, hourlyNode, scaleNodeRow(hourlyNode, f)));
      for (const kind of podKinds) {
        const hourlyAllocs = c.hourly.get(kind)?.get(h);
        const dailyAllocs = c.daily.get(kind)?.get(day);
        if (!dailyAllocs || !hourlyAllocs) continue;
        for (const [key, row] of hourlyAllocs) {
          const a = row as AllocationInterval;
          const da = dailyAllocs.get(key) as AllocationInterval | undefined;
          if (a.node === bill.node && da) dailyAllocs.set(key, addAllocationDelta(da, a, scaleAllocationRow(a, f)));
        }
      }
    }
    if (hourlyNodes && hourlyNode) hourlyNodes.set(bill.node, scaleNodeRow(hourlyNode, f));
    for (const kind of podKinds) {
      const hourlyAllocs = c.hourly.get(kind)?.get(h);
      if (hourlyAllocs) for (const [key, row] of hourlyAllocs) if ((row as AllocationInterval).node === bill.node) hourlyAllocs.set(key, scaleAllocationRow(row as AllocationInterval, f));
    }
    const scaled = <Row extends AllocationInterval>(rows: readonly Row[]): Row[] => rows.map((a) => (a.node === bill.node ? (scaleAllocationRow(a, f) as Row) : a));
    c.raw = c.raw.map((b) =>
      b.startMs >= h && b.startMs < end
        ? {
            ...b,
            nodes: b.nodes.map((n) => (n.node === bill.node ? scaleNodeRow(n, f) : n)),
            allocations: scaled(b.allocations),
            ...(b.containers ? { containers: scaled(b.containers) } : {}),
          }
        : b,
    );
    changed++;
  }
  return changed;
}
