// Idle and underused nodes: nodes whose allocation (pod requests ÷ capacity, the larger of CPU and
// memory) stays under a threshold for the whole window, and which of them could be removed by
// moving their pods onto the other nodes of the same pool (first-fit decreasing on requests).
// Pure: the step sets of nodes and allocations are inputs. docs/advice.md.
import type { AllocationInterval, NodeInterval } from '../../store/types.ts';
import { checkNumber, HOURS_PER_MONTH } from './types.ts';

export interface IdleNodeOptions {
  /** A node is underused when its allocation stays below this fraction in every step (0.5). */
  readonly thresholdFraction: number;
  /** Receiving nodes are filled up to this fraction of their capacity, never beyond (0.9). */
  readonly maxPackedFraction: number;
}

export const DEFAULT_IDLE_NODES: IdleNodeOptions = Object.freeze({ thresholdFraction: 0.5, maxPackedFraction: 0.9 });

/** One step of history: the nodes and allocations recorded over it. */
export interface NodeStep {
  readonly startMs: number;
  readonly endMs: number;
  readonly nodes: readonly NodeInterval[];
  readonly allocations: readonly AllocationInterval[];
}

export interface NodeUse {
  readonly cluster: string;
  readonly node: string;
  readonly pool: string;
  readonly instanceType: string;
  readonly capacityType: NodeInterval['capacityType'];
  /** Highest and mean allocation over the steps the node was seen in. */
  readonly maxAllocationFraction: number;
  readonly meanAllocationFraction: number;
  readonly steps: number;
  readonly monthlyCostUsd: number;
  readonly underused: boolean;
}

export interface PodMove {
  readonly namespace: string;
  readonly pod: string;
  readonly cpuCores: number;
  readonly ramBytes: number;
  readonly to: string;
}

export interface RemovableNode {
  readonly cluster: string;
  readonly node: string;
  readonly pool: string;
  readonly instanceType: string;
  readonly monthlySavingUsd: number;
  readonly maxAllocationFraction: number;
  readonly moves: readonly PodMove[];
}

export interface IdleNodeResult {
  readonly nodes: readonly NodeUse[];
  readonly removable: readonly RemovableNode[];
  /** Underused nodes whose pods do not fit elsewhere in their pool. */
  readonly kept: readonly { readonly node: string; readonly reason: string }[];
  readonly monthlySavingUsd: number;
  readonly evidence: { readonly steps: number; readonly startMs: number; readonly endMs: number; readonly thresholdFraction: number; readonly maxPackedFraction: number };
}

interface Pod {
  readonly namespace: string;
  readonly pod: string;
  readonly cpuCores: number;
  readonly ramBytes: number;
}

interface Bin {
  readonly name: string;
  freeCpu: number;
  freeRam: number;
  pods: Pod[];
}

const perHour = (amountHours: number, minutes: number) => (minutes > 0 ? amountHours / (minutes / 60) : 0);

function allocationFraction(node: NodeInterval, rows: readonly AllocationInterval[]): number {
  let cpu = 0;
  let ram = 0;
  for (const r of rows) {
    cpu += r.cpuCoreRequestHours;
    ram += r.ramByteRequestHours;
  }
  const hours = node.minutes / 60;
  if (hours <= 0) return 0;
  const cpuFraction = node.cpuCores > 0 ? cpu / (node.cpuCores * hours) : 0;
  const ramFraction = node.ramBytes > 0 ? ram / (node.ramBytes * hours) : 0;
  return Math.max(cpuFraction, ramFraction);
}

const nodeKey = (cluster: string, node: string) => `${cluster}/${node}`;

