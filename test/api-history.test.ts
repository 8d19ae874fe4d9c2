// The allocation API over the real SQLite history store, fed by real exporter cycles on the
// bundled example snapshot (examples/cluster.json + examples/metrics.json): what the API answers
// for a window must be what the exporter's own run-rates say for the same minutes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CostReport } from '../src/core/allocate.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { apiRoutes } from '../src/server/api-routes.ts';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { createSnapshotSource } from '../src/sources/snapshot-source.ts';
import { cycleBatch } from '../src/store/record.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import type { HistoryStore } from '../src/store/types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const INTERVAL_MS = 10 * 60_000;
const CYCLES = 6;
// The exporter's clock: cycles at 09:00, 09:10, ... 09:50; the first covers one interval back.
const FIRST = Date.parse('2026-11-30T09:00:00Z');
const DATA_START = FIRST - INTERVAL_MS;
const DATA_END = FIRST + (CYCLES - 1) * INTERVAL_MS;
const HOURS = (DATA_END - DATA_START) / 3_600_000;

let dir: string;
let store: HistoryStore;
let report: CostReport;
let nowMs = FIRST;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'api-history-'));
  store = createSqliteStore({ path: join(dir, 'history.db') });
  const exporter = createExporter({
    source: createSnapshotSource({ paths: [join(ROOT, 'examples/cluster.json'), join(ROOT, 'examples/metrics.json')] }),
    prices: createPriceBook(),
    logger: memoryLogger(),
    intervalMs: INTERVAL_MS,
    clusterId: 'example',
    now: () => nowMs,
    onCycle: { component: 'store', handle: (cycle) => store.record(cycleBatch(cycle, { cluster: 'example', demo: false })) },
  });
  for (let i = 0; i < CYCLES; i++) {
    nowMs = FIRST + i * INTERVAL_MS;
    await exporter.cycle();
  }
  report = exporter.report()!;
  assert.ok(report, 'the exporter computed a report');
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const WINDOW = `window=${new Date(DATA_START).toISOString()},${new Date(DATA_END).toISOString()}`;

async function get(path: string) {
  const res = await apiRoutes({ store, now: () => DATA_END }).request(path);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { data: unknown; meta: { warnings: string[]; demo: boolean } };
}

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= Math.max(1e-9, Math.abs(expected) * 1e-9), `${what}: API ${actual} vs exporter ${expected}`);

