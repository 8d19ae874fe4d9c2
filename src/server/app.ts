// The HTTP surface, in web-standard Request/Response (Hono), so tests call `app.request()` with
// no port. The Node adapter lives in src/cli/serve.ts.
import type { AdvicePolicies } from '../core/advice/policies.ts';
import type { PolicyView } from './advice-routes.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import type { HistoryStore } from '../store/types.ts';
import type { AccessLogOptions, AccessOptions } from './access.ts';
import { accessControl, accessLog, admittedAtOnce, DEFAULT_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, securityHeaders } from './access.ts';
import { adviceRoutes } from './advice-routes.ts';
import type { ReconciliationSource } from './api-routes.ts';
import { apiRoutes } from './api-routes.ts';
import type { Exporter } from './exporter.ts';
import type { ExpositionFormat } from './exposition.ts';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition.ts';
import type { RequestLimiter, RequestLimits } from './limits.ts';
import { requestLimiter } from './limits.ts';
import { uiHandler } from './ui.ts';

export interface AppOptions {
  readonly exporter: Exporter;
  readonly version: string;
  /** For the landing page and /readyz detail, e.g. `demo cluster (simulated)`. */
  readonly sourceDescription: string;
  readonly metricsPath?: string;
  /** Bearer token and IP allow-list (src/server/access.ts); absent: open, as most exporters are in-cluster. */
  readonly access?: AccessOptions;
  /** URL, body and rate limits (src/server/limits.ts); absent: none. */
  readonly limits?: RequestLimits;
  /** Access log (audit trail); absent: none. */
  readonly accessLog?: AccessLogOptions;
  /** The history store: serves the allocation API under /api/v1 (docs/api.md); absent: no API. */
  readonly history?: HistoryStore;
  /** The cluster's current HPAs and PDB facts for /api/v1/recommendations (policy-tracker.ts). */
  readonly policies?: () => AdvicePolicies | undefined;
  /** `--hub`: every cluster's facts from the shared store instead (policy-tracker.ts hubPolicies). */
  readonly hubPolicies?: () => Promise<PolicyView | undefined>;
  /** Billing reconciliation (`--billing-source`): serves /api/v1/reconciliation. */
  readonly reconciliation?: ReconciliationSource;
  /** Folder of the built web UI (default: ui/dist of the package). */
  readonly uiDir?: string;
}

/** OpenMetrics when the scraper asks for it (Prometheus does, first in its Accept header). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept?.includes('application/openmetrics-text') === true;
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().split(';');
    if (coding.trim() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The headers of every /metrics answer but Content-Encoding and Content-Length. */
function metricsHeaders(format: ExpositionFormat): Record<string, string> {
  return {
    'content-type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
    'cache-control': 'no-store',
    vary: 'Accept, Accept-Encoding',
  };
}

/** A node:http request handler run before the app: true when it answered the request. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ServerApp {
  readonly app: Hono;
  /**
   * Gzip scrapes of the metrics path answered straight from node:http (metricsFastPath below);
   * undefined when an option needs every request to go through the app (`--access-log all`, or
   * address functions other than the socket's, as tests pass).
   */
  readonly metricsFastPath: FastPath | undefined;
}

export function createApp(options: AppOptions): Hono {
  return createServerApp(options).app;
}

