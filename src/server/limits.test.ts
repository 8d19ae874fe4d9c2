import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { rateLimiter, requestLimits } from './limits.ts';

test('rateLimiter: a bucket of `burst` tokens refilled at the rate, per client; waits computed by hand', () => {
  let t = 0;
  const limiter = rateLimiter({ ratePerSecond: 2, burst: 3, maxClients: 2, now: () => t });
  // Three at once pass (the burst), the fourth waits for one token: 1 / 2 per second = 0.5 s.
  assert.deepEqual([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')], [0, 0, 0, 0.5]);
  t = 250; // 0.25 s → 0.5 token: still short by 0.5 token = 0.25 s
  assert.equal(limiter.take('a'), 0.25);
  t = 500; // 0.5 token more → 1 token
  assert.equal(limiter.take('a'), 0);
  assert.equal(limiter.take('b'), 0, 'another client has its own bucket');
  assert.equal(limiter.take('c'), 0, 'a third client evicts the least recently seen (a)');
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('a'), 0, 'a comes back with a full bucket');
});

test('requestLimits: 414 for long URLs, 413 for bodies, 429 with Retry-After past the rate; /healthz never limited', async () => {
  let t = 0;
  const limited: string[] = [];
  const app = new Hono();
  app.use('*', requestLimits({ maxUrlBytes: 64, maxBodyBytes: 10, ratePerSecond: 1, burst: 2, now: () => t, remoteAddress: () => '10.0.0.1', onLimited: (r, p) => limited.push(`${r} ${p}`) }));
  app.all('*', (c) => c.text('ok'));
  const long = await app.request(`/api/v1/allocation?filter=${'x'.repeat(60)}`);
  assert.equal(long.status, 414);
  // "/api/v1/allocation" (18) + "?filter=" (8) + 60 × "x" = 86 bytes
  assert.equal(await long.text(), 'URI too long: 86 bytes, at most 64\n');
  const body = await app.request('/api/v1/allocation', { method: 'POST', body: 'more than ten bytes', headers: { 'content-length': '19' } });
  assert.equal(body.status, 413);
  t = 10_000; // buckets refilled
  assert.equal((await app.request('/metrics')).status, 200);
  assert.equal((await app.request('/metrics')).status, 200);
  const third = await app.request('/metrics');
  assert.equal(third.status, 429);
  assert.equal(third.headers.get('retry-after'), '1');
  assert.equal(await third.text(), 'too many requests: at most 1 per second per client (--rate-limit)\n');
  for (let i = 0; i < 5; i++) assert.equal((await app.request('/healthz')).status, 200);
  assert.deepEqual(limited, ['url_too_long /api/v1/allocation', 'body_too_large /api/v1/allocation', 'rate /metrics']);
});

test('requestLimits: rate 0 turns rate limiting off', async () => {
  const app = new Hono();
  app.use('*', requestLimits({ maxUrlBytes: 8192, maxBodyBytes: 0, ratePerSecond: 0, remoteAddress: () => '10.0.0.1' }));
  app.get('*', (c) => c.text('ok'));
  for (let i = 0; i < 50; i++) assert.equal((await app.request('/metrics')).status, 200);
});