describe('allocation API over SQLite history from real exporter cycles', () => {
  it('aggregate=namespace: each namespace costs its hourly rate × the hours recorded', async () => {
    const body = await get(`/allocation?${WINDOW}&aggregate=namespace&accumulate=true`);
    const set = (body.data as Record<string, { totalCost: number; minutes: number; pods: number }>[])[0]!;
    assert.ok(report.namespaces.length > 3, 'the example has several namespaces');
    for (const ns of report.namespaces) {
      if (ns.namespace === '__idle__') continue; // idle is not asked for here
      const a = set[ns.namespace];
      assert.ok(a, `namespace ${ns.namespace} in the answer`);
      near(a.totalCost, ns.totalHourlyUsd * HOURS, ns.namespace);
      assert.equal(a.minutes, HOURS * 60, `${ns.namespace} minutes`);
      assert.equal(a.pods, ns.podCount, `${ns.namespace} pods`);
    }
    assert.deepEqual(body.meta.warnings, []);
    assert.equal(body.meta.demo, false);
  });

  it('includeIdle=true&idleByNode=true: every node’s idle, and allocations + idle = what the nodes, volumes and load balancers cost', async () => {
    const body = await get(`/allocation?${WINDOW}&aggregate=node&accumulate=true&includeIdle=true&idleByNode=true`);
    const set = (body.data as Record<string, { totalCost: number }>[])[0]!;
    const total = Object.values(set).reduce((s, a) => s + a.totalCost, 0);
    const c = report.cluster;
    near(total, (c.nodesHourlyUsd + c.volumesHourlyUsd + c.loadBalancersHourlyUsd) * HOURS, 'cluster without the management fee');
    for (const n of report.pseudo.filter((p) => p.name === '__idle__')) near(set[`${n.node}/__idle__`]?.totalCost ?? 0, n.totalHourlyUsd * HOURS, `idle of ${n.node}`);
  });

  it('shareIdle=true: the namespaces together cost all of it', async () => {
    const body = await get(`/allocation?${WINDOW}&aggregate=namespace&accumulate=true&includeIdle=true&shareIdle=true`);
    const set = (body.data as Record<string, { totalCost: number }>[])[0]!;
    assert.ok(!('__idle__' in set) || set['__idle__']!.totalCost < report.cluster.idleHourlyUsd * HOURS, 'idle was shared');
    const c = report.cluster;
    near(
      Object.values(set).reduce((s, a) => s + a.totalCost, 0),
      (c.nodesHourlyUsd + c.volumesHourlyUsd + c.loadBalancersHourlyUsd) * HOURS,
      'total with idle shared',
    );
  });

  it('summary: the total is the cluster’s hourly total × hours; no previous data', async () => {
    const body = await get(`/summary?${WINDOW}`);
    const d = body.data as { totalCost: number; previousHasData: boolean; components: Record<string, number> };
    near(d.totalCost, report.cluster.totalHourlyUsd * HOURS, 'summary total');
    near(d.components['management']!, report.cluster.managementHourlyUsd * HOURS, 'management');
    near(d.components['idle']!, report.cluster.idleHourlyUsd * HOURS, 'idle');
    assert.equal(d.previousHasData, false);
  });

  it('assets: each node costs its hourly price × hours', async () => {
    const body = await get(`/assets?${WINDOW}&accumulate=true`);
    const set = (body.data as Record<string, { totalCost: number; type: string }>[])[0]!;
    for (const n of report.nodes) near(set[`example/Node/${n.name}`]?.totalCost ?? Number.NaN, n.hourlyUsd * HOURS, `node ${n.name}`);
  });

  it('step=10m: one set per cycle, each a sixth of the whole', async () => {
    const body = await get(`/allocation?${WINDOW}&aggregate=cluster&step=10m`);
    const sets = body.data as Record<string, { totalCost: number }>[];
    assert.equal(sets.length, CYCLES);
    const perCycle = (report.cluster.podsComputeHourlyUsd + report.cluster.volumesHourlyUsd + report.cluster.loadBalancersHourlyUsd) / 6;
    for (const s of sets) near(s['example']!.totalCost, perCycle, 'one cycle');
  });

  it('FOCUS: BilledCost sums to the allocations’ total', async () => {
    const focus = await get(`/allocation/focus?${WINDOW}&aggregate=pod&format=json`);
    const alloc = await get(`/allocation?${WINDOW}&aggregate=pod&accumulate=true`);
    const billed = (focus.data as { BilledCost: number }[]).reduce((s, r) => s + r.BilledCost, 0);
    const total = Object.values((alloc.data as Record<string, { totalCost: number }>[])[0]!).reduce((s, a) => s + a.totalCost, 0);
    near(billed, total, 'FOCUS BilledCost');
  });
});

describe('demo history and gaps, as the stores record them', () => {
  it('meta says demo and names the gap; the gap costs nothing', async () => {
    const { createMemoryStore } = await import('../src/store/memory.ts');
    const { A } = await import('../src/api/fixtures.test-util.ts');
    const memory = createMemoryStore();
    const HOUR = 3_600_000;
    const T = Date.parse('2026-11-30T00:00:00Z');
    const batch = (startMs: number) => ({
      cluster: 'c1',
      startMs,
      endMs: startMs + HOUR,
      demo: true,
      allocations: [{ ...A, startMs, endMs: startMs + HOUR }],
      nodes: [],
      disks: [],
      loadBalancers: [],
      clusterCharges: { cluster: 'c1', startMs, endMs: startMs + HOUR, minutes: 60, managementCostUsd: 0 },
    });
    // Hours 0 and 2 recorded, hour 1 missing (exporter down).
    await memory.record(batch(T));
    await memory.record(batch(T + 2 * HOUR));
    const res = await apiRoutes({ store: memory, now: () => T + 3 * HOUR }).request('/allocation?window=2026-11-30T00:00:00Z,2026-11-30T03:00:00Z&aggregate=namespace&accumulate=true');
    const body = (await res.json()) as { data: Record<string, { totalCost: number; minutes: number }>[]; meta: { demo: boolean; warnings: string[] } };
    assert.equal(body.meta.demo, true);
    assert.deepEqual(body.meta.warnings, [
      'cluster c1: 1 gap(s) without recorded data in this window (exporter down): costs there are missing, not estimated',
      'cluster c1: simulated (demo) data',
    ]);
    // Two recorded hours of pod a at $1.60 an hour; 120 minutes, not 180.
    assert.equal(Math.round(body.data[0]!['web']!.totalCost * 1e9) / 1e9, 3.2);
    assert.equal(body.data[0]!['web']!.minutes, 120);
    await memory.close();
  });
});
