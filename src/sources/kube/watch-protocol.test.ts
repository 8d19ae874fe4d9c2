import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeProtocolError } from './errors.ts';
import { apiStatusOf, isExpired, lineSplitter, parseListPage, parseWatchLine } from './watch-protocol.ts';

test('parseWatchLine: the five event types', () => {
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'a', namespace: 'ns', resourceVersion: '42' } };
  assert.deepEqual(parseWatchLine(JSON.stringify({ type: 'ADDED', object: pod }), 'pods'), { type: 'ADDED', object: pod, resourceVersion: '42' });
  assert.deepEqual(parseWatchLine(JSON.stringify({ type: 'DELETED', object: pod }), 'pods'), { type: 'DELETED', object: pod, resourceVersion: '42' });
  assert.deepEqual(parseWatchLine('{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"77"}}}', 'pods'), { type: 'BOOKMARK', resourceVersion: '77' });
  assert.deepEqual(
    parseWatchLine('{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 3 (9)","reason":"Expired","code":410}}', 'pods'),
    { type: 'ERROR', status: { code: 410, reason: 'Expired', message: 'too old resource version: 3 (9)' } },
  );
});

test('parseWatchLine: what is not a watch event is refused, naming the field and value', () => {
  const table: [string, string][] = [
    ['{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"trunc', 'watch pods: (line): not a JSON watch event (connection cut mid-event?) (got "{\\"type\\":\\"MODIFIED\\",\\"object\\":{\\"kind\\":\\"Pod\\",\\"metadata\\":{\\"name\\":\\"trunc")'],
    ['{"type":"CHANGED","object":{}}', 'watch pods: type: expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (got "CHANGED")'],
    ['{"type":"ADDED","object":[1]}', 'watch pods: object: expected an object (got "[1]")'],
    ['{"type":"BOOKMARK","object":{"metadata":{}}}', 'watch pods: object.metadata.resourceVersion: a BOOKMARK needs a resourceVersion (got "undefined")'],
    ['[]', 'watch pods: (line): expected a watch event object (got "[]")'],
  ];
  for (const [line, message] of table) assert.throws(() => parseWatchLine(line, 'pods'), (err: unknown) => err instanceof KubeProtocolError && err.message === message, line);
});

test('parseListPage: items, resourceVersion, continue token and remaining count', () => {
  assert.deepEqual(parseListPage({ kind: 'PodList', metadata: { resourceVersion: '10', continue: 'abc', remainingItemCount: 4 }, items: [{ a: 1 }] }, 'list /api/v1/pods'), {
    items: [{ a: 1 }],
    resourceVersion: '10',
    continueToken: 'abc',
    remainingItemCount: 4,
  });
  assert.deepEqual(parseListPage({ kind: 'PodList', metadata: { resourceVersion: '11' } }, 'list /api/v1/pods'), { items: [], resourceVersion: '11', continueToken: '', remainingItemCount: undefined });
  assert.throws(() => parseListPage({ items: {} }, 'list /api/v1/pods'), { message: 'list /api/v1/pods: items: expected an array (got "{}")' });
});

test('apiStatusOf and isExpired: a Status body, or the HTTP status for plain-text errors', () => {
  assert.deepEqual(apiStatusOf({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden' }, 403, 'Forbidden'), { code: 403, reason: 'Forbidden', message: 'pods is forbidden' });
  assert.deepEqual(apiStatusOf('404 page not found\n', 404, 'NotFound'), { code: 404, reason: 'NotFound', message: '404 page not found' });
  assert.equal(isExpired({ code: 410 }), true);
  assert.equal(isExpired({ statusCode: 500 }), false);
});

test('lineSplitter: lines split across chunks, several per chunk, blank lines skipped', () => {
  const got: string[] = [];
  const split = lineSplitter((l) => got.push(l));
  for (const chunk of ['{"a":', '1}\n{"b":2}\n\n{"c"', ':3}\n{"d"']) split.push(chunk);
  assert.deepEqual(got, ['{"a":1}', '{"b":2}', '{"c":3}']);
  assert.equal(split.rest(), '{"d"');
  const small = lineSplitter(() => {}, 8);
  assert.throws(() => small.push('0123456789'), { message: 'watch: (line): a watch event longer than 8 characters (got "0123456789")' });
});
