// The allocation API under /api/v1 (Hono, web-standard Request/Response): reads the history store,
// answers in OpenCost's shapes. Pure work is in src/api/; this file only reads parameters, asks the
// store and writes answers. Bad queries → 400 `{code:400, status:"error", message}` naming the
// parameter, the value and what is accepted; a store failure → 500 `history store: <its message>`.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { computeAllocations } from '../api/allocation.ts';
import { assetSetsJson, assetsCsv, computeAssets } from '../api/assets.ts';
import { BadQueryError } from '../api/errors.ts';
import { mentionsContainer, namespacesOf } from '../api/filter.ts';
import { focusCsv, focusRows } from '../api/focus.ts';
import type { AllocationRequest, Params } from '../api/query.ts';
import { parseAllocationQuery, parseAssetsQuery, parseFormatOnly, parseReconciliationQuery, parseSummaryQuery } from '../api/query.ts';
import { allocationCsv, allocationSetsJson, coverageCsv, coverageJson, coverageMeta, rfc3339 } from '../api/render.ts';
import { computeSummary, summaryCsv, summaryJson } from '../api/summary.ts';
import type { Window } from '../api/window.ts';
import type { ReconciliationReport } from '../billing/reconcile.ts';
import { reconciliationDaysCsv, reconciliationDifferencesCsv, reconciliationJson } from '../billing/render.ts';
import type { AllocationInterval, AllocationQuery, Coverage, HistoryStore, StepSet } from '../store/types.ts';

/** Billing reconciliation as the API asks it (src/billing/service.ts); absent: --billing-source not set. */
export interface ReconciliationSource {
  report(window: { readonly startMs: number; readonly endMs: number }, top: number): Promise<ReconciliationReport | undefined>;
  status(): { readonly location: string; readonly lastRunMs: number | undefined; readonly lastError: string | undefined };
}

export interface ApiRoutesOptions {
  readonly store: HistoryStore;
  readonly reconciliation?: ReconciliationSource;
  /** The clock windows are relative to (tests pin it). */
  readonly now?: () => number;
}

const ENDPOINTS = ['/api/v1/allocation', '/api/v1/allocation/focus', '/api/v1/assets', '/api/v1/summary', '/api/v1/coverage', '/api/v1/reconciliation'];

function params(c: Context): Params {
  return new URL(c.req.url).searchParams;
}

function csv(body: string, name: string, window: Window | undefined): Response {
  const suffix = window ? `-${rfc3339(window.startMs)}-${rfc3339(window.endMs)}`.replace(/:/g, '') : '';
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}${suffix}.csv"`, 'cache-control': 'no-store' },
  });
}

function json(c: Context, body: unknown, status: 200 | 400 | 404 | 500 | 503 = 200): Response {
  c.header('cache-control', 'no-store');
  return c.json(body, status);
}

/** The store failed (disk full, database locked, connection lost): 500 naming the store. */
class StoreFailure extends Error {}

/** Wraps a store call so that its failure is told apart from a fault of the API itself. */
function fromStore<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    throw new StoreFailure(`history store: ${err instanceof Error ? err.message : String(err)}`);
  });
}

/** Maps errors to answers, once: bad query 400, the store or a fault 500. Never throws. */
async function answer(c: Context, handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (err) {
    if (err instanceof BadQueryError) return json(c, { code: 400, status: 'error', message: err.message }, 400);
    if (err instanceof StoreFailure) return json(c, { code: 500, status: 'error', message: err.message }, 500);
    return json(c, { code: 500, status: 'error', message: `internal error: ${err instanceof Error ? err.message : String(err)}` }, 500);
  }
}

/**
 * Container rows exist only where the exporter ran with --record-containers: a window with none is
 * refused (400) saying so and from when they exist; a window that starts before them is answered
 * with a warning (the pods of the part before are not in the answer). Undefined: nothing to say.
 */
