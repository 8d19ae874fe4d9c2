// The HistoryStore contract: one suite, run against every backend (memory.test.ts,
// sqlite.test.ts, test/store-postgres.test.ts). Amounts are chosen so every expectation can be
// computed by hand; each is written next to its reason.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Labels } from '../core/model.ts';
import { ZERO_AMOUNTS } from './record.ts';
import { ALLOCATION_SUMS } from './plan.ts';
import type { AllocationInterval, ContainerInterval, CycleBatch, HistoryStore, RetentionPolicy, StepSet } from './types.ts';
import { CycleOverlapError, InvalidCycleError } from './validate.ts';

export type OpenStore = (options: { retention?: RetentionPolicy }) => Promise<HistoryStore>;

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 10, 1); // a Sunday, 00:00 UTC
const EPS = 1e-9;

export interface PodSpec {
  readonly key: string;
  readonly namespace: string;
  readonly pod?: string;
  /** USD per hour of cpu; ram is half of it. */
  readonly cpuUsdPerHour: number;
  /** Cores requested (and allocated). */
  readonly cores?: number;
  readonly labels?: Labels;
  readonly node?: string;
}

/** One cycle of `cluster` over [startMs, endMs) with the given pods, amounts = rate × hours. */
export function makeBatch(cluster: string, startMs: number, endMs: number, pods: readonly PodSpec[], demo = false): CycleBatch {
  const hours = (endMs - startMs) / HOUR;
  const minutes = (endMs - startMs) / MIN;
  const base = { cluster, startMs, endMs };
  const allocations: AllocationInterval[] = pods.map((p) => ({
    ...ZERO_AMOUNTS,
    ...base,
    kind: 'pod',
    key: p.key,
    namespace: p.namespace,
    pod: p.pod ?? p.key,
    node: p.node ?? 'n1',
    controllerKind: 'deployment',
    controller: p.namespace,
    labels: p.labels ?? {},
    annotations: {},
    minutes,
    cpuCoreRequestHours: (p.cores ?? 1) * hours,
    cpuCoreUsageHours: (p.cores ?? 1) * 0.5 * hours,
    cpuCoreHours: (p.cores ?? 1) * hours,
    ramByteRequestHours: 1024 * hours,
    ramByteUsageHours: 512 * hours,
    ramByteHours: 1024 * hours,
    gpuHours: 0,
    usageMinutes: minutes,
    cpuCostUsd: p.cpuUsdPerHour * hours,
    ramCostUsd: (p.cpuUsdPerHour / 2) * hours,
  }));
  return {
    ...base,
    demo,
    allocations,
    nodes: [
      {
        ...base,
        node: 'n1',
        providerId: 'aws:///us-east-1a/i-1',
        instanceType: 'm5.large',
        region: 'us-east-1',
        zone: 'us-east-1a',
        pool: 'default',
        capacityType: 'on-demand',
        priceSource: 'catalog',
        minutes,
        cpuCores: 2,
        ramBytes: 8 * 1024 ** 3,
        gpus: 0,
        cpuCostUsd: 0.064 * hours,
        ramCostUsd: 0.032 * hours,
        gpuCostUsd: 0,
        totalCostUsd: 0.096 * hours,
        onDemandCostUsd: 0.096 * hours,
        idleCostUsd: 0.01 * hours,
        basis: 'estimated',
      },
    ],
    disks: [{ ...base, name: 'pv-1', storageClass: 'gp3', claimNamespace: 'shop', claimName: 'data', capacityBytes: 10 * 1024 ** 3, minutes, costUsd: 0.001 * hours, priceSource: 'catalog' }],
    loadBalancers: [{ ...base, namespace: 'shop', name: 'web', minutes, costUsd: 0.025 * hours, priceSource: 'catalog' }],
    clusterCharges: { ...base, minutes, managementCostUsd: 0.1 * hours },
  };
}

/**
 * `batch` with container rows: each pod (by key) split into the named containers, each taking its
 * share (a fraction) of every amount of the pod row; minutes stay the pod's.
 */
