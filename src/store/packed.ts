// A cycle's batch packed for the SQLite store: each kind's amounts in one Float64Array (moved to
// the store's worker thread without a copy), each row's thing (pod, node, disk...) as a small
// integer slot, and what a thing is (its key, names, labels) sent only when the slot is new or its
// descriptive values changed since the last batch. A batch of 10,951 allocation rows as objects
// costs a structured clone on both threads and ~20 MiB of short-lived objects in the worker's heap
// every cycle (V8 keeps the pages); packed, it is 2 MiB of numbers and, in steady state, no strings.
//
// The packer (sender) and the store (receiver) keep the same slot tables: after anything that may
// have put them out of step (a refused or failed batch, a new worker), the packer is reset and its
// next batch says so (`reset`), redefining every slot it uses. Pure: no I/O.
import type { FactKind } from './plan.ts';
import { CLUSTER_SUMS, rowsOf } from './plan.ts';
import type { AnyRow, SqlKind } from './sql.ts';
import { SQL_KINDS } from './sql.ts';
import type { CycleBatch } from './types.ts';
import { InvalidCycleError, validateBatch } from './validate.ts';

/** A slot (re)defined by a batch: the thing's key and its descriptive values, in the kind's `idents` order. */
export interface SlotDefinition {
  readonly slot: number;
  readonly key: string;
  readonly idents: readonly unknown[];
}

export interface PackedKind {
  readonly count: number;
  /** Per row: its thing's slot. */
  readonly slots: Int32Array;
  /**
   * Per row, `width(kind)` numbers: start, end (NaN when the batch's own), reconciled (1 or 0),
   * then the kind's sums and maxes in the order of its FactKind.
   */
  readonly values: Float64Array;
  readonly defined: readonly SlotDefinition[];
}

export interface PackedBatch {
  readonly cluster: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly demo: boolean;
  /** The receiver forgets every slot it knows before reading this batch. */
  readonly reset: boolean;
  /** One per SQL_KINDS entry, in that order. */
  readonly kinds: readonly PackedKind[];
}

/** Numbers per row of a kind in PackedKind.values. */
export const packedWidth = (kind: SqlKind): number => 3 + kind.fact.sums.length + kind.fact.maxes.length;

/** Equal descriptive values: the same primitive, or labels maps with the same entries. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (x[k] !== y[k]) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

interface Known {
  readonly slot: number;
  idents: readonly unknown[];
  stamp: number;
}

export interface Packer {
  /**
   * Validates and packs a batch: throws the InvalidCycleError of validateBatch for a batch it
   * refuses (the packer must then be reset: it may have given slots the receiver will not know).
   */
  pack(batch: CycleBatch): PackedBatch;
  /** Forgets every slot: the next batch redefines what it uses and says `reset`. */
  reset(): void;
}

/**
 * Copies a row's amounts (sums, then maxes) to `v` from `at`, checking each is a finite number
 * ≥ 0; false when one is not. Generated per kind with the field names written out: reading 16
 * named fields by a variable key was as slow as the structured clone this replaces.
 */
type AmountCopier = (r: Readonly<Record<string, unknown>>, v: Float64Array, at: number) => boolean;

function amountCopier(kind: SqlKind): AmountCopier {
  const body = [...kind.fact.sums, ...kind.fact.maxes].map((f, i) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f)) throw new Error(`internal: field name ${f}`);
    return `x = r.${f}; if (typeof x !== 'number' || !(x >= 0) || x === Infinity) return false; v[at + ${i}] = x;`;
  });
  return new Function('r', 'v', 'at', `let x; ${body.join(' ')} return true;`) as AmountCopier;
}

const COPIERS = new Map(SQL_KINDS.map((k) => [k, amountCopier(k)]));

