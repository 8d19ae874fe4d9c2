// FinOps advice under /api/v1 (Hono): recommendations (right-sizing, idle nodes, spot, commitments),
// forecasts and anomalies, read from the history store. The analyses are pure (src/core/advice/);
// this file reads parameters, asks the store, and writes answers. Bad queries → 400 naming the
// parameter and the value; a store failure → 500. docs/advice.md.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { toCsv } from '../api/csv.ts';
import { BadQueryError } from '../api/errors.ts';
import type { Params } from '../api/query.ts';
import { coverageMeta, rfc3339 } from '../api/render.ts';
import type { Window } from '../api/window.ts';
import { DAY_MS, HOUR_MS, parseDuration, parseWindow } from '../api/window.ts';
import type { Anomaly, CostPoint, Granularity } from '../core/advice/anomalies.ts';
import { detectAnomalies } from '../core/advice/anomalies.ts';
import { commitmentAdvice, hourlyOnDemandSpend } from '../core/advice/commitments.ts';
import type { DailyCost } from '../core/advice/forecast.ts';
import { budgetBurnDown, ForecastInputError, forecastDaily, monthEndProjection } from '../core/advice/forecast.ts';
import type { NodeStep } from '../core/advice/idle-nodes.ts';
import { findIdleNodes } from '../core/advice/idle-nodes.ts';
import type { AdviceParts, RecommendationRow } from '../core/advice/recommendations.ts';
import { RECOMMENDATION_CSV_HEADER, recommendationCells, recommendationRows } from '../core/advice/recommendations.ts';
import type { AdvicePolicies } from '../core/advice/policies.ts';
import type { HpaTarget, RightSizingOptions } from '../core/advice/rightsizing.ts';
import type { SpotRatioLookup, WorkloadFacts } from '../core/advice/spot.ts';
import { nodeUnitRates, rightSize } from '../core/advice/rightsizing.ts';
import { spotPotential } from '../core/advice/spot.ts';
import type { MonthFigures } from '../core/advice/budgets.ts';
import type { RecommendationKind } from '../core/advice/types.ts';
import { AdviceInputError } from '../core/advice/types.ts';
import type { CloudProvider } from '../core/model.ts';
import type { PriceBook, PriceQuote } from '../core/pricing.ts';
import type { AllocationInterval, Coverage, HistoryStore, NodeInterval } from '../store/types.ts';

export interface AdviceRoutesOptions {
  readonly store: HistoryStore;
  /** Spot ratios of on-demand node types; absent: the shipped catalog's price book. */
  readonly prices?: PriceBook;
  /**
   * The exporter's own cluster's HPAs (their resources are not right-sized) and PDB facts (spot),
   * from the latest reading (the store does not record them); undefined: not known.
   */
  readonly policies?: () => AdvicePolicies | undefined;
  /**
   * `--hub`: every cluster's facts from the shared store (policy-tracker.ts hubPolicies), used
   * instead of `policies`; `clusters` are those with facts, `hpasUnknown` those without HPA facts.
   */
  readonly hubPolicies?: () => Promise<PolicyView | undefined>;
  readonly now?: () => number;
}

/** Facts of several clusters, with which ones lack them and why. */
export interface PolicyView {
  readonly policies: AdvicePolicies;
  /** Clusters with facts; absent: the exporter's own cluster only (no warning about others). */
  readonly clusters?: readonly string[];
  readonly hpasUnknown?: readonly string[];
  readonly warnings?: readonly string[];
}

const KINDS: readonly RecommendationKind[] = ['rightsizing', 'idle-node', 'spot', 'commitment'];
const MAX_SAMPLE_STEPS = 4_032; // 14 days at 5 minutes, 168 days at 1 hour
const GIB = 2 ** 30;

function params(c: Context): Params {
  return new URL(c.req.url).searchParams;
}

function json(c: Context, body: unknown, status: 200 | 400 | 500 = 200): Response {
  c.header('cache-control', 'no-store');
  return c.json(body, status);
}

