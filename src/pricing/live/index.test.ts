import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LivePricingConfig } from '../../cli/config.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../server/log.ts';
import { loadCatalog } from '../catalog.ts';
import { createPriceBook } from '../pricebook.ts';
import { liveMetricsRenderer, startLivePricing } from './index.ts';

function logger(lines: string[]): Logger {
  const log = (level: string) => (msg: string) => lines.push(`${level} ${msg}`);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const config = (over: Partial<LivePricingConfig>): LivePricingConfig => ({
  refresh: 'auto',
  cacheFile: '/nonexistent/kce-test/pricing-cache.json',
  awsPricingUrl: 'http://127.0.0.1:9',
  awsPricingSource: 'bulk',
  awsPricingEndpoint: undefined,
  awsEc2Endpoint: undefined,
  azurePricingUrl: 'http://127.0.0.1:9',
  gcpPricingUrl: 'http://127.0.0.1:9',
  gcpApiKeyFile: undefined,
  ...over,
});

test('off, and auto for the demo cluster, keep the catalog (and say why); the metrics families are still served, empty', () => {
  const catalog = loadCatalog();
  const base = createPriceBook({ catalog });
  const lines: string[] = [];
  assert.equal(startLivePricing({ config: config({ refresh: 'off' }), base, catalog, sourceKind: 'kube', logger: logger(lines) }), undefined);
  assert.equal(startLivePricing({ config: config({}), base, catalog, sourceKind: 'demo', logger: logger(lines) }), undefined);
  assert.deepEqual(lines, ["info live pricing off for the demo cluster (its prices stay the catalog's, so the demo is the same every run); --pricing-refresh on turns it on"]);
  assert.equal(
    liveMetricsRenderer(undefined)('prometheus', ''),
    [
      '# HELP kube_cost_pricing_source Prices held by live pricing, by provider, kind (instance, spot, storage, network) and source: live (fetched within its TTL) or cache (older, or read from the cache file). Look-ups they do not cover fall back to the catalog (kube_cost_pricing_lookups_total).',
      '# TYPE kube_cost_pricing_source gauge',
      '# HELP kube_cost_pricing_api_calls_total Calls to the cloud price APIs, by provider, endpoint and result (success, throttled, http_error, timeout, unreachable, malformed, no_credentials); retries count as calls.',
      '# TYPE kube_cost_pricing_api_calls_total counter',
      '# HELP kube_cost_pricing_staleness_seconds Seconds since the last successful live price refresh of each provider that live pricing serves (absent before the first success).',
      '# TYPE kube_cost_pricing_staleness_seconds gauge',
      '# HELP kube_cost_pricing_breaker_state Circuit breaker of each provider price API, 1 for its current state (closed, open, half-open).',
      '# TYPE kube_cost_pricing_breaker_state gauge',
      '',
    ].join('\n'),
  );
});

test('a GCP API key file that cannot be read, or is empty, stops the start with the option named', () => {
  const catalog = loadCatalog();
  const base = createPriceBook({ catalog });
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  try {
    assert.throws(() => startLivePricing({ config: config({ gcpApiKeyFile: join(dir, 'missing') }), base, catalog, sourceKind: 'kube', logger: logger([]) }), new ConfigError('--gcp-api-key-file', `cannot read ${join(dir, 'missing')}: ENOENT`));
    writeFileSync(join(dir, 'empty'), '\n');
    assert.throws(() => startLivePricing({ config: config({ gcpApiKeyFile: join(dir, 'empty') }), base, catalog, sourceKind: 'kube', logger: logger([]) }), new ConfigError('--gcp-api-key-file', `${join(dir, 'empty')} is empty`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt cache file is reported and live pricing starts empty', async () => {
  const catalog = loadCatalog();
  const dir = mkdtempSync(join(tmpdir(), 'kce-live-'));
  try {
    const file = join(dir, 'cache.json');
    writeFileSync(file, '{"format": 1, "prices": [');
    const lines: string[] = [];
    const setup = startLivePricing({ config: config({ cacheFile: file, refresh: 'on' }), base: createPriceBook({ catalog }), catalog, sourceKind: 'kube', logger: logger(lines) });
    assert.ok(setup);
    await setup.stop();
    assert.match(lines[0] ?? '', new RegExp(`^warn live pricing: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*JSON.*; starting with an empty cache$`));
    assert.equal(setup.live.table.size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
