// Amortization of CUR lines, table-driven: each row is one line and the charge it stands for, with
// the figure computed by hand in the comment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AwsCurLine } from './aws-cur.ts';
import { amortizeAwsLine } from './aws-cur.ts';
import { BillAccumulator, periodNetUsd } from './bill.ts';

const H = Date.UTC(2026, 10, 1, 10);
const line = (over: Partial<AwsCurLine>): AwsCurLine => ({
  lineItemType: 'Usage',
  resourceId: 'i-0aaa',
  productCode: 'AmazonEC2',
  usageType: 'USE1-BoxUsage:m5.xlarge',
  startMs: H,
  endMs: H + 3_600_000,
  unblendedCostUsd: 0,
  usageAmount: 1,
  reservationEffectiveCostUsd: 0,
  savingsPlanEffectiveCostUsd: 0,
  publicOnDemandCostUsd: undefined,
  ...over,
});

test('amortizeAwsLine: each line type at its effective cost', () => {
  const table: { name: string; line: AwsCurLine; expected: { type: string; kind?: string; costUsd?: number; amountUsd?: number; resourceId?: string; compute?: boolean } | undefined }[] = [
    // On-demand: what was paid, 0.192 $/h for an m5.xlarge.
    { name: 'Usage on-demand', line: line({ unblendedCostUsd: 0.192 }), expected: { type: 'usage', kind: 'on-demand', costUsd: 0.192, compute: true } },
    // Spot: the SpotUsage usage type; the unblended cost is the spot price paid.
    { name: 'Usage spot', line: line({ usageType: 'USE1-SpotUsage:m5.xlarge', unblendedCostUsd: 0.0672 }), expected: { type: 'usage', kind: 'spot', costUsd: 0.0672, compute: true } },
    // RI: unblended 0 (the fee is in RIFee); effective = amortized upfront 0.05 + recurring 0.071 = 0.121.
    { name: 'DiscountedUsage', line: line({ lineItemType: 'DiscountedUsage', unblendedCostUsd: 0, reservationEffectiveCostUsd: 0.121 }), expected: { type: 'usage', kind: 'reserved', costUsd: 0.121 } },
    // SP: unblended 0.34 on-demand (cancelled by the negation), effective 0.238 (30% off).
    { name: 'SavingsPlanCoveredUsage', line: line({ lineItemType: 'SavingsPlanCoveredUsage', unblendedCostUsd: 0.34, savingsPlanEffectiveCostUsd: 0.238 }), expected: { type: 'usage', kind: 'savings-plan', costUsd: 0.238 } },
    // The negation only cancels the on-demand unblended cost, which amortization never counted.
    { name: 'SavingsPlanNegation', line: line({ lineItemType: 'SavingsPlanNegation', unblendedCostUsd: -0.34 }), expected: undefined },
    // Fees are carried by the effective costs of the lines they cover.
    { name: 'RIFee', line: line({ lineItemType: 'RIFee', resourceId: '', unblendedCostUsd: 87.6 }), expected: undefined },
    { name: 'SavingsPlanRecurringFee', line: line({ lineItemType: 'SavingsPlanRecurringFee', resourceId: 'arn:aws:savingsplans::1:savingsplan/x', unblendedCostUsd: 10 }), expected: undefined },
    { name: 'Tax', line: line({ lineItemType: 'Tax', resourceId: '', unblendedCostUsd: 3 }), expected: undefined },
    // Discounts: on the instance they name, or bill-wide ('' resource) when they name none or a non-instance.
    { name: 'EdpDiscount on an instance', line: line({ lineItemType: 'EdpDiscount', unblendedCostUsd: -0.00576 }), expected: { type: 'discount', amountUsd: -0.00576, resourceId: 'i-0aaa' } },
    { name: 'PrivateRateDiscount bill-wide', line: line({ lineItemType: 'PrivateRateDiscount', resourceId: '', unblendedCostUsd: -1.5 }), expected: { type: 'discount', amountUsd: -1.5, resourceId: '' } },
    { name: 'Discount on a bucket', line: line({ lineItemType: 'Discount', resourceId: 'my-bucket', productCode: 'AmazonS3', unblendedCostUsd: -0.2 }), expected: { type: 'discount', amountUsd: -0.2, resourceId: '' } },
    // EBS volume of the instance is not compute.
    { name: 'EBS usage', line: line({ resourceId: 'vol-1', usageType: 'USE1-EBS:VolumeUsage.gp3', unblendedCostUsd: 0.011 }), expected: { type: 'usage', kind: 'on-demand', costUsd: 0.011, compute: false } },
    // Data transfer charged to the instance id is not its compute either.
    { name: 'data transfer on an instance', line: line({ usageType: 'USE1-DataTransfer-Out-Bytes', unblendedCostUsd: 0.09 }), expected: { type: 'usage', kind: 'on-demand', costUsd: 0.09, compute: false } },
  ];
  for (const row of table) {
    const got = amortizeAwsLine(row.line);
    if (row.expected === undefined) {
      assert.equal(got, undefined, row.name);
      continue;
    }
    assert.ok(got, row.name);
    for (const [k, v] of Object.entries(row.expected)) assert.equal((got as unknown as Record<string, unknown>)[k], v, `${row.name}: ${k}`);
  }
});

