import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerUsage } from '../../core/model.ts';
import { addUsageSample, averageUsage, createUsageWindow, pruneUsage } from './usage-window.ts';

const c = (entries: [string, number, number][]): Map<string, ContainerUsage> => new Map(entries.map(([n, cpu, ram]) => [n, { cpuMillicores: cpu, ramBytes: ram }]));
const opts = { windowMs: 300_000, maxSamples: 4 };

test('averages per container over the window, rounded up; a repeated timestamp counts once', () => {
  // samples at t (s):        app cpu, ram          sidecar cpu, ram
  const table: [number, [string, number, number][]][] = [
    [0, [['app', 100, 1000], ['sidecar', 10, 10]]],
    [60, [['app', 200, 2000]]],
    [60, [['app', 900, 9000]]], // the same measurement read again: ignored
    [120, [['app', 301, 3000], ['sidecar', 21, 20]]],
  ];
  const w = createUsageWindow();
  for (const [t, entries] of table) addUsageSample(w, 'ns/p', t * 1000, c(entries), opts);
  // At 200 s the window is (−100 s, 200 s]: app (100+200+301)/3 = 200.33 → 201 m, (1000+2000+3000)/3 = 2000 B;
  // sidecar (10+21)/2 = 15.5 → 16 m, 15 B.
  assert.deepEqual([...(averageUsage(w, 200_000, opts).get('ns/p') ?? [])], [
    ['app', { cpuMillicores: 201, ramBytes: 2000 }],
    ['sidecar', { cpuMillicores: 16, ramBytes: 15 }],
  ]);
  // At 330 s the window is (30 s, 330 s]: app (200+301)/2 = 250.5 → 251 m; sidecar 21 m.
  assert.deepEqual([...(averageUsage(w, 330_000, opts).get('ns/p') ?? [])], [
    ['app', { cpuMillicores: 251, ramBytes: 2500 }],
    ['sidecar', { cpuMillicores: 21, ramBytes: 20 }],
  ]);
  // At 500 s nothing is left in the window: no usage, the model uses requests.
  assert.equal(averageUsage(w, 500_000, opts).size, 0);
});

test('keeps at most maxSamples per container', () => {
  const w = createUsageWindow();
  for (let i = 1; i <= 6; i++) addUsageSample(w, 'ns/p', i * 1000, c([['app', i * 100, 0]]), opts);
  // The last four: 300, 400, 500, 600 → 450.
  assert.equal(averageUsage(w, 6000, opts).get('ns/p')?.get('app')?.cpuMillicores, 450);
  assert.equal(w.get('ns/p')?.get('app')?.length, 12);
});

test('pruneUsage drops old samples, and pods `keep` rejects', () => {
  const w = createUsageWindow();
  addUsageSample(w, 'ns/old', 0, c([['app', 1, 1]]), opts);
  addUsageSample(w, 'ns/live', 0, c([['app', 1, 1]]), opts);
  addUsageSample(w, 'ns/live', 400_000, c([['app', 2, 2]]), opts);
  addUsageSample(w, 'ns/gone', 400_000, c([['app', 3, 3]]), opts);
  pruneUsage(w, 450_000, opts, (pod) => pod !== 'ns/gone');
  assert.deepEqual([...w.keys()], ['ns/live']);
  assert.deepEqual(w.get('ns/live')?.get('app'), [400_000, 2, 2]);
});
