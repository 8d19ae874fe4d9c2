import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { arrayStore } from '../api/array-store.test-util.ts';
import { alloc, DAY, HOUR, MIN, nodeRow, T0 } from '../core/advice/fixtures.test-util.ts';
import { advicePolicies } from '../core/advice/policies.ts';
import type { PodInfo } from '../core/model.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import type { HistoryStore } from '../store/types.ts';
import { NOW, PRICES, recordedStore } from './advice-fixtures.test-util.ts';
import { adviceRoutes, dailySeries, priceBookSpotRatio, seasonalWindows, wholeUnitRows } from './advice-routes.ts';

describe('GET /api/v1/recommendations', () => {
  let store: HistoryStore;
  before(async () => {
    store = await recordedStore();
  });
  const get = (path: string) => adviceRoutes({ store, prices: PRICES, now: () => NOW }).request(path);

  it('every kind, sorted by saving, with hand-computed money', async () => {
    const res = await get('/recommendations?sample=5m');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { recommendations: { kind: string; target: string; resource: string; current: string; suggested: string; monthlySavingUsd: number | null }[]; monthlySavingUsd: number }; meta: { warnings: string[] } };
    const rows = body.data.recommendations.map((r) => [r.kind, r.target, r.resource, r.current, r.suggested, r.monthlySavingUsd === null ? null : Math.round(r.monthlySavingUsd * 1e6) / 1e6]);
    assert.deepEqual(rows, [
      // n2 runs nothing: 0.12 USD/h × 730
      ['idle-node', 'node/n2', 'node', 'm5.large in pool general', 'remove', 87.6],
      // on-demand equivalent 3 × 0.12 = 0.36/h, spot 0.12: (0.7 × 0.36 − 0.12) × 60 % × 730
      ['spot', 'cluster', 'compute', '33.3% of capacity on spot', '70% on spot', 57.816],
      // n3 (pool "spot") runs nothing either: 0.048 USD/h × 730
      ['idle-node', 'node/n3', 'node', 'm5.large in pool spot', 'remove', 35.04],
      // web: 2 pods × (0.1 × 0.04 + 0.125 × 0.005) USD/h = 0.00925 USD/h; × 730 = 6.7525; × 60 %
      ['spot', 'deployment/web', 'compute', '2 of 2 pods on on-demand nodes', 'run on spot nodes', 4.0515],
      // api CPU: p90 of a constant 0.1 cores = 0.1 × 1.15 = 115m; (0.5 − 0.115) × 0.04 × 730
      ['rightsizing', 'deployment/api', 'cpu', '500m', '115m', 11.242],
      // web CPU: 0.05 × 1.15 = 0.0575 → 58m; (0.1 − 0.058) × 0.04 × 730 × 2 pods
      ['rightsizing', 'deployment/web', 'cpu', '100m', '58m', 2.4528],
      // api memory: 200 MiB × 1.15 = 230 MiB; 282 MiB = 0.275390625 GiB × 0.005 × 730
      ['rightsizing', 'deployment/api', 'memory', '512Mi', '230Mi', 1.005176],
      // web memory: 115 MiB; 13 MiB × 2 pods = 0.025390625 GiB × 0.005 × 730
      ['rightsizing', 'deployment/web', 'memory', '128Mi', '115Mi', 0.092676],
    ].sort((a, b) => (b[5] as number) - (a[5] as number)));
    assert.ok(body.meta.warnings.some((w) => w.startsWith('commitments: no commitmentDiscount given')));
    // Total without the cluster-wide 70 %-spot estimate: 87.6 + 35.04 + 4.0515 + 11.242 + 2.4528 + 1.00517578125 + 0.09267578125
    assert.equal(Math.round(body.data.monthlySavingUsd * 1e6) / 1e6, 141.484152);
  });

  it('with the cluster\'s HPAs and PDBs: HPA-scaled resources are not right-sized, a PDB allowing no eviction keeps web off spot', async () => {
    const policies = advicePolicies(
      {
        hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'] }],
        pdbs: [{ namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' } }, minAvailable: { percent: 100 } }],
      },
      { pods: [1, 2].map((i) => ({ uid: `w${i}`, name: `web-${i}`, namespace: 'shop', phase: 'Running', labels: { app: 'web' }, annotations: {}, containers: [], claimNames: [], workload: { kind: 'Deployment', name: 'web' } }) as unknown as PodInfo) },
      'c1',
    );
    const res = await adviceRoutes({ store, prices: PRICES, now: () => NOW, policies: () => policies }).request('/recommendations?sample=5m&kind=rightsizing,spot');
    const body = (await res.json()) as { data: { recommendations: { kind: string; target: string; resource: string }[] }; meta: { warnings: string[] } };
    assert.deepEqual(
      body.data.recommendations.map((r) => `${r.kind} ${r.target} ${r.resource}`),
      // Without policies: also "spot deployment/web compute" and "rightsizing deployment/web cpu".
      ['spot cluster compute', 'rightsizing deployment/api cpu', 'rightsizing deployment/api memory', 'rightsizing deployment/web memory'],
    );
    assert.ok(!body.meta.warnings.some((w) => w.includes('HorizontalPodAutoscaler')), body.meta.warnings.join('; '));
    const without = (await (await get('/recommendations?sample=5m&kind=rightsizing')).json()) as { meta: { warnings: string[] } };
    assert.ok(without.meta.warnings.some((w) => w.startsWith('no HorizontalPodAutoscaler list')));
  });

  it('CSV: one line per recommendation, RFC 4180', async () => {
    const res = await get('/recommendations?format=csv&kind=idle-node');
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    const text = await res.text();
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'kind,cluster,namespace,target,resource,current,suggested,monthlySavingUsd,monthlyExtraCostUsd,confidence,detail');
    assert.match(lines[1] ?? '', /^idle-node,c1,,node\/n2,node,m5\.large in pool general,remove,87\.(6|59999)\d*,0,,allocation at most 0% over the window \(threshold 50%\); no pods to move$/);
    assert.equal(lines.length, 4); // n2, n3, and the empty string after the last CRLF
  });

  it('bad parameters answer 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/recommendations?kind=cheap', 'kind="cheap": unknown kind "cheap"; accepted: rightsizing, idle-node, spot, commitment'],
      ['/recommendations?threshold=2', 'threshold="2": out of range; accepted: a fraction from 0 to 1 (or a percentage like 15%)'],
      ['/recommendations?format=xml', 'format="xml": unknown format; accepted: json or csv'],
      ['/forecast?aggregate=pod', 'aggregate="pod": unknown aggregate; accepted: cluster or namespace'],
      ['/anomalies?granularity=week', 'granularity="week": unknown granularity; accepted: day or hour'],
    ];
    for (const [path, message] of cases) {
      const res = await get(path);
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { message: string }).message, message);
    }
  });

  it('forecast: too little history is said, not faked', async () => {
    const res = await get('/forecast');
    const body = (await res.json()) as { data: { series: { key: string; skipped?: string }[] } };
    // 12 hours recorded on 2026-11-01: one (partial) day, and today is not counted.
    assert.deepEqual(body.data.series, []);
  });
});

