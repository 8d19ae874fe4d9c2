// The UI's pure logic (ui/src/model.ts) and its API client's parsing (ui/src/api.ts), table-driven
// with the expectations computed by hand in the tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Allocation, Asset } from '../ui/src/api.ts';
import { ApiError, capacityTypeFromLabels, createApiClient, parseAllocationResponse, parseCoverageResponse, parseRecommendationsResponse, parseStatus, parseSummaryResponse, poolFromLabels } from '../ui/src/api.ts';
import type { Column } from '../ui/src/model.ts';
import {
  buildFilter,
  controllerOfGroup,
  customWindow,
  DEFAULT_STATE,
  efficiencyClass,
  formatCores,
  formatSignedPct,
  formatUsd,
  isPseudo,
  monthlyRunRate,
  parseState,
  pseudoLabel,
  rowEfficiency,
  sortRows,
  spotFigures,
  stateToSearch,
  stepFor,
  suggestRequests,
  toCsv,
  trendSeries,
  windowMinutes,
} from '../ui/src/model.ts';

const GIB = 1024 ** 3;
const close = (a: number | undefined, b: number | undefined, what: string) => {
  if (a === undefined || b === undefined) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);
};

function node(name: string, totalCost: number, minutes: number, capacityType: string | undefined, preemptible?: number, onDemandCost?: number): Asset {
  return {
    key: `c/${name}`,
    type: 'Node',
    properties: { name },
    labels: {},
    minutes,
    totalCost,
    cpuCost: undefined,
    ramCost: undefined,
    gpuCost: undefined,
    nodeType: undefined,
    cpuCores: undefined,
    ramBytes: undefined,
    preemptible,
    capacityType,
    hourlyCost: undefined,
    priceSource: undefined,
    pool: undefined,
    idleCost: undefined,
    onDemandCost,
  };
}

function alloc(over: Partial<Allocation>): Allocation {
  return {
    name: 'x',
    properties: {},
    window: { start: '2026-11-29T00:00:00Z', end: '2026-11-30T00:00:00Z' },
    start: '2026-11-29T00:00:00Z',
    end: '2026-11-30T00:00:00Z',
    minutes: 1440,
    cpuCost: 0,
    ramCost: 0,
    gpuCost: 0,
    pvCost: 0,
    networkCost: 0,
    loadBalancerCost: 0,
    sharedCost: 0,
    totalCost: 0,
    cpuCoreRequestAverage: 0,
    cpuCoreUsageAverage: 0,
    cpuCoreHours: 0,
    ramByteRequestAverage: 0,
    ramByteUsageAverage: 0,
    ramByteHours: 0,
    cpuEfficiency: undefined,
    ramEfficiency: undefined,
    totalEfficiency: undefined,
    ...over,
  };
}

describe('spotFigures (target 70% spot)', () => {
  // Spot discount d: observed (1 − spot cost / its on-demand cost) when every spot node sends its
  // on-demand cost, else assumed 0.6. On-demand equivalent E = on-demand cost + spot's on-demand
  // cost (or spot / (1 − d)); moved = min(on-demand, 0.7 E − spot's equivalent);
  // monthly savings = moved × d / window minutes × 60 × 730.
  const cases: {
    name: string;
    assets: Asset[];
    spotCostShare: number | undefined;
    spotNodeShare: number | undefined;
    savingsMonthly: number | undefined;
    discount: number;
    source: 'observed' | 'assumed';
  }[] = [
    // E = 100, moved = 70, saved 42 in 1 h → 42 × 730 = 30,660 a month.
    { name: 'all on-demand', assets: [node('a', 100, 60, 'on-demand')], spotCostShare: 0, spotNodeShare: 0, savingsMonthly: 30_660, discount: 0.6, source: 'assumed' },
    // spot equivalent 20 / 0.4 = 50, E = 150, 0.7 E = 105, moved = 55, saved 33 → 33 × 730 = 24,090.
    {
      name: 'some spot, discount assumed',
      assets: [node('a', 100, 60, 'on-demand'), node('b', 20, 60, 'spot')],
      spotCostShare: 20 / 120,
      spotNodeShare: 0.5,
      savingsMonthly: 24_090,
      discount: 0.6,
      source: 'assumed',
    },
    // Observed: spot 30 of an on-demand 100 → d = 0.7; E = 100 + 100 = 200, 0.7 E = 140,
    // moved = min(100, 140 − 100) = 40, saved 28 → 28 × 730 = 20,440.
    {
      name: 'some spot, discount observed',
      assets: [node('a', 100, 60, 'on-demand', 0, 100), node('b', 30, 60, 'spot', 1, 100)],
      spotCostShare: 30 / 130,
      spotNodeShare: 0.5,
      savingsMonthly: 20_440,
      discount: 0.7,
      source: 'observed',
    },
    // Already all spot (by preemptible): nothing to move.
    { name: 'all spot (by preemptible)', assets: [node('b', 40, 60, undefined, 1)], spotCostShare: 1, spotNodeShare: 1, savingsMonthly: 0, discount: 0.6, source: 'assumed' },
    // Over a day (1440 min): saved 42 → 42 / 1440 × 60 × 730 = 1,277.5; disks do not count.
    {
      name: 'a day, with a disk',
      assets: [node('a', 100, 1440, 'on-demand'), { ...node('d', 50, 1440, undefined), type: 'Disk' }],
      spotCostShare: 0,
      spotNodeShare: 0,
      savingsMonthly: 1_277.5,
      discount: 0.6,
      source: 'assumed',
    },
    { name: 'no nodes', assets: [], spotCostShare: undefined, spotNodeShare: undefined, savingsMonthly: undefined, discount: 0.6, source: 'assumed' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = spotFigures(c.assets);
      close(f.spotCostShare, c.spotCostShare, 'spot cost share');
      close(f.spotNodeShare, c.spotNodeShare, 'spot node share');
      close(f.savingsMonthly, c.savingsMonthly, 'savings');
      close(f.discount, c.discount, 'discount');
      assert.equal(f.discountSource, c.source);
    });
  }
});

