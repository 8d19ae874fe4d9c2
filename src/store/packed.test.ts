// The packer: slots given once per thing, descriptive values sent only when new or changed (labels
// compared by value), amounts in the FactKind's order, the batch's own interval as NaN.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HOUR, makeBatch, T0, withContainers } from './contract.test-util.ts';
import { createPacker, packedBuffers, packedWidth, sameValue } from './packed.ts';
import { ALLOCATION_SUMS } from './plan.ts';
import { SQL_KINDS } from './sql.ts';
import type { CycleBatch } from './types.ts';
import { InvalidCycleError, validateBatch } from './validate.ts';

const ALLOC = SQL_KINDS.findIndex((k) => k.prefix === 'alloc');
const NODE = SQL_KINDS.findIndex((k) => k.prefix === 'node');

test('packer: each batch defines only the slots that are new or whose descriptive values changed', () => {
  const packer = createPacker();
  // Each row: the pods of the cycle, then what the allocations part must hold.
  const table: { pods: Parameters<typeof makeBatch>[3]; reset: boolean; slots: number[]; defined: [number, string, unknown][] }[] = [
    // First batch: every slot defined (a reset batch), in row order.
    { pods: [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04, labels: { app: 'web' } }, { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 }], reset: true, slots: [0, 1], defined: [[0, 'a', { app: 'web' }], [1, 'b', {}]] },
    // Same things, labels equal by value (a new object): nothing defined.
    { pods: [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04, labels: { app: 'web' } }, { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 }], reset: false, slots: [0, 1], defined: [] },
    // b's labels change, c is new, a is gone: b redefined in its slot, c gets slot 2.
    { pods: [{ key: 'c', namespace: 'data', cpuUsdPerHour: 0.01 }, { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02, labels: { tier: 'db' } }], reset: false, slots: [2, 1], defined: [[2, 'c', {}], [1, 'b', { tier: 'db' }]] },
    // a is back: its slot and values are still known.
    { pods: [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04, labels: { app: 'web' } }], reset: false, slots: [0], defined: [] },
  ];
  table.forEach((row, i) => {
    const packed = packer.pack(makeBatch('prod', T0 + i * HOUR, T0 + (i + 1) * HOUR, row.pods));
    const alloc = packed.kinds[ALLOC]!;
    assert.equal(packed.reset, row.reset, `batch ${i}: reset`);
    assert.deepEqual([...alloc.slots], row.slots, `batch ${i}: slots`);
    const labelsAt = SQL_KINDS[ALLOC]!.idents.findIndex((f) => f.field === 'labels');
    assert.deepEqual(
      alloc.defined.map((d) => [d.slot, d.key, d.idents[labelsAt]]),
      row.defined,
      `batch ${i}: defined`,
    );
  });
});

test('packer: amounts in the FactKind order, the batch interval as NaN, a row of its own interval as numbers', () => {
  const batch = makeBatch('prod', T0, T0 + 2 * HOUR, [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 }]);
  const pod = { ...batch.allocations[0]!, startMs: T0 + HOUR, basis: 'reconciled' as const };
  const packed = createPacker().pack({ ...batch, allocations: [pod] });
  const kind = SQL_KINDS[ALLOC]!;
  const values = [...packed.kinds[ALLOC]!.values];
  assert.equal(values.length, packedWidth(kind));
  // start (its own), end (the batch's: NaN), reconciled, then the 16 sums.
  assert.equal(values[0], T0 + HOUR);
  assert.ok(Number.isNaN(values[1]));
  assert.equal(values[2], 1);
  const sums = Object.fromEntries(ALLOCATION_SUMS.map((f, i) => [f, values[3 + i]]));
  // makeBatch: 0.04 $/h × 2 h of CPU, half that for RAM; 1 core × 2 h; 1024 B × 2 h.
  assert.equal(sums['cpuCostUsd'], 0.08);
  assert.equal(sums['ramCostUsd'], 0.04);
  assert.equal(sums['cpuCoreHours'], 2);
  assert.equal(sums['ramByteHours'], 2048);
  assert.equal(sums['minutes'], 120);
  // Nodes carry their maxes after the sums: width 3 + sums + maxes.
  assert.equal(packed.kinds[NODE]!.values.length, packedWidth(SQL_KINDS[NODE]!));
  // Two buffers per kind are moved to the worker.
  assert.equal(packedBuffers(packed).length, 2 * SQL_KINDS.length);
});

