// The advisor inside a real exporter: a cycle starts the analyses over the history store (off
// the scrape path), /metrics then shows the recommendations (largest savings kept, the rest
// folded), the budgets (namespace label, budgets file) with run rate and month-end projection,
// the anomaly gauges; the notifier posts the over-budget notices to a real local receiver, and a
// receiver that is down is counted while the exporter keeps serving.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import { createNotifier, webhookChannel } from '../notify/notifier.ts';
import type { SourceReading } from '../sources/source.ts';
import type { HistoryStore } from '../store/types.ts';
import { adviceMetricsProducer } from './advice-metrics.ts';
import { NOW, PRICES, recordedStore } from './advice-fixtures.test-util.ts';
import { createAdvisor } from './advisor.ts';
import { createApp } from './app.ts';
import { createExporter } from './exporter.ts';
import { createPolicyTracker } from './policy-tracker.ts';
import { memoryLogger } from './log.ts';

const RATES = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } as const;
const CYCLE_PRICES = tablePriceBook({ nodes: { n1: { price: RATES } } });

// n1 costs 4 × 0.04 + 16 × 0.005 = 0.24 USD/h. shop (budget label 50): a = 1 core/2 GiB → 0.05,
// b = 0.5 core/1 GiB → 0.025: 0.075 USD/h, 54.75 a month.
const READING: SourceReading = {
  snapshot: snapshot({
    nodes: [node('n1', res(4000, 16 * GiB))],
    pods: [pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))]), pod('shop', 'b', 'n1', [container('app', res(500, GiB))])],
    namespaces: [{ name: 'shop', labels: { budget: '50', 'cost-center': 'retail' }, annotations: {} }],
  }),
  warnings: [],
  hasUsage: false,
};

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function receiver() {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('advisor in the exporter', () => {
  let store: HistoryStore;
  before(async () => {
    store = await recordedStore();
  });

  const setup = (url: string, extra: { maxAttempts?: number } = {}) => {
    const logger = memoryLogger();
    const notifier = createNotifier({ channels: [webhookChannel(() => url, undefined)], logger, now: () => NOW, sleep: async () => undefined, ...extra });
    const advisor = createAdvisor({
      store,
      prices: PRICES,
      cluster: 'c1',
      logger,
      everyCycles: 3,
      budgetRules: [
        { scope: 'cluster', monthlyUsd: 100, costCenter: '' },
        { scope: 'label', key: 'team', value: 'payments', monthlyUsd: 10, costCenter: 'finance' },
      ],
      notifier,
      now: () => NOW,
      yieldNow: async () => undefined,
    });
    const exporter = createExporter({
      source: { kind: 'snapshot', description: 'test', read: async () => READING },
      prices: CYCLE_PRICES,
      logger,
      now: () => NOW,
      clusterId: 'c1',
      onCycle: advisor.hook,
      extraMetrics: [adviceMetricsProducer(advisor, { maxSeries: 2 }), notifier.metrics],
    });
    const app = createApp({ exporter, version: '0', sourceDescription: 'test' });
    return { advisor, exporter, app, logger };
  };

  describe('with a receiver', () => {
    let rx: Awaited<ReturnType<typeof receiver>>;
    before(async () => {
      rx = await receiver();
    });
    after(() => rx.stop());

    it('serves the advice, budgets and month projections, and notifies the budgets over their limit', async () => {
      const { advisor, exporter, app } = setup(rx.url);
      await exporter.cycle(); // the first cycle starts a run, not awaited by the cycle
      await advisor.settled();
      await exporter.cycle(); // the next rendering shows it
      const text = await (await app.request('/metrics')).text();
      // Rounded to a millionth: sums of floating-point cycle costs.
      const s = (series: string) => {
        const v = sample(text, series);
        return v === undefined ? undefined : Math.round(v * 1e6) / 1e6;
      };
      // The route test's figures at hourly samples (12 h: too few for right-sizing): n2 idle
      // 0.12 × 730 = 87.6; the cluster at 70 % spot 57.816; folded: n3 35.04, spot web 4.0515.
      assert.equal(s('kube_cost_recommendation_savings_usd{cluster="c1",kind="idle-node",namespace="",workload="node/n2",resource="node"}'), 87.6);
      assert.equal(s('kube_cost_recommendation_savings_usd{cluster="c1",kind="spot",namespace="",workload="cluster",resource="compute"}'), 57.816);
      assert.equal(s('kube_cost_recommendation_savings_usd{cluster="c1",kind="idle-node",namespace="",workload="__other__",resource=""}'), 35.04);
      assert.equal(s('kube_cost_recommendation_savings_usd{cluster="c1",kind="spot",namespace="",workload="__other__",resource=""}'), 4.0515);
      assert.equal(s('kube_cost_recommendations{cluster="c1",kind="idle-node"}'), 2);
      assert.equal(s('kube_cost_recommendations{cluster="c1",kind="rightsizing"}'), 0);
      assert.equal(s('kube_cost_advice_runs_total{cluster="c1",result="ok"}'), 1);
      assert.equal(s('kube_cost_advice_last_run_timestamp_seconds{cluster="c1"}'), NOW / 1000);
      // Budgets. NOW is 2026-11-01 12:00 UTC: 720 hours from the start of today to the month's end,
      // no whole day recorded this month yet, so projections are hourly × 720.
      assert.equal(s('kube_cost_budget_usd{cluster="c1",budget="namespace/shop",scope="namespace",cost_center="retail",source="namespace"}'), 50);
      assert.equal(s('kube_cost_budget_usd{cluster="c1",budget="cluster",scope="cluster",cost_center="",source="file"}'), 100);
      assert.equal(s('kube_cost_budget_usd{cluster="c1",budget="label/team=payments",scope="label",cost_center="finance",source="file"}'), 10);
      assert.equal(s('kube_cost_budget_run_rate_usd{cluster="c1",budget="namespace/shop"}'), 54.75);
      assert.equal(s('kube_cost_budget_run_rate_usd{cluster="c1",budget="cluster"}'), 175.2);
      assert.equal(s('kube_cost_budget_run_rate_usd{cluster="c1",budget="label/team=payments"}'), 0);
      assert.equal(s('kube_cost_budget_month_to_date_usd{cluster="c1",budget="namespace/shop"}'), 0);
      assert.equal(s('kube_cost_budget_month_end_forecast_usd{cluster="c1",budget="namespace/shop"}'), 54);
      assert.equal(s('kube_cost_budget_month_end_forecast_usd{cluster="c1",budget="cluster"}'), 172.8);
      assert.equal(s('kube_cost_budget_info{cluster="c1",budget="namespace/shop",method="run-rate",namespaces="1"}'), 1);
      assert.equal(s('kube_cost_namespace_month_end_forecast_usd{cluster="c1",namespace="shop"}'), 54);
      assert.equal(s('kube_cost_cluster_month_end_forecast_usd{cluster="c1"}'), 172.8);
      assert.equal(s('kube_cost_namespace_budget_usd{cluster="c1",namespace="shop",cost_center="retail"}'), 50);
      // No anomalies: too little history for a baseline.
      assert.equal(s('kube_cost_anomaly_active{cluster="c1",namespace="shop",granularity="day",direction=""}'), 0);
      assert.equal(s('kube_cost_anomaly_active{cluster="c1",namespace="shop",granularity="hour",direction=""}'), 0);
      // Notified: the namespace (54.75 > 50: 4.75 over, 9.5 %) and the cluster (175.2 > 100).
      assert.deepEqual(
        rx.bodies.map((b) => [b['key'], b['overBudgetUsd'], b['overBudgetPercent']]).map(([k, o, p]) => [k, Math.round((o as number) * 1e6) / 1e6, Math.round((p as number) * 1e6) / 1e6]),
        [
          ['budget/c1/cluster/over-budget', 75.2, 75.2],
          ['budget/c1/namespace/shop/over-budget', 4.75, 9.5],
        ],
      );
      // a: 0.05 × 730 = 36.5 a month, 36.5 / 54.75 = 66.7 %.
      const shop = rx.bodies[1]!;
      assert.deepEqual(
        (shop['drivers'] as { name: string; monthlyUsd: number; percent: number }[]).map((d) => [d.name, Math.round(d.monthlyUsd * 100) / 100, Math.round(d.percent * 10) / 10]),
        [
          ['a', 36.5, 66.7],
          ['b', 18.25, 33.3],
        ],
      );
      assert.equal(sample(text, 'kube_cost_notifications_total{cluster="c1",channel="webhook",result="sent"}'), 2);
    });
  });

  it('a receiver that is down: counted, and the exporter keeps serving', async () => {
    const rx = await receiver();
    await rx.stop();
    const { advisor, exporter, app } = setup(rx.url, { maxAttempts: 2 });
    await exporter.cycle();
    await advisor.settled();
    await exporter.cycle();
    const res = await app.request('/metrics');
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(sample(text, 'kube_cost_notifications_total{cluster="c1",channel="webhook",result="failed"}'), 2);
    assert.equal(sample(text, 'kube_cost_notification_errors_total{cluster="c1",channel="webhook",error_type="connection"}'), 4);
    assert.equal(sample(text, 'kube_cost_pod_hourly_usd{cluster="c1",namespace="shop",pod="a",node="n1"}'), 0.05);
    assert.equal((await app.request('/readyz')).status, 200);
  });

  it('reads the HPAs and PDBs of the latest reading (policy tracker): a PDB allowing no eviction keeps web off spot', async () => {
    const webPod = (name: string) => ({ ...pod('shop', name, 'n1', [container('app', res(100, 128 * 2 ** 20))]), labels: { app: 'web' }, workload: { kind: 'Deployment', name: 'web' } });
    const reading: SourceReading = {
      ...READING,
      snapshot: { ...READING.snapshot, pods: [webPod('web-1'), webPod('web-2')] },
      policies: {
        hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'] }],
        pdbs: [{ namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } }, maxUnavailable: { count: 0 } }],
      },
    };
    const targets = async (withPolicies: boolean): Promise<string[]> => {
      const tracker = createPolicyTracker('c1');
      const advisor = createAdvisor({ store, prices: PRICES, cluster: 'c1', logger: memoryLogger(), now: () => NOW, yieldNow: async () => undefined, ...(withPolicies ? { policies: tracker.current } : {}) });
      const exporter = createExporter({ source: { kind: 'snapshot', description: 'test', read: async () => reading }, prices: CYCLE_PRICES, logger: memoryLogger(), now: () => NOW, onCycle: [tracker.hook, advisor.hook] });
      await exporter.cycle();
      await advisor.settled();
      return (advisor.state().run?.recommendations ?? []).filter((r) => r.target === 'deployment/web').map((r) => `${r.kind} ${r.resource}`).sort();
    };
    // The advisor samples hourly: 12 samples of this history are too few for right-sizing (the
    // route test covers the HPA); the PDB allows no eviction, so web is no spot candidate.
    assert.deepEqual(await targets(false), ['spot compute']);
    assert.deepEqual(await targets(true), []);
  });

  it('runs after the first cycle and every N cycles, never two at once', async () => {
    let calls = 0;
    const counting: HistoryStore = {
      ...store,
      coverage: () => {
        calls++;
        return store.coverage();
      },
    };
    const advisor = createAdvisor({ store: counting, prices: PRICES, cluster: 'c1', logger: memoryLogger(), everyCycles: 3, now: () => NOW, yieldNow: async () => undefined });
    const exporter = createExporter({ source: { kind: 'snapshot', description: 'test', read: async () => READING }, prices: CYCLE_PRICES, logger: memoryLogger(), now: () => NOW, onCycle: advisor.hook });
    for (let i = 0; i < 7; i++) {
      await exporter.cycle();
      await advisor.settled();
    }
    // Cycles 1, 4 and 7 run; each run asks the store's coverage 4 times (recommendations, two anomaly windows, month).
    assert.equal(calls, 3 * 4);
    assert.equal(advisor.state().runs.ok, 3);
    // History still being written (the demo backfill): no run, and those cycles do not count.
    let ready = false;
    const waiting = createAdvisor({ store, prices: PRICES, cluster: 'c1', logger: memoryLogger(), everyCycles: 3, now: () => NOW, yieldNow: async () => undefined, historyReady: () => ready });
    const second = createExporter({ source: { kind: 'snapshot', description: 'test', read: async () => READING }, prices: CYCLE_PRICES, logger: memoryLogger(), now: () => NOW, onCycle: waiting.hook });
    for (const r of [false, false, true, true, true, true]) {
      ready = r;
      await second.cycle();
      await waiting.settled();
    }
    // Runs at the first ready cycle and 3 ready cycles later; budgets were kept up every cycle.
    assert.equal(waiting.state().runs.ok, 2);
    // Asked again while running: the same run.
    const one = advisor.refresh();
    const two = advisor.refresh();
    assert.equal(one, two);
    await advisor.settled();
    assert.equal(advisor.state().runs.ok, 4);
  });
});