/** The app, and the fast path the Node server runs before it (src/cli/serve.ts). */
export function createServerApp(options: AppOptions): ServerApp {
  const { exporter, version, sourceDescription, metricsPath = '/metrics' } = options;
  const app = new Hono();
  if (options.accessLog) app.use('*', accessLog(options.accessLog));
  app.use('*', securityHeaders());
  // Limits first: they are cheap, and they also slow down password guessing against basic auth.
  const limiter = options.limits ? requestLimiter(options.limits) : undefined;
  if (limiter) app.use('*', limiter.middleware);
  if (options.access) app.use('*', accessControl(options.access));

  app.get(metricsPath, (c) => {
    const format = wantsOpenMetrics(c.req.header('accept')) ? 'openmetrics' : 'prometheus';
    const metrics = exporter.metrics(format);
    const headers = metricsHeaders(format);
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      headers['content-encoding'] = 'gzip';
      return new Response(metrics.gzip(), { status: 200, headers });
    }
    return new Response(metrics.plain(), { status: 200, headers });
  });

  app.get('/healthz', (c) => c.text('ok\n'));

  // Advice first: the allocation API answers 404 for every other path under /api/v1.
  if (options.history) app.route('/api/v1', adviceRoutes({ store: options.history, ...(options.policies ? { policies: options.policies } : {}), ...(options.hubPolicies ? { hubPolicies: options.hubPolicies } : {}) }));
  if (options.history) app.route('/api/v1', apiRoutes({ store: options.history, ...(options.reconciliation ? { reconciliation: options.reconciliation } : {}) }));

  app.get('/readyz', (c) => {
    const s = exporter.status();
    return c.json(
      {
        ready: s.ready,
        reason: s.reason,
        source: sourceDescription,
        lastSync: s.lastSyncMs === undefined ? null : new Date(s.lastSyncMs).toISOString(),
        cycles: s.cycles,
        usage: s.usage === undefined ? null : { state: s.usage.state, detail: s.usage.detail, costsUse: s.usage.costsUse },
        ...(s.source !== undefined ? { sourceStatus: s.source } : {}),
      },
      s.ready ? 200 : 503,
    );
  });

  // The web UI (src/server/ui.ts); the landing page below when it is not built.
  const ui = uiHandler({
    ...(options.uiDir !== undefined ? { dir: options.uiDir } : {}),
    landing: () =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kube-cost-exporter</title></head><body>` +
        `<h1>kube-cost-exporter ${escapeHtml(version)}</h1><p>Source: ${escapeHtml(sourceDescription)}</p>` +
        `<ul><li><a href="${escapeHtml(metricsPath)}">${escapeHtml(metricsPath)}</a> — Prometheus metrics</li>` +
        (options.history ? `<li><a href="/api/v1/allocation?window=1d&amp;aggregate=namespace">/api/v1/allocation</a> — cost history (OpenCost's allocation API)</li>` : '') +
        `<li><a href="/healthz">/healthz</a></li><li><a href="/readyz">/readyz</a></li></ul>` +
        `<p>The web UI is not built: run <code>npm run build:ui</code> (docs/ui.md).</p></body></html>`,
  });
  app.get('/', ui);
  app.get('/assets/*', ui);

  app.notFound((c) => c.text(`not found: ${c.req.path}\n`, 404));
  const fast =
    options.accessLog?.mode === 'all' || options.accessLog?.remoteAddress !== undefined || options.access?.remoteAddress !== undefined || options.limits?.remoteAddress !== undefined
      ? undefined
      : metricsFastPath({ exporter, metricsPath, limiter, access: options.access });
  return { app, metricsFastPath: fast };
}

/**
 * The scrape as Prometheus makes it — `GET <metrics path>` with gzip accepted — answered straight
 * from node:http, without building a web Request and Response or running the middleware chain: the
 * cycle's prepared gzip Buffer with the same headers the app sends (security headers included), its
 * Content-Length, no allocation per request beyond Node's own. Anything else is left to the app,
 * which then answers as if this did not exist: a plain-text scrape (it is decompressed as sent), a
 * HEAD, a query string, a request the access control does not admit at once (no or another
 * credential, basic or Kubernetes authentication, an address outside the allow-list: the app
 * answers or refuses and counts it), one the limits refuse (the app answers 414/413/429 with its
 * count and Retry-After). Access is checked before the rate bucket is touched, so a request the app
 * refuses takes exactly one token, as before. With `--access-log all` there is no fast path.
 */
function metricsFastPath(options: { exporter: Exporter; metricsPath: string; limiter: RequestLimiter | undefined; access: AccessOptions | undefined }): FastPath {
  const { exporter, metricsPath, limiter, access } = options;
  // Each scraper sends the same Accept and Accept-Encoding at every scrape: the last answers are kept.
  let lastAccept: string | undefined;
  let lastFormat: ExpositionFormat = 'prometheus';
  let lastEncoding: string | undefined;
  let lastGzip = false;
  // The response headers of the current Buffer per format (a new Buffer after each cycle).
  const prepared: Record<ExpositionFormat, { body: Buffer | undefined; headers: string[] }> = {
    prometheus: { body: undefined, headers: [] },
    openmetrics: { body: undefined, headers: [] },
  };
  const headersOf = (format: ExpositionFormat, body: Buffer): string[] => {
    const p = prepared[format];
    if (p.body !== body) {
      const headers = Object.entries(metricsHeaders(format)).flat();
      headers.push('content-encoding', 'gzip', 'content-length', String(body.length));
      for (const [name, value] of SECURITY_HEADERS) headers.push(name, value);
      headers.push('content-security-policy', DEFAULT_CONTENT_SECURITY_POLICY);
      p.body = body;
      p.headers = headers;
    }
    return p.headers;
  };
  return (req, res) => {
    if (req.method !== 'GET' || req.url !== metricsPath) return false;
    const encoding = req.headers['accept-encoding'];
    if (encoding !== lastEncoding) {
      lastGzip = acceptsGzip(encoding);
      lastEncoding = encoding;
    }
    if (!lastGzip) return false;
    const address = req.socket.remoteAddress;
    if (access !== undefined && !admittedAtOnce(access, metricsPath, address, req.headers.authorization)) return false;
    if (limiter !== undefined && !limiter.passes(metricsPath, metricsPath, req.headers['content-length'], address)) return false;
    const accept = req.headers.accept;
    if (accept !== lastAccept) {
      lastFormat = wantsOpenMetrics(accept) ? 'openmetrics' : 'prometheus';
      lastAccept = accept;
    }
    let body: Buffer;
    try {
      body = exporter.metrics(lastFormat).gzip();
    } catch {
      return false; // the app answers 500 as for any failing route
    }
    res.writeHead(200, headersOf(lastFormat, body));
    res.end(body);
    return true;
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
