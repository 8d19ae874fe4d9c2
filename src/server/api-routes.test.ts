import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayStore } from '../api/array-store.test-util.ts';
import { FOCUS_COLUMNS } from '../api/focus.ts';
import { A, B, C, HOUR, IDLE_N1, IDLE_N2, ROWS, row, T0, UNMOUNTED_DATA } from '../api/fixtures.test-util.ts';
import type { ClusterInterval, DiskInterval, HistoryStore, LoadBalancerInterval, NodeInterval } from '../store/types.ts';
import { apiRoutes } from './api-routes.ts';

const HOUR1 = 'window=2026-11-30T00:00:00Z,2026-11-30T01:00:00Z';
const NOW = T0 + 2 * HOUR;

// Hour 2: only pod a again (1.60) and idle of n1 (0.90).
const SECOND_HOUR = [row({ ...A, startMs: T0 + HOUR, endMs: T0 + 2 * HOUR }), row({ ...IDLE_N1, startMs: T0 + HOUR, endMs: T0 + 2 * HOUR })];

function node(over: Partial<NodeInterval> & Pick<NodeInterval, 'node'>): NodeInterval {
  return {
    cluster: 'c1',
    startMs: T0,
    endMs: T0 + HOUR,
    providerId: `aws:///us-east-1a/${over.node}`,
    instanceType: 'm5.large',
    region: 'us-east-1',
    zone: 'us-east-1a',
    pool: 'general',
    capacityType: 'on-demand',
    priceSource: 'catalog',
    minutes: 60,
    cpuCores: 2,
    ramBytes: 8 * 2 ** 30,
    gpus: 0,
    cpuCostUsd: 0.064,
    ramCostUsd: 0.032,
    gpuCostUsd: 0,
    totalCostUsd: 0.096,
    onDemandCostUsd: 0.096,
    idleCostUsd: 0.02,
    basis: 'estimated',
    ...over,
  };
}
const DISK: DiskInterval = { cluster: 'c1', startMs: T0, endMs: T0 + HOUR, name: 'pv-data', storageClass: 'gp3', claimNamespace: 'data', claimName: 'kafka-0', capacityBytes: 100 * 2 ** 30, minutes: 60, costUsd: 0.011, priceSource: 'catalog' };
const LB: LoadBalancerInterval = { cluster: 'c1', startMs: T0, endMs: T0 + HOUR, namespace: 'web', name: 'shop', minutes: 60, costUsd: 0.0225, priceSource: 'catalog' };
const FEE: ClusterInterval = { cluster: 'c1', startMs: T0, endMs: T0 + HOUR, minutes: 60, managementCostUsd: 0.1 };

function api(store: HistoryStore = arrayStore({ allocations: [...ROWS, ...SECOND_HOUR], nodes: [node({ node: 'n1' }), node({ node: 'n2', capacityType: 'spot', totalCostUsd: 0.03, onDemandCostUsd: 0.096 })], disks: [DISK], loadBalancers: [LB], clusterCharges: [FEE] })) {
  return apiRoutes({ store, now: () => NOW });
}

async function getJson(path: string, store?: HistoryStore, headers: Record<string, string> = {}) {
  const res = await api(store).request(path, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> & { data: unknown; meta: { warnings: string[]; demo: boolean } } };
}

type Alloc = Record<string, number | string | null | object>;
const round = (n: number) => Math.round(n * 1e9) / 1e9;

