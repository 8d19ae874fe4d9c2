import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadServeConfig, parseArgs } from './config.ts';

const load = (argv: string[], env: Record<string, string> = {}) => loadServeConfig(parseArgs(argv), env).livePricing;

test('live pricing options: defaults, flags, KCE_* variables, trailing slashes trimmed', () => {
  assert.deepEqual(load([]), {
    refresh: 'auto',
    cacheFile: './data/pricing-cache.json',
    awsPricingUrl: 'https://pricing.us-east-1.amazonaws.com',
    awsPricingSource: 'bulk',
    awsPricingEndpoint: undefined,
    awsEc2Endpoint: undefined,
    azurePricingUrl: 'https://prices.azure.com/api/retail/prices',
    gcpPricingUrl: 'https://cloudbilling.googleapis.com',
    gcpApiKeyFile: undefined,
  });
  assert.deepEqual(
    load(['--pricing-refresh', 'on', '--aws-pricing-url', 'http://mirror.local/aws/', '--aws-pricing-source', 'query', '--aws-pricing-endpoint', 'https://api.pricing.eu-central-1.amazonaws.com', '--aws-ec2-endpoint', 'https://vpce-1.ec2.us-east-1.vpce.amazonaws.com', '--gcp-api-key-file', '/var/run/secrets/gcp/key'], {
      KCE_PRICING_CACHE_FILE: '/var/lib/kce/prices.json',
      KCE_AZURE_PRICING_URL: 'http://proxy:3128/azure',
      KCE_GCP_PRICING_URL: 'http://proxy:3128/gcp//',
    }),
    {
      refresh: 'on',
      cacheFile: '/var/lib/kce/prices.json',
      awsPricingUrl: 'http://mirror.local/aws',
      awsPricingSource: 'query',
      awsPricingEndpoint: 'https://api.pricing.eu-central-1.amazonaws.com',
      awsEc2Endpoint: 'https://vpce-1.ec2.us-east-1.vpce.amazonaws.com',
      azurePricingUrl: 'http://proxy:3128/azure',
      gcpPricingUrl: 'http://proxy:3128/gcp',
      gcpApiKeyFile: '/var/run/secrets/gcp/key',
    },
  );
  assert.equal(load([], { KCE_PRICING_REFRESH: 'off' }).refresh, 'off');
  assert.equal(load(['--data-dir', '/var/lib/kce/']).cacheFile, '/var/lib/kce/pricing-cache.json', 'the cache follows --data-dir');
});

test('live pricing options: bad values name the option and the value', () => {
  const table: Array<[string[], Record<string, string>, string]> = [
    [['--pricing-refresh', 'sometimes'], {}, '--pricing-refresh: must be one of auto, on, off (got "sometimes")'],
    [['--aws-pricing-url', 'pricing.us-east-1.amazonaws.com'], {}, '--aws-pricing-url: must be an http or https URL (got "pricing.us-east-1.amazonaws.com")'],
    [[], { KCE_AZURE_PRICING_URL: 'ftp://mirror/azure' }, 'KCE_AZURE_PRICING_URL: must be an http or https URL (got "ftp://mirror/azure")'],
    [['--aws-ec2-endpoint', 'not a url'], {}, '--aws-ec2-endpoint: must be an http or https URL (got "not a url")'],
  ];
  for (const [argv, env, message] of table) assert.throws(() => load(argv, env), new ConfigError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)));
});
