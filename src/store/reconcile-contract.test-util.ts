// HistoryStore.reconcileNodeHours, one suite run against every backend (reconcile.test.ts for
// memory and SQLite, test/store-postgres-reconcile.test.ts for PostgreSQL). Figures by hand from
// makeBatch: node n1 costs 0.096 $/h (cpu 0.064, ram 0.032, idle 0.01); pod uid-a on it 0.04 $/h
// cpu + 0.02 ram, spot savings 0.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenStore, PodSpec } from './contract.test-util.ts';
import { close, DAY, HOUR, makeBatch, rowOf, T0, withContainers } from './contract.test-util.ts';
import type { HistoryStore } from './types.ts';

const A: PodSpec = { key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 };

async function recordHalfHours(store: HistoryStore, hours: number, containers = false): Promise<void> {
  for (let t = T0; t < T0 + hours * HOUR; t += HOUR / 2) {
    const batch = makeBatch('prod', t, t + HOUR / 2, [A]);
    // Per-container rows: uid-a split app 3/4, __pod__ 1/4.
    await store.record(containers ? withContainers(batch, { 'uid-a': [['app', 0.75], ['__pod__', 0.25]] }) : batch);
  }
}

async function containersIn(store: HistoryStore, fromMs: number, toMs: number) {
  const [set] = await store.containers({ startMs: fromMs, endMs: toMs });
  return { app: rowOf(set, (r) => r.key === 'uid-a/app', 'uid-a/app'), rest: rowOf(set, (r) => r.key === 'uid-a/__pod__', 'uid-a/__pod__') };
}

async function nodeIn(store: HistoryStore, fromMs: number, toMs: number) {
  const [set] = await store.nodes({ startMs: fromMs, endMs: toMs });
  return rowOf(set, (r) => r.node === 'n1', 'node n1');
}

async function podIn(store: HistoryStore, fromMs: number, toMs: number) {
  const [set] = await store.allocations({ startMs: fromMs, endMs: toMs });
  return rowOf(set, (r) => r.key === 'uid-a', 'pod uid-a');
}

