// The bill as the reconciliation sees it, whatever the provider: usage charges of one resource over
// one period at their effective (amortized) cost, and discounts. Each provider's reader turns its
// own columns into these (aws-cur.ts, azure-export.ts, gcp-export.ts). Pure types and helpers.

export type BillProvider = 'aws' | 'azure' | 'gcp';

/** How the usage was bought: decides the reason a billed price differs from the list estimate. */
export type PurchaseKind = 'on-demand' | 'spot' | 'reserved' | 'savings-plan';

export const PURCHASE_KINDS: readonly PurchaseKind[] = ['on-demand', 'spot', 'reserved', 'savings-plan'];

/** Usage of one resource over [startMs, endMs) at its effective cost. */
export interface UsageCharge {
  readonly type: 'usage';
  readonly provider: BillProvider;
  /** The resource as the bill names it ('' when the line names none, e.g. an S3 request charge). */
  readonly resourceId: string;
  /** GCP: the project the resource is in, when the export says (`project.id`); '' otherwise. */
  readonly project: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Effective cost in USD: amortized RI/savings-plan cost, spot price, or on-demand cost. */
  readonly costUsd: number;
  readonly kind: PurchaseKind;
  /** The public on-demand cost of the same usage when the bill says (AWS pricing/publicOnDemandCost). */
  readonly listCostUsd: number | undefined;
  /** Hours of instance usage the charge covers when the bill says (AWS BoxUsage amount), else undefined. */
  readonly usageHours: number | undefined;
  /** True for the compute of a virtual machine (the charges nodes are matched against). */
  readonly compute: boolean;
}

/** A discount (negative amount): of one resource, or of the whole bill when resourceId is ''. */
export interface DiscountCharge {
  readonly type: 'discount';
  readonly provider: BillProvider;
  readonly resourceId: string;
  readonly project: string;
  readonly startMs: number;
  readonly endMs: number;
  /** ≤ 0. */
  readonly amountUsd: number;
  /** `commitment` for GCP committed-use credits (reported with RI/SP coverage), else `discount`. */
  readonly what: 'discount' | 'commitment';
}

export type BillCharge = UsageCharge | DiscountCharge;
