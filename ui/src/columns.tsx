// Table columns of allocation rows: costs (exact figures on hover), requests vs usage, efficiency.
import type { ComponentChildren } from 'preact';
import type { Allocation } from './api.ts';
import type { DisplayColumn } from './components/table.tsx';
import { efficiencyClass, exactUsd, formatBytes, formatCores, formatPct, formatUsd, networkCost, rowEfficiency } from './model.ts';

export interface AllocationRow {
  readonly key: string;
  readonly label: string;
  readonly allocation: Allocation;
  /** Idle cost this row carries when idle is shared (shareIdle=true minus false); undefined: not known. */
  readonly idleShare: number | undefined;
  /** Link to the next level of the drill-down, if any. */
  readonly href?: string;
  readonly onOpen?: () => void;
}

function usd(id: string, label: string, f: (a: Allocation) => number): DisplayColumn<AllocationRow> {
  return {
    id,
    label,
    numeric: true,
    value: (r) => f(r.allocation),
    render: (r) => formatUsd(f(r.allocation)),
    title: (r) => `${label}: ${exactUsd(f(r.allocation))}`,
  };
}

function nameCell(r: AllocationRow): ComponentChildren {
  if (r.href === undefined || r.onOpen === undefined) return <span>{r.label}</span>;
  const open = r.onOpen;
  return (
    <a
      href={r.href}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        open();
      }}
    >
      {r.label}
    </a>
  );
}

export function allocationColumns(nameLabel: string): DisplayColumn<AllocationRow>[] {
  return [
    { id: 'name', label: nameLabel, value: (r) => r.label, render: nameCell },
    usd('cpuCost', 'CPU', (a) => a.cpuCost),
    usd('ramCost', 'RAM', (a) => a.ramCost),
    usd('gpuCost', 'GPU', (a) => a.gpuCost),
    usd('pvCost', 'PV', (a) => a.pvCost),
    usd('networkCost', 'Network', networkCost),
    {
      id: 'idleShare',
      label: 'Idle share',
      numeric: true,
      value: (r) => r.idleShare,
      render: (r) => formatUsd(r.idleShare),
      title: (r) => (r.idleShare === undefined ? 'Idle share: not known' : `Idle share (idle cost spread by CPU+RAM cost): ${exactUsd(r.idleShare)}`),
    },
    usd('totalCost', 'Total', (a) => a.totalCost),
    {
      id: 'cpuReq',
      label: 'CPU req / use',
      numeric: true,
      value: (r) => r.allocation.cpuCoreRequestAverage,
      render: (r) => `${formatCores(r.allocation.cpuCoreRequestAverage)} / ${formatCores(r.allocation.cpuCoreUsageAverage)}`,
      title: (r) => `CPU cores requested ${r.allocation.cpuCoreRequestAverage}, used ${r.allocation.cpuCoreUsageAverage ?? 'not measured'} (averages)`,
      csv: [
        { id: 'cpuReq', label: 'CPU request (cores)', value: (r) => r.allocation.cpuCoreRequestAverage },
        { id: 'cpuUse', label: 'CPU usage (cores)', value: (r) => r.allocation.cpuCoreUsageAverage },
      ],
    },
    {
      id: 'ramReq',
      label: 'RAM req / use',
      numeric: true,
      value: (r) => r.allocation.ramByteRequestAverage,
      render: (r) => `${formatBytes(r.allocation.ramByteRequestAverage)} / ${formatBytes(r.allocation.ramByteUsageAverage)}`,
      title: (r) => `RAM bytes requested ${Math.round(r.allocation.ramByteRequestAverage)}, used ${r.allocation.ramByteUsageAverage === undefined ? 'not measured' : Math.round(r.allocation.ramByteUsageAverage)} (averages)`,
      csv: [
        { id: 'ramReq', label: 'RAM request (bytes)', value: (r) => r.allocation.ramByteRequestAverage },
        { id: 'ramUse', label: 'RAM usage (bytes)', value: (r) => r.allocation.ramByteUsageAverage },
      ],
    },
    {
      id: 'efficiency',
      label: 'Efficiency',
      numeric: true,
      value: (r) => rowEfficiency(r.allocation),
      render: (r) => formatPct(rowEfficiency(r.allocation)),
      className: (r) => efficiencyClass(rowEfficiency(r.allocation)),
      title: (r) =>
        `Usage / request, weighted by cost: ${formatPct(r.allocation.totalEfficiency, 2)} (CPU ${formatPct(r.allocation.cpuEfficiency, 2)}, RAM ${formatPct(r.allocation.ramEfficiency, 2)})`,
    },
  ];
}
