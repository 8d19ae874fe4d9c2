import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkloadPolicies } from '../core/advice/policies.ts';
import type { ClusterSnapshot, PodInfo } from '../core/model.ts';
import type { AdviceFactsStore } from '../store/types.ts';
import type { CompletedCycle } from './exporter.ts';
import { memoryLogger } from './log.ts';
import { createPolicyTracker, hubPolicies } from './policy-tracker.ts';

const pod = (name: string, volumes?: PodInfo['localVolumes']): PodInfo => ({
  uid: name,
  namespace: 'shop',
  name,
  nodeName: 'n1',
  phase: 'Running',
  labels: { app: 'web' },
  annotations: {},
  containers: [],
  initContainers: [],
  sidecarContainers: [],
  overhead: { cpuMillicores: 0, ramBytes: 0, gpus: 0 },
  claimNames: [],
  workload: { kind: 'Deployment', name: 'web' },
  ...(volumes ? { localVolumes: volumes } : {}),
});
const snapshot = (pods: PodInfo[]): ClusterSnapshot => ({ nodes: [], pods, persistentVolumes: [], persistentVolumeClaims: [], services: [], namespaces: [], storageClasses: [] });
const cycle = (snap: ClusterSnapshot, policies?: WorkloadPolicies) => ({ reading: { snapshot: snap, ...(policies ? { policies } : {}) } }) as unknown as CompletedCycle;

/** An AdviceFactsStore in memory that can be made to fail. */
function memoryFacts() {
  const docs = new Map<string, { atMs: number; facts: unknown }>();
  const state = { failing: false, writes: 0 };
  const store: AdviceFactsStore = {
    async write(cluster, facts, atMs) {
      state.writes++;
      if (state.failing) throw new Error('connection refused');
      docs.set(cluster, { atMs, facts: JSON.parse(JSON.stringify(facts)) });
    },
    async read(clusters) {
      return [...docs].filter(([c]) => !clusters || clusters.includes(c)).map(([cluster, d]) => ({ cluster, ...d }));
    },
  };
  return { store, docs, state };
}

test('policy tracker: facts from every reading (local storage without HPA/PDB lists); published when they change and every refreshMs; a failed write is retried', async () => {
  const { store, docs, state } = memoryFacts();
  const logger = memoryLogger();
  let nowMs = 1_000_000;
  const tracker = createPolicyTracker('east', { facts: store, logger, now: () => nowMs, refreshMs: 600_000 });
  assert.equal(tracker.current(), undefined);
  const plain = snapshot([pod('web-1'), pod('web-2', [{ name: 'cache', type: 'emptyDir' }])]);
  await tracker.hook.handle(cycle(plain));
  assert.equal(tracker.current()?.hpas, undefined, 'no HPA list: not known');
  assert.deepEqual(tracker.current()?.spotFacts.get('east/shop/deployment/web'), { localStorage: true, localVolumes: ['emptyDir "cache" on disk, no sizeLimit'], scratchVolumes: [] });
  assert.equal(state.writes, 1);
  assert.deepEqual(docs.get('east'), { atMs: 1_000_000, facts: { hpas: null, spotFacts: [['east/shop/deployment/web', { localStorage: true, localVolumes: ['emptyDir "cache" on disk, no sizeLimit'], scratchVolumes: [] }]] } });
  // The same arrays a minute later: nothing recomputed or written.
  nowMs += 60_000;
  await tracker.hook.handle(cycle(plain));
  assert.equal(state.writes, 1);
  // Ten minutes after the write: written again (its age says the exporter is alive).
  nowMs = 1_000_000 + 600_000;
  await tracker.hook.handle(cycle(plain));
  assert.equal(state.writes, 2);
  assert.equal(docs.get('east')?.atMs, 1_600_000);
  // New policies while the store is down: logged once, tried at every cycle until it answers.
  state.failing = true;
  const policies: WorkloadPolicies = { hpas: [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'] }], pdbs: [] };
  await tracker.hook.handle(cycle(plain, policies));
  await tracker.hook.handle(cycle(plain, policies));
  assert.equal(state.writes, 4);
  assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1);
  assert.equal(logger.lines[0]?.fields['error'], 'connection refused');
  state.failing = false;
  await tracker.hook.handle(cycle(plain, policies));
  assert.deepEqual((docs.get('east')?.facts as { hpas: unknown } | undefined)?.hpas, [{ namespace: 'shop', kind: 'deployment', name: 'web', resources: ['cpu'], cluster: 'east' }]);
});

test('hubPolicies: every cluster\'s stored facts, the own cluster\'s from its tracker, unreadable documents named', async () => {
  const { store, docs } = memoryFacts();
  docs.set('west', { atMs: 1, facts: { hpas: null, spotFacts: [['west/shop/deployment/web', { localStorage: true }]] } });
  docs.set('east', { atMs: 1, facts: { hpas: [], spotFacts: [['east/shop/deployment/web', { pdbAllowsDisruption: true }]] } });
  docs.set('south', { atMs: 1, facts: { hpas: 'yes', spotFacts: [] } });
  const own = { hpas: [{ namespace: 'shop', kind: 'deployment', name: 'api', resources: ['memory' as const], cluster: 'east' }], spotFacts: new Map([['east/shop/deployment/web', { pdbAllowsDisruption: false }]]) };
  const view = await hubPolicies({ facts: store, own: { cluster: 'east', current: () => own }, logger: memoryLogger() })();
  assert.deepEqual(view.clusters, ['east', 'west']);
  assert.deepEqual(view.hpasUnknown, ['west']);
  assert.deepEqual(view.policies.hpas, own.hpas, "east's own, fresher than its row");
  assert.deepEqual(view.policies.spotFacts, new Map([['west/shop/deployment/web', { localStorage: true }], ['east/shop/deployment/web', { pdbAllowsDisruption: false }]]));
  assert.deepEqual(view.warnings, ['advice facts of cluster south left out: advice facts of cluster south: hpas: expected an array or null (got "\\"yes\\"")']);
  // A store that does not answer: a warning, and the own cluster's facts only.
  const down: AdviceFactsStore = { write: async () => undefined, read: async () => Promise.reject(new Error('timeout')) };
  const alone = await hubPolicies({ facts: down, own: { cluster: 'east', current: () => own }, logger: memoryLogger() })();
  assert.deepEqual(alone.clusters, ['east']);
  assert.match(alone.warnings?.[0] ?? '', /could not be read from the store/);
});
