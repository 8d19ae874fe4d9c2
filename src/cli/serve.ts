// `kube-cost-exporter serve`: wires configuration, source, price book, exporter and HTTP server.
import type { AddressInfo } from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { ConfigError } from '../core/errors.ts';
import { loadCatalog } from '../pricing/catalog.ts';
import { parseCustomPricing } from '../pricing/custom.ts';
import { liveMetricsRenderer, startLivePricing } from '../pricing/live/index.ts';
import { networkRatesFor } from '../pricing/network.ts';
import { BillLocationError } from '../billing/files.ts';
import { billListerFor } from '../billing/listers.ts';
import { createBillingPriceBook } from '../billing/pricebook.ts';
import type { BillingService } from '../billing/service.ts';
import { renderBillingMetrics, startBilling } from '../billing/service.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import { createDemoSource } from '../sources/demo.ts';
import { createSnapshotSource } from '../sources/snapshot-source.ts';
import { privateSource, saltedHash } from '../sources/privacy-source.ts';
import type { ClusterSource } from '../sources/source.ts';
import type { AccessOptions } from '../server/access.ts';
import { parseAllowList, tokenFromFile, watchedFile } from '../server/access.ts';
import { parseBasicUsers } from '../server/basic-auth.ts';
import { kubernetesAuth } from '../server/kube-auth.ts';
import { DEFAULT_LIMITS } from '../server/limits.ts';
import type { ServerApp } from '../server/app.ts';
import { createServerApp } from '../server/app.ts';
import type { Exporter } from '../server/exporter.ts';
import { createExporter } from '../server/exporter.ts';
import { createHubExporter } from '../server/hub-exporter.ts';
import type { Logger } from '../server/log.ts';
import type { MemoryReclaim } from '../server/memory-reclaim.ts';
import { exposedGc, memoryReclaim } from '../server/memory-reclaim.ts';
import { createMemoryStore } from '../store/memory.ts';
import { openStore } from '../store/open.ts';
import type { Recorder } from '../store/recorder.ts';
import { createRecorder } from '../store/recorder.ts';
import { scopeStore } from '../store/scope.ts';
import type { HistoryStore } from '../store/types.ts';
import type { AdviceSetup } from './advice-setup.ts';
import { loadBudgetRules, setupAdvice } from './advice-setup.ts';
import { createPolicyTracker, hubPolicies } from '../server/policy-tracker.ts';
import type { ServeConfig } from './config.ts';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly exporter: Exporter;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The environment (KUBECONFIG, HOME-relative ~/.kube/config, KUBERNETES_SERVICE_HOST...). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long `--source auto` waits for the current context's `GET /version` (default 3 s). */
  readonly probeTimeoutMs?: number;
}

/**
 * `--source kube`: the configured cluster (a bad kubeconfig or context is a ConfigError; an API
 * server that is down is waited for). `--source auto`: the snapshot when --snapshot is given, else
 * the current context when it answers, else the demo cluster, with why.
 */