test('packer: reset() makes the next batch redefine everything it uses, saying reset', () => {
  const packer = createPacker();
  const pods = [{ key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 }];
  packer.pack(makeBatch('prod', T0, T0 + HOUR, pods));
  assert.equal(packer.pack(makeBatch('prod', T0 + HOUR, T0 + 2 * HOUR, pods)).kinds[ALLOC]!.defined.length, 0);
  packer.reset();
  const again = packer.pack(makeBatch('prod', T0 + 2 * HOUR, T0 + 3 * HOUR, pods));
  assert.equal(again.reset, true);
  assert.deepEqual(
    again.kinds[ALLOC]!.defined.map((d) => [d.slot, d.key]),
    [[0, 'a']],
  );
  // Slots are per cluster: another cluster's pod with the same key is its own slot 0, defined.
  const other = packer.pack(makeBatch('staging', T0, T0 + HOUR, pods));
  assert.equal(other.reset, false);
  assert.deepEqual(
    other.kinds[ALLOC]!.defined.map((d) => [d.slot, d.key]),
    [[0, 'a']],
  );
});

test('sameValue: primitives by value, label maps by entries', () => {
  const table: [unknown, unknown, boolean][] = [
    ['a', 'a', true],
    ['a', 'b', false],
    [{ app: 'web' }, { app: 'web' }, true],
    [{ app: 'web' }, { app: 'web', tier: 'x' }, false],
    [{ app: 'web', tier: 'x' }, { app: 'web' }, false],
    [{}, {}, true],
    [{}, undefined, false],
    [null, {}, false],
  ];
  for (const [a, b, want] of table) assert.equal(sameValue(a, b), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});

test('packer: validates while packing, refusing each bad batch with the exact error of validateBatch', () => {
  const good = makeBatch('prod', T0, T0 + HOUR, [
    { key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 },
    { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 },
  ]);
  const pod = good.allocations[0]!;
  const node = good.nodes[0]!;
  const ctr = withContainers(good, { a: [['app', 1]] });
  const c0 = ctr.containers![0]!;
  const table: [string, CycleBatch, string][] = [
    ['NaN amount', { ...good, allocations: [{ ...pod, cpuCostUsd: Number.NaN }] }, 'allocation shop/a (a): cpuCostUsd: must be a finite number ≥ 0 (got "NaN")'],
    ['negative amount', { ...good, allocations: [{ ...pod, ramCostUsd: -1 }] }, 'allocation shop/a (a): ramCostUsd: must be a finite number ≥ 0 (got "-1")'],
    ['infinite amount', { ...good, allocations: [{ ...pod, minutes: Number.POSITIVE_INFINITY }] }, 'allocation shop/a (a): minutes: must be a finite number ≥ 0 (got "Infinity")'],
    ['amount as text', { ...good, allocations: [{ ...pod, gpuCostUsd: '0.5' as unknown as number }] }, 'allocation shop/a (a): gpuCostUsd: must be a finite number ≥ 0 (got "0.5")'],
    ['key twice', { ...good, allocations: [pod, { ...pod }] }, 'allocation shop/a (a): key: appears twice in the cycle (got "a")'],
    ['row outside the cycle', { ...good, allocations: [{ ...pod, endMs: T0 + 2 * HOUR }] }, `allocation shop/a (a): startMs/endMs: must be a non-empty interval inside the batch's ${T0}..${T0 + HOUR} (got "${T0}..${T0 + 2 * HOUR}")`],
    ['row of another cluster', { ...good, allocations: [{ ...pod, cluster: 'dev' }] }, `allocation shop/a (a): cluster: must be the batch's cluster "prod" (got "dev")`],
    ['node size negative', { ...good, nodes: [{ ...node, cpuCores: -2 }] }, 'node n1: cpuCores: must be a finite number ≥ 0 (got "-2")'],
    ['charges NaN', { ...good, clusterCharges: { ...good.clusterCharges, managementCostUsd: Number.NaN } }, 'cluster charges: managementCostUsd: must be a finite number ≥ 0 (got "NaN")'],
    ['container key twice', { ...ctr, containers: [c0, { ...c0 }] }, 'container shop/a/app (a/app): key: appears twice in the cycle (got "a/app")'],
    ['container of a non-pod', { ...ctr, containers: [{ ...c0, kind: 'idle' as never }] }, 'container shop/a/app (a/app): kind: container rows are of pods only (got "idle")'],
    ['container without a name', { ...ctr, containers: [{ ...c0, container: '' }] }, 'container shop/a/ (a/app): container: must not be empty (got "")'],
    ['container amount NaN', { ...ctr, containers: [{ ...c0, cpuCostUsd: Number.NaN }] }, 'container shop/a/app (a/app): cpuCostUsd: must be a finite number ≥ 0 (got "NaN")'],
    ['empty cluster', { ...good, cluster: '' }, 'cycle of cluster : cluster: must not be empty (got "")'],
    ['empty interval', { ...good, endMs: T0 }, `cycle of cluster prod: startMs/endMs: must be a non-empty interval of finite instants (got "${T0}..${T0}")`],
  ];
  for (const [what, batch, message] of table) {
    assert.throws(() => validateBatch(batch), { message }, `${what}: validateBatch`);
    assert.throws(() => createPacker().pack(batch), (err: unknown) => err instanceof InvalidCycleError && err.message === message, what);
  }
  assert.equal(createPacker().pack(good).kinds[ALLOC]!.count, 2);
});

test('packer: refuses exactly the batches validateBatch refuses, with the same message (property)', () => {
  const good = makeBatch('prod', T0, T0 + HOUR, [
    { key: 'a', namespace: 'shop', cpuUsdPerHour: 0.04 },
    { key: 'b', namespace: 'shop', cpuUsdPerHour: 0.02 },
    { key: 'c', namespace: 'data', cpuUsdPerHour: 0.01 },
  ]);
  const bad = fc.constantFrom<unknown>(Number.NaN, -1, -0.001, Number.POSITIVE_INFINITY, '1', undefined, null, 0, 1e-9, 5);
  const edit = fc.record({
    row: fc.nat({ max: 2 }),
    field: fc.constantFrom(...ALLOCATION_SUMS),
    value: bad,
    startShiftMs: fc.constantFrom(0, 0, -1, HOUR / 2, HOUR),
    cluster: fc.constantFrom('prod', 'prod', 'prod', 'dev', ''),
    duplicate: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(edit, { maxLength: 3 }), (edits) => {
      const allocations = good.allocations.map((a) => ({ ...a }) as Record<string, unknown>);
      for (const e of edits) {
        const row = allocations[e.row]!;
        row[e.field] = e.value;
        row['startMs'] = (row['startMs'] as number) + e.startShiftMs;
        row['cluster'] = e.cluster;
        if (e.duplicate) allocations.push({ ...row });
      }
      const batch = { ...good, allocations } as unknown as CycleBatch;
      let expected: string | undefined;
      try {
        validateBatch(batch);
      } catch (err) {
        expected = (err as Error).message;
      }
      let got: string | undefined;
      try {
        createPacker().pack(batch);
      } catch (err) {
        got = err instanceof InvalidCycleError ? err.message : `not an InvalidCycleError: ${String(err)}`;
      }
      assert.equal(got, expected);
    }),
  );
});
