// What every backend checks before writing a cycle: an interval that makes sense, rows that belong
// to it, and amounts that are finite and not negative (money is never NaN or negative). Also the
// typed errors the store raises. Pure.
import { InputError } from '../core/errors.ts';
import { ALLOCATION_SUMS, CLUSTER_SUMS, DISK_MAXES, DISK_SUMS, LOAD_BALANCER_SUMS, NODE_MAXES, NODE_SUMS } from './plan.ts';
import type { CycleBatch } from './types.ts';

/** A batch the store refuses: the message names the row, the field and the value. */
export class InvalidCycleError extends InputError {}

/** A batch that starts before the end of what the store already holds for its cluster. */
export class CycleOverlapError extends InputError {
  constructor(cluster: string, startMs: number, lastEndMs: number) {
    super(
      `cycle of cluster ${cluster}`,
      'startMs',
      new Date(startMs).toISOString(),
      `starts before the end of the recorded history (${new Date(lastEndMs).toISOString()}); a cycle is recorded once, after the previous one`,
    );
  }
}

/** The store cannot be opened or written (file, schema version, connection). */
export class StoreError extends Error {
  readonly store: string;
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(`${store}: ${message}`, options);
    this.name = 'StoreError';
    this.store = store;
  }
}

// Object names are built only when a row is refused (a cycle holds tens of thousands of rows).
type ObjectName = () => string;

function checkAmounts(object: ObjectName, row: Readonly<Record<string, unknown>>, fields: readonly string[]): void {
  for (const f of fields) {
    const v = row[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InvalidCycleError(object(), f, String(v), 'must be a finite number ≥ 0');
  }
}

function checkRow(object: ObjectName, row: { readonly cluster: string; readonly startMs: number; readonly endMs: number }, batch: CycleBatch): void {
  if (row.cluster !== batch.cluster) throw new InvalidCycleError(object(), 'cluster', row.cluster, `must be the batch's cluster ${JSON.stringify(batch.cluster)}`);
  if (!(row.startMs >= batch.startMs && row.endMs <= batch.endMs && row.startMs < row.endMs)) {
    throw new InvalidCycleError(object(), 'startMs/endMs', `${row.startMs}..${row.endMs}`, `must be a non-empty interval inside the batch's ${batch.startMs}..${batch.endMs}`);
  }
}

const NODE_FIELDS = [...NODE_SUMS, ...NODE_MAXES];
const DISK_FIELDS = [...DISK_SUMS, ...DISK_MAXES];

export function validateBatch(batch: CycleBatch): void {
  const what = `cycle of cluster ${batch.cluster}`;
  if (batch.cluster === '') throw new InvalidCycleError(what, 'cluster', '', 'must not be empty');
  if (!Number.isFinite(batch.startMs) || !Number.isFinite(batch.endMs) || !(batch.endMs > batch.startMs)) {
    throw new InvalidCycleError(what, 'startMs/endMs', `${batch.startMs}..${batch.endMs}`, 'must be a non-empty interval of finite instants');
  }
  const keys = new Set<string>();
  for (const a of batch.allocations) {
    const object = () => `allocation ${a.namespace}/${a.pod} (${a.key})`;
    if (keys.has(a.key)) throw new InvalidCycleError(object(), 'key', a.key, 'appears twice in the cycle');
    keys.add(a.key);
    checkRow(object, a, batch);
    checkAmounts(object, a as unknown as Record<string, unknown>, ALLOCATION_SUMS);
  }
  if (batch.containers && batch.containers.length > 0) {
    const containerKeys = new Set<string>();
    for (const c of batch.containers) {
      const object = () => `container ${c.namespace}/${c.pod}/${c.container} (${c.key})`;
      if (containerKeys.has(c.key)) throw new InvalidCycleError(object(), 'key', c.key, 'appears twice in the cycle');
      containerKeys.add(c.key);
      if (c.kind !== 'pod') throw new InvalidCycleError(object(), 'kind', c.kind, 'container rows are of pods only');
      if (c.container === '') throw new InvalidCycleError(object(), 'container', '', 'must not be empty');
      checkRow(object, c, batch);
      checkAmounts(object, c as unknown as Record<string, unknown>, ALLOCATION_SUMS);
    }
  }
  for (const n of batch.nodes) {
    const object = () => `node ${n.node}`;
    checkRow(object, n, batch);
    checkAmounts(object, n as unknown as Record<string, unknown>, NODE_FIELDS);
  }
  for (const d of batch.disks) {
    const object = () => `disk ${d.name}`;
    checkRow(object, d, batch);
    checkAmounts(object, d as unknown as Record<string, unknown>, DISK_FIELDS);
  }
  for (const l of batch.loadBalancers) {
    const object = () => `load balancer ${l.namespace}/${l.name}`;
    checkRow(object, l, batch);
    checkAmounts(object, l as unknown as Record<string, unknown>, LOAD_BALANCER_SUMS);
  }
  const charges = () => 'cluster charges';
  checkRow(charges, batch.clusterCharges, batch);
  checkAmounts(charges, batch.clusterCharges as unknown as Record<string, unknown>, CLUSTER_SUMS);
}
