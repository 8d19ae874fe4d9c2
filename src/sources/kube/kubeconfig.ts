// Connecting the way kubectl does: `--kubeconfig`, else `KUBECONFIG` (files separated by `:`,
// merged, the first to set a value wins; missing files skipped), else `~/.kube/config`, else the
// in-cluster service account (KUBERNETES_SERVICE_HOST/PORT and its token, re-read as it rotates).
// `--context` picks a context. The environment and file checks are parameters; the
// @kubernetes/client-node module is imported only here, when live collection is asked for (it
// costs about a second and 100 MB of RSS to load).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { ConfigError } from '../../core/errors.ts';
import type { KubeSource, KubeSourceOptions } from './kube-source.ts';
import { createKubeSource } from './kube-source.ts';
import type { KubeTransport } from './transport.ts';
import { createClientNodeTransport } from './transport.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigOptions {
  /** `--kubeconfig`. */
  readonly kubeconfigPath?: string | undefined;
  /** `--context`. */
  readonly context?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
  readonly fileExists?: (path: string) => boolean;
  /** Where the service account's token, CA and namespace are (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

export type KubeConfigOrigin =
  | { readonly kind: 'flag'; readonly paths: readonly string[] }
  | { readonly kind: 'env'; readonly paths: readonly string[] }
  | { readonly kind: 'home'; readonly paths: readonly string[] }
  | { readonly kind: 'in-cluster'; readonly server: string };

/** Which configuration kubectl would use; undefined when there is none at all. */
export function locateKubeConfig(options: KubeConfigOptions = {}): KubeConfigOrigin | undefined {
  const { kubeconfigPath, env = {}, homeDir = homedir(), fileExists = existsSync, serviceAccountDir = SERVICE_ACCOUNT_DIR } = options;
  if (kubeconfigPath !== undefined && kubeconfigPath !== '') return { kind: 'flag', paths: [kubeconfigPath] };
  const fromEnv = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) {
    const existing = fromEnv.filter((p) => fileExists(p));
    if (existing.length > 0) return { kind: 'env', paths: existing };
  }
  const home = join(homeDir, '.kube', 'config');
  if (fileExists(home)) return { kind: 'home', paths: [home] };
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (host && port && fileExists(join(serviceAccountDir, 'token'))) {
    return { kind: 'in-cluster', server: `https://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }
  return undefined;
}

export interface LoadedKubeConfig {
  readonly k8s: typeof K8s;
  readonly config: K8s.KubeConfig;
  readonly origin: KubeConfigOrigin;
  readonly context: string;
  readonly server: string;
  /** `context "prod" (https://10.0.0.1:443) from ~/.kube/config`, for the first log line. */
  readonly description: string;
}

function originText(origin: KubeConfigOrigin): string {
  switch (origin.kind) {
    case 'flag':
      return `--kubeconfig ${origin.paths[0]}`;
    case 'env':
      return `KUBECONFIG ${origin.paths.join(delimiter)}`;
    case 'home':
      return origin.paths[0] ?? '~/.kube/config';
    case 'in-cluster':
      return 'the in-cluster service account';
  }
}

function optionOf(origin: KubeConfigOrigin): string {
  return origin.kind === 'flag' ? '--kubeconfig' : origin.kind === 'env' ? 'KUBECONFIG' : origin.kind === 'home' ? '--kubeconfig' : '--source';
}

/**
 * Loads the configuration kubectl would use. Throws a ConfigError naming the option at fault:
 * `--kubeconfig` (missing or malformed file), `--context` (no such context), `--source` (none found).
 */
export async function loadKubeConfig(options: KubeConfigOptions = {}): Promise<LoadedKubeConfig> {
  const origin = locateKubeConfig(options);
  if (origin === undefined) {
    throw new ConfigError('--source', 'kube needs a cluster: no --kubeconfig, no KUBECONFIG, no ~/.kube/config, and not running in a pod (KUBERNETES_SERVICE_HOST)');
  }
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  if (origin.kind === 'in-cluster') {
    const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    config.loadFromClusterAndUser(
      { name: 'in-cluster', server: origin.server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false },
      { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } },
    );
  } else {
    for (const [i, path] of origin.paths.entries()) {
      const one = new k8s.KubeConfig();
      try {
        one.loadFromFile(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code !== undefined ? code : err instanceof Error ? err.message : String(err);
        throw new ConfigError(optionOf(origin), `cannot load kubeconfig ${path}: ${why}`);
      }
      if (i === 0) {
        config.loadFromOptions({ clusters: one.clusters, users: one.users, contexts: one.contexts, currentContext: one.currentContext });
        continue;
      }
      // kubectl's merge: the first file to define a name (or the current context) wins.
      for (const c of one.clusters) if (!config.clusters.some((x) => x.name === c.name)) config.clusters.push(c);
      for (const u of one.users) if (!config.users.some((x) => x.name === u.name)) config.users.push(u);
      for (const c of one.contexts) if (!config.contexts.some((x) => x.name === c.name)) config.contexts.push(c);
      if (!config.currentContext && one.currentContext) config.currentContext = one.currentContext;
    }
  }
  if (options.context !== undefined && options.context !== '') {
    if (config.getContextObject(options.context) === null) {
      const known = config.contexts.map((c) => c.name);
      throw new ConfigError('--context', `no context "${options.context}" in ${originText(origin)} (contexts: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    const reason = context ? `context "${context}" names no cluster that exists` : 'no current context; choose one with --context';
    throw new ConfigError(options.context ? '--context' : optionOf(origin), `${originText(origin)}: ${reason}`);
  }
  const description = origin.kind === 'in-cluster' ? `in-cluster (${cluster.server})` : `context "${context}" (${cluster.server}) from ${originText(origin)}`;
  return { k8s, config, origin, context, server: cluster.server, description };
}

/** A transport for a loaded configuration. Throws a ConfigError when it cannot be used at all. */
export function transportFor(loaded: LoadedKubeConfig, options: { userAgent?: string } = {}): KubeTransport {
  try {
    return createClientNodeTransport({ k8s: loaded.k8s, config: loaded.config, ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
  } catch (err) {
    throw new ConfigError('--kubeconfig', `cannot use ${loaded.description}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export type Reachability = { readonly reachable: true; readonly version: string } | { readonly reachable: false; readonly reason: string };

/** Asks the API server its version (`GET /version`), as the auto-detection probe. */
export async function probeKubeApi(transport: KubeTransport, options: { timeoutMs?: number } = {}): Promise<Reachability> {
  try {
    const body = await transport.get('/version', {}, { timeoutMs: options.timeoutMs ?? 3000 });
    const version = body !== null && typeof body === 'object' && typeof (body as Record<string, unknown>)['gitVersion'] === 'string' ? String((body as Record<string, unknown>)['gitVersion']) : 'unknown';
    return { reachable: true, version };
  } catch (err) {
    return { reachable: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export type KubeDetection =
  | { readonly found: true; readonly loaded: LoadedKubeConfig; readonly transport: KubeTransport; readonly version: string }
  | { readonly found: false; readonly reason: string };

/**
 * For `--source auto`: the current context when one is configured and answers within
 * `timeoutMs`; otherwise why not (the caller falls back to the demo cluster and logs the reason).
 * Never throws for a missing or unreachable cluster; a malformed kubeconfig or an unknown
 * `--context` is still a ConfigError (the user asked for something that cannot work).
 */
export async function detectKubeCluster(options: KubeConfigOptions & { timeoutMs?: number; userAgent?: string } = {}): Promise<KubeDetection> {
  if (locateKubeConfig(options) === undefined) return { found: false, reason: 'no kubeconfig (no --kubeconfig, KUBECONFIG or ~/.kube/config) and not in a pod' };
  const loaded = await loadKubeConfig(options);
  const transport = transportFor(loaded, options.userAgent ? { userAgent: options.userAgent } : {});
  const probe = await probeKubeApi(transport, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
  if (!probe.reachable) {
    await transport.close();
    return { found: false, reason: `${loaded.description} is not reachable: ${probe.reason}` };
  }
  return { found: true, loaded, transport, version: probe.version };
}

/** The `kube` source for a loaded configuration. */
export function kubeSourceFor(loaded: LoadedKubeConfig, transport: KubeTransport, options: Omit<KubeSourceOptions, 'transport' | 'description'> = {}): KubeSource {
  return createKubeSource({ ...options, transport, description: `kube ${loaded.description}` });
}
