// Billing reconciliation (HistoryStore.reconcileNodeHours) in SQL, shared by the SQLite and
// PostgreSQL stores. Set-based: the bills go into a temporary table, each node-hour's recorded cost
// and factor (billed ÷ recorded) are computed there, then one UPDATE per table and resolution
// applies them — a few statements per batch instead of several per node-hour. Named parameters
// ($cluster, $hourlyThrough, $dailyThrough); `table(prefix, resolution)` names the tables, `rawScope`
// selects the raw rows of an hour (SQLite keys raw rows by cycle, PostgreSQL by their start). Pure:
// builds text only. Every UPDATE reads the old values on its right-hand side, so spot savings are
// computed from the costs before scaling; daily rollups absorb the change of the hours they hold.

export interface ReconcileSqlLayout {
  readonly table: (prefix: 'node' | 'alloc' | 'ctr', res: 'ids' | 'raw' | 'hourly' | 'daily') => string;
  /** The raw rows (alias r) of the hour starting at `h`, from `lo`: a join to add after the raw table, and a condition. */
  readonly rawScope: (lo: string, h: string) => { readonly join: string; readonly where: string };
  /** The value stored in `reconciled`: 1 (SQLite) or true (PostgreSQL). */
  readonly yes: string;
  /** The larger of two values: `max` (SQLite) or `greatest` (PostgreSQL). */
  readonly greatest: string;
  /** The temporary tables' names (created by the store). */
  readonly bills: string;
  readonly allocs: string;
  /** Like `allocs`, for the per-container rows (`--record-containers`): (id, h, day, f). */
  readonly ctrs: string;
}

const NODE_COSTS = ['cpu_cost_usd', 'ram_cost_usd', 'gpu_cost_usd', 'total_cost_usd', 'idle_cost_usd'];
const ALLOC_COSTS = ['cpu_cost_usd', 'ram_cost_usd', 'gpu_cost_usd'];
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The statements, in order. `bills` holds (node, h, billed) rows inserted by the store; after
 * `prepare`, rows left in it are the node-hours changed (count them for the answer).
 */
