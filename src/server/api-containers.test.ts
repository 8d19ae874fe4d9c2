// aggregate=container and filter=container:... through HTTP, on a real (in-memory) history store
// written as the exporter writes it: the cost model's cycles, split per container by cycleBatch.
// Every figure is computed by hand next to it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocate } from '../core/allocate.ts';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { PriceQuote } from '../core/pricing.ts';
import { createMemoryStore } from '../store/memory.ts';
import { cycleBatch } from '../store/record.ts';
import type { HistoryStore } from '../store/types.ts';
import { apiRoutes } from './api-routes.ts';

const T = Date.UTC(2026, 10, 30, 8, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const WINDOW = `window=${new Date(T).toISOString()},${new Date(T + HOUR).toISOString()}`;

// n1: 4 cores × $0.04 + 16 GiB × $0.005 = $0.24/h.
const RATES: PriceQuote = { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } };
const SNAP = snapshot({
  nodes: [node('n1', res(4000, 16 * GiB))],
  pods: [
    // shop/web: app 1 core / 2 GiB → $0.04 + $0.01; proxy 0.25 core / 0.5 GiB → $0.01 + $0.0025 (per hour)
    pod('shop', 'web', 'n1', [container('app', res(1000, 2 * GiB)), container('proxy', res(250, GiB / 2))], { workload: { kind: 'Deployment', name: 'web' }, startedAtMs: 0 }),
    // data/db-0: postgres 0.5 core / 4 GiB, init 2 cores / 1 GiB → pod 2 cores / 4 GiB → $0.08 + $0.02;
    // postgres 0.5/2 of the CPU → $0.02, all the RAM $0.02; __pod__ (the init phase) 1.5 cores → $0.06
    pod('data', 'db-0', 'n1', [container('postgres', res(500, 4 * GiB))], { initContainers: [container('init', res(2000, GiB))], workload: { kind: 'StatefulSet', name: 'db' }, startedAtMs: 0 }),
  ],
});
const PRICES = tablePriceBook({ nodes: { n1: { price: RATES } } });

/** Two 30-minute cycles from T; containers recorded in the cycles `withContainers` says. */
async function store(withContainers: (cycle: number) => boolean = () => true, s: HistoryStore = createMemoryStore(), cluster = 'prod'): Promise<HistoryStore> {
  for (let i = 0; i < 2; i++) {
    const window = { startMs: T + i * 30 * MIN, endMs: T + (i + 1) * 30 * MIN };
    await s.record(cycleBatch({ report: allocate(SNAP, PRICES, window), reading: { snapshot: SNAP }, window }, { cluster, demo: false, containers: withContainers(i) }));
  }
  return s;
}

type Allocation = { name: string; totalCost: number; cpuCost: number; ramCost: number; pods: number; properties: Record<string, unknown> };
type Body = { code: number; message?: string; data: Record<string, Allocation>[]; meta: { warnings: string[] } };

async function get(s: HistoryStore, query: string): Promise<{ status: number; body: Body }> {
  const res = await apiRoutes({ store: s, now: () => T + 2 * HOUR }).request(`/allocation?${query}`);
  return { status: res.status, body: (await res.json()) as Body };
}

const totals = (set: Record<string, Allocation> | undefined) => Object.fromEntries(Object.entries(set ?? {}).map(([k, v]) => [k, Math.round(v.totalCost * 1e9) / 1e9]));

