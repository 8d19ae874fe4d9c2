// Grouped allocations → the table, JSON and CSV of `kubectl cost <namespace|deployment|...>` (pure).
import type { Grouping, GroupRow } from './allocations.ts';
import { monthlyFactor } from './allocations.ts';
import type { Column, TableModel } from './format.ts';
import { money, percent, renderCsv } from './format.ts';

export interface ShowOptions {
  readonly cpu: boolean;
  readonly memory: boolean;
  readonly gpu: boolean;
  readonly pv: boolean;
  readonly network: boolean;
  readonly efficiency: boolean;
}

export interface ReportOptions {
  readonly by: Grouping;
  readonly labelKey?: string;
  /** Window totals instead of monthly rates. */
  readonly historical: boolean;
  readonly show: ShowOptions;
}

const HEADER: Record<Grouping, string> = {
  namespace: 'NAMESPACE',
  deployment: 'DEPLOYMENT',
  controller: 'CONTROLLER',
  pod: 'POD',
  node: 'NODE',
  label: 'LABEL',
  cluster: 'CLUSTER',
};

export interface ReportLine {
  readonly name: string;
  readonly pods: number;
  readonly cpuUsd: number;
  readonly memoryUsd: number;
  readonly gpuUsd: number;
  readonly pvUsd: number;
  readonly networkUsd: number | undefined;
  readonly loadBalancerUsd: number;
  readonly totalUsd: number;
  readonly averagePodUsd: number | undefined;
  readonly cpuEfficiency: number | undefined;
  readonly memoryEfficiency: number | undefined;
  readonly totalEfficiency: number | undefined;
}

export interface Report {
  /** `monthly-rate` (USD per 730-hour month) or `window-total` (USD over the window). */
  readonly measure: 'monthly-rate' | 'window-total';
  readonly lines: readonly ReportLine[];
  readonly total: ReportLine;
}

