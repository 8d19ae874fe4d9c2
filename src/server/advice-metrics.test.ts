import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Anomaly } from '../core/advice/anomalies.ts';
import type { RecommendationRow } from '../core/advice/recommendations.ts';
import { renderAdviceMetrics } from './advice-metrics.ts';
import type { AdvisorState } from './advisor.ts';

const DAY = 86_400_000;
const T = Date.UTC(2026, 10, 29);

const anomaly = (namespace: string, startMs: number, endMs: number, deltaUsd: number, score: number | null): Anomaly => ({
  namespace,
  startMs,
  endMs,
  costUsd: 10 + deltaUsd,
  expectedUsd: 10,
  deltaUsd,
  score,
  direction: deltaUsd > 0 ? 'spike' : 'drop',
  cause: null,
  evidence: { baselinePoints: 4, madUsd: 1, threshold: 3.5 },
});

const row = (kind: RecommendationRow['kind'], target: string, saving: number | null): RecommendationRow => ({
  kind,
  cluster: 'c1',
  namespace: kind === 'rightsizing' ? 'shop' : '',
  target,
  resource: kind === 'rightsizing' ? 'cpu' : 'node',
  current: '',
  suggested: '',
  monthlySavingUsd: saving,
  monthlyExtraCostUsd: 0,
  confidence: null,
  detail: '',
});

function state(over: Partial<NonNullable<AdvisorState['run']>>): AdvisorState {
  return {
    run: { atMs: T, durationMs: 250, recommendations: [], anomalies: { day: [], hour: [] }, monthByNamespace: new Map(), clusterMonth: undefined, ...over },
    budgets: [],
    namespaceMonth: [],
    clusterMonth: undefined,
    namespaces: ['shop', 'search', '__idle__'],
    runs: { ok: 1, failed: 0 },
  };
}

test('anomaly gauges: 1 with its direction for the anomalous namespace, 0 for the others; no score when the baseline never varied', () => {
  const text = renderAdviceMetrics(
    state({ anomalies: { day: [anomaly('search', T, T + DAY, 18, 6.1)], hour: [anomaly('shop', T + 5 * 3_600_000, T + 6 * 3_600_000, -2, null)] } }),
    'prometheus',
    'cluster="c1"',
    { maxSeries: 10 },
  );
  const lines = text.split('\n').filter((l) => /^kube_cost_anomaly_/.test(l));
  assert.deepEqual(lines, [
    'kube_cost_anomaly_active{cluster="c1",namespace="search",granularity="day",direction="spike"} 1',
    'kube_cost_anomaly_active{cluster="c1",namespace="shop",granularity="day",direction=""} 0',
    'kube_cost_anomaly_active{cluster="c1",namespace="search",granularity="hour",direction=""} 0',
    'kube_cost_anomaly_active{cluster="c1",namespace="shop",granularity="hour",direction="drop"} 1',
    'kube_cost_anomaly_score{cluster="c1",namespace="search",granularity="day"} 6.1',
    'kube_cost_anomaly_delta_usd{cluster="c1",namespace="search",granularity="day"} 18',
    'kube_cost_anomaly_delta_usd{cluster="c1",namespace="shop",granularity="hour"} -2',
  ]);
});

test('recommendation series: the largest savings first, the rest summed per kind into __other__, unknown savings only counted', () => {
  const text = renderAdviceMetrics(
    state({ recommendations: [row('idle-node', 'node/n2', 87.6), row('rightsizing', 'deployment/api', 11.25), row('idle-node', 'node/n3', 35.04), row('rightsizing', 'deployment/web', 2.5), row('commitment', 'cluster', null)] }),
    'prometheus',
    '',
    { maxSeries: 2 },
  );
  const lines = text.split('\n').filter((l) => /^kube_cost_recommendation/.test(l));
  assert.deepEqual(lines, [
    'kube_cost_recommendation_savings_usd{kind="idle-node",namespace="",workload="node/n2",resource="node"} 87.6',
    'kube_cost_recommendation_savings_usd{kind="rightsizing",namespace="shop",workload="deployment/api",resource="cpu"} 11.25',
    // Folded: web 2.5 (rightsizing), n3 35.04 (idle-node).
    'kube_cost_recommendation_savings_usd{kind="rightsizing",namespace="",workload="__other__",resource=""} 2.5',
    'kube_cost_recommendation_savings_usd{kind="idle-node",namespace="",workload="__other__",resource=""} 35.04',
    'kube_cost_recommendations{kind="rightsizing"} 2',
    'kube_cost_recommendations{kind="idle-node"} 2',
    'kube_cost_recommendations{kind="spot"} 0',
    'kube_cost_recommendations{kind="commitment"} 1',
  ]);
});

test('before the first run: the families are declared, without samples', () => {
  const text = renderAdviceMetrics({ run: undefined, budgets: [], namespaceMonth: [], clusterMonth: undefined, namespaces: ['shop'], runs: { ok: 0, failed: 0 } }, 'prometheus', '', { maxSeries: 10 });
  assert.deepEqual(
    text.split('\n').filter((l) => l !== '' && !l.startsWith('#')),
    ['kube_cost_advice_runs_total{result="ok"} 0', 'kube_cost_advice_runs_total{result="failed"} 0'],
  );
});
