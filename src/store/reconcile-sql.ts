// Billing reconciliation (HistoryStore.reconcileNodeHours) in SQL, shared by the SQLite and
// PostgreSQL stores: the statements for one node-hour, with named parameters ($cluster, $node,
// $nodeId, $h, $end, $day, $rawFrom, $f). `table(prefix, resolution)` names the tables; `rawScope`
// selects the raw rows of the hour (SQLite keys raw rows by cycle, PostgreSQL by their start).
// Pure: builds text only. Each UPDATE reads the old values on its right-hand side, so spot savings
// are computed from the costs before scaling.

export interface ReconcileSqlLayout {
  readonly table: (prefix: 'node' | 'alloc', res: 'ids' | 'raw' | 'hourly' | 'daily') => string;
  /** A condition on the raw table (alias r) selecting rows whose cycle starts in [$lo, $end). */
  readonly rawScope: (lo: '$h' | '$rawFrom') => string;
  /** The value stored in `reconciled`: 1 (SQLite) or true (PostgreSQL). */
  readonly yes: string;
}

const NODE_COSTS = ['cpu_cost_usd', 'ram_cost_usd', 'gpu_cost_usd', 'total_cost_usd', 'idle_cost_usd'];
const ALLOC_COSTS = ['cpu_cost_usd', 'ram_cost_usd', 'gpu_cost_usd'];

export function reconcileSql(l: ReconcileSqlLayout): { readonly nodeId: string; readonly recorded: string; readonly daily: readonly string[]; readonly scale: readonly string[] } {
  const allocOfNode = `(SELECT id FROM ${l.table('alloc', 'ids')} WHERE cluster_id = $cluster AND node = $node)`;
  const scaleNode = NODE_COSTS.map((c) => `${c} = ${c} * CAST($f AS double precision)`).join(', ');
  const scaleAlloc = `spot_savings_usd = spot_savings_usd + (cpu_cost_usd + ram_cost_usd + gpu_cost_usd) * (1 - CAST($f AS double precision)), ${ALLOC_COSTS.map((c) => `${c} = ${c} * CAST($f AS double precision)`).join(', ')}`;
  return {
    nodeId: `SELECT id FROM ${l.table('node', 'ids')} WHERE cluster_id = $cluster AND key = $node`,
    recorded: `SELECT coalesce((SELECT total_cost_usd FROM ${l.table('node', 'hourly')} WHERE cluster_id = $cluster AND bucket_ms = $h AND id = $nodeId), 0)
      + coalesce((SELECT sum(r.total_cost_usd) FROM ${l.table('node', 'raw')} r WHERE r.id = $nodeId AND ${l.rawScope('$rawFrom')}), 0) AS recorded`,
    daily: [
      `UPDATE ${l.table('node', 'daily')} AS d SET ${NODE_COSTS.map((c) => `${c} = d.${c} + hr.${c} * (CAST($f AS double precision) - 1)`).join(', ')}, reconciled = ${l.yes}
        FROM ${l.table('node', 'hourly')} AS hr
        WHERE d.cluster_id = $cluster AND d.bucket_ms = $day AND d.id = $nodeId AND hr.cluster_id = $cluster AND hr.bucket_ms = $h AND hr.id = $nodeId`,
      `UPDATE ${l.table('alloc', 'daily')} AS d SET ${ALLOC_COSTS.map((c) => `${c} = d.${c} + hr.${c} * (CAST($f AS double precision) - 1)`).join(', ')},
          spot_savings_usd = d.spot_savings_usd + (hr.cpu_cost_usd + hr.ram_cost_usd + hr.gpu_cost_usd) * (1 - CAST($f AS double precision)), reconciled = ${l.yes}
        FROM ${l.table('alloc', 'hourly')} AS hr
        WHERE d.cluster_id = $cluster AND d.bucket_ms = $day AND hr.cluster_id = $cluster AND hr.bucket_ms = $h AND hr.id = d.id AND d.id IN ${allocOfNode}`,
    ],
    scale: [
      `UPDATE ${l.table('node', 'hourly')} SET ${scaleNode}, reconciled = ${l.yes} WHERE cluster_id = $cluster AND bucket_ms = $h AND id = $nodeId`,
      `UPDATE ${l.table('alloc', 'hourly')} SET ${scaleAlloc}, reconciled = ${l.yes} WHERE cluster_id = $cluster AND bucket_ms = $h AND id IN ${allocOfNode}`,
      `UPDATE ${l.table('node', 'raw')} AS r SET ${scaleNode}, reconciled = ${l.yes} WHERE r.id = $nodeId AND ${l.rawScope('$h')}`,
      `UPDATE ${l.table('alloc', 'raw')} AS r SET ${scaleAlloc}, reconciled = ${l.yes} WHERE r.id IN ${allocOfNode} AND ${l.rawScope('$h')}`,
    ],
  };
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