describe('controller groups', () => {
  const cases: [string, Record<string, string>, { kind: string; name: string } | undefined][] = [
    ['deployment:api', {}, { kind: 'deployment', name: 'api' }],
    ['checkout/statefulset:postgres', {}, { kind: 'statefulset', name: 'postgres' }],
    ['deployment:api', { controllerKind: 'deployment', controller: 'api-v2' }, { kind: 'deployment', name: 'api-v2' }],
    ['__unallocated__', {}, undefined],
    ['checkout/__idle__', {}, undefined],
  ];
  for (const [key, props, expected] of cases) it(`${key} → ${JSON.stringify(expected)}`, () => assert.deepEqual(controllerOfGroup(key, props), expected));
});

describe('suggestRequests (usage × 1.2, at least 10m CPU and 16 MiB)', () => {
  const cases: { name: string; a: Allocation; expected: { cpu: number; ram: number; monthly: number } | undefined }[] = [
    // cpu 2 → 0.6 (cut 70% of $10 = $7), ram 4 GiB → 1.2 GiB (cut 70% of $5 = $3.5): $10.5 a day → × 730 / 24 = $319.375.
    {
      name: 'over-provisioned for a day',
      a: alloc({ cpuCoreRequestAverage: 2, cpuCoreUsageAverage: 0.5, ramByteRequestAverage: 4 * GIB, ramByteUsageAverage: GIB, cpuCost: 10, ramCost: 5 }),
      expected: { cpu: 0.6, ram: 1.2 * GIB, monthly: 319.375 },
    },
    // Minimums: cpu 0.1 → 0.01 (cut 90% of $1), ram 32 MiB → 16 MiB (cut 50% of $1): $1.4 an hour → × 730 = $1,022.
    {
      name: 'idle workload, minimums',
      a: alloc({ minutes: 60, cpuCoreRequestAverage: 0.1, cpuCoreUsageAverage: 0, ramByteRequestAverage: 32 * 1024 ** 2, ramByteUsageAverage: 0, cpuCost: 1, ramCost: 1 }),
      expected: { cpu: 0.01, ram: 16 * 1024 ** 2, monthly: 1_022 },
    },
    { name: 'usage above request: nothing to save', a: alloc({ cpuCoreRequestAverage: 1, cpuCoreUsageAverage: 1, ramByteRequestAverage: GIB, ramByteUsageAverage: GIB, cpuCost: 3, ramCost: 1 }), expected: undefined },
    { name: 'usage not measured', a: alloc({ cpuCoreRequestAverage: 1, cpuCoreUsageAverage: undefined, ramByteRequestAverage: GIB, ramByteUsageAverage: undefined, cpuCost: 3 }), expected: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = suggestRequests(c.a);
      if (c.expected === undefined) return assert.equal(s, undefined);
      assert.ok(s);
      close(s.suggestedCpuCores, c.expected.cpu, 'cpu');
      close(s.suggestedRamBytes, c.expected.ram, 'ram');
      close(s.savingsMonthly, c.expected.monthly, 'monthly');
    });
  }
});

