// A cap on the per-pod series of /metrics (`--max-pod-series`): past it, the cheapest pods of each
// namespace are folded into one `pod="__other__"` series per namespace, so that a cluster of a
// million pods cannot make the exposition (and Prometheus) explode, while every sum — by namespace,
// by resource, the cluster's — stays exact. History, the API and the CLI keep every pod; only the
// exposition is capped. Pure.
import type { CostReport, PodCost, PseudoCost } from '../core/allocate.ts';

/** The pseudo-pod that holds the pods folded by the cap, one per namespace. */
export const OTHER = '__other__';

export interface LimitedReport {
  /** The report to render: the kept pods, and an `__other__` pseudo-pod per namespace with folded ones. */
  readonly report: CostReport;
  /** How many pods were folded (0 when under the cap). */
  readonly folded: number;
}

/** Keeps the `maxPods` most expensive pods (ties by namespace and name); 0 or Infinity: no cap. */
export function limitPodSeries(report: CostReport, maxPods: number): LimitedReport {
  if (!(maxPods > 0) || report.pods.length <= maxPods) return { report, folded: 0 };
  const order = report.pods.map((_, i) => i);
  order.sort((a, b) => {
    const pa = report.pods[a]!;
    const pb = report.pods[b]!;
    return pb.totalHourlyUsd - pa.totalHourlyUsd || (pa.namespace < pb.namespace ? -1 : pa.namespace > pb.namespace ? 1 : pa.name < pb.name ? -1 : pa.name > pb.name ? 1 : 0);
  });
  const keep = new Uint8Array(report.pods.length);
  for (let k = 0; k < maxPods; k++) keep[order[k]!] = 1;
  const kept: PodCost[] = [];
  const other = new Map<string, { cpu: number; ram: number; gpu: number; pv: number; lb: number; total: number; savings: number }>();
  for (let i = 0; i < report.pods.length; i++) {
    const p = report.pods[i]!;
    if (keep[i]) {
      kept.push(p);
      continue;
    }
    let o = other.get(p.namespace);
    if (!o) {
      o = { cpu: 0, ram: 0, gpu: 0, pv: 0, lb: 0, total: 0, savings: 0 };
      other.set(p.namespace, o);
    }
    o.cpu += p.cpuHourlyUsd;
    o.ram += p.ramHourlyUsd;
    o.gpu += p.gpuHourlyUsd;
    o.pv += p.pvHourlyUsd;
    o.lb += p.loadBalancerHourlyUsd;
    o.total += p.totalHourlyUsd;
    o.savings += p.spotSavingsHourlyUsd;
  }
  const pseudo: PseudoCost[] = [...report.pseudo];
  for (const [namespace, o] of [...other].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    pseudo.push({
      namespace,
      // A pseudo-allocation of the exposition only: the cost model never makes one.
      name: OTHER as PseudoCost['name'],
      node: '',
      cpuHourlyUsd: o.cpu,
      ramHourlyUsd: o.ram,
      gpuHourlyUsd: o.gpu,
      pvHourlyUsd: o.pv,
      loadBalancerHourlyUsd: o.lb,
      totalHourlyUsd: o.total,
      spotSavingsHourlyUsd: o.savings,
    });
  }
  return { report: { ...report, pods: kept, pseudo }, folded: report.pods.length - kept.length };
}