function csv(body: string, name: string, window: Window): Response {
  const suffix = `-${rfc3339(window.startMs)}-${rfc3339(window.endMs)}`.replace(/:/g, '');
  return new Response(body, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}${suffix}.csv"`, 'cache-control': 'no-store' } });
}

async function answer(c: Context, handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (err) {
    if (err instanceof BadQueryError || err instanceof AdviceInputError || err instanceof ForecastInputError) {
      return json(c, { code: 400, status: 'error', message: err.message }, 400);
    }
    const message = err instanceof Error ? err.message : String(err);
    return json(c, { code: 500, status: 'error', message: `history store: ${message}` }, 500);
  }
}

/**
 * The whole units (days or hours) of a window that have ended by now: the parameter parsed as the
 * allocation API does, its end cut at the start of the current unit; absent: the last `count` units.
 */
function wholeUnits(p: Params, name: string, nowMs: number, unitMs: number, count: number): Window {
  const endMs = Math.floor(nowMs / unitMs) * unitMs;
  const text = p.get(name);
  if (text === null || text === '') return { startMs: endMs - count * unitMs, endMs };
  const w = parseWindow(text, { nowMs, parameter: name });
  const window = { startMs: Math.ceil(w.startMs / unitMs) * unitMs, endMs: Math.min(w.endMs, endMs) };
  if (window.endMs <= window.startMs) throw new BadQueryError(name, text, `no whole ${unitMs === DAY_MS ? 'day' : 'hour'} of it has ended yet`, 'a window that includes at least one past day (hour), e.g. yesterday, 7d, 2w');
  return window;
}

function windowOf(p: Params, fallback: string, nowMs: number, name = 'window'): Window {
  const w = parseWindow(p.get(name) || fallback, { nowMs, parameter: name });
  // Advice looks back from now: a window rounded forward past now ends now.
  return { startMs: w.startMs, endMs: Math.min(w.endMs, nowMs) };
}

function fraction(p: Params, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return fallback;
  const text = v.trim();
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text === '' || !Number.isFinite(n) || n < min || n > max) throw new BadQueryError(name, v, 'out of range', `a fraction from ${min} to ${max} (or a percentage like 15%)`);
  return n;
}

function format(p: Params, accept: string | undefined): 'json' | 'csv' {
  const v = p.get('format');
  if (v === null || v === '') return accept?.includes('text/csv') ? 'csv' : 'json';
  if (v === 'json' || v === 'csv') return v;
  throw new BadQueryError('format', v, 'unknown format', 'json or csv');
}

function kinds(p: Params): Set<RecommendationKind> {
  const v = p.get('kind');
  if (v === null || v === '') return new Set(KINDS);
  const out = new Set<RecommendationKind>();
  for (const k of v.split(',').map((s) => s.trim())) {
    if (!(KINDS as readonly string[]).includes(k)) throw new BadQueryError('kind', v, `unknown kind "${k}"`, KINDS.join(', '));
    out.add(k as RecommendationKind);
  }
  return out;
}

function providerOf(n: NodeInterval): CloudProvider {
  if (n.providerId.startsWith('aws://')) return 'aws';
  if (n.providerId.startsWith('gce://')) return 'gcp';
  if (n.providerId.startsWith('azure://')) return 'azure';
  if (n.instanceType.startsWith('Standard_')) return 'azure';
  if (/^[a-z]\d[a-z]?-/.test(n.instanceType)) return 'gcp';
  return 'aws';
}

function hourly(q: PriceQuote, n: NodeInterval): number {
  if (q.kind === 'instance') return q.hourlyUsd;
  return q.rates.cpuCoreHourUsd * n.cpuCores + q.rates.ramGiBHourUsd * (n.ramBytes / GIB) + q.rates.gpuHourUsd * n.gpus;
}

