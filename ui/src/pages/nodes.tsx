// Nodes: pools and nodes with instance type, capacity type, hourly price and its source,
// allocated vs idle cost, utilisation.
import type { ComponentChildren } from 'preact';
import type { AllocationSet, Asset } from '../api.ts';
import { ErrorState, Loading } from '../components/states.tsx';
import { Empty } from '../components/states.tsx';
import type { DisplayColumn } from '../components/table.tsx';
import { DataTable } from '../components/table.tsx';
import type { PageContext } from '../context.ts';
import { useLoad } from '../hooks.ts';
import { buildFilter, computeCost, exactUsd, formatBytes, formatPct, formatUsd, isPseudo } from '../model.ts';

export interface NodeRow {
  readonly name: string;
  readonly pool: string;
  readonly instanceType: string;
  readonly capacityType: string;
  readonly hourlyCost: number | undefined;
  readonly priceSource: string;
  readonly cpuCores: number | undefined;
  readonly ramBytes: number | undefined;
  readonly totalCost: number;
  readonly allocatedCost: number;
  readonly idleCost: number;
  readonly cpuUtilisation: number | undefined;
  readonly ramUtilisation: number | undefined;
}

export function nodeRows(assets: readonly Asset[], byNode: AllocationSet): NodeRow[] {
  const alloc = new Map<string, { cost: number; cpuUse: number | undefined; ramUse: number | undefined }>();
  for (const [name, a] of Object.entries(byNode)) {
    if (isPseudo(name)) continue;
    const node = a.properties.node ?? name.slice(name.lastIndexOf('/') + 1);
    alloc.set(node, { cost: computeCost(a), cpuUse: a.cpuCoreUsageAverage, ramUse: a.ramByteUsageAverage });
  }
  return assets
    .filter((a) => a.type === 'Node')
    .map((a) => {
      const name = a.properties.name ?? a.key.slice(a.key.lastIndexOf('/') + 1);
      const used = alloc.get(name);
      const allocatedCost = used?.cost ?? 0;
      return {
        name,
        pool: a.pool ?? '—',
        instanceType: a.nodeType ?? '—',
        capacityType: a.capacityType ?? (a.preemptible === undefined ? '—' : a.preemptible >= 0.5 ? 'spot' : 'on-demand'),
        hourlyCost: a.hourlyCost ?? (a.minutes > 0 ? (a.totalCost / a.minutes) * 60 : undefined),
        priceSource: a.priceSource ?? (a.hourlyCost === undefined ? 'derived: cost / hours' : '—'),
        cpuCores: a.cpuCores,
        ramBytes: a.ramBytes,
        totalCost: a.totalCost,
        // The API's idle when it sends one (exact, per node), else cost − what pods on it cost.
        allocatedCost: a.idleCost !== undefined ? a.totalCost - a.idleCost : allocatedCost,
        idleCost: a.idleCost ?? Math.max(0, a.totalCost - allocatedCost),
        cpuUtilisation: used?.cpuUse !== undefined && a.cpuCores ? used.cpuUse / a.cpuCores : undefined,
        ramUtilisation: used?.ramUse !== undefined && a.ramBytes ? used.ramUse / a.ramBytes : undefined,
      };
    });
}

const usd = (id: string, label: string, f: (r: NodeRow) => number | undefined): DisplayColumn<NodeRow> => ({
  id,
  label,
  numeric: true,
  value: f,
  render: (r) => formatUsd(f(r)),
  title: (r) => `${label}: ${exactUsd(f(r))}`,
});

const pct = (id: string, label: string, f: (r: NodeRow) => number | undefined): DisplayColumn<NodeRow> => ({
  id,
  label,
  numeric: true,
  value: f,
  render: (r) => formatPct(f(r)),
  title: (r) => `${label}: ${formatPct(f(r), 2)}`,
});

export const NODE_COLUMNS: DisplayColumn<NodeRow>[] = [
  { id: 'name', label: 'Node', value: (r) => r.name },
  { id: 'pool', label: 'Pool', value: (r) => r.pool },
  { id: 'instanceType', label: 'Instance type', value: (r) => r.instanceType },
  { id: 'capacityType', label: 'Capacity', value: (r) => r.capacityType },
  usd('hourlyCost', 'Price/hour', (r) => r.hourlyCost),
  { id: 'priceSource', label: 'Price source', value: (r) => r.priceSource },
  { id: 'cpuCores', label: 'CPU', numeric: true, value: (r) => r.cpuCores },
  { id: 'ramBytes', label: 'RAM', numeric: true, value: (r) => r.ramBytes, render: (r) => formatBytes(r.ramBytes) },
  usd('totalCost', 'Cost', (r) => r.totalCost),
  usd('allocatedCost', 'Allocated', (r) => r.allocatedCost),
  usd('idleCost', 'Idle', (r) => r.idleCost),
  pct('cpuUtilisation', 'CPU used', (r) => r.cpuUtilisation),
  pct('ramUtilisation', 'RAM used', (r) => r.ramUtilisation),
];