export function findIdleNodes(steps: readonly NodeStep[], partial: Partial<IdleNodeOptions> = {}): IdleNodeResult {
  const o = { ...DEFAULT_IDLE_NODES, ...partial };
  checkNumber('idle-node options', 'thresholdFraction', o.thresholdFraction, 0, 1);
  checkNumber('idle-node options', 'maxPackedFraction', o.maxPackedFraction, 0.1, 1);
  const withData = steps.filter((s) => s.nodes.length > 0);
  const latest = withData.reduce<NodeStep | undefined>((a, s) => (a === undefined || s.startMs > a.startMs ? s : a), undefined);
  const empty: IdleNodeResult = {
    nodes: [],
    removable: [],
    kept: [],
    monthlySavingUsd: 0,
    evidence: { steps: 0, startMs: steps[0]?.startMs ?? 0, endMs: steps[steps.length - 1]?.endMs ?? 0, ...o },
  };
  if (latest === undefined) return empty;

  // Allocation of every node in every step.
  const seen = new Map<string, { max: number; total: number; steps: number }>();
  for (const step of withData) {
    const rowsByNode = new Map<string, AllocationInterval[]>();
    for (const r of step.allocations) {
      if (r.kind !== 'pod') continue;
      const k = nodeKey(r.cluster, r.node);
      const list = rowsByNode.get(k);
      if (list) list.push(r);
      else rowsByNode.set(k, [r]);
    }
    for (const n of step.nodes) {
      const k = nodeKey(n.cluster, n.node);
      const f = allocationFraction(n, rowsByNode.get(k) ?? []);
      const acc = seen.get(k) ?? { max: 0, total: 0, steps: 0 };
      seen.set(k, { max: Math.max(acc.max, f), total: acc.total + f, steps: acc.steps + 1 });
    }
  }

  // The latest step: what runs where now, and what each node costs.
  const uses: NodeUse[] = [];
  const bins = new Map<string, Bin>();
  for (const n of latest.nodes) {
    const k = nodeKey(n.cluster, n.node);
    const s = seen.get(k) ?? { max: 0, total: 0, steps: 1 };
    uses.push({
      cluster: n.cluster,
      node: n.node,
      pool: n.pool,
      instanceType: n.instanceType,
      capacityType: n.capacityType,
      maxAllocationFraction: s.max,
      meanAllocationFraction: s.total / s.steps,
      steps: s.steps,
      monthlyCostUsd: perHour(n.totalCostUsd, n.minutes) * HOURS_PER_MONTH,
      underused: s.max < o.thresholdFraction,
    });
    bins.set(k, { name: n.node, freeCpu: n.cpuCores * o.maxPackedFraction, freeRam: n.ramBytes * o.maxPackedFraction, pods: [] });
  }
  for (const r of latest.allocations) {
    if (r.kind !== 'pod') continue;
    const bin = bins.get(nodeKey(r.cluster, r.node));
    if (!bin) continue;
    const pod = { namespace: r.namespace, pod: r.pod, cpuCores: perHour(r.cpuCoreRequestHours, r.minutes), ramBytes: perHour(r.ramByteRequestHours, r.minutes) };
    bin.freeCpu -= pod.cpuCores;
    bin.freeRam -= pod.ramBytes;
    // DaemonSet pods go with their node: they are not moved (and already run on the receivers).
    if (r.controllerKind !== 'daemonset') bin.pods.push(pod);
  }

  const removable: RemovableNode[] = [];
  const kept: { node: string; readonly reason: string }[] = [];
  const pools = new Map<string, NodeUse[]>();
  for (const u of uses) {
    const k = `${u.cluster}/${u.pool}`;
    const list = pools.get(k);
    if (list) list.push(u);
    else pools.set(k, [u]);
  }
  for (const [, members] of [...pools].sort(([a], [b]) => a.localeCompare(b))) {
    const removed = new Set<string>();
    const candidates = members.filter((m) => m.underused).sort((a, b) => a.maxAllocationFraction - b.maxAllocationFraction || a.node.localeCompare(b.node));
    for (const c of candidates) {
      const bin = bins.get(nodeKey(c.cluster, c.node));
      if (!bin) continue;
      const receivers = members
        .filter((m) => m.node !== c.node && !removed.has(m.node))
        .map((m) => bins.get(nodeKey(m.cluster, m.node)))
        .filter((b): b is Bin => b !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name));
      const trial = receivers.map((b) => ({ bin: b, freeCpu: b.freeCpu, freeRam: b.freeRam, added: [] as Pod[] }));
      const pods = [...bin.pods].sort((a, b) => b.cpuCores - a.cpuCores || b.ramBytes - a.ramBytes || a.pod.localeCompare(b.pod));
      const moves: PodMove[] = [];
      let misfit: Pod | undefined;
      for (const p of pods) {
        const target = trial.find((t) => t.freeCpu >= p.cpuCores - 1e-12 && t.freeRam >= p.ramBytes - 1e-6);
        if (!target) {
          misfit = p;
          break;
        }
        target.freeCpu -= p.cpuCores;
        target.freeRam -= p.ramBytes;
        target.added.push(p);
        moves.push({ ...p, to: target.bin.name });
      }
      if (misfit) {
        kept.push({ node: c.node, reason: `pod ${misfit.namespace}/${misfit.pod} (${misfit.cpuCores} cores, ${misfit.ramBytes} bytes requested) fits on no other node of pool "${c.pool}"` });
        continue;
      }
      for (const t of trial) {
        t.bin.freeCpu = t.freeCpu;
        t.bin.freeRam = t.freeRam;
        t.bin.pods.push(...t.added);
      }
      removed.add(c.node);
      removable.push({ cluster: c.cluster, node: c.node, pool: c.pool, instanceType: c.instanceType, monthlySavingUsd: c.monthlyCostUsd, maxAllocationFraction: c.maxAllocationFraction, moves });
    }
  }
  return {
    nodes: uses.sort((a, b) => a.node.localeCompare(b.node)),
    removable,
    kept,
    monthlySavingUsd: removable.reduce((t, r) => t + r.monthlySavingUsd, 0),
    evidence: { steps: withData.length, startMs: withData[0]?.startMs ?? latest.startMs, endMs: latest.endMs, ...o },
  };
}