describe('dailySeries', () => {
  it('sums costs per day and key, fills an interior day without data from a week before', () => {
    const day = (d: number, cost: number) => ({ startMs: T0 + d * DAY, rows: cost < 0 ? [] : [alloc({ pod: 'p', startMs: T0 + d * DAY, endMs: T0 + (d + 1) * DAY, cpuCostUsd: cost })] });
    // days 0..8 cost 1..9 except day 7 (no data): filled with day 0's 1
    const sets = [1, 2, 3, 4, 5, 6, 7, -1, 9].map((c, d) => day(d, c));
    const s = dailySeries(sets, (r) => r.cluster).get('c1');
    assert.deepEqual(
      s?.days.map((d) => d.costUsd),
      [1, 2, 3, 4, 5, 6, 7, 1, 9],
    );
    assert.equal(s?.filled, 1);
  });
});

describe('priceBookSpotRatio with the shipped catalog', () => {
  it('m5.large in us-east-1 has a spot ratio from the catalog; an unknown type has none', () => {
    const lookup = priceBookSpotRatio(createPriceBook());
    const r = lookup(nodeRow({ node: 'n1', providerId: 'aws:///us-east-1a/i-1' }));
    assert.ok(r && r.ratio > 0 && r.ratio < 1, JSON.stringify(r));
    assert.match(r.source, /spot/);
    assert.equal(lookup(nodeRow({ node: 'n1', instanceType: 'no-such-type' })), undefined);
    // The provider comes from the provider id (else the type's shape): each catalog answers for its own types.
    const table: [string, string, string, number, number][] = [
      ['gce://proj/us-central1-a/n', 'n2-standard-4', 'us-central1', 4, 16],
      ['azure:///subscriptions/x/virtualMachines/n', 'Standard_D4s_v5', 'eastus', 4, 16],
      ['', 'Standard_D4s_v5', 'eastus', 4, 16],
    ];
    for (const [providerId, instanceType, region, cores, gib] of table) {
      const x = lookup(nodeRow({ node: 'n', providerId, instanceType, region, cpuCores: cores, ramBytes: gib * 2 ** 30 }));
      assert.ok(x && x.ratio > 0 && x.ratio < 1, `${instanceType}: ${JSON.stringify(x)}`);
    }
  });
});

