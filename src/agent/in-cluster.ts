// The agent's API server client inside a pod: the three requests it makes (its node's pods, the
// nodes, TokenReviews) over node:https with the pod's service account — the CA and the token in
// /var/run/secrets/kubernetes.io/serviceaccount (the token re-read as the kubelet rotates it), the
// server from KUBERNETES_SERVICE_HOST/PORT. Not @kubernetes/client-node: loading it costs the
// agent tens of MiB of resident memory on every node (docs/benchmarks.md, "Node agent"); with a
// kubeconfig (an agent run outside a pod, --once for support) main.ts still uses the full client.
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeApiError, KubeConnectionError } from '../sources/kube/errors.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterOptions {
  /** https://host:port of the API server. */
  readonly server: string;
  /** Holds `token` and `ca.crt`. */
  readonly serviceAccountDir?: string;
  readonly userAgent?: string;
}

export interface InClusterApi {
  readonly server: string;
  /** GET → parsed JSON; KubeApiError for an error status, KubeConnectionError for no answer. */
  get(path: string, query?: Readonly<Record<string, string>>, options?: { timeoutMs?: number }): Promise<unknown>;
  /** POST a JSON body → parsed JSON. */
  post(path: string, body: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The in-cluster API server when kubectl's order of configuration leads there: no --kubeconfig,
 * no KUBECONFIG, no ~/.kube/config, and KUBERNETES_SERVICE_HOST/PORT with a service-account token.
 * Undefined otherwise (then a kubeconfig applies, or there is no cluster at all).
 */
export function inClusterServer(
  options: { kubeconfigPath?: string | undefined; env: Readonly<Record<string, string | undefined>>; homeDir?: string; serviceAccountDir?: string; fileExists?: (path: string) => boolean },
): string | undefined {
  const { env, homeDir = env['HOME'] ?? homedir(), serviceAccountDir = SERVICE_ACCOUNT_DIR, fileExists = existsSync } = options;
  if (options.kubeconfigPath !== undefined && options.kubeconfigPath !== '') return undefined;
  if ((env['KUBECONFIG'] ?? '').split(':').some((p) => p !== '' && fileExists(p))) return undefined;
  if (fileExists(join(homeDir, '.kube', 'config'))) return undefined;
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port || !fileExists(join(serviceAccountDir, 'token'))) return undefined;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function describe(method: string, path: string): string {
  return `${method === 'GET' ? (/\/(api\/v1|apis\/[^/]+\/[^/]+)\/[^/]+$/.test(path) ? 'list' : 'get') : 'create'} ${path}`;
}

export function inClusterApi(options: InClusterOptions): InClusterApi {
  const { server, serviceAccountDir = SERVICE_ACCOUNT_DIR, userAgent = 'kube-cost-exporter-agent' } = options;
  // The CA is read once (it changes only with the cluster's CA rotation, which restarts pods).
  const ca = readFileSync(join(serviceAccountDir, 'ca.crt'), 'utf8');
  const base = new URL(server);
  // One kept-alive connection: the pod list is asked every collection, and a TLS handshake each
  // time would cost more CPU than reading the cgroups.
  // node:https (with tls) is taken here, not imported at the top: an agent without the API server
  // (--no-kube) never loads it, about 7 MiB of resident memory (docs/benchmarks.md, "Node agent").
  const { Agent, request } = process.getBuiltinModule('node:https');
  const agent = new Agent({ keepAlive: true, maxSockets: 2, ca });

  const send = (method: 'GET' | 'POST', path: string, query: Readonly<Record<string, string>>, body: string | undefined, timeoutMs: number): Promise<unknown> => {
    const what = describe(method, path);
    const search = new URLSearchParams(query).toString();
    // Projected tokens expire within the hour and the kubelet rewrites the file: read it each time.
    let token: string;
    try {
      token = readFileSync(join(serviceAccountDir, 'token'), 'utf8').trim();
    } catch (err) {
      return Promise.reject(new KubeConnectionError(what, (err as NodeJS.ErrnoException).code ?? 'ETOKEN', `cannot read the service-account token: ${(err as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || 443,
          method,
          path: search === '' ? path : `${path}?${search}`,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'user-agent': userAgent,
            ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          },
          timeout: timeoutMs,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new KubeConnectionError(what, (err as NodeJS.ErrnoException).code ?? 'ERESPONSE', err.message)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300 && parsed !== undefined) return resolve(parsed);
            const s = (parsed ?? {}) as { reason?: unknown; message?: unknown };
            const reason = typeof s.reason === 'string' && s.reason !== '' ? s.reason : (res.statusMessage ?? 'Error');
            const message = typeof s.message === 'string' ? s.message : status >= 200 && status < 300 ? 'the body is not JSON' : text.slice(0, 200);
            const retry = Number(res.headers['retry-after']);
            reject(new KubeApiError(what, status, reason, message, Number.isFinite(retry) && res.headers['retry-after'] !== undefined ? retry : undefined));
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => reject(new KubeConnectionError(what, err.code ?? 'ECONNECTION', err.message)));
      req.end(body);
    });
  };

  return {
    server,
    get: (path, query = {}, o = {}) => send('GET', path, query, undefined, o.timeoutMs ?? 10_000),
    post: (path, body, o = {}) => send('POST', path, {}, JSON.stringify(body), o.timeoutMs ?? 10_000),
    close: async () => agent.destroy(),
  };
}

/** A TokenReview's answer: the authenticated user's name, or why not. */
export function tokenReviewResult(body: unknown): { authenticated: boolean; username: string; error?: string } {
  const status = (body as { status?: { authenticated?: unknown; user?: { username?: unknown }; error?: unknown } } | null)?.status;
  const username = typeof status?.user?.username === 'string' ? status.user.username : '';
  if (status?.authenticated === true && username !== '') return { authenticated: true, username };
  return { authenticated: false, username: '', ...(typeof status?.error === 'string' && status.error !== '' ? { error: status.error } : {}) };
}
