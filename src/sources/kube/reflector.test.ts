import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectCache } from './cache.ts';
import type { CachedValues } from './convert.ts';
import { KubeApiError, KubeConnectionError } from './errors.ts';
import type { WatchOutcome } from './reflector.ts';
import { backoffDelayMs, nextStep, Reflector } from './reflector.ts';
import type { WatchedResource } from './resources.ts';
import { WATCHED_RESOURCES } from './resources.ts';
import type { KubeTransport, Query, WatchHandlers } from './transport.ts';

test('backoffDelayMs: exponential from 800 ms, jittered, capped at 30 s, at least Retry-After', () => {
  //  failures, random, retryAfter → delay
  const table: [number, number, number | undefined, number][] = [
    [0, 0.5, undefined, 0],
    [1, 0, undefined, 800],
    [1, 1, undefined, 1200],
    [2, 0, undefined, 1600],
    [3, 0.5, undefined, 4000],
    [6, 0, undefined, 25_600],
    [7, 0, undefined, 30_000],
    [12, 1, undefined, 30_000],
    [1, 0, 5, 5000],
    [1, 0, 0, 800],
  ];
  for (const [failures, random, retryAfter, expected] of table) assert.equal(backoffDelayMs(failures, random, {}, retryAfter), expected, `${failures} ${random} ${retryAfter}`);
});

test('nextStep: what follows each way a watch can end', () => {
  const gone = new KubeApiError('watch /api/v1/pods', 410, 'Expired', 'too old');
  const down = new KubeConnectionError('watch /api/v1/pods', 'ECONNREFUSED', 'connect ECONNREFUSED');
  //  outcome, failures before → relist, failures after, backoff
  const table: [WatchOutcome, number, boolean, number, boolean][] = [
    [{ kind: 'ended', durationMs: 300_000, events: 0 }, 0, false, 0, false], // timeoutSeconds ran out
    [{ kind: 'ended', durationMs: 10, events: 3 }, 2, false, 0, false],
    [{ kind: 'ended', durationMs: 10, events: 0 }, 2, false, 3, true], // closed at once: no hot loop
    [{ kind: 'expired', events: 5 }, 0, true, 0, false],
    [{ kind: 'expired', events: 0 }, 0, true, 1, false],
    [{ kind: 'expired', events: 0 }, 1, true, 2, true], // expired again right after a re-list
    [{ kind: 'failed', error: gone, events: 0 }, 4, true, 0, false],
    [{ kind: 'failed', error: down, events: 0 }, 4, false, 5, true],
    [{ kind: 'failed', error: down, events: 7 }, 4, false, 1, true], // it worked for a while
  ];
  for (const [outcome, failures, relist, after, backoff] of table) {
    assert.deepEqual(nextStep(outcome, failures), { relist, failures: after, backoff }, `${JSON.stringify(outcome)} after ${failures}`);
  }
});

/** A scripted API server: list pages and watch streams answered from arrays, no network. */
function fakeTransport(script: { pages: (query: Query) => unknown; watches: ((h: WatchHandlers) => Promise<void>)[] }): KubeTransport & { calls: string[] } {
  const calls: string[] = [];
  return {
    server: 'https://fake',
    calls,
    async get(path, query = {}) {
      calls.push(`list ${path}?${new URLSearchParams(query as Record<string, string>).toString()}`);
      return script.pages(query);
    },
    async watch(path, query, handlers, options) {
      calls.push(`watch ${path}?rv=${query['resourceVersion']}`);
      const next = script.watches.shift();
      // Without a script, the watch stays open until stopped.
      if (!next) {
        return new Promise<void>((_, reject) => {
          if (options.signal.aborted) reject(options.signal.reason);
          options.signal.addEventListener('abort', () => reject(options.signal.reason));
        });
      }
      return next(handlers);
    },
    async close() {},
  };
}