describe('createApp mounts the advice next to the allocation API', () => {
  it('/api/v1/recommendations and /api/v1/allocation both answer; unknown paths still 404', async () => {
    const { createApp } = await import('./app.ts');
    const exporter = { metrics: () => ({ text: '', gzip: () => new Uint8Array() }), status: () => ({ ready: true, reason: '', cycles: 1 }) } as unknown as Parameters<typeof createApp>[0]['exporter'];
    const app = createApp({ exporter, version: 'test', sourceDescription: 'test', history: await recordedStore() });
    const advice = await app.request('/api/v1/recommendations?kind=idle-node&window=2026-11-01T00:00:00Z,2026-11-01T12:00:00Z');
    assert.equal(advice.status, 200);
    assert.deepEqual(
      ((await advice.json()) as { data: { recommendations: { target: string }[] } }).data.recommendations.map((r) => r.target),
      ['node/n2', 'node/n3'],
    );
    assert.equal((await app.request('/api/v1/allocation?window=2026-11-01T00:00:00Z,2026-11-01T12:00:00Z&aggregate=cluster')).status, 200);
    assert.equal((await app.request('/api/v1/nothing-here')).status, 404);
  });
});

describe('GET /api/v1/forecast and /api/v1/anomalies (daily rows)', () => {
  const S = [3, -1, -2, 0, 1, 2, -3];
  // 28 days from 2026-11-01 of y_t = 10 + 0.5 t + S[t mod 7] in namespace shop.
  const day = (t: number, cost: number, namespace = 'shop') => alloc({ pod: `web-${namespace}`, namespace, controller: 'web', controllerKind: 'deployment', startMs: T0 + t * DAY, endMs: T0 + (t + 1) * DAY, cpuCostUsd: cost });
  const forecastStore = arrayStore({ allocations: Array.from({ length: 28 }, (_, t) => day(t, 10 + 0.5 * t + (S[t % 7] as number))) });
  const NOW29 = T0 + 28 * DAY + 5 * HOUR; // Nov 29, 05:00: Nov 1..28 are whole days

  it('forecast: the exact series continues; month end and burn-down by hand', async () => {
    const res = await adviceRoutes({ store: forecastStore, now: () => NOW29 }).request('/forecast?horizon=7d&budget=500');
    assert.equal(res.status, 200);
    type Series = { key: string; historyDays: number; points: { day: string; costUsd: number; lowerUsd: number; upperUsd: number }[]; monthEnd: { actualUsd: number; projectedUsd: number }; budget: { projectedOverUsd: number; exhaustedOnDayMs: number | null } };
    const [s] = ((await res.json()) as { data: { series: Series[] } }).data.series;
    assert.equal(s?.key, 'c1');
    assert.equal(s?.historyDays, 28);
    // t = 28..34: 27, 23.5, 23, 25.5, 27, 28.5, 24 (from Nov 29)
    assert.deepEqual(
      s?.points.map((p) => [p.day, Math.round(p.costUsd * 1e9) / 1e9, Math.round((p.upperUsd - p.lowerUsd) * 1e9) / 1e9]),
      [
        ['2026-11-29', 27, 0],
        ['2026-11-30', 23.5, 0],
        ['2026-12-01', 23, 0],
        ['2026-12-02', 25.5, 0],
        ['2026-12-03', 27, 0],
        ['2026-12-04', 28.5, 0],
        ['2026-12-05', 24, 0],
      ],
    );
    // recorded Nov 1..28: 28 × 10 + 0.5 × (0 + … + 27) + 4 weeks × ΣS = 280 + 189 + 0 = 469; + 27 + 23.5 = 519.5
    assert.equal(Math.round((s?.monthEnd.actualUsd ?? 0) * 1e9) / 1e9, 469);
    assert.equal(Math.round((s?.monthEnd.projectedUsd ?? 0) * 1e9) / 1e9, 519.5);
    // budget 500: 469 + 27 = 496 after Nov 29, 519.5 after Nov 30 → exhausted Nov 30, 19.5 over
    assert.equal(Math.round((s?.budget.projectedOverUsd ?? 0) * 1e9) / 1e9, 19.5);
    assert.equal(s?.budget.exhaustedOnDayMs, Date.UTC(2026, 10, 30));
  });

  it('anomalies: yesterday against the same weekday of earlier weeks, with the cause', async () => {
    // shop costs 10 a day, 30 on day 28 (Nov 29); calm costs 5 every day. Now: Nov 30, 10:00.
    const rows = Array.from({ length: 29 }, (_, t) => [day(t, t === 28 ? 30 : 10), day(t, 5, 'calm')]).flat();
    const res = await adviceRoutes({ store: arrayStore({ allocations: rows }), now: () => T0 + 29 * DAY + 10 * HOUR }).request('/anomalies');
    const body = (await res.json()) as { data: { window: { start: string; end: string }; anomalies: { namespace: string; start: string; expectedUsd: number; deltaUsd: number; score: number | null; cause: { part: string; deltaUsd: number } }[] } };
    assert.deepEqual(body.data.window, { start: '2026-11-29T00:00:00Z', end: '2026-11-30T00:00:00Z' });
    // Nov 22, 15, 8, 1 cost 10: median 10, MAD 0 → score null; +20 USD
    assert.deepEqual(
      body.data.anomalies.map((a) => [a.namespace, a.start, a.expectedUsd, a.deltaUsd, a.score, a.cause.part, a.cause.deltaUsd]),
      [['shop', '2026-11-29T00:00:00Z', 10, 20, null, 'deployment/web cpu', 20]],
    );
    const early = await adviceRoutes({ store: arrayStore({ allocations: rows }), now: () => T0 + 29 * DAY + 10 * HOUR }).request('/anomalies?window=today');
    assert.equal(early.status, 400);
    assert.match(((await early.json()) as { message: string }).message, /^window="today": no whole day of it has ended yet/);
  });
});

