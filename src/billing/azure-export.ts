// Azure Cost Management exports (cost details CSV, actual or amortized) → charges. Columns are
// matched case-insensitively: EA exports write `CostInBillingCurrency`, MCA `costInBillingCurrency`
// and `costInUsd`, older usage-details files `Cost`/`PreTaxCost` and `InstanceId`. One row is one
// meter of one resource for one day (`Date`). `PricingModel` says OnDemand, Reservation, SavingsPlan
// or Spot. In an *amortized* export the reservation and savings-plan rows carry their share of the
// commitment; in an *actual* export they are 0 (the purchase is a separate row), so those zero rows
// are not taken as the price of the VM: they count as not billed, and docs/billing.md says to export
// amortized costs. Purchase and refund rows are not usage of a resource.
import type { BillCharge, PurchaseKind } from './charges.ts';
import { BillParseError } from './errors.ts';
import type { RowTable } from './rows.ts';
import { num, pick, text, time } from './values.ts';

export const AZURE_COLUMNS = {
  date: ['date', 'usagedatetime', 'usagedate'],
  costUsd: ['costinusd', 'costinusd '],
  cost: ['costinbillingcurrency', 'cost', 'pretaxcost'],
  currency: ['billingcurrency', 'billingcurrencycode', 'currency'],
  resourceId: ['resourceid', 'instanceid', 'instancename'],
  pricingModel: ['pricingmodel'],
  chargeType: ['chargetype'],
  meterCategory: ['metercategory'],
  meterName: ['metername', 'meter'],
} as const;

export function isAzureExport(columns: ReadonlySet<string>): boolean {
  return pick(columns, AZURE_COLUMNS.date) !== undefined && pick(columns, AZURE_COLUMNS.resourceId) !== undefined && (pick(columns, AZURE_COLUMNS.cost) !== undefined || pick(columns, AZURE_COLUMNS.costUsd) !== undefined);
}

const DAY_MS = 86_400_000;

/** A virtual machine or scale-set instance's resource id (compute, not its disks or IPs). */
export function isAzureVm(resourceId: string): boolean {
  const id = resourceId.toLowerCase();
  return id.includes('/providers/microsoft.compute/virtualmachines/') || id.includes('/providers/microsoft.compute/virtualmachinescalesets/');
}

function kindOf(pricingModel: string, meterName: string): PurchaseKind {
  const p = pricingModel.toLowerCase().replace(/[\s_-]/g, '');
  if (p === 'reservation') return 'reserved';
  if (p === 'savingsplan') return 'savings-plan';
  if (p === 'spot' || /\bspot\b/i.test(meterName) || /low priority/i.test(meterName)) return 'spot';
  return 'on-demand';
}

export async function* readAzureExport(table: RowTable): AsyncGenerator<BillCharge> {
  const { file, columns } = table;
  const date = pick(columns, AZURE_COLUMNS.date) as string;
  const resourceId = pick(columns, AZURE_COLUMNS.resourceId) as string;
  const costUsd = pick(columns, AZURE_COLUMNS.costUsd);
  const cost = costUsd ?? (pick(columns, AZURE_COLUMNS.cost) as string);
  const currency = costUsd === undefined ? pick(columns, AZURE_COLUMNS.currency) : undefined;
  const pricingModel = pick(columns, AZURE_COLUMNS.pricingModel);
  const chargeType = pick(columns, AZURE_COLUMNS.chargeType);
  const meterCategory = pick(columns, AZURE_COLUMNS.meterCategory);
  const meterName = pick(columns, AZURE_COLUMNS.meterName);
  for await (const row of table.rows) {
    if (currency !== undefined) {
      const c = text(row, currency);
      if (c !== '' && c.toUpperCase() !== 'USD') throw new BillParseError(file, row.line, table.display(currency), c, 'costs in a currency other than USD and no costInUsd column (kube-cost-exporter prices in USD)');
    }
    const charge = chargeType === undefined ? 'usage' : text(row, chargeType).toLowerCase();
    const startMs = time(table, row, date);
    const amount = num(table, row, cost, 'required');
    if (charge === 'purchase' || charge === 'refund' || charge === 'tax' || charge === 'roundingadjustment') continue;
    const id = text(row, resourceId);
    const category = meterCategory === undefined ? '' : text(row, meterCategory);
    const compute = isAzureVm(id) && (category === '' || /virtual machines/i.test(category));
    const kind = kindOf(pricingModel === undefined ? '' : text(row, pricingModel), meterName === undefined ? '' : text(row, meterName));
    const endMs = Math.floor(startMs / DAY_MS) * DAY_MS + DAY_MS;
    if (charge === 'unusedreservation' || charge === 'unusedsavingsplan') continue;
    if ((kind === 'reserved' || kind === 'savings-plan') && amount === 0) continue; // actual-cost export: no amortized price here
    yield { type: 'usage', provider: 'azure', resourceId: id, project: '', startMs: Math.floor(startMs / DAY_MS) * DAY_MS, endMs, costUsd: amount, kind, listCostUsd: undefined, usageHours: undefined, compute };
  }
}
