// The real command with protected endpoints: HTTPS with certificates made by openssl, mutual TLS,
// a bearer token rotated on disk without a restart, and a certificate renewed in place.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnChild } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

/** A CA, two server certificates for 127.0.0.1 (CN server-1, server-2) and a client certificate. */
function makeCertificates(dir: string): void {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=kce test CA']);
  writeFileSync(join(dir, 'server.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server-1', 'server.ext'],
    ['server-2', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '30', '-extfile', ext]);
  }
}

interface Answer {
  readonly status: number;
  readonly body: string;
  /** CN of the certificate the server presented. */
  readonly serverCn: string;
}

function get(port: number, path: string, tls: { ca: string; cert?: string; key?: string }, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, ...tls, agent: false }, (res) => {
      const cn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serverCn: cn }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('HTTPS with client certificates and a bearer token: refused without either, served with both; token and certificate rotate without a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-secure-'));
  const port = await freePort();
  makeCertificates(dir);
  const file = (name: string) => join(dir, name);
  const pem = (name: string) => readFileSync(file(name), 'utf8');
  writeFileSync(file('tls.crt'), pem('server-1.crt'));
  writeFileSync(file('tls.key'), pem('server-1.key'));
  writeFileSync(file('token'), 'first-token\n');
  const child = spawnChild(
    process.execPath,
    [
      CLI,
      '--port', String(port),
      '--host', '127.0.0.1',
      '--tls-cert-file', file('tls.crt'),
      '--tls-key-file', file('tls.key'),
      '--tls-client-ca-file', file('ca.crt'),
      '--auth-token-file', file('token'),
      '--allow-cidr', '127.0.0.0/8',
    ],
  );
  try {
    const client = { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') };
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const health = await eventually(async () => {
      const a = await get(port, '/healthz', client);
      return a.status === 200 ? a : undefined;
    }, `the exporter on https://127.0.0.1:${port} (${child.output()})`);
    assert.equal(health.serverCn, 'server-1');
    assert.match(child.output(), new RegExp(`listening on https://127\\.0\\.0\\.1:${port}/metrics`));

    // No client certificate: the TLS handshake itself is refused.
    await assert.rejects(get(port, '/healthz', { ca: pem('ca.crt') }));
    // Certificate but no token, or a wrong one: 401 (only /healthz is open).
    assert.equal((await get(port, '/metrics', client)).status, 401);
    assert.equal((await get(port, '/metrics', client, bearer('wrong'))).status, 401);
    const ok = await get(port, '/metrics', client, bearer('first-token'));
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^kube_cost_cluster_monthly_usd\{cluster="demo"\} \d/m);

    // Rotate the token (as the kubelet updates a mounted Secret: a rename): the new one works, the old one no longer.
    writeFileSync(file('token.new'), 'second-token');
    renameSync(file('token.new'), file('token'));
    await eventually(async () => ((await get(port, '/metrics', client, bearer('second-token'))).status === 200 ? true : undefined), 'the rotated token');
    assert.equal((await get(port, '/metrics', client, bearer('first-token'))).status, 401);

    // Renew the certificate in place: new connections get server-2 (checked every 10 s).
    writeFileSync(file('tls.key'), pem('server-2.key'));
    writeFileSync(file('tls.crt'), pem('server-2.crt'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(file('tls.key'), later, later);
    utimesSync(file('tls.crt'), later, later);
    const renewed = await eventually(async () => {
      const a = await get(port, '/healthz', client);
      return a.serverCn === 'server-2' ? a : undefined;
    }, 'the renewed certificate');
    assert.equal(renewed.status, 200);
    assert.match(child.output(), /TLS certificate reloaded/);
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('protection that cannot be set up stops the exporter at start with exit 2 and the option named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-secure-bad-'));
  try {
    writeFileSync(join(dir, 'empty'), '');
    const table: [string[], string][] = [
      [['--auth-token-file', join(dir, 'missing')], `kube-cost-exporter: --auth-token-file: cannot read ${join(dir, 'missing')}: ENOENT\n`],
      [['--auth-token-file', join(dir, 'empty')], `kube-cost-exporter: --auth-token-file: ${join(dir, 'empty')} is empty: it must hold the bearer token\n`],
      [['--allow-cidr', '10.0.0.0/40'], 'kube-cost-exporter: --allow-cidr: prefix length must be 0 to 32 for an IPv4 address (got "10.0.0.0/40")\n'],
      [['--tls-cert-file', join(dir, 'nope.crt'), '--tls-key-file', join(dir, 'nope.key')], `kube-cost-exporter: --tls-cert-file: cannot read ${join(dir, 'nope.crt')}: ENOENT\n`],
    ];
    for (const [args, message] of table) {
      const r = spawnSync(process.execPath, [CLI, '--port', String(await freePort()), '--host', '127.0.0.1', '--log-level', 'error', ...args], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, args.join(' '));
      // Checked after the logger exists, so the message is a log line (text format: time, level, message).
      assert.ok(r.stderr.endsWith(` ERROR ${message.slice('kube-cost-exporter: '.length)}`), r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basic auth (htpasswd bcrypt file): a real Prometheus scrapes with basic_auth, a job without credentials is refused; rate limit answers 429', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-basic-'));
  const port = await freePort();
  let line: string;
  try {
    line = execFileSync('htpasswd', ['-nbB', '-C', '5', 'prometheus', 'scrape-pass'], { encoding: 'utf8' }).trim();
  } catch {
    // apache2-utils missing (.ci/run installs it): the same format from bcryptjs.
    const { default: bcrypt } = await import('bcryptjs');
    line = `prometheus:${bcrypt.hashSync('scrape-pass', 5)}`;
  }
  writeFileSync(join(dir, 'users'), `${line}\n`);
  const child = spawnChild(process.execPath, [CLI, '--snapshot', join(EXAMPLES, 'cluster.json'), '--port', String(port), '--host', '127.0.0.1', '--interval', '2s', '--log-level', 'warn', '--basic-auth-file', join(dir, 'users'), '--rate-limit', '5']);
  let stderr = '';
  child.process.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const { startPrometheus } = await import('./helpers/prometheus.ts');
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  try {
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 'the exporter to listen');
    const auth = `Basic ${Buffer.from('prometheus:scrape-pass').toString('base64')}`;
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${Buffer.from('prometheus:nope').toString('base64')}` } })).status, 401);
    assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: auth } })).status, 200);
    prometheus = await startPrometheus({
      targets: [`127.0.0.1:${port}`],
      scrapeIntervalSeconds: 1,
      extraConfig: [
        '    basic_auth:',
        '      username: prometheus',
        '      password: scrape-pass',
        '  - job_name: no-credentials',
        '    static_configs:',
        `      - targets: ["127.0.0.1:${port}"]`,
      ].join('\n'),
    });
    const p = prometheus;
    await p.waitFor('up{job="kube-cost-exporter"} == 1', (r) => r.length === 1);
    await p.waitFor('up{job="no-credentials"} == 0', (r) => r.length === 1);
    assert.ok((await p.query('kube_cost_cluster_hourly_usd')).length >= 1, 'cost metrics scraped with basic auth');
    // Past 5 requests per second (bursts of 10) from one address: 429 with Retry-After; /healthz stays open.
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await fetch(`${url}/metrics`, { headers: { authorization: auth } })).status);
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    await prometheus?.stop();
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!stderr.includes('scrape-pass'), 'the password never appears in logs');
});
