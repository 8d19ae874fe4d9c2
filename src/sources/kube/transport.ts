// The I/O edge of live collection: GET and watch requests to the API server. The port
// (KubeTransport) is what the reflector and the metrics poller use; the implementation goes through
// @kubernetes/client-node: its KubeConfig authenticates every request (tokens, client certificates,
// exec and OIDC plugins, in-cluster service-account tokens that rotate, proxies, the cluster's CA)
// and its HTTP library sends it. Watch streams are decoded here, line by line.
import type * as K8s from '@kubernetes/client-node';
import { KubeApiError, KubeConnectionError, KubeProtocolError } from './errors.ts';
import { apiStatusOf, lineSplitter } from './watch-protocol.ts';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Gives up (KubeConnectionError ETIMEDOUT) when no answer came within this time. */
  readonly timeoutMs?: number;
}

export interface WatchHandlers {
  /** The server accepted the watch (HTTP 200). */
  onOpen(): void;
  /** One line of the stream (one event), without the newline. */
  onLine(line: string): void;
}

export interface WatchRequestOptions {
  readonly signal: AbortSignal;
  /** Gives up when the stream stays silent this long (a half-open connection). */
  readonly idleTimeoutMs: number;
}

export type Query = Readonly<Record<string, string>>;

export interface KubeTransport {
  /** The API server's URL, for messages. */
  readonly server: string;
  /** GET → parsed JSON. Throws KubeApiError (an error status) or KubeConnectionError. */
  get(path: string, query?: Query, options?: RequestOptions): Promise<unknown>;
  /** Opens a watch; resolves when the server ends the stream, rejects on a failure. */
  watch(path: string, query: Query, handlers: WatchHandlers, options: WatchRequestOptions): Promise<void>;
  close(): Promise<void>;
}

/** `list /api/v1/pods`, `watch /api/v1/pods`, `get /version`: how errors name a request. */
export function describeRequest(path: string, query: Query = {}): string {
  const verb = query['watch'] === 'true' ? 'watch' : /\/(api\/v1|apis\/[^/]+\/[^/]+)(\/namespaces\/[^/]+)?\/[^/]+$/.test(path) ? 'list' : 'get';
  return `${verb} ${path}`;
}

