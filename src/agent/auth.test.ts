import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TokenReviewResult } from './auth.ts';
import { agentAuth } from './auth.ts';

const EXPORTER = 'system:serviceaccount:kube-cost:kube-cost-exporter';

test('agentAuth: token reviews cached per token, cacheMs when allowed, at most 10 s when refused; failed reviews answered 503 and not cached', async () => {
  let t = 0;
  const reviews: string[] = [];
  const fail = { on: false };
  const users: Record<string, TokenReviewResult> = {
    exporter: { authenticated: true, username: EXPORTER },
    other: { authenticated: true, username: 'system:serviceaccount:default:default' },
  };
  const check = agentAuth({
    reviewer: async (token) => {
      reviews.push(token);
      if (fail.on) throw new Error('connect ECONNREFUSED 10.96.0.1:443');
      return users[token] ?? { authenticated: false, username: '', error: 'invalid bearer token' };
    },
    allowServiceAccounts: ['kube-cost:kube-cost-exporter'],
    now: () => t,
  });
  // [at ms, token, status (undefined: let through), body, reviews asked for]
  const table: [number, string, number | undefined, string | undefined, string[]][] = [
    [0, 'exporter', undefined, undefined, ['exporter']],
    [59_999, 'exporter', undefined, undefined, []], // cached a minute
    [60_000, 'exporter', undefined, undefined, ['exporter']], // expired: reviewed again
    [60_000, 'other', 403, 'system:serviceaccount:default:default is not an allowed service account\n', ['other']],
    [69_999, 'other', 403, undefined, []], // a refusal cached 10 s
    [70_000, 'other', 403, undefined, ['other']],
    [70_000, 'stolen', 403, 'the API server did not authenticate the token: invalid bearer token\n', ['stolen']],
  ];
  for (const [at, token, status, body, asked] of table) {
    t = at;
    reviews.length = 0;
    const refused = await check('/v1/usage', `Bearer ${token}`);
    assert.equal(refused?.status, status, `${token} at ${at}`);
    if (body !== undefined) assert.equal(refused?.body, body);
    assert.deepEqual(reviews, asked, `${token} at ${at}`);
  }
  // The API server down: 503, and the next request asks again.
  fail.on = true;
  t = 200_000;
  assert.deepEqual(await check('/v1/usage', 'Bearer exporter'), { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'cannot review the token: connect ECONNREFUSED 10.96.0.1:443\n' });
  fail.on = false;
  reviews.length = 0;
  assert.equal(await check('/v1/usage', 'Bearer exporter'), undefined);
  assert.deepEqual(reviews, ['exporter']);
});

test('agentAuth: a cacheMs shorter than 10 s keeps refusals that long too', async () => {
  let t = 0;
  let asked = 0;
  const check = agentAuth({
    reviewer: async () => {
      asked++;
      return { authenticated: false, username: '' };
    },
    cacheMs: 2_000,
    now: () => t,
  });
  for (const [at, reviews] of [
    [0, 1],
    [1_999, 1],
    [2_000, 2],
  ] as const) {
    t = at;
    assert.equal((await check('/v1/usage', 'Bearer x'))?.status, 403);
    assert.equal(asked, reviews, `at ${at}`);
  }
});
