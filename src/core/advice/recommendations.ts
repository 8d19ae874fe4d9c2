// One flat list of recommendations from the four analyses, for the API, CSV, `kubectl cost
// recommendations` and (later) the metrics: what to change, by how much, the monthly saving, and a
// sentence with the evidence. Pure. docs/advice.md.
import type { CommitmentAdvice } from './commitments.ts';
import type { IdleNodeResult } from './idle-nodes.ts';
import type { ResourceAdvice, RightSizingResult } from './rightsizing.ts';
import type { SpotResult } from './spot.ts';
import type { RecommendationKind } from './types.ts';

export interface RecommendationRow {
  readonly kind: RecommendationKind;
  readonly cluster: string;
  /** '' for nodes and clusters. */
  readonly namespace: string;
  /** `deployment/web`, `pod/x`, `node/ip-10-0-1-2`, `cluster`. */
  readonly target: string;
  /** `cpu`, `memory`, `node`, `compute`. */
  readonly resource: string;
  readonly current: string;
  readonly suggested: string;
  /** USD per month; null when a price was missing (the detail says which). */
  readonly monthlySavingUsd: number | null;
  /** Right-sizing up: what following the advice costs more per month. */
  readonly monthlyExtraCostUsd: number | null;
  readonly confidence: number | null;
  readonly detail: string;
}

const MIB = 2 ** 20;