/** Spot ÷ on-demand of a node's type and region, as the price book prices a spot node of that type. */
export function priceBookSpotRatio(prices: PriceBook): SpotRatioLookup {
  return (n) => {
    if (n.instanceType === '') return undefined;
    const base = {
      nodeName: n.node,
      provider: providerOf(n),
      instanceType: n.instanceType,
      region: n.region || undefined,
      zone: n.zone || undefined,
      capacity: { cpuMillicores: n.cpuCores * 1000, ramBytes: n.ramBytes, gpus: n.gpus },
      labels: {},
    };
    const a = prices.node({ ...base, capacityType: 'spot' });
    const onDemand = hourly(a.onDemand, n);
    if (a.source === 'default' || onDemand <= 0) return undefined;
    const ratio = hourly(a.price, n) / onDemand;
    if (!(ratio > 0 && ratio <= 1)) return undefined;
    return { ratio, source: a.fallbackReason?.replace(/^node [^:]+: /, '') ?? `${a.source} spot price` };
  };
}

const flat = <R>(sets: readonly { readonly rows: readonly R[] }[]): R[] => sets.flatMap((s) => s.rows);

export interface RecommendationsInput {
  readonly nowMs: number;
  readonly window: Window;
  readonly kinds: ReadonlySet<RecommendationKind>;
  readonly sampleMs: number;
  readonly namespace?: string;
  /** Only these clusters' history (the exporter's own advice); absent: every cluster in the store. */
  readonly clusters?: readonly string[];
  readonly rightsizing: Partial<RightSizingOptions>;
  readonly thresholdFraction: number;
  readonly commitmentDiscount?: number;
  /** Undefined: not known (a warning says so). */
  readonly hpas: readonly HpaTarget[] | undefined;
  /** PDB and local-storage facts per workload id (spot.ts); absent: not known. */
  readonly spotFacts?: ReadonlyMap<string, WorkloadFacts>;
  /** `--hub`: the clusters with facts (others in the store get a warning) and those without HPA facts. */
  readonly factsClusters?: readonly string[];
  readonly hpasUnknown?: readonly string[];
  readonly spotRatio: SpotRatioLookup;
}

