import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllocationInterval } from '../../store/types.ts';
import { GIB, HOUR, MIB, MIN, nodeRow, sample, T0 } from './fixtures.test-util.ts';
import type { RightSizingAdvice, ResourceAdvice } from './rightsizing.ts';
import { checkRightSizingOptions, LATENCY_SENSITIVE_ANNOTATION, nodeUnitRates, rightSize } from './rightsizing.ts';

const STEP = 5; // minutes per sample
const END = T0 + 10 * HOUR; // 120 samples of 5 min end here
// n1: 0.08 USD/h for 2 cores → 0.04 USD per core-hour; 0.04 USD/h for 8 GiB → 0.005 USD per GiB-hour.
const RATES = nodeUnitRates([nodeRow({ node: 'n1' })]);

function series(n: number, f: (i: number) => Omit<Parameters<typeof sample>[0], 'startMs' | 'minutes'>, endMs = END): AllocationInterval[] {
  return Array.from({ length: n }, (_, i) => sample({ ...f(i), startMs: endMs - (n - i) * STEP * MIN, minutes: STEP }));
}

const deploy = (name: string) => ({ controller: name, controllerKind: 'deployment' });
const round = (n: number | null) => (n === null ? null : Number(n.toPrecision(9)));

function find(advice: readonly RightSizingAdvice[], name: string): RightSizingAdvice {
  const a = advice.find((x) => x.workload.name === name);
  assert.ok(a, `advice for ${name}`);
  return a;
}

