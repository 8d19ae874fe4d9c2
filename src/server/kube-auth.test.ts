import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeReviewer, ReviewedUser } from './kube-auth.ts';
import { kubernetesAuth } from './kube-auth.ts';

const PROM: ReviewedUser = { username: 'system:serviceaccount:monitoring:prometheus', uid: 'u1', groups: ['system:serviceaccounts'], extra: {} };

/** A reviewer over tables, counting the reviews it was asked for. */
function reviewer(tokens: Record<string, ReviewedUser>, allowed: Record<string, string[]>, calls: string[], fail = { on: false }): KubeReviewer {
  return {
    async tokenReview(token) {
      calls.push(`token ${token}`);
      if (fail.on) throw new Error('connect ECONNREFUSED 10.96.0.1:443');
      const user = tokens[token];
      return user ? { user } : { user: undefined, error: '[invalid bearer token, token lookup failed]' };
    },
    async accessReview(user, path, verb) {
      calls.push(`access ${user.username} ${verb} ${path}`);
      return (allowed[user.username] ?? []).includes(path) ? { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "metrics-reader"' } : { allowed: false, reason: '' };
    },
  };
}

test('kubernetesAuth: TokenReview then SubjectAccessReview on the path; verdicts cached 60 s when allowed, 10 s when refused; API failures refused and not cached', async () => {
  let t = 0;
  const calls: string[] = [];
  const fail = { on: false };
  const check = kubernetesAuth({ reviewer: reviewer({ prom: PROM }, { [PROM.username]: ['/metrics'] }, calls, fail), now: () => t });
  const table: [number, string, string, { ok: boolean; status?: number; message?: string }, string[]][] = [
    [0, 'prom', '/metrics', { ok: true }, ['token prom', `access ${PROM.username} get /metrics`]],
    [59_999, 'prom', '/metrics', { ok: true }, []], // cached
    [60_000, 'prom', '/metrics', { ok: true }, ['token prom', `access ${PROM.username} get /metrics`]], // expired
    [60_000, 'prom', '/api/v1/allocation', { ok: false, status: 403, message: `forbidden: User "${PROM.username}" cannot get path "/api/v1/allocation"; grant a ClusterRole with nonResourceURLs: ["/api/v1/allocation"], verbs: ["get"]` }, ['token prom', `access ${PROM.username} get /api/v1/allocation`]],
    [69_999, 'prom', '/api/v1/allocation', { ok: false, status: 403 }, []], // refusal cached 10 s
    [70_000, 'prom', '/api/v1/allocation', { ok: false, status: 403 }, ['token prom', `access ${PROM.username} get /api/v1/allocation`]],
    [70_000, 'stolen', '/metrics', { ok: false, status: 401, message: 'unauthorized: the Kubernetes API server did not authenticate the token ([invalid bearer token, token lookup failed])' }, ['token stolen']],
  ];
  for (const [at, token, path, expected, reviews] of table) {
    t = at;
    calls.length = 0;
    const verdict = await check(token, path);
    assert.equal(verdict.ok, expected.ok, `${at} ${token} ${path}`);
    if (!verdict.ok) {
      assert.equal(verdict.status, expected.status);
      if (expected.message) assert.equal(verdict.message, expected.message);
    }
    assert.deepEqual(calls, reviews, `${at} ${token} ${path}`);
  }
  // The API server down: 503, and the next request asks again (nothing cached).
  fail.on = true;
  t = 200_000;
  const down = await check('prom', '/metrics');
  assert.deepEqual(down, { ok: false, status: 503, message: 'cannot check the caller with the Kubernetes API server: connect ECONNREFUSED 10.96.0.1:443' });
  fail.on = false;
  calls.length = 0;
  assert.equal((await check('prom', '/metrics')).ok, true);
  assert.equal(calls.length, 2);
});
