import assert from 'node:assert/strict';
import { test } from 'node:test';
import { egressCost, egressHourlyUsd, NETWORK_PRICES } from './network.ts';

const GiB = 1024 ** 3;

test('egress cost = bytes of each destination × its price; unclassified and unknown prices stay unpriced, visibly', () => {
  const cases: { name: string; provider: 'aws' | 'gcp' | 'azure'; egress: { inZoneBytes: number; crossZoneBytes: number; internetBytes: number; unclassifiedBytes: number }; usd: number; unpricedBytes: number }[] = [
    // 10 GiB in-zone free + 5 GiB cross-zone × $0.02 + 2 GiB internet × $0.09 = 0.10 + 0.18 = $0.28
    { name: 'aws', provider: 'aws', egress: { inZoneBytes: 10 * GiB, crossZoneBytes: 5 * GiB, internetBytes: 2 * GiB, unclassifiedBytes: 1000 }, usd: 0.28, unpricedBytes: 1000 },
    // 5 GiB × $0.01 + 2 GiB × $0.12 = 0.05 + 0.24 = $0.29
    { name: 'gcp', provider: 'gcp', egress: { inZoneBytes: 10 * GiB, crossZoneBytes: 5 * GiB, internetBytes: 2 * GiB, unclassifiedBytes: 0 }, usd: 0.29, unpricedBytes: 0 },
    // cross-zone free; internet has no price in the sheet: its 2 GiB are unpriced, not $0
    { name: 'azure', provider: 'azure', egress: { inZoneBytes: 10 * GiB, crossZoneBytes: 5 * GiB, internetBytes: 2 * GiB, unclassifiedBytes: 7 }, usd: 0, unpricedBytes: 2 * GiB + 7 },
    // 512 MiB cross-zone on AWS: 0.5 × $0.02 = $0.01
    { name: 'half a GiB', provider: 'aws', egress: { inZoneBytes: 0, crossZoneBytes: GiB / 2, internetBytes: 0, unclassifiedBytes: 0 }, usd: 0.01, unpricedBytes: 0 },
  ];
  for (const c of cases) {
    const got = egressCost(c.egress, NETWORK_PRICES[c.provider]);
    assert.ok(Math.abs(got.usd - c.usd) < 1e-12, `${c.name}: ${got.usd} ≠ ${c.usd}`);
    assert.equal(got.unpricedBytes, c.unpricedBytes, c.name);
    assert.ok(got.usd >= 0 && Number.isFinite(got.usd));
  }
});

test('hourly rate from an interval: 1 GiB to the internet in 15 s on GCP is $0.12 × 240 = $28.80 an hour', () => {
  const r = egressHourlyUsd({ inZoneBytes: 0, crossZoneBytes: 0, internetBytes: GiB, unclassifiedBytes: 0 }, 15, NETWORK_PRICES.gcp);
  assert.ok(Math.abs(r.hourlyUsd - 28.8) < 1e-9);
  assert.throws(() => egressHourlyUsd({ inZoneBytes: 0, crossZoneBytes: 0, internetBytes: 0, unclassifiedBytes: 0 }, 0, NETWORK_PRICES.gcp), /egress interval must be positive seconds \(got 0\)/);
});

test('every sheet says where its figures come from, and no figure is negative', () => {
  for (const sheet of Object.values(NETWORK_PRICES)) {
    assert.ok(sheet.sources.length > 0);
    for (const v of [sheet.inZonePerGibUsd, sheet.crossZonePerGibUsd, sheet.internetPerGibUsd]) assert.ok(v === undefined || v >= 0);
  }
});
