// `kube-cost-exporter agent`: wires the configuration, the API server (pod names, zones,
// TokenReviews), the collector and the HTTP server; or, with --once, one collection printed.
import { execFile } from 'node:child_process';
import { ConfigError, InputError } from '../core/errors.ts';
import type { Logger } from '../server/log.ts';
import { createLogger } from '../server/log.ts';
import { tokenFromFile } from '../server/access.ts';
import type { AgentStatus } from './app.ts';
import { createAgentApp, listeningPort, serializeReport, serveAgent } from './app.ts';
import type { AgentAuthOptions, TokenReviewer } from './auth.ts';
import type { Collector, GpuSource, PodDirectory } from './collector.ts';
import { createCollector } from './collector.ts';
import type { AgentConfig } from './config.ts';
import { inClusterApi, inClusterServer, tokenReviewResult } from './in-cluster.ts';
import { agentHelp, loadAgentConfig, parseAgentArgs } from './config.ts';
import type { AgentUsageReport } from './report.ts';

export interface RunningAgent {
  readonly url: string;
  readonly port: number;
  /** Runs one collection now (tests; the timer does it every interval). */
  collectNow(): Promise<void>;
  close(): Promise<void>;
}

interface KubeParts {
  readonly directory: PodDirectory;
  readonly reviewer: TokenReviewer;
  close(): Promise<void>;
}

