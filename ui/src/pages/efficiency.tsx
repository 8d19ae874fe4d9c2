// Efficiency & savings: over-provisioned workloads with suggested requests (usage × 1.2) and the
// monthly saving, and idle nodes. Until the recommendations API lands the suggestions come from
// requests vs measured usage over the window.
import type { ComponentChildren } from 'preact';
import type { Allocation } from '../api.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import type { DisplayColumn } from '../components/table.tsx';
import { DataTable } from '../components/table.tsx';
import type { PageContext } from '../context.ts';
import { useLoad } from '../hooks.ts';
import type { Suggestion } from '../model.ts';
import { buildFilter, controllerOfGroup, efficiencyClass, exactUsd, formatBytes, formatCores, formatPct, formatUsd, HOURS_PER_MONTH, isPseudo, suggestRequests } from '../model.ts';
import type { NodeRow } from './nodes.tsx';
import { nodeRows } from './nodes.tsx';

interface WorkloadRow {
  readonly key: string;
  readonly namespace: string;
  readonly workload: string;
  readonly a: Allocation;
  readonly s: Suggestion;
}

const WORKLOAD_COLUMNS: DisplayColumn<WorkloadRow>[] = [
  { id: 'workload', label: 'Workload', value: (r) => `${r.namespace}/${r.workload}` },
  { id: 'cpuReq', label: 'CPU req', numeric: true, value: (r) => r.a.cpuCoreRequestAverage, render: (r) => formatCores(r.a.cpuCoreRequestAverage) },
  { id: 'cpuUse', label: 'CPU use', numeric: true, value: (r) => r.a.cpuCoreUsageAverage, render: (r) => formatCores(r.a.cpuCoreUsageAverage) },
  { id: 'cpuSuggested', label: 'CPU suggested', numeric: true, value: (r) => r.s.suggestedCpuCores, render: (r) => formatCores(r.s.suggestedCpuCores) },
  { id: 'ramReq', label: 'RAM req', numeric: true, value: (r) => r.a.ramByteRequestAverage, render: (r) => formatBytes(r.a.ramByteRequestAverage) },
  { id: 'ramUse', label: 'RAM use', numeric: true, value: (r) => r.a.ramByteUsageAverage, render: (r) => formatBytes(r.a.ramByteUsageAverage) },
  { id: 'ramSuggested', label: 'RAM suggested', numeric: true, value: (r) => r.s.suggestedRamBytes, render: (r) => formatBytes(r.s.suggestedRamBytes) },
  {
    id: 'efficiency',
    label: 'Efficiency',
    numeric: true,
    value: (r) => r.a.totalEfficiency,
    render: (r) => formatPct(r.a.totalEfficiency),
    className: (r) => efficiencyClass(r.a.totalEfficiency),
  },
  {
    id: 'savings',
    label: 'Savings/month',
    numeric: true,
    value: (r) => r.s.savingsMonthly,
    render: (r) => formatUsd(r.s.savingsMonthly),
    title: (r) => `${exactUsd(r.s.savingsMonthly)} a month at this window's run rate`,
  },
];

const IDLE_NODE_COLUMNS: DisplayColumn<NodeRow>[] = [
  { id: 'name', label: 'Node', value: (r) => r.name },
  { id: 'pool', label: 'Pool', value: (r) => r.pool },
  { id: 'instanceType', label: 'Instance type', value: (r) => r.instanceType },
  { id: 'idleShare', label: 'Idle %', numeric: true, value: (r) => (r.totalCost > 0 ? r.idleCost / r.totalCost : undefined), render: (r) => formatPct(r.totalCost > 0 ? r.idleCost / r.totalCost : undefined) },
  { id: 'idleCost', label: 'Idle cost', numeric: true, value: (r) => r.idleCost, render: (r) => formatUsd(r.idleCost), title: (r) => exactUsd(r.idleCost) },
];

/** Nodes with at least half their cost unallocated. */
export const IDLE_NODE_THRESHOLD = 0.5;