describe('windows, run rate, steps', () => {
  const minutes: [string, number][] = [
    ['30m', 30],
    ['24h', 1440],
    ['7d', 10_080],
    ['90d', 129_600],
    ['2w', 20_160],
    ['2026-11-01T00:00:00Z,2026-11-02T12:00:00Z', 2160],
  ];
  for (const [w, m] of minutes) it(`windowMinutes(${w}) = ${m}`, () => assert.equal(windowMinutes(w), m));
  it('a window the UI does not understand is a WindowError naming it', () => {
    assert.throws(() => windowMinutes('yesterdayish'), { name: 'WindowError', message: 'window "yesterdayish": use 24h, 7d, 30d, 90d or a start,end pair of RFC3339 times' });
    assert.throws(() => windowMinutes('2026-11-02T00:00:00Z,2026-11-01T00:00:00Z'), { name: 'WindowError' });
  });
  it('hourly steps up to 48 h, daily beyond', () => {
    assert.equal(stepFor(1440), '1h');
    assert.equal(stepFor(2880), '1h');
    assert.equal(stepFor(2881), '1d');
  });
  it('custom range: UTC days, end date inclusive', () => {
    assert.equal(customWindow('2026-11-01', '2026-11-10'), '2026-11-01T00:00:00Z,2026-11-11T00:00:00Z');
    assert.equal(customWindow('2026-11-05', '2026-11-05'), '2026-11-05T00:00:00Z,2026-11-06T00:00:00Z');
    assert.throws(() => customWindow('2026-11-10', '2026-11-01'), { name: 'WindowError' });
    assert.throws(() => customWindow('', '2026-11-01'), { name: 'WindowError' });
  });
  const rates: [number, number, number | undefined][] = [
    [10, 60, 7300], // $10 in an hour → 730 hours
    [100, 10_080, (100 / 168) * 730], // a week = 168 h → $434.52
    [24, 1440, 730], // $1 an hour
    [5, 0, undefined],
  ];
  for (const [cost, m, expected] of rates) it(`monthlyRunRate(${cost}, ${m} min) = ${expected}`, () => close(monthlyRunRate(cost, m), expected, 'run rate'));
});

describe('OpenCost filters from the filter bar', () => {
  const cases: [Parameters<typeof buildFilter>[0], string][] = [
    [{}, ''],
    [{ namespace: 'a' }, 'namespace:"a"'],
    [{ cluster: 'c', namespace: 'n', label: 'team=pay', nodes: ['n1', 'n2'] }, 'cluster:"c"+namespace:"n"+label[team]:"pay"+node:"n1","n2"'],
    [{ nodes: [] }, 'node:""'],
    [{ namespace: 'we"ird\\' }, 'namespace:"we\\"ird\\\\"'],
    [{ label: 'no-equals-sign' }, ''],
    [{ namespace: 'n', controllerKind: 'deployment', controller: 'api' }, 'namespace:"n"+controllerKind:"deployment"+controllerName:"api"'],
    [{ namespace: 'n', pod: 'api-1' }, 'namespace:"n"+pod:"api-1"'],
  ];
  for (const [parts, expected] of cases) it(`${JSON.stringify(parts)} → ${expected || '(none)'}`, () => assert.equal(buildFilter(parts), expected));
});

describe('pseudo-allocations', () => {
  const cases: [name: string, pseudo: boolean, label: string][] = [
    ['__idle__', true, 'idle (not requested by any pod)'],
    ['prod/__unmounted__', true, 'unmounted volumes'],
    ['__pod__', true, 'the pod itself (volumes, load balancers, network, init, overhead)'],
    ['envoy', false, 'envoy'],
  ];
  for (const [name, pseudo, label] of cases) {
    it(`${name} → ${label}`, () => {
      assert.equal(isPseudo(name), pseudo);
      assert.equal(pseudoLabel(name), label);
    });
  }
});

