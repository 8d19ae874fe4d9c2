// The node-agent client, as the exporter wires it (src/cli/serve.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ACCOUNT_DIR } from '../kube/kubeconfig.ts';
import type { AgentPullOptions } from './agent-usage.ts';

export type { AgentAwareSource, AgentPullOptions, AgentTarget, AgentUsageStatus, NodeUsageSource } from './agent-usage.ts';
export { agentTargets, isAgentPod, mergeAgentUsage, pullAgent, pullAll, withAgentUsage } from './agent-usage.ts';

/** A token file read on each pull (the kubelet rotates projected service-account tokens). */
function fileToken(path: string): () => string | undefined {
  return () => {
    try {
      return readFileSync(path, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * How the exporter reaches agents, from its environment (these are the agent's own variables, so
 * one Secret and one port setting serve both): KCE_AGENT_PORT (default 9101); the bearer token from
 * KCE_AGENT_AUTH_TOKEN_FILE (a shared token), else the exporter's own service-account token (the
 * agent reviews it with a TokenReview); KCE_AGENT_TIMEOUT_MS (default 5000); KCE_AGENT_CONCURRENCY (default 32).
 */
export function agentPullOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AgentPullOptions {
  const int = (name: string, fallback: number): number => {
    const n = Number(env[name]);
    return env[name] !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  const tokenFile = env['KCE_AGENT_AUTH_TOKEN_FILE'] || join(SERVICE_ACCOUNT_DIR, 'token');
  return { port: int('KCE_AGENT_PORT', 9101), timeoutMs: int('KCE_AGENT_TIMEOUT_MS', 5000), concurrency: int('KCE_AGENT_CONCURRENCY', 32), token: fileToken(tokenFile) };
}