async function connectKube(config: AgentConfig, env: Readonly<Record<string, string | undefined>>, version: string, serviceAccountDir?: string): Promise<KubeParts> {
  const userAgent = `kube-cost-exporter-agent/${version}`;
  // In a pod (the DaemonSet): a small client of its own for the three requests the agent makes.
  const server = inClusterServer({ kubeconfigPath: config.kubeconfigPath, env, ...(serviceAccountDir !== undefined ? { serviceAccountDir } : {}) });
  if (server !== undefined) {
    const api = inClusterApi({ server, userAgent, ...(serviceAccountDir !== undefined ? { serviceAccountDir } : {}) });
    return {
      directory: {
        podsOnNode: (node) => api.get('/api/v1/pods', { fieldSelector: `spec.nodeName=${node}` }, { timeoutMs: 10_000 }),
        nodes: () => api.get('/api/v1/nodes', {}, { timeoutMs: 10_000 }),
      },
      reviewer: async (token) => tokenReviewResult(await api.post('/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } })),
      close: () => api.close(),
    };
  }
  // A kubeconfig (an agent outside a pod, `--once` for support): the official client, loaded only now.
  const { loadKubeConfig, transportFor } = await import('../sources/kube/kubeconfig.ts');
  const loaded = await loadKubeConfig({ kubeconfigPath: config.kubeconfigPath, context: config.context, env });
  const transport = transportFor(loaded, { userAgent });
  const { kubeReviewer } = await import('../sources/kube/reviews.ts');
  const reviews = kubeReviewer(loaded);
  return {
    directory: {
      podsOnNode: (node) => transport.get('/api/v1/pods', { fieldSelector: `spec.nodeName=${node}` }, { timeoutMs: 10_000 }),
      nodes: () => transport.get('/api/v1/nodes', {}, { timeoutMs: 10_000 }),
    },
    reviewer: async (token) => {
      const review = await reviews.tokenReview(token);
      if (review.user !== undefined) return { authenticated: true, username: review.user.username };
      return { authenticated: false, username: '', ...(review.error ? { error: review.error } : {}) };
    },
    close: () => transport.close(),
  };
}

/** The collector's options from the configuration (the serving agent and `--once` alike). */
function collectorOptions(config: AgentConfig, kube: KubeParts | undefined): Parameters<typeof createCollector>[0] {
  return {
    nodeName: config.nodeName,
    cgroupRoot: config.cgroupRoot,
    procRoot: config.procRoot,
    network: config.network,
    conntrack: config.conntrack,
    ...(config.conntrackFile !== undefined ? { conntrackFile: config.conntrackFile } : {}),
    serviceCidrs: config.serviceCidrs,
    ...(kube !== undefined ? { directory: kube.directory } : {}),
    gpu: gpuSource(config),
  };
}

function gpuSource(config: AgentConfig): GpuSource {
  if (config.gpu === 'nvidia-smi') {
    return {
      kind: 'nvidia-smi',
      run: (args) =>
        new Promise((resolve, reject) => {
          execFile(config.nvidiaSmi, [...args], { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${config.nvidiaSmi} ${args[0]}: ${stderr.trim() || err.message}`)) : resolve(stdout)));
        }),
    };
  }
  if (config.gpu === 'dcgm') {
    const url = config.dcgmUrl!;
    return {
      kind: 'dcgm',
      fetchText: async () => {
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        return res.text();
      },
    };
  }
  return { kind: 'none' };
}

const GiB = 1024 ** 3;

/** `-o text`: one line per pod. */
export function reportText(report: AgentUsageReport): string {
  const rows = [['POD', 'QOS', 'CPU', 'WORKING SET', 'THROTTLED', 'NET TX', 'CONTAINERS']];
  for (const p of [...report.pods].sort((a, b) => b.cpuCores - a.cpuCores)) {
    rows.push([
      p.namespace ? `${p.namespace}/${p.name}` : p.uid,
      p.qos,
      p.cpuCores.toFixed(3),
      `${(p.memoryWorkingSetBytes / GiB).toFixed(3)} GiB`,
      `${(p.cpuThrottledRatio * 100).toFixed(0)}%`,
      p.network ? `${p.network.txBytes} B` : '-',
      String(p.containers.length),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  const head = `node ${report.node}: cgroup ${report.cgroupVersion}, ${report.driver} driver, ${report.pods.length} pods over ${((report.toMs - report.fromMs) / 1000).toFixed(1)} s`;
  return `${head}\n${lines.join('\n')}\n${report.warnings.map((w) => `warning: ${w}\n`).join('')}`;
}

export interface StartAgentOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Injected in tests: the API server parts (else from the kubeconfig or service account). */
  readonly kube?: KubeParts;
  /** The clock of the collections (tests advance it with the fixture counters). */
  readonly now?: () => number;
  /** Where the pod's service-account token and CA are (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

export async function startAgent(config: AgentConfig, version: string, options: StartAgentOptions = {}): Promise<RunningAgent> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  let kube = options.kube;
  if (kube === undefined && config.kube) {
    try {
      kube = await connectKube(config, env, version, options.serviceAccountDir);
    } catch (err) {
      if (config.tokenReview) throw err;
      logger.warn('no API server: pods are reported by UID, containers by ID', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  const collector: Collector = createCollector({ ...collectorOptions(config, kube), ...(options.now !== undefined ? { now: options.now } : {}) });
  logger.info(`node agent for ${config.nodeName}: cgroup ${collector.layout.version}, ${collector.layout.driver} driver`, { cgroupRoot: config.cgroupRoot });

  let status: AgentStatus = {
    node: config.nodeName,
    cgroupVersion: collector.layout.version,
    driver: collector.layout.driver,
    collections: 0,
    failures: 0,
    lastDurationSeconds: undefined,
    collectionCpuSeconds: 0,
    lastError: undefined,
    report: undefined,
    body: undefined,
  };
  let warnedAbout = '';
  const collectNow = async (): Promise<void> => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const cpuSeconds = (): number => {
      const used = process.cpuUsage(cpuBefore);
      return status.collectionCpuSeconds + (used.user + used.system) / 1e6;
    };
    try {
      const report = await collector.collect();
      const seconds = (performance.now() - started) / 1000;
      if (report === undefined) {
        status = { ...status, lastDurationSeconds: seconds, collectionCpuSeconds: cpuSeconds() };
        return;
      }
      status = { ...status, collections: status.collections + 1, lastDurationSeconds: seconds, collectionCpuSeconds: cpuSeconds(), lastError: undefined, report, body: serializeReport(report) };
      const summary = report.warnings.join('; ');
      if (summary !== warnedAbout && summary !== '') logger.warn('collection warnings', { count: report.warnings.length, first: report.warnings[0] });
      warnedAbout = summary;
    } catch (err) {
      status = { ...status, failures: status.failures + 1, collectionCpuSeconds: cpuSeconds(), lastError: err instanceof Error ? err.message : String(err) };
      logger.error('collection failed; serving the previous report', { error: status.lastError });
    }
  };

  const auth: AgentAuthOptions | undefined =
    config.authTokenFile !== undefined || config.tokenReview
      ? {
          ...(config.authTokenFile !== undefined ? { sharedToken: tokenFromFile(config.authTokenFile, '--auth-token-file', { logger }) } : {}),
          ...(config.tokenReview && kube !== undefined ? { reviewer: kube.reviewer } : {}),
          allowServiceAccounts: config.allowServiceAccounts,
        }
      : undefined;
  if (auth === undefined) logger.warn('no --auth-token-file and no --token-review: /v1/usage and /metrics are open to anyone who can reach the port');
  const app = createAgentApp({ status: () => status, version, ...(auth !== undefined ? { auth } : {}) });

  await collectNow();
  let server: Awaited<ReturnType<typeof serveAgent>>;
  try {
    server = await serveAgent(app, { port: config.port, host: config.host });
  } catch (err) {
    collector.close();
    await kube?.close();
    throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? new ConfigError('--port', `port ${config.port} on ${config.host} is already in use`) : err;
  }
  const port = listeningPort(server);
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running === undefined) running = collectNow().finally(() => (running = undefined));
  }, config.intervalMs);
  logger.info(`serving /v1/usage on ${config.host}:${port} every ${config.intervalMs / 1000} s`);
  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    port,
    collectNow,
    async close() {
      clearInterval(timer);
      await running;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      collector.close();
      await kube?.close();
    },
  };
}

/** `--once`: two reads `--sample` apart, printed. */
export async function collectOnce(config: AgentConfig, version: string, options: StartAgentOptions = {}): Promise<AgentUsageReport> {
  const env = options.env ?? process.env;
  let kube = options.kube;
  let kubeProblem: string | undefined;
  if (kube === undefined && config.kube) {
    try {
      kube = await connectKube(config, env, version, options.serviceAccountDir);
    } catch (err) {
      // Names stay empty (pods by UID, containers by ID); the report says why.
      kubeProblem = `no API server, pods are named by UID only: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  try {
    const collector = createCollector(collectorOptions(config, kube));
    await collector.collect();
    await new Promise((r) => setTimeout(r, config.sampleMs));
    const report = (await collector.collect())!;
    collector.close();
    return kubeProblem === undefined ? report : { ...report, warnings: [kubeProblem, ...report.warnings] };
  } finally {
    await kube?.close();
  }
}

/** The `agent` subcommand; returns the exit code. */
export async function agentMain(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, version: string): Promise<number> {
  let config: AgentConfig;
  try {
    const args = parseAgentArgs(argv);
    if (args.help) {
      process.stdout.write(agentHelp(version));
      return 0;
    }
    config = loadAgentConfig(args, env);
  } catch (err) {
    process.stderr.write(`kube-cost-exporter agent: ${(err as Error).message}\n`);
    return 2;
  }
  if (config.once) {
    try {
      const report = await collectOnce(config, version, { env });
      process.stdout.write(config.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
      return 0;
    } catch (err) {
      process.stderr.write(`kube-cost-exporter agent: ${(err as Error).message}\n`);
      return err instanceof InputError || err instanceof ConfigError ? 2 : 1;
    }
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  let agent: RunningAgent;
  try {
    agent = await startAgent(config, version, { env, logger });
  } catch (err) {
    logger.error(err instanceof Error ? err.message : String(err));
    return err instanceof InputError || err instanceof ConfigError ? 2 : 1;
  }
  return await new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.info(`received ${signal}; shutting down`);
      agent.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
