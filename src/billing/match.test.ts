// providerID → bill keys, and a scale set billed as a whole shared by its nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BillAccumulator } from './bill.ts';
import { nodeBillKeys } from './match.ts';
import { reconcile } from './reconcile.ts';

const VMSS = '/subscriptions/s1/resourceGroups/MC_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-1';

test('nodeBillKeys: per provider, case-insensitive where the provider is', () => {
  const table: [string | undefined, ReturnType<typeof nodeBillKeys>][] = [
    ['aws:///us-east-1a/i-0abc123', { provider: 'aws', keys: ['i-0abc123'], sharedKey: undefined }],
    ['aws://us-east-1a/i-0abc123', { provider: 'aws', keys: ['i-0abc123'], sharedKey: undefined }],
    ['aws:///us-east-1a/fargate-ip-10-0-0-1', undefined],
    [`azure://${VMSS}/virtualMachines/3`, { provider: 'azure', keys: [`${VMSS.toLowerCase()}/virtualmachines/3`], sharedKey: VMSS.toLowerCase() }],
    ['azure:///subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1', { provider: 'azure', keys: ['/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1'], sharedKey: undefined }],
    ['gce://shop-prod/us-central1-a/gke-prod-pool-1-abcd', { provider: 'gcp', keys: ['shop-prod/gke-prod-pool-1-abcd', 'gke-prod-pool-1-abcd'], sharedKey: undefined }],
    ['kind://docker/kind/kind-control-plane', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [id, expected] of table) assert.deepEqual(nodeBillKeys(id), expected, String(id));
});

test('reconcile: a scale set billed as a whole is split over its nodes in proportion to their estimates', () => {
  const day = Date.UTC(2026, 10, 1);
  const acc = new BillAccumulator();
  // One day of the scale set: 9 $ (an export that does not break scale sets down by instance).
  acc.add({ type: 'usage', provider: 'azure', resourceId: VMSS, project: '', startMs: day, endMs: day + 86_400_000, costUsd: 9, kind: 'on-demand', listCostUsd: undefined, usageHours: undefined, compute: true });
  const usage = acc.finish();
  // Node 0 ran 24 h at 0.2 (4.8 estimated), node 1 ran 12 h at 0.2 (2.4): bill split 2:1 → 6 and 3.
  const hours = [
    ...Array.from({ length: 24 }, (_, h) => ({ node: 'aks-0', providerId: `azure://${VMSS}/virtualMachines/0`, hourStartMs: day + h * 3_600_000, minutes: 60, estimatedUsd: 0.2 })),
    ...Array.from({ length: 12 }, (_, h) => ({ node: 'aks-1', providerId: `azure://${VMSS}/virtualMachines/1`, hourStartMs: day + h * 3_600_000, minutes: 60, estimatedUsd: 0.2 })),
  ];
  const { bills, report } = reconcile({ nodeHours: hours, usage, startMs: day, endMs: day + 86_400_000 });
  const sum = (node: string) => bills.filter((b) => b.node === node).reduce((s, b) => s + b.billedCostUsd, 0);
  assert.ok(Math.abs(sum('aks-0') - 6) < 1e-9);
  assert.ok(Math.abs(sum('aks-1') - 3) < 1e-9);
  assert.equal(report.totals.matchedRatio, 1);
  assert.equal(report.differences[0]?.reason, 'list-price');
});