/** The four analyses over the store's history, as the API and the exporter's advice metrics ask them. */
export async function computeRecommendations(
  store: HistoryStore,
  input: RecommendationsInput,
): Promise<{ parts: AdviceParts; rows: RecommendationRow[]; warnings: string[]; coverage: readonly Coverage[] }> {
  const { nowMs, window, kinds: want, sampleMs, namespace, thresholdFraction: threshold, commitmentDiscount: discount, spotRatio } = input;
  const rs = input.rightsizing;
  const clusters = input.clusters ? { clusters: input.clusters } : {};
  const warnings: string[] = [];
  const coverage = await store.coverage();
  const out: AdviceParts & Record<string, unknown> = {};
  const lastHour = { startMs: Math.max(window.startMs, window.endMs - HOUR_MS), endMs: window.endMs };
  // One allocation query per step length, shared by the analyses (the store answers step by step).
  const allocationSets = new Map<number, ReturnType<HistoryStore['allocations']>>();
  const allocationsAt = (stepMs: number) => {
    const known = allocationSets.get(stepMs);
    if (known) return known;
    const sets = store.allocations({ startMs: window.startMs, endMs: window.endMs, stepMs, ...clusters });
    allocationSets.set(stepMs, sets);
    return sets;
  };
  const inNamespace = (r: AllocationInterval) => namespace === undefined || r.namespace === namespace;

  if (want.has('rightsizing')) {
    const [sets, nodes] = await Promise.all([allocationsAt(sampleMs), store.nodes({ ...lastHour, ...clusters })]);
    Object.assign(out, { rightsizing: rightSize({ rows: flat(sets).filter(inNamespace), nowMs, rates: nodeUnitRates(flat(nodes)), ...(input.hpas ? { hpas: input.hpas } : {}), options: rs }) });
    if (input.hpas === undefined) warnings.push('no HorizontalPodAutoscaler list: workloads scaled by an HPA are right-sized on every resource (docs/advice.md)');
    else if (input.hpasUnknown && input.hpasUnknown.length > 0) warnings.push(`no HorizontalPodAutoscaler list for cluster ${input.hpasUnknown.join(', ')}: its workloads scaled by an HPA are right-sized on every resource (docs/advice.md)`);
  }
  if (input.factsClusters) {
    const known = new Set(input.factsClusters);
    const missing = coverage.map((c) => c.cluster).filter((c) => !known.has(c) && (input.clusters === undefined || input.clusters.includes(c)));
    if (missing.length > 0) warnings.push(`no HPA, PDB or local-storage facts for cluster ${missing.join(', ')} (its exporter does not write them to this store: docs/multi-cluster.md)`);
  }
  if (want.has('idle-node') || want.has('spot')) {
    const [nodeSets, allocSets] = await Promise.all([store.nodes({ startMs: window.startMs, endMs: window.endMs, stepMs: HOUR_MS, ...clusters }), allocationsAt(HOUR_MS)]);
    const steps: NodeStep[] = nodeSets.map((s, i) => ({ startMs: s.startMs, endMs: s.endMs, nodes: s.rows, allocations: allocSets[i]?.rows ?? [] }));
    if (want.has('idle-node')) Object.assign(out, { idleNodes: findIdleNodes(steps, { thresholdFraction: threshold }) });
    if (want.has('spot')) {
      const latest = [...steps].reverse().find((s) => s.nodes.length > 0);
      Object.assign(out, { spot: spotPotential({ allocations: (latest?.allocations ?? []).filter(inNamespace), nodes: latest?.nodes ?? [], spotRatio, ...(input.spotFacts ? { facts: input.spotFacts } : {}) }) });
    }
  }
  if (want.has('commitment')) {
    // The last 30 days in whole clock hours, so that each step is one hour of spend.
    const hourEnd = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    const month = { startMs: hourEnd - 30 * DAY_MS, endMs: hourEnd, stepMs: HOUR_MS, ...clusters };
    const spend = hourlyOnDemandSpend(await store.nodes(month));
    Object.assign(out, { commitments: [...spend].map(([cluster, hours]) => commitmentAdvice(cluster, hours, discount === undefined ? {} : { discountFraction: discount })) });
    if (discount === undefined) warnings.push('commitments: no commitmentDiscount given, so the saving is unknown (docs/advice.md says where to find your rate)');
  }
  return { parts: out, rows: recommendationRows(out), warnings, coverage };
}

export interface AnomaliesInput {
  /** Whole hours (days) to judge. */
  readonly window: Window;
  /** How far before the window the baselines reach. */
  readonly historyMs: number;
  readonly granularity: Granularity;
  readonly threshold: number;
  readonly namespace?: string;
  readonly clusters?: readonly string[];
}

const RESOURCE_PARTS = ['cpu', 'memory', 'gpu', 'pv', 'load-balancer', 'network'] as const;

/**
 * The units (hours or days) of the window and, for each, the same unit 1, 2, ... weeks earlier
 * within `historyMs`: every point anomaly detection compares. Sorted, without repeats.
 */
export function seasonalWindows(window: Window, unitMs: number, historyMs: number): Window[] {
  const WEEK_MS = 7 * DAY_MS;
  const starts = new Set<number>();
  for (let t = window.startMs; t < window.endMs; t += unitMs) {
    for (let back = 0; back <= historyMs; back += WEEK_MS) if (t - back >= window.startMs - historyMs) starts.add(t - back);
  }
  return [...starts].sort((a, b) => a - b).map((startMs) => ({ startMs, endMs: startMs + unitMs }));
}

