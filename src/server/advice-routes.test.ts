import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { alloc, DAY, GIB, HOUR, MIB, MIN, nodeRow, T0 } from '../core/advice/fixtures.test-util.ts';
import type { PriceBook } from '../core/pricing.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import { createMemoryStore } from '../store/memory.ts';
import type { AllocationInterval, HistoryStore } from '../store/types.ts';
import { adviceRoutes, dailySeries, priceBookSpotRatio } from './advice-routes.ts';

const CYCLE = 5; // minutes
const NOW = T0 + 12 * HOUR;

// A port double: every node type's spot price is 40 % of its on-demand price (0.12 USD/h).
const PRICES: PriceBook = {
  node: (q) => ({ price: { kind: 'instance', hourlyUsd: q.capacityType === 'spot' ? 0.048 : 0.12 }, onDemand: { kind: 'instance', hourlyUsd: 0.12 }, source: 'catalog', fallbackReason: `node ${q.nodeName}: spot estimated at 40%` }),
  storage: () => {
    throw new Error('not used');
  },
  loadBalancer: () => {
    throw new Error('not used');
  },
  clusterManagement: () => {
    throw new Error('not used');
  },
};

// One 5-minute cycle. n1, n2: on-demand m5.large (2 cores, 8 GiB) in pool "general" at 0.04 USD per
// core-hour and 0.005 USD per GiB-hour (0.12 USD/h); n3: spot, pool "spot". Pods on n1: api (1 pod,
// requests 0.5 cores / 512 MiB, uses 0.1 cores / 200 MiB) and web (2 pods, requests 0.1 / 128 MiB,
// use 0.05 / 100 MiB); n2 runs nothing.
function cycle(startMs: number) {
  const endMs = startMs + CYCLE * MIN;
  const h = CYCLE / 60;
  const node = (name: string, over = {}) =>
    nodeRow({ node: name, startMs, endMs, minutes: CYCLE, providerId: `aws:///us-east-1a/i-${name}`, cpuCostUsd: 0.08 * h, ramCostUsd: 0.04 * h, totalCostUsd: 0.12 * h, onDemandCostUsd: 0.12 * h, ...over });
  const pod = (name: string, controller: string, req: [number, number], use: [number, number]): AllocationInterval =>
    alloc({
      pod: name,
      startMs,
      endMs,
      node: 'n1',
      controller,
      controllerKind: 'deployment',
      usageMinutes: CYCLE,
      cpuCoreRequestHours: req[0] * h,
      ramByteRequestHours: req[1] * h,
      cpuCoreUsageHours: use[0] * h,
      ramByteUsageHours: use[1] * h,
      cpuCoreHours: req[0] * h,
      ramByteHours: req[1] * h,
      cpuCostUsd: req[0] * 0.04 * h,
      ramCostUsd: (req[1] / GIB) * 0.005 * h,
    });
  return {
    cluster: 'c1',
    startMs,
    endMs,
    demo: false,
    allocations: [pod('api-1', 'api', [0.5, 512 * MIB], [0.1, 200 * MIB]), pod('web-1', 'web', [0.1, 128 * MIB], [0.05, 100 * MIB]), pod('web-2', 'web', [0.1, 128 * MIB], [0.05, 100 * MIB])],
    nodes: [node('n1'), node('n2'), node('n3', { capacityType: 'spot', pool: 'spot', totalCostUsd: 0.048 * h })],
    disks: [],
    loadBalancers: [],
    clusterCharges: { cluster: 'c1', startMs, endMs, minutes: CYCLE, managementCostUsd: 0 },
  };
}

describe('GET /api/v1/recommendations', () => {
  let store: HistoryStore;
  before(async () => {
    store = createMemoryStore();
    for (let t = T0; t < NOW; t += CYCLE * MIN) await store.record(cycle(t));
  });
  const get = (path: string) => adviceRoutes({ store, prices: PRICES, now: () => NOW }).request(path);

  it('every kind, sorted by saving, with hand-computed money', async () => {
    const res = await get('/recommendations');
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
  });
});
