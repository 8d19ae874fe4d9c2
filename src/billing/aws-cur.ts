// AWS Cost and Usage Report lines → charges, with the amortization the bill's own columns give:
//   Usage                    on-demand (or spot when the usage type says SpotUsage): lineItem/UnblendedCost
//   DiscountedUsage          covered by a reserved instance: reservation/EffectiveCost (upfront amortized + recurring)
//   SavingsPlanCoveredUsage  covered by a savings plan: savingsPlan/SavingsPlanEffectiveCost
//   SavingsPlanNegation      cancels the covered usage's on-demand cost in the unblended view: already
//                            left out here, since the covered line is taken at its effective cost
//   Discount, EdpDiscount, PrivateRateDiscount, BundledDiscount   negative amounts: on their resource,
//                            or spread over the hour's usage in proportion to cost when they name none
//   RIFee, SavingsPlanRecurringFee, SavingsPlanUpfrontFee, Fee, Tax, Credit, Refund   not usage of a
//                            resource: the effective costs above already carry the used part of the fees
// Both header styles: the legacy `lineItem/ResourceId` and CUR 2.0 (Data Exports) snake case
// `line_item_resource_id`. Column names from the AWS CUR data dictionary.
import type { BillCharge } from './charges.ts';
import { BillParseError } from './errors.ts';
import type { BillRow, RowTable } from './rows.ts';
import { num, pick, text, time } from './values.ts';

/** One CUR line, in the units the amortization needs. */
export interface AwsCurLine {
  readonly lineItemType: string;
  readonly resourceId: string;
  readonly productCode: string;
  readonly usageType: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly unblendedCostUsd: number;
  readonly usageAmount: number;
  /** reservation/EffectiveCost (DiscountedUsage lines). */
  readonly reservationEffectiveCostUsd: number;
  /** savingsPlan/SavingsPlanEffectiveCost (SavingsPlanCoveredUsage lines). */
  readonly savingsPlanEffectiveCostUsd: number;
  /** pricing/publicOnDemandCost, when the report has it. */
  readonly publicOnDemandCostUsd: number | undefined;
}

/** The CUR columns read, as [legacy, CUR 2.0] as the data dictionary spells them (compared in lower case). */
export const AWS_COLUMNS = {
  lineItemType: ['lineItem/LineItemType', 'line_item_line_item_type'],
  resourceId: ['lineItem/ResourceId', 'line_item_resource_id'],
  productCode: ['lineItem/ProductCode', 'line_item_product_code'],
  usageType: ['lineItem/UsageType', 'line_item_usage_type'],
  start: ['lineItem/UsageStartDate', 'line_item_usage_start_date'],
  end: ['lineItem/UsageEndDate', 'line_item_usage_end_date'],
  unblendedCost: ['lineItem/UnblendedCost', 'line_item_unblended_cost'],
  usageAmount: ['lineItem/UsageAmount', 'line_item_usage_amount'],
  currency: ['lineItem/CurrencyCode', 'line_item_currency_code'],
  reservationEffectiveCost: ['reservation/EffectiveCost', 'reservation_effective_cost'],
  savingsPlanEffectiveCost: ['savingsPlan/SavingsPlanEffectiveCost', 'savings_plan_savings_plan_effective_cost'],
  publicOnDemandCost: ['pricing/publicOnDemandCost', 'pricing_public_on_demand_cost'],
} as const;

/** Whether a table's header is a CUR's. */
export function isAwsCur(columns: ReadonlySet<string>): boolean {
  return pickAws(columns, AWS_COLUMNS.lineItemType) !== undefined;
}

function pickAws(columns: ReadonlySet<string>, names: readonly string[]): string | undefined {
  return pick(
    columns,
    names.map((n) => n.toLowerCase()),
  );
}

const DISCOUNT_TYPES = new Set(['Discount', 'EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount', 'DiscountedUsageDiscount']);

/** An EC2 instance hour (BoxUsage, SpotUsage, DedicatedUsage, HostUsage...) rather than EBS, data transfer or an IP. */
export function isInstanceUsage(line: Pick<AwsCurLine, 'productCode' | 'resourceId' | 'usageType'>): boolean {
  if (!line.resourceId.startsWith('i-')) return false;
  if (line.productCode !== '' && line.productCode !== 'AmazonEC2') return false;
  return /(^|[-:])(BoxUsage|SpotUsage|DedicatedUsage|HostUsage|UnusedBox|ReservedHostUsage)/.test(line.usageType) || line.usageType === '';
}