function withQuery(server: string, path: string, query: Query): string {
  const url = new URL(server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

function connectionError(request: string, err: unknown): KubeConnectionError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof (err as { code?: unknown })?.code === 'string' ? String((err as { code: string }).code) : 'ECONNECTION';
  const detail = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return new KubeConnectionError(request, code, detail);
}

function retryAfter(headers: Record<string, string>): number | undefined {
  const value = headers['retry-after'];
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

async function errorFrom(request: string, status: number, headers: Record<string, string>, text: string): Promise<KubeApiError> {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text (a proxy, or the aggregator's "404 page not found")
  }
  const s = apiStatusOf(body, status, HTTP_REASONS[status] ?? `HTTP ${status}`);
  return new KubeApiError(request, s.code, s.reason, s.message, retryAfter(headers));
}

const HTTP_REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Gone',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export interface ClientNodeTransportOptions {
  /** The loaded module (imported lazily: it is large, and only live collection needs it). */
  readonly k8s: typeof K8s;
  readonly config: K8s.KubeConfig;
  readonly userAgent?: string;
  /** Connections are reused for this long, then renewed (certificates on disk may rotate). */
  readonly dispatcherMaxAgeMs?: number;
  readonly now?: () => number;
}

type Dispatcher = NonNullable<ReturnType<K8s.RequestContext['getDispatcher']>>;

export function createClientNodeTransport(options: ClientNodeTransportOptions): KubeTransport {
  const { k8s, config, userAgent = 'kube-cost-exporter', dispatcherMaxAgeMs = 10 * 60_000, now = Date.now } = options;
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new KubeConnectionError('kubeconfig', 'ENOCLUSTER', `context "${config.getCurrentContext()}" names no cluster`);
  const server = cluster.server;
  const http = new k8s.IsomorphicFetchHttpLibrary();
  // KubeConfig makes a new connection pool for every request; keep one, so list pages and watch
  // reconnects reuse connections.
  let pool: { dispatcher: Dispatcher; createdMs: number } | undefined;
  const retired: Dispatcher[] = [];

  const send = async (path: string, query: Query, signal: AbortSignal | undefined): Promise<K8s.ResponseContext> => {
    const request = describeRequest(path, query);
    const ctx = new k8s.RequestContext(withQuery(server, path, query), k8s.HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('User-Agent', userAgent);
    if (signal) ctx.setSignal(signal);
    try {
      await config.applySecurityAuthentication(ctx);
    } catch (err) {
      throw new KubeConnectionError(request, 'EAUTH', `cannot authenticate with the kubeconfig: ${err instanceof Error ? err.message : String(err)}`);
    }
    const fresh = ctx.getDispatcher();
    if (fresh !== undefined) {
      if (pool === undefined || now() - pool.createdMs > dispatcherMaxAgeMs) {
        if (pool) retired.push(pool.dispatcher);
        pool = { dispatcher: fresh, createdMs: now() };
      } else {
        void fresh.close();
      }
      ctx.setDispatcher(pool.dispatcher);
      // Retired pools close once their requests (a long watch, say) are done.
      while (retired.length > 0) void retired.pop()!.close();
    }
    try {
      return await http.send(ctx).toPromise();
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      throw connectionError(request, err);
    }
  };

  const headersOf = (res: K8s.ResponseContext): Record<string, string> => res.headers as Record<string, string>;

  return {
    server,
    async get(path, query = {}, opts = {}) {
      const request = describeRequest(path, query);
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer =
        opts.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              controller.abort();
            }, opts.timeoutMs);
      try {
        const res = await send(path, query, controller.signal);
        const text = await res.body.text();
        if (res.httpStatusCode < 200 || res.httpStatusCode > 299) throw await errorFrom(request, res.httpStatusCode, headersOf(res), text);
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new KubeApiError(request, res.httpStatusCode, 'InvalidResponse', `the body is not JSON (${text.slice(0, 60)})`);
        }
      } catch (err) {
        if (timedOut) throw new KubeConnectionError(request, 'ETIMEDOUT', `no answer within ${opts.timeoutMs} ms`);
        throw err;
      } finally {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },

    async watch(path, query, handlers, opts) {
      const fullQuery = { ...query, watch: 'true' };
      const request = describeRequest(path, fullQuery);
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(opts.signal.reason);
      if (opts.signal.aborted) throw opts.signal.reason;
      opts.signal.addEventListener('abort', onAbort, { once: true });
      let idle = false;
      let handlerFailure: { error: unknown } | undefined;
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          idle = true;
          controller.abort();
        }, opts.idleTimeoutMs);
      };
      try {
        arm();
        const res = await send(path, fullQuery, controller.signal);
        if (res.httpStatusCode !== 200) throw await errorFrom(request, res.httpStatusCode, headersOf(res), await res.body.text());
        handlers.onOpen();
        const stream = res.body.stream();
        if (stream === null) return;
        const decoder = new TextDecoder();
        const lines = lineSplitter((line) => {
          try {
            handlers.onLine(line);
          } catch (err) {
            handlerFailure = { error: err };
            throw err;
          }
        });
        const reader = stream.getReader();
        for (;;) {
          arm();
          const { done, value } = await reader.read();
          if (done) break;
          lines.push(decoder.decode(value, { stream: true }));
        }
        lines.push(decoder.decode());
      } catch (err) {
        // What the handler threw (an ERROR event, a bad line) goes to the caller as it is.
        if (handlerFailure) throw handlerFailure.error;
        if (idle) throw new KubeConnectionError(request, 'ETIMEDOUT', `the watch stayed silent for ${Math.round(opts.idleTimeoutMs / 1000)} s`);
        if (opts.signal.aborted) throw opts.signal.reason ?? err;
        if (err instanceof KubeApiError || err instanceof KubeConnectionError || err instanceof KubeProtocolError) throw err;
        throw connectionError(request, err);
      } finally {
        if (timer) clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
        controller.abort();
      }
    },

    async close() {
      const all = [...retired.splice(0), ...(pool ? [pool.dispatcher] : [])];
      pool = undefined;
      await Promise.all(all.map((d) => d.destroy().catch(() => undefined)));
    },
  };
}
