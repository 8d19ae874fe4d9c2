// The test API server's protocol, byte for byte where it matters to a client: consistent paginated
// lists, 410 on compacted continue tokens and resourceVersions, watch replay, bookmarks, timeouts,
// and the auth errors. (test/kube-kubectl.test.ts shows the real kubectl agrees.)
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { FakeApiServer } from './kube-apiserver/server.ts';
import { startFakeApiServer } from './kube-apiserver/server.ts';
import { namespaceObject, podObject } from './kube-apiserver/objects.ts';

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(server: FakeApiServer, path: string, options: { token?: string; maxLines?: number } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { ca: server.caPem, headers: { Authorization: `Bearer ${options.token ?? 'tok'}`, Accept: 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (options.maxLines !== undefined && body.split('\n').length > options.maxLines) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const json = (r: Raw): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
const names = (list: Record<string, unknown>): string[] => (list['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name);
const lines = (r: Raw): { type: string; object: Record<string, unknown> }[] =>
  r.body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; object: Record<string, unknown> });

describe('the test API server protocol', { concurrency: false }, () => {
  let server: FakeApiServer;
  const pod = (name: string) => podObject({ namespace: 'ns', name, node: 'n1', containers: [{ name: 'c', cpu: '10m' }] });
  before(async () => {
    server = await startFakeApiServer({ token: 'tok', user: 'system:serviceaccount:kube-cost:kube-cost-exporter', authorize: (r) => r.resource !== 'secrets' });
    server.apply(namespaceObject('ns'));
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) server.apply(pod(n));
  });
  after(async () => {
    await server.close();
  });

  test('a paginated list is consistent at the first page\'s resourceVersion', async () => {
    const first = json(await get(server, '/api/v1/namespaces/ns/pods?limit=2'));
    assert.deepEqual(names(first), ['p1', 'p2']);
    const meta = first['metadata'] as { resourceVersion: string; continue: string; remainingItemCount: number };
    assert.equal(meta.remainingItemCount, 3);
    assert.deepEqual(JSON.parse(Buffer.from(meta.continue, 'base64').toString()), { v: 'meta.k8s.io/v1', rv: Number(meta.resourceVersion), start: 'ns/p2\u0000' });
    assert.equal(first['kind'], 'PodList');
    assert.equal((first['items'] as Record<string, unknown>[])[0]?.['kind'], undefined, 'list items carry no kind, as from a real server');

    server.remove('Pod', 'ns', 'p4');
    server.apply(pod('p3b'));
    const second = json(await get(server, `/api/v1/namespaces/ns/pods?limit=2&continue=${encodeURIComponent(meta.continue)}`));
    assert.deepEqual(names(second), ['p3', 'p4'], 'still the list as it was: p4 present, p3b absent');
    const third = json(await get(server, `/api/v1/namespaces/ns/pods?limit=2&continue=${encodeURIComponent((second['metadata'] as { continue: string }).continue)}`));
    assert.deepEqual(names(third), ['p5']);
    assert.equal((third['metadata'] as Record<string, unknown>)['continue'], undefined);
    assert.deepEqual(names(json(await get(server, '/api/v1/namespaces/ns/pods'))), ['p1', 'p2', 'p3', 'p3b', 'p5']);
  });

  test('a continue token from before a compaction: 410 Expired', async () => {
    const first = json(await get(server, '/api/v1/pods?limit=1'));
    server.apply(pod('p6'));
    server.compact();
    const r = await get(server, `/api/v1/pods?limit=1&continue=${encodeURIComponent((first['metadata'] as { continue: string }).continue)}`);
    assert.equal(r.status, 410);
    assert.equal(json(r)['reason'], 'Expired');
    assert.match(String(json(r)['message']), /^The provided continue parameter is too old to display a consistent list result/);
  });

  test('watch from a resourceVersion replays what happened after it, then streams', async () => {
    const rv = Number((json(await get(server, '/api/v1/pods'))['metadata'] as { resourceVersion: string }).resourceVersion);
    server.apply(pod('p7'));
    server.remove('Pod', 'ns', 'p7');
    const watching = get(server, `/api/v1/pods?watch=true&resourceVersion=${rv}`, { maxLines: 3 });
    await server.waitForWatches(1);
    server.apply(pod('p8'));
    const events = lines(await watching);
    assert.deepEqual(
      events.map((e) => [e.type, (e.object['metadata'] as { name: string; resourceVersion: string }).name, Number((e.object['metadata'] as { resourceVersion: string }).resourceVersion) - rv]),
      [
        ['ADDED', 'p7', 1],
        ['DELETED', 'p7', 2],
        ['ADDED', 'p8', 3],
      ],
    );
    assert.equal(events[0]?.object['kind'], 'Pod', 'watch objects carry kind and apiVersion');
  });

  test('watch from a compacted resourceVersion: an ERROR event with a 410 Status, then the end', async () => {
    const r = await get(server, '/api/v1/pods?watch=true&resourceVersion=3');
    assert.equal(r.status, 200);
    assert.deepEqual(lines(r), [
      {
        type: 'ERROR',
        object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 3 (${server.resourceVersion - 2})`, reason: 'Expired', code: 410 },
      },
    ]);
  });

  test('bookmarks only for watchers that allow them; timeoutSeconds ends the stream cleanly', async () => {
    const rv = server.resourceVersion;
    const withBookmarks = get(server, `/api/v1/nodes?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
    const without = get(server, `/api/v1/namespaces?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    await server.waitForWatches(2);
    server.bookmark();
    assert.deepEqual(lines(await withBookmarks), [{ type: 'BOOKMARK', object: { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: String(rv) } } }]);
    assert.deepEqual(lines(await without), []);
  });

  test('a watch without resourceVersion starts with the current objects as ADDED', async () => {
    const r = await get(server, '/api/v1/namespaces?watch=true&timeoutSeconds=1');
    assert.deepEqual(lines(r).map((e) => [e.type, (e.object['metadata'] as { name: string }).name]), [['ADDED', 'ns']]);
  });

  test('401 without the token, 403 with the RBAC message, 404 for unknown resources', async () => {
    const unauthorized = await get(server, '/api/v1/pods', { token: 'nope' });
    assert.equal(unauthorized.status, 401);
    assert.deepEqual(json(unauthorized), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const forbidden = await get(server, '/api/v1/namespaces/ns/secrets');
    assert.equal(forbidden.status, 403);
    assert.equal(json(forbidden)['message'], 'secrets is forbidden: User "system:serviceaccount:kube-cost:kube-cost-exporter" cannot list resource "secrets" in API group "" in the namespace "ns"');
    assert.equal((await get(server, '/apis/apps/v1/widgets')).status, 404);
  });

  test('injected failures: 429 with Retry-After, then normal service', async () => {
    server.failNext((r) => r.resource === 'nodes', 429, 1, 2);
    const limited = await get(server, '/api/v1/nodes');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2');
    assert.equal((await get(server, '/api/v1/nodes')).status, 200);
  });

  test('the request log names verb, group, resource and namespace as the authorizer sees them', () => {
    const seen = server.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/ns/pods')).map((r) => [r.verb, r.apiGroup, r.resource, r.namespace]);
    assert.deepEqual(seen[0], ['list', '', 'pods', 'ns']);
    assert.ok(server.requests.some((r) => r.verb === 'watch' && r.resource === 'nodes'));
  });
});