export function reconcileContract(name: string, open: OpenStore): void {
  describe(`HistoryStore.reconcileNodeHours: ${name}`, () => {
    test('raw cycles of an hour scaled to the bill, marked reconciled; other hours untouched; idempotent', async () => {
      const store = await open({});
      try {
        await recordHalfHours(store, 3);
        // Billed 0.048 for hour 1 where 0.096 was recorded: factor 0.5.
        assert.equal(await store.reconcileNodeHours('prod', [{ node: 'n1', hourStartMs: T0 + HOUR, billedCostUsd: 0.048 }]), 1);
        for (let run = 0; run < 2; run++) {
          const n = await nodeIn(store, T0 + HOUR, T0 + 2 * HOUR);
          close(n.totalCostUsd, 0.048, 'node total = billed');
          close(n.cpuCostUsd, 0.032, 'node cpu 0.064 × 0.5');
          close(n.ramCostUsd, 0.016, 'node ram 0.032 × 0.5');
          close(n.idleCostUsd, 0.005, 'idle 0.01 × 0.5');
          close(n.onDemandCostUsd, 0.096, 'on-demand reference unchanged');
          assert.equal(n.basis, 'reconciled');
          const p = await podIn(store, T0 + HOUR, T0 + 2 * HOUR);
          close(p.cpuCostUsd, 0.02, 'pod cpu 0.04 × 0.5');
          close(p.ramCostUsd, 0.01, 'pod ram 0.02 × 0.5');
          close(p.spotSavingsUsd, 0.03, 'savings grow by what the pod no longer costs: 0.06 × (1 − 0.5)');
          assert.equal(p.basis, 'reconciled');
          const other = await nodeIn(store, T0 + 2 * HOUR, T0 + 3 * HOUR);
          close(other.totalCostUsd, 0.096, 'hour 2 untouched');
          assert.equal(other.basis, 'estimated');
          // Same bill again: billed ÷ recorded = 1, nothing moves.
          if (run === 0) assert.equal(await store.reconcileNodeHours('prod', [{ node: 'n1', hourStartMs: T0 + HOUR, billedCostUsd: 0.048 }]), 1);
        }
        // Unknown cluster, unknown node, hour without data, negative bill: nothing changes.
        assert.equal(await store.reconcileNodeHours('other', [{ node: 'n1', hourStartMs: T0, billedCostUsd: 1 }]), 0);
        assert.equal(
          await store.reconcileNodeHours('prod', [
            { node: 'n9', hourStartMs: T0, billedCostUsd: 1 },
            { node: 'n1', hourStartMs: T0 + 5 * HOUR, billedCostUsd: 1 },
            { node: 'n1', hourStartMs: T0, billedCostUsd: -1 },
          ]),
          0,
        );
        close((await nodeIn(store, T0, T0 + HOUR)).totalCostUsd, 0.096, 'hour 0 untouched');
      } finally {
        await store.close();
      }
    });

    test('container rows are scaled with their pod, raw, hourly and daily: they still add up to it', async () => {
      const store = await open({ retention: { rawMs: DAY, hourlyMs: 2 * DAY, dailyMs: undefined } });
      try {
        await recordHalfHours(store, 3, true);
        await store.maintain(T0 + 2 * HOUR); // hours 0–1 rolled up to hourly; hour 2 still raw
        // Hour 1 billed 0.048 (factor 0.5), hour 2 billed 0.192 (factor 2).
        assert.equal(
          await store.reconcileNodeHours('prod', [
            { node: 'n1', hourStartMs: T0 + HOUR, billedCostUsd: 0.048 },
            { node: 'n1', hourStartMs: T0 + 2 * HOUR, billedCostUsd: 0.192 },
          ]),
          2,
        );
        // app: 0.04 × 3/4 = 0.03 $/h cpu → hour 1: 0.015, hour 2: 0.06; __pod__ 0.01 → 0.005, 0.02.
        const one = await containersIn(store, T0 + HOUR, T0 + 2 * HOUR);
        close(one.app.cpuCostUsd, 0.015, 'app cpu, hour 1 (hourly rollup)');
        close(one.rest.cpuCostUsd, 0.005, '__pod__ cpu, hour 1');
        close(one.app.spotSavingsUsd, 0.0225, 'app savings: its 0.045 compute × (1 − 0.5)');
        assert.equal(one.app.basis, 'reconciled');
        const two = await containersIn(store, T0 + 2 * HOUR, T0 + 3 * HOUR);
        close(two.app.cpuCostUsd, 0.06, 'app cpu, hour 2 (raw)');
        close(two.rest.ramCostUsd, 0.01, '__pod__ ram 0.005 × 2, hour 2');
        const zero = await containersIn(store, T0, T0 + HOUR);
        assert.equal(zero.app.basis, 'estimated', 'hour 0 untouched');
        await store.maintain(T0 + 10 * DAY); // only the daily rollup is left
        const day = await containersIn(store, T0, T0 + DAY);
        const pod = await podIn(store, T0, T0 + DAY);
        // The day: 0.04 + 0.02 + 0.08 = 0.14 of pod cpu; app 3/4 of it, __pod__ 1/4.
        close(pod.cpuCostUsd, 0.14, 'pod cpu for the day');
        close(day.app.cpuCostUsd, 0.105, 'app cpu for the day');
        close(day.rest.cpuCostUsd, 0.035, '__pod__ cpu for the day');
        close(day.app.spotSavingsUsd + day.rest.spotSavingsUsd, pod.spotSavingsUsd, 'savings add up to the pod');
      } finally {
        await store.close();
      }
    });

    test('hourly and daily rollups follow: the day total holds the billed hours after raw and hourly rows expire', async () => {
      const store = await open({ retention: { rawMs: DAY, hourlyMs: 2 * DAY, dailyMs: undefined } });
      try {
        await recordHalfHours(store, 3);
        await store.maintain(T0 + 3 * HOUR + HOUR); // raw → hourly → daily for hours 0–2
        // Hour 0 billed 0.048 (factor 0.5) and hour 2 billed 0.192 (factor 2), in one call: the day is
        // 0.048 + 0.096 + 0.192 = 0.336; the pod's cpu 0.02 + 0.04 + 0.08 = 0.14, its savings
        // 0.06 × (1 − 0.5) + 0.06 × (1 − 2) = −0.03.
        assert.equal(
          await store.reconcileNodeHours('prod', [
            { node: 'n1', hourStartMs: T0, billedCostUsd: 0.048 },
            { node: 'n1', hourStartMs: T0 + 2 * HOUR, billedCostUsd: 0.192 },
          ]),
          2,
        );
        close((await nodeIn(store, T0 + 2 * HOUR, T0 + 3 * HOUR)).totalCostUsd, 0.192, 'hour 2 = billed');
        close((await nodeIn(store, T0, T0 + HOUR)).totalCostUsd, 0.048, 'hour 0 = billed');
        close((await nodeIn(store, T0, T0 + DAY)).totalCostUsd, 0.336, 'day total');
        close((await podIn(store, T0, T0 + DAY)).cpuCostUsd, 0.14, 'pod cpu 0.02 + 0.04 + 0.08');
        await store.maintain(T0 + 10 * DAY); // only the daily rollup is left
        const day = await nodeIn(store, T0, T0 + DAY);
        close(day.totalCostUsd, 0.336, 'day total from the daily rollup');
        assert.equal(day.basis, 'reconciled');
        const pod = await podIn(store, T0, T0 + DAY);
        close(pod.cpuCostUsd, 0.14, 'pod cpu from the daily rollup');
        close(pod.spotSavingsUsd, -0.03, 'savings: 0.03 − 0.06 for the two billed hours');
      } finally {
        await store.close();
      }
    });
  });
}
