import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError } from './errors.ts';
import type { FilterSubject } from './filter.ts';
import { matches, mentionsContainer, namespacesOf, parseFilter } from './filter.ts';

const row = (over: Partial<FilterSubject>): FilterSubject => ({
  cluster: 'prod',
  node: 'n1',
  namespace: 'web',
  controllerKind: 'deployment',
  controller: 'frontend',
  pod: 'frontend-abc',
  labels: {},
  annotations: {},
  ...over,
});

const A = row({ namespace: 'web', labels: { team: 'x', 'app.kubernetes.io/name': 'shop' }, container: 'nginx' });
const B = row({ namespace: 'data', controllerKind: 'statefulset', controller: 'kafka', pod: 'kafka-0', labels: { team: 'y' }, annotations: { owner: 'ana' }, container: '__pod__' });
const C = row({ namespace: 'kube-system', controllerKind: '', controller: '', pod: 'etcd-n1', node: 'n2', cluster: 'dev' });
const ROWS = { A, B, C };

describe('filter language v2: which rows match', () => {
  const cases: readonly [string, string][] = [
    ['', 'ABC'],
    ['namespace:"web"', 'A'],
    ['namespace:"web","data"', 'AB'],
    ['namespace!:"web"', 'BC'],
    ['namespace!:"web","data"', 'C'],
    ['namespace~:"a"', 'B'],
    ['namespace!~:"a"', 'AC'],
    ['namespace<~:"kube-"', 'C'],
    ['namespace!<~:"kube-"', 'AB'],
    ['pod~>:"-0"', 'B'],
    ['pod!~>:"-0"', 'AC'],
    ['label[team]:"x"', 'A'],
    ['label[team]:"x","y"', 'AB'],
    ['label[team]!:"x"', 'BC'],
    ['label[team]:"__unallocated__"', 'C'],
    ['label:"team"', 'AB'],
    ['label!:"team"', 'C'],
    ['label[app.kubernetes.io/name]:"shop"', 'A'],
    ['label[app_kubernetes_io_name]:"shop"', 'A'],
    ['annotation[owner]:"ana"', 'B'],
    ['owner:"ana"', 'B'],
    ['team:"y"', 'B'],
    ['controllerKind:"statefulset"', 'B'],
    ['controllerName:"__unallocated__"', 'C'],
    ['controller:"frontend"', 'A'],
    ['cluster:"dev"|node:"n2"', 'C'],
    ['namespace:"web"+label[team]:"x"', 'A'],
    ['namespace:"web"+label[team]:"y"', ''],
    ['namespace:"web" | namespace:"data"', 'AB'],
    ['(namespace:"web"|namespace:"data")+label[team]:"y"', 'B'],
    ['cluster:"prod"+(label[team]:"x"|label[team]:"y")', 'AB'],
    ['((namespace:"kube-system"))', 'C'],
    // C is a pod row (no container): it has none, as a missing label is none.
    ['container:"nginx"', 'A'],
    ['container:"nginx","__pod__"', 'AB'],
    ['container!:"__pod__"', 'AC'],
    ['container:"__unallocated__"', 'C'],
    ['namespace:"web"+container~:"gin"', 'A'],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter || '(empty)'} → ${expected || 'none'}`, () => {
      const node = parseFilter(filter);
      const got = Object.entries(ROWS)
        .filter(([, r]) => matches(node, r))
        .map(([k]) => k)
        .join('');
      assert.equal(got, expected);
    });
  }
});

describe('filter errors point at the position', () => {
  const cases: readonly [string, number, string][] = [
    ['namespace="web"', 9, 'unexpected character "="'],
    ['namespace:web', 10, 'expected a quoted value like "kube-system", got "web"'],
    ['namespace:"web', 10, 'unterminated string: a value needs its closing "'],
    ["namespace:'web'", 10, `values are quoted with " (double quotes), not '`],
    ['namespaces:"web"', 0, 'unknown field "namespaces"; fields: cluster, node, namespace'],
    ['container["app"]:"x"', 9, 'container takes no [KEY]'],
    ['namespace:"a"+namespace:"b"|namespace:"c"', 27, 'mixing + and | at one level is ambiguous: use parentheses'],
    ['(namespace:"a"', 14, "'(' at position 0 is never closed"],
    ['namespace:"a")', 13, "')' without a matching '('"],
    ['namespace:"a" namespace:"b"', 14, 'expected + or | before "namespace"'],
    ['namespace:"a"+', 14, 'expected a field (namespace, label[KEY], ...), got the end of the filter'],
    ['label[team:"x"', 5, 'unterminated [KEY]: missing ]'],
    ['namespace[x]:"a"', 9, 'namespace takes no [KEY]'],
    ['namespace~"a"', 9, 'unexpected "~": comparisons are'],
    ['()', 1, 'empty parentheses'],
  ];
  for (const [filter, position, reason] of cases) {
    it(`${filter} → position ${position}`, () => {
      assert.throws(
        () => parseFilter(filter),
        (err: unknown) =>
          err instanceof FilterSyntaxError &&
          err.position === position &&
          err.parameter === 'filter' &&
          err.message.startsWith(`filter=${JSON.stringify(filter)}: at position ${position}`) &&
          err.message.includes(reason),
      );
    });
  }
});

describe('namespacesOf: the push-down hint', () => {
  const cases: readonly [string, readonly string[] | undefined][] = [
    ['namespace:"a"', ['a']],
    ['namespace:"a","b"', ['a', 'b']],
    ['namespace:"a"+label[team]:"x"', ['a']],
    ['namespace:"a"|label[team]:"x"', undefined],
    ['namespace!:"a"', undefined],
    ['namespace~:"a"', undefined],
    ['', undefined],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter || '(empty)'} → ${JSON.stringify(expected)}`, () => assert.deepEqual(namespacesOf(parseFilter(filter)), expected));
  }
});

describe('mentionsContainer: answered from container rows', () => {
  const cases: readonly [string, boolean][] = [
    ['', false],
    ['namespace:"web"', false],
    ['container:"app"', true],
    ['namespace:"web"+(pod:"a"|container!:"__pod__")', true],
    ['label[container]:"x"', false],
  ];
  for (const [filter, expected] of cases) it(`${filter || '(empty)'} → ${expected}`, () => assert.equal(mentionsContainer(parseFilter(filter)), expected));
});
