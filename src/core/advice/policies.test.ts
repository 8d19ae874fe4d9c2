import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodInfo } from '../model.ts';
import type { AdvicePolicies, PdbPolicy } from './policies.ts';
import { advicePolicies, combinePolicies, pdbAllowsDisruption, pdbFacts, policiesFromJson, policiesToJson, selects } from './policies.ts';

const pdb = (limits: Partial<PdbPolicy>, matchLabels: Record<string, string> = { app: 'web' }): PdbPolicy => ({ namespace: 'shop', name: 'web', selector: { matchLabels }, ...limits });

test('pdbAllowsDisruption: at least one eviction allowed, percentages rounded up as the disruption controller does', () => {
  // [limits, replicas, expected]; hand-computed: scaled = ceil(percent × replicas / 100).
  const table: [Partial<PdbPolicy>, number, boolean | undefined][] = [
    [{ maxUnavailable: { count: 1 } }, 3, true],
    [{ maxUnavailable: { count: 0 } }, 3, false],
    [{ maxUnavailable: { percent: 10 } }, 3, true], // ceil(0.3) = 1
    [{ maxUnavailable: { percent: 0 } }, 3, false],
    [{ minAvailable: { count: 2 } }, 3, true], // 3 − 2 = 1
    [{ minAvailable: { count: 3 } }, 3, false],
    [{ minAvailable: { count: 1 } }, 1, false],
    [{ minAvailable: { percent: 50 } }, 3, true], // 3 − ceil(1.5) = 1
    [{ minAvailable: { percent: 50 } }, 2, true], // 2 − 1 = 1
    [{ minAvailable: { percent: 100 } }, 4, false], // 4 − 4 = 0
    [{ minAvailable: { percent: 90 } }, 4, false], // 4 − ceil(3.6) = 0
    [{}, 3, undefined],
  ];
  for (const [limits, replicas, expected] of table) assert.equal(pdbAllowsDisruption(pdb(limits), replicas), expected, `${JSON.stringify(limits)} × ${replicas}`);
});

test('selects: matchLabels and the four matchExpressions operators', () => {
  const labels = { app: 'web', tier: 'front' };
  const table: [Parameters<typeof selects>[0], boolean][] = [
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists', values: [] }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist', values: [] }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'In', values: ['x'] }] }, false],
  ];
  for (const [sel, expected] of table) assert.equal(selects(sel, labels), expected, JSON.stringify(sel));
});

const pod = (name: string, labels: Record<string, string>, workload?: string, namespace = 'shop', phase: PodInfo['phase'] = 'Running'): PodInfo =>
  ({ uid: name, name, namespace, phase, labels, annotations: {}, containers: [], claimNames: [], ...(workload ? { workload: { kind: 'Deployment', name: workload } } : {}) }) as unknown as PodInfo;

test('pdbFacts: per workload, whether every PDB selecting its pods allows an eviction', () => {
  const pods = [
    pod('web-a', { app: 'web' }, 'web'),
    pod('web-b', { app: 'web' }, 'web'),
    pod('web-c', { app: 'web' }, 'web', 'shop', 'Succeeded'), // not counted
    pod('api-a', { app: 'api' }, 'api'),
    pod('api-b', { app: 'api' }, 'api'),
    pod('cache-a', { app: 'cache' }, 'cache'),
    pod('web-other', { app: 'web' }, 'web', 'other'), // another namespace
  ];
  const pdbs: PdbPolicy[] = [
    pdb({ minAvailable: { count: 1 } }), // web: 2 running − 1 = 1 → allows
    { ...pdb({ minAvailable: { percent: 100 } }, { app: 'api' }), name: 'api' }, // api: 2 − 2 = 0 → no
    { ...pdb({ maxUnavailable: { count: 1 } }, { app: 'api' }), name: 'api-2' }, // allows, but api stays false (every PDB must allow)
    { ...pdb({}, { app: 'cache' }), name: 'cache' }, // no limits: not known
  ];
  assert.deepEqual(
    pdbFacts(pods, pdbs, 'prod'),
    new Map([
      ['prod/shop/deployment/web', { pdbAllowsDisruption: true }],
      ['prod/shop/deployment/api', { pdbAllowsDisruption: false }],
    ]),
  );
});