/** Namespace cost anomalies in the window, against the same hour of the week (day) before it. */
export async function computeAnomalies(store: HistoryStore, input: AnomaliesInput): Promise<{ anomalies: Anomaly[]; coverage: readonly Coverage[] }> {
  const { window, historyMs, granularity: g, threshold, namespace } = input;
  const unit = g === 'day' ? DAY_MS : HOUR_MS;
  const filters = { ...(namespace ? { namespaces: [namespace] } : {}), ...(input.clusters ? { clusters: input.clusters } : {}) };
  // A point is compared with the same hour of the week (day of the week) only: when those are far
  // fewer than all the steps (the last hour against 4 weeks: 5 hours, not 673), ask for them alone.
  const seasonal = seasonalWindows(window, unit, historyMs);
  const allSteps = (historyMs + window.endMs - window.startMs) / unit;
  const [allSets, coverage] = await Promise.all([
    seasonal.length * 4 <= allSteps
      ? Promise.all(seasonal.map((w) => store.allocations({ ...w, ...filters }))).then((answers) => answers.flat())
      : store.allocations({ startMs: window.startMs - historyMs, endMs: window.endMs, stepMs: unit, ...filters }),
    store.coverage(),
  ]);
  // Hours (days) the exporter did not see whole are left out: a half-recorded day is no cost drop.
  const sets = wholeUnitRows(allSets, coverage, unit);
  const series = new Map<string, CostPoint[]>();
  // The part names (`<kind>/<name> <resource>`) of each workload, made once, not per row and step.
  const partNames = new Map<string, readonly string[]>();
  for (const s of sets) {
    if (s.rows.length === 0) continue;
    const byNs = new Map<string, { cost: number; parts: Map<string, number> }>();
    for (const r of s.rows) {
      if (r.kind !== 'pod') continue;
      const acc = byNs.get(r.namespace) ?? { cost: 0, parts: new Map<string, number>() };
      const who = r.controller ? `${r.controllerKind || 'controller'}/${r.controller}` : `pod/${r.pod}`;
      let names = partNames.get(who);
      if (names === undefined) {
        names = RESOURCE_PARTS.map((resource) => `${who} ${resource}`);
        partNames.set(who, names);
      }
      const costs = [r.cpuCostUsd, r.ramCostUsd, r.gpuCostUsd, r.pvCostUsd, r.loadBalancerCostUsd, r.networkCostUsd];
      for (let i = 0; i < costs.length; i++) {
        const usd = costs[i]!;
        if (usd === 0) continue;
        const name = names[i]!;
        acc.cost += usd;
        acc.parts.set(name, (acc.parts.get(name) ?? 0) + usd);
      }
      byNs.set(r.namespace, acc);
    }
    for (const [ns, v] of byNs) {
      const list = series.get(ns) ?? [];
      list.push({ startMs: s.startMs, costUsd: v.cost, parts: v.parts });
      series.set(ns, list);
    }
  }
  return { anomalies: detectAnomalies(series, window.startMs, { granularity: g, threshold }), coverage };
}

/**
 * This month per namespace (`__idle__` for idle) and per cluster: the recorded whole days so far and,
 * for a series with two weeks of daily history, the Holt-Winters month-end projection.
 */
export async function computeMonthFigures(
  store: HistoryStore,
  input: { readonly nowMs: number; readonly historyDays?: number; readonly clusters?: readonly string[] },
): Promise<{ byNamespace: Map<string, MonthFigures>; byCluster: Map<string, MonthFigures> }> {
  const { nowMs, historyDays = 60 } = input;
  const endMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const [allSets, coverage] = await Promise.all([
    store.allocations({ startMs: endMs - historyDays * DAY_MS, endMs, stepMs: DAY_MS, ...(input.clusters ? { clusters: input.clusters } : {}) }),
    store.coverage(),
  ]);
  const sets = wholeUnitRows(allSets, coverage, DAY_MS);
  const d = new Date(nowMs);
  const monthStartMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEndMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const figures = (series: Map<string, { days: DailyCost[] }>): Map<string, MonthFigures> => {
    const out = new Map<string, MonthFigures>();
    for (const [key, s] of series) {
      const monthToDateUsd = s.days.reduce((t, x) => t + (x.dayStartMs >= monthStartMs && x.dayStartMs < monthEndMs ? x.costUsd : 0), 0);
      let holtWintersUsd: number | null = null;
      if (s.days.length >= 14) {
        const last = s.days[s.days.length - 1]!.dayStartMs;
        const horizonDays = Math.max(1, Math.ceil((monthEndMs - last) / DAY_MS) - 1);
        holtWintersUsd = monthEndProjection(s.days, forecastDaily(s.days, { horizonDays }).points, nowMs).projectedUsd;
      }
      out.set(key, { monthToDateUsd, holtWintersUsd });
    }
    return out;
  };
  return { byNamespace: figures(dailySeries(sets, (r) => r.namespace || '__idle__')), byCluster: figures(dailySeries(sets, (r) => r.cluster)) };
}