describe('GET /api/v1/allocation', () => {
  it('aggregate=namespace over the first hour: OpenCost shape, hand-computed totals', async () => {
    const { status, body } = await getJson(`/allocation?${HOUR1}&aggregate=namespace`);
    assert.equal(status, 200);
    assert.equal(body['code'], 200);
    assert.equal(body['status'], 'success');
    const [set] = body.data as Record<string, Alloc>[];
    assert.deepEqual(Object.keys(set!), ['data', 'web']);
    const web = set!['web']!;
    assert.equal(web['name'], 'web');
    assert.equal(round(web['totalCost'] as number), 1.975);
    assert.equal(web['cpuCost'], 1.25);
    assert.equal(web['ramCost'], 0.625);
    assert.equal(web['pvCost'], 0.1);
    assert.equal(web['minutes'], 60);
    assert.equal(web['cpuCoreRequestAverage'], 2.5);
    assert.equal(web['cpuEfficiency'], 0.5);
    assert.deepEqual(web['window'], { start: '2026-11-30T00:00:00Z', end: '2026-11-30T01:00:00Z' });
    assert.equal(web['start'], '2026-11-30T00:00:00Z');
    assert.equal(web['end'], '2026-11-30T01:00:00Z');
    assert.equal(round(set!['data']!['totalCost'] as number), 1.2);
    assert.equal(set!['data']!['cpuCoreUsageAverage'], null);
  });

  it('includeIdle and idleByNode, accumulate over two hours', async () => {
    const { body } = await getJson('/allocation?window=2026-11-30T00:00:00Z,2026-11-30T02:00:00Z&aggregate=namespace&accumulate=true&includeIdle=true&idleByNode=true');
    const sets = body.data as Record<string, Alloc>[];
    assert.equal(sets.length, 1);
    // web: 1.975 + 1.60; idle n1: 0.90 × 2; n2: 0.30.
    assert.deepEqual(
      Object.fromEntries(Object.entries(sets[0]!).map(([k, a]) => [k, round(a['totalCost'] as number)])),
      { data: 1.2, 'n1/__idle__': 1.8, 'n2/__idle__': 0.3, web: 3.575 },
    );
    assert.equal(sets[0]!['web']!['minutes'], 120);
  });

  it('/allocation/compute (OpenCost\'s other path) answers the same', async () => {
    const a = await (await api().request(`/allocation?${HOUR1}&aggregate=namespace`)).text();
    const b = await (await api().request(`/allocation/compute?${HOUR1}&aggregate=namespace`)).text();
    assert.equal(b, a);
  });

  it('step=1h: one set per hour', async () => {
    const { body } = await getJson('/allocation?window=2026-11-30T00:00:00Z,2026-11-30T02:00:00Z&aggregate=namespace&step=1h');
    const sets = body.data as Record<string, Alloc>[];
    assert.deepEqual(
      sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, a]) => [k, [round(a['totalCost'] as number), (a['window'] as { start: string }).start]]))),
      [
        { data: [1.2, '2026-11-30T00:00:00Z'], web: [1.975, '2026-11-30T00:00:00Z'] },
        { web: [1.6, '2026-11-30T01:00:00Z'] },
      ],
    );
  });

  it('accumulate=hour is one set per hour, with as few store queries as the periods allow; accumulate=day one set', async () => {
    const store = arrayStore({ allocations: [...ROWS, ...SECOND_HOUR] });
    const res = await api(store).request('/allocation?window=2026-11-30T00:00:00Z,2026-11-30T02:00:00Z&aggregate=namespace&accumulate=hour');
    const sets = ((await res.json()) as { data: Record<string, { totalCost: number }>[] }).data;
    assert.deepEqual(
      sets.map((s) => Object.fromEntries(Object.entries(s).map(([k, a]) => [k, round(a.totalCost)]))),
      [{ data: 1.2, web: 1.975 }, { web: 1.6 }],
    );
    assert.deepEqual(store.queries.map((q) => [q.startMs - T0, q.endMs - T0, q.stepMs]), [[0, 2 * HOUR, HOUR]]);
    const day = await getJson('/allocation?window=2026-11-30T00:00:00Z,2026-11-30T02:00:00Z&aggregate=namespace&accumulate=day');
    assert.equal((day.body.data as unknown[]).length, 1);
  });

  it('idle wins over includeIdle, as in OpenCost', async () => {
    const { body } = await getJson(`/allocation?${HOUR1}&aggregate=cluster&idle=false&includeIdle=true`);
    assert.deepEqual(Object.keys((body.data as Record<string, unknown>[])[0]!), ['c1']);
  });

  it('shareIdle spreads idle by cost share; the filter is applied after', async () => {
    const { body } = await getJson(`/allocation?${HOUR1}&aggregate=namespace&includeIdle=true&shareIdle=true&filter=${encodeURIComponent('namespace:"web"')}`);
    const [set] = body.data as Record<string, Alloc>[];
    assert.deepEqual(Object.keys(set!), ['web']);
    assert.equal(round(set!['web']!['totalCost'] as number), round(1.975 + 6 / 7));
  });

  it('a namespace filter without idle is pushed down to the store', async () => {
    const store = arrayStore({ allocations: [...ROWS] });
    await api(store).request(`/allocation?${HOUR1}&aggregate=pod&filter=${encodeURIComponent('namespace:"web","data"')}`);
    await api(store).request(`/allocation?${HOUR1}&aggregate=pod&includeIdle=true&filter=${encodeURIComponent('namespace:"web"')}`);
    assert.deepEqual(
      store.queries.map((q) => q.namespaces),
      [['web', 'data'], undefined],
    );
  });

  it('what kubectl cost sends (aggregate=pod, accumulate, includeIdle, idleByNode) parses with its own parser', async () => {
    const { parseAllocationResponse } = await import('../kubectl/server.ts');
    const { body } = await getJson(`/allocation?${HOUR1}&aggregate=pod&accumulate=true&includeIdle=true&idleByNode=true`);
    const rows = parseAllocationResponse(body, 'test');
    assert.deepEqual(rows.map((r) => [r.name, round(r.totalCost), r.properties.namespace ?? null, r.properties.node ?? null]).sort(), [
      ['data/__unmounted__', 0.05, 'data', null],
      ['data/kafka-0', 1.15, 'data', 'n2'],
      ['n1/__idle__', 0.9, null, 'n1'],
      ['n2/__idle__', 0.3, null, 'n2'],
      ['web/a', 1.6, 'web', 'n1'],
      ['web/b', 0.375, 'web', 'n1'],
    ]);
  });

  it('CSV with format=csv and with Accept: text/csv', async () => {
    for (const [query, headers] of [
      ['&format=csv', {}],
      ['', { accept: 'text/csv' }],
    ] as const) {
      const res = await api().request(`/allocation?${HOUR1}&aggregate=namespace${query}`, { headers });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="allocation-2026-11-30T000000Z-2026-11-30T010000Z\.csv"$/);
      const lines = (await res.text()).split('\r\n');
      assert.match(lines[0]!, /^windowStart,windowEnd,name,cluster,node,namespace,controllerKind,controller,pod,container,start,end,minutes,pods,cpuCost,ramCost,gpuCost,pvCost,networkCost,loadBalancerCost,sharedCost,totalCost,/);
      assert.match(lines[2]!, /^2026-11-30T00:00:00Z,2026-11-30T01:00:00Z,web,c1,n1,web,deployment,frontend,,,2026-11-30T00:00:00Z,2026-11-30T01:00:00Z,60,2,1.25,0.625,0,0.1,0,0,0,1.975,/);
      assert.match(lines[2]!, /,"\{""team"":""x""\}"$/);
      assert.equal(lines.length, 4); // header, data, web, and the empty string after the last CRLF
    }
  });

  it('FOCUS export: one row per allocation and cost component; BilledCost sums to the total', async () => {
    const res = await api().request(`/allocation/focus?${HOUR1}&aggregate=namespace`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const [header, ...rows] = text.trimEnd().split('\r\n');
    assert.equal(header, FOCUS_COLUMNS.join(','));
    // web: cpu, ram, pv; data: cpu, ram, pv.
    assert.equal(rows.length, 6);
    const json = await getJson(`/allocation/focus?${HOUR1}&aggregate=namespace&format=json`);
    const focus = json.body.data as Record<string, number | string | null>[];
    assert.equal(round(focus.reduce((s, r) => s + (r['BilledCost'] as number), 0)), 3.175);
    const webCpu = focus.find((r) => r['SubAccountId'] === 'web' && r['x_CostComponent'] === 'cpu')!;
    assert.deepEqual(
      [webCpu['BilledCost'], webCpu['ConsumedQuantity'], webCpu['ConsumedUnit'], webCpu['ContractedUnitPrice'], webCpu['ListCost'], webCpu['PricingCategory']],
      // 2.5 core-hours for $1.25 = $0.50 per core-hour; spot savings 0.30 × 1.25/1.875 = 0.20.
      [1.25, 2.5, 'Core-Hours', 0.5, 1.45, 'Dynamic'],
    );
    assert.deepEqual([webCpu['ChargePeriodStart'], webCpu['BillingPeriodStart'], webCpu['BillingPeriodEnd']], ['2026-11-30T00:00:00Z', '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z']);
    assert.deepEqual(
      [webCpu['ChargeDescription'], webCpu['ServiceCategory'], webCpu['ServiceSubcategory'], webCpu['ResourceType'], webCpu['SubAccountId'], webCpu['Tags'], webCpu['x_CostBasis']],
      ['Kubernetes CPU of web: 2.5 Core-Hours', 'Compute', 'Containers', 'Allocation group', 'web', '{"team":"x"}', 'estimated'],
    );
    const dataPv = focus.find((r) => r['SubAccountId'] === 'data' && r['x_CostComponent'] === 'pv')!;
    assert.deepEqual([dataPv['BilledCost'], dataPv['ConsumedQuantity'], dataPv['ServiceCategory'], dataPv['ListCost'], dataPv['PricingCategory']], [0.45, null, 'Storage', 0.45, 'Standard']);
    const same = await api().request(`/allocation?${HOUR1}&aggregate=namespace&format=focus`);
    assert.equal(await same.text(), text);
  });

  const bad: readonly [string, string][] = [
    ['', 'window="": the window is required; accepted: e.g. window=7d'],
    ['window=1y', 'window="1y": not a window; accepted: today, yesterday, week'],
    ['window=1d&aggregate=container', 'aggregate="container": no per-container history in this window (the store holds none): containers are recorded only by an exporter started with --record-containers'],
    [`window=1d&filter=${encodeURIComponent('container:"app"')}`, 'filter="container:\\"app\\"": no per-container history in this window (the store holds none)'],
    ['window=1d&aggregate=namespaces', 'aggregate="namespaces": unknown property "namespaces"; accepted: cluster, node, namespace'],
    [`window=1d&filter=${encodeURIComponent('namespace:web')}`, 'filter="namespace:web": at position 10 ("web"): expected a quoted value like "kube-system", got "web"; accepted: FIELD OP'],
    ['window=1d&accumulate=yes', 'accumulate="yes": not a boolean nor a period; accepted: true (or all), false, hour, day, week, month, quarter'],
    ['window=100d&accumulate=hour', 'accumulate="hour": more than 2000 periods in this window; accepted: a longer period or a shorter window'],
    ['window=1d&includeIdle=maybe', 'includeIdle="maybe": not a boolean'],
    ['window=30d&step=1m', 'step="1m": 43200 sets in this window, more than 2000; accepted: a longer step or a shorter window'],
    ['window=1d&step=daily', 'step="daily": not a duration; accepted: a duration like 30m, 1h, 1d, 1w'],
    ['window=1d&format=xml', 'format="xml": unknown format; accepted: json, csv, focus'],
    ['window=1d&shareNamespaces=kube-system', 'shareNamespaces="kube-system": sharing the cost of namespaces is not implemented; accepted: leave it out (or false)'],
  ];
  for (const [query, message] of bad) {
    it(`400 for ${decodeURIComponent(query) || '(no window)'}`, async () => {
      const { status, body } = await getJson(`/allocation?${query}`);
      assert.equal(status, 400);
      assert.equal(body['code'], 400);
      assert.equal(body['status'], 'error');
      assert.ok(String(body['message']).startsWith(message), String(body['message']));
    });
  }

  it('unknown parameters are named in meta.warnings; demo data and gaps are said', async () => {
    const store = arrayStore({
      allocations: [...ROWS],
      coverage: [{ cluster: 'c1', firstMs: T0 - HOUR, lastMs: T0 + 2 * HOUR, demo: true, gaps: [{ startMs: T0 + HOUR / 4, endMs: T0 + HOUR / 2 }] }],
    });
    const { body } = await getJson(`/allocation?${HOUR1}&aggregate=namespace&colour=blue`, store);
    assert.equal(body.meta.demo, true);
    assert.deepEqual(body.meta.warnings, [
      'ignored parameter "colour": not used by this endpoint',
      'cluster c1: 1 gap(s) without recorded data in this window (exporter down): costs there are missing, not estimated',
      'cluster c1: simulated (demo) data',
    ]);
    assert.deepEqual((body.meta as unknown as { coverage: { gaps: unknown[] }[] }).coverage[0]!.gaps, [{ start: '2026-11-30T00:15:00Z', end: '2026-11-30T00:30:00Z', minutes: 15 }]);
  });

  it('a window without data answers an empty set and says so', async () => {
    const { status, body } = await getJson('/allocation?window=2026-10-01T00:00:00Z,2026-10-02T00:00:00Z&aggregate=namespace');
    assert.equal(status, 200);
    assert.deepEqual(body.data, [{}]);
    assert.ok(body.meta.warnings.includes('no data recorded in this window'));
  });

  it('a failing store answers 500 with its message, the app keeps serving', async () => {
    const broken: HistoryStore = { ...arrayStore(), allocations: async () => Promise.reject(new Error('database is locked')) };
    const { status, body } = await getJson(`/allocation?${HOUR1}`, broken);
    assert.equal(status, 500);
    assert.deepEqual(body, { code: 500, status: 'error', message: 'history store: database is locked' });
  });
});