test('Reflector: every watch asks the server to end it before the HTTP client\'s 300 s body timeout, jittered as client-go does', async () => {
  const asked: number[] = [];
  for (const r of [0, 0.5, 0.999_999]) {
    let watched: (v: number) => void = () => {};
    const seen = new Promise<number>((resolve) => (watched = resolve));
    const transport: KubeTransport = {
      server: 'https://fake',
      async get() {
        return { metadata: { resourceVersion: '1' }, items: [] };
      },
      async watch(_path, query, _handlers, options) {
        watched(Number(query['timeoutSeconds']));
        // The client's own idle limit is the server's timeout plus a minute.
        assert.equal(options.idleTimeoutMs, (Number(query['timeoutSeconds']) + 60) * 1000);
        return new Promise<void>((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason)));
      },
      async close() {},
    };
    const reflector = new Reflector({ resource: WATCHED_RESOURCES.find((x) => x.name === 'namespaces') as WatchedResource & { name: 'namespaces' }, transport, cache: new Map(), sleep: async () => {}, random: () => r });
    reflector.start();
    asked.push(await seen);
    await reflector.stop();
  }
  // 140 × (1 + r), rounded: 140, 210, 280 — all under undici's 300 s.
  assert.deepEqual(asked, [140, 210, 280]);
});

const nsResource = WATCHED_RESOURCES.find((r) => r.name === 'namespaces') as WatchedResource & { name: 'namespaces' };
const ns = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });
const noSleep = async (): Promise<void> => {};

test('Reflector: lists in pages, starts again when a continue token expires, then watches from the list', async () => {
  let listCalls = 0;
  const transport = fakeTransport({
    pages(q) {
      listCalls++;
      if (listCalls === 1) return { metadata: { resourceVersion: '10', continue: 't1' }, items: [ns('a', '5')] };
      if (listCalls === 2) throw new KubeApiError('list /api/v1/namespaces', 410, 'Expired', 'The provided continue parameter is too old');
      if (q['continue'] === undefined) return { metadata: { resourceVersion: '20', continue: 't2' }, items: [ns('a', '5'), ns('b', '15')] };
      return { metadata: { resourceVersion: '20' }, items: [ns('c', '18')] };
    },
    watches: [
      async (h) => {
        h.onOpen();
        h.onLine(JSON.stringify({ type: 'DELETED', object: { kind: 'Namespace', metadata: { name: 'b', resourceVersion: '21' } } }));
        h.onLine(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Namespace', metadata: { resourceVersion: '25' } } }));
      },
    ],
  });
  const cache: ObjectCache<CachedValues['namespaces']> = new Map();
  const r = new Reflector({ resource: nsResource, transport, cache, pageSize: 2, sleep: noSleep, random: () => 0, watchTimeoutSeconds: 300 });
  r.start();
  assert.equal(await r.waitForSync(1000), true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await r.stop();
  assert.deepEqual(transport.calls.slice(0, 6), [
    'list /api/v1/namespaces?limit=2',
    'list /api/v1/namespaces?limit=2&continue=t1',
    'list /api/v1/namespaces?limit=2',
    'list /api/v1/namespaces?limit=2&continue=t2',
    'watch /api/v1/namespaces?rv=20',
    'watch /api/v1/namespaces?rv=25',
  ]);
  assert.deepEqual([...cache.keys()], ['a', 'c']);
  const s = r.status();
  assert.deepEqual([s.synced, s.lists, s.events, s.bookmarks, s.resourceVersion], [true, 1, 1, 1, '25']);
});

test('Reflector: an optional resource refused by RBAC counts as synced and empty', async () => {
  const jobs = WATCHED_RESOURCES.find((r) => r.name === 'jobs') as WatchedResource & { name: 'jobs' };
  const transport = fakeTransport({
    pages() {
      throw new KubeApiError('list /apis/batch/v1/jobs', 403, 'Forbidden', 'jobs is forbidden');
    },
    watches: [],
  });
  const r = new Reflector({ resource: jobs, transport, cache: new Map(), sleep: (_ms, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())) });
  r.start();
  assert.equal(await r.waitForSync(1000), true);
  assert.deepEqual([r.status().forbidden, r.status().connected], [true, false]);
  await r.stop();
});

test('Reflector: a list that fails backs off with Retry-After and keeps the last error', async () => {
  const delays: number[] = [];
  let n = 0;
  const transport = fakeTransport({
    pages() {
      n++;
      if (n <= 2) throw new KubeApiError('list /api/v1/namespaces', 429, 'TooManyRequests', 'slow down', 3);
      return { metadata: { resourceVersion: '1' }, items: [] };
    },
    watches: [],
  });
  const r = new Reflector({
    resource: nsResource,
    transport,
    cache: new Map(),
    random: () => 0,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  r.start();
  assert.equal(await r.waitForSync(1000), true);
  await r.stop();
  assert.deepEqual(delays, [3000, 3000]);
});
