// A month of generated CUR lines (legacy CSV, CUR 2.0 CSV.gz, CUR 2.0 Parquet) for a test cluster
// with on-demand, spot, RI-covered and savings-plan-covered nodes (and one node the bill does not
// know), reconciled against a month of recorded history. Expectations by hand from
// cur-fixture.test-util.ts:
//   effective per hour: on-demand 0.192 + spot 0.0672 + RI 0.121 + SP 0.238 = 0.6182 $
//   EDP: −3% of every hour's usage, spread in proportion → net 0.6182 × 0.97 = 0.599654 $/h
//   a 30-day month, 720 hours → billed for matched instances 431.75088 $
//   estimated per hour: 0.192 + 0.0768 (spot at 40%) + 0.192 (RI at list) + 0.34 + 0.096 (unmatched) = 0.8968 $
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AllocationInterval, CycleBatch, HistoryStore, NodeInterval } from '../store/types.ts';
import { createMemoryStore } from '../store/memory.ts';
import { createSqliteStore } from '../store/sqlite.ts';
import { ZERO_AMOUNTS } from '../store/record.ts';
import type { HeaderStyle } from './cur-fixture.test-util.ts';
import { curRows, HOUR, NOV_2026, writeCurCsv, writeCurParquet } from './cur-fixture.test-util.ts';
import { EstimateMemory, reconcileHistory } from './history.ts';
import { readBills } from './read.ts';

const HOURS = 720;
const END = NOV_2026 + HOURS * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'kce-bill-month-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NODES: readonly { node: string; providerId: string; estimateUsd: number; capacityType: NodeInterval['capacityType'] }[] = [
  { node: 'od-1', providerId: 'aws:///us-east-1a/i-0od', estimateUsd: 0.192, capacityType: 'on-demand' },
  { node: 'spot-1', providerId: 'aws:///us-east-1b/i-0spot', estimateUsd: 0.0768, capacityType: 'spot' },
  { node: 'ri-1', providerId: 'aws:///us-east-1a/i-0ri', estimateUsd: 0.192, capacityType: 'on-demand' },
  { node: 'sp-1', providerId: 'aws:///us-east-1c/i-0sp', estimateUsd: 0.34, capacityType: 'on-demand' },
  { node: 'gone-1', providerId: 'aws:///us-east-1c/i-0gone', estimateUsd: 0.096, capacityType: 'on-demand' },
];

/** One hourly cycle: each node, one pod using 60% of it and its idle 40%. */
function cycle(startMs: number): CycleBatch {
  const base = { cluster: 'prod', startMs, endMs: startMs + HOUR };
  const nodes: NodeInterval[] = NODES.map((n) => ({
    ...base,
    node: n.node,
    providerId: n.providerId,
    instanceType: 'm5.xlarge',
    region: 'us-east-1',
    zone: 'us-east-1a',
    pool: 'default',
    capacityType: n.capacityType,
    priceSource: 'catalog',
    minutes: 60,
    cpuCores: 4,
    ramBytes: 16 * 1024 ** 3,
    gpus: 0,
    cpuCostUsd: n.estimateUsd * 0.75,
    ramCostUsd: n.estimateUsd * 0.25,
    gpuCostUsd: 0,
    totalCostUsd: n.estimateUsd,
    onDemandCostUsd: n.capacityType === 'spot' ? 0.192 : n.estimateUsd,
    idleCostUsd: n.estimateUsd * 0.4,
    basis: 'estimated',
  }));
  const alloc = (n: (typeof NODES)[number], kind: 'pod' | 'idle', share: number): AllocationInterval => ({
    ...ZERO_AMOUNTS,
    ...base,
    kind,
    key: kind === 'pod' ? `uid-${n.node}` : `__idle__/${n.node}`,
    namespace: kind === 'pod' ? 'shop' : '',
    pod: kind === 'pod' ? `web-${n.node}` : '__idle__',
    node: n.node,
    controllerKind: '',
    controller: '',
    labels: {},
    annotations: {},
    minutes: 60,
    cpuCoreRequestHours: 1,
    cpuCoreUsageHours: 1,
    cpuCoreHours: 1,
    ramByteRequestHours: 1,
    ramByteUsageHours: 1,
    ramByteHours: 1,
    gpuHours: 0,
    usageMinutes: 60,
    cpuCostUsd: n.estimateUsd * 0.75 * share,
    ramCostUsd: n.estimateUsd * 0.25 * share,
  });
  return {
    ...base,
    demo: false,
    nodes,
    allocations: NODES.flatMap((n) => [alloc(n, 'pod', 0.6), alloc(n, 'idle', 0.4)]),
    disks: [],
    loadBalancers: [],
    clusterCharges: { ...base, minutes: 60, managementCostUsd: 0.1 },
  };
}