export function createPacker(): Packer {
  // By kind prefix and cluster, then key.
  let tables = new Map<string, Map<string, Known>>();
  let reset = true;
  // Which batch a thing was last seen in: a key twice in one batch is refused.
  let stamp = 0;
  const tableOf = (kind: SqlKind, cluster: string): Map<string, Known> => {
    const name = `${kind.prefix}\u0000${cluster}`;
    let t = tables.get(name);
    if (!t) {
      t = new Map();
      tables.set(name, t);
    }
    return t;
  };
  /** The batch breaks a rule: validateBatch finds which and throws its exact error. */
  const refuse = (batch: CycleBatch): never => {
    validateBatch(batch);
    throw new InvalidCycleError(`cycle of cluster ${batch.cluster}`, 'rows', '?', 'internal: refused while packing but not by validateBatch');
  };
  return {
    reset() {
      tables = new Map();
      reset = true;
    },
    pack(batch) {
      // Validation (validate.ts) happens here, in the same pass as the copy; only a batch that
      // breaks a rule is validated again, by validateBatch, for its exact error.
      stamp++;
      if (batch.cluster === '' || !Number.isFinite(batch.startMs) || !Number.isFinite(batch.endMs) || !(batch.endMs > batch.startMs)) refuse(batch);
      const charges = batch.clusterCharges;
      if (charges.cluster !== batch.cluster || !(charges.startMs >= batch.startMs && charges.endMs <= batch.endMs && charges.startMs < charges.endMs)) refuse(batch);
      if (!COPIERS.get(SQL_KINDS.find((k) => k.prefix === 'charge')!)!(charges as unknown as Record<string, unknown>, new Float64Array(CLUSTER_SUMS.length), 0)) refuse(batch);
      const kinds = SQL_KINDS.map((kind): PackedKind => {
        const rows = rowsOf(batch, kind.fact as FactKind<AnyRow>);
        const table = tableOf(kind, batch.cluster);
        const width = packedWidth(kind);
        const copy = COPIERS.get(kind)!;
        const slots = new Int32Array(rows.length);
        const values = new Float64Array(rows.length * width);
        const defined: SlotDefinition[] = [];
        const unique = kind.prefix === 'alloc' || kind.prefix === 'ctr';
        const container = kind.prefix === 'ctr';
        for (let n = 0; n < rows.length; n++) {
          const row = rows[n]!;
          const r = row as unknown as Record<string, unknown>;
          if (row.cluster !== batch.cluster || !(row.startMs >= batch.startMs && row.endMs <= batch.endMs && row.startMs < row.endMs)) refuse(batch);
          const at = n * width;
          if (!copy(r, values, at + 3)) refuse(batch);
          if (container && (r['kind'] !== 'pod' || r['container'] === '')) refuse(batch);
          const key = kind.fact.key(row);
          let known = table.get(key);
          if (unique && known?.stamp === stamp) refuse(batch);
          let same = known !== undefined;
          if (known) {
            for (let k = 0; k < kind.idents.length; k++) {
              if (!sameValue(r[kind.idents[k]!.field], known.idents[k])) {
                same = false;
                break;
              }
            }
          }
          if (!same) {
            const idents = kind.idents.map((f) => r[f.field]);
            if (known) known.idents = idents;
            else {
              known = { slot: table.size, idents, stamp };
              table.set(key, known);
            }
            defined.push({ slot: known.slot, key, idents });
          }
          known!.stamp = stamp;
          slots[n] = known!.slot;
          values[at] = row.startMs === batch.startMs ? Number.NaN : row.startMs;
          values[at + 1] = row.endMs === batch.endMs ? Number.NaN : row.endMs;
          values[at + 2] = kind.basis && (row as unknown as { basis?: string }).basis === 'reconciled' ? 1 : 0;
        }
        return { count: rows.length, slots, values, defined };
      });
      const out: PackedBatch = { cluster: batch.cluster, startMs: batch.startMs, endMs: batch.endMs, demo: batch.demo, reset, kinds };
      reset = false;
      return out;
    },
  };
}

/** The buffers of a packed batch, to move (not copy) it to another thread. */
export const packedBuffers = (batch: PackedBatch): ArrayBuffer[] => batch.kinds.flatMap((k) => [k.slots.buffer as ArrayBuffer, k.values.buffer as ArrayBuffer]);