export function withContainers(batch: CycleBatch, shares: Readonly<Record<string, readonly (readonly [string, number])[]>>): CycleBatch {
  const containers: ContainerInterval[] = [];
  for (const a of batch.allocations) {
    for (const [container, share] of shares[a.key] ?? []) {
      const row: Record<string, unknown> = { ...a, key: `${a.key}/${container}`, container };
      for (const f of ALLOCATION_SUMS) if (f !== 'minutes' && f !== 'usageMinutes') row[f] = a[f] * share;
      containers.push(row as unknown as ContainerInterval);
    }
  }
  return { ...batch, containers };
}

export function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= EPS * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

export function rowOf<Row extends { cluster: string }>(set: StepSet<Row> | undefined, match: (r: Row) => boolean, what: string): Row {
  assert.ok(set, `${what}: no step set`);
  const rows = set.rows.filter(match);
  assert.equal(rows.length, 1, `${what}: expected one row, got ${rows.length}`);
  return rows[0]!;
}

const byKey =
  (key: string, cluster = 'prod') =>
  (r: AllocationInterval) =>
    r.key === key && r.cluster === cluster;

/** Records hourly cycles over [fromMs, toMs) for one pod at `usdPerHour` cpu. */
async function recordHours(store: HistoryStore, fromMs: number, toMs: number, pods: readonly PodSpec[], cluster = 'prod'): Promise<void> {
  for (let t = fromMs; t < toMs; t += HOUR) await store.record(makeBatch(cluster, t, t + HOUR, pods));
}