test('BillAccumulator: a bill-wide discount spread in proportion to cost; an instance discount stays on it', () => {
  const table: { name: string; lines: AwsCurLine[]; expected: Record<string, number> }[] = [
    {
      // Hour total 0.192 + 0.121 + 0.087 (S3) = 0.4; EDP −0.012 = −3% of it. Net: 0.192 × 0.97 = 0.18624,
      // 0.121 × 0.97 = 0.11737 (S3 keeps its share, not a VM).
      name: 'EDP 3% of the hour',
      lines: [
        line({ resourceId: 'i-od', unblendedCostUsd: 0.192 }),
        line({ resourceId: 'i-ri', lineItemType: 'DiscountedUsage', reservationEffectiveCostUsd: 0.121 }),
        line({ resourceId: 'bucket', productCode: 'AmazonS3', usageType: 'USE1-TimedStorage-ByteHrs', unblendedCostUsd: 0.087 }),
        line({ resourceId: '', lineItemType: 'EdpDiscount', unblendedCostUsd: -0.012 }),
      ],
      expected: { 'i-od': 0.18624, 'i-ri': 0.11737 },
    },
    {
      // SP covered 0.34 → 0.238, negation −0.34 ignored, a PrivateRateDiscount of −0.038 on the instance: 0.2.
      name: 'SP with its negation and an own discount',
      lines: [
        line({ resourceId: 'i-sp', lineItemType: 'SavingsPlanCoveredUsage', unblendedCostUsd: 0.34, savingsPlanEffectiveCostUsd: 0.238 }),
        line({ resourceId: 'i-sp', lineItemType: 'SavingsPlanNegation', unblendedCostUsd: -0.34 }),
        line({ resourceId: 'i-sp', lineItemType: 'PrivateRateDiscount', unblendedCostUsd: -0.038 }),
      ],
      expected: { 'i-sp': 0.2 },
    },
    {
      // A daily line (daily-granularity CUR): 24 × 0.1 = 2.4, with a bill-wide discount of −0.24 spread
      // over the same day (only usage in it): 2.16.
      name: 'daily granularity',
      lines: [line({ resourceId: 'i-day', endMs: H + 86_400_000, unblendedCostUsd: 2.4, usageAmount: 24 }), line({ resourceId: '', lineItemType: 'Discount', endMs: H + 86_400_000, unblendedCostUsd: -0.24 })],
      expected: { 'i-day': 2.16 },
    },
  ];
  for (const row of table) {
    const acc = new BillAccumulator();
    for (const l of row.lines) {
      const c = amortizeAwsLine(l);
      if (c) acc.add(c);
    }
    const usage = acc.finish();
    assert.deepEqual([...usage.resources.keys()].sort(), Object.keys(row.expected).sort(), row.name);
    for (const [id, net] of Object.entries(row.expected)) {
      const total = [...(usage.resources.get(id)?.periods.values() ?? [])].reduce((s, p) => s + periodNetUsd(p), 0);
      assert.ok(Math.abs(total - net) < 1e-12, `${row.name} ${id}: ${total} vs ${net}`);
    }
  }
});