describe('row efficiency', () => {
  const cases: [what: string, cpuCoreRequestAverage: number, ramByteRequestAverage: number, totalEfficiency: number | undefined, expected: number | undefined][] = [
    ['a container with requests', 0.4, 805_306_368, 0.47, 0.47],
    ['a pod with only a memory request', 0, 1_073_741_824, 0.2, 0.2],
    ['a pod using nothing of its request', 0.5, 0, 0, 0],
    ['__pod__: requests nothing', 0, 0, 0, undefined],
    ['unknown usage', 1, 0, undefined, undefined],
  ];
  for (const [what, cpuCoreRequestAverage, ramByteRequestAverage, totalEfficiency, expected] of cases) {
    it(`${what} → ${expected ?? 'none'}`, () => assert.equal(rowEfficiency({ cpuCoreRequestAverage, ramByteRequestAverage, totalEfficiency }), expected));
  }
});

describe('URL state', () => {
  it('round-trips through the query string, defaults left out', () => {
    assert.equal(stateToSearch(DEFAULT_STATE), '');
    const s = parseState('?page=namespaces&ns=checkout&workload=deployment%2Fapi&window=30d');
    assert.equal(s.page, 'namespaces');
    assert.equal(s.workload, 'deployment/api');
    assert.equal(s.namespace, '');
    assert.equal(stateToSearch(s), '?page=namespaces&window=30d&ns=checkout&workload=deployment%2Fapi');
  });
  it('an unknown page falls back to the overview', () => assert.equal(parseState('?page=admin').page, 'overview'));
  it("a pod's containers: the pod is in the link, after the workload", () => {
    const s = parseState('?pod=api-b63m-qx&page=namespaces&ns=checkout&workload=deployment%2Fapi');
    assert.equal(s.pod, 'api-b63m-qx');
    assert.equal(stateToSearch(s), '?page=namespaces&ns=checkout&workload=deployment%2Fapi&pod=api-b63m-qx');
    assert.equal(stateToSearch({ ...s, pod: '' }), '?page=namespaces&ns=checkout&workload=deployment%2Fapi');
  });
});

describe('tables and CSV', () => {
  interface R {
    name: string;
    cost: number | undefined;
  }
  const cols: Column<R>[] = [
    { id: 'name', label: 'Name', value: (r) => r.name },
    { id: 'cost', label: 'Cost', numeric: true, value: (r) => r.cost },
  ];
  const rows: R[] = [
    { name: 'a,b', cost: 1.5 },
    { name: '=HYPERLINK("x")', cost: undefined },
    { name: 'say "hi"', cost: -2 },
    { name: 'b', cost: 1.5 },
  ];
  it('CSV: RFC 4180 quoting, CRLF, exact numbers, empty for unknown, formulas neutralised', () => {
    assert.equal(toCsv(cols, rows), 'Name,Cost\r\n"a,b",1.5\r\n"\'=HYPERLINK(""x"")",\r\n"say ""hi""",-2\r\nb,1.5\r\n');
  });
  it('sorts descending with unknown values last, ties in their original order', () => {
    assert.deepEqual(
      sortRows(rows, cols, '-cost', 'name').map((r) => r.name),
      ['a,b', 'b', 'say "hi"', '=HYPERLINK("x")'],
    );
    assert.deepEqual(
      sortRows(rows, cols, '', 'name').map((r) => r.name),
      ['=HYPERLINK("x")', 'a,b', 'b', 'say "hi"'],
    );
  });
});

describe('formatting', () => {
  const cores: [number, string][] = [
    [0.25, '250m'],
    [0.9996, '1.00'],
    [0.9994, '999m'],
    [2.5, '2.50'],
  ];
  for (const [x, text] of cores) it(`formatCores(${x}) = ${text}`, () => assert.equal(formatCores(x), text));
  const usd: [number | undefined, string][] = [
    [1234.5, '$1,234.50'],
    [0, '$0.00'],
    [0.004, '<$0.01'],
    [-3.2, '−$3.20'],
    [undefined, '—'],
    [Number.NaN, '—'],
  ];
  for (const [x, s] of usd) it(`formatUsd(${x}) = ${s}`, () => assert.equal(formatUsd(x), s));
  it('signed percentages and efficiency classes', () => {
    assert.equal(formatSignedPct(0.1234), '+12.3%');
    assert.equal(formatSignedPct(-0.05), '−5.0%');
    assert.equal(formatSignedPct(undefined), '—');
    assert.deepEqual([0.1, 0.3, 0.59, 0.6, undefined].map(efficiencyClass), ['eff-low', 'eff-mid', 'eff-mid', 'eff-high', 'eff-none']);
  });
});

