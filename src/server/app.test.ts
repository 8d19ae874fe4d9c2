// The /metrics fast path (createServerApp's metricsFastPath) on a real node:http server: it answers
// Prometheus' gzip scrapes exactly as the app does (same bytes, same headers) and leaves every other
// request to the app, whose answers (plain text, 401, 403, 429) and counts stay what they were.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { container, GiB, node, pod, res, snapshot, tablePriceBook } from '../core/fixtures.test-util.ts';
import type { SourceReading } from '../sources/source.ts';
import { parseAllowList } from './access.ts';
import type { AppOptions } from './app.ts';
import { createServerApp } from './app.ts';
import { createExporter } from './exporter.ts';
import { memoryLogger } from './log.ts';

const READING: SourceReading = {
  snapshot: snapshot({ nodes: [node('n1', res(4000, 16 * GiB))], pods: [pod('shop', 'a', 'n1', [container('app', res(1000, 2 * GiB))])] }),
  warnings: [],
  hasUsage: false,
};
const PROMETHEUS_HEADERS = { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' };

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The exporter's server as src/cli/serve.ts wires it, counting the requests left to the app. */
async function serve(options: Pick<AppOptions, 'access' | 'limits' | 'accessLog'> = {}) {
  const exporter = createExporter({ source: { kind: 'snapshot', description: 'test', read: async () => READING }, prices: tablePriceBook({ nodes: { n1: { price: { kind: 'rates', rates: { cpuCoreHourUsd: 0.04, ramGiBHourUsd: 0.005, gpuHourUsd: 0.5 } } } } }), logger: memoryLogger() });
  await exporter.cycle();
  const { app, metricsFastPath } = createServerApp({ exporter, version: 'test', sourceDescription: 'test', ...options });
  const appListener = getRequestListener(app.fetch);
  let toApp = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (metricsFastPath?.(req, res)) return;
    toApp += 1;
    void appListener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const ask = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return {
    app,
    exporter,
    metricsFastPath,
    ask,
    toApp: () => toApp,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers that differ between two answers of the same content (time, connection). */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const comparable = (headers: Iterable<[string, string]>): Record<string, string> =>
  Object.fromEntries([...headers].filter(([k]) => !PER_CONNECTION.has(k)).sort(([a], [b]) => a.localeCompare(b)));

test('metrics fast path: a gzip scrape gets the bytes and headers the app sends, with Content-Length; nothing goes to the app', async () => {
  const s = await serve();
  try {
    const variants: Record<string, string>[] = [PROMETHEUS_HEADERS, { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'deflate, gzip;q=0.5' }];
    for (const headers of variants) {
      const fast = await s.ask('/metrics', headers);
      assert.equal(s.toApp(), 0, JSON.stringify(headers));
      assert.equal(fast.status, 200);
      const viaApp = await s.app.request('/metrics', { headers });
      const appBody = Buffer.from(await viaApp.arrayBuffer());
      assert.deepEqual(fast.body, appBody, 'the same prepared Buffer');
      assert.equal(fast.headers['content-length'], String(fast.body.length));
      assert.deepEqual(comparable(Object.entries(fast.headers) as [string, string][]), comparable(viaApp.headers.entries()));
      assert.equal(fast.headers['content-encoding'], 'gzip');
      assert.equal(fast.headers['x-frame-options'], 'DENY');
      assert.equal(fast.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      const text = gunzipSync(fast.body).toString('utf8');
      assert.equal(text, s.exporter.metrics(headers['accept'] ? 'openmetrics' : 'prometheus').text);
      assert.equal(text.endsWith('# EOF\n'), headers['accept'] !== undefined, 'OpenMetrics only when asked');
    }
    // A new cycle publishes a new Buffer: the fast path follows it (Content-Length of the new body).
    await s.exporter.cycle();
    const after = await s.ask('/metrics', PROMETHEUS_HEADERS);
    assert.deepEqual(after.body, s.exporter.metrics('openmetrics').gzip());
    assert.equal(after.headers['content-length'], String(after.body.length));
  } finally {
    await s.close();
  }
});

test('metrics fast path: everything else is answered by the app, as before', async () => {
  const s = await serve();
  try {
    const cases: [string, string, Record<string, string>, number][] = [
      ['GET', '/metrics', {}, 200], // plain text: decompressed as sent, by the app
      ['GET', '/metrics', { 'accept-encoding': 'gzip;q=0' }, 200],
      ['HEAD', '/metrics', PROMETHEUS_HEADERS, 200],
      ['GET', '/metrics?x=1', PROMETHEUS_HEADERS, 200],
      ['POST', '/metrics', PROMETHEUS_HEADERS, 404],
      ['GET', '/healthz', PROMETHEUS_HEADERS, 200],
    ];
    for (const [method, path, headers, status] of cases) {
      const before = s.toApp();
      const answer = await s.ask(path, headers, method);
      assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(headers)}`);
      assert.equal(s.toApp(), before + 1, `${method} ${path} ${JSON.stringify(headers)} goes to the app`);
    }
    const plain = await s.ask('/metrics');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString('utf8'), s.exporter.metrics('prometheus').text);
  } finally {
    await s.close();
  }
});

test('metrics fast path: only requests access control admits at once; refusals are the app’s (status, challenge, count)', async () => {
  const denied: string[] = [];
  const s = await serve({ access: { token: () => 'good-token', onDenied: (reason, path) => denied.push(`${reason} ${path}`) } });
  try {
    const cases: [Record<string, string>, number, boolean][] = [
      [{}, 401, true],
      [{ authorization: 'Bearer wrong' }, 401, true],
      [{ authorization: 'Bearer good-token' }, 200, false],
      [{ authorization: 'bearer  good-token ' }, 200, false],
    ];
    for (const [auth, status, toApp] of cases) {
      const before = s.toApp();
      const answer = await s.ask('/metrics', { ...PROMETHEUS_HEADERS, ...auth });
      assert.equal(answer.status, status, JSON.stringify(auth));
      assert.equal(s.toApp(), before + (toApp ? 1 : 0), JSON.stringify(auth));
      if (status === 401) assert.equal(answer.headers['www-authenticate'], 'Bearer realm="kube-cost-exporter"');
    }
    assert.deepEqual(denied, ['token /metrics', 'token /metrics']);
  } finally {
    await s.close();
  }

  const outside = await serve({ access: { allowList: parseAllowList(['10.0.0.0/8'], '--allow-cidr') } });
  try {
    const answer = await outside.ask('/metrics', PROMETHEUS_HEADERS);
    assert.equal(answer.status, 403);
    assert.equal(answer.body.toString(), 'forbidden: your address is not in the allow-list (--allow-cidr)\n');
    assert.equal(outside.toApp(), 1);
  } finally {
    await outside.close();
  }

  // Kubernetes authentication is asynchronous (reviews): always the app's.
  const reviewed: string[] = [];
  const kube = await serve({ access: { kubernetes: async (token, path) => {
        reviewed.push(`${token} ${path}`);
        return { ok: true, username: 'prometheus' };
      },
    },
  });
  try {
    assert.equal((await kube.ask('/metrics', { ...PROMETHEUS_HEADERS, authorization: 'Bearer sa-token' })).status, 200);
    assert.equal(kube.toApp(), 1);
    assert.deepEqual(reviewed, ['sa-token /metrics']);
  } finally {
    await kube.close();
  }
});

test('metrics fast path: the rate limit takes one token per request, fast or not; past it the app answers 429', async () => {
  let t = 0;
  const limited: string[] = [];
  const s = await serve({ limits: { maxUrlBytes: 8192, maxBodyBytes: 0, ratePerSecond: 1, burst: 2, now: () => t, onLimited: (reason, path) => limited.push(`${reason} ${path}`) } });
  try {
    assert.equal((await s.ask('/metrics', PROMETHEUS_HEADERS)).status, 200);
    assert.equal((await s.ask('/metrics', PROMETHEUS_HEADERS)).status, 200);
    assert.equal(s.toApp(), 0);
    const third = await s.ask('/metrics', PROMETHEUS_HEADERS);
    assert.equal(third.status, 429);
    assert.equal(third.headers['retry-after'], '1');
    assert.equal(s.toApp(), 1);
    assert.deepEqual(limited, ['rate /metrics']);
    // One second later one token is back (rate 1/s): one scrape passes, the next does not.
    t = 1000;
    assert.equal((await s.ask('/metrics', PROMETHEUS_HEADERS)).status, 200);
    assert.equal((await s.ask('/metrics', PROMETHEUS_HEADERS)).status, 429);
    // A plain scrape goes through the app's limits, the same buckets.
    t = 2000;
    assert.equal((await s.ask('/metrics')).status, 200);
    assert.equal((await s.ask('/metrics', PROMETHEUS_HEADERS)).status, 429);
    assert.deepEqual(limited, ['rate /metrics', 'rate /metrics', 'rate /metrics']);
  } finally {
    await s.close();
  }
});

test('metrics fast path: none with --access-log all (every scrape is logged by the app); present with denied', async () => {
  const logger = memoryLogger();
  const all = await serve({ accessLog: { mode: 'all', logger } });
  try {
    assert.equal(all.metricsFastPath, undefined);
    assert.equal((await all.ask('/metrics', PROMETHEUS_HEADERS)).status, 200);
    assert.equal(all.toApp(), 1);
    assert.deepEqual(logger.lines.map((l) => [l.msg, l.fields['path'], l.fields['status']]), [['access', '/metrics', 200]]);
  } finally {
    await all.close();
  }
  const denied = await serve({ accessLog: { mode: 'denied', logger } });
  try {
    assert.notEqual(denied.metricsFastPath, undefined);
  } finally {
    await denied.close();
  }
});
