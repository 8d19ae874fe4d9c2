// The real `kube-cost-exporter` command with live pricing on: AWS list prices from bulk Price List
// files and spot prices from EC2 (through the real AWS SDK) served by a local server in the real
// formats, for the bundled example cluster (12 EKS nodes in us-east-1, 4 of them spot). Prices
// become `live`, are kept in the cache file, and a restart with the provider down answers `cache`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { computeProduct, onDemandTerm } from '../src/pricing/live/aws-offer.test-util.ts';
import type { TestServer } from '../src/pricing/live/test-server.test-util.ts';
import { json, startTestServer } from '../src/pricing/live/test-server.test-util.ts';
import { spawnChild } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const VERSION = '/offers/v1.0/aws/AmazonEC2/20261130000000/us-east-1/index.json';

/** us-east-1 Linux on-demand list prices of the example's types. */
const ON_DEMAND: Record<string, string> = { 'm6i.2xlarge': '0.3840000000', 'g4dn.xlarge': '0.5260000000', 'm5.xlarge': '0.1920000000', 'r6i.xlarge': '0.2520000000', 'c6i.2xlarge': '0.3400000000' };
/** Spot prices per zone (the example's spot nodes: m5.xlarge in 1b and 1c, c6i.2xlarge in 1a, 1b, 1c). */
const SPOT: Array<[string, string, string]> = [
  ['m5.xlarge', 'us-east-1b', '0.071200'],
  ['m5.xlarge', 'us-east-1c', '0.069800'],
  ['c6i.2xlarge', 'us-east-1a', '0.130900'],
  ['c6i.2xlarge', 'us-east-1b', '0.140200'],
  ['c6i.2xlarge', 'us-east-1c', '0.128800'],
];

async function awsServer(): Promise<TestServer> {
  return startTestServer((req, res) => {
    if (req.method === 'POST') {
      const items = SPOT.map(([type, zone, price]) => `<item><instanceType>${type}</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>${price}</spotPrice><timestamp>2026-11-30T05:00:00.000Z</timestamp><availabilityZone>${zone}</availabilityZone></item>`).join('');
      res.writeHead(200, { 'content-type': 'text/xml' });
      return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r1</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet><nextToken/></DescribeSpotPriceHistoryResponse>`);
    }
    if (req.url === '/offers/v1.0/aws/AmazonEC2/current/region_index.json') return json(res, { formatVersion: 'v1.0', regions: { 'us-east-1': { regionCode: 'us-east-1', currentVersionUrl: VERSION } } });
    if (req.url === VERSION) {
      const products: Record<string, unknown> = {};
      const onDemand: Record<string, unknown> = {};
      for (const [type, usd] of Object.entries(ON_DEMAND)) {
        const sku = `SKU${type.replace(/\W/g, '')}`;
        products[sku] = computeProduct(sku, 'us-east-1', type);
        onDemand[sku] = onDemandTerm(sku, usd);
      }
      return json(res, { formatVersion: 'v1.0', offerCode: 'AmazonEC2', products, terms: { OnDemand: onDemand } });
    }
    json(res, {}, 404);
  });
}

async function startCli(args: string[]) {
  const port = await freePort();
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_EC2_METADATA_DISABLED: 'true' };
  const child = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', ...args], { env });
  const base = `http://127.0.0.1:${port}`;
  return {
    logs: () => child.output(),
    /** Polls /metrics until `ok` holds (30 s at most). */
    async metricsWhen(ok: (text: string) => boolean): Promise<string> {
      const deadline = Date.now() + 30_000;
      let last = '';
      for (;;) {
        try {
          last = await (await fetch(`${base}/metrics`)).text();
          if (ok(last)) return last;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`condition not met after 30 s; logs:\n${child.output()}\nmetrics:\n${last.slice(0, 3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await child.stop();
    },
  };
}

const nodeHourly = (text: string, node: string) => Number(new RegExp(`^kube_cost_node_hourly_usd\\{node="${node.replace(/\./g, '\\.')}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);

test('live pricing end to end: list and spot prices from the AWS APIs priced into /metrics, cached, and used from the cache when AWS is down', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-e2e-'));
  const cacheFile = join(dir, 'pricing-cache.json');
  const aws = await awsServer();
  const args = ['--snapshot', join(EXAMPLES, 'cluster.json'), '--interval', '1s', '--pricing-refresh', 'on', '--pricing-cache-file', cacheFile, '--aws-pricing-url', aws.url, '--aws-ec2-endpoint', aws.url];
  try {
    const first = await startCli(args);
    try {
      // Every node live, and the cycle after the spot prices arrived (until then spot nodes are estimated from the live on-demand price).
      const allLive = (t: string) => (t.match(/^kube_cost_node_price_source\{[^}]*source="live"\} 1$/gm) ?? []).length === 12 && /^kube_cost_pricing_source\{provider="aws",kind="spot",source="live"\} 5$/m.test(t) && nodeHourly(t, 'ip-10-0-42-173.ec2.internal') === 0.0712;
      const text = await first.metricsWhen(allLive);
      // On-demand m6i.2xlarge at the served list price; spot nodes at their zone's spot price.
      assert.equal(nodeHourly(text, 'ip-10-0-16-60.ec2.internal'), 0.384);
      assert.equal(nodeHourly(text, 'ip-10-0-42-173.ec2.internal'), 0.0712, 'm5.xlarge spot in us-east-1b');
      assert.equal(nodeHourly(text, 'ip-10-0-87-251.ec2.internal'), 0.0698, 'm5.xlarge spot in us-east-1c');
      assert.equal(nodeHourly(text, 'ip-10-0-8-117.ec2.internal'), 0.1309, 'c6i.2xlarge spot in us-east-1a');
      assert.match(text, /^kube_cost_pricing_api_calls_total\{provider="aws",endpoint="describe_spot_price_history",result="success"\} 1$/m);
      assert.match(text, /^kube_cost_pricing_source\{provider="aws",kind="spot",source="live"\} 5$/m);
      assert.match(text, /^kube_cost_pricing_breaker_state\{provider="aws",state="closed"\} 1$/m);
      assert.ok(existsSync(cacheFile), 'the cache file is written');
      assert.equal(JSON.parse(readFileSync(cacheFile, 'utf8')).prices.length, 10);
    } finally {
      await first.stop();
    }
    await aws.close(); // AWS is down from now on
    const second = await startCli(args);
    try {
      const text = await second.metricsWhen((t) => /^kube_cost_node_price_source\{node="ip-10-0-16-60\.ec2\.internal",source="cache"\} 1$/m.test(t));
      assert.equal(nodeHourly(text, 'ip-10-0-16-60.ec2.internal'), 0.384, 'the cached list price, not the catalog');
      assert.equal(nodeHourly(text, 'ip-10-0-42-173.ec2.internal'), 0.0712, 'the cached spot price');
      assert.equal((text.match(/^kube_cost_node_price_source\{[^}]*source="cache"\} 1$/gm) ?? []).length, 12);
    } finally {
      await second.stop();
    }
  } finally {
    await aws.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