describe('trend series', () => {
  it('one point per step: compute = CPU+RAM+GPU, storage = PV, network = network+LB, idle apart; sorted by time', () => {
    const day2 = { start: '2026-11-29T00:00:00Z', end: '2026-11-30T00:00:00Z' };
    const day1 = { start: '2026-11-28T00:00:00Z', end: '2026-11-29T00:00:00Z' };
    const points = trendSeries([
      { c: alloc({ name: 'c', ...day2, window: day2, cpuCost: 1, ramCost: 2, gpuCost: 3, pvCost: 4, networkCost: 5, loadBalancerCost: 6, totalCost: 21 }), __idle__: alloc({ name: '__idle__', ...day2, window: day2, totalCost: 7 }) },
      { c: alloc({ name: 'c', ...day1, window: day1, cpuCost: 1, totalCost: 1 }) },
      {},
    ]);
    assert.deepEqual(points, [
      { t: Date.parse(day1.start) / 1000, compute: 1, storage: 0, network: 0, idle: 0 },
      { t: Date.parse(day2.start) / 1000, compute: 6, storage: 4, network: 11, idle: 7 },
    ]);
  });
});

describe('API client: answers checked at the boundary', () => {
  const ok = {
    code: 200,
    data: [{ ns: { name: 'ns', window: { start: 'a', end: 'b' }, minutes: 60, cpuCost: 1, ramCost: 2, totalCost: 3, cpuCoreRequestAverage: 1 } }],
  };
  it('an OpenCost allocation answer; fields OpenCost omits when zero are zero, missing usage stays unknown', () => {
    const [set] = parseAllocationResponse('/api/v1/allocation', ok);
    const a = set?.ns;
    assert.ok(a);
    assert.equal(a.gpuCost, 0);
    assert.equal(a.cpuCoreUsageAverage, undefined);
    assert.equal(a.totalEfficiency, undefined);
  });
  it('a cost that is not a number is an ApiError naming the field and value', () => {
    const bad = { code: 200, data: [{ ns: { ...ok.data[0]?.ns, totalCost: '12' } }] };
    assert.throws(() => parseAllocationResponse('/api/v1/allocation', bad), { name: 'ApiError', message: '/api/v1/allocation: data[].ns.totalCost: expected a number, got "12"' });
    assert.throws(() => parseAllocationResponse('/api/v1/allocation', { code: 200, data: 'x' }), { name: 'ApiError', message: '/api/v1/allocation: data: expected a list of allocation sets, got "x"' });
  });
  const summaryBody = {
    code: 200,
    data: {
      window: { start: '2026-11-23T00:00:00Z', end: '2026-11-30T00:00:00Z' },
      previousWindow: { start: '2026-11-16T00:00:00Z', end: '2026-11-23T00:00:00Z' },
      totalCost: 10,
      previousTotalCost: 8,
      previousHasData: true,
      components: { compute: 5, idle: 2, storage: 1, network: 0.5, loadBalancers: 0.5, management: 1 },
      spotSavings: 3,
      change: { amount: 2, ratio: 0.25 },
      topNamespaces: [{ namespace: 'a', cost: 4, share: 0.4 }],
    },
  };
  it("the exporter's summary (docs/api.md): components, previous window and change, top namespaces", () => {
    const s = parseSummaryResponse('/api/v1/summary', summaryBody);
    assert.equal(s.totalCost, 10);
    assert.equal(s.previousTotalCost, 8);
    assert.equal(s.changeRatio, 0.25);
    assert.deepEqual(s.split, { compute: 5, idle: 2, storage: 1, network: 0.5, loadBalancers: 0.5, management: 1 });
    assert.deepEqual(s.topNamespaces, [{ name: 'a', totalCost: 4 }]);
    assert.equal(s.spotSavings, 3);
  });
  it('no previous data: no change shown (the API sends amount = total and ratio null)', () => {
    const s = parseSummaryResponse('/api/v1/summary', { ...summaryBody, data: { ...summaryBody.data, previousTotalCost: 0, previousHasData: false, change: { amount: 10, ratio: null } } });
    assert.equal(s.previousTotalCost, undefined);
    assert.equal(s.changeAmount, undefined);
    assert.equal(s.changeRatio, undefined);
  });
  it('a summary without its components is refused', () => {
    assert.throws(() => parseSummaryResponse('/api/v1/summary', { code: 200, data: { window: { start: 'a', end: 'b' }, totalCost: 1 } }), {
      message: '/api/v1/summary: data.components: expected {compute, idle, storage, network, ...}, got undefined',
    });
  });
  it('coverage: first and last instant per cluster; a row without them is refused', () => {
    const body = { code: 200, data: [{ cluster: 'demo', demo: true, first: '2026-11-01T00:00:00Z', last: '2026-11-30T07:00:00Z', gaps: [] }] };
    assert.deepEqual(parseCoverageResponse('/api/v1/coverage', body), [{ cluster: 'demo', first: '2026-11-01T00:00:00Z', last: '2026-11-30T07:00:00Z', demo: true }]);
    assert.throws(() => parseCoverageResponse('/api/v1/coverage', { code: 200, data: [{ cluster: 'x' }] }), { message: '/api/v1/coverage: data[0]: expected {cluster, first, last}, got {"cluster":"x"}' });
  });
  it('recommendations: rows, their total, the warnings; a saving that is not a number is refused', () => {
    const row = { kind: 'rightsizing', cluster: 'demo', namespace: 'payments', target: 'deployment/api', resource: 'cpu', current: '1100m', suggested: '129m', monthlySavingUsd: 67.2, monthlyExtraCostUsd: 0, confidence: 0.9, detail: 'p90' };
    const r = parseRecommendationsResponse('/api/v1/recommendations', { code: 200, data: { monthlySavingUsd: 67.2, recommendations: [row, { ...row, kind: 'idle-node', confidence: null }] }, meta: { warnings: ['upper bound'] } });
    assert.equal(r.rows.length, 2);
    assert.equal(r.rows[1]?.confidence, undefined);
    assert.equal(r.monthlySavingUsd, 67.2);
    assert.deepEqual(r.warnings, ['upper bound']);
    assert.throws(() => parseRecommendationsResponse('/api/v1/recommendations', { code: 200, data: { monthlySavingUsd: 1, recommendations: [{ ...row, monthlySavingUsd: 'lots' }] } }), {
      message: '/api/v1/recommendations: data.recommendations[0].monthlySavingUsd: expected a number, got "lots"',
    });
  });
  it('the demo banner follows /readyz source', () => {
    assert.equal(parseStatus({ ready: true, source: 'demo cluster (simulated)' }).demo, true);
    assert.equal(parseStatus({ ready: true, source: 'kube context prod' }).demo, false);
    assert.equal(parseStatus('nonsense').demo, false);
  });
  it('node pool and capacity type from the provisioners’ labels', () => {
    assert.equal(poolFromLabels({ 'eks.amazonaws.com/nodegroup': 'ng-1' }), 'ng-1');
    assert.equal(poolFromLabels({ 'cloud.google.com/gke-nodepool': 'p', 'karpenter.sh/nodepool': 'k' }), 'k');
    assert.equal(capacityTypeFromLabels({ 'eks.amazonaws.com/capacityType': 'SPOT' }), 'spot');
    assert.equal(capacityTypeFromLabels({ 'karpenter.sh/capacity-type': 'on-demand' }), 'on-demand');
    assert.equal(capacityTypeFromLabels({ 'cloud.google.com/gke-spot': 'true' }), 'spot');
    assert.equal(capacityTypeFromLabels({}), undefined);
  });
  it('CSV of allocations: the same query with format=csv, asking for text/csv, answered as text', async () => {
    const seen: { url: string; accept: string | undefined }[] = [];
    const client = createApiClient(async (url, init) => {
      seen.push({ url, accept: init?.headers?.accept });
      return { ok: true, status: 200, text: async () => 'name,totalCost\r\nns,1\r\n' };
    });
    assert.equal(await client.allocationCsv({ window: '7d', aggregate: ['namespace'] }), 'name,totalCost\r\nns,1\r\n');
    assert.deepEqual(seen, [{ url: '/api/v1/allocation?window=7d&aggregate=namespace&format=csv', accept: 'text/csv' }]);
  });
  it('HTTP errors carry the status and the server’s message; the query uses OpenCost’s parameter names', async () => {
    const urls: string[] = [];
    const client = createApiClient(async (url) => {
      urls.push(url);
      return { ok: false, status: 400, text: async () => '{"code":400,"message":"invalid window=\\"x\\""}' };
    }, 'http://h');
    await assert.rejects(client.allocation({ window: 'x', aggregate: ['namespace', 'label:team'], accumulate: true, includeIdle: true, shareIdle: false, filter: 'namespace:"a"' }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 400);
      assert.equal(err.message, '/api/v1/allocation: HTTP 400: invalid window="x"');
      return true;
    });
    assert.deepEqual(urls, ['http://h/api/v1/allocation?window=x&aggregate=namespace%2Clabel%3Ateam&accumulate=true&includeIdle=true&shareIdle=false&filter=namespace%3A%22a%22']);
  });
});
