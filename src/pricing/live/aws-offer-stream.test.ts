// The memory bound: an AWS offer file of at least 300 MB, generated on the fly by another
// process and streamed over HTTP, is parsed with RSS growth under 150 MB (its own file: a test
// process of its own, so other tests' memory is not counted). bench/live-pricing.ts measures speed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generatedPriceUsd } from './aws-offer.test-util.ts';
import { fetchAwsBulk } from './aws.ts';
import { RateLimiter, realSleep } from './resilience.ts';

/** 7,700 instance types × 8 products ≈ 304 MB (about 4.9 KB per product with its terms). */
const TYPES = 7_700;

test('a generated 300+ MB offer file streams through with RSS growth under 150 MB and every kept price extracted', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./offer-server.test-util.ts', import.meta.url)), String(TYPES)], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const [first] = (await once(child.stdout, 'data')) as [Buffer];
    const baseUrl = first.toString().trim();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const calls: string[] = [];
    const r = await fetchAwsBulk(
      { provider: 'aws', limiter: new RateLimiter({ now: Date.now, sleep: realSleep }), sleep: realSleep, random: Math.random, now: Date.now, timeoutMs: 60_000, record: (e, res) => calls.push(`${e}:${res}`) },
      { baseUrl, region: 'us-east-1' },
    );
    const peakGrowthMb = (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20;
    assert.ok(r.stats!.bytes >= 300 * 1e6, `streamed ${r.stats!.bytes} bytes`);
    assert.equal(r.stats!.products, TYPES * 8);
    assert.equal(r.rows.length, TYPES);
    const byKey = new Map(r.rows.map((x) => [x.key, x.usd]));
    for (const i of [0, 1, 996, 997, TYPES - 1]) assert.equal(byKey.get(`aws|us-east-1|gen${i}.large`), Number(generatedPriceUsd(i).toFixed(10)), `gen${i}.large`);
    assert.ok(peakGrowthMb < 150, `peak RSS grew by ${peakGrowthMb.toFixed(1)} MB`);
    assert.deepEqual(calls, ['region_index:success', 'offer_file:success']);
  } finally {
    child.kill();
  }
});