describe('hourly anomalies', () => {
  it('the last 24 hours against the same hour of earlier weeks, asking the store for those hours only', async () => {
    // shop costs 1 USD an hour for 29 days from Nov 1, 5 USD in the last hour (Nov 29 23:00).
    const hour = (t: number) => alloc({ pod: 'web-1', controller: 'web', controllerKind: 'deployment', startMs: T0 + t * HOUR, endMs: T0 + (t + 1) * HOUR, cpuCostUsd: t === 29 * 24 - 1 ? 5 : 1 });
    const base = arrayStore({ allocations: Array.from({ length: 29 * 24 }, (_, t) => hour(t)) });
    const asked: number[] = [];
    const store: HistoryStore = {
      ...base,
      allocations: (q) => {
        asked.push(q.stepMs === undefined ? 1 : (q.endMs - q.startMs) / q.stepMs);
        return base.allocations(q);
      },
    };
    const res = await adviceRoutes({ store, now: () => T0 + 29 * DAY + 10 * MIN }).request('/anomalies?granularity=hour');
    const body = (await res.json()) as { data: { anomalies: { namespace: string; start: string; expectedUsd: number; deltaUsd: number; score: number | null; cause: { part: string } }[] } };
    // Nov 22, 15, 8 and 1 at 23:00 cost 1: median 1, MAD 0 → score null; +4 USD.
    assert.deepEqual(
      body.data.anomalies.map((a) => [a.namespace, a.start, a.expectedUsd, a.deltaUsd, a.score, a.cause.part]),
      [['shop', '2026-11-29T23:00:00Z', 1, 4, null, 'deployment/web cpu']],
    );
    // 24 hours × (itself + 4 weeks back) = 120 one-hour queries, not one of 696 steps.
    assert.equal(asked.length, 120);
    assert.ok(asked.every((steps) => steps === 1));
  });

  it('seasonalWindows: each unit of the window and the same unit 1, 2... weeks back within the history', () => {
    const W = 7 * DAY;
    const table: [string, { startMs: number; endMs: number }, number, number, number[]][] = [
      ['one hour, 2 weeks', { startMs: T0 + 3 * W, endMs: T0 + 3 * W + HOUR }, HOUR, 2 * W, [T0 + W, T0 + 2 * W, T0 + 3 * W]],
      ['one day, 10 days: one week back only', { startMs: T0 + 3 * W, endMs: T0 + 3 * W + DAY }, DAY, 10 * DAY, [T0 + 2 * W, T0 + 3 * W]],
      ['two days, 1 week', { startMs: T0 + W, endMs: T0 + W + 2 * DAY }, DAY, W, [T0, T0 + DAY, T0 + W, T0 + W + DAY]],
    ];
    for (const [name, window, unit, history, starts] of table) {
      assert.deepEqual(
        seasonalWindows(window, unit, history),
        starts.map((startMs) => ({ startMs, endMs: startMs + unit })),
        name,
      );
    }
  });
});

