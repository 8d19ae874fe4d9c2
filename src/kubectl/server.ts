// Server mode (I/O edge): the exporter's `/api/v1/allocation` (OpenCost's query and answer shape),
// reached directly (`--server URL`) or through the API server's service proxy with the current
// kubeconfig's credentials, as `kubectl get --raw` would:
//   GET {apiserver}/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/api/v1/allocation?...
// @kubernetes/client-node is imported only for the proxy path (it is slow to load).
import type { Allocation, AllocationProperties } from './allocations.ts';

/** The server could not be reached or answered something else than allocations. */
export class ServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerError';
  }
}

export interface Fetcher {
  /** Where requests go, for messages. */
  readonly description: string;
  /** GET `path?query` relative to the exporter's root; resolves to the parsed JSON body. */
  get(path: string, query: Readonly<Record<string, string>>): Promise<unknown>;
}

function queryString(query: Readonly<Record<string, string>>): string {
  return new URLSearchParams(query).toString();
}

function parseBody(text: string, status: number, url: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ServerError(`${url}: HTTP ${status}: not JSON: ${text.slice(0, 200).trim()}`);
  }
  if (status < 200 || status >= 300) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : text.slice(0, 200);
    throw new ServerError(`${url}: HTTP ${status}: ${message}`);
  }
  return body;
}

export function directFetcher(baseUrl: string): Fetcher {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new ServerError(`--server: not a URL: ${baseUrl}`);
  }
  return {
    description: base.origin + base.pathname.replace(/\/$/, ''),
    async get(path, query) {
      const url = new URL(`${path.replace(/^\//, '')}?${queryString(query)}`, base);
      let res: Response;
      try {
        res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new ServerError(`cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
      }
      return parseBody(await res.text(), res.status, url.toString());
    },
  };
}

export interface ProxyOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly serviceNamespace: string;
  readonly serviceName: string;
  readonly servicePort: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface ApiServerAccess {
  readonly server: string;
  readonly description: string;
  /** Adds credentials and TLS settings to request options. */
  apply(options: import('node:https').RequestOptions): Promise<void>;
}

/** Credentials of the current context: the small reader first, @kubernetes/client-node for the rest. */
async function apiServerAccess(options: ProxyOptions): Promise<ApiServerAccess> {
  const { loadLiteKubeConfig } = await import('./kubeconfig.ts');
  const lite = loadLiteKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: options.env });
  if (lite !== undefined) {
    return {
      server: lite.server,
      description: lite.description,
      async apply(o) {
        o.headers = { ...(o.headers as Record<string, string>), ...lite.headers };
        if (lite.ca) o.ca = lite.ca;
        if (lite.cert) o.cert = lite.cert;
        if (lite.key) o.key = lite.key;
        if (lite.insecure) o.rejectUnauthorized = false;
      },
    };
  }
  const { loadKubeConfig } = await import('../sources/kube/kubeconfig.ts');
  const loaded = await loadKubeConfig({ kubeconfigPath: options.kubeconfig, context: options.context, env: options.env });
  return { server: loaded.server, description: loaded.description, apply: (o) => loaded.config.applyToHTTPSOptions(o) };
}

export async function proxyFetcher(options: ProxyOptions): Promise<Fetcher> {
  const access = await apiServerAccess(options);
  const https = await import('node:https');
  const http = await import('node:http');
  const prefix = `/api/v1/namespaces/${encodeURIComponent(options.serviceNamespace)}/services/${encodeURIComponent(options.serviceName)}:${encodeURIComponent(options.servicePort)}/proxy`;
  const server = new URL(access.server);
  return {
    description: `service ${options.serviceNamespace}/${options.serviceName}:${options.servicePort} via ${access.description}`,
    async get(path, query) {
      const requestOptions: import('node:https').RequestOptions = {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'kubectl-cost' },
      };
      await access.apply(requestOptions);
      const url = new URL(`${server.pathname.replace(/\/$/, '')}${prefix}/${path.replace(/^\//, '')}?${queryString(query)}`, server);
      const lib = url.protocol === 'http:' ? http : https;
      return await new Promise<unknown>((resolve, reject) => {
        const req = lib.request(url, { ...requestOptions, timeout: 60_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(parseBody(Buffer.concat(chunks).toString('utf8'), res.statusCode ?? 0, `${access.server}${prefix}/${path.replace(/^\//, '')}`));
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timed out after 60 s')));
        req.on('error', (err: NodeJS.ErrnoException) => reject(new ServerError(`cannot reach the API server ${access.server}: ${err.code ?? err.message}`)));
        req.end();
      });
    },
  };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function propertiesOf(value: unknown): AllocationProperties {
  if (typeof value !== 'object' || value === null) return {};
  const p = value as Record<string, unknown>;
  const s = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? { [k]: p[k] as string } : {});
  const labels = typeof p['labels'] === 'object' && p['labels'] !== null ? { labels: p['labels'] as Record<string, string> } : {};
  return { ...s('cluster'), ...s('node'), ...s('namespace'), ...s('pod'), ...s('controller'), ...s('controllerKind'), ...labels };
}

/** OpenCost's `{code, data: [{name: allocation}]}` → allocations (every set of the answer, accumulated). */
export function parseAllocationResponse(body: unknown, where: string): Allocation[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { data?: unknown }).data)) {
    throw new ServerError(`${where}: not an allocation answer (expected {"code":200,"data":[{...}]})`);
  }
  const out: Allocation[] = [];
  for (const set of (body as { data: unknown[] }).data) {
    if (typeof set !== 'object' || set === null) continue;
    for (const [name, raw] of Object.entries(set as Record<string, unknown>)) {
      if (typeof raw !== 'object' || raw === null) continue;
      const a = raw as Record<string, unknown>;
      const cpuCost = num(a['cpuCost']);
      const ramCost = num(a['ramCost']);
      const gpuCost = num(a['gpuCost']);
      const pvCost = num(a['pvCost']);
      const networkCost = optNum(a['networkCost']);
      const loadBalancerCost = num(a['loadBalancerCost']);
      out.push({
        name: typeof a['name'] === 'string' ? a['name'] : name,
        properties: propertiesOf(a['properties']),
        minutes: num(a['minutes']),
        cpuCost,
        ramCost,
        gpuCost,
        pvCost,
        networkCost,
        loadBalancerCost,
        totalCost: optNum(a['totalCost']) ?? cpuCost + ramCost + gpuCost + pvCost + (networkCost ?? 0) + loadBalancerCost,
        cpuCoreRequestAverage: num(a['cpuCoreRequestAverage']),
        cpuCoreUsageAverage: optNum(a['cpuCoreUsageAverage']),
        ramByteRequestAverage: num(a['ramByteRequestAverage']),
        ramByteUsageAverage: optNum(a['ramByteUsageAverage']),
      });
    }
  }
  return out;
}

export interface AllocationRequest {
  readonly window: string;
  readonly aggregate: string;
  readonly filter?: string;
  readonly idle?: boolean;
}

/** One accumulated allocation query, idle per node (so the node table can show it). */
export async function queryAllocations(fetcher: Fetcher, request: AllocationRequest): Promise<Allocation[]> {
  const query: Record<string, string> = {
    window: request.window,
    aggregate: request.aggregate,
    accumulate: 'true',
    includeIdle: String(request.idle ?? true),
    idleByNode: 'true',
  };
  if (request.filter) query['filter'] = request.filter;
  const body = await fetcher.get('/api/v1/allocation', query);
  return parseAllocationResponse(body, fetcher.description);
}
