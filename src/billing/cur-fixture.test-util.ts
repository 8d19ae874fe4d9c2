// Generated AWS Cost and Usage Report lines for tests and the benchmark: a month (or any number of
// hours) of a small cluster's EC2 instances, one line per instance-hour, with the line types of a
// real report (Usage, SpotUsage, DiscountedUsage, SavingsPlanCoveredUsage + SavingsPlanNegation,
// RIFee, an S3 line, a bill-wide EdpDiscount) in the legacy or CUR 2.0 header style, written as CSV,
// CSV.gz or Parquet. Every figure is chosen so the expectations can be computed by hand.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';

export const HOUR = 3_600_000;
export const NOV_2026 = Date.UTC(2026, 10, 1);

export interface FixtureInstance {
  readonly id: string;
  readonly lineItemType: 'Usage' | 'DiscountedUsage' | 'SavingsPlanCoveredUsage';
  readonly usageType: string;
  /** lineItem/UnblendedCost (the on-demand cost for SP-covered lines, 0 for RI-covered). */
  readonly unblendedUsd: number;
  /** The effective cost: unblended, reservation/EffectiveCost or savingsPlan/SavingsPlanEffectiveCost. */
  readonly effectiveUsd: number;
  readonly publicOnDemandUsd: number;
}

/** The test cluster's instances plus one VM that is no node of it. */
export const INSTANCES: readonly FixtureInstance[] = [
  { id: 'i-0od', lineItemType: 'Usage', usageType: 'USE1-BoxUsage:m5.xlarge', unblendedUsd: 0.192, effectiveUsd: 0.192, publicOnDemandUsd: 0.192 },
  { id: 'i-0spot', lineItemType: 'Usage', usageType: 'USE1-SpotUsage:m5.xlarge', unblendedUsd: 0.0672, effectiveUsd: 0.0672, publicOnDemandUsd: 0.192 },
  { id: 'i-0ri', lineItemType: 'DiscountedUsage', usageType: 'USE1-BoxUsage:m5.xlarge', unblendedUsd: 0, effectiveUsd: 0.121, publicOnDemandUsd: 0.192 },
  { id: 'i-0sp', lineItemType: 'SavingsPlanCoveredUsage', usageType: 'USE1-BoxUsage:c5.2xlarge', unblendedUsd: 0.34, effectiveUsd: 0.238, publicOnDemandUsd: 0.34 },
  { id: 'i-0other', lineItemType: 'Usage', usageType: 'USE1-BoxUsage:m5.4xlarge', unblendedUsd: 0.5, effectiveUsd: 0.5, publicOnDemandUsd: 0.768 },
];
/** S3 storage per hour: usage that is no VM, but shares the bill-wide discount. */
export const S3_HOURLY_USD = 0.087;
/** The EDP discount: 3% of every hour's usage. */
export const EDP_RATE = 0.03;

export type HeaderStyle = 'legacy' | 'cur2';

const LEGACY = [
  'identity/LineItemId',
  'identity/TimeInterval',
  'lineItem/UsageStartDate',
  'lineItem/UsageEndDate',
  'lineItem/LineItemType',
  'lineItem/ProductCode',
  'lineItem/UsageType',
  'lineItem/ResourceId',
  'lineItem/UsageAmount',
  'lineItem/CurrencyCode',
  'lineItem/UnblendedCost',
  'pricing/publicOnDemandCost',
  'reservation/EffectiveCost',
  'savingsPlan/SavingsPlanEffectiveCost',
  'lineItem/LineItemDescription',
] as const;
const CUR2 = [
  'identity_line_item_id',
  'identity_time_interval',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_line_item_type',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_resource_id',
  'line_item_usage_amount',
  'line_item_currency_code',
  'line_item_unblended_cost',
  'pricing_public_on_demand_cost',
  'reservation_effective_cost',
  'savings_plan_savings_plan_effective_cost',
  'line_item_line_item_description',
] as const;

export function header(style: HeaderStyle): readonly string[] {
  return style === 'legacy' ? LEGACY : CUR2;
}

type Cell = string | number | Date;