describe('GET /api/v1/allocation with containers', () => {
  it('aggregate=container: one allocation per container name, the remainder as __pod__; Σ = Σ pods', async () => {
    const s = await store();
    const { status, body } = await get(s, `${WINDOW}&aggregate=container`);
    assert.equal(status, 200);
    assert.deepEqual(totals(body.data[0]), { __pod__: 0.06, app: 0.05, postgres: 0.04, proxy: 0.0125 });
    const app = body.data[0]?.['app'];
    assert.deepEqual([app?.pods, app?.properties['container'], app?.properties['pod'], app?.properties['namespace']], [1, 'app', 'web', 'shop']);
    const pods = await get(s, `${WINDOW}&aggregate=pod`);
    assert.deepEqual(totals(pods.body.data[0]), { 'data/db-0': 0.1, 'shop/web': 0.0625 });
    assert.deepEqual(body.meta.warnings, []);
  });

  it('comma-combined: namespace,container and pod,container name groups as OpenCost joins them', async () => {
    const s = await store();
    const { body } = await get(s, `${WINDOW}&aggregate=namespace,container`);
    assert.deepEqual(totals(body.data[0]), { 'data/__pod__': 0.06, 'data/postgres': 0.04, 'shop/app': 0.05, 'shop/proxy': 0.0125 });
    const byPod = await get(s, `${WINDOW}&aggregate=pod,container`);
    assert.deepEqual(Object.keys(byPod.body.data[0] ?? {}), ['data/db-0/__pod__', 'data/db-0/postgres', 'shop/web/app', 'shop/web/proxy']);
    assert.equal(byPod.body.data[0]?.['shop/web/app']?.pods, 1);
    // Without aggregate, container rows are named cluster/node/namespace/pod/container.
    const none = await get(s, `${WINDOW}&filter=${encodeURIComponent('container:"proxy"')}`);
    assert.deepEqual(totals(none.body.data[0]), { 'prod/n1/shop/web/proxy': 0.0125 });
  });

  it('filter=container: on any aggregate; a pod counts once however many of its containers pass', async () => {
    const s = await store();
    const init = await get(s, `${WINDOW}&aggregate=namespace&filter=${encodeURIComponent('container:"__pod__"')}`);
    assert.deepEqual(totals(init.body.data[0]), { data: 0.06 });
    const shop = await get(s, `${WINDOW}&aggregate=controller&filter=${encodeURIComponent('container!:"__pod__"+namespace:"shop"')}`);
    assert.deepEqual(totals(shop.body.data[0]), { 'deployment:web': 0.0625 });
    assert.equal(shop.body.data[0]?.['deployment:web']?.pods, 1);
  });

  it('includeIdle: idle is the node minus every container (and remainder)', async () => {
    const { body } = await get(await store(), `${WINDOW}&aggregate=container&includeIdle=true`);
    // $0.24 − (0.05 + 0.0125 + 0.04 + 0.06) = $0.0775
    assert.equal(totals(body.data[0])['__idle__'], 0.0775);
  });

  it('CSV carries the container column', async () => {
    const res = await apiRoutes({ store: await store(), now: () => T + 2 * HOUR }).request(`/allocation?${WINDOW}&aggregate=container&format=csv`);
    assert.equal(res.status, 200);
    const lines = (await res.text()).split('\r\n');
    const header = lines[0]!.split(',');
    const at = header.indexOf('container');
    assert.ok(at > 0, 'a container column');
    const appLine = lines.find((l) => l.split(',')[2] === 'app');
    assert.ok(appLine, 'a row for app');
    assert.equal(appLine.split(',')[at], 'app');
    assert.equal(Number(appLine.split(',')[header.indexOf('totalCost')]).toFixed(9), '0.050000000');
  });

  it('no container rows in the window: 400 saying to start with --record-containers and from when they exist', async () => {
    const none = await get(await store(() => false), `${WINDOW}&aggregate=container`);
    assert.equal(none.status, 400);
    assert.equal(
      none.body.message,
      'aggregate="container": no per-container history in this window (the store holds none): containers are recorded only by an exporter started with --record-containers (KCE_RECORD_CONTAINERS=true); accepted: a window where container rows exist, or aggregate/filter on pod',
    );
    // Containers recorded from the second cycle (08:30) only.
    const late = await store((i) => i === 1);
    const before = await get(late, `window=${new Date(T).toISOString()},${new Date(T + 30 * MIN).toISOString()}&filter=${encodeURIComponent('container:"app"')}`);
    assert.equal(before.status, 400);
    assert.match(before.body.message ?? '', /^filter="container:\\"app\\"": no per-container history in this window \(container rows exist for prod from 2026-11-30T08:30:00Z to 2026-11-30T09:00:00Z\)/);
    // A window across the start: answered for the part with containers, and said so.
    const across = await get(late, `${WINDOW}&aggregate=container`);
    assert.equal(across.status, 200);
    assert.deepEqual(totals(across.body.data[0]), { __pod__: 0.03, app: 0.025, postgres: 0.02, proxy: 0.00625 });
    assert.deepEqual(across.body.meta.warnings, ['container rows start at prod from 2026-11-30T08:30:00Z: pods before that are not in this answer (containers are recorded with --record-containers)']);
  });

  it('a hub with one cluster that records containers and one that does not: answered, and said so', async () => {
    const both = await store(() => false, await store(), 'east');
    const { status, body } = await get(both, `${WINDOW}&aggregate=cluster,container`);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body.data[0] ?? {}), ['prod/__pod__', 'prod/app', 'prod/postgres', 'prod/proxy']);
    assert.deepEqual(body.meta.warnings.at(-1), 'no container rows for east: the pods of that cluster are not in this answer (containers are recorded with --record-containers)');
  });

  it('the summary is of pods: a filter on container is refused there, not answered empty', async () => {
    const res = await apiRoutes({ store: await store(), now: () => T + 2 * HOUR }).request(`/summary?${WINDOW}&filter=${encodeURIComponent('container:"app"')}`);
    assert.equal(res.status, 400);
    assert.equal(
      ((await res.json()) as Body).message,
      'filter="container:\\"app\\"": the summary is of pods; containers are answered by /api/v1/allocation (aggregate=container, filter=container:...); accepted: a filter without container',
    );
  });
});