describe('wholeUnitRows', () => {
  it("drops the days a cluster's history does not cover whole", () => {
    // c1 recorded from day 0 07:00 to day 3 00:00, down on day 1 10:00–11:00; c2 has no coverage entry.
    const coverage = [{ cluster: 'c1', firstMs: T0 + 7 * HOUR, lastMs: T0 + 3 * DAY, gaps: [{ startMs: T0 + DAY + 10 * HOUR, endMs: T0 + DAY + 11 * HOUR }], demo: false }];
    const sets = [0, 1, 2, 3].map((d) => ({ startMs: T0 + d * DAY, endMs: T0 + (d + 1) * DAY, rows: [{ cluster: 'c1', d }, { cluster: 'c2', d }] }));
    const table: [number, string[]][] = [
      [0, ['c2']], // starts before the first recorded instant
      [1, ['c2']], // overlaps the gap
      [2, ['c1', 'c2']], // whole
      [3, ['c2']], // ends after the last recorded instant
    ];
    const kept = wholeUnitRows(sets, coverage, DAY);
    for (const [d, clusters] of table) assert.deepEqual(kept[d]?.rows.map((r) => r.cluster), clusters, `day ${d}`);
  });
});

describe('GET /api/v1/recommendations?kind=commitment', () => {
  it('p10 of hourly on-demand spend, saving at the given discount; none given: unknown', async () => {
    // 200 hours: hour i costs 1 + (i mod 20) / 10 USD on demand (1.0 … 2.9, ten times each), plus a spot node.
    const nodes = Array.from({ length: 200 }, (_, i) => [
      nodeRow({ node: 'od', startMs: T0 + i * HOUR, endMs: T0 + (i + 1) * HOUR, totalCostUsd: 1 + (i % 20) / 10 }),
      nodeRow({ node: 'sp', capacityType: 'spot', startMs: T0 + i * HOUR, endMs: T0 + (i + 1) * HOUR, totalCostUsd: 5 }),
    ]).flat();
    const api = adviceRoutes({ store: arrayStore({ nodes }), prices: PRICES, now: () => T0 + 200 * HOUR + 20 * 60_000 });
    type Row = { kind: string; current: string; suggested: string; monthlySavingUsd: number | null };
    const rows = async (q: string) => ((await (await api.request(`/recommendations?kind=commitment${q}`)).json()) as { data: { recommendations: Row[] } }).data.recommendations;
    // baseline: 20th smallest of 200 = 1.1 USD/h; at 30 %: commit 0.77 USD/h, save 1.1 × 0.3 × 730 = 240.9
    const [r] = await rows('&commitmentDiscount=30%');
    assert.deepEqual([r?.kind, r?.current, r?.suggested, Math.round((r?.monthlySavingUsd ?? 0) * 1e9) / 1e9], ['commitment', '1.10 USD/h on-demand baseline', 'commit 0.77 USD/h', 240.9]);
    const [unknown] = await rows('');
    assert.equal(unknown?.monthlySavingUsd, null);
    assert.equal(unknown?.suggested, 'commit to the baseline (803.00 USD/month of on-demand spend)');
  });
});
