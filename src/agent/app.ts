// The agent's HTTP surface (Hono, web-standard Request/Response; tests call app.request()):
//   /v1/usage   the last collection (AgentUsageReport JSON), gzip when the caller accepts it
//   /metrics    the agent's own health in the Prometheus text format
//   /healthz    liveness, open to the kubelet
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { ExpositionWriter, exposition, labelText, PROMETHEUS_CONTENT_TYPE } from '../server/exposition.ts';
import type { AgentAuthOptions } from './auth.ts';
import { agentAuth } from './auth.ts';
import type { AgentUsageReport } from './report.ts';

export interface AgentStatus {
  readonly node: string;
  readonly cgroupVersion: string;
  readonly driver: string;
  readonly collections: number;
  readonly failures: number;
  readonly lastDurationSeconds: number | undefined;
  readonly lastError: string | undefined;
  readonly report: AgentUsageReport | undefined;
  /** The report's body (serializeReport: made on the first pull, reused by the next ones). */
  readonly body: { readonly json: string; readonly gzip: Uint8Array } | undefined;
}

/**
 * The report's body, made when first asked for and then kept: a report is serialized once, and
 * gzipped once, however many callers pull it — and not at all in the collections nobody pulls
 * (the exporter pulls every 60 s, the agent collects every 15 s).
 */
export function serializeReport(report: AgentUsageReport): { readonly json: string; readonly gzip: Uint8Array } {
  let json: string | undefined;
  let gzip: Uint8Array | undefined;
  return {
    get json() {
      json ??= JSON.stringify(report);
      return json;
    },
    get gzip() {
      gzip ??= gzipSync(this.json, { level: 6 });
      return gzip;
    },
  };
}

function acceptsGzip(header: string | undefined): boolean {
  return header?.split(',').some((p) => p.trim().split(';')[0]?.trim() === 'gzip' && !/;\s*q=0(\.0*)?\s*$/.test(p.trim())) === true;
}

export function createAgentApp(options: { status: () => AgentStatus; version: string; auth?: AgentAuthOptions }): Hono {
  const app = new Hono();
  if (options.auth) app.use('*', agentAuth(options.auth));

  app.get('/healthz', (c) => c.text('ok\n'));

  app.get('/v1/usage', (c) => {
    const st = options.status();
    if (st.body === undefined) return c.json({ error: st.lastError ?? 'the first collection has not finished yet', node: st.node }, 503, { 'retry-after': '5' });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'Accept-Encoding' };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      headers['content-encoding'] = 'gzip';
      return new Response(st.body.gzip, { status: 200, headers });
    }
    return new Response(st.body.json, { status: 200, headers });
  });

  app.get('/metrics', () => {
    const st = options.status();
    const w = new ExpositionWriter('prometheus', labelText({ node: st.node }));
    w.family('kube_cost_agent_info', 'gauge', 'The node agent: version, cgroup version and kubelet cgroup driver.').sample(labelText({ version: options.version, cgroup_version: st.cgroupVersion, driver: st.driver }), 1);
    w.family('kube_cost_agent_collections_total', 'counter', 'Collections finished.').sample('', st.collections);
    w.family('kube_cost_agent_collection_failures_total', 'counter', 'Collections that failed (the previous report is still served).').sample('', st.failures);
    if (st.lastDurationSeconds !== undefined) w.family('kube_cost_agent_collection_duration_seconds', 'gauge', 'Time the last collection took.').sample('', st.lastDurationSeconds);
    if (st.report !== undefined) {
      w.family('kube_cost_agent_pods', 'gauge', 'Pods found in the cgroup hierarchy at the last collection.').sample('', st.report.pods.length);
      w.family('kube_cost_agent_warnings', 'gauge', 'Problems met in the last collection (cgroups that vanished, files unreadable).').sample('', st.report.warnings.length);
      let cpu = 0;
      let mem = 0;
      for (const p of st.report.pods) {
        cpu += p.cpuCores;
        mem += p.memoryWorkingSetBytes;
      }
      w.family('kube_cost_agent_pods_cpu_cores', 'gauge', 'CPU cores all pods on this node used over the last interval.').sample('', cpu);
      w.family('kube_cost_agent_pods_memory_working_set_bytes', 'gauge', 'Memory working set of all pods on this node.').sample('', mem);
    }
    return new Response(exposition('prometheus', [w.toString()]), { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } });
  });

  return app;
}
