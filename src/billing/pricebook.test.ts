// The billing layer of the price book: billed rate for the hours the bill covers, carried forward
// for a while past its end, then the layer below again; never a zero price.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodePriceQuery, PriceBook } from '../core/pricing.ts';
import { BillAccumulator } from './bill.ts';
import { billedRateIndex, createBillingPriceBook } from './pricebook.ts';

const H = 3_600_000;
const T = Date.UTC(2026, 11, 1);
const base: PriceBook = {
  node: () => ({ price: { kind: 'instance', hourlyUsd: 0.192 }, onDemand: { kind: 'instance', hourlyUsd: 0.192 }, source: 'catalog' }),
  storage: () => ({ gibMonthUsd: 0.08, source: 'catalog' }),
  loadBalancer: () => ({ hourlyUsd: 0.0225, source: 'catalog' }),
  clusterManagement: () => ({ hourlyUsd: 0.1, source: 'catalog' }),
};
const query = (providerId: string | undefined): NodePriceQuery => ({
  nodeName: 'n1',
  provider: 'aws',
  instanceType: 'm5.xlarge',
  region: 'us-east-1',
  zone: 'us-east-1a',
  capacityType: 'on-demand',
  capacity: { cpuMillicores: 4000, ramBytes: 16 * 2 ** 30, gpus: 0 },
  labels: {},
  ...(providerId !== undefined ? { providerId } : {}),
});

test('billing price layer: covered hours, carry-forward, fallback to the layer below', () => {
  const acc = new BillAccumulator();
  const usage = (id: string, startMs: number, costUsd: number) =>
    acc.add({ type: 'usage', provider: 'aws', resourceId: id, project: '', startMs, endMs: startMs + H, costUsd, kind: 'reserved', listCostUsd: 0.192, usageHours: 1, compute: true });
  usage('i-ri', T, 0.121);
  usage('i-ri', T + H, 0.121);
  // Fully credited hour: 0 billed.
  usage('i-free', T, 0);
  const index = billedRateIndex(acc.finish());
  const table: { name: string; providerId: string | undefined; nowMs: number; hourlyUsd: number; source: string }[] = [
    { name: 'inside a billed hour', providerId: 'aws:///us-east-1a/i-ri', nowMs: T + 30 * 60_000, hourlyUsd: 0.121, source: 'billing' },
    { name: 'past the bill, within 48 h', providerId: 'aws:///us-east-1a/i-ri', nowMs: T + 2 * H + 47 * H, hourlyUsd: 0.121, source: 'billing' },
    { name: 'past the carry-forward', providerId: 'aws:///us-east-1a/i-ri', nowMs: T + 2 * H + 48 * H, hourlyUsd: 0.192, source: 'catalog' },
    { name: 'before the bill', providerId: 'aws:///us-east-1a/i-ri', nowMs: T - 1, hourlyUsd: 0.192, source: 'catalog' },
    { name: 'instance not on the bill', providerId: 'aws:///us-east-1a/i-other', nowMs: T, hourlyUsd: 0.192, source: 'catalog' },
    { name: 'no providerID', providerId: undefined, nowMs: T, hourlyUsd: 0.192, source: 'catalog' },
    { name: 'billed 0: the estimate stays', providerId: 'aws:///us-east-1a/i-free', nowMs: T, hourlyUsd: 0.192, source: 'catalog' },
  ];
  for (const row of table) {
    const book = createBillingPriceBook(base, { rates: () => index, now: () => row.nowMs, carryForwardMs: 48 * H });
    const a = book.node(query(row.providerId));
    assert.deepEqual(a.price, { kind: 'instance', hourlyUsd: row.hourlyUsd }, row.name);
    assert.equal(a.source, row.source, row.name);
    assert.deepEqual(a.onDemand, { kind: 'instance', hourlyUsd: 0.192 }, `${row.name}: on-demand reference kept`);
  }
  const free = createBillingPriceBook(base, { rates: () => index, now: () => T, carryForwardMs: 0 }).node(query('aws:///us-east-1a/i-free'));
  assert.equal(free.fallbackReason, 'node n1: the bill says aws:///us-east-1a/i-free cost 0 USD per hour (fully discounted or credited); kept the estimate');
  // Before the first read: the layer below.
  assert.equal(createBillingPriceBook(base, { rates: () => undefined, now: () => T, carryForwardMs: 0 }).node(query('aws:///us-east-1a/i-ri')).source, 'catalog');
});