describe('GET /api/v1/assets', () => {
  it('nodes, disks, load balancers and the management fee, keyed by cluster and type', async () => {
    const { status, body } = await getJson(`/assets?${HOUR1}`);
    assert.equal(status, 200);
    const [set] = body.data as Record<string, Record<string, unknown>>[];
    assert.deepEqual(Object.keys(set!), ['c1/ClusterManagement', 'c1/Disk/pv-data', 'c1/LoadBalancer/web/shop', 'c1/Node/n1', 'c1/Node/n2']);
    const n2 = set!['c1/Node/n2']!;
    assert.deepEqual([n2['type'], n2['totalCost'], n2['preemptible'], n2['cpuCoreHours'], n2['spotSavings']], ['Node', 0.03, 1, 2, 0.066]);
    assert.deepEqual((n2['properties'] as Record<string, string>)['category'], 'Compute');
    const disk = set!['c1/Disk/pv-data']!;
    assert.deepEqual([disk['bytes'], disk['byteHours'], disk['totalCost']], [100 * 2 ** 30, 100 * 2 ** 30, 0.011]);
  });

  it('CSV', async () => {
    const res = await api().request(`/assets?${HOUR1}&format=csv`);
    const lines = (await res.text()).trimEnd().split('\r\n');
    assert.equal(lines.length, 6);
    assert.equal(lines[4], '2026-11-30T00:00:00Z,2026-11-30T01:00:00Z,c1/Node/n1,Node,Compute,c1,n1,2026-11-30T00:00:00Z,2026-11-30T01:00:00Z,60,m5.large,on-demand,,0.064,0.032,0,0.02,0.096,catalog');
  });

  it('refuses filter with 400', async () => {
    const { status, body } = await getJson(`/assets?${HOUR1}&filter=x`);
    assert.equal(status, 400);
    assert.equal(body['message'], 'filter="x": not supported on /api/v1/assets; accepted: window, step, accumulate, format');
  });
});

