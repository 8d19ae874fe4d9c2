// The UI's static handler inside the real app (createApp), in-process: content types, caching of
// hashed assets, the UI's CSP next to the other security headers, gzip, ETag revalidation, 404s,
// and the landing page when the UI is not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createApp } from './app.ts';
import type { Exporter } from './exporter.ts';
import { acceptsGzip, loadUiAssets, UI_CONTENT_SECURITY_POLICY } from './ui.ts';

let dir: string;
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="app"></div></body></html>';
const JS = `console.log(${JSON.stringify('x'.repeat(2000))});`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ui-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-AbCd1234.js'), JS);
  writeFileSync(join(dir, 'assets', 'index-Xy_9-abc.css'), 'body{color:red}');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.build-stamp'), 'abc\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

// The paths under test (/, /assets/*, /healthz) never ask the exporter anything; /metrics and
// /readyz, which do, are tested in exporter.test.ts.
const NO_EXPORTER = {} as Exporter;

async function app(uiDir: string) {
  return createApp({ exporter: NO_EXPORTER, version: '0.0.0-test', sourceDescription: 'demo cluster (simulated)', uiDir });
}

describe('UI static handler', () => {
  it('serves index.html at / with the UI policy and the other security headers, revalidated', async () => {
    const a = await app(dir);
    const res = await a.request('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('content-security-policy'), UI_CONTENT_SECURITY_POLICY);
    assert.match(UI_CONTENT_SECURITY_POLICY, /script-src 'self';/);
    assert.doesNotMatch(UI_CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(await res.text(), INDEX);
    // Query strings (the UI's state) get the same page.
    assert.equal(await (await a.request('/?page=nodes&window=30d')).text(), INDEX);
  });

  it('the API and metrics keep the strict default policy', async () => {
    const a = await app(dir);
    const res = await a.request('/healthz');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  });

  const cases: { path: string; type: string; cache: string }[] = [
    { path: '/assets/index-AbCd1234.js', type: 'text/javascript; charset=utf-8', cache: 'public, max-age=31536000, immutable' },
    { path: '/assets/index-Xy_9-abc.css', type: 'text/css; charset=utf-8', cache: 'public, max-age=31536000, immutable' },
    // Not hashed: revalidated, never cached for a year.
    { path: '/assets/logo.svg', type: 'image/svg+xml', cache: 'no-cache' },
  ];
  for (const c of cases) {
    it(`${c.path}: ${c.type}, ${c.cache}`, async () => {
      const res = await (await app(dir)).request(c.path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), c.type);
      assert.equal(res.headers.get('cache-control'), c.cache);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
    });
  }

  it('gzip when accepted (precompressed), identical bytes after gunzip; ETag gives 304', async () => {
    const a = await app(dir);
    const res = await a.request('/assets/index-AbCd1234.js', { headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(res.headers.get('vary'), 'Accept-Encoding');
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.length < JS.length / 10, `gzip ${body.length} bytes for ${JS.length}`);
    assert.equal(gunzipSync(body).toString(), JS);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const again = await a.request('/assets/index-AbCd1234.js', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const plain = await a.request('/assets/index-AbCd1234.js', { headers: { 'accept-encoding': 'gzip;q=0' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), JS);
  });

  it('404 for files that are not in the build, dot files and paths that try to leave the folder', async () => {
    const a = await app(dir);
    for (const path of ['/assets/missing-12345678.js', '/assets/../index.html', '/assets/%2e%2e/%2e%2e/package.json', '/assets/.build-stamp', '/.build-stamp']) {
      const res = await a.request(path);
      assert.notEqual(res.status, 200, path);
      const text = await res.text();
      assert.doesNotMatch(text, /"name": "kube-cost-exporter"|abc/, path);
    }
  });

  it('without a built UI, / is the landing page that says how to build it', async () => {
    const a = await app(join(dir, 'nowhere'));
    const res = await a.request('/');
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>kube-cost-exporter 0\.0\.0-test<\/h1>/);
    assert.match(html, /Source: demo cluster \(simulated\)/);
    assert.match(html, /npm run build:ui/);
    assert.equal((await a.request('/assets/index-AbCd1234.js')).status, 404);
  });

  it('loadUiAssets maps URL paths to files and leaves dot files out', () => {
    const assets = loadUiAssets(dir);
    assert.ok(assets);
    assert.deepEqual([...assets.files.keys()].sort(), ['/', '/assets/index-AbCd1234.js', '/assets/index-Xy_9-abc.css', '/assets/logo.svg']);
    assert.equal(loadUiAssets(join(dir, 'nowhere')), undefined);
  });

  const gzipCases: [string | undefined, boolean][] = [
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['deflate, gzip', true],
    ['gzip;q=0', false],
    ['gzip; q=0.5', true],
    ['GZIP', true],
    ['br', false],
    ['x-gzip', false],
  ];
  for (const [header, expected] of gzipCases) {
    it(`acceptsGzip(${JSON.stringify(header)}) = ${expected}`, () => assert.equal(acceptsGzip(header), expected));
  }
});
