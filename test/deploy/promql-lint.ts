// Checks PromQL the project ships (dashboards, alert rules) against docs/metrics.md: every metric
// exists, and rate()/irate()/increase() only touch counters (or histogram buckets) — never a gauge
// of hourly cost, the design document's mistake.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/dashboards/generate.ts';

export type MetricType = 'gauge' | 'counter' | 'histogram';

/** Metric families and their types, from the tables of docs/metrics.md. */
export function documentedMetrics(): Map<string, MetricType> {
  const types = new Map<string, MetricType>();
  for (const m of readFileSync(join(REPO_ROOT, 'docs/metrics.md'), 'utf8').matchAll(/^\| `(kube_cost_\w+)` \| (gauge|counter|histogram) \|/gm)) types.set(m[1]!, m[2] as MetricType);
  return types;
}

const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

/** Problems with `expr`, each prefixed with `where`. */
export function promqlProblems(expr: string, where: string, types: ReadonlyMap<string, MetricType> = documentedMetrics()): string[] {
  const problems: string[] = [];
  for (const [name] of expr.matchAll(/\bkube_cost_\w+/g)) {
    const family = types.has(name) ? name : name.replace(HISTOGRAM_SERIES, '');
    if (!types.has(family)) problems.push(`${where}: ${name} is not in docs/metrics.md`);
  }
  for (const m of expr.matchAll(/\b(rate|irate|increase|resets)\(\s*([a-z_:][a-z0-9_:]*)/g)) {
    const series = m[2]!;
    const type = types.get(series) ?? (types.get(series.replace(HISTOGRAM_SERIES, '')) === 'histogram' ? 'histogram' : undefined);
    if (type !== 'counter' && !(type === 'histogram' && series !== series.replace(HISTOGRAM_SERIES, ''))) problems.push(`${where}: ${m[1]}() of ${series}, a ${type ?? 'metric not in docs/metrics.md'}`);
  }
  return problems;
}
