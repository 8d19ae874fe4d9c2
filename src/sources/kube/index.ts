// Live collection, as the CLI sees it: one call that turns the `--source`, `--kubeconfig` and
// `--context` options into a `kube` source, or into the reason to fall back to the demo cluster.
import type { KubeSource, KubeSourceOptions } from './kube-source.ts';
import { detectKubeCluster, kubeSourceFor, loadKubeConfig, transportFor } from './kubeconfig.ts';
import type { KubeLogger } from './reflector.ts';

export type { KubeReading, KubeSource, KubeSourceOptions, KubeSourceStatus, UsageStatus } from './kube-source.ts';
export { createKubeSource } from './kube-source.ts';
export type { FinishedPod } from './lifecycle.ts';
export type { FinishedCosts, FinishedPodCost } from './finished-costs.ts';
export { costFinishedPods } from './finished-costs.ts';
export type { UsageState } from './metrics.ts';
export { CLUSTER_ROLE_RULES } from './rbac.ts';
export { KubeApiError, KubeConnectionError, KubeNotReadyError } from './errors.ts';
export { detectKubeCluster, loadKubeConfig, locateKubeConfig } from './kubeconfig.ts';

export interface ConnectOptions {
  /** `kube`: the configured cluster or a ConfigError; `auto`: the cluster if it answers, else a reason. */
  readonly mode: 'kube' | 'auto';
  readonly kubeconfigPath?: string | undefined;
  readonly context?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: KubeLogger;
  /** `kube-cost-exporter/0.1.0`. */
  readonly userAgent?: string;
  /** How long auto-detection waits for `GET /version` (default 3 s). */
  readonly probeTimeoutMs?: number;
  readonly sourceOptions?: Omit<KubeSourceOptions, 'transport' | 'description' | 'logger'>;
}

export type Connection =
  | { readonly source: KubeSource; readonly why: string }
  | { readonly source: undefined; readonly why: string };

/**
 * `--source kube`: loads the kubeconfig (ConfigError on a bad file or context) and returns the
 * source without contacting the cluster — an API server that is down at start is waited for
 * (`/readyz` stays 503). `--source auto`: the current context if it answers within
 * `probeTimeoutMs`, otherwise `source: undefined` and why (for the demo fallback's log line).
 */
export async function connectKube(options: ConnectOptions): Promise<Connection> {
  const { mode, kubeconfigPath, context, env, logger, userAgent, probeTimeoutMs = 3000, sourceOptions = {} } = options;
  const where = { kubeconfigPath, context, env };
  const extra = { ...sourceOptions, ...(logger ? { logger } : {}) };
  if (mode === 'kube') {
    const loaded = await loadKubeConfig(where);
    return { source: kubeSourceFor(loaded, transportFor(loaded, userAgent ? { userAgent } : {}), extra), why: '--source kube' };
  }
  const found = await detectKubeCluster({ ...where, timeoutMs: probeTimeoutMs, ...(userAgent ? { userAgent } : {}) });
  if (!found.found) return { source: undefined, why: found.reason };
  return { source: kubeSourceFor(found.loaded, found.transport, extra), why: `the current context answers (Kubernetes ${found.version})` };
}