export function adviceRoutes(options: AdviceRoutesOptions): Hono {
  const { store, now = () => Date.now() } = options;
  let prices = options.prices;
  const spotRatio: SpotRatioLookup = (n) => {
    if (prices === undefined) throw new Error('price book not loaded');
    return priceBookSpotRatio(prices)(n);
  };
  const api = new Hono();

  api.get('/recommendations', (c) =>
    answer(c, async () => {
      const p = params(c);
      const nowMs = now();
      const fmt = format(p, c.req.header('accept'));
      const want = kinds(p);
      const window = windowOf(p, '7d', nowMs);
      const sampleMs = parseDuration(p.get('sample') || '1h', 'sample');
      const steps = Math.ceil((window.endMs - window.startMs) / sampleMs);
      if (want.has('rightsizing') && steps > MAX_SAMPLE_STEPS) throw new BadQueryError('sample', p.get('sample') ?? '1h', `${steps} samples per pod in this window, more than ${MAX_SAMPLE_STEPS}`, 'a longer sample or a shorter window');
      const namespace = p.get('namespace') || undefined;
      const rs: Partial<{ -readonly [K in keyof RightSizingOptions]: RightSizingOptions[K] }> = {};
      const margin = fraction(p, 'margin', undefined, 0, 10);
      if (margin !== undefined) rs.marginFraction = margin;
      const percentile = fraction(p, 'percentile', undefined, 0.01, 1);
      if (percentile !== undefined) rs.cpuPercentile = percentile;
      if (p.get('halfLife')) rs.halfLifeMs = parseDuration(p.get('halfLife') ?? '', 'halfLife');
      const threshold = fraction(p, 'threshold', 0.5, 0, 1) as number;
      const discount = fraction(p, 'commitmentDiscount', undefined, 0, 0.95);
      if (prices === undefined && want.has('spot')) {
        const { createPriceBook } = await import('../pricing/pricebook.ts');
        prices = createPriceBook();
      }
      const view: PolicyView | undefined = options.hubPolicies ? await options.hubPolicies() : ((p) => (p ? { policies: p } : undefined))(options.policies?.());
      const policies = view?.policies;
      const { parts: out, rows, warnings, coverage } = await computeRecommendations(store, {
        nowMs,
        window,
        kinds: want,
        sampleMs,
        ...(namespace !== undefined ? { namespace } : {}),
        rightsizing: rs,
        thresholdFraction: threshold,
        ...(discount !== undefined ? { commitmentDiscount: discount } : {}),
        hpas: policies?.hpas,
        ...(policies ? { spotFacts: policies.spotFacts } : {}),
        ...(view?.clusters ? { factsClusters: view.clusters } : options.hubPolicies ? { factsClusters: [] } : {}),
        ...(view?.hpasUnknown ? { hpasUnknown: view.hpasUnknown } : {}),
        spotRatio,
      });
      warnings.push(...(view?.warnings ?? []));
      if (fmt === 'csv') return csv(toCsv(RECOMMENDATION_CSV_HEADER, rows.map(recommendationCells)), 'recommendations', window);
      const m = coverageMeta(coverage, window);
      // The cluster-wide 70 %-spot estimate is an alternative to the per-workload spot rows, not an addition.
      const total = rows.reduce((t, r) => t + (r.kind === 'spot' && r.target === 'cluster' ? 0 : (r.monthlySavingUsd ?? 0)), 0);
      if (rows.length > 1) warnings.push('the kinds overlap (smaller requests only pay once nodes go; a removed node takes its spot saving with it): the total is an upper bound');
      return json(c, {
        code: 200,
        status: 'success',
        data: {
          window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
          monthlySavingUsd: total,
          recommendations: rows,
          rightsizing: out.rightsizing ?? null,
          idleNodes: out.idleNodes ?? null,
          spot: out.spot ?? null,
          commitments: out.commitments ?? null,
        },
        meta: { demo: m.demo, coverage: m.clusters, warnings: [...warnings, ...m.warnings] },
      });
    }),
  );

  api.get('/forecast', (c) =>
    answer(c, async () => {
      const p = params(c);
      const nowMs = now();
      const horizonText = p.get('horizon') || '30d';
      const horizonDays = parseDuration(horizonText, 'horizon') / DAY_MS;
      if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > 366) throw new BadQueryError('horizon', horizonText, 'not a whole number of days up to 366', 'e.g. 30d or 90d');
      const aggregate = p.get('aggregate') || 'cluster';
      if (aggregate !== 'cluster' && aggregate !== 'namespace') throw new BadQueryError('aggregate', aggregate, 'unknown aggregate', 'cluster or namespace');
      const budget = p.get('budget');
      const budgetUsd = budget === null || budget === '' ? undefined : Number(budget);
      if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) throw new BadQueryError('budget', budget ?? '', 'not an amount', 'USD per month, e.g. 5000');
      const namespace = p.get('namespace') || undefined;
      // Whole UTC days only: today is still running.
      const window = wholeUnits(p, 'history', nowMs, DAY_MS, 60);
      const endMs = window.endMs;
      const [allSets, coverage] = await Promise.all([store.allocations({ startMs: window.startMs, endMs, stepMs: DAY_MS, ...(namespace ? { namespaces: [namespace] } : {}) }), store.coverage()]);
      // A day the exporter did not see whole (history starts or stops in it, or a gap) is missing, not cheap.
      const sets = wholeUnitRows(allSets, coverage, DAY_MS);
      const series = dailySeries(sets, aggregate === 'namespace' ? (r) => r.namespace || '__idle__' : (r) => r.cluster, namespace);
      const results = [...series].sort(([a], [b]) => a.localeCompare(b)).map(([key, s]) => {
        if (s.days.length < 14) return { key, skipped: `${s.days.length} days of history (Holt-Winters needs 14: two weeks)` };
        const f = forecastDaily(s.days, { horizonDays });
        const projection = monthEndProjection(s.days, f.points, nowMs);
        return {
          key,
          historyDays: f.historyDays,
          filledDays: s.filled,
          params: f.params,
          residualSdUsd: f.residualSdUsd,
          totalUsd: f.points.reduce((t, x) => t + x.costUsd, 0),
          monthEnd: projection,
          ...(budgetUsd !== undefined && series.size === 1 ? { budget: budgetBurnDown(budgetUsd, s.days, f.points, nowMs) } : {}),
          points: f.points.map((x) => ({ day: rfc3339(x.dayStartMs).slice(0, 10), costUsd: x.costUsd, lowerUsd: x.lowerUsd, upperUsd: x.upperUsd })),
        };
      });
      const warnings = budgetUsd !== undefined && series.size !== 1 ? ['budget ignored: it applies to one series (aggregate=cluster with one cluster, or one namespace)'] : [];
      const m = coverageMeta(coverage, { startMs: window.startMs, endMs });
      return json(c, { code: 200, status: 'success', data: { aggregate, horizonDays, interval: 0.95, series: results }, meta: { demo: m.demo, warnings: [...warnings, ...m.warnings] } });
    }),
  );

  api.get('/anomalies', (c) =>
    answer(c, async () => {
      const p = params(c);
      const nowMs = now();
      const g = (p.get('granularity') || 'day') as Granularity;
      if (g !== 'day' && g !== 'hour') throw new BadQueryError('granularity', g, 'unknown granularity', 'day or hour');
      const unit = g === 'day' ? DAY_MS : HOUR_MS;
      const window = wholeUnits(p, 'window', nowMs, unit, g === 'day' ? 1 : 24);
      // Hourly: four weeks by default (672 steps; the store answers step by step), daily: eight.
      const historyMs = parseDuration(p.get('history') || (g === 'day' ? '8w' : '4w'), 'history');
      const threshold = fraction(p, 'threshold', 3.5, 0.1, 100) as number;
      const namespace = p.get('namespace') || undefined;
      const { anomalies: found, coverage } = await computeAnomalies(store, { window, historyMs, granularity: g, threshold, ...(namespace !== undefined ? { namespace } : {}) });
      const m = coverageMeta(coverage, window);
      return json(c, {
        code: 200,
        status: 'success',
        data: {
          window: { start: rfc3339(window.startMs), end: rfc3339(window.endMs) },
          granularity: g,
          anomalies: found.map((a) => ({ ...a, start: rfc3339(a.startMs), end: rfc3339(a.endMs) })),
        },
        meta: { demo: m.demo, warnings: m.warnings },
      });
    }),
  );

  return api;
}