export function storeContract(name: string, open: OpenStore): void {
  describe(`HistoryStore contract: ${name}`, () => {
    const A: PodSpec = { key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04, labels: { team: 'web' } };
    const B: PodSpec = { key: 'uid-b', namespace: 'db', cpuUsdPerHour: 0.1, cores: 2 };

    test('record, then read back amounts over the whole window', async () => {
      const store = await open({});
      try {
        // Two 30-minute cycles: a costs 0.04 $/h cpu → 0.02 each; ram half of it.
        await store.record(makeBatch('prod', T0 + 10 * HOUR, T0 + 10.5 * HOUR, [A, B]));
        await store.record(makeBatch('prod', T0 + 10.5 * HOUR, T0 + 11 * HOUR, [A, B]));
        const [set, ...more] = await store.allocations({ startMs: T0, endMs: T0 + DAY });
        assert.equal(more.length, 0);
        assert.deepEqual([set?.startMs, set?.endMs], [T0, T0 + DAY]);
        assert.equal(set?.rows.length, 2);
        const a = rowOf(set, byKey('uid-a'), 'a');
        close(a.cpuCostUsd, 0.04, 'a cpu'); // 0.04 $/h × 1 h
        close(a.ramCostUsd, 0.02, 'a ram');
        close(a.minutes, 60, 'a minutes');
        close(a.cpuCoreHours, 1, 'a core-hours'); // 1 core × 1 h
        close(a.cpuCoreUsageHours, 0.5, 'a usage core-hours');
        close(a.usageMinutes, 60, 'a usage minutes');
        assert.deepEqual([a.startMs, a.endMs], [T0 + 10 * HOUR, T0 + 11 * HOUR], 'narrowed to the recorded data');
        assert.deepEqual([a.namespace, a.pod, a.node, a.controllerKind, a.controller, a.labels, a.kind, a.basis], ['shop', 'uid-a', 'n1', 'deployment', 'shop', { team: 'web' }, 'pod', 'estimated']);
        const b = rowOf(set, byKey('uid-b'), 'b');
        close(b.cpuCostUsd, 0.1, 'b cpu');
        close(b.cpuCoreRequestHours, 2, 'b request core-hours'); // 2 cores × 1 h
      } finally {
        await store.close();
      }
    });

    test('steps, and cycles cut pro rata at the edges of the window', async () => {
      const store = await open({});
      try {
        await store.record(makeBatch('prod', T0 + 10 * HOUR, T0 + 10.5 * HOUR, [A]));
        await store.record(makeBatch('prod', T0 + 10.5 * HOUR, T0 + 11 * HOUR, [A]));
        const sets = await store.allocations({ startMs: T0 + 10 * HOUR, endMs: T0 + 11 * HOUR, stepMs: 20 * MIN });
        assert.deepEqual(
          sets.map((s) => [s.startMs, s.endMs]),
          [
            [T0 + 10 * HOUR, T0 + 10 * HOUR + 20 * MIN],
            [T0 + 10 * HOUR + 20 * MIN, T0 + 10 * HOUR + 40 * MIN],
            [T0 + 10 * HOUR + 40 * MIN, T0 + 11 * HOUR],
          ],
        );
        // 20 minutes each at 0.04 $/h → 0.04/3; the middle one takes 10 minutes from each cycle.
        for (const s of sets) {
          const a = rowOf(s, byKey('uid-a'), 'step');
          close(a.cpuCostUsd, 0.04 / 3, `step ${s.startMs}`);
          close(a.minutes, 20, 'minutes');
          assert.deepEqual([a.startMs, a.endMs], [s.startMs, s.endMs]);
        }
        // 10:15–10:45 in one set: 15 + 15 minutes → 0.02.
        const [mid] = await store.allocations({ startMs: T0 + 10.25 * HOUR, endMs: T0 + 10.75 * HOUR });
        close(rowOf(mid, byKey('uid-a'), 'mid').cpuCostUsd, 0.02, 'mid');
        // A step with no data is listed, empty.
        const empty = await store.allocations({ startMs: T0 + 12 * HOUR, endMs: T0 + 14 * HOUR, stepMs: HOUR });
        assert.deepEqual(
          empty.map((s) => s.rows.length),
          [0, 0],
        );
      } finally {
        await store.close();
      }
    });

    test('clusters and namespaces filter; the same key in two clusters stays two rows', async () => {
      const store = await open({});
      try {
        await store.record(makeBatch('prod', T0, T0 + HOUR, [A, B]));
        await store.record(makeBatch('staging', T0, T0 + HOUR, [{ ...A, cpuUsdPerHour: 0.01 }]));
        const [all] = await store.allocations({ startMs: T0, endMs: T0 + HOUR });
        assert.equal(all?.rows.length, 3);
        close(rowOf(all, byKey('uid-a', 'staging'), 'staging a').cpuCostUsd, 0.01, 'staging a');
        const [prodShop] = await store.allocations({ startMs: T0, endMs: T0 + HOUR, clusters: ['prod'], namespaces: ['shop'] });
        assert.deepEqual(
          prodShop?.rows.map((r) => [r.cluster, r.key]),
          [['prod', 'uid-a']],
        );
        const [nodes] = await store.nodes({ startMs: T0, endMs: T0 + HOUR, clusters: ['staging'] });
        assert.deepEqual(
          nodes?.rows.map((r) => [r.cluster, r.node]),
          [['staging', 'n1']],
        );
      } finally {
        await store.close();
      }
    });

    test('nodes, disks, load balancers and cluster charges: amounts summed, sizes kept', async () => {
      const store = await open({});
      try {
        await recordHours(store, T0, T0 + 2 * HOUR, [A]);
        const q = { startMs: T0, endMs: T0 + 2 * HOUR };
        const n = rowOf((await store.nodes(q))[0], (r) => r.node === 'n1', 'node');
        close(n.totalCostUsd, 0.192, 'node total'); // 0.096 $/h × 2 h
        close(n.idleCostUsd, 0.02, 'node idle');
        close(n.minutes, 120, 'node minutes');
        close(n.cpuCores, 2, 'node cores are a size, not summed');
        assert.deepEqual([n.instanceType, n.capacityType, n.zone, n.providerId], ['m5.large', 'on-demand', 'us-east-1a', 'aws:///us-east-1a/i-1']);
        const d = rowOf((await store.disks(q))[0], (r) => r.name === 'pv-1', 'disk');
        close(d.costUsd, 0.002, 'disk');
        close(d.capacityBytes, 10 * 1024 ** 3, 'disk capacity');
        assert.deepEqual([d.claimNamespace, d.claimName, d.storageClass], ['shop', 'data', 'gp3']);
        const l = rowOf((await store.loadBalancers(q))[0], (r) => r.name === 'web', 'lb');
        close(l.costUsd, 0.05, 'lb'); // 0.025 × 2
        const c = rowOf((await store.clusterCharges(q))[0], (r) => r.cluster === 'prod', 'cluster');
        close(c.managementCostUsd, 0.2, 'management'); // 0.1 × 2
        close(c.minutes, 120, 'cluster minutes');
      } finally {
        await store.close();
      }
    });

    test('the latest labels describe an allocation', async () => {
      const store = await open({});
      try {
        await store.record(makeBatch('prod', T0, T0 + HOUR, [A]));
        await store.record(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [{ ...A, labels: { team: 'checkout' } }]));
        const [set] = await store.allocations({ startMs: T0, endMs: T0 + 2 * HOUR });
        assert.deepEqual(rowOf(set, byKey('uid-a'), 'a').labels, { team: 'checkout' });
      } finally {
        await store.close();
      }
    });

    test('rollups answer the same totals as the raw cycles, at every resolution', async () => {
      const store = await open({});
      try {
        // Three days of 20-minute cycles for a (0.04 $/h) and b (0.1 $/h).
        for (let t = T0; t < T0 + 3 * DAY; t += 20 * MIN) await store.record(makeBatch('prod', t, t + 20 * MIN, [A, B]));
        const queries = [
          { what: 'three whole days', startMs: T0, endMs: T0 + 3 * DAY, hours: 72 },
          { what: '10:30 on day 1 to 12:10 on day 3', startMs: T0 + 10.5 * HOUR, endMs: T0 + 2 * DAY + 12 * HOUR + 10 * MIN, hours: 13.5 + 24 + 12 + 1 / 6 },
          { what: 'inside one hour', startMs: T0 + 5 * HOUR + 5 * MIN, endMs: T0 + 5 * HOUR + 35 * MIN, hours: 0.5 },
        ];
        const answer = async (q: { startMs: number; endMs: number }) => rowOf((await store.allocations(q))[0], byKey('uid-b'), 'b').cpuCostUsd;
        for (const q of queries) close(await answer(q), 0.1 * q.hours, `before maintenance: ${q.what}`);
        await store.maintain(T0 + 3 * DAY);
        for (const q of queries) close(await answer(q), 0.1 * q.hours, `after maintenance: ${q.what}`);
        // More cycles after the rollup continue the same hour and day.
        for (let t = T0 + 3 * DAY; t < T0 + 3 * DAY + HOUR; t += 20 * MIN) await store.record(makeBatch('prod', t, t + 20 * MIN, [A, B]));
        close(await answer({ startMs: T0, endMs: T0 + 4 * DAY }), 0.1 * 73, 'rolled up + raw');
        await store.maintain(T0 + 3 * DAY + HOUR);
        close(await answer({ startMs: T0, endMs: T0 + 4 * DAY }), 0.1 * 73, 'second maintenance');
        const daily = await store.allocations({ startMs: T0, endMs: T0 + 4 * DAY, stepMs: DAY });
        assert.deepEqual(
          daily.map((s) => Number(rowOf(s, byKey('uid-a'), 'a').cpuCostUsd.toFixed(9))),
          [0.96, 0.96, 0.96, 0.04], // 0.04 $/h × 24 h; the last day holds one hour
        );
      } finally {
        await store.close();
      }
    });

    test('retention: raw rows go first, whole hours and days still answer; past daily retention nothing is left', async () => {
      const retention: RetentionPolicy = { rawMs: DAY, hourlyMs: 3 * DAY, dailyMs: 10 * DAY };
      const store = await open({ retention });
      try {
        await recordHours(store, T0, T0 + 12 * DAY, [A]);
        // now = day 12: raw kept for day 11 only, hourly for days 9–11, daily for days 2–11.
        await store.maintain(T0 + 12 * DAY);
        const cost = async (startMs: number, endMs: number) => {
          const [set] = await store.allocations({ startMs, endMs });
          return set?.rows.find(byKey('uid-a'))?.cpuCostUsd ?? 0;
        };
        close(await cost(T0 + 2 * DAY, T0 + 12 * DAY), 0.04 * 240, 'days 2–11 (10 days × 24 h)');
        close(await cost(T0 + 9 * DAY + 5 * HOUR, T0 + 9 * DAY + 8 * HOUR), 0.04 * 3, 'three whole hours on day 9 (hourly)');
        close(await cost(T0 + 11 * DAY + 5.5 * HOUR, T0 + 11 * DAY + 6 * HOUR), 0.02, 'half an hour on day 11 (raw)');
        // Raw rows of day 9 are gone: its half hour at the edge is cut pro rata from the hourly bucket.
        close(await cost(T0 + 9 * DAY + 5.5 * HOUR, T0 + 9 * DAY + 8 * HOUR), 0.04 * 2.5, 'day 9, 05:30–08:00');
        // Hourly buckets of day 5 are gone too: 3 hours cut from its daily bucket (3/24 of 0.96).
        close(await cost(T0 + 5 * DAY + 5 * HOUR, T0 + 5 * DAY + 8 * HOUR), 0.04 * 3, 'day 5, 05:00–08:00');
        close(await cost(T0, T0 + 2 * DAY), 0, 'days 0–1 are past daily retention');
        const [cov] = await store.coverage();
        assert.deepEqual([cov?.firstMs, cov?.lastMs, cov?.gaps], [T0 + 2 * DAY, T0 + 12 * DAY, []]);
      } finally {
        await store.close();
      }
    });

    test('coverage: first and last instant, gaps shown as they are, demo flag', async () => {
      const store = await open({});
      try {
        assert.deepEqual(await store.coverage(), []);
        await store.record(makeBatch('prod', T0 + 10 * HOUR, T0 + 10.5 * HOUR, [A]));
        await store.record(makeBatch('prod', T0 + 10.5 * HOUR, T0 + 11 * HOUR, [A]));
        // The exporter was down 11:00–12:00.
        await store.record(makeBatch('prod', T0 + 12 * HOUR, T0 + 12.5 * HOUR, [A]));
        await store.record(makeBatch('demo', T0, T0 + HOUR, [A], true));
        await store.maintain(T0 + 13 * HOUR);
        assert.deepEqual(await store.coverage(), [
          { cluster: 'demo', firstMs: T0, lastMs: T0 + HOUR, gaps: [], demo: true },
          { cluster: 'prod', firstMs: T0 + 10 * HOUR, lastMs: T0 + 12.5 * HOUR, gaps: [{ startMs: T0 + 11 * HOUR, endMs: T0 + 12 * HOUR }], demo: false },
        ]);
        // The gap holds nothing: 10:00–13:00 is 1.5 hours of data.
        const [set] = await store.allocations({ startMs: T0 + 10 * HOUR, endMs: T0 + 13 * HOUR, clusters: ['prod'] });
        close(rowOf(set, byKey('uid-a'), 'a').minutes, 90, 'minutes with the gap');
      } finally {
        await store.close();
      }
    });

    // Per-container rows (--record-containers): a is split app 3/4, __pod__ 1/4; b is one container.
    const SPLIT = { 'uid-a': [['app', 0.75], ['__pod__', 0.25]], 'uid-b': [['postgres', 1]] } as const;
    const byContainer =
      (pod: string, container: string, cluster = 'prod') =>
      (r: ContainerInterval) =>
        r.key === `${pod}/${container}` && r.cluster === cluster;
    const split = (batch: CycleBatch) => withContainers(batch, SPLIT);

    test('containers: recorded, read back with their pod identity, summed over cycles, filtered by namespace', async () => {
      const store = await open({});
      try {
        assert.deepEqual(
          (await store.containers({ startMs: T0, endMs: T0 + DAY })).map((s) => s.rows.length),
          [0],
          'nothing recorded yet',
        );
        await store.record(split(makeBatch('prod', T0 + 10 * HOUR, T0 + 10.5 * HOUR, [A, B])));
        await store.record(split(makeBatch('prod', T0 + 10.5 * HOUR, T0 + 11 * HOUR, [A, B])));
        const [set] = await store.containers({ startMs: T0, endMs: T0 + DAY });
        assert.equal(set?.rows.length, 3);
        const app = rowOf(set, byContainer('uid-a', 'app'), 'a/app');
        close(app.cpuCostUsd, 0.03, 'a/app cpu'); // 0.04 $/h × 1 h × 3/4
        close(app.ramCostUsd, 0.015, 'a/app ram');
        close(app.cpuCoreHours, 0.75, 'a/app core-hours');
        close(app.minutes, 60, 'a/app minutes (the pod ran the whole hour)');
        assert.deepEqual(
          [app.container, app.namespace, app.pod, app.node, app.controllerKind, app.controller, app.labels, app.kind, app.basis],
          ['app', 'shop', 'uid-a', 'n1', 'deployment', 'shop', { team: 'web' }, 'pod', 'estimated'],
        );
        close(rowOf(set, byContainer('uid-a', '__pod__'), 'a/__pod__').cpuCostUsd, 0.01, 'a/__pod__'); // 0.04 × 1/4
        close(rowOf(set, byContainer('uid-b', 'postgres'), 'b/postgres').cpuCostUsd, 0.1, 'b/postgres');
        // The pod rows are unchanged by the container rows.
        const [pods] = await store.allocations({ startMs: T0, endMs: T0 + DAY });
        close(rowOf(pods, byKey('uid-a'), 'a').cpuCostUsd, 0.04, 'pod a');
        const [shop] = await store.containers({ startMs: T0, endMs: T0 + DAY, namespaces: ['db'] });
        assert.deepEqual(
          shop?.rows.map((r) => r.key),
          ['uid-b/postgres'],
        );
        const [cov] = await store.coverage();
        assert.equal(cov?.containersFromMs, T0 + 10 * HOUR);
      } finally {
        await store.close();
      }
    });

    test('containers: coverage says from when they are recorded; cycles without them have none', async () => {
      const store = await open({});
      try {
        await store.record(makeBatch('prod', T0, T0 + HOUR, [A]));
        await store.record(split(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [A])));
        await store.record(makeBatch('staging', T0, T0 + HOUR, [A]));
        const cov = await store.coverage();
        assert.deepEqual(
          cov.map((c) => [c.cluster, c.containersFromMs]),
          [
            ['prod', T0 + HOUR],
            ['staging', undefined],
          ],
        );
        const [set] = await store.containers({ startMs: T0, endMs: T0 + 2 * HOUR });
        close(rowOf(set, byContainer('uid-a', 'app'), 'a/app').cpuCostUsd, 0.03, 'only the second hour has containers');
      } finally {
        await store.close();
      }
    });

    test('containers: rolled up and retained like pod rows', async () => {
      const retention: RetentionPolicy = { rawMs: DAY, hourlyMs: 3 * DAY, dailyMs: 10 * DAY };
      const store = await open({ retention });
      try {
        // Twelve days of hourly cycles; now = day 12: raw kept for day 11, hourly for 9–11, daily for 2–11.
        for (let t = T0; t < T0 + 12 * DAY; t += HOUR) await store.record(split(makeBatch('prod', t, t + HOUR, [A, B])));
        const cost = async (startMs: number, endMs: number, container = 'app') => {
          const [set] = await store.containers({ startMs, endMs });
          return set?.rows.find(byContainer(container === 'postgres' ? 'uid-b' : 'uid-a', container))?.cpuCostUsd ?? 0;
        };
        close(await cost(T0, T0 + 12 * DAY), 0.03 * 288, 'before maintenance: 12 days × 24 h × 0.03');
        await store.maintain(T0 + 12 * DAY);
        close(await cost(T0 + 2 * DAY, T0 + 12 * DAY), 0.03 * 240, 'days 2–11 (daily rollups)');
        close(await cost(T0 + 9 * DAY + 5 * HOUR, T0 + 9 * DAY + 8 * HOUR, '__pod__'), 0.01 * 3, 'three hours on day 9 (hourly)');
        close(await cost(T0 + 11 * DAY + 5.5 * HOUR, T0 + 11 * DAY + 6 * HOUR, 'postgres'), 0.05, 'half an hour on day 11 (raw)');
        close(await cost(T0, T0 + 2 * DAY), 0, 'days 0–1 are past daily retention');
        const daily = await store.containers({ startMs: T0 + 9 * DAY, endMs: T0 + 12 * DAY, stepMs: DAY });
        assert.deepEqual(
          daily.map((s) => Number(rowOf(s, byContainer('uid-a', 'app'), 'a/app').cpuCostUsd.toFixed(9))),
          [0.72, 0.72, 0.72], // 0.03 $/h × 24 h
        );
      } finally {
        await store.close();
      }
    });

    test('containers: impossible container rows are refused with typed errors, and nothing of the cycle is written', async () => {
      const store = await open({});
      try {
        const good = split(makeBatch('prod', T0, T0 + HOUR, [A]));
        const rows = good.containers ?? [];
        const nan = { ...good, containers: rows.map((c) => (c.container === 'app' ? { ...c, ramCostUsd: Number.NaN } : c)) };
        await assert.rejects(store.record(nan), (err: unknown) => {
          assert.ok(err instanceof InvalidCycleError);
          assert.equal(err.message, 'container shop/uid-a/app (uid-a/app): ramCostUsd: must be a finite number ≥ 0 (got "NaN")');
          return true;
        });
        await assert.rejects(store.record({ ...good, containers: [...rows, rows[0]!] }), /container shop\/uid-a\/app \(uid-a\/app\): key: appears twice in the cycle/);
        assert.deepEqual(await store.coverage(), []);
        await store.record(good);
        const [set] = await store.containers({ startMs: T0, endMs: T0 + HOUR });
        assert.equal(set?.rows.length, 2);
      } finally {
        await store.close();
      }
    });

    test('refuses overlapping cycles and impossible amounts with typed errors', async () => {
      const store = await open({});
      try {
        await store.record(makeBatch('prod', T0, T0 + HOUR, [A]));
        await assert.rejects(store.record(makeBatch('prod', T0 + 30 * MIN, T0 + 2 * HOUR, [A])), (err: unknown) => {
          assert.ok(err instanceof CycleOverlapError);
          assert.equal(
            err.message,
            'cycle of cluster prod: startMs: starts before the end of the recorded history (2026-11-01T01:00:00.000Z); a cycle is recorded once, after the previous one (got "2026-11-01T00:30:00.000Z")',
          );
          return true;
        });
        const bad = makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, [A]);
        const nan = { ...bad, allocations: [{ ...bad.allocations[0]!, cpuCostUsd: Number.NaN }] };
        await assert.rejects(store.record(nan), (err: unknown) => {
          assert.ok(err instanceof InvalidCycleError);
          assert.equal(err.message, 'allocation shop/uid-a (uid-a): cpuCostUsd: must be a finite number ≥ 0 (got "NaN")');
          return true;
        });
        const negative = { ...bad, nodes: [{ ...bad.nodes[0]!, totalCostUsd: -1 }] };
        await assert.rejects(store.record(negative), /node n1: totalCostUsd: must be a finite number ≥ 0 \(got "-1"\)/);
        // Nothing of the refused cycles was written; the next good one still is.
        await store.record(bad);
        const [set] = await store.allocations({ startMs: T0, endMs: T0 + 2 * HOUR });
        close(rowOf(set, byKey('uid-a'), 'a').cpuCostUsd, 0.08, 'two good hours');
      } finally {
        await store.close();
      }
    });
  });
}
