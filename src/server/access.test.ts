import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Hono } from 'hono';
import { ConfigError } from '../core/errors.ts';
import { accessControl, accessLog, allowed, parseAllowList, securityHeaders, tokenFromFile } from './access.ts';
import { memoryLogger } from './log.ts';

test('parseAllowList: addresses and CIDRs of both families; bad entries name the option and the entry', () => {
  const list = parseAllowList(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1', ' '], '--allow-cidr');
  assert.deepEqual(list.cidrs, ['10.0.0.0/8', '192.168.1.7/32', 'fd00::/8', '::1/128']);
  const cases: [string | undefined, boolean][] = [
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::ffff:10.9.9.9', true], // IPv4-mapped, as a dual-stack socket reports IPv4 clients
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['::1', true],
    ['not-an-ip', false],
    [undefined, false],
  ];
  for (const [address, expected] of cases) assert.equal(allowed(list, address), expected, String(address));
  for (const [entry, message] of [
    ['10.0.0.0/33', '--allow-cidr: prefix length must be 0 to 32 for an IPv4 address (got "10.0.0.0/33")'],
    ['10.0.0/8', '--allow-cidr: not an IP address or CIDR (got "10.0.0/8")'],
    ['::/x', '--allow-cidr: prefix length must be 0 to 128 for an IPv6 address (got "::/x")'],
  ] as const) {
    assert.throws(() => parseAllowList([entry], '--allow-cidr'), (err: unknown) => err instanceof ConfigError && err.message === message);
  }
});

test('tokenFromFile: read at start, re-read when the file changes, the previous token kept when the new file is empty', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-token-'));
  try {
    const file = join(dir, 'token');
    assert.throws(() => tokenFromFile(file, '--auth-token-file'), (err: unknown) => err instanceof ConfigError && err.message === `--auth-token-file: cannot read ${file}: ENOENT`);
    writeFileSync(file, '\n');
    assert.throws(() => tokenFromFile(file, '--auth-token-file'), (err: unknown) => err instanceof ConfigError && err.message === `--auth-token-file: ${file} is empty: it must hold the bearer token`);
    writeFileSync(file, 's3cret\n');
    let clock = 0;
    const logger = memoryLogger();
    const token = tokenFromFile(file, '--auth-token-file', { now: () => clock, logger });
    assert.equal(token(), 's3cret');
    writeFileSync(file, 'rotated-token-2');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    clock = 500;
    assert.equal(token(), 's3cret', 'not re-checked within a second');
    clock = 1500;
    assert.equal(token(), 'rotated-token-2');
    writeFileSync(file, '');
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    clock = 3000;
    assert.equal(token(), 'rotated-token-2');
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg === 'cannot reload the bearer token; keeping the previous one'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function app(address: string) {
  const denied: string[] = [];
  const a = new Hono();
  a.use('*', securityHeaders());
  a.use(
    '*',
    accessControl({
      token: () => 'good-token',
      allowList: parseAllowList(['10.0.0.0/8'], '--allow-cidr'),
      remoteAddress: () => address,
      onDenied: (reason, path) => denied.push(`${reason} ${path}`),
    }),
  );
  a.get('/metrics', (c) => c.text('kube_cost_cluster_hourly_usd 1\n'));
  a.get('/healthz', (c) => c.text('ok\n'));
  return { a, denied };
}

test('accessControl: /healthz open; others need an allowed address and the bearer token; security headers everywhere', async () => {
  const inside = app('10.2.3.4');
  const cases: [string, Record<string, string>, number][] = [
    ['/healthz', {}, 200],
    ['/metrics', {}, 401],
    ['/metrics', { authorization: 'Bearer wrong' }, 401],
    ['/metrics', { authorization: 'Basic Z29vZC10b2tlbg==' }, 401],
    ['/metrics', { authorization: 'Bearer good-token' }, 200],
    ['/metrics', { authorization: 'bearer good-token' }, 200],
  ];
  for (const [path, headers, status] of cases) {
    const res = await inside.a.request(path, { headers });
    assert.equal(res.status, status, `${path} ${JSON.stringify(headers)}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    if (status === 401) assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="kube-cost-exporter"');
  }
  assert.deepEqual(inside.denied, ['token /metrics', 'token /metrics', 'token /metrics']);

  const outside = app('203.0.113.9');
  const res = await outside.a.request('/metrics', { headers: { authorization: 'Bearer good-token' } });
  assert.equal(res.status, 403);
  assert.equal(await res.text(), 'forbidden: your address is not in the allow-list (--allow-cidr)\n');
  assert.equal((await outside.a.request('/healthz')).status, 200);
  assert.deepEqual(outside.denied, ['address /metrics']);
});

test('accessLog: who asked what; denied mode logs only refusals; the token appears only as a fingerprint', async () => {
  for (const mode of ['denied', 'all'] as const) {
    const logger = memoryLogger();
    const a = new Hono();
    a.use('*', accessLog({ mode, logger, remoteAddress: () => '10.1.1.1', now: () => 0 }));
    a.use('*', accessControl({ token: () => 'good-token', remoteAddress: () => '10.1.1.1' }));
    a.get('/metrics', (c) => c.text('x 1\n'));
    await a.request('/metrics?debug=1', { headers: { authorization: 'Bearer wrong', 'user-agent': 'curl/8.5.0' } });
    await a.request('/metrics', { headers: { authorization: 'Bearer good-token', 'user-agent': 'Prometheus/3.5.0' } });
    // The log carries the first 12 hex digits of the token's SHA-256, never the token.
    const wrong = createHash('sha256').update('wrong').digest('hex').slice(0, 12);
    const good = createHash('sha256').update('good-token').digest('hex').slice(0, 12);
    const expected = [
      { level: 'warn', msg: 'access refused', fields: { remote: '10.1.1.1', method: 'GET', path: '/metrics', status: 401, durationMs: 0, query: 'debug=1', tokenSha256: wrong, userAgent: 'curl/8.5.0' } },
      ...(mode === 'all' ? [{ level: 'info', msg: 'access', fields: { remote: '10.1.1.1', method: 'GET', path: '/metrics', status: 200, durationMs: 0, tokenSha256: good, userAgent: 'Prometheus/3.5.0' } }] : []),
    ];
    assert.deepEqual(
      logger.lines.map((l) => ({ level: l.level, msg: l.msg, fields: l.fields })),
      expected,
      mode,
    );
    assert.ok(!JSON.stringify(logger.lines).includes('good-token'));
  }
});
