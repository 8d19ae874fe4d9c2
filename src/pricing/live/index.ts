// Live pricing at the edge: turns the --pricing-refresh options into a running refresher and the
// layered price book the exporter uses. The one place that reads files and starts timers.
import { readFileSync } from 'node:fs';
import type { LivePricingConfig } from '../../cli/config.ts';
import { ConfigError } from '../../core/errors.ts';
import type { CloudProvider } from '../../core/model.ts';
import type { PriceBook } from '../../core/pricing.ts';
import type { ExpositionFormat } from '../../server/exposition.ts';
import type { Logger } from '../../server/log.ts';
import type { Catalog } from '../catalog.ts';
import type { CustomPricing } from '../custom.ts';
import { renderLivePricingMetrics } from './metrics.ts';
import type { LivePriceBook } from './pricebook.ts';
import { createLivePriceBook } from './pricebook.ts';
import { LivePricing } from './refresher.ts';
import { loadCacheFile, PriceTable } from './table.ts';

export interface LivePricingSetup {
  readonly prices: LivePriceBook;
  readonly live: LivePricing;
  stop(): Promise<void>;
}

/** The live pricing families, empty when live pricing is off: for the exporter's metrics hook. */
export function liveMetricsRenderer(setup: LivePricingSetup | undefined): (format: ExpositionFormat, baseLabels: string) => string {
  return (format, baseLabels) => renderLivePricingMetrics(setup?.live, format, baseLabels);
}

export interface StartLivePricingOptions {
  readonly config: LivePricingConfig;
  readonly base: PriceBook;
  readonly catalog: Catalog;
  readonly custom?: CustomPricing | undefined;
  readonly provider?: CloudProvider | undefined;
  readonly region?: string | undefined;
  /** `demo` keeps the catalog unless --pricing-refresh on. */
  readonly sourceKind: string;
  readonly logger: Logger;
}

/** Starts live pricing, or answers undefined (and says why) when it is off. */
export function startLivePricing(options: StartLivePricingOptions): LivePricingSetup | undefined {
  const { config, logger } = options;
  if (config.refresh === 'off') return undefined;
  if (config.refresh === 'auto' && options.sourceKind === 'demo') {
    logger.info('live pricing off for the demo cluster (its prices stay the catalog\'s, so the demo is the same every run); --pricing-refresh on turns it on');
    return undefined;
  }
  let gcpApiKey: string | undefined;
  if (config.gcpApiKeyFile !== undefined) {
    try {
      gcpApiKey = readFileSync(config.gcpApiKeyFile, 'utf8').trim() || undefined;
    } catch (err) {
      throw new ConfigError('--gcp-api-key-file', `cannot read ${config.gcpApiKeyFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (gcpApiKey === undefined) throw new ConfigError('--gcp-api-key-file', `${config.gcpApiKeyFile} is empty`);
  }
  const table = new PriceTable();
  const read = loadCacheFile(table, config.cacheFile);
  if (read.error) logger.warn(`live pricing: ${read.error}`);
  const live = new LivePricing({
    mode: config.refresh,
    aws: {
      baseUrl: config.awsPricingUrl,
      source: config.awsPricingSource,
      ...(config.awsPricingEndpoint ? { query: { endpoint: config.awsPricingEndpoint } } : {}),
      ...(config.awsEc2Endpoint ? { sdk: { endpoint: config.awsEc2Endpoint } } : {}),
    },
    azure: { baseUrl: config.azurePricingUrl },
    gcp: { baseUrl: config.gcpPricingUrl, apiKey: gcpApiKey },
    table,
    cacheFile: config.cacheFile,
    logger,
  });
  const prices = createLivePriceBook({ base: options.base, table, catalog: options.catalog, custom: options.custom, provider: options.provider, region: options.region, demand: live.demand, now: Date.now });
  live.start();
  logger.info(`live pricing ${config.refresh === 'on' ? 'on' : 'on for the providers the nodes run on (auto)'}: prices from the provider APIs as the cluster needs them, the catalog until then`, {
    cache: config.cacheFile,
    cached: read.loaded,
    ...(gcpApiKey ? {} : { gcp: 'no --gcp-api-key-file: catalog' }),
  });
  return { prices, live, stop: () => live.stop() };
}