/** The lines of hours [fromMs, fromMs + hours·1h): rows of cells in header order. */
export function* curRows(options: { fromMs?: number; hours: number; instances?: readonly FixtureInstance[] }): Generator<Cell[]> {
  const { fromMs = NOV_2026, hours, instances = INSTANCES } = options;
  let n = 0;
  for (let h = 0; h < hours; h++) {
    const s = new Date(fromMs + h * HOUR);
    const e = new Date(fromMs + (h + 1) * HOUR);
    const interval = `${s.toISOString().slice(0, 19)}Z/${e.toISOString().slice(0, 19)}Z`;
    const row = (type: string, product: string, usageType: string, resource: string, amount: number, unblended: number, publicCost: number | '', ri: number | '', sp: number | '', what: string): Cell[] => [
      `li-${n++}`,
      interval,
      s,
      e,
      type,
      product,
      usageType,
      resource,
      amount,
      'USD',
      unblended,
      publicCost,
      ri,
      sp,
      what,
    ];
    let total = S3_HOURLY_USD;
    for (const i of instances) {
      total += i.effectiveUsd;
      yield row(i.lineItemType, 'AmazonEC2', i.usageType, i.id, 1, i.unblendedUsd, i.publicOnDemandUsd, i.lineItemType === 'DiscountedUsage' ? i.effectiveUsd : '', i.lineItemType === 'SavingsPlanCoveredUsage' ? i.effectiveUsd : '', `${i.usageType}, "hourly"`);
      if (i.lineItemType === 'SavingsPlanCoveredUsage') yield row('SavingsPlanNegation', 'AmazonEC2', i.usageType, i.id, 1, -i.unblendedUsd, '', '', '', 'SavingsPlanNegation');
    }
    yield row('Usage', 'AmazonS3', 'USE1-TimedStorage-ByteHrs', 'my-bucket', 2.5, S3_HOURLY_USD, S3_HOURLY_USD, '', '', 'S3 storage');
    yield row('RIFee', 'AmazonEC2', 'USE1-HeavyUsage:m5.xlarge', '', 1, 0.071, '', '', '', 'RI fee');
    yield row('EdpDiscount', 'AmazonEC2', '', '', 1, -EDP_RATE * total, '', '', '', 'Enterprise discount');
  }
}

function cellText(c: Cell, style: HeaderStyle): string {
  if (c instanceof Date) return style === 'legacy' ? `${c.toISOString().slice(0, 19)}Z` : c.toISOString().replace('T', ' ').slice(0, 19);
  const s = String(c);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes the rows as CSV (gzip when the path ends in .gz), streamed: the file can be larger than memory. */
export async function writeCurCsv(path: string, style: HeaderStyle, rows: Iterable<Cell[]>): Promise<void> {
  const out = createWriteStream(path);
  const sink = path.endsWith('.gz') ? createGzip({ level: 6 }) : undefined;
  if (sink) sink.pipe(out);
  const w = sink ?? out;
  const write = async (s: string) => {
    if (!w.write(s)) await once(w, 'drain');
  };
  await write(`${header(style).join(',')}\n`);
  let buf = '';
  for (const r of rows) {
    buf += `${r.map((c) => cellText(c, style)).join(',')}\n`;
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  w.end();
  await once(out, 'finish');
}

/** Writes CUR 2.0 Parquet (timestamps as TIMESTAMP, costs as DOUBLE, small row groups to exercise the reader). */
export async function writeCurParquet(path: string, rows: Iterable<Cell[]>, rowGroupSize = 1000): Promise<void> {
  const cols = header('cur2');
  const data: Cell[][] = cols.map(() => []);
  for (const r of rows) {
    r.forEach((c, i) => {
      (data[i] as Cell[]).push(c);
    });
  }
  const numeric = new Set(['line_item_usage_amount', 'line_item_unblended_cost', 'pricing_public_on_demand_cost', 'reservation_effective_cost', 'savings_plan_savings_plan_effective_cost']);
  const columnData = cols.map((name, i) => {
    const values = data[i] as Cell[];
    if (name.endsWith('_date')) return { name, data: values as Date[], type: 'TIMESTAMP' as const };
    if (numeric.has(name)) return { name, data: values.map((v) => (v === '' ? null : Number(v))), type: 'DOUBLE' as const, nullable: true };
    return { name, data: values.map(String), type: 'STRING' as const };
  });
  await writeFile(path, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize })));
}