function containerCoverage(req: AllocationRequest, coverage: readonly Coverage[]): string | undefined {
  const byAggregate = req.aggregate.some((p) => p.kind === 'container');
  const parameter = byAggregate ? 'aggregate' : 'filter';
  const value = byAggregate ? req.aggregate.map((p) => ('key' in p ? `${p.kind}:${p.key}` : p.kind)).join(',') : req.filterText;
  const since = coverage.filter((c) => c.containersFromMs !== undefined && c.containersFromMs < req.window.endMs && c.lastMs > req.window.startMs);
  const from = (c: Coverage) => `${c.cluster} from ${rfc3339(c.containersFromMs!)}`;
  if (since.length === 0) {
    const elsewhere = coverage.filter((c) => c.containersFromMs !== undefined);
    const where = elsewhere.length > 0 ? `container rows exist for ${elsewhere.map((c) => `${from(c)} to ${rfc3339(c.lastMs)}`).join(', ')}` : 'the store holds none';
    throw new BadQueryError(
      parameter,
      value,
      `no per-container history in this window (${where}): containers are recorded only by an exporter started with --record-containers (KCE_RECORD_CONTAINERS=true)`,
      'a window where container rows exist, or aggregate/filter on pod',
    );
  }
  const late = since.filter((c) => c.containersFromMs! > Math.max(req.window.startMs, c.firstMs));
  const without = coverage.filter((c) => c.containersFromMs === undefined && c.firstMs < req.window.endMs && c.lastMs > req.window.startMs);
  const notes: string[] = [];
  if (late.length > 0) notes.push(`container rows start at ${late.map(from).join(', ')}: pods before that are not in this answer`);
  if (without.length > 0) notes.push(`no container rows for ${without.map((c) => c.cluster).join(', ')}: the pods of ${without.length === 1 ? 'that cluster' : 'those clusters'} are not in this answer`);
  return notes.length === 0 ? undefined : `${notes.join('; ')} (containers are recorded with --record-containers)`;
}