describe('GET /api/v1/summary', () => {
  // Hour 2 (window) against hour 1 (previous): 1.60 + 0.90 idle = 2.50 vs 3.175 + 1.20 idle + 0.10 fee = 4.475.
  const WINDOW = 'window=2026-11-30T01:00:00Z,2026-11-30T02:00:00Z';
  it('total, change as amount and ratio, components, top namespaces', async () => {
    const { status, body } = await getJson(`/summary?${WINDOW}&top=1`);
    assert.equal(status, 200);
    const d = body.data as {
      window: unknown;
      previousWindow: unknown;
      totalCost: number;
      previousTotalCost: number;
      previousHasData: boolean;
      change: { amount: number; ratio: number };
      components: Record<string, number>;
      previousComponents: Record<string, number>;
      topNamespaces: { namespace: string; cost: number; share: number; previousCost: number }[];
      namespaces: number;
    };
    assert.deepEqual(d.window, { start: '2026-11-30T01:00:00Z', end: '2026-11-30T02:00:00Z' });
    assert.deepEqual(d.previousWindow, { start: '2026-11-30T00:00:00Z', end: '2026-11-30T01:00:00Z' });
    assert.equal(round(d.totalCost), 2.5);
    assert.equal(round(d.previousTotalCost), 4.475);
    assert.equal(d.previousHasData, true);
    assert.equal(round(d.change.amount), -1.975);
    assert.equal(round(d.change.ratio), round(-1.975 / 4.475));
    const r = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
    assert.deepEqual(r(d.components), { compute: 1.5, idle: 0.9, storage: 0.1, network: 0, loadBalancers: 0, management: 0 });
    // compute 1.25 + 0.625 + 0.75; idle 1.20; storage 0.10 + 0.40 + 0.05; fee 0.10.
    assert.deepEqual(r(d.previousComponents), { compute: 2.625, idle: 1.2, storage: 0.55, network: 0, loadBalancers: 0, management: 0.1 });
    assert.deepEqual(
      d.topNamespaces.map((t) => [t.namespace, round(t.cost), round(t.share), round(t.previousCost)]),
      [['web', 1.6, 0.64, 1.975]],
    );
    assert.equal(d.namespaces, 1);
  });

  it('the web UI reads it with its own parser', async () => {
    const { parseSummaryResponse } = await import('../../ui/src/api.ts');
    const { body } = await getJson(`/summary?${WINDOW}`);
    const s = parseSummaryResponse('/api/v1/summary', body);
    assert.equal(round(s.totalCost), 2.5);
    assert.equal(round(s.previousTotalCost!), 4.475);
    assert.deepEqual(s.topNamespaces.map((t) => [t.name, round(t.totalCost)]), [['web', 1.6]]);
  });

  it('with a filter: the filtered allocations, their part of idle, no management fee', async () => {
    const { body } = await getJson(`/summary?window=2026-11-30T00:00:00Z,2026-11-30T01:00:00Z&filter=${encodeURIComponent('namespace:"web"')}`);
    const d = body.data as { totalCost: number; components: Record<string, number> };
    // web 1.975 + idle 1.20 × 5/7 (web's share of CPU and of RAM cost).
    assert.equal(round(d.totalCost), round(1.975 + 6 / 7));
    assert.equal(round(d.components['idle']!), round(6 / 7));
    assert.equal(d.components['management'], 0);
    assert.ok(body.meta.warnings.includes('filtered: the control-plane fee belongs to no allocation; it is counted for the clusters the filter takes whole (e.g. cluster:"east"), left out otherwise'));
  });

  it('no previous data: the ratio is null and a warning says why', async () => {
    const { body } = await getJson('/summary?window=2026-11-30T00:00:00Z,2026-11-30T01:00:00Z');
    const d = body.data as { change: { ratio: null; amount: number }; previousHasData: boolean };
    assert.equal(d.previousHasData, false);
    assert.equal(d.change.ratio, null);
    assert.ok(body.meta.warnings.includes('no data recorded in the previous window: the change is not known (ratio null)'));
  });

  it('CSV', async () => {
    const res = await api().request(`/summary?${WINDOW}&format=csv&top=2`);
    const lines = (await res.text()).trimEnd().split('\r\n');
    assert.equal(lines[0], 'kind,name,cost,previousCost,changeAmount,changeRatio');
    assert.equal(lines[1], 'component,compute,1.5,2.625,-1.125,-0.42857142857142855');
    assert.equal(lines.at(-1), 'namespace,web,1.6,1.975,-0.375,-0.18987341772151897' /* -0.375 / 1.975 */);
  });

  it('top must be 1..100', async () => {
    const { status, body } = await getJson(`/summary?${WINDOW}&top=0`);
    assert.equal(status, 400);
    assert.equal(body['message'], 'top="0": not a whole number from 1 to 100; accepted: 1..100 (default 5)');
  });
});