export function reconcileSql(l: ReconcileSqlLayout): { readonly prepare: readonly string[]; readonly apply: readonly string[] } {
  const { bills, allocs, ctrs, yes } = l;
  const recordedRaw = l.rawScope(`${l.greatest}(${bills}.h, $hourlyThrough)`, `${bills}.h`);
  const raw = l.rawScope('t.h', 't.h');
  const scaleNode = (a: string) => NODE_COSTS.map((c) => `${c} = ${a}.${c} * t.f`).join(', ');
  // Daily rollups of pod (container) rows holding an hour absorb its change.
  const allocDaily = (prefix: 'alloc' | 'ctr', scaled: string) =>
    `UPDATE ${l.table(prefix, 'daily')} AS d SET ${ALLOC_COSTS.map((c) => `${c} = d.${c} + x.${c}`).join(', ')}, spot_savings_usd = d.spot_savings_usd + x.spot_savings_usd, reconciled = ${yes}
        FROM (SELECT t.id AS id, t.day AS day, ${ALLOC_COSTS.map((c) => `sum(hr.${c} * (t.f - 1)) AS ${c}`).join(', ')},
                     sum((hr.cpu_cost_usd + hr.ram_cost_usd + hr.gpu_cost_usd) * (1 - t.f)) AS spot_savings_usd
              FROM ${scaled} t JOIN ${l.table(prefix, 'hourly')} hr ON hr.cluster_id = $cluster AND hr.bucket_ms = t.h AND hr.id = t.id
              WHERE t.h < $dailyThrough GROUP BY t.id, t.day) AS x
        WHERE d.cluster_id = $cluster AND d.bucket_ms = x.day AND d.id = x.id`;
  const scaleAlloc = (a: string) => `spot_savings_usd = ${a}.spot_savings_usd + (${a}.cpu_cost_usd + ${a}.ram_cost_usd + ${a}.gpu_cost_usd) * (1 - t.f), ${ALLOC_COSTS.map((c) => `${c} = ${a}.${c} * t.f`).join(', ')}`;
  return {
    prepare: [
      `UPDATE ${bills} SET node_id = (SELECT i.id FROM ${l.table('node', 'ids')} i WHERE i.cluster_id = $cluster AND i.key = ${bills}.node), day = (h / ${DAY_MS}) * ${DAY_MS}`,
      `DELETE FROM ${bills} WHERE node_id IS NULL OR NOT (billed >= 0)`,
      `UPDATE ${bills} SET recorded = coalesce((SELECT hr.total_cost_usd FROM ${l.table('node', 'hourly')} hr WHERE hr.cluster_id = $cluster AND hr.bucket_ms = ${bills}.h AND hr.id = ${bills}.node_id), 0)
        + coalesce((SELECT sum(r.total_cost_usd) FROM ${l.table('node', 'raw')} r ${recordedRaw.join} WHERE r.id = ${bills}.node_id AND ${recordedRaw.where}), 0)`,
      `DELETE FROM ${bills} WHERE NOT (recorded > 0)`,
      `UPDATE ${bills} SET f = billed / recorded`,
      `INSERT INTO ${allocs} (id, h, day, f) SELECT i.id, t.h, t.day, t.f FROM ${bills} t JOIN ${l.table('alloc', 'ids')} i ON i.cluster_id = $cluster AND i.node = t.node`,
      // Container rows are pods' parts: scaled by the same factor, they still add up to their pod.
      `INSERT INTO ${ctrs} (id, h, day, f) SELECT i.id, t.h, t.day, t.f FROM ${bills} t JOIN ${l.table('ctr', 'ids')} i ON i.cluster_id = $cluster AND i.node = t.node`,
    ],
    apply: [
      // Daily rollups holding an hour absorb its change (hourly values still the old ones here).
      `UPDATE ${l.table('node', 'daily')} AS d SET ${NODE_COSTS.map((c) => `${c} = d.${c} + x.${c}`).join(', ')}, reconciled = ${yes}
        FROM (SELECT t.node_id AS id, t.day AS day, ${NODE_COSTS.map((c) => `sum(hr.${c} * (t.f - 1)) AS ${c}`).join(', ')}
              FROM ${bills} t JOIN ${l.table('node', 'hourly')} hr ON hr.cluster_id = $cluster AND hr.bucket_ms = t.h AND hr.id = t.node_id
              WHERE t.h < $dailyThrough GROUP BY t.node_id, t.day) AS x
        WHERE d.cluster_id = $cluster AND d.bucket_ms = x.day AND d.id = x.id`,
      ...(['alloc', 'ctr'] as const).map((prefix) => allocDaily(prefix, prefix === 'alloc' ? allocs : ctrs)),
      `UPDATE ${l.table('node', 'hourly')} AS hr SET ${scaleNode('hr')}, reconciled = ${yes} FROM ${bills} t WHERE hr.cluster_id = $cluster AND hr.bucket_ms = t.h AND hr.id = t.node_id`,
      ...(['alloc', 'ctr'] as const).map((prefix) => `UPDATE ${l.table(prefix, 'hourly')} AS hr SET ${scaleAlloc('hr')}, reconciled = ${yes} FROM ${prefix === 'alloc' ? allocs : ctrs} t WHERE hr.cluster_id = $cluster AND hr.bucket_ms = t.h AND hr.id = t.id`),
      `UPDATE ${l.table('node', 'raw')} AS r SET ${scaleNode('r')}, reconciled = ${yes} FROM ${bills} t ${raw.join} WHERE r.id = t.node_id AND ${raw.where}`,
      ...(['alloc', 'ctr'] as const).map((prefix) => `UPDATE ${l.table(prefix, 'raw')} AS r SET ${scaleAlloc('r')}, reconciled = ${yes} FROM ${prefix === 'alloc' ? allocs : ctrs} t ${raw.join} WHERE r.id = t.id AND ${raw.where}`),
    ],
  };
}

/** The end of the hour starting at `h`, for rawScope. */
export function hourEnd(h: string): string {
  return `${h} + ${HOUR_MS}`;
}

/** `$name` parameters → PostgreSQL's `$1, $2…` with the values in order. */
export function positional(sql: string, params: Readonly<Record<string, unknown>>): { text: string; values: unknown[] } {
  const order: string[] = [];
  const text = sql.replace(/\$([a-zA-Z]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`internal: no value for $${name}`);
    let i = order.indexOf(name);
    if (i === -1) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text, values: order.map((n) => params[n]) };
}

/** The named parameters a statement uses, from `params`. */
export function paramsOf<T>(sql: string, params: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}(?![A-Za-z])`).test(sql)));
}
