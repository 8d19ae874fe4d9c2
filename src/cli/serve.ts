// `kube-cost-exporter serve`: wires configuration, source, price book, exporter and HTTP server.
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { serve as serveHttp } from '@hono/node-server';
import { ConfigError } from '../core/errors.ts';
import { loadCatalog } from '../pricing/catalog.ts';
import { parseCustomPricing } from '../pricing/custom.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import { createDemoSource } from '../sources/demo.ts';
import { createSnapshotSource } from '../sources/snapshot-source.ts';
import type { ClusterSource } from '../sources/source.ts';
import { createApp } from '../server/app.ts';
import type { Exporter } from '../server/exporter.ts';
import { createExporter } from '../server/exporter.ts';
import type { Logger } from '../server/log.ts';
import type { ServeConfig } from './config.ts';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly exporter: Exporter;
  close(): Promise<void>;
}

function chooseSource(config: ServeConfig): { source: ClusterSource; clusterId: string | undefined; why: string } {
  if (config.source === 'kube') {
    throw new ConfigError('--source', 'kube (live collection from the Kubernetes API) is not available in this version; use --source snapshot with `kubectl get ... -o json` output, or --source demo');
  }
  if (config.source === 'snapshot' || (config.source === 'auto' && config.snapshotPaths.length > 0)) {
    return { source: createSnapshotSource({ paths: config.snapshotPaths }), clusterId: config.clusterId, why: 'snapshot files given' };
  }
  const why = config.source === 'demo' ? '--source demo' : 'no cluster configured (no --snapshot; live collection is not available in this version)';
  return { source: createDemoSource({ seed: config.demoSeed }), clusterId: config.clusterId ?? 'demo', why };
}

export async function startServer(config: ServeConfig, logger: Logger, version: string): Promise<RunningServer> {
  const { source, clusterId, why } = chooseSource(config);
  if (source.kind === 'demo') {
    logger.info(`serving the DEMO cluster (simulated data, cluster="${clusterId}"): ${why}`, { source: source.description });
  } else {
    logger.info(`serving cluster data from ${source.description}`, { source: source.kind, cluster: clusterId ?? '' });
  }

  let custom: ReturnType<typeof parseCustomPricing> | undefined;
  if (config.pricingFile !== undefined) {
    let text: string;
    try {
      text = await readFile(config.pricingFile, 'utf8');
    } catch (err) {
      throw new ConfigError('--pricing', `cannot read ${config.pricingFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    custom = parseCustomPricing(text, config.pricingFile);
  }
  const prices = createPriceBook({
    catalog: loadCatalog(),
    ...(custom ? { custom } : {}),
    ...(config.cloudProvider ? { provider: config.cloudProvider } : {}),
    ...(config.region ? { region: config.region } : {}),
  });

  const exporter = createExporter({
    source,
    prices,
    logger,
    intervalMs: config.intervalMs,
    version,
    ...(clusterId ? { clusterId } : {}),
    allocateOptions: {
      ...(config.cloudProvider ? { defaultProvider: config.cloudProvider } : {}),
      ...(config.region ? { region: config.region } : {}),
    },
  });
  // The first cycle runs before listening: a snapshot that cannot be read at start is a
  // configuration error, not a half-working exporter.
  await exporter.start();
  const first = exporter.status();
  if (first.cycles === 0) {
    await exporter.stop();
    throw new ConfigError(source.kind === 'snapshot' ? '--snapshot' : '--source', `cannot read the cluster: ${first.lastError ?? 'unknown error'}`);
  }
  const app = createApp({ exporter, version, sourceDescription: source.description, metricsPath: config.metricsPath });

  let server: ReturnType<typeof serveHttp>;
  try {
    server = await new Promise<ReturnType<typeof serveHttp>>((resolve, reject) => {
      const s = serveHttp({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'EADDRINUSE'
            ? new ConfigError('--port', `port ${config.port} on ${config.host} is already in use; choose another with --port`)
            : err,
        );
      });
    });
  } catch (err) {
    await exporter.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  logger.info(`listening on ${url}${config.metricsPath}`, { interval: `${config.intervalMs / 1000}s` });

  return {
    url,
    port,
    exporter,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await exporter.stop();
    },
  };
}
