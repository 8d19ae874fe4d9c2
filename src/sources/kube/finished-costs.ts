// What pods that stopped running inside a window cost for the minutes they ran in it. Pure; the
// exporter adds it to its accumulated counters. It prices each finished pod as the model prices a running one (its
// node's rates × max(request, usage)), then charges `hourly × minutes / 60` with
//   minutes = min(window end, finished) − max(window start, started).
// Those minutes were counted as idle on the node by a snapshot taken after the pod stopped, so the
// same amount comes out of that node's idle (`idleByNode`), keeping Σ namespaces = Σ nodes.
import type { AllocateOptions, CostWindow } from '../../core/allocate.ts';
import { allocate } from '../../core/allocate.ts';
import type { ClusterSnapshot, NodeInfo, UsageByPod } from '../../core/model.ts';
import type { PriceBook } from '../../core/pricing.ts';
import type { FinishedPodRun } from '../source.ts';

export interface FinishedPodCost {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  /** Minutes it ran inside the window. */
  readonly minutes: number;
  /** What it cost per hour while it ran. */
  readonly hourlyUsd: number;
  readonly windowCostUsd: number;
}

export interface FinishedCosts {
  readonly pods: readonly FinishedPodCost[];
  readonly byNamespace: ReadonlyMap<string, number>;
  /** The amount to take out of each node's idle for the window. */
  readonly idleByNode: ReadonlyMap<string, number>;
  /** Finished pods whose node is unknown (cannot be priced). */
  readonly unpriced: readonly FinishedPodRun[];
}

export function costFinishedPods(finished: readonly FinishedPodRun[], prices: PriceBook, window: CostWindow, options: AllocateOptions = {}, usage?: UsageByPod): FinishedCosts {
  const nodes = new Map<string, NodeInfo>();
  const priced: FinishedPodRun[] = [];
  const unpriced: FinishedPodRun[] = [];
  for (const f of finished) {
    const minutes = (Math.min(window.endMs, f.finishedAtMs) - Math.max(window.startMs, f.startedAtMs)) / 60_000;
    if (minutes <= 0) continue;
    if (f.node === undefined) {
      unpriced.push(f);
      continue;
    }
    nodes.set(f.node.name, f.node);
    priced.push(f);
  }
  const byNamespace = new Map<string, number>();
  const idleByNode = new Map<string, number>();
  if (priced.length === 0) return { pods: [], byNamespace, idleByNode, unpriced };

  const snapshot: ClusterSnapshot = {
    nodes: [...nodes.values()],
    pods: priced.map((f) => f.pod),
    persistentVolumes: [],
    persistentVolumeClaims: [],
    services: [],
    namespaces: [],
    storageClasses: [],
    ...(usage ? { usage } : {}),
  };
  const report = allocate(snapshot, prices, window, options);
  const hourlyByUid = new Map(report.pods.map((p) => [p.uid, p.totalHourlyUsd]));
  const pods: FinishedPodCost[] = [];
  for (const f of priced) {
    const hourlyUsd = hourlyByUid.get(f.pod.uid) ?? 0;
    const minutes = (Math.min(window.endMs, f.finishedAtMs) - Math.max(window.startMs, f.startedAtMs)) / 60_000;
    const windowCostUsd = (hourlyUsd * minutes) / 60;
    pods.push({ namespace: f.pod.namespace, name: f.pod.name, node: f.pod.nodeName, startedAtMs: f.startedAtMs, finishedAtMs: f.finishedAtMs, minutes, hourlyUsd, windowCostUsd });
    byNamespace.set(f.pod.namespace, (byNamespace.get(f.pod.namespace) ?? 0) + windowCostUsd);
    idleByNode.set(f.pod.nodeName, (idleByNode.get(f.pod.nodeName) ?? 0) + windowCostUsd);
  }
  return { pods, byNamespace, idleByNode, unpriced };
}