export function apiRoutes(options: ApiRoutesOptions): Hono {
  const { store, reconciliation, now = () => Date.now() } = options;
  const api = new Hono();

  /**
   * The store's step sets: one query per run of equal-length periods (accumulate=day → ≤ 3 queries).
   * With `containers`, pods come as their container rows and the other rows (idle, unmounted
   * volumes, load balancers without pods) from the allocations, step by step.
   */
  async function stepSets(req: AllocationRequest, containers: boolean): Promise<readonly StepSet<AllocationInterval>[]> {
    // Push the namespaces down only when idle is not computed: idle shares need every allocation.
    const namespaces = req.includeIdle ? undefined : namespacesOf(req.filter);
    const ask = async (startMs: number, endMs: number, stepMs: number | undefined) => {
      const query: { -readonly [K in keyof AllocationQuery]: AllocationQuery[K] } = { startMs, endMs };
      if (stepMs !== undefined) query.stepMs = stepMs;
      if (namespaces !== undefined) query.namespaces = namespaces;
      if (!containers) return store.allocations(query);
      const [byContainer, allocations] = await Promise.all([store.containers(query), store.allocations(query)]);
      return allocations.map((set, i) => ({ ...set, rows: [...(byContainer[i]?.rows ?? []), ...set.rows.filter((r) => r.kind !== 'pod')] }));
    };
    if (req.parts === undefined) return ask(req.window.startMs, req.window.endMs, req.stepMs);
    const runs: { startMs: number; endMs: number; lengthMs: number }[] = [];
    for (const p of req.parts) {
      const last = runs.at(-1);
      const lengthMs = p.endMs - p.startMs;
      if (last && last.lengthMs === lengthMs) last.endMs = p.endMs;
      else runs.push({ startMs: p.startMs, endMs: p.endMs, lengthMs });
    }
    const out: StepSet<AllocationInterval>[] = [];
    for (const r of runs) out.push(...(await ask(r.startMs, r.endMs, r.endMs - r.startMs > r.lengthMs ? r.lengthMs : undefined)));
    return out;
  }

  async function allocationSets(req: AllocationRequest) {
    const containers = req.aggregate.some((p) => p.kind === 'container') || mentionsContainer(req.filter);
    if (!containers) {
      const [sets, coverage] = await fromStore(Promise.all([stepSets(req, false), store.coverage()]));
      return { sets: computeAllocations(sets, req), meta: coverageMeta(coverage, req.window) };
    }
    const coverage = await fromStore(store.coverage());
    const notice = containerCoverage(req, coverage);
    const sets = await fromStore(stepSets(req, true));
    const m = coverageMeta(coverage, req.window);
    return { sets: computeAllocations(sets, req), meta: notice ? { ...m, warnings: [...m.warnings, notice] } : m };
  }

  function meta(warnings: readonly string[], m: ReturnType<typeof coverageMeta>) {
    return { demo: m.demo, coverage: m.clusters, warnings: [...warnings, ...m.warnings] };
  }

  const allocation = (c: Context) =>
    answer(c, async () => {
      const req = parseAllocationQuery(params(c), { nowMs: now(), accept: c.req.header('accept') });
      const { sets, meta: m } = await allocationSets(req);
      if (req.format === 'csv') return csv(allocationCsv(sets), 'allocation', req.window);
      if (req.format === 'focus') return csv(focusCsv(sets), 'allocation-focus', req.window);
      return json(c, { code: 200, status: 'success', data: allocationSetsJson(sets), meta: meta(req.warnings, m) });
    });
  api.get('/allocation', allocation);
  // OpenCost also serves the same query at /allocation/compute.
  api.get('/allocation/compute', allocation);

  api.get('/allocation/focus', (c) =>
    answer(c, async () => {
      const p = params(c);
      const wantsJson = p.get('format') === 'json';
      if (!wantsJson && p.get('format') !== null && p.get('format') !== 'csv' && p.get('format') !== 'focus') {
        throw new BadQueryError('format', p.get('format') ?? '', 'unknown format', 'csv (default) or json');
      }
      const req = parseAllocationQuery(p, { nowMs: now(), accept: c.req.header('accept'), defaultFormat: 'focus' });
      const { sets, meta: m } = await allocationSets(req);
      if (wantsJson) return json(c, { code: 200, status: 'success', data: focusRows(sets), meta: meta(req.warnings, m) });
      return csv(focusCsv(sets), 'allocation-focus', req.window);
    }),
  );

  api.get('/assets', (c) =>
    answer(c, async () => {
      const req = parseAssetsQuery(params(c), { nowMs: now(), accept: c.req.header('accept') });
      const query = { startMs: req.window.startMs, endMs: req.window.endMs, ...(req.stepMs !== undefined ? { stepMs: req.stepMs } : {}) };
      const [nodes, disks, loadBalancers, clusterCharges, coverage] = await fromStore(
        Promise.all([store.nodes(query), store.disks(query), store.loadBalancers(query), store.clusterCharges(query), store.coverage()]),
      );
      const sets = computeAssets({ nodes, disks, loadBalancers, clusterCharges });
      if (req.format === 'csv') return csv(assetsCsv(sets), 'assets', req.window);
      return json(c, { code: 200, status: 'success', data: assetSetsJson(sets), meta: meta(req.warnings, coverageMeta(coverage, req.window)) });
    }),
  );

  api.get('/summary', (c) =>
    answer(c, async () => {
      const req = parseSummaryQuery(params(c), { nowMs: now(), accept: c.req.header('accept') });
      const length = req.window.endMs - req.window.startMs;
      const previousWindow = { startMs: req.window.startMs - length, endMs: req.window.startMs };
      const [allocations, charges, previousAllocations, previousCharges, coverage] = await fromStore(
        Promise.all([
          store.allocations({ startMs: req.window.startMs, endMs: req.window.endMs }),
          store.clusterCharges({ startMs: req.window.startMs, endMs: req.window.endMs }),
          store.allocations(previousWindow),
          store.clusterCharges(previousWindow),
          store.coverage(),
        ]),
      );
      const summary = computeSummary({ window: req.window, previousWindow, allocations, charges, previousAllocations, previousCharges, filter: req.filter, top: req.top });
      if (req.format === 'csv') return csv(summaryCsv(summary), 'summary', req.window);
      const warnings = [...req.warnings];
      if (!summary.previous.hasData) warnings.push('no data recorded in the previous window: the change is not known (ratio null)');
      return json(c, { code: 200, status: 'success', data: summaryJson(summary), meta: meta(warnings, coverageMeta(coverage, req.window)) });
    }),
  );

  api.get('/coverage', (c) =>
    answer(c, async () => {
      const format = parseFormatOnly(params(c), c.req.header('accept'));
      const coverage = await fromStore(store.coverage());
      if (format === 'csv') return csv(coverageCsv(coverage), 'coverage', undefined);
      return json(c, { code: 200, status: 'success', data: coverageJson(coverage), store: store.description });
    }),
  );

  api.get('/reconciliation', (c) =>
    answer(c, async () => {
      const req = parseReconciliationQuery(params(c), { nowMs: now(), accept: c.req.header('accept') });
      if (!reconciliation) return json(c, { code: 404, status: 'error', message: 'billing reconciliation is off: start the exporter with --billing-source LOCATION (docs/billing.md)' }, 404);
      const report = await fromStore(reconciliation.report(req.window, req.top));
      const st = reconciliation.status();
      if (!report) {
        const why = st.lastError ? `the bill could not be read: ${st.lastError}` : 'the bill has not been read yet';
        return json(c, { code: 503, status: 'error', message: `${why} (${st.location}); retry later` }, 503);
      }
      if (req.format === 'csv') return csv(req.view === 'differences' ? reconciliationDifferencesCsv(report) : reconciliationDaysCsv(report), `reconciliation-${req.view}`, req.window);
      const warnings = [...req.warnings];
      if (st.lastError) warnings.push(`the last read of the bill failed (${st.lastError}); this report is from the read before`);
      return json(c, { code: 200, status: 'success', data: reconciliationJson(report), meta: { source: st.location, read: st.lastRunMs === undefined ? null : rfc3339(st.lastRunMs), warnings } });
    }),
  );

  api.all('*', (c) => json(c, { code: 404, status: 'error', message: `not found: ${c.req.method} ${c.req.path}; the allocation API's endpoints (GET): ${ENDPOINTS.join(', ')}` }, 404));
  return api;
}
