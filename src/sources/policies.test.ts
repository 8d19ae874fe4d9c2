import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidObjectError } from '../core/errors.ts';
import { hpaTargetOf, pdbPolicyOf } from './policies.ts';

const hpa = (spec: Record<string, unknown>) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec });
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

test('hpaTargetOf: the scaled workload and the cpu/memory resources it scales on', () => {
  const table: [string, Record<string, unknown>, string[]][] = [
    ['no metrics: the autoscaling/v2 default (80 % CPU)', { scaleTargetRef: ref }, ['cpu']],
    ['empty metrics: the default too', { scaleTargetRef: ref, metrics: [] }, ['cpu']],
    ['Resource cpu', { scaleTargetRef: ref, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] }, ['cpu']],
    [
      'Resource memory and ContainerResource cpu',
      {
        scaleTargetRef: ref,
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
        ],
      },
      ['cpu', 'memory'],
    ],
    ['External and Pods metrics only: no resource', { scaleTargetRef: ref, metrics: [{ type: 'External', external: { metric: { name: 'queue' } } }, { type: 'Pods', pods: { metric: { name: 'rps' } } }] }, []],
    ['ephemeral-storage is not right-sized anyway', { scaleTargetRef: ref, metrics: [{ type: 'Resource', resource: { name: 'ephemeral-storage' } }] }, []],
  ];
  for (const [name, spec, resources] of table) {
    assert.deepEqual(hpaTargetOf(hpa(spec), 'hpa.json'), { namespace: 'shop', kind: 'deployment', name: 'web', resources }, name);
  }
  assert.equal(hpaTargetOf({ ...hpa({ scaleTargetRef: { kind: 'StatefulSet', name: 'db' } }), metadata: { name: 'db' } }, 'x').namespace, 'default');
  assert.equal(hpaTargetOf(hpa({ scaleTargetRef: { kind: 'StatefulSet', name: 'db' } }), 'x').kind, 'statefulset');
});

test('hpaTargetOf: a missing target or name is a typed error naming the field', () => {
  assert.throws(() => hpaTargetOf(hpa({ scaleTargetRef: { kind: 'Deployment' } }), 'hpa.json'), (e: unknown) => e instanceof InvalidObjectError && e.field === 'spec.scaleTargetRef' && e.object.includes('shop/web'));
  assert.throws(() => hpaTargetOf(hpa({}), 'hpa.json'), InvalidObjectError);
  assert.throws(() => hpaTargetOf({ spec: { scaleTargetRef: ref } }, 'hpa.json'), (e: unknown) => e instanceof InvalidObjectError && e.field === 'HorizontalPodAutoscaler.metadata.name');
});

const pdb = (spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec });

test('pdbPolicyOf: selector and int-or-percent limits', () => {
  const sel = { matchLabels: { app: 'web' } };
  const table: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['maxUnavailable 1', { selector: sel, maxUnavailable: 1 }, { maxUnavailable: { count: 1 } }],
    ['minAvailable "50%"', { selector: sel, minAvailable: '50%' }, { minAvailable: { percent: 50 } }],
    ['maxUnavailable "0" (a numeric string)', { selector: sel, maxUnavailable: '0' }, { maxUnavailable: { count: 0 } }],
    ['neither', { selector: sel }, {}],
  ];
  for (const [name, spec, limits] of table) {
    assert.deepEqual(pdbPolicyOf(pdb(spec), 'pdb.json'), { namespace: 'shop', name: 'web', selector: { matchLabels: { app: 'web' }, matchExpressions: [] }, ...limits }, name);
  }
  assert.deepEqual(pdbPolicyOf(pdb({ selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] }, minAvailable: 1 }), 'x').selector, {
    matchLabels: {},
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'canary', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.deepEqual(pdbPolicyOf(pdb({ maxUnavailable: 1 }), 'x').selector, {}, 'no selector');
});

test('pdbPolicyOf: malformed limits and expressions are typed errors naming the field and value', () => {
  const table: [Record<string, unknown>, string, string][] = [
    [{ maxUnavailable: -1 }, 'spec.maxUnavailable', '-1'],
    [{ minAvailable: 'half' }, 'spec.minAvailable', 'half'],
    [{ minAvailable: 1.5 }, 'spec.minAvailable', '1.5'],
    [{ selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }, 'spec.selector.matchExpressions', '{"key":"a","operator":"Gt","values":["1"]}'],
  ];
  for (const [spec, field, value] of table) {
    assert.throws(() => pdbPolicyOf(pdb(spec), 'pdb.json'), (e: unknown) => e instanceof InvalidObjectError && e.field === field && e.value === value && e.object === 'pdb.json shop/web', field);
  }
});
