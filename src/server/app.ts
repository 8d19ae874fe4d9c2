// The HTTP surface, in web-standard Request/Response (Hono), so tests call `app.request()` with
// no port. The Node adapter lives in src/cli/serve.ts.
import { Hono } from 'hono';
import type { HistoryStore } from '../store/types.ts';
import type { AccessLogOptions, AccessOptions } from './access.ts';
import { accessControl, accessLog, securityHeaders } from './access.ts';
import { adviceRoutes } from './advice-routes.ts';
import type { ReconciliationSource } from './api-routes.ts';
import { apiRoutes } from './api-routes.ts';
import type { Exporter } from './exporter.ts';
import type { RequestLimits } from './limits.ts';
import { requestLimits } from './limits.ts';
import { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './exposition.ts';
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

export function createApp(options: AppOptions): Hono {
  const { exporter, version, sourceDescription, metricsPath = '/metrics' } = options;
  const app = new Hono();
  if (options.accessLog) app.use('*', accessLog(options.accessLog));
  app.use('*', securityHeaders());
  // Limits first: they are cheap, and they also slow down password guessing against basic auth.
  if (options.limits) app.use('*', requestLimits(options.limits));
  if (options.access) app.use('*', accessControl(options.access));

  app.get(metricsPath, (c) => {
    const format = wantsOpenMetrics(c.req.header('accept')) ? 'openmetrics' : 'prometheus';
    const metrics = exporter.metrics(format);
    const headers: Record<string, string> = {
      'content-type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
      'cache-control': 'no-store',
      vary: 'Accept, Accept-Encoding',
    };
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      headers['content-encoding'] = 'gzip';
      return new Response(metrics.gzip(), { status: 200, headers });
    }
    return new Response(metrics.plain(), { status: 200, headers });
  });

  app.get('/healthz', (c) => c.text('ok\n'));

  // Advice first: the allocation API answers 404 for every other path under /api/v1.
  if (options.history) app.route('/api/v1', adviceRoutes({ store: options.history }));
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
  return app;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