describe('GET /api/v1/coverage and unknown paths', () => {
  it('coverage per cluster, JSON and CSV', async () => {
    const store = arrayStore({ coverage: [{ cluster: 'c1', firstMs: T0, lastMs: T0 + 2 * HOUR, demo: false, gaps: [{ startMs: T0 + HOUR, endMs: T0 + HOUR + 5 * 60_000 }] }] });
    const { body } = await getJson('/coverage', store);
    assert.deepEqual(body.data, [
      { cluster: 'c1', demo: false, first: '2026-11-30T00:00:00Z', last: '2026-11-30T02:00:00Z', minutes: 120, gapMinutes: 5, gaps: [{ start: '2026-11-30T01:00:00Z', end: '2026-11-30T01:05:00Z', minutes: 5 }] },
    ]);
    const csv = await (await api(store).request('/coverage', { headers: { accept: 'text/csv' } })).text();
    assert.equal(csv, 'cluster,demo,kind,start,end,minutes\r\nc1,false,recorded,2026-11-30T00:00:00Z,2026-11-30T02:00:00Z,120\r\nc1,false,gap,2026-11-30T01:00:00Z,2026-11-30T01:05:00Z,5\r\n');
  });

  it('404 names the endpoints', async () => {
    const { status, body } = await getJson('/allocations?window=1d');
    assert.equal(status, 404);
    assert.match(String(body['message']), /^not found: GET \/allocations; the allocation API's endpoints \(GET\): \/api\/v1\/allocation, /);
  });
});

describe('createApp mounts the API when given a history store', () => {
  it('/api/v1/allocation with history, plain 404 without', async () => {
    const { createApp } = await import('./app.ts');
    const exporter = { metrics: () => ({ text: '', gzip: () => new Uint8Array() }), status: () => ({ ready: true, reason: '', cycles: 1 }) } as unknown as Parameters<typeof createApp>[0]['exporter'];
    const base = { exporter, version: 'test', sourceDescription: 'test' };
    const withApi = createApp({ ...base, history: arrayStore({ allocations: [A, B, C, UNMOUNTED_DATA, IDLE_N1, IDLE_N2] }) });
    const res = await withApi.request('/api/v1/allocation?window=2026-11-30T00:00:00Z,2026-11-30T01:00:00Z&aggregate=cluster');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: Record<string, { totalCost: number }>[] };
    assert.equal(round(body.data[0]!['c1']!.totalCost), 3.175);
    assert.equal((await createApp(base).request('/api/v1/allocation?window=1d')).status, 404);
  });
});

describe('GET /api/v1/summary with a window that ends in the future', () => {
  it('is cut at now, and the previous window has the same length', async () => {
    // now = 02:00; today = [00:00, 24:00) → [00:00, 02:00), previous [22:00 yesterday, 00:00).
    const { body } = await getJson('/summary?window=today');
    const d = body.data as { window: { start: string; end: string }; previousWindow: { start: string; end: string }; totalCost: number };
    assert.deepEqual(d.window, { start: '2026-11-30T00:00:00Z', end: '2026-11-30T02:00:00Z' });
    assert.deepEqual(d.previousWindow, { start: '2026-11-29T22:00:00Z', end: '2026-11-30T00:00:00Z' });
    // Both hours: 4.475 + 2.50.
    assert.equal(round(d.totalCost), 6.975);
  });
  it('a window that has not started is refused', async () => {
    const { status, body } = await getJson('/summary?window=2026-12-01T00:00:00Z,2026-12-02T00:00:00Z');
    assert.equal(status, 400);
    assert.equal(body['message'], 'window="2026-12-01T00:00:00Z,2026-12-02T00:00:00Z": the window has not started yet; accepted: a window that starts before now');
  });
});