/** The charge a CUR line stands for at its amortized cost; undefined for lines that are no resource's usage. Pure. */
export function amortizeAwsLine(line: AwsCurLine): BillCharge | undefined {
  const base = { provider: 'aws' as const, resourceId: line.resourceId, project: '', startMs: line.startMs, endMs: line.endMs };
  const compute = isInstanceUsage(line);
  const usageHours = compute && line.usageAmount > 0 ? line.usageAmount : undefined;
  switch (line.lineItemType) {
    case 'Usage': {
      const spot = /SpotUsage/.test(line.usageType);
      return { type: 'usage', ...base, costUsd: line.unblendedCostUsd, kind: spot ? 'spot' : 'on-demand', listCostUsd: line.publicOnDemandCostUsd, usageHours, compute };
    }
    case 'DiscountedUsage':
      return { type: 'usage', ...base, costUsd: line.reservationEffectiveCostUsd, kind: 'reserved', listCostUsd: line.publicOnDemandCostUsd ?? line.unblendedCostUsd, usageHours, compute };
    case 'SavingsPlanCoveredUsage':
      return { type: 'usage', ...base, costUsd: line.savingsPlanEffectiveCostUsd, kind: 'savings-plan', listCostUsd: line.publicOnDemandCostUsd ?? line.unblendedCostUsd, usageHours, compute };
    case 'SavingsPlanNegation':
      return undefined;
    default:
      if (DISCOUNT_TYPES.has(line.lineItemType)) {
        if (line.unblendedCostUsd === 0) return undefined;
        return { type: 'discount', ...base, resourceId: line.resourceId.startsWith('i-') ? line.resourceId : '', amountUsd: Math.min(0, line.unblendedCostUsd), what: 'discount' };
      }
      return undefined;
  }
}

/** Reads the charges of a CUR table (one row at a time). */
export async function* readAwsCur(table: RowTable): AsyncGenerator<BillCharge> {
  const { file, columns } = table;
  // Errors name a missing column as this report would spell it: legacy `lineItem/...` or CUR 2.0.
  const legacy = [...columns].some((c) => c.includes('/'));
  const spelled = (names: readonly string[]) => (legacy ? names[0] : names[1]) ?? '';
  const col = (names: readonly string[], required: string | undefined): string | undefined => {
    const c = pickAws(columns, names);
    if (c === undefined && required !== undefined) throw new BillParseError(file, 1, spelled(names), '', required);
    return c;
  };
  const lineItemType = col(AWS_COLUMNS.lineItemType, 'no line item type column: not a Cost and Usage Report header') as string;
  const resourceId = col(AWS_COLUMNS.resourceId, "no resource id column: turn on 'Include resource IDs' in the report definition") as string;
  const start = col(AWS_COLUMNS.start, 'no usage start date column') as string;
  const end = col(AWS_COLUMNS.end, 'no usage end date column') as string;
  const unblended = col(AWS_COLUMNS.unblendedCost, 'no unblended cost column') as string;
  const productCode = col(AWS_COLUMNS.productCode, undefined);
  const usageType = col(AWS_COLUMNS.usageType, undefined);
  const usageAmount = col(AWS_COLUMNS.usageAmount, undefined);
  const currency = col(AWS_COLUMNS.currency, undefined);
  const riCost = col(AWS_COLUMNS.reservationEffectiveCost, undefined);
  const spCost = col(AWS_COLUMNS.savingsPlanEffectiveCost, undefined);
  const publicCost = col(AWS_COLUMNS.publicOnDemandCost, undefined);
  const need = (row: BillRow, c: string | undefined, names: readonly string[], type: string): string => {
    if (c === undefined) throw new BillParseError(file, row.line, spelled(names), type, `a ${type} line but the report has no ${spelled(names)} column to amortize it`);
    return c;
  };
  for await (const row of table.rows) {
    const type = text(row, lineItemType);
    if (currency !== undefined) {
      const cur = text(row, currency);
      if (cur !== '' && cur !== 'USD') throw new BillParseError(file, row.line, table.display(currency), cur, 'costs in a currency other than USD (kube-cost-exporter prices in USD)');
    }
    const line: AwsCurLine = {
      lineItemType: type,
      resourceId: text(row, resourceId),
      productCode: productCode === undefined ? '' : text(row, productCode),
      usageType: usageType === undefined ? '' : text(row, usageType),
      startMs: time(table, row, start),
      endMs: time(table, row, end),
      unblendedCostUsd: num(table, row, unblended, 'required'),
      usageAmount: usageAmount === undefined ? 0 : num(table, row, usageAmount),
      reservationEffectiveCostUsd: type === 'DiscountedUsage' ? num(table, row, need(row, riCost, AWS_COLUMNS.reservationEffectiveCost, type), 'required') : 0,
      savingsPlanEffectiveCostUsd: type === 'SavingsPlanCoveredUsage' ? num(table, row, need(row, spCost, AWS_COLUMNS.savingsPlanEffectiveCost, type), 'required') : 0,
      publicOnDemandCostUsd: publicCost === undefined || text(row, publicCost) === '' ? undefined : num(table, row, publicCost),
    };
    if (line.endMs < line.startMs) throw new BillParseError(file, row.line, table.display(end), text(row, end), `usage ends before it starts (${text(row, start)})`);
    const charge = amortizeAwsLine(line);
    if (charge) yield charge;
  }
}