async function recordMonth(store: HistoryStore): Promise<void> {
  for (let t = NOV_2026; t < END; t += HOUR) await store.record(cycle(t));
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${what}: ${actual} vs ${expected} (±${tolerance * 100}%)`);

const variants: { name: string; file: string; write: (path: string) => Promise<void> }[] = [
  { name: 'legacy CSV', file: 'cur-legacy.csv', write: (p) => writeCurCsv(p, 'legacy' satisfies HeaderStyle, curRows({ hours: HOURS })) },
  { name: 'CUR 2.0 CSV.gz', file: 'cur2.csv.gz', write: (p) => writeCurCsv(p, 'cur2', curRows({ hours: HOURS })) },
  { name: 'CUR 2.0 Parquet', file: 'cur2.parquet', write: (p) => writeCurParquet(p, curRows({ hours: HOURS }), 997) },
];

describe('a month of CUR reconciled against a month of history', () => {
  for (const v of variants) {
    test(`${v.name}: reconciled total = the bill's total for matched instances (within 1%), report figures`, async () => {
      const billDir = join(dir, v.file.replace(/\W/g, '-'));
      const { mkdirSync } = await import('node:fs');
      mkdirSync(billDir, { recursive: true });
      await v.write(join(billDir, v.file));
      const { usage, errors, files } = await readBills(billDir);
      assert.deepEqual(errors, []);
      assert.equal(files.length, 1);
      // 5 VMs (4 nodes + 1 other) + S3 per hour, RIFee and negation ignored, EDP spread.
      assert.deepEqual([...usage.resources.keys()].sort(), ['i-0od', 'i-0other', 'i-0ri', 'i-0sp', 'i-0spot']);
      const store = createMemoryStore();
      await recordMonth(store);
      const estimates = new EstimateMemory();
      const { report, changedNodeHours } = await reconcileHistory({ store, cluster: 'prod', usage, startMs: NOV_2026, endMs: END, estimates });
      assert.equal(changedNodeHours, 4 * HOURS);
      // Read again (bills are re-read every refresh): every matched node-hour already holds its bill.
      assert.equal((await reconcileHistory({ store, cluster: 'prod', usage, startMs: NOV_2026, endMs: END, estimates })).changedNodeHours, 0);
      // The bill's total for matched instances, by hand: 0.6182 × 0.97 × 720.
      const billed = 431.75088;
      near(report.totals.billedUsd, billed, 1e-9, 'billed for matched');
      near(report.totals.estimatedUsd, 0.8968 * HOURS, 1e-9, 'estimated');
      near(report.totals.matchedEstimatedUsd, (0.8968 - 0.096) * HOURS, 1e-9, 'estimated of matched');
      assert.equal(report.totals.nodeHours, 5 * HOURS);
      assert.equal(report.totals.matchedNodeHours, 4 * HOURS);
      assert.equal(report.totals.matchedRatio, 0.8);
      // i-0other: 0.5 × 0.97 × 720 = 349.2.
      assert.equal(report.billedWithoutNode.instances, 1);
      near(report.billedWithoutNode.billedUsd, 349.2, 1e-9, 'billed without node');
      assert.equal(report.days.length, 30);
      near(report.days[0]?.estimatedUsd ?? 0, 21.5232, 1e-9, 'day 1 estimated: 24 × 0.8968');
      near(report.days[0]?.billedUsd ?? 0, 14.391696, 1e-9, 'day 1 billed: 24 × 0.599654');
      // Biggest differences per node-day, with their reasons: SP 0.34 → 0.23086 (−2.61936/day), RI 0.192 →
      // 0.11737 (−1.79112/day), spot 0.0768 → 0.065184 (−0.278784/day), on-demand 0.192 → 0.18624 (EDP, −0.13824/day).
      const reasonOf = (node: string) => new Set(report.differences.filter((d) => d.node === node).map((d) => d.reason));
      assert.deepEqual(reasonOf('sp-1'), new Set(['ri-sp-coverage']));
      assert.equal(report.differences.length, 20, 'the 20 biggest');
      assert.equal(report.differences[0]?.node, 'sp-1');
      near(report.differences[0]?.differenceUsd ?? 0, -2.61936, 1e-9, 'SP node-day difference: 24 × (0.23086 − 0.34)');
      const full = (await reconcileHistory({ store, cluster: 'prod', usage, startMs: NOV_2026, endMs: END, estimates, apply: false, topDifferences: 1000 })).report;
      const reasons = (node: string) => new Set(full.differences.filter((d) => d.node === node).map((d) => d.reason));
      assert.deepEqual(reasons('ri-1'), new Set(['ri-sp-coverage']));
      assert.deepEqual(reasons('spot-1'), new Set(['spot-price']));
      assert.deepEqual(reasons('od-1'), new Set(['discount']));
      assert.deepEqual(reasons('gone-1'), new Set());
      // The node the bill does not know: 720 h at 0.096 = 69.12 still estimated.
      assert.deepEqual(
        full.unmatched.map((u) => ({ ...u, estimatedUsd: Number(u.estimatedUsd.toFixed(9)) })),
        [{ node: 'gone-1', providerId: 'aws:///us-east-1c/i-0gone', nodeHours: 720, estimatedUsd: 69.12, why: 'not-on-bill' }],
      );
      // The estimates survive the correction: the second report still compares with them.
      near(full.totals.estimatedUsd, 0.8968 * HOURS, 1e-9, 'estimated after reconciliation');
      // History now holds the bill for matched nodes: nodes and pods + idle both sum to it.
      const [nodesSet] = await store.nodes({ startMs: NOV_2026, endMs: END });
      const matched = nodesSet?.rows.filter((r) => r.node !== 'gone-1') ?? [];
      near(
        matched.reduce((s, r) => s + r.totalCostUsd, 0),
        billed,
        0.01,
        'reconciled node total',
      );
      assert.ok(matched.every((r) => r.basis === 'reconciled'));
      const gone = nodesSet?.rows.find((r) => r.node === 'gone-1');
      assert.equal(gone?.basis, 'estimated');
      near(gone?.totalCostUsd ?? 0, 0.096 * HOURS, 1e-9, 'unmatched node keeps its estimate');
      const [allocSet] = await store.allocations({ startMs: NOV_2026, endMs: END });
      const onMatched = allocSet?.rows.filter((r) => r.node !== 'gone-1') ?? [];
      near(
        onMatched.reduce((s, r) => s + r.cpuCostUsd + r.ramCostUsd + r.gpuCostUsd, 0),
        billed,
        0.01,
        'pods + idle on matched nodes',
      );
      await store.close();
    });
  }

  test('SQLite history: the same month reconciled and read back after the rollups', async () => {
    const path = join(dir, 'sqlite-bill');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path, { recursive: true });
    await writeCurCsv(join(path, 'cur.csv.gz'), 'legacy', curRows({ hours: HOURS }));
    const { usage } = await readBills(path);
    const store = createSqliteStore({ path: join(dir, 'month.db') });
    await recordMonth(store);
    await store.maintain(END + HOUR);
    await reconcileHistory({ store, cluster: 'prod', usage, startMs: NOV_2026, endMs: END });
    const [set] = await store.nodes({ startMs: NOV_2026, endMs: END });
    near(set?.rows.filter((r) => r.node !== 'gone-1').reduce((s, r) => s + r.totalCostUsd, 0) ?? 0, 431.75088, 0.01, 'reconciled node total (sqlite)');
    await store.close();
  });
});
