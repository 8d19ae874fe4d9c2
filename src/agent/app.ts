// The agent's HTTP surface, three GET endpoints:
//   /v1/usage   the last collection (AgentUsageReport JSON), gzip when the caller accepts it
//   /metrics    the agent's own health in the Prometheus text format
//   /healthz    liveness, open to the kubelet
// `handle` maps a request (method, path, headers) to a response (status, headers, body) without
// any I/O, so tests call it in-process; serveAgent() is the thin node:http shell around it. Not
// Hono here, unlike the exporter: its Node adapter builds web Request/Response objects, which load
// Node's fetch implementation (undici, ~750 KB of source kept in the heap) into every agent.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
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
  /** CPU time (user + system, every thread) spent inside collections since the start. */
  readonly collectionCpuSeconds: number;
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

export interface AgentRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Lower-case names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface AgentResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface AgentApp {
  handle(request: AgentRequest): Promise<AgentResponse>;
}

const TEXT = 'text/plain; charset=utf-8';

function header(request: AgentRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export function createAgentApp(options: { status: () => AgentStatus; version: string; auth?: AgentAuthOptions }): AgentApp {
  const authorize = options.auth ? agentAuth(options.auth) : undefined;

  const usage = (request: AgentRequest): AgentResponse => {
    const st = options.status();
    if (st.body === undefined) {
      const body = JSON.stringify({ error: st.lastError ?? 'the first collection has not finished yet', node: st.node });
      return { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '5' }, body };
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'Accept-Encoding' };
    if (acceptsGzip(header(request, 'accept-encoding'))) {
      headers['content-encoding'] = 'gzip';
      return { status: 200, headers, body: st.body.gzip };
    }
    return { status: 200, headers, body: st.body.json };
  };

  const metrics = (): AgentResponse => {
    const st = options.status();
    const w = new ExpositionWriter('prometheus', labelText({ node: st.node }));
    w.family('kube_cost_agent_info', 'gauge', 'The node agent: version, cgroup version and kubelet cgroup driver.').sample(labelText({ version: options.version, cgroup_version: st.cgroupVersion, driver: st.driver }), 1);
    w.family('kube_cost_agent_collections_total', 'counter', 'Collections finished.').sample('', st.collections);
    w.family('kube_cost_agent_collection_failures_total', 'counter', 'Collections that failed (the previous report is still served).').sample('', st.failures);
    if (st.lastDurationSeconds !== undefined) w.family('kube_cost_agent_collection_duration_seconds', 'gauge', 'Time the last collection took.').sample('', st.lastDurationSeconds);
    w.family('kube_cost_agent_collection_cpu_seconds_total', 'counter', 'CPU time (user and system) the process spent inside collections; its rate over the collections rate is the CPU per collection.').sample('', st.collectionCpuSeconds);
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
    return { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }, body: exposition('prometheus', [w.toString()]) };
  };

  const routes: Readonly<Record<string, (request: AgentRequest) => AgentResponse>> = {
    '/healthz': () => ({ status: 200, headers: { 'content-type': TEXT }, body: 'ok\n' }),
    '/v1/usage': usage,
    '/metrics': metrics,
  };

  return {
    async handle(request) {
      const route = Object.hasOwn(routes, request.path) ? routes[request.path] : undefined;
      if (route === undefined) return { status: 404, headers: { 'content-type': TEXT }, body: '404 Not Found\n' };
      if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, headers: { 'content-type': TEXT, allow: 'GET, HEAD' }, body: 'only GET\n' };
      if (authorize !== undefined) {
        const refused = await authorize(request.path, header(request, 'authorization'));
        if (refused !== undefined) return refused;
      }
      return route(request);
    },
  };
}

/** Serves an agent app on node:http; resolves once listening (rejects with the listen error). */
export function serveAgent(app: AgentApp, options: { port: number; host: string }): Promise<Server> {
  // Not `import … from 'node:http'`: an ES module import of node:http makes Node load its fetch
  // implementation (undici) along with it, about 3 MiB of heap the agent never uses.
  const { createServer } = process.getBuiltinModule('node:http');
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    app.handle({ method: req.method ?? 'GET', path: q === -1 ? url : url.slice(0, q), headers: req.headers }).then(
      (r) => {
        const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': TEXT });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function listeningPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