export function cpuText(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

export function memoryText(bytes: number): string {
  return `${Math.round(bytes / MIB)}Mi`;
}

const usd = (n: number) => `${n.toFixed(2)} USD`;
const pct = (f: number) => `${Number((f * 100).toFixed(1))}%`;

export interface AdviceParts {
  readonly rightsizing?: RightSizingResult;
  readonly idleNodes?: IdleNodeResult;
  readonly spot?: SpotResult;
  readonly commitments?: readonly (CommitmentAdvice | { readonly cluster: string; readonly skipped: string })[];
}

export function recommendationRows(parts: AdviceParts): RecommendationRow[] {
  const rows: RecommendationRow[] = [];
  for (const a of parts.rightsizing?.advice ?? []) {
    for (const r of [a.cpu, a.memory]) {
      if (!('action' in r) || r.action === 'keep') continue;
      const x = r as ResourceAdvice;
      const text = x.resource === 'cpu' ? cpuText : memoryText;
      const basis =
        x.resource === 'cpu'
          ? `p${Math.round((x.percentile ?? 0) * 100)} of CPU usage ${cpuText(x.basis)}`
          : `peak memory usage ${memoryText(x.basis)} (highest per-sample average)`;
      rows.push({
        kind: 'rightsizing',
        cluster: a.workload.cluster,
        namespace: a.workload.namespace,
        target: `${a.workload.kind}/${a.workload.name}`,
        resource: x.resource,
        current: text(x.currentRequest),
        suggested: text(x.suggestedRequest),
        monthlySavingUsd: x.monthlySavingUsd,
        monthlyExtraCostUsd: x.monthlyExtraCostUsd,
        confidence: a.confidence,
        detail:
          `${x.action} the ${x.resource} request per pod (${a.replicas} pod${a.replicas === 1 ? '' : 's'}): ${basis} + ${pct(a.evidence.marginFraction)} margin, ` +
          `from ${a.evidence.samples} samples over ${a.evidence.historyHours.toFixed(1)} h (half-life ${a.evidence.halfLifeHours} h)` +
          (a.evidence.note ? `; ${a.evidence.note}` : ''),
      });
    }
  }
  const idle = parts.idleNodes;
  for (const n of idle?.removable ?? []) {
    rows.push({
      kind: 'idle-node',
      cluster: n.cluster,
      namespace: '',
      target: `node/${n.node}`,
      resource: 'node',
      current: `${n.instanceType} in pool ${n.pool}`,
      suggested: 'remove',
      monthlySavingUsd: n.monthlySavingUsd,
      monthlyExtraCostUsd: 0,
      confidence: null,
      detail:
        `allocation at most ${pct(n.maxAllocationFraction)} over the window (threshold ${pct(idle?.evidence.thresholdFraction ?? 0)}); ` +
        (n.moves.length === 0 ? 'no pods to move' : `its ${n.moves.length} pod${n.moves.length === 1 ? '' : 's'} fit on ${[...new Set(n.moves.map((m) => m.to))].join(', ')} (first-fit decreasing, receivers filled to ${pct(idle?.evidence.maxPackedFraction ?? 0)})`),
    });
  }
  for (const c of parts.spot?.candidates ?? []) {
    rows.push({
      kind: 'spot',
      cluster: c.workload.cluster,
      namespace: c.workload.namespace,
      target: `${c.workload.kind}/${c.workload.name}`,
      resource: 'compute',
      current: `${c.podsOnDemand} of ${c.replicas} pods on on-demand nodes`,
      suggested: 'run on spot nodes',
      monthlySavingUsd: c.monthlySavingUsd,
      monthlyExtraCostUsd: 0,
      confidence: null,
      detail:
        `stateless Deployment (${c.replicas} replicas, no persistent volume${c.evidence.pdbKnown ? '' : '; PodDisruptionBudget not known'}) costing ${usd(c.monthlyOnDemandUsd)}/month on demand; discount ` +
        c.evidence.discounts.map((d) => `${d.instanceType} ${d.region} ${d.discountFraction === null ? 'unknown' : pct(d.discountFraction)} (${d.source})`).join(', '),
    });
  }
  for (const c of parts.spot?.clusters ?? []) {
    if (c.monthlySavingUsd === 0) continue;
    rows.push({
      kind: 'spot',
      cluster: c.cluster,
      namespace: '',
      target: 'cluster',
      resource: 'compute',
      current: `${pct(c.spotShare)} of capacity on spot`,
      suggested: `${pct(c.targetSpotShare)} on spot`,
      monthlySavingUsd: c.monthlySavingUsd,
      monthlyExtraCostUsd: 0,
      confidence: null,
      detail: `capacity worth ${usd(c.monthlyOnDemandEquivalentUsd)}/month at on-demand prices; ${c.discountFraction === null ? 'no spot discount known for its on-demand node types' : `catalog spot discount of its on-demand nodes ${pct(c.discountFraction)}`}`,
    });
  }
  for (const c of parts.commitments ?? []) {
    if ('skipped' in c) continue;
    rows.push({
      kind: 'commitment',
      cluster: c.cluster,
      namespace: '',
      target: 'cluster',
      resource: 'compute',
      current: `${usd(c.baselineHourlyUsd)}/h on-demand baseline`,
      suggested: c.commitmentHourlyUsd === null ? `commit to the baseline (${usd(c.coveredMonthlyUsd)}/month of on-demand spend)` : `commit ${usd(c.commitmentHourlyUsd)}/h`,
      monthlySavingUsd: c.monthlySavingUsd,
      monthlyExtraCostUsd: 0,
      confidence: null,
      detail:
        `p${Math.round(c.evidence.percentile * 100)} of hourly on-demand node spend over ${c.hours} h (mean ${usd(c.evidence.meanHourlyUsd)}/h); reached in ${pct(c.fullyUsedHoursFraction)} of hours` +
        (c.discountFraction === null ? `; ${c.evidence.note}` : `; discount ${pct(c.discountFraction)} (given)`),
    });
  }
  return rows.sort(
    (a, b) => (b.monthlySavingUsd ?? -1) - (a.monthlySavingUsd ?? -1) || a.kind.localeCompare(b.kind) || a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.target.localeCompare(b.target) || a.resource.localeCompare(b.resource),
  );
}

export const RECOMMENDATION_CSV_HEADER = ['kind', 'cluster', 'namespace', 'target', 'resource', 'current', 'suggested', 'monthlySavingUsd', 'monthlyExtraCostUsd', 'confidence', 'detail'] as const;

export function recommendationCells(r: RecommendationRow): (string | number | null)[] {
  return [r.kind, r.cluster, r.namespace, r.target, r.resource, r.current, r.suggested, r.monthlySavingUsd, r.monthlyExtraCostUsd, r.confidence, r.detail];
}