export function Efficiency({ ctx }: { ctx: PageContext }) {
  const { api, state } = ctx;
  const clusterFilter = buildFilter({ cluster: state.cluster });
  const [data, retry] = useLoad(
    (signal) =>
      Promise.all([
        api.allocation({ window: state.window, aggregate: ['namespace', 'controller'], accumulate: true, ...(ctx.filter ? { filter: ctx.filter } : {}) }, signal),
        api.allocation({ window: state.window, aggregate: ['node'], accumulate: true, ...(clusterFilter ? { filter: clusterFilter } : {}) }, signal),
      ]),
    [state.window, ctx.filter, clusterFilter],
  );
  let body: ComponentChildren;
  if (data.state === 'loading') body = <Loading what="efficiency figures" />;
  else if (data.state === 'error') body = <ErrorState error={data.error} retry={retry} />;
  else {
    const [workloads, byNode] = data.value;
    const rows: WorkloadRow[] = [];
    let unmeasured = 0;
    for (const [name, a] of Object.entries(workloads[0] ?? {})) {
      if (isPseudo(name)) continue;
      if (a.cpuCoreUsageAverage === undefined) unmeasured++;
      const s = suggestRequests(a);
      if (!s || s.savingsMonthly < 0.01) continue;
      const c = controllerOfGroup(name, a.properties);
      const namespace = a.properties.namespace ?? name.split('/')[0] ?? '';
      rows.push({ key: name, namespace, workload: c === undefined ? 'pods without a controller' : `${c.name} (${c.kind})`, a, s });
    }
    const total = rows.reduce((x, r) => x + r.s.savingsMonthly, 0);
    const idle = ctx.assets.state === 'ready' ? nodeRows(ctx.assets.value, byNode[0] ?? {}).filter((n) => n.totalCost > 0 && n.idleCost / n.totalCost >= IDLE_NODE_THRESHOLD) : [];
    const idleMonthly =
      ctx.assets.state === 'ready'
        ? idle.reduce((x, n) => {
            const asset = ctx.assets.state === 'ready' ? ctx.assets.value.find((a) => (a.properties.name ?? a.key).endsWith(n.name)) : undefined;
            return x + (asset && asset.minutes > 0 ? (n.idleCost / asset.minutes) * 60 * HOURS_PER_MONTH : 0);
          }, 0)
        : undefined;
    body = (
      <>
        <p class="lede">
          Right-sizing to measured usage × 1.2 would save <strong title={exactUsd(total)}>{formatUsd(total)}</strong> a month across {rows.length} workload
          {rows.length === 1 ? '' : 's'}.{unmeasured > 0 ? ` ${unmeasured} workloads have no usage figures (metrics API missing) and are left out.` : ''}
        </p>
        {rows.length === 0 ? (
          <Empty>No over-provisioned workload in this window: requests are close to usage, or usage is not measured.</Empty>
        ) : (
          <DataTable caption="Over-provisioned workloads" fileName={`rightsizing-${state.window.replaceAll(':', '')}.csv`} columns={WORKLOAD_COLUMNS} rows={rows} rowKey={(r) => r.key} defaultSort="-savings" />
        )}
        <h3>Idle capacity</h3>
        <p class="lede">
          Nodes with at least {formatPct(IDLE_NODE_THRESHOLD)} of their cost not requested by any pod
          {idleMonthly === undefined ? '.' : <>: <strong title={exactUsd(idleMonthly)}>{formatUsd(idleMonthly)}</strong> a month idle.</>}
        </p>
        {idle.length === 0 ? (
          <Empty>No node is more than half idle.</Empty>
        ) : (
          <DataTable caption="Idle nodes" fileName={`idle-nodes-${state.window.replaceAll(':', '')}.csv`} columns={IDLE_NODE_COLUMNS} rows={idle} rowKey={(r) => r.name} defaultSort="-idleCost" />
        )}
      </>
    );
  }
  return (
    <div class="page">
      <h2>Efficiency &amp; savings</h2>
      {body}
    </div>
  );
}