describe('rightSize', () => {
  // api: one pod, CPU cycles through 0.01..0.12 cores (each value 10 times), memory 200 MiB with one
  // 300 MiB sample; requests 0.5 cores and 512 MiB.
  const api = series(120, (i) => ({ pod: 'api-1', ...deploy('api'), cores: ((i % 12) + 1) / 100, bytes: i === 7 ? 300 * MIB : 200 * MIB, requestCores: 0.5, requestBytes: 512 * MIB }));
  // ls: the same CPU pattern, annotated latency-sensitive.
  const ls = series(120, (i) => ({ pod: 'ls-1', ...deploy('ls'), annotations: { [LATENCY_SENSITIVE_ANNOTATION]: 'true' }, cores: ((i % 12) + 1) / 100, bytes: 100 * MIB, requestCores: 0.2, requestBytes: 128 * MIB }));
  // web: two pods with an HPA on CPU; memory 100 MiB used = 100 MiB requested.
  const web = [0, 1].flatMap((p) => series(60, () => ({ pod: `web-${p}`, ...deploy('web'), cores: 0.3, bytes: 100 * MIB, requestCores: 0.25, requestBytes: 100 * MIB })));
  // tiny: usage far below the floors.
  const tiny = series(120, () => ({ pod: 'tiny-1', ...deploy('tiny'), cores: 0.001, bytes: 10 * MIB, requestCores: 0.1, requestBytes: 256 * MIB }));
  // lonely: a bare pod with 50 samples (4 h 10 min): not enough.
  const lonely = series(50, () => ({ pod: 'lonely', cores: 0.1, bytes: 10 * MIB, requestCores: 0.1, requestBytes: 64 * MIB }));
  const { advice, skipped } = rightSize({
    rows: [...api, ...ls, ...web, ...tiny, ...lonely],
    nowMs: END,
    rates: RATES,
    hpas: [{ namespace: 'shop', kind: 'Deployment', name: 'web', resources: ['cpu'] }],
  });

  // Each row: workload, resource, current, suggested, action, monthly saving, monthly extra cost.
  const table: [string, 'cpu' | 'memory', number, number, string, number | null, number | null][] = [
    // p90 of 0.01..0.12 (equal weights per value): cumulative 11/12 ≥ 0.9 first at 0.11; × 1.15 = 0.1265 → 127m.
    // (0.5 − 0.127) × 0.04 × 730 = 10.8916
    ['api', 'cpu', 0.5, 0.127, 'decrease', 10.8916, 0],
    // peak 300 MiB × 1.15 = 345 MiB; (512 − 345) MiB = 0.1630859375 GiB × 0.005 × 730 = 0.595263671875
    ['api', 'memory', 512 * MIB, 345 * MIB, 'decrease', 0.595263672, 0],
    // p95: needs 11.4 of 12 → 0.12 × 1.15 = 0.138; (0.2 − 0.138) × 29.2 = 1.8104
    ['ls', 'cpu', 0.2, 0.138, 'decrease', 1.8104, 0],
    // 100 MiB × 1.15 = 115 MiB > 100 MiB requested: 15 MiB × 2 pods = 0.029296875 GiB × 3.65 = 0.10693359375 more
    ['web', 'memory', 100 * MIB, 115 * MIB, 'increase', 0, 0.106933594],
    // floors: 25m (0.001 × 1.15 = 0.00115 < 0.025) and 64 MiB (11.5 MiB < 64 MiB)
    // (0.1 − 0.025) × 29.2 = 2.19; (256 − 64) MiB = 0.1875 GiB × 3.65 = 0.684375
    ['tiny', 'cpu', 0.1, 0.025, 'decrease', 2.19, 0],
    ['tiny', 'memory', 256 * MIB, 64 * MIB, 'decrease', 0.684375, 0],
  ];
  for (const [name, resource, current, suggested, action, saving, extra] of table) {
    it(`${name} ${resource}: ${current} → ${suggested} (${action})`, () => {
      const a = find(advice, name)[resource];
      assert.ok('action' in a, `${name} ${resource} is advised`);
      const r = a as ResourceAdvice;
      assert.equal(round(r.currentRequest), current);
      assert.equal(round(r.suggestedRequest), suggested);
      assert.equal(r.action, action);
      assert.equal(round(r.monthlySavingUsd), saving);
      assert.equal(round(r.monthlyExtraCostUsd), extra);
    });
  }

  it('sums the resources, states the evidence and a confidence that grows with history', () => {
    const a = find(advice, 'api');
    assert.equal(round(a.monthlySavingUsd), round(10.8916 + 0.595263671875));
    assert.equal(a.replicas, 1);
    assert.equal(a.evidence.samples, 120);
    assert.equal(a.evidence.historyHours, 10);
    assert.equal(round(a.evidence.cpuPercentileCores), 0.11);
    assert.equal(round(a.evidence.cpuPeakCores), 0.12);
    assert.equal(round(a.evidence.ramPeakBytes), 300 * MIB);
    assert.deepEqual(a.evidence.unitRates, { cpuCoreHourUsd: 0.04, ramByteHourUsd: 0.005 / GIB });
    // 10 h of history and 600 usage-minutes, of 7 days: 600 / 10080
    assert.equal(round(a.confidence), round(600 / 10080));
    assert.equal((a.cpu as ResourceAdvice).percentile, 0.9);
    assert.equal(find(advice, 'ls').latencySensitive, true);
    assert.equal((find(advice, 'ls').cpu as ResourceAdvice).percentile, 0.95);
  });

  it('HPA on CPU: the workload is advised on memory only', () => {
    const w = find(advice, 'web');
    assert.deepEqual(w.cpu, { resource: 'cpu', skipped: 'a HorizontalPodAutoscaler scales this workload on CPU' });
    assert.equal(w.replicas, 2);
    assert.equal(w.evidence.samples, 120);
  });

  it('no advice below 100 samples or 3 hours, with the reason', () => {
    assert.deepEqual(skipped, [{ workload: { cluster: 'c1', namespace: 'shop', kind: 'pod', name: 'lonely' }, reason: 'not enough history: 50 samples over 4.17 h (needs 100 samples over 3 h)' }]);
    // 120 samples of 1 minute: 2 h of history.
    const oneMinute = Array.from({ length: 120 }, (_, i) => sample({ pod: 'y', startMs: END - (120 - i) * MIN, minutes: 1, cores: 0.1, bytes: MIB, requestCores: 1, requestBytes: MIB }));
    assert.deepEqual(rightSize({ rows: oneMinute, nowMs: END, rates: RATES }).skipped.map((x) => x.reason), ['not enough history: 120 samples over 2.00 h (needs 100 samples over 3 h)']);
  });

  it('decaying weights: recent low usage outweighs older high usage', () => {
    // First 60 samples at 1 core, last 60 at 0.1 core. Half-life 1 h: the last 5 h carry
    // (1 − 2^-5) / (1 − 2^-10) ≈ 96.9 % of the weight, so p90 is 0.1 → 0.115 cores.
    // Without decay (half-life 365 days) each half weighs ≈ 50 %: p90 is 1 → 1.15 cores.
    const rows = series(120, (i) => ({ pod: 'd-1', ...deploy('d'), cores: i < 60 ? 1 : 0.1, bytes: MIB, requestCores: 2, requestBytes: 64 * MIB }));
    const fast = rightSize({ rows, nowMs: END, rates: RATES, options: { halfLifeMs: HOUR } });
    const slow = rightSize({ rows, nowMs: END, rates: RATES, options: { halfLifeMs: 365 * 24 * HOUR } });
    assert.equal(round((fast.advice[0]!.cpu as ResourceAdvice).suggestedRequest), 0.115);
    assert.equal(round((slow.advice[0]!.cpu as ResourceAdvice).suggestedRequest), 1.15);
  });

  it('no unit rate for the node: money is null with the reason, never 0', () => {
    const { advice: a } = rightSize({ rows: api, nowMs: END, rates: new Map() });
    assert.equal(a[0]?.monthlySavingUsd, null);
    assert.equal((a[0]!.cpu as ResourceAdvice).monthlySavingUsd, null);
    assert.equal(a[0]?.evidence.note, 'no unit rate for a node of the latest pods: saving unknown');
  });

  it('bad options are typed errors naming the option and the value', () => {
    assert.throws(() => checkRightSizingOptions({ cpuPercentile: 1.5 }), { name: 'AdviceInputError', message: 'right-sizing options: cpuPercentile: must be a number from 0.01 to 1 (got "1.5")' });
    assert.throws(() => checkRightSizingOptions({ marginFraction: Number.NaN }), { message: 'right-sizing options: marginFraction: must be a number from 0 to 10 (got "NaN")' });
  });
});
