// Google Cloud billing export (the BigQuery table `gcp_billing_export_resource_v1_*`, the detailed
// export that has resource names) → charges, from newline-delimited JSON as BigQuery extracts it
// (nested `resource.name`, `credits[]`) or from CSV of a flattening query (`resource_name` or
// `resource.name`, `credits` as a total or a JSON array). `cost` is before credits; credits are
// negative: committed-use credits count as commitment coverage, the rest (sustained use, discounts,
// promotions) as discounts. A VM's compute comes as several SKUs (cores, RAM, GPU) per hour: summed
// per resource and period by the reconciliation.
import type { BillCharge } from './charges.ts';
import { BillParseError } from './errors.ts';
import type { BillRow, RowTable } from './rows.ts';
import type { Source } from './values.ts';
import { num, pick, text, time } from './values.ts';

export const GCP_COLUMNS = {
  start: ['usage_start_time'],
  end: ['usage_end_time'],
  cost: ['cost'],
  currency: ['currency'],
  resourceName: ['resource.name', 'resource_name'],
  globalName: ['resource.global_name', 'resource_global_name'],
  project: ['project.id', 'project_id'],
  service: ['service.description', 'service_description'],
  sku: ['sku.description', 'sku_description'],
  credits: ['credits', 'credits_amount', 'credits_total'],
  costType: ['cost_type'],
} as const;

export function isGcpExport(columns: ReadonlySet<string>): boolean {
  return pick(columns, GCP_COLUMNS.start) !== undefined && pick(columns, GCP_COLUMNS.cost) !== undefined;
}

interface Credit {
  readonly amountUsd: number;
  readonly commitment: boolean;
}

function credits(table: Source, row: BillRow, column: string): Credit[] {
  const { file } = table;
  const v = row.value(column);
  if (v === undefined || v === null || v === '') return [];
  let list: unknown = v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '' || s === '[]') return [];
    if (!s.startsWith('[')) return [{ amountUsd: num(table, row, column), commitment: false }];
    try {
      list = JSON.parse(s);
    } catch {
      throw new BillParseError(file, row.line, column, s, 'credits: neither a number nor a JSON array');
    }
  }
  if (typeof list === 'number') return [{ amountUsd: list, commitment: false }];
  if (!Array.isArray(list)) throw new BillParseError(file, row.line, column, JSON.stringify(list), 'credits: not an array of {amount, type}');
  return list.map((c) => {
    const amount = typeof c === 'object' && c !== null ? (c as Record<string, unknown>).amount : undefined;
    const n = typeof amount === 'number' ? amount : Number(amount);
    if (!Number.isFinite(n)) throw new BillParseError(file, row.line, `${column}[].amount`, String(amount), 'not a number');
    const type = String((c as Record<string, unknown>).type ?? '');
    const name = String((c as Record<string, unknown>).name ?? '');
    return { amountUsd: n, commitment: /COMMITTED_USAGE|committed use/i.test(`${type} ${name}`) };
  });
}

/** A Compute Engine instance's charge (vs disks, network, other services). */
function isGceInstance(service: string, sku: string, globalName: string): boolean {
  if (globalName.includes('/instances/')) return !/\b(PD|Storage|Snapshot|Egress|Ingress|Network|IP )/i.test(sku);
  return /compute engine/i.test(service) && /\b(Core|Ram|RAM|GPU|Instance|vCPU)\b/.test(sku) && !/\bPD\b|Storage/i.test(sku);
}

export async function* readGcpExport(table: RowTable): AsyncGenerator<BillCharge> {
  const { file, columns } = table;
  const start = pick(columns, GCP_COLUMNS.start) as string;
  const end = pick(columns, GCP_COLUMNS.end);
  const cost = pick(columns, GCP_COLUMNS.cost) as string;
  const currency = pick(columns, GCP_COLUMNS.currency);
  const resourceName = pick(columns, GCP_COLUMNS.resourceName);
  const globalName = pick(columns, GCP_COLUMNS.globalName);
  const project = pick(columns, GCP_COLUMNS.project);
  const service = pick(columns, GCP_COLUMNS.service);
  const sku = pick(columns, GCP_COLUMNS.sku);
  const creditCol = pick(columns, GCP_COLUMNS.credits);
  const costType = pick(columns, GCP_COLUMNS.costType);
  // JSON rows may omit a nested column on the first line: look the names up per row too.
  for await (const row of table.rows) {
    const get = (c: string | undefined, names: readonly string[]): string => {
      if (c !== undefined) return text(row, c);
      for (const n of names) {
        const t = text(row, n);
        if (t !== '') return t;
      }
      return '';
    };
    if (currency !== undefined || row.value('currency') !== undefined) {
      const c = text(row, 'currency');
      if (c !== '' && c !== 'USD') throw new BillParseError(file, row.line, 'currency', c, 'costs in a currency other than USD (kube-cost-exporter prices in USD)');
    }
    const type = get(costType, GCP_COLUMNS.costType);
    if (type !== '' && type !== 'regular') continue; // tax, adjustment, rounding error
    const startMs = time(table, row, start);
    const endMs = end === undefined ? startMs + 3_600_000 : time(table, row, end);
    const costUsd = num(table, row, cost, 'required');
    const name = get(resourceName, GCP_COLUMNS.resourceName);
    const global = get(globalName, GCP_COLUMNS.globalName);
    const proj = get(project, GCP_COLUMNS.project);
    const skuText = get(sku, GCP_COLUMNS.sku);
    const compute = name !== '' && isGceInstance(get(service, GCP_COLUMNS.service), skuText, global);
    const spot = /\b(Spot|Preemptible)\b/i.test(skuText);
    yield { type: 'usage', provider: 'gcp', resourceId: name, project: proj, startMs, endMs, costUsd, kind: spot ? 'spot' : 'on-demand', listCostUsd: undefined, usageHours: undefined, compute };
    const creditColumn = creditCol ?? (row.value('credits') !== undefined ? 'credits' : undefined);
    if (creditColumn !== undefined) {
      for (const c of credits(table, row, creditColumn)) {
        if (c.amountUsd === 0) continue;
        yield { type: 'discount', provider: 'gcp', resourceId: name, project: proj, startMs, endMs, amountUsd: Math.min(0, c.amountUsd), what: c.commitment ? 'commitment' : 'discount' };
      }
    }
  }
}
