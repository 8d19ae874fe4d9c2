// The aggregator side of the node agent: wraps the `kube` source. Each read, it finds the agent
// pods in the pod informer's cache (labels app.kubernetes.io/name=kube-cost-exporter-agent and
// app.kubernetes.io/component=node-agent, Running, with an IP), pulls /v1/usage from each with a
// timeout and a concurrency limit, and uses what the agents measured for the pods of their nodes,
// in preference to the metrics API. A node whose agent is missing or failing keeps the metrics
// API's usage (or requests): visible per node in the reading (kube_cost_node_usage_source) and in
// /readyz detail. Every replica pulls the same agents the same way, so replicas export the same
// numbers (the agent serves one report per interval, whoever asks).
import { gunzipSync } from 'node:zlib';
import type { ContainerUsage, PodInfo, UsageByPod } from '../../core/model.ts';
import { podKey } from '../../core/model.ts';
import type { EgressBytes } from '../../agent/network.ts';
import type { AgentUsageReport, PodUsageReport } from '../../agent/report.ts';
import { AGENT_API_VERSION } from '../../agent/report.ts';
import { AGENT_COMPONENT_LABEL, AGENT_COMPONENT_VALUE } from '../kube/convert.ts';
import type { CachedPod } from '../kube/convert.ts';
import type { ClusterSource, SourceHealth, SourceReading } from '../source.ts';

export const AGENT_NAME_LABEL = 'app.kubernetes.io/name';
export const AGENT_NAME_VALUE = 'kube-cost-exporter-agent';

/** A pod's egress by destination over `seconds` (the agent's last interval). */
export interface PodEgressSample extends EgressBytes {
  readonly seconds: number;
}

/** Where a node's pod usage came from in the last reading. */
export type NodeUsageSource = 'agent' | 'metrics-api' | 'requests';

export interface AgentTarget {
  readonly node: string;
  readonly pod: string;
  readonly url: string;
}

export type PullResult = { readonly ok: true; readonly report: AgentUsageReport; readonly bytes: number } | { readonly ok: false; readonly error: string };

export interface AgentPullOptions {
  /** The agents' port (default 9101). */
  readonly port?: number;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
  /** The bearer token to send (the exporter's service-account token, or the shared token). */
  readonly token?: () => string | undefined;
  readonly fetch?: typeof fetch;
  /** Agent reports older than this (by `toMs`) are stale: the node falls back (default 3 minutes). */
  readonly maxAgeMs?: number;
}

/** Whether a pod is a node agent of this project. */
export function isAgentPod(pod: PodInfo): boolean {
  return pod.labels[AGENT_COMPONENT_LABEL] === AGENT_COMPONENT_VALUE && pod.labels[AGENT_NAME_LABEL] === AGENT_NAME_VALUE;
}

