import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allows, CLUSTER_ROLE_RULES, ruleSet } from './rbac.ts';
import { WATCHED_RESOURCES } from './resources.ts';

test('allows: RBAC matching on group, resource (with subresource) and verb', () => {
  const call = (verb: string, apiGroup: string, resource: string, subresource = '') => ({ verb, apiGroup, resource, subresource });
  const table: [ReturnType<typeof call> | { verb: string; apiGroup: string; resource: string; subresource: string; nonResourceURL: string }, boolean][] = [
    [call('list', '', 'pods'), true],
    [call('watch', 'apps', 'replicasets'), true],
    [call('list', 'metrics.k8s.io', 'pods'), true],
    [call('watch', 'metrics.k8s.io', 'pods'), false],
    [call('list', '', 'secrets'), false],
    [call('get', '', 'pods', 'log'), false],
    [call('delete', '', 'pods'), false],
    [call('list', 'apps', 'pods'), false],
    [{ ...call('get', '', ''), nonResourceURL: '/version' }, true],
    [{ ...call('get', '', ''), nonResourceURL: '/metrics' }, false],
  ];
  for (const [c, expected] of table) assert.equal(allows(CLUSTER_ROLE_RULES, c), expected, JSON.stringify(c));
});

test('the rules grant get, list and watch on exactly the watched resources, and list on pod and node metrics', () => {
  const expected = new Map(WATCHED_RESOURCES.map((r) => [`${r.group === '' ? 'core' : r.group}/${r.name}`, 'get,list,watch']));
  expected.set('metrics.k8s.io/nodes', 'get,list');
  expected.set('metrics.k8s.io/pods', 'get,list');
  assert.deepEqual(ruleSet(CLUSTER_ROLE_RULES), new Map([...expected].sort(([a], [b]) => (a < b ? -1 : 1))));
});
