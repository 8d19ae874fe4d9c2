import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelayMs, CircuitBreaker, parseRetryAfter, RateLimiter, withRetries } from './resilience.ts';
import { fakeClock } from './test-server.test-util.ts';
import { PricingHttpError, PricingPayloadError } from './types.ts';

test('backoff: equal jitter over min(cap, base·2^n), Retry-After wins when longer', () => {
  // [retry, random, retryAfterMs, expected ms] with base 1000, cap 60000 — by hand:
  // ceiling = min(60000, 1000·2^n); delay = ceiling/2 + random·ceiling/2
  const table: Array<[number, number, number | undefined, number]> = [
    [0, 0, undefined, 500], // 1000/2
    [0, 1, undefined, 1000], // 500 + 500
    [1, 0.5, undefined, 1500], // 2000: 1000 + 500
    [3, 0.25, undefined, 5000], // 8000: 4000 + 1000
    [6, 0, undefined, 30000], // 64000 capped to 60000: 30000
    [10, 1, undefined, 60000], // capped
    [0, 0, 7000, 7000], // Retry-After 7 s > 500
    [3, 1, 2000, 8000], // Retry-After 2 s < 8000
  ];
  for (const [retry, random, after, expected] of table) {
    assert.equal(backoffDelayMs(retry, () => random, {}, after), expected, `retry ${retry}, random ${random}, Retry-After ${after}`);
  }
});

test('Retry-After: seconds or an HTTP date; unreadable is undefined', () => {
  const now = Date.UTC(2026, 10, 30, 6, 0, 0);
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('1.5', now), 1500);
  assert.equal(parseRetryAfter('Mon, 30 Nov 2026 06:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Mon, 30 Nov 2026 05:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test('withRetries: 429 and 503 retried on the backoff schedule, Retry-After honoured, 4 attempts at most', async () => {
  const clock = fakeClock();
  const errors = [new PricingHttpError('azure', 'retail_prices', 'http://x', 429, 10_000), new PricingHttpError('azure', 'retail_prices', 'http://x', 503, undefined), new PricingHttpError('azure', 'retail_prices', 'http://x', 503, undefined)];
  let calls = 0;
  const result = await withRetries(
    async () => {
      const e = errors[calls++];
      if (e) throw e;
      return 'ok';
    },
    { sleep: clock.sleep, random: () => 0.5 },
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 4);
  // retry 0: Retry-After 10 s beats 750; retry 1: 1000 + 0.5·1000 = 1500; retry 2: 2000 + 0.5·2000 = 3000
  assert.deepEqual(clock.sleeps, [10_000, 1500, 3000]);

  const clock2 = fakeClock();
  let n = 0;
  await assert.rejects(
    withRetries(
      async () => {
        n++;
        throw new PricingHttpError('gcp', 'skus', 'http://x', 503, undefined);
      },
      { sleep: clock2.sleep, random: () => 0 },
    ),
    /HTTP 503/,
  );
  assert.equal(n, 4);
  assert.deepEqual(clock2.sleeps, [500, 1000, 2000]);
});

test('withRetries: a malformed body or a 404 is not retried', async () => {
  for (const err of [new PricingPayloadError('aws', 'offer_file', 'truncated'), new PricingHttpError('aws', 'region_index', 'http://x', 404, undefined)]) {
    const clock = fakeClock();
    let n = 0;
    await assert.rejects(
      withRetries(
        async () => {
          n++;
          throw err;
        },
        { sleep: clock.sleep, random: () => 0 },
      ),
      err,
    );
    assert.equal(n, 1);
    assert.deepEqual(clock.sleeps, []);
  }
});

test('rate limiter: the 101st call in a minute waits until the first leaves the window', async () => {
  const clock = fakeClock();
  const limiter = new RateLimiter({ limit: 100, windowMs: 60_000, now: clock.now, sleep: clock.sleep });
  for (let i = 0; i < 100; i++) {
    await limiter.acquire();
    clock.advance(100); // 100 calls over 10 s
  }
  assert.deepEqual(clock.sleeps, []);
  await limiter.acquire();
  // The first call was at t0; now is t0 + 10 s: wait 50 s.
  assert.deepEqual(clock.sleeps, [50_000]);
  assert.equal(limiter.inWindow(), 100);
});

test('circuit breaker: opens after 3 failures, half-opens after the cool-down with one probe, closes on success', () => {
  const clock = fakeClock();
  const moves: string[] = [];
  const b = new CircuitBreaker({ failureThreshold: 3, openMs: 300_000, now: clock.now, onChange: (f, t) => moves.push(`${f}→${t}`) });
  assert.equal(b.allow(), true);
  b.failure();
  b.failure();
  assert.equal(b.state, 'closed');
  b.success(); // a success resets the count
  b.failure();
  b.failure();
  assert.equal(b.state, 'closed');
  b.failure();
  assert.equal(b.state, 'open');
  assert.equal(b.allow(), false);
  clock.advance(299_999);
  assert.equal(b.allow(), false);
  clock.advance(1);
  assert.equal(b.state, 'half-open');
  assert.equal(b.allow(), true, 'one probe');
  assert.equal(b.allow(), false, 'only one probe at a time');
  b.failure();
  assert.equal(b.state, 'open', 'a failed probe opens it again');
  clock.advance(300_000);
  assert.equal(b.allow(), true);
  b.success();
  assert.equal(b.state, 'closed');
  assert.deepEqual(moves, ['closed→open', 'open→half-open', 'half-open→open', 'open→half-open', 'half-open→closed']);
});