/** The agents to pull: one per node (the newest-looking pod if a rollout briefly runs two). */
export function agentTargets(pods: readonly PodInfo[], port: number): AgentTarget[] {
  const byNode = new Map<string, AgentTarget>();
  for (const p of pods) {
    const ip = (p as CachedPod).podIp;
    if (!isAgentPod(p) || p.phase !== 'Running' || p.nodeName === '' || ip === undefined) continue;
    const host = ip.includes(':') ? `[${ip}]` : ip;
    const t = { node: p.nodeName, pod: `${p.namespace}/${p.name}`, url: `http://${host}:${port}/v1/usage` };
    const prev = byNode.get(p.nodeName);
    if (prev === undefined || t.pod > prev.pod) byNode.set(p.nodeName, t);
  }
  return [...byNode.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/** Checks a decoded /v1/usage document; throws naming the field. */
export function validateReport(body: unknown, origin: string): AgentUsageReport {
  const r = body as Partial<AgentUsageReport> | null;
  if (r === null || typeof r !== 'object') throw new Error(`${origin}: not a JSON object`);
  if (r.apiVersion !== AGENT_API_VERSION) throw new Error(`${origin}: apiVersion: expected ${AGENT_API_VERSION} (got ${JSON.stringify(r.apiVersion)})`);
  if (typeof r.node !== 'string' || !Array.isArray(r.pods) || typeof r.toMs !== 'number') throw new Error(`${origin}: node, pods and toMs are required`);
  for (const [i, p] of r.pods.entries()) {
    if (typeof p?.uid !== 'string' || !Number.isFinite(p.cpuCores) || p.cpuCores < 0 || !Number.isFinite(p.memoryWorkingSetBytes) || p.memoryWorkingSetBytes < 0 || !Array.isArray(p.containers)) {
      throw new Error(`${origin}: pods[${i}]: uid, cpuCores ≥ 0, memoryWorkingSetBytes ≥ 0 and containers are required`);
    }
  }
  return r as AgentUsageReport;
}

/** GET one agent's /v1/usage (gzip), with a timeout. */
export async function pullAgent(target: AgentTarget, options: AgentPullOptions = {}): Promise<PullResult> {
  const { timeoutMs = 5000, fetch: doFetch = fetch } = options;
  const token = options.token?.();
  try {
    const res = await doFetch(target.url, {
      headers: { 'accept-encoding': 'gzip', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const buf = Buffer.from(await res.arrayBuffer());
    if (!res.ok) return { ok: false, error: `${target.pod} (${target.url}): HTTP ${res.status}${buf.length > 0 ? `: ${buf.toString('utf8', 0, Math.min(buf.length, 200)).trim()}` : ''}` };
    // fetch decodes Content-Encoding itself; a gzip body that is still compressed starts with 1f 8b.
    const text = buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    return { ok: true, report: validateReport(JSON.parse(text), `${target.pod} /v1/usage`), bytes: buf.length };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, error: `${target.pod} (${target.url}): ${why}` };
  }
}

/** Pulls every target, at most `concurrency` at a time. Results keyed by node. */
export async function pullAll(targets: readonly AgentTarget[], options: AgentPullOptions = {}): Promise<Map<string, PullResult>> {
  const { concurrency = 32 } = options;
  const out = new Map<string, PullResult>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const t = targets[next++]!;
      out.set(t.node, await pullAgent(t, options));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return out;
}

/** An agent's pod usage → the model's usage (per container name, CPU in millicores, working set). */
export function usageFromAgentPod(p: PodUsageReport): Map<string, ContainerUsage> {
  const out = new Map<string, ContainerUsage>();
  for (const c of p.containers) {
    if (c.name === '') continue; // the agent could not name it (no API access): not attributable
    const prev = out.get(c.name);
    // A restarted container briefly has two cgroups: both ran in the interval.
    out.set(c.name, { cpuMillicores: (prev?.cpuMillicores ?? 0) + c.cpuCores * 1000, ramBytes: Math.max(prev?.ramBytes ?? 0, c.memoryWorkingSetBytes) });
  }
  return out;
}

/**
 * Merges agent reports into the usage of a reading (pure). Pods are matched by UID (the agent's
 * namespace/name may be empty); a node with a fresh report takes all its pods' usage from the agent.
 */
export function mergeAgentUsage(options: {
  readonly pods: readonly PodInfo[];
  readonly nodes: readonly string[];
  readonly metricsUsage: UsageByPod | undefined;
  readonly reports: ReadonlyMap<string, AgentUsageReport>;
}): { readonly usage: UsageByPod; readonly sources: Map<string, NodeUsageSource>; readonly egress: Map<string, PodEgressSample> } {
  const { pods, nodes, metricsUsage, reports } = options;
  const usage = new Map<string, ReadonlyMap<string, ContainerUsage>>(metricsUsage ?? []);
  const byUid = new Map(pods.map((p) => [p.uid, p]));
  const podsWithMetrics = new Set<string>();
  for (const p of pods) if (metricsUsage?.has(podKey(p.namespace, p.name))) podsWithMetrics.add(p.nodeName);
  const sources = new Map<string, NodeUsageSource>();
  for (const node of nodes) sources.set(node, reports.has(node) ? 'agent' : podsWithMetrics.has(node) ? 'metrics-api' : 'requests');
  const egress = new Map<string, PodEgressSample>();
  for (const [node, report] of reports) {
    const seconds = (report.toMs - report.fromMs) / 1000;
    for (const p of report.pods) {
      const pod = byUid.get(p.uid);
      if (pod === undefined || pod.nodeName !== node) continue;
      const containers = usageFromAgentPod(p);
      if (containers.size > 0) usage.set(podKey(pod.namespace, pod.name), containers);
      const e = p.network?.egress;
      if (e !== undefined && seconds > 0) egress.set(podKey(pod.namespace, pod.name), { ...e, seconds });
    }
  }
  return { usage, sources, egress };
}

export interface AgentUsageStatus {
  readonly agents: number;
  readonly pulled: number;
  readonly failures: readonly string[];
  readonly nodesWithoutAgent: readonly string[];
  readonly lastPullSeconds: number | undefined;
}

export interface AgentAwareSource extends ClusterSource {
  agentStatus(): AgentUsageStatus;
}

/** Wraps a live source: agent usage first, then the metrics API, then requests. */
export function withAgentUsage(inner: ClusterSource, options: AgentPullOptions & { readonly now?: () => number } = {}): AgentAwareSource {
  const { port = 9101, maxAgeMs = 180_000 } = options;
  let status: AgentUsageStatus = { agents: 0, pulled: 0, failures: [], nodesWithoutAgent: [], lastPullSeconds: undefined };
  const source: AgentAwareSource = {
    kind: inner.kind,
    description: inner.description,
    async read(nowMs): Promise<SourceReading> {
      const reading = await inner.read(nowMs);
      const targets = agentTargets(reading.snapshot.pods, port);
      if (targets.length === 0) {
        status = { agents: 0, pulled: 0, failures: [], nodesWithoutAgent: [], lastPullSeconds: undefined };
        return reading;
      }
      const started = performance.now();
      const results = await pullAll(targets, options);
      const reports = new Map<string, AgentUsageReport>();
      const failures: string[] = [];
      for (const [node, r] of results) {
        if (!r.ok) failures.push(r.error);
        else if (nowMs - r.report.toMs > maxAgeMs) failures.push(`${node}: the agent's last collection is ${Math.round((nowMs - r.report.toMs) / 1000)} s old`);
        else reports.set(node, r.report);
      }
      const nodes = reading.snapshot.nodes.map((n) => n.name);
      const merged = mergeAgentUsage({ pods: reading.snapshot.pods, nodes, metricsUsage: reading.snapshot.usage, reports });
      status = {
        agents: targets.length,
        pulled: reports.size,
        failures: failures.sort(),
        nodesWithoutAgent: nodes.filter((n) => !reports.has(n)).sort(),
        lastPullSeconds: (performance.now() - started) / 1000,
      };
      return {
        ...reading,
        snapshot: { ...reading.snapshot, usage: merged.usage, ...(merged.egress.size > 0 ? { egress: merged.egress } : {}) },
        hasUsage: reading.hasUsage || merged.usage.size > 0,
        usageByNode: merged.sources,
        ...(reading.usageStatus !== undefined && reading.usageStatus.state !== 'ok' && reports.size > 0
          ? { usageStatus: { state: 'ok', detail: `from ${reports.size} node agent(s); the metrics API: ${reading.usageStatus.state}` } }
          : {}),
      };
    },
    health(): SourceHealth {
      const h = inner.health?.() ?? { ready: true, reason: 'ok', detail: {} };
      if (status.agents === 0 && status.nodesWithoutAgent.length === 0) return h;
      return {
        ...h,
        detail: {
          ...h.detail,
          agents: {
            found: status.agents,
            pulled: status.pulled,
            ...(status.nodesWithoutAgent.length > 0 ? { nodesWithoutAgent: status.nodesWithoutAgent.slice(0, 50), nodesWithoutAgentCount: status.nodesWithoutAgent.length } : {}),
            ...(status.failures.length > 0 ? { failures: status.failures.slice(0, 20) } : {}),
            ...(status.lastPullSeconds !== undefined ? { lastPullSeconds: status.lastPullSeconds } : {}),
          },
        },
      };
    },
    agentStatus: () => status,
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
  return source;
}