interface PoolRow {
  readonly pool: string;
  readonly nodes: number;
  readonly spot: number;
  readonly totalCost: number;
  readonly allocatedCost: number;
  readonly idleCost: number;
}

const POOL_COLUMNS: DisplayColumn<PoolRow>[] = [
  { id: 'pool', label: 'Node pool', value: (r) => r.pool },
  { id: 'nodes', label: 'Nodes', numeric: true, value: (r) => r.nodes },
  { id: 'spot', label: 'Spot nodes', numeric: true, value: (r) => r.spot },
  { id: 'totalCost', label: 'Cost', numeric: true, value: (r) => r.totalCost, render: (r) => formatUsd(r.totalCost), title: (r) => exactUsd(r.totalCost) },
  { id: 'allocatedCost', label: 'Allocated', numeric: true, value: (r) => r.allocatedCost, render: (r) => formatUsd(r.allocatedCost), title: (r) => exactUsd(r.allocatedCost) },
  { id: 'idleCost', label: 'Idle', numeric: true, value: (r) => r.idleCost, render: (r) => formatUsd(r.idleCost), title: (r) => exactUsd(r.idleCost) },
  {
    id: 'idleShare',
    label: 'Idle %',
    numeric: true,
    value: (r) => (r.totalCost > 0 ? r.idleCost / r.totalCost : undefined),
    render: (r) => formatPct(r.totalCost > 0 ? r.idleCost / r.totalCost : undefined),
  },
];

export function poolRows(nodes: readonly NodeRow[]): PoolRow[] {
  const pools = new Map<string, { nodes: number; spot: number; totalCost: number; allocatedCost: number; idleCost: number }>();
  for (const n of nodes) {
    const p = pools.get(n.pool) ?? { nodes: 0, spot: 0, totalCost: 0, allocatedCost: 0, idleCost: 0 };
    p.nodes++;
    if (n.capacityType === 'spot') p.spot++;
    p.totalCost += n.totalCost;
    p.allocatedCost += n.allocatedCost;
    p.idleCost += n.idleCost;
    pools.set(n.pool, p);
  }
  return [...pools.entries()].map(([pool, p]) => ({ pool, ...p }));
}

export function Nodes({ ctx }: { ctx: PageContext }) {
  const { api, state } = ctx;
  const clusterFilter = buildFilter({ cluster: state.cluster });
  const [byNode, retry] = useLoad(
    (signal) => api.allocation({ window: state.window, aggregate: ['node'], accumulate: true, ...(clusterFilter ? { filter: clusterFilter } : {}) }, signal),
    [state.window, clusterFilter],
  );
  let body: ComponentChildren;
  if (ctx.assets.state === 'loading' || byNode.state === 'loading') body = <Loading what="nodes" />;
  else if (ctx.assets.state === 'error') body = <ErrorState error={ctx.assets.error} retry={retry} />;
  else if (byNode.state === 'error') body = <ErrorState error={byNode.error} retry={retry} />;
  else {
    const all = nodeRows(ctx.assets.value, byNode.value[0] ?? {});
    const rows = all.filter((r) => (state.pool === '' || r.pool === state.pool) && (state.instanceType === '' || r.instanceType === state.instanceType));
    body =
      rows.length === 0 ? (
        <Empty>No node matches the filters in this window. Clear the node pool or instance type filter.</Empty>
      ) : (
        <>
          <DataTable caption="Node pools" fileName={`node-pools-${state.window.replaceAll(':', '')}.csv`} columns={POOL_COLUMNS} rows={poolRows(rows)} rowKey={(r) => r.pool} defaultSort="-totalCost" />
          <DataTable
            caption="Nodes"
            fileName={`nodes-${state.window.replaceAll(':', '')}.csv`}
            columns={NODE_COLUMNS}
            rows={rows}
            rowKey={(r) => r.name}
            defaultSort="-totalCost"
            sort={state.sort}
            onSort={(sort) => ctx.navigate({ sort }, { replace: true })}
          />
        </>
      );
  }
  return (
    <div class="page">
      <h2>Nodes</h2>
      {body}
    </div>
  );
}