async function chooseSource(config: ServeConfig, logger: Logger, version: string, options: StartOptions): Promise<{ source: ClusterSource; clusterId: string | undefined; why: string }> {
  if (config.source === 'snapshot' || (config.source === 'auto' && config.snapshotPaths.length > 0)) {
    return { source: createSnapshotSource({ paths: config.snapshotPaths }), clusterId: config.clusterId, why: 'snapshot files given' };
  }
  if (config.source === 'kube' || config.source === 'auto') {
    // Imported only here: demo and snapshot users never load the Kubernetes client.
    const { connectKube } = await import('../sources/kube/index.ts');
    const connection = await connectKube({
      mode: config.source,
      kubeconfigPath: config.kubeconfigPath,
      context: config.context,
      env: options.env ?? process.env,
      logger,
      userAgent: `kube-cost-exporter/${version}`,
      ...(config.maxObjects > 0 ? { sourceOptions: { maxObjects: config.maxObjects } } : {}),
      ...(options.probeTimeoutMs !== undefined ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
    });
    if (connection.source) {
      // Node agents (a DaemonSet), where they run, measure usage; found through the pod informer.
      const { withAgentUsage, agentPullOptionsFromEnv } = await import('../sources/agent/index.ts');
      return { source: withAgentUsage(connection.source, agentPullOptionsFromEnv(options.env ?? process.env)), clusterId: config.clusterId, why: connection.why };
    }
    return { source: createDemoSource({ seed: config.demoSeed }), clusterId: config.clusterId ?? 'demo', why: connection.why };
  }
  return { source: createDemoSource({ seed: config.demoSeed }), clusterId: config.clusterId ?? 'demo', why: '--source demo' };
}

/** Wraps the source so names are hashed and annotations outside the allow-list dropped (--hash-names, --annotation-allowlist). */
function withPrivacy(source: ClusterSource, config: ServeConfig, logger: Logger): ClusterSource {
  let salt = '';
  if (config.hashSaltFile !== undefined) {
    try {
      salt = readFileSync(config.hashSaltFile, 'utf8').trim();
    } catch (err) {
      throw new ConfigError('--hash-salt-file', `cannot read ${config.hashSaltFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (salt === '') throw new ConfigError('--hash-salt-file', `${config.hashSaltFile} is empty: it must hold the salt`);
  }
  if (config.hashNames.size > 0) {
    logger.info(`privacy: ${[...config.hashNames].join(', ')} shown as hashes in every output`, { salted: salt !== '' });
    if (salt === '') logger.warn('privacy: --hash-names without --hash-salt-file; hashes of common names (default, kube-system...) can be guessed');
  }
  return privateSource(source, { hash: config.hashNames, annotationAllowList: config.annotationAllowList, hashText: saltedHash(salt) });
}

export async function startServer(config: ServeConfig, logger: Logger, version: string, options: StartOptions = {}): Promise<RunningServer> {
  if (config.source === 'none') return startHubOnly(config, logger, version, options);
  const chosen = await chooseSource(config, logger, version, options);
  const { clusterId, why } = chosen;
  let source: ClusterSource;
  try {
    source = withPrivacy(chosen.source, config, logger);
  } catch (err) {
    await chosen.source.close?.();
    throw err;
  }
  if (source.kind === 'demo') {
    logger.info(`serving the DEMO cluster (simulated data, cluster="${clusterId}"): ${why}`, { source: source.description });
  } else if (source.kind === 'kube') {
    logger.info(`serving the live cluster from ${source.description}: ${why}`, { source: source.kind, ...(clusterId ? { cluster: clusterId } : {}) });
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
  const catalog = loadCatalog();
  const basePrices = createPriceBook({
    catalog,
    ...(custom ? { custom } : {}),
    ...(config.cloudProvider ? { provider: config.cloudProvider } : {}),
    ...(config.region ? { region: config.region } : {}),
  });

  const livePricing = startLivePricing({ config: config.livePricing, base: basePrices, catalog, custom, provider: config.cloudProvider, region: config.region, sourceKind: source.kind, logger });
  // Billing reconciliation (--billing-source): instances the bill knows are priced at their billed
  // rate; the service itself starts once the history store is open (it corrects history).
  let billing: BillingService | undefined;
  const listPrices = livePricing?.prices ?? basePrices;
  const prices = config.billing ? createBillingPriceBook(listPrices, { rates: () => billing?.rates(), now: () => Date.now(), carryForwardMs: BILLING_CARRY_FORWARD_MS }) : listPrices;
  const allocateOptions = {
    ...(config.cloudProvider ? { defaultProvider: config.cloudProvider } : {}),
    ...(config.region ? { region: config.region } : {}),
    // Egress measured by node agents, priced by destination (published list prices).
    networkRates: networkRatesFor,
    budgetRules: loadBudgetRules(config.advice.budgetsFile),
  };
  // History: every cycle is recorded (component `store`); the demo cluster gets simulated past
  // history on its first start. Maintenance (rollups, retention) runs on a timer, in small steps.
  let store: HistoryStore;
  try {
    store = await openStore(config.history, { logger });
  } catch (err) {
    // History is not worth refusing to serve metrics for (a read-only root filesystem, a database
    // that is down): keep it in memory, and say so on every start until it is fixed.
    if (err instanceof ConfigError) throw err;
    logger.error('cannot open the history store; keeping history in memory only (lost on restart)', {
      store: config.history.store === 'postgres' ? 'postgres' : `${config.history.store} ${config.history.dataDir}`,
      error: err instanceof Error ? err.message : String(err),
      fix: 'set --data-dir (KCE_DATA_DIR) to a writable volume, --store postgres://... to a reachable database, or --store memory',
    });
    store = createMemoryStore({ retention: config.history.retention });
  }
  const historyCluster = clusterId ?? 'default';
  logger.info(`history store: ${store.description}`, { cluster: historyCluster, rawRetention: `${config.history.retention.rawMs / 86_400_000}d`, ...(config.hub ? { hub: 'the API answers for every cluster in the store' } : {}) });
  if (store.kind === 'postgres' && clusterId === undefined) logger.warn('--store postgres without --cluster-id: history is recorded as cluster "default"; give each exporter sharing the database its own --cluster-id (docs/multi-cluster.md)');
  const recorder = createRecorder({
    store,
    cluster: historyCluster,
    demo: source.kind === 'demo',
    intervalMs: config.intervalMs,
    logger,
    finished: { prices, allocateOptions },
    containers: config.history.recordContainers,
    ...(source.kind === 'demo' && config.history.demoBackfillMs > 0 ? { backfill: { source, prices, allocateOptions, durationMs: config.history.demoBackfillMs } } : {}),
  });
  if (config.billing) {
    // An object-store location whose reader is not installed is a configuration error, said at start.
    try {
      await billListerFor(config.billing.location);
    } catch (err) {
      await store.close();
      if (err instanceof BillLocationError) throw new ConfigError('--billing-source', err.reason);
      throw err;
    }
    billing = startBilling({ location: config.billing.location, refreshMs: config.billing.refreshMs, store, cluster: historyCluster, logger, carryForwardMs: BILLING_CARRY_FORWARD_MS });
    logger.info(`billing reconciliation from ${config.billing.location}, read every ${config.billing.refreshMs / 60_000} min`, { location: config.billing.location });
  }
  const maintain = (): void => {
    store.maintain(Date.now()).catch((err: unknown) => logger.error('history maintenance failed; it is retried at the next run', { error: err instanceof Error ? err.message : String(err) }));
  };
  const maintenanceTimer = setInterval(maintain, STORE_MAINTENANCE_MS);
  maintenanceTimer.unref();
  let advice: AdviceSetup | undefined;
  const closeStore = async (): Promise<void> => {
    clearInterval(maintenanceTimer);
    await advice?.settled();
    billing?.stop();
    await recorder.stop();
    await store.close();
  };

  // Advice metrics, budgets and notifications, computed every N cycles off the scrape path.
  // HPAs and PDBs from the latest reading (the store does not keep them): advisor and API read them.
  // On a shared store (PostgreSQL) they are published for --hub exporters, which advise every cluster with them.
  const policyTracker = createPolicyTracker(historyCluster, store.adviceFacts ? { facts: store.adviceFacts, logger } : undefined);
  try {
    // The first advice run waits for the demo backfill (a month of history being written).
    advice = setupAdvice(config.advice, { store, prices, cluster: historyCluster, logger, budgetRules: allocateOptions.budgetRules, historyReady: () => recorder.status().state !== 'backfilling', policies: policyTracker.current });
  } catch (err) {
    await closeStore();
    throw err;
  }
  // After each collection the self-monitoring families (its histogram, process memory) are rendered again.
  const reclaim = memoryReclaimFor(config, logger, () => exporter.refreshMetrics());
  const exporter = createExporter({
    maxPodSeries: config.maxPodSeries,
    source: withBackfillHealth(source, recorder),
    prices,
    extraMetrics: [liveMetricsRenderer(livePricing), (format, baseLabels) => (billing ? billing.renderMetrics(format, baseLabels) : renderBillingMetrics(undefined, format, baseLabels)), ...advice.producers, ...(reclaim ? [reclaim.render] : [])],
    logger,
    intervalMs: config.intervalMs,
    version,
    ...(clusterId ? { clusterId } : {}),
    allocateOptions,
    // The memory hook last: it collects once the others' work is done.
    onCycle: [recorder.hook, policyTracker.hook, ...advice.hooks, ...(reclaim ? [reclaim.hook] : [])],
  });
  // A snapshot or the demo cluster is read once before listening: a snapshot that cannot be read
  // at start is a configuration error, not a half-working exporter. A live cluster is listened for
  // at once (liveness answers; /readyz is 503 until the first full sync), and an API server that
  // is down at start is waited for.
  let starting: Promise<void> | undefined;
  if (source.kind === 'kube') {
    starting = exporter.start();
  } else {
    await exporter.start();
    const first = exporter.status();
    if (first.cycles === 0) {
      await exporter.stop();
      await closeStore();
      throw new ConfigError(source.kind === 'snapshot' ? '--snapshot' : '--source', `cannot read the cluster: ${first.lastError ?? 'unknown error'}`);
    }
  }
  let access: AccessOptions | undefined;
  let tls: ReturnType<typeof loadTls> | undefined;
  try {
    access = await accessOptions(config, logger, options);
    tls = config.tls ? loadTls(config.tls) : undefined;
  } catch (err) {
    await exporter.stop();
    await starting;
    await closeStore();
    throw err;
  }
  // Without --hub the API answers for this exporter's cluster only, even from a shared store.
  const app = createServerApp({ exporter, history: config.hub ? store : scopeStore(store, [historyCluster]), policies: policyTracker.current, ...(config.hub ? { hubPolicies: hubPolicies({ facts: store.adviceFacts, own: { cluster: historyCluster, current: policyTracker.current }, logger }) } : {}), ...(billing ? { reconciliation: billing } : {}), version, sourceDescription: source.description, metricsPath: config.metricsPath, ...(access ? { access } : {}), accessLog: { mode: config.accessLog, logger }, limits: { ...DEFAULT_LIMITS, ratePerSecond: config.rateLimitPerSecond } });

  let listening: Listening;
  try {
    listening = await listen(app, config, tls, logger);
  } catch (err) {
    await exporter.stop();
    await starting;
    await closeStore();
    throw err;
  }
  const { url, port } = listening;

  return {
    url,
    port,
    exporter,
    async close() {
      await listening.close();
      await exporter.stop();
      reclaim?.close();
      await starting;
      await closeStore();
      await livePricing?.stop();
    },
  };
}

/** `--reclaim-memory`: the hook, or undefined (off, or V8's collector not exposed: said once). */
function memoryReclaimFor(config: ServeConfig, logger: Logger, onCollected: () => void): MemoryReclaim | undefined {
  if (!config.reclaimMemory) return undefined;
  const gc = exposedGc();
  if (gc === undefined) {
    logger.info('memory is not reclaimed after each cycle: node runs without --expose-gc (the image and npm start set it in NODE_OPTIONS); V8 decides when to return memory', { option: '--reclaim-memory' });
    return undefined;
  }
  return memoryReclaim({ gc, logger, onCollected });
}

/**
 * The source as the exporter sees it, not ready while the demo backfill runs: /readyz says
 * `backfilling demo history: N of M cycles` until the API has the whole simulated month to serve.
 */
function withBackfillHealth(source: ClusterSource, recorder: Recorder): ClusterSource {
  if (source.kind !== 'demo') return source;
  return {
    kind: source.kind,
    description: source.description,
    read: (nowMs) => source.read(nowMs),
    ...(source.close ? { close: () => source.close!() } : {}),
    health() {
      const own = source.health?.();
      const status = recorder.status();
      if (status.state === 'backfilling' && status.backfill) {
        const { doneCycles, totalCycles } = status.backfill;
        return { ready: false, reason: `backfilling demo history: ${doneCycles} of ${totalCycles} cycles`, detail: { ...own?.detail, backfill: { doneCycles, totalCycles } } };
      }
      return own ?? { ready: true, reason: 'ok', detail: {} };
    },
  };
}

const TLS_RECHECK_MS = 10_000;
/** How long the last billed rate of an instance prices it past the bill's end (bills arrive a day late). */
const BILLING_CARRY_FORWARD_MS = 48 * 3_600_000;

/** How often the history store rolls up and applies retention (each run yields between small steps). */
const STORE_MAINTENANCE_MS = 5 * 60_000;

async function accessOptions(config: ServeConfig, logger: Logger, options: StartOptions): Promise<AccessOptions | undefined> {
  if (config.authTokenFile === undefined && config.basicAuthFile === undefined && config.allowCidrs.length === 0 && !config.authKubernetes) return undefined;
  let kubernetes: AccessOptions['kubernetes'];
  if (config.authKubernetes) {
    // The same cluster connection as --source kube (in a pod: its service account), loaded here
    // even for a snapshot or the demo cluster: callers are checked by the API server.
    const { loadKubeConfig } = await import('../sources/kube/kubeconfig.ts');
    const { kubeReviewer } = await import('../sources/kube/reviews.ts');
    let loaded: Awaited<ReturnType<typeof loadKubeConfig>>;
    try {
      loaded = await loadKubeConfig({ kubeconfigPath: config.kubeconfigPath, context: config.context, env: options.env ?? process.env });
    } catch (err) {
      throw new ConfigError('--auth-kubernetes', `needs a cluster to review tokens with: ${err instanceof Error ? err.message : String(err)}`);
    }
    kubernetes = kubernetesAuth({ reviewer: kubeReviewer(loaded) });
    logger.info(`callers' bearer tokens are checked with TokenReview and SubjectAccessReview by ${loaded.description}`);
  }
  return {
    ...(kubernetes ? { kubernetes } : {}),
    ...(config.authTokenFile !== undefined ? { token: tokenFromFile(config.authTokenFile, '--auth-token-file', { logger }) } : {}),
    ...(config.basicAuthFile !== undefined ? { basicUsers: watchedFile(config.basicAuthFile, '--basic-auth-file', 'basic-auth users', parseBasicUsers, { logger }) } : {}),
    ...(config.allowCidrs.length > 0 ? { allowList: parseAllowList(config.allowCidrs, '--allow-cidr') } : {}),
  };
}

/** Reads the TLS files (a ConfigError naming the option when one cannot be read) and returns how to reload them. */
function loadTls(files: NonNullable<ServeConfig['tls']>) {
  const read = (path: string, option: string): { pem: string; mtimeMs: number } => {
    try {
      return { pem: readFileSync(path, 'utf8'), mtimeMs: statSync(path).mtimeMs };
    } catch (err) {
      throw new ConfigError(option, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  let cert = read(files.certFile, '--tls-cert-file');
  let key = read(files.keyFile, '--tls-key-file');
  const ca = files.clientCaFile !== undefined ? read(files.clientCaFile, '--tls-client-ca-file').pem : undefined;
  const options = {
    cert: cert.pem,
    key: key.pem,
    ...(ca !== undefined ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
  return {
    options,
    reloadIfChanged(server: HttpsServer, logger: Logger): void {
      try {
        const certM = statSync(files.certFile).mtimeMs;
        const keyM = statSync(files.keyFile).mtimeMs;
        if (certM === cert.mtimeMs && keyM === key.mtimeMs) return;
        const nextCert = read(files.certFile, '--tls-cert-file');
        const nextKey = read(files.keyFile, '--tls-key-file');
        server.setSecureContext({ ...options, cert: nextCert.pem, key: nextKey.pem });
        cert = nextCert;
        key = nextKey;
        logger.info('TLS certificate reloaded', { cert: files.certFile });
      } catch (err) {
        logger.warn('cannot reload the TLS certificate; serving the previous one', { cert: files.certFile, error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}

interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `app` on --host/--port (HTTPS with --tls-*); a port in use is a ConfigError naming --port. */
async function listen(serverApp: ServerApp, config: ServeConfig, tls: ReturnType<typeof loadTls> | undefined, logger: Logger): Promise<Listening> {
  // The Hono app through @hono/node-server's listener (what its serve() does), with Prometheus'
  // gzip scrapes of /metrics answered before it (src/server/app.ts: metricsFastPath).
  const { app, metricsFastPath } = serverApp;
  const appListener = getRequestListener(app.fetch, { hostname: config.host });
  const listener = metricsFastPath
    ? (req: IncomingMessage, res: ServerResponse): void => {
        if (!metricsFastPath(req, res)) void appListener(req, res);
      }
    : appListener;
  const server = await new Promise<HttpServer | HttpsServer>((resolve, reject) => {
    const s = tls ? createHttpsServer(tls.options, listener) : createHttpServer(listener);
    s.listen(config.port, config.host, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new ConfigError('--port', `port ${config.port} on ${config.host} is already in use; choose another with --port`)
          : err,
      );
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  logger.info(`listening on ${url}${config.metricsPath}`, {
    interval: `${config.intervalMs / 1000}s`,
    ...(config.authTokenFile ? { bearerToken: config.authTokenFile } : {}),
    ...(config.basicAuthFile ? { basicAuth: config.basicAuthFile } : {}),
    ...(config.allowCidrs.length > 0 ? { allow: config.allowCidrs.join(',') } : {}),
    ...(config.tls?.clientCaFile ? { clientCertificates: 'required' } : {}),
  });
  // Certificates are re-read when they change (cert-manager renews them in place).
  const tlsTimer = tls ? setInterval(() => tls.reloadIfChanged(server as HttpsServer, logger), TLS_RECHECK_MS) : undefined;
  tlsTimer?.unref();
  return {
    url,
    port,
    async close() {
      if (tlsTimer) clearInterval(tlsTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * `--hub --source none`: no cluster of its own, the API and UI over every cluster of the shared
 * history store (docs/multi-cluster.md). A store that cannot be opened stops it (a hub without its
 * store has nothing to serve); a store that stops answering later makes /readyz 503 until it is back.
 */
async function startHubOnly(config: ServeConfig, logger: Logger, version: string, options: StartOptions): Promise<RunningServer> {
  const store = await openStore(config.history, { logger });
  const sourceDescription = `hub over ${store.description}`;
  logger.info(`serving the API and UI for every cluster in the history store (hub, no cluster of its own): ${store.description}`, { source: 'none' });
  const exporter = createHubExporter({ store, logger, intervalMs: config.intervalMs, version });
  let listening: Listening;
  try {
    await exporter.start();
    const access = await accessOptions(config, logger, options);
    const tls = config.tls ? loadTls(config.tls) : undefined;
    const app = createServerApp({ exporter, history: store, hubPolicies: hubPolicies({ facts: store.adviceFacts, logger }), version, sourceDescription, metricsPath: config.metricsPath, ...(access ? { access } : {}), accessLog: { mode: config.accessLog, logger }, limits: { ...DEFAULT_LIMITS, ratePerSecond: config.rateLimitPerSecond } });
    listening = await listen(app, config, tls, logger);
  } catch (err) {
    await exporter.stop();
    await store.close();
    throw err;
  }
  return {
    url: listening.url,
    port: listening.port,
    exporter,
    async close() {
      await listening.close();
      await exporter.stop();
      await store.close();
    },
  };
}
