// Billing reconciliation of recorded rows (HistoryStore.reconcileNodeHours), the in-memory part:
// how a node row and a pod row change when the node's cost over an hour is scaled by a factor.
// The SQL stores do the same in SQL (sqlite.ts, postgres.ts). Pure.
import type { AllocationInterval, NodeInterval } from './types.ts';

/** Node row × factor: every cost but the on-demand reference (spot savings are derived from it). */
export function scaleNodeRow(row: NodeInterval, factor: number): NodeInterval {
  return {
    ...row,
    cpuCostUsd: row.cpuCostUsd * factor,
    ramCostUsd: row.ramCostUsd * factor,
    gpuCostUsd: row.gpuCostUsd * factor,
    totalCostUsd: row.totalCostUsd * factor,
    idleCostUsd: row.idleCostUsd * factor,
    basis: 'reconciled',
  };
}

/** Pod row × factor on its compute costs; spot savings keep measuring against the same on-demand cost. */
export function scaleAllocationRow(row: AllocationInterval, factor: number): AllocationInterval {
  const compute = row.cpuCostUsd + row.ramCostUsd + row.gpuCostUsd;
  return {
    ...row,
    cpuCostUsd: row.cpuCostUsd * factor,
    ramCostUsd: row.ramCostUsd * factor,
    gpuCostUsd: row.gpuCostUsd * factor,
    spotSavingsUsd: row.spotSavingsUsd + compute * (1 - factor),
    basis: 'reconciled',
  };
}

/** Adds (row − base) to the first argument's costs: a daily rollup absorbing an hour's change. */
export function addNodeDelta(daily: NodeInterval, before: NodeInterval, after: NodeInterval): NodeInterval {
  return {
    ...daily,
    cpuCostUsd: daily.cpuCostUsd + after.cpuCostUsd - before.cpuCostUsd,
    ramCostUsd: daily.ramCostUsd + after.ramCostUsd - before.ramCostUsd,
    gpuCostUsd: daily.gpuCostUsd + after.gpuCostUsd - before.gpuCostUsd,
    totalCostUsd: daily.totalCostUsd + after.totalCostUsd - before.totalCostUsd,
    idleCostUsd: daily.idleCostUsd + after.idleCostUsd - before.idleCostUsd,
    basis: 'reconciled',
  };
}

export function addAllocationDelta(daily: AllocationInterval, before: AllocationInterval, after: AllocationInterval): AllocationInterval {
  return {
    ...daily,
    cpuCostUsd: daily.cpuCostUsd + after.cpuCostUsd - before.cpuCostUsd,
    ramCostUsd: daily.ramCostUsd + after.ramCostUsd - before.ramCostUsd,
    gpuCostUsd: daily.gpuCostUsd + after.gpuCostUsd - before.gpuCostUsd,
    spotSavingsUsd: daily.spotSavingsUsd + after.spotSavingsUsd - before.spotSavingsUsd,
    basis: 'reconciled',
  };
}