/**
 * The step sets without the rows of a cluster in steps its history does not cover whole: before the
 * first recorded instant, after the last, or overlapping a gap (exporter down).
 */
export function wholeUnitRows<Row extends { readonly cluster: string }>(
  sets: readonly { readonly startMs: number; readonly endMs: number; readonly rows: readonly Row[] }[],
  coverage: readonly Coverage[],
  unitMs: number,
): { startMs: number; endMs: number; rows: Row[] }[] {
  const byCluster = new Map(coverage.map((c) => [c.cluster, c]));
  const whole = (cluster: string, startMs: number) => {
    const c = byCluster.get(cluster);
    if (c === undefined) return true;
    const endMs = startMs + unitMs;
    return startMs >= c.firstMs && endMs <= c.lastMs && !c.gaps.some((g) => g.startMs < endMs && g.endMs > startMs);
  };
  return sets.map((s) => ({ startMs: s.startMs, endMs: s.endMs, rows: s.rows.filter((r) => whole(r.cluster, s.startMs)) }));
}

/**
 * Daily cost series keyed by `keyOf` (cluster or namespace): every allocation's cost (idle included
 * for clusters), leading and trailing days without data dropped, a day without data inside the
 * series (exporter down) filled with the same weekday a week earlier (counted in `filled`).
 */
