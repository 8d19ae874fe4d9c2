import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { serveApp } from '../../test/helpers/serve-app.ts';
import { adviceRoutes } from '../server/advice-routes.ts';
import { NOW, PRICES, recordedStore } from '../server/advice-fixtures.test-util.ts';
import type { PluginIo } from './main.ts';
import { main } from './main.ts';
import { parseRecommendations } from './recommendations.ts';

// The plugin against a real HTTP server answering /api/v1/recommendations from a memory history store.
describe('kubectl cost recommendations --server', () => {
  let url = '';
  let close: () => Promise<void> = async () => {};
  before(async () => {
    const store = await recordedStore();
    const app = new Hono();
    app.route('/api/v1', adviceRoutes({ store, prices: PRICES, now: () => NOW }));
    ({ url, close } = await serveApp(app));
  });
  after(() => close());

  async function run(...args: string[]) {
    let out = '';
    let err = '';
    const io: PluginIo = {
      stdout: { write: (t: string) => (out += t), isTTY: false },
      stderr: { write: (t: string) => (err += t) },
      readStdin: async () => '',
      readFile: async () => '',
      now: () => NOW,
    };
    const code = await main(['recommendations', '--server', url, ...args], {}, io);
    return { code, out, err };
  }

  it('table: one line per recommendation, largest saving first, and the total', async () => {
    const { code, out, err } = await run('--kind', 'idle-node,rightsizing', '-n', 'shop', '--sample', '5m');
    assert.equal(code, 0, err);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^KIND\s+NAMESPACE\s+TARGET\s+RESOURCE\s+CURRENT\s+SUGGESTED\s+SAVING\/MONTH$/);
    // 87.60 (n2) + 35.04 (n3) + 11.242 + 2.4528 + 1.005176 + 0.092676 = 137.432652 → $137.43
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s{3,}/)),
      [
        ['idle-node', '-', 'node/n2', 'node', 'm5.large in pool general', 'remove', '$87.60'],
        ['idle-node', '-', 'node/n3', 'node', 'm5.large in pool spot', 'remove', '$35.04'],
        ['rightsizing', 'shop', 'deployment/api', 'cpu', '500m', '115m', '$11.24'],
        ['rightsizing', 'shop', 'deployment/web', 'cpu', '100m', '58m', '$2.45'],
        ['rightsizing', 'shop', 'deployment/api', 'memory', '512Mi', '230Mi', '$1.01'],
        ['rightsizing', 'shop', 'deployment/web', 'memory', '128Mi', '115Mi', '$0.09'],
        ['TOTAL', '$137.43'],
      ],
    );
    assert.match(err, /note: no HorizontalPodAutoscaler list/);
  });

  it('json, csv and markdown carry the same rows', async () => {
    const json = JSON.parse((await run('-o', 'json', '--kind', 'idle-node')).out) as { recommendations: { target: string }[] };
    assert.deepEqual(
      json.recommendations.map((r) => r.target),
      ['node/n2', 'node/n3'],
    );
    const csv = (await run('-o', 'csv', '--kind', 'idle-node')).out.split('\n');
    assert.equal(csv[0], 'kind,cluster,namespace,target,resource,current,suggested,monthlySavingUsd,monthlyExtraCostUsd,confidence,detail');
    assert.match(csv[1] ?? '', /^idle-node,c1,,node\/n2,node,m5\.large in pool general,remove,87\.(6|59)\d*,0,,/);
    const md = (await run('-o', 'markdown', '--kind', 'idle-node')).out.split('\n');
    assert.equal(md[0], '| KIND | NAMESPACE | TARGET | RESOURCE | CURRENT | SUGGESTED | SAVING/MONTH |');
    assert.equal(md[md.length - 2], '| **TOTAL** |  |  |  |  |  | **$122.64** |');
  });

  it('bad flags exit 2 with the flag named; a bad answer is a server error', async () => {
    const bad = await run('--kind', 'cheap');
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'error: flag --kind: unknown kind "cheap" (expected rightsizing, idle-node, spot, commitment)\n');
    assert.equal((await run('--commitment-discount', '120%')).code, 2);
    assert.equal((await run('--snapshot', 'x.json')).code, 2);
    assert.equal((await run('--sample', '0m')).err, 'error: flag --sample: expected a duration like 5m or 1h (got "0m")\n');
    // The server refuses (too many samples): exit 1 with its message.
    const refused = await run('--sample', '1m', '--window', '2026-10-20T00:00:00Z,2026-11-01T12:00:00Z');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^error: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/recommendations\?.*: HTTP 400: sample="1m": 18000 samples per pod in this window, more than 4032; accepted: a longer sample or a shorter window\n$/);
    assert.throws(() => parseRecommendations({ data: { recommendations: [{ kind: 1 }] } }, 'test'), { message: 'test: not a recommendations answer: data.recommendations[0].kind is not a string' });
  });
});