/** Scales each group to the measure, sorts by cost (highest first) and adds the total. */
export function buildReport(groups: readonly GroupRow[], options: ReportOptions): Report {
  const lines: ReportLine[] = groups.map((g) => {
    const f = options.historical ? 1 : monthlyFactor(g.minutes);
    const totalUsd = g.totalCost * f;
    return {
      name: g.name,
      pods: g.pods,
      cpuUsd: g.cpuCost * f,
      memoryUsd: g.ramCost * f,
      gpuUsd: g.gpuCost * f,
      pvUsd: g.pvCost * f,
      networkUsd: g.networkCost === undefined ? undefined : g.networkCost * f,
      loadBalancerUsd: g.loadBalancerCost * f,
      totalUsd,
      averagePodUsd: g.pods > 0 ? totalUsd / g.pods : undefined,
      cpuEfficiency: g.cpuEfficiency,
      memoryEfficiency: g.ramEfficiency,
      totalEfficiency: g.totalEfficiency,
    };
  });
  lines.sort((a, b) => b.totalUsd - a.totalUsd || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sum = (pick: (l: ReportLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
  const pods = sum((l) => l.pods);
  const totalUsd = sum((l) => l.totalUsd);
  const total: ReportLine = {
    name: 'TOTAL',
    pods,
    cpuUsd: sum((l) => l.cpuUsd),
    memoryUsd: sum((l) => l.memoryUsd),
    gpuUsd: sum((l) => l.gpuUsd),
    pvUsd: sum((l) => l.pvUsd),
    networkUsd: lines.some((l) => l.networkUsd === undefined) ? undefined : sum((l) => l.networkUsd ?? 0),
    loadBalancerUsd: sum((l) => l.loadBalancerUsd),
    totalUsd,
    averagePodUsd: undefined,
    cpuEfficiency: undefined,
    memoryEfficiency: undefined,
    totalEfficiency: undefined,
  };
  return { measure: options.historical ? 'window-total' : 'monthly-rate', lines, total };
}

interface ColumnDef {
  readonly header: string;
  readonly csv: string;
  readonly align: 'left' | 'right';
  readonly text: (l: ReportLine, isTotal: boolean) => string;
  readonly value: (l: ReportLine) => string | number;
}

const opt = (n: number | undefined): string => (n === undefined ? 'n/a' : money(n));
const num = (n: number | undefined): string | number => (n === undefined ? '' : Number(n.toFixed(6)));

function columnsOf(options: ReportOptions): ColumnDef[] {
  const { show, by } = options;
  const costWord = options.historical ? 'TOTAL COST' : 'MONTHLY RATE';
  const cols: ColumnDef[] = [
    {
      header: by === 'label' ? `LABEL ${options.labelKey ?? ''}`.trim().toUpperCase() : HEADER[by],
      csv: by,
      align: 'left',
      text: (l) => l.name,
      value: (l) => l.name,
    },
  ];
  if (show.cpu) cols.push({ header: 'CPU', csv: 'cpu_usd', align: 'right', text: (l) => money(l.cpuUsd), value: (l) => num(l.cpuUsd) });
  if (show.cpu && show.efficiency) cols.push({ header: 'CPU EFF.', csv: 'cpu_efficiency', align: 'right', text: (l, t) => (t ? '' : percent(l.cpuEfficiency)), value: (l) => num(l.cpuEfficiency) });
  if (show.memory) cols.push({ header: 'MEMORY', csv: 'memory_usd', align: 'right', text: (l) => money(l.memoryUsd), value: (l) => num(l.memoryUsd) });
  if (show.memory && show.efficiency) cols.push({ header: 'MEMORY EFF.', csv: 'memory_efficiency', align: 'right', text: (l, t) => (t ? '' : percent(l.memoryEfficiency)), value: (l) => num(l.memoryEfficiency) });
  if (show.gpu) cols.push({ header: 'GPU', csv: 'gpu_usd', align: 'right', text: (l) => money(l.gpuUsd), value: (l) => num(l.gpuUsd) });
  if (show.pv) cols.push({ header: 'PV', csv: 'pv_usd', align: 'right', text: (l) => money(l.pvUsd), value: (l) => num(l.pvUsd) });
  if (show.network) cols.push({ header: 'NETWORK', csv: 'network_usd', align: 'right', text: (l) => opt(l.networkUsd), value: (l) => num(l.networkUsd) });
  cols.push({ header: costWord, csv: options.historical ? 'total_cost_usd' : 'monthly_rate_usd', align: 'right', text: (l) => money(l.totalUsd), value: (l) => num(l.totalUsd) });
  if (by !== 'pod') {
    cols.push({ header: 'POD COUNT', csv: 'pod_count', align: 'right', text: (l) => String(l.pods), value: (l) => l.pods });
    cols.push({ header: 'AVG POD COST', csv: 'avg_pod_usd', align: 'right', text: (l, t) => (t ? '' : l.averagePodUsd === undefined ? '-' : money(l.averagePodUsd)), value: (l) => num(l.averagePodUsd) });
  }
  if (show.efficiency) cols.push({ header: 'EFFICIENCY', csv: 'total_efficiency', align: 'right', text: (l, t) => (t ? '' : percent(l.totalEfficiency)), value: (l) => num(l.totalEfficiency) });
  return cols;
}

export function reportTable(report: Report, options: ReportOptions): TableModel {
  const cols = columnsOf(options);
  const columns: Column[] = cols.map((c) => ({ header: c.header, align: c.align }));
  return {
    columns,
    rows: report.lines.map((l) => cols.map((c) => c.text(l, false))),
    footer: cols.map((c) => c.text(report.total, true)),
  };
}

export function reportCsv(report: Report, options: ReportOptions): string {
  const cols = columnsOf(options);
  return renderCsv(
    cols.map((c) => c.csv),
    [...report.lines, report.total].map((l) => cols.map((c) => c.value(l))),
  );
}

export function reportJson(report: Report, extra: Record<string, unknown>): string {
  const round = (n: number | undefined) => (n === undefined ? null : Number(n.toFixed(6)));
  const line = (l: ReportLine) => ({
    name: l.name,
    podCount: l.pods,
    cpuUsd: round(l.cpuUsd),
    memoryUsd: round(l.memoryUsd),
    gpuUsd: round(l.gpuUsd),
    pvUsd: round(l.pvUsd),
    networkUsd: round(l.networkUsd),
    loadBalancerUsd: round(l.loadBalancerUsd),
    totalUsd: round(l.totalUsd),
    averagePodUsd: round(l.averagePodUsd),
    cpuEfficiency: round(l.cpuEfficiency),
    memoryEfficiency: round(l.memoryEfficiency),
    totalEfficiency: round(l.totalEfficiency),
  });
  return `${JSON.stringify({ ...extra, measure: report.measure, rows: report.lines.map(line), total: line(report.total) }, null, 2)}\n`;
}