export function dailySeries(
  sets: readonly { readonly startMs: number; readonly rows: readonly AllocationInterval[] }[],
  keyOf: (r: AllocationInterval) => string,
  onlyNamespace?: string,
): Map<string, { days: DailyCost[]; filled: number }> {
  const perKey = new Map<string, Map<number, number>>();
  for (const s of sets) {
    for (const r of s.rows) {
      if (onlyNamespace !== undefined && r.namespace !== onlyNamespace) continue;
      const k = keyOf(r);
      const days = perKey.get(k) ?? new Map<number, number>();
      const cost = r.cpuCostUsd + r.ramCostUsd + r.gpuCostUsd + r.pvCostUsd + r.loadBalancerCostUsd + r.networkCostUsd;
      days.set(s.startMs, (days.get(s.startMs) ?? 0) + cost);
      perKey.set(k, days);
    }
  }
  const out = new Map<string, { days: DailyCost[]; filled: number }>();
  for (const [k, days] of perKey) {
    const starts = [...days.keys()].sort((a, b) => a - b);
    const first = starts[0] as number;
    const last = starts[starts.length - 1] as number;
    const list: DailyCost[] = [];
    let filled = 0;
    for (let t = first; t <= last; t += DAY_MS) {
      const v = days.get(t);
      if (v !== undefined) list.push({ dayStartMs: t, costUsd: v });
      else {
        const weekAgo = list[list.length - 7];
        list.push({ dayStartMs: t, costUsd: weekAgo?.costUsd ?? list[list.length - 1]?.costUsd ?? 0 });
        filled++;
      }
    }
    out.set(k, { days: list, filled });
  }
  return out;
}
