import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkRates, PodEgress } from './network-cost.ts';
import { podNetworkCost } from './network-cost.ts';

const GiB = 1024 ** 3;
const AWS: NetworkRates = { inZonePerGibUsd: 0, crossZonePerGibUsd: 0.02, internetPerGibUsd: 0.09 };
const NO_INTERNET: NetworkRates = { inZonePerGibUsd: 0, crossZonePerGibUsd: 0, internetPerGibUsd: undefined };

test('pod network cost per hour, computed by hand', () => {
  const cases: { name: string; egress: PodEgress; rates: NetworkRates | undefined; hourlyUsd: number; crossZoneHourlyUsd: number; internetHourlyUsd: number; unpricedBytes: number }[] = [
    // 1 GiB cross-zone and 0.5 GiB to the internet in 60 s: ×60 per hour → 60 × 0.02 = 1.20; 30 × 0.09 = 2.70
    { name: 'aws, a minute', egress: { inZoneBytes: 5 * GiB, crossZoneBytes: GiB, internetBytes: GiB / 2, unclassifiedBytes: 100, seconds: 60 }, rates: AWS, hourlyUsd: 3.9, crossZoneHourlyUsd: 1.2, internetHourlyUsd: 2.7, unpricedBytes: 100 },
    // 0.25 GiB to the internet in 15 s: ×240 → 60 GiB an hour × 0.09 = 5.40
    { name: 'aws, 15 s', egress: { inZoneBytes: 0, crossZoneBytes: 0, internetBytes: GiB / 4, unclassifiedBytes: 0, seconds: 15 }, rates: AWS, hourlyUsd: 5.4, crossZoneHourlyUsd: 0, internetHourlyUsd: 5.4, unpricedBytes: 0 },
    // no internet price: its bytes are unpriced, not free
    { name: 'no internet figure', egress: { inZoneBytes: 0, crossZoneBytes: GiB, internetBytes: 7, unclassifiedBytes: 3, seconds: 60 }, rates: NO_INTERNET, hourlyUsd: 0, crossZoneHourlyUsd: 0, internetHourlyUsd: 0, unpricedBytes: 10 },
    // an unknown provider: every byte unpriced
    { name: 'no rates', egress: { inZoneBytes: 1, crossZoneBytes: 2, internetBytes: 3, unclassifiedBytes: 4, seconds: 60 }, rates: undefined, hourlyUsd: 0, crossZoneHourlyUsd: 0, internetHourlyUsd: 0, unpricedBytes: 10 },
    // a zero-length interval cannot be a rate: unpriced
    { name: 'zero seconds', egress: { inZoneBytes: 0, crossZoneBytes: GiB, internetBytes: 0, unclassifiedBytes: 0, seconds: 0 }, rates: AWS, hourlyUsd: 0, crossZoneHourlyUsd: 0, internetHourlyUsd: 0, unpricedBytes: GiB },
  ];
  for (const c of cases) {
    const got = podNetworkCost(c.egress, c.rates);
    const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${c.name} ${what}: ${a} ≠ ${b}`);
    close(got.hourlyUsd, c.hourlyUsd, 'hourly');
    close(got.crossZoneHourlyUsd, c.crossZoneHourlyUsd, 'cross-zone');
    close(got.internetHourlyUsd, c.internetHourlyUsd, 'internet');
    assert.equal(got.unpricedBytes, c.unpricedBytes, `${c.name} unpriced`);
    assert.ok(Number.isFinite(got.hourlyUsd) && got.hourlyUsd >= 0);
  }
});

test('egress by destination: bytes per second over the interval, hourly cost only where there is a price', () => {
  const cases: { name: string; egress: PodEgress; rates: NetworkRates | undefined; expected: [string, number, number | undefined][] }[] = [
    // 5 GiB / 60 s in-zone at $0; 1 GiB / 60 s cross-zone → 1.20 $/h; 0.5 GiB / 60 s internet → 2.70 $/h; 120 B / 60 s = 2 B/s unclassified, no price
    {
      name: 'aws, a minute',
      egress: { inZoneBytes: 5 * GiB, crossZoneBytes: GiB, internetBytes: GiB / 2, unclassifiedBytes: 120, seconds: 60 },
      rates: AWS,
      expected: [
        ['in-zone', (5 * GiB) / 60, 0],
        ['cross-zone', GiB / 60, 1.2],
        ['internet', GiB / 120, 2.7],
        ['unclassified', 2, undefined],
      ],
    },
    // no internet figure: 30 B / 15 s = 2 B/s to the internet, unpriced (not $0)
    {
      name: 'no internet figure',
      egress: { inZoneBytes: 0, crossZoneBytes: 0, internetBytes: 30, unclassifiedBytes: 0, seconds: 15 },
      rates: NO_INTERNET,
      expected: [
        ['in-zone', 0, 0],
        ['cross-zone', 0, 0],
        ['internet', 2, undefined],
        ['unclassified', 0, undefined],
      ],
    },
    // no rates at all: rates without prices
    {
      name: 'no rates',
      egress: { inZoneBytes: 60, crossZoneBytes: 120, internetBytes: 180, unclassifiedBytes: 240, seconds: 60 },
      rates: undefined,
      expected: [
        ['in-zone', 1, undefined],
        ['cross-zone', 2, undefined],
        ['internet', 3, undefined],
        ['unclassified', 4, undefined],
      ],
    },
    // zero seconds: no rate and no price
    {
      name: 'zero seconds',
      egress: { inZoneBytes: 0, crossZoneBytes: GiB, internetBytes: 0, unclassifiedBytes: 0, seconds: 0 },
      rates: AWS,
      expected: [
        ['in-zone', 0, undefined],
        ['cross-zone', 0, undefined],
        ['internet', 0, undefined],
        ['unclassified', 0, undefined],
      ],
    },
  ];
  for (const c of cases) {
    const got = podNetworkCost(c.egress, c.rates).byDestination;
    assert.deepEqual(
      got.map((d) => d.destination),
      c.expected.map((e) => e[0]),
      c.name,
    );
    for (const [i, [destination, bytesPerSecond, hourlyUsd]] of c.expected.entries()) {
      const d = got[i]!;
      assert.ok(Math.abs(d.bytesPerSecond - bytesPerSecond) < 1e-6, `${c.name} ${destination} bytes/s: ${d.bytesPerSecond} ≠ ${bytesPerSecond}`);
      if (hourlyUsd === undefined) assert.equal(d.hourlyUsd, undefined, `${c.name} ${destination} has no price`);
      else assert.ok(d.hourlyUsd !== undefined && Math.abs(d.hourlyUsd - hourlyUsd) < 1e-9, `${c.name} ${destination} $/h: ${d.hourlyUsd} ≠ ${hourlyUsd}`);
    }
  }
});
