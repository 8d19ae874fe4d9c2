import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alloc, HOUR, nodeRow, T0 } from './fixtures.test-util.ts';
import type { SpotRatioLookup } from './spot.ts';
import { spotPotential } from './spot.ts';

// m5.large in us-east-1: spot at 40 % of on-demand (60 % discount); m5.xlarge: no spot price known.
const RATIO: SpotRatioLookup = (n) => (n.instanceType === 'm5.large' && n.region === 'us-east-1' ? { ratio: 0.4, source: 'catalog sample' } : undefined);
const NODES = [
  nodeRow({ node: 'n1', totalCostUsd: 0.096, onDemandCostUsd: 0.096 }),
  nodeRow({ node: 'n2', totalCostUsd: 0.096, onDemandCostUsd: 0.096 }),
  nodeRow({ node: 'n3', capacityType: 'spot', totalCostUsd: 0.036, onDemandCostUsd: 0.096 }),
];
// One hour per pod: 0.02 USD CPU + 0.01 USD RAM = 0.03 USD/h.
function pod(name: string, controller: string, node: string, over: Partial<Parameters<typeof alloc>[0]> = {}) {
  return alloc({ pod: name, startMs: T0, endMs: T0 + HOUR, node, controller, controllerKind: controller ? 'deployment' : '', cpuCostUsd: 0.02, ramCostUsd: 0.01, ...over });
}
const PODS = [
  pod('web-1', 'web', 'n1'),
  pod('web-2', 'web', 'n1'),
  pod('web-3', 'web', 'n3'),
  pod('db-1', 'db', 'n2', { pvCostUsd: 0.01 }),
  pod('db-2', 'db', 'n2', { pvCostUsd: 0.01 }),
  pod('solo-1', 'solo', 'n2'),
  pod('cache-1', 'cache', 'n1'),
  pod('cache-2', 'cache', 'n2'),
  pod('ss-0', 'ss', 'n1', { controllerKind: 'statefulset' }),
];

describe('spotPotential', () => {
  const r = spotPotential({ allocations: PODS, nodes: NODES, spotRatio: RATIO, facts: new Map([['c1/shop/deployment/cache', { pdbAllowsDisruption: false }]]) });

  it('stateless Deployments on on-demand nodes and the saving at the catalog discount', () => {
    // web: 2 of 3 pods on on-demand n1: 2 × 0.03 × 730 = 43.8 on demand; × 60 % = 26.28
    assert.deepEqual(
      r.candidates.map((c) => [c.workload.name, c.replicas, c.podsOnDemand, Number(c.monthlyOnDemandUsd.toFixed(9)), Number(c.monthlySavingUsd?.toFixed(9))]),
      [['web', 3, 2, 43.8, 26.28]],
    );
    assert.deepEqual(r.candidates[0]?.evidence, { discounts: [{ instanceType: 'm5.large', region: 'us-east-1', discountFraction: 0.6, source: 'catalog sample' }], pdbKnown: false, localStorageKnown: false, scratchVolumes: [] });
  });

  it('excluded with the reason: one replica, a volume, a PDB that allows nothing; StatefulSets are not looked at', () => {
    assert.deepEqual(
      r.excluded.map((e) => [e.workload.name, e.reason]),
      [
        ['cache', 'its PodDisruptionBudget allows no disruption'],
        ['db', 'mounts a persistent volume'],
        ['solo', '1 replica (needs at least 2 to ride out a spot interruption)'],
      ],
    );
  });

  it('local storage: skipped with the volumes in the reason, before the persistent-volume check; scratch volumes in the evidence', () => {
    const facts = new Map([
      ['c1/shop/deployment/web', { localStorage: false, localVolumes: [], scratchVolumes: ['emptyDir "tmp" on disk, sizeLimit 512 MiB ≤ 1 GiB scratch'] }],
      ['c1/shop/deployment/cache', { localStorage: true, localVolumes: ['emptyDir "cache" on disk, no sizeLimit', 'hostPath "data"'] }],
      ['c1/shop/deployment/db', { localStorage: true, localVolumes: ['PVC "data" on local PersistentVolume "local-pv-1"'] }],
    ]);
    const r2 = spotPotential({ allocations: PODS, nodes: NODES, spotRatio: RATIO, facts });
    assert.deepEqual(
      r2.excluded.map((e) => [e.workload.name, e.reason]),
      [
        ['cache', 'uses local storage: emptyDir "cache" on disk, no sizeLimit; hostPath "data"'],
        ['db', 'uses local storage: PVC "data" on local PersistentVolume "local-pv-1"'],
        ['solo', '1 replica (needs at least 2 to ride out a spot interruption)'],
      ],
    );
    const web = r2.candidates.find((c) => c.workload.name === 'web');
    assert.equal(web?.evidence.localStorageKnown, true);
    assert.deepEqual(web?.evidence.scratchVolumes, ['emptyDir "tmp" on disk, sizeLimit 512 MiB ≤ 1 GiB scratch']);
  });

  it('cluster at 70 % spot: (0.7 × 0.288 − 0.096) × 60 % × 730', () => {
    // on-demand equivalent 3 × 0.096 = 0.288/h; spot share 0.096 / 0.288 = 1/3;
    // shortfall 0.2016 − 0.096 = 0.1056/h; × 0.6 × 730 = 46.2528
    const [c] = r.clusters;
    assert.equal(Number(c?.monthlyOnDemandEquivalentUsd.toFixed(9)), 210.24);
    assert.equal(Number(c?.spotShare.toFixed(12)), Number((1 / 3).toFixed(12)));
    assert.equal(c?.discountFraction, 0.6);
    assert.equal(Number(c?.monthlySavingUsd?.toFixed(9)), 46.2528);
  });

  it('no spot price for the instance type: saving null, never 0', () => {
    const xl = NODES.map((n) => ({ ...n, instanceType: 'm5.xlarge' }));
    const r2 = spotPotential({ allocations: PODS, nodes: xl, spotRatio: RATIO });
    assert.equal(r2.candidates.find((c) => c.workload.name === 'web')?.monthlySavingUsd, null);
    assert.equal(r2.clusters[0]?.monthlySavingUsd, null);
    // Already at 70 % spot: nothing to gain, whatever the discount.
    const allSpot = NODES.map((n) => ({ ...n, capacityType: 'spot' as const }));
    assert.equal(spotPotential({ allocations: [], nodes: allSpot, spotRatio: RATIO }).clusters[0]?.monthlySavingUsd, 0);
  });
});
