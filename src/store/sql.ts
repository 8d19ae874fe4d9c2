// The relational layout shared by the SQLite and PostgreSQL stores: for each kind of fact, an
// identity table (what the thing is, stored once: a pod's labels and annotations are not repeated
// every cycle) and three fact tables (raw per cycle, hourly, daily) holding amounts only.
// Column names are the port's field names in snake_case. Pure: builds names, no I/O.
import type { FactKind } from './plan.ts';
import { ALLOCATIONS, CLUSTER_CHARGES, CONTAINERS, DISKS, LOAD_BALANCERS, NODES } from './plan.ts';

export type AnyRow = { readonly startMs: number; readonly endMs: number; readonly cluster: string };

export interface SqlKind {
  readonly fact: FactKind<AnyRow>;
  /** Table name prefix: `<prefix>_ids`, `<prefix>_raw`, `<prefix>_hourly`, `<prefix>_daily`. */
  readonly prefix: 'alloc' | 'ctr' | 'node' | 'disk' | 'lb' | 'charge';
  /** Descriptive fields, kept on the identity row (the latest cycle's values win). */
  readonly idents: readonly { readonly field: string; readonly json?: true }[];
  /** Whether rows carry `basis` (stored as `reconciled` 0/1). */
  readonly basis: boolean;
}

export const SQL_KINDS: readonly SqlKind[] = [
  {
    fact: ALLOCATIONS as unknown as FactKind<AnyRow>,
    prefix: 'alloc',
    idents: [
      { field: 'kind' },
      { field: 'namespace' },
      { field: 'pod' },
      { field: 'node' },
      { field: 'controllerKind' },
      { field: 'controller' },
      { field: 'labels', json: true },
      { field: 'annotations', json: true },
    ],
    basis: true,
  },
  {
    fact: NODES as unknown as FactKind<AnyRow>,
    prefix: 'node',
    idents: [{ field: 'node' }, { field: 'providerId' }, { field: 'instanceType' }, { field: 'region' }, { field: 'zone' }, { field: 'pool' }, { field: 'capacityType' }, { field: 'priceSource' }],
    basis: true,
  },
  {
    fact: DISKS as unknown as FactKind<AnyRow>,
    prefix: 'disk',
    idents: [{ field: 'name' }, { field: 'storageClass' }, { field: 'claimNamespace' }, { field: 'claimName' }, { field: 'priceSource' }],
    basis: false,
  },
  { fact: LOAD_BALANCERS as unknown as FactKind<AnyRow>, prefix: 'lb', idents: [{ field: 'namespace' }, { field: 'name' }, { field: 'priceSource' }], basis: false },
  { fact: CLUSTER_CHARGES as unknown as FactKind<AnyRow>, prefix: 'charge', idents: [], basis: false },
  // Per-container rows (`--record-containers`): added by a later migration of each store.
  {
    fact: CONTAINERS as unknown as FactKind<AnyRow>,
    prefix: 'ctr',
    idents: [
      { field: 'kind' },
      { field: 'namespace' },
      { field: 'pod' },
      { field: 'container' },
      { field: 'node' },
      { field: 'controllerKind' },
      { field: 'controller' },
      { field: 'labels', json: true },
      { field: 'annotations', json: true },
    ],
    basis: true,
  },
];

/** The kinds of the first schema version of both stores (the container tables came later). */
export const FIRST_SQL_KINDS: readonly SqlKind[] = SQL_KINDS.filter((k) => k.prefix !== 'ctr');

/** Kinds whose rows carry their key (`key` of the identity row is the port's `key` field). */
export function keyedKind(kind: SqlKind): boolean {
  return kind.prefix === 'alloc' || kind.prefix === 'ctr';
}

export function kindByName(name: FactKind<AnyRow>['name']): SqlKind {
  const k = SQL_KINDS.find((x) => x.fact.name === name);
  if (!k) throw new Error(`no SQL layout for ${name}`);
  return k;
}

/** `cpuCoreHours` → `cpu_core_hours`. */
export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const VALUE_COLUMNS = new Map(SQL_KINDS.map((k) => [k, { sums: k.fact.sums.map(snake), maxes: k.fact.maxes.map(snake) }]));

/** Amount columns (summed) and size columns (maxed) of a kind's fact tables. */
export function valueColumns(kind: SqlKind): { readonly sums: readonly string[]; readonly maxes: readonly string[] } {
  const cols = VALUE_COLUMNS.get(kind);
  if (!cols) throw new Error(`internal: unknown SQL kind ${kind.prefix}`);
  return cols;
}

/** The signature of a row's descriptive fields, to notice when they change. */
export function identValues(kind: SqlKind, row: AnyRow): (string | number)[] {
  const r = row as unknown as Record<string, unknown>;
  return kind.idents.map((i) => (i.json ? JSON.stringify(r[i.field] ?? {}) : String(r[i.field] ?? '')));
}