test('advicePolicies: HPAs scoped to the cluster, PDB facts keyed as spot.ts keys workloads', () => {
  const got = advicePolicies(
    { hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu', 'memory'] }], pdbs: [pdb({ maxUnavailable: { percent: 25 } })] },
    { pods: [pod('web-a', { app: 'web' }, 'web')] },
    'prod',
  );
  assert.deepEqual(got.hpas, [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu', 'memory'], cluster: 'prod' }]);
  // ceil(25 % × 1) = 1 eviction allowed.
  // With the pod's volumes: none on its node.
  assert.deepEqual(got.spotFacts, new Map([['prod/shop/deployment/web', { localStorage: false, localVolumes: [], scratchVolumes: [], pdbAllowsDisruption: true }]]));
});

test('policiesToJson / policiesFromJson: a round trip through JSON, scoped to the row\'s cluster', () => {
  const facts: AdvicePolicies = {
    hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'], cluster: 'east' }],
    spotFacts: new Map([['east/shop/deployment/web', { localStorage: true, localVolumes: ['hostPath "data"'], scratchVolumes: [], pdbAllowsDisruption: false }]]),
  };
  assert.deepEqual(policiesFromJson(JSON.parse(JSON.stringify(policiesToJson(facts))), 'east'), facts);
  // HPAs not known stay not known; a row naming another cluster's workloads cannot advise them.
  const other = policiesFromJson({ hpas: null, spotFacts: [['west/shop/deployment/web', { localStorage: true }], ['east/shop/deployment/api', { pdbAllowsDisruption: true }]] }, 'east');
  assert.deepEqual(other, { hpas: undefined, spotFacts: new Map([['east/shop/deployment/api', { pdbAllowsDisruption: true }]]) });
  assert.deepEqual(policiesFromJson({ hpas: [{ namespace: 'a', kind: 'deployment', name: 'b', resources: [], cluster: 'west' }], spotFacts: [] }, 'east').hpas, [{ namespace: 'a', kind: 'deployment', name: 'b', resources: [], cluster: 'east' }]);
});

test('policiesFromJson: a document of another shape is an error naming the cluster, field and value', () => {
  const table: [unknown, string][] = [
    [null, 'advice facts of cluster east: (document): expected an object with hpas and spotFacts (got "null")'],
    [{ hpas: 'all', spotFacts: [] }, 'advice facts of cluster east: hpas: expected an array or null (got "\\"all\\"")'],
    [{ hpas: [{ namespace: 'a', kind: 'deployment', name: 'b', resources: ['gpu'] }], spotFacts: [] }, 'advice facts of cluster east: hpas[0]: expected namespace, kind, name and resources (cpu, memory)'],
    [{ hpas: null }, 'advice facts of cluster east: spotFacts: expected an array of [workload id, facts] (got "undefined")'],
    [{ hpas: null, spotFacts: [['east/a/deployment/b', { localStorage: 'yes' }]] }, 'advice facts of cluster east: spotFacts[0].localStorage: expected a boolean (got "\\"yes\\"")'],
    [{ hpas: null, spotFacts: [['east/a/deployment/b', { localVolumes: [1] }]] }, 'advice facts of cluster east: spotFacts[0].localVolumes: expected a list of strings (got "[1]")'],
  ];
  for (const [doc, message] of table) assert.throws(() => policiesFromJson(doc, 'east'), (err: Error) => err.name === 'AdviceInputError' && err.message.startsWith(message), JSON.stringify(doc));
});

test('combinePolicies: HPAs of the clusters that list them, every spot fact, the clusters without HPAs named', () => {
  const east: AdvicePolicies = { hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'] }], spotFacts: new Map([['east/shop/deployment/web', { pdbAllowsDisruption: false }]]) };
  const west: AdvicePolicies = { hpas: undefined, spotFacts: new Map([['west/shop/deployment/web', { localStorage: true }]]) };
  const both = combinePolicies(new Map([['west', west], ['east', east]]));
  assert.deepEqual(both.policies.hpas, [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'], cluster: 'east' }]);
  assert.deepEqual(both.policies.spotFacts, new Map([['west/shop/deployment/web', { localStorage: true }], ['east/shop/deployment/web', { pdbAllowsDisruption: false }]]));
  assert.deepEqual(both.hpasUnknown, ['west']);
  assert.equal(combinePolicies(new Map([['west', west]])).policies.hpas, undefined, 'no cluster lists HPAs: not known');
});
