// Output of `kubectl cost estimate` (pure): table, Markdown for a pull-request comment, JSON, CSV.
import type { OutputFormat } from './args.ts';
import type { Estimate, EstimateLine } from './estimate.ts';
import type { Column, TableModel } from './format.ts';
import { money, renderCsv, renderMarkdown, renderText } from './format.ts';

export interface EstimateOutputOptions {
  readonly format: OutputFormat;
  /** Where the unit rates came from. */
  readonly rates: string;
  readonly ignoredKinds: ReadonlyMap<string, number>;
  readonly color?: boolean;
}

function cores(n: number): string {
  return String(Number(n.toFixed(3)));
}

function bytes(n: number): string {
  if (n === 0) return '0';
  const gib = n / 1024 ** 3;
  if (gib >= 1) return `${Number(gib.toFixed(2))}Gi`;
  return `${Number((n / 1024 ** 2).toFixed(1))}Mi`;
}

function change(before: number | undefined, after: number, isNew: boolean): string {
  if (isNew) return 'new';
  if (before === undefined) return '';
  const diff = after - before;
  const sign = diff > 0 ? '+' : diff < 0 ? '-' : '';
  const pct = before > 0 ? ` (${sign}${Math.abs((diff / before) * 100).toFixed(1)}%)` : '';
  return `${sign}${money(Math.abs(diff))}${pct}`;
}

function ref(l: EstimateLine): string {
  return `${l.workload.kind} ${l.workload.namespace}/${l.workload.name}`;
}

function model(estimate: Estimate): TableModel {
  const withBefore = estimate.beforeMonthlyUsd !== undefined;
  const columns: Column[] = [
    { header: 'WORKLOAD', align: 'left' },
    { header: 'PODS', align: 'right' },
    { header: 'CPU/POD', align: 'right' },
    { header: 'MEM/POD', align: 'right' },
    { header: 'GPU/POD', align: 'right' },
    { header: 'CPU/MO', align: 'right' },
    { header: 'MEM/MO', align: 'right' },
    { header: 'GPU/MO', align: 'right' },
    { header: 'PV/MO', align: 'right' },
    { header: withBefore ? 'AFTER/MO' : 'TOTAL/MO', align: 'right' },
  ];
  if (withBefore) columns.push({ header: 'BEFORE/MO', align: 'right' }, { header: 'CHANGE', align: 'right' });
  const rows = estimate.lines.map((l) => {
    const row = [
      ref(l),
      String(l.pods),
      cores(l.workload.pod.cpuCores),
      bytes(l.workload.pod.ramBytes),
      String(l.workload.pod.gpus),
      money(l.cpuMonthlyUsd),
      money(l.ramMonthlyUsd),
      money(l.gpuMonthlyUsd),
      money(l.pvMonthlyUsd),
      money(l.totalMonthlyUsd),
    ];
    if (withBefore) row.push(l.beforeMonthlyUsd === undefined ? '-' : money(l.beforeMonthlyUsd), change(l.beforeMonthlyUsd, l.totalMonthlyUsd, l.isNew));
    return row;
  });
  const sum = (pick: (l: EstimateLine) => number) => estimate.lines.reduce((s, l) => s + pick(l), 0);
  const footer = [
    'TOTAL',
    String(sum((l) => l.pods)),
    '',
    '',
    '',
    money(sum((l) => l.cpuMonthlyUsd)),
    money(sum((l) => l.ramMonthlyUsd)),
    money(sum((l) => l.gpuMonthlyUsd)),
    money(sum((l) => l.pvMonthlyUsd)),
    money(estimate.totalMonthlyUsd),
  ];
  if (withBefore) footer.push(money(estimate.beforeMonthlyUsd ?? 0), change(estimate.beforeMonthlyUsd, estimate.totalMonthlyUsd, false));
  return { columns, rows, footer };
}

function noteLines(estimate: Estimate, options: EstimateOutputOptions): string[] {
  const out = [`Rates: ${options.rates}; a month is 730 hours.`];
  for (const l of estimate.lines) for (const n of l.notes) out.push(`${ref(l)}: ${n}`);
  for (const n of estimate.notes) out.push(n);
  if (options.ignoredKinds.size > 0) out.push(`Not priced (no compute of their own): ${[...options.ignoredKinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  return out;
}

export function renderEstimate(estimate: Estimate, options: EstimateOutputOptions): string {
  switch (options.format) {
    case 'json': {
      const r = (n: number | undefined) => (n === undefined ? null : Number(n.toFixed(6)));
      return `${JSON.stringify(
        {
          rates: options.rates,
          totalMonthlyUsd: r(estimate.totalMonthlyUsd),
          beforeMonthlyUsd: r(estimate.beforeMonthlyUsd),
          workloads: estimate.lines.map((l) => ({
            kind: l.workload.kind,
            namespace: l.workload.namespace,
            name: l.workload.name,
            pods: l.pods,
            hoursPerMonth: l.hours,
            podRequest: { cpuCores: l.workload.pod.cpuCores, ramBytes: l.workload.pod.ramBytes, gpus: l.workload.pod.gpus },
            cpuMonthlyUsd: r(l.cpuMonthlyUsd),
            ramMonthlyUsd: r(l.ramMonthlyUsd),
            gpuMonthlyUsd: r(l.gpuMonthlyUsd),
            pvMonthlyUsd: r(l.pvMonthlyUsd),
            totalMonthlyUsd: r(l.totalMonthlyUsd),
            beforeMonthlyUsd: r(l.beforeMonthlyUsd),
            new: l.isNew,
            notes: l.notes,
          })),
          notes: estimate.notes,
          ignoredKinds: Object.fromEntries(options.ignoredKinds),
        },
        null,
        2,
      )}\n`;
    }
    case 'csv':
      return renderCsv(
        ['kind', 'namespace', 'name', 'pods', 'cpu_cores_per_pod', 'ram_bytes_per_pod', 'gpus_per_pod', 'cpu_monthly_usd', 'ram_monthly_usd', 'gpu_monthly_usd', 'pv_monthly_usd', 'total_monthly_usd', 'before_monthly_usd'],
        estimate.lines.map((l) => [
          l.workload.kind,
          l.workload.namespace,
          l.workload.name,
          l.pods,
          l.workload.pod.cpuCores,
          l.workload.pod.ramBytes,
          l.workload.pod.gpus,
          l.cpuMonthlyUsd,
          l.ramMonthlyUsd,
          l.gpuMonthlyUsd,
          l.pvMonthlyUsd,
          l.totalMonthlyUsd,
          l.beforeMonthlyUsd ?? '',
        ]),
      );
    case 'markdown': {
      const head =
        estimate.beforeMonthlyUsd === undefined
          ? `### kubectl cost estimate: ${money(estimate.totalMonthlyUsd)} per month`
          : `### kubectl cost estimate: ${money(estimate.totalMonthlyUsd)} per month (now ${money(estimate.beforeMonthlyUsd)}, ${change(estimate.beforeMonthlyUsd, estimate.totalMonthlyUsd, false) || 'no change'})`;
      return `${head}\n\n${renderMarkdown(model(estimate))}\n${noteLines(estimate, options)
        .map((n) => `- ${n}`)
        .join('\n')}\n`;
    }
    default:
      return `${renderText(model(estimate), options.color ? { color: true } : {})}\n${noteLines(estimate, options).join('\n')}\n`;
  }
}
