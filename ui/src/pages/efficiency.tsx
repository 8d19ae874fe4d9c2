// Efficiency & savings: the exporter's recommendations (/api/v1/recommendations: right-sizing
// from usage percentiles, idle nodes that can go), each with its monthly saving and why. An
// exporter without that endpoint gets requests vs measured usage (usage × 1.2) instead.
import type { ComponentChildren } from 'preact';
import type { Allocation, Recommendation, Recommendations } from '../api.ts';
import { ApiError } from '../api.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import type { DisplayColumn } from '../components/table.tsx';
import { DataTable } from '../components/table.tsx';
import type { PageContext } from '../context.ts';
import { useLoad } from '../hooks.ts';
import type { Suggestion } from '../model.ts';
import { buildFilter, controllerOfGroup, describeWindow, efficiencyClass, exactUsd, formatBytes, formatCores, formatPct, formatUsd, HOURS_PER_MONTH, isPseudo, suggestRequests } from '../model.ts';
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

/** Requests vs measured usage (usage × 1.2), for an exporter without /api/v1/recommendations. */
function RequestsVsUsage({ ctx }: { ctx: PageContext }) {
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
    <>
      <p class="lede">This exporter has no recommendations endpoint: suggestions below are measured usage × 1.2.</p>
      {body}
    </>
  );
}

const usdCol = (id: string, label: string, f: (r: Recommendation) => number): DisplayColumn<Recommendation> => ({
  id,
  label,
  numeric: true,
  value: f,
  render: (r) => formatUsd(f(r)),
  title: (r) => `${exactUsd(f(r))} a month`,
});

// The reason is long: a tooltip on the row's name on screen, a column in the CSV.
const why: DisplayColumn<Recommendation> = { id: 'detail', label: 'Why', value: (r) => r.detail, csvOnly: true };

const RIGHTSIZING_COLUMNS: DisplayColumn<Recommendation>[] = [
  { id: 'target', label: 'Workload', value: (r) => `${r.namespace}/${r.target}`, title: (r) => r.detail },
  { id: 'resource', label: 'Resource', value: (r) => r.resource },
  { id: 'current', label: 'Request now', value: (r) => r.current },
  { id: 'suggested', label: 'Suggested', value: (r) => r.suggested },
  usdCol('saving', 'Savings/month', (r) => r.monthlySavingUsd),
  usdCol('extra', 'Extra cost/month', (r) => r.monthlyExtraCostUsd),
  { id: 'confidence', label: 'Confidence', numeric: true, value: (r) => r.confidence, render: (r) => formatPct(r.confidence) },
  why,
];

const IDLE_NODE_REC_COLUMNS: DisplayColumn<Recommendation>[] = [
  { id: 'target', label: 'Node', value: (r) => r.target.replace(/^node\//, ''), title: (r) => r.detail },
  { id: 'current', label: 'Now', value: (r) => r.current },
  { id: 'suggested', label: 'Suggested', value: (r) => r.suggested },
  usdCol('saving', 'Savings/month', (r) => r.monthlySavingUsd),
  why,
];

function RecommendationsView({ ctx, recs }: { ctx: PageContext; recs: Recommendations }) {
  const { state } = ctx;
  const rightsizing = recs.rows.filter((r) => r.kind === 'rightsizing');
  const idle = recs.rows.filter((r) => r.kind === 'idle-node');
  const narrowed = state.cluster !== '' || state.label !== '' || state.pool !== '' || state.instanceType !== '';
  return (
    <>
      <p class="lede" data-testid="savings-total">
        The exporter's recommendations for the {describeWindow(state.window)}
        {state.namespace ? ` in ${state.namespace}` : ''}: up to{' '}
        <strong title={exactUsd(recs.monthlySavingUsd)} data-exact={exactUsd(recs.monthlySavingUsd)}>
          {formatUsd(recs.monthlySavingUsd)}
        </strong>{' '}
        a month (an upper bound: smaller requests only pay once nodes go).
        {narrowed ? ' Only the namespace filter narrows recommendations.' : ''}
      </p>
      {rightsizing.length === 0 ? (
        <Empty>No workload to right-size in this window: requests are close to usage, or usage is not measured.</Empty>
      ) : (
        <DataTable caption="Right-sizing" fileName={`rightsizing-${state.window.replaceAll(':', '')}.csv`} columns={RIGHTSIZING_COLUMNS} rows={rightsizing} rowKey={(r) => `${r.cluster}/${r.namespace}/${r.target}/${r.resource}`} defaultSort="-saving" />
      )}
      <h3>Idle capacity</h3>
      {idle.length === 0 ? (
        <Empty>No node is idle enough to remove in this window.</Empty>
      ) : (
        <DataTable caption="Idle nodes" fileName={`idle-nodes-${state.window.replaceAll(':', '')}.csv`} columns={IDLE_NODE_REC_COLUMNS} rows={idle} rowKey={(r) => `${r.cluster}/${r.target}`} defaultSort="-saving" />
      )}
      {recs.warnings.length > 0 ? (
        <ul class="notes" aria-label="Notes from the exporter">
          {recs.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export function Efficiency({ ctx }: { ctx: PageContext }) {
  const { api, state } = ctx;
  // undefined: the exporter has no /api/v1/recommendations (404); the page falls back to requests vs usage.
  const [recs, retry] = useLoad(
    (signal) =>
      api.recommendations({ window: state.window, kinds: ['rightsizing', 'idle-node'], ...(state.namespace ? { namespace: state.namespace } : {}) }, signal).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return undefined;
        throw err;
      }),
    [state.window, state.namespace],
  );
  let body: ComponentChildren;
  if (recs.state === 'loading') body = <Loading what="recommendations (the exporter analyses the window's usage)" />;
  else if (recs.state === 'error') body = <ErrorState error={recs.error} retry={retry} />;
  else if (recs.value === undefined) body = <RequestsVsUsage ctx={ctx} />;
  else body = <RecommendationsView ctx={ctx} recs={recs.value} />;
  return (
    <div class="page">
      <h2>Efficiency &amp; savings</h2>
      {body}
    </div>
  );
}
