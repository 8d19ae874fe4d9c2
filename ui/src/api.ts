// The one typed client of the exporter's HTTP API, for the UI. Shapes follow OpenCost's allocation
// and assets APIs; `/api/v1/summary` is the exporter's own (docs/ui.md lists every field the UI
// reads). Every answer is checked at this boundary: a field that is missing or not a number
// becomes an ApiError naming the endpoint, the field and the value, shown by the UI as an error
// state — never a silent zero.
// No DOM types: the pure parts are unit-tested under Node (test/ui-model.test.ts).

export interface AllocationProperties {
  readonly cluster?: string;
  readonly node?: string;
  readonly namespace?: string;
  readonly controllerKind?: string;
  readonly controller?: string;
  readonly pod?: string;
  readonly container?: string;
  readonly providerID?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}

/** One OpenCost allocation (the fields the UI reads; others are kept as sent). */
export interface Allocation {
  readonly name: string;
  readonly properties: AllocationProperties;
  readonly window: TimeWindow;
  readonly start: string;
  readonly end: string;
  readonly minutes: number;
  readonly cpuCost: number;
  readonly ramCost: number;
  readonly gpuCost: number;
  readonly pvCost: number;
  readonly networkCost: number;
  readonly loadBalancerCost: number;
  readonly sharedCost: number;
  readonly totalCost: number;
  readonly cpuCoreRequestAverage: number;
  /** Undefined when the source has no usage (no metrics API): shown as "—", not as 0. */
  readonly cpuCoreUsageAverage: number | undefined;
  readonly cpuCoreHours: number;
  readonly ramByteRequestAverage: number;
  readonly ramByteUsageAverage: number | undefined;
  readonly ramByteHours: number;
  readonly cpuEfficiency: number | undefined;
  readonly ramEfficiency: number | undefined;
  readonly totalEfficiency: number | undefined;
}

/** One step of an allocation answer: name → allocation. */
export type AllocationSet = Readonly<Record<string, Allocation>>;

export type AllocationAggregate =
  | 'cluster'
  | 'node'
  | 'namespace'
  | 'controllerKind'
  | 'controller'
  | 'deployment'
  | 'statefulset'
  | 'daemonset'
  | 'job'
  | 'pod'
  | 'container'
  | `label:${string}`
  | `annotation:${string}`;

export interface AllocationQuery {
  /** `24h`, `7d`, `RFC3339,RFC3339`... */
  readonly window: string;
  readonly aggregate?: readonly AllocationAggregate[];
  readonly step?: string;
  readonly accumulate?: boolean;
  readonly includeIdle?: boolean;
  readonly shareIdle?: boolean;
  /** OpenCost's filter language, e.g. `namespace:"a"+label[team]:"x"`. */
  readonly filter?: string;
}

export interface AssetProperties {
  readonly cluster?: string;
  readonly name?: string;
  readonly providerID?: string;
  readonly provider?: string;
  readonly category?: string;
}

/** One OpenCost asset: a node, disk or load balancer with its cost over the window. */
export interface Asset {
  readonly key: string;
  readonly type: string;
  readonly properties: AssetProperties;
  readonly labels: Readonly<Record<string, string>>;
  readonly minutes: number;
  readonly totalCost: number;
  readonly cpuCost: number | undefined;
  readonly ramCost: number | undefined;
  readonly gpuCost: number | undefined;
  readonly nodeType: string | undefined;
  readonly cpuCores: number | undefined;
  readonly ramBytes: number | undefined;
  /** OpenCost: the fraction of the window the node was preemptible (spot). */
  readonly preemptible: number | undefined;
  /** The exporter's additions (absent from OpenCost): */
  readonly capacityType: string | undefined;
  readonly hourlyCost: number | undefined;
  readonly priceSource: string | undefined;
  readonly pool: string | undefined;
  /** The node's cost nobody requested in the window. */
  readonly idleCost: number | undefined;
  /** What the node would have cost on demand (equal to totalCost for on-demand nodes). */
  readonly onDemandCost: number | undefined;
}

/** `/api/v1/summary`: a window against the one of the same length before it. */
export interface Summary {
  readonly window: TimeWindow;
  readonly totalCost: number;
  /** Undefined when nothing was recorded in the previous window (the change is not known). */
  readonly previousTotalCost: number | undefined;
  readonly changeAmount: number | undefined;
  /** (current − previous) / previous; undefined when there is no previous figure to compare with. */
  readonly changeRatio: number | undefined;
  readonly split: {
    readonly compute: number;
    readonly idle: number;
    readonly storage: number;
    readonly network: number;
    readonly loadBalancers: number;
    readonly management: number;
  };
  /** What spot capacity saved against on-demand prices in the window; undefined when not sent. */
  readonly spotSavings: number | undefined;
  readonly topNamespaces: readonly { readonly name: string; readonly totalCost: number }[];
}

export type RecommendationKind = 'rightsizing' | 'idle-node' | 'spot' | 'commitment';

/** One row of `/api/v1/recommendations` (docs/advice.md), largest saving first. */
export interface Recommendation {
  readonly kind: string;
  readonly cluster: string;
  readonly namespace: string;
  /** `deployment/payments-api`, `node/ip-10-0-1-2`... */
  readonly target: string;
  readonly resource: string;
  readonly current: string;
  readonly suggested: string;
  readonly monthlySavingUsd: number;
  readonly monthlyExtraCostUsd: number;
  readonly confidence: number | undefined;
  readonly detail: string;
}

export interface Recommendations {
  readonly rows: readonly Recommendation[];
  /** Sum of the savings (an upper bound: the kinds overlap). */
  readonly monthlySavingUsd: number;
  readonly warnings: readonly string[];
}

export function parseRecommendationsResponse(endpoint: string, body: unknown): Recommendations {
  if (!isObject(body) || !isObject(body.data) || !Array.isArray(body.data.recommendations)) {
    throw new ApiError(endpoint, `expected {code, data: {recommendations: [...]}}, got ${JSON.stringify(body)?.slice(0, 80)}`);
  }
  const d = body.data;
  const rows = (d.recommendations as unknown[]).map((r, i) => {
    const where = `data.recommendations[${i}]`;
    if (!isObject(r)) throw new ApiError(endpoint, `${where}: expected a recommendation object`);
    return {
      kind: str(r.kind) ?? '',
      cluster: str(r.cluster) ?? '',
      namespace: str(r.namespace) ?? '',
      target: str(r.target) ?? '',
      resource: str(r.resource) ?? '',
      current: str(r.current) ?? '',
      suggested: str(r.suggested) ?? '',
      monthlySavingUsd: num(endpoint, where, r, 'monthlySavingUsd'),
      monthlyExtraCostUsd: numOrZero(endpoint, where, r, 'monthlyExtraCostUsd'),
      confidence: optNum(endpoint, where, r, 'confidence'),
      detail: str(r.detail) ?? '',
    };
  });
  const meta = isObject(body.meta) ? body.meta : {};
  const warnings = Array.isArray(meta.warnings) ? meta.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { rows, monthlySavingUsd: num(endpoint, 'data', d, 'monthlySavingUsd'), warnings };
}

/** `/api/v1/coverage`: what the history store holds, per cluster. */
export interface Coverage {
  readonly cluster: string;
  readonly first: string;
  readonly last: string;
  readonly demo: boolean;
}

export function parseCoverageResponse(endpoint: string, body: unknown): Coverage[] {
  if (!isObject(body) || !Array.isArray(body.data)) throw new ApiError(endpoint, `expected {code, data: [...]}, got ${JSON.stringify(body)?.slice(0, 80)}`);
  return body.data.map((c, i) => {
    if (!isObject(c) || str(c.first) === undefined || str(c.last) === undefined) throw new ApiError(endpoint, `data[${i}]: expected {cluster, first, last}, got ${JSON.stringify(c)?.slice(0, 80)}`);
    return { cluster: str(c.cluster) ?? '', first: str(c.first) as string, last: str(c.last) as string, demo: c.demo === true };
  });
}

export interface SourceStatus {
  readonly ready: boolean;
  readonly source: string;
  readonly reason: string | undefined;
  readonly demo: boolean;
}

/** An answer the UI cannot use: HTTP error, not JSON, or a field of the wrong type. */
export class ApiError extends Error {
  readonly endpoint: string;
  readonly status: number | undefined;
  constructor(endpoint: string, message: string, status?: number) {
    super(`${endpoint}: ${message}`);
    this.name = 'ApiError';
    this.endpoint = endpoint;
    this.status = status;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(endpoint: string, where: string, o: Json, field: string): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError(endpoint, `${where}.${field}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

function optNum(endpoint: string, where: string, o: Json, field: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError(endpoint, `${where}.${field}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A number OpenCost may omit when zero (e.g. gpuCost on a GPU-less cluster). */
function numOrZero(endpoint: string, where: string, o: Json, field: string): number {
  return optNum(endpoint, where, o, field) ?? 0;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strRecord(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function parseProperties(v: unknown): AllocationProperties {
  if (!isObject(v)) return {};
  const p: Record<string, unknown> = {};
  for (const k of ['cluster', 'node', 'namespace', 'controllerKind', 'controller', 'pod', 'container', 'providerID']) {
    const s = str(v[k]);
    if (s !== undefined) p[k] = s;
  }
  if (isObject(v.labels)) p.labels = strRecord(v.labels);
  return p as AllocationProperties;
}

function parseWindowField(endpoint: string, where: string, o: Json): TimeWindow {
  const w = o.window;
  const start = str(isObject(w) ? w.start : undefined) ?? str(o.start);
  const end = str(isObject(w) ? w.end : undefined) ?? str(o.end);
  if (start === undefined || end === undefined) throw new ApiError(endpoint, `${where}.window: expected {start, end}, got ${JSON.stringify(w)}`);
  return { start, end };
}

export function parseAllocation(endpoint: string, name: string, v: unknown): Allocation {
  const where = `data[].${name}`;
  if (!isObject(v)) throw new ApiError(endpoint, `${where}: expected an allocation object, got ${JSON.stringify(v)}`);
  const window = parseWindowField(endpoint, where, v);
  return {
    name: str(v.name) ?? name,
    properties: parseProperties(v.properties),
    window,
    start: str(v.start) ?? window.start,
    end: str(v.end) ?? window.end,
    minutes: num(endpoint, where, v, 'minutes'),
    cpuCost: num(endpoint, where, v, 'cpuCost'),
    ramCost: num(endpoint, where, v, 'ramCost'),
    gpuCost: numOrZero(endpoint, where, v, 'gpuCost'),
    pvCost: numOrZero(endpoint, where, v, 'pvCost'),
    networkCost: numOrZero(endpoint, where, v, 'networkCost'),
    loadBalancerCost: numOrZero(endpoint, where, v, 'loadBalancerCost'),
    sharedCost: numOrZero(endpoint, where, v, 'sharedCost'),
    totalCost: num(endpoint, where, v, 'totalCost'),
    cpuCoreRequestAverage: numOrZero(endpoint, where, v, 'cpuCoreRequestAverage'),
    cpuCoreUsageAverage: optNum(endpoint, where, v, 'cpuCoreUsageAverage'),
    cpuCoreHours: numOrZero(endpoint, where, v, 'cpuCoreHours'),
    ramByteRequestAverage: numOrZero(endpoint, where, v, 'ramByteRequestAverage'),
    ramByteUsageAverage: optNum(endpoint, where, v, 'ramByteUsageAverage'),
    ramByteHours: numOrZero(endpoint, where, v, 'ramByteHours'),
    cpuEfficiency: optNum(endpoint, where, v, 'cpuEfficiency'),
    ramEfficiency: optNum(endpoint, where, v, 'ramEfficiency'),
    totalEfficiency: optNum(endpoint, where, v, 'totalEfficiency'),
  };
}

/** `{code, data: [{name: allocation}, ...]}` (one set per step) → parsed sets. */
export function parseAllocationResponse(endpoint: string, body: unknown): AllocationSet[] {
  if (!isObject(body)) throw new ApiError(endpoint, `expected {code, data}, got ${JSON.stringify(body)?.slice(0, 80)}`);
  const data = body.data;
  const sets = Array.isArray(data) ? data : isObject(data) ? [data] : undefined;
  if (sets === undefined) throw new ApiError(endpoint, `data: expected a list of allocation sets, got ${JSON.stringify(data)?.slice(0, 80)}`);
  return sets.map((set, i) => {
    if (set === null) return {};
    if (!isObject(set)) throw new ApiError(endpoint, `data[${i}]: expected {name: allocation}, got ${JSON.stringify(set)?.slice(0, 80)}`);
    const out: Record<string, Allocation> = {};
    for (const [name, a] of Object.entries(set)) out[name] = parseAllocation(endpoint, name, a);
    return out;
  });
}

export function parseAssetsResponse(endpoint: string, body: unknown): Asset[] {
  if (!isObject(body)) throw new ApiError(endpoint, `expected {code, data}, got ${JSON.stringify(body)?.slice(0, 80)}`);
  const raw = body.data;
  const maps = Array.isArray(raw) ? raw : [raw];
  const out: Asset[] = [];
  for (const m of maps) {
    if (m === null || m === undefined) continue;
    if (!isObject(m)) throw new ApiError(endpoint, `data: expected {key: asset}, got ${JSON.stringify(m)?.slice(0, 80)}`);
    for (const [key, a] of Object.entries(m)) {
      const where = `data.${key}`;
      if (!isObject(a)) throw new ApiError(endpoint, `${where}: expected an asset object`);
      const props = isObject(a.properties) ? a.properties : {};
      const labels = strRecord(a.labels);
      out.push({
        key,
        type: str(a.type) ?? 'Unknown',
        properties: {
          ...(str(props.cluster) !== undefined ? { cluster: str(props.cluster) as string } : {}),
          ...(str(props.name) !== undefined ? { name: str(props.name) as string } : {}),
          ...(str(props.providerID) !== undefined ? { providerID: str(props.providerID) as string } : {}),
          ...(str(props.provider) !== undefined ? { provider: str(props.provider) as string } : {}),
          ...(str(props.category) !== undefined ? { category: str(props.category) as string } : {}),
        },
        labels,
        minutes: numOrZero(endpoint, where, a, 'minutes'),
        totalCost: num(endpoint, where, a, 'totalCost'),
        cpuCost: optNum(endpoint, where, a, 'cpuCost'),
        ramCost: optNum(endpoint, where, a, 'ramCost'),
        gpuCost: optNum(endpoint, where, a, 'gpuCost'),
        nodeType: str(a.nodeType) ?? labels['node.kubernetes.io/instance-type'],
        cpuCores: optNum(endpoint, where, a, 'cpuCores'),
        ramBytes: optNum(endpoint, where, a, 'ramBytes'),
        preemptible: optNum(endpoint, where, a, 'preemptible'),
        capacityType: str(a.capacityType) ?? capacityTypeFromLabels(labels),
        hourlyCost: optNum(endpoint, where, a, 'hourlyCost'),
        priceSource: str(a.priceSource),
        pool: str(a.pool) ?? poolFromLabels(labels),
        idleCost: optNum(endpoint, where, a, 'idleCost'),
        onDemandCost: optNum(endpoint, where, a, 'onDemandCost'),
      });
    }
  }
  return out;
}

/** The node pool label of the common provisioners, in order of preference. */
export const POOL_LABELS: readonly string[] = ['karpenter.sh/nodepool', 'eks.amazonaws.com/nodegroup', 'cloud.google.com/gke-nodepool', 'kubernetes.azure.com/agentpool', 'agentpool', 'node-pool'];

export function poolFromLabels(labels: Readonly<Record<string, string>>): string | undefined {
  for (const k of POOL_LABELS) if (labels[k] !== undefined) return labels[k];
  return undefined;
}

export function capacityTypeFromLabels(labels: Readonly<Record<string, string>>): string | undefined {
  const v = labels['karpenter.sh/capacity-type'] ?? labels['eks.amazonaws.com/capacityType'];
  if (v !== undefined) return v.toLowerCase() === 'spot' ? 'spot' : 'on-demand';
  if (labels['cloud.google.com/gke-spot'] === 'true' || labels['cloud.google.com/gke-preemptible'] === 'true') return 'spot';
  if (labels['kubernetes.azure.com/scalesetpriority'] === 'spot') return 'spot';
  return undefined;
}

/** `/api/v1/summary` as docs/api.md defines it (src/api/summary.ts). */
export function parseSummaryResponse(endpoint: string, body: unknown): Summary {
  if (!isObject(body) || !isObject(body.data)) throw new ApiError(endpoint, `expected {code, data: {...}}, got ${JSON.stringify(body)?.slice(0, 80)}`);
  const d = body.data;
  const where = 'data';
  const components = isObject(d.components) ? d.components : undefined;
  if (components === undefined) throw new ApiError(endpoint, `data.components: expected {compute, idle, storage, network, ...}, got ${JSON.stringify(d.components)}`);
  const previousKnown = d.previousHasData !== false && typeof d.previousTotalCost === 'number';
  const change = isObject(d.change) ? d.change : {};
  const top = Array.isArray(d.topNamespaces) ? d.topNamespaces : [];
  const c = `${where}.components`;
  return {
    window: parseWindowField(endpoint, where, d),
    totalCost: num(endpoint, where, d, 'totalCost'),
    previousTotalCost: previousKnown ? num(endpoint, where, d, 'previousTotalCost') : undefined,
    changeAmount: previousKnown ? optNum(endpoint, `${where}.change`, change, 'amount') : undefined,
    changeRatio: previousKnown ? optNum(endpoint, `${where}.change`, change, 'ratio') : undefined,
    split: {
      compute: num(endpoint, c, components, 'compute'),
      idle: num(endpoint, c, components, 'idle'),
      storage: num(endpoint, c, components, 'storage'),
      network: num(endpoint, c, components, 'network'),
      loadBalancers: numOrZero(endpoint, c, components, 'loadBalancers'),
      management: numOrZero(endpoint, c, components, 'management'),
    },
    spotSavings: optNum(endpoint, where, d, 'spotSavings'),
    topNamespaces: top.map((t, i) => {
      if (!isObject(t)) throw new ApiError(endpoint, `data.topNamespaces[${i}]: expected {namespace, cost}`);
      return { name: str(t.namespace) ?? '', totalCost: num(endpoint, `data.topNamespaces[${i}]`, t, 'cost') };
    }),
  };
}

export function parseStatus(body: unknown): SourceStatus {
  const o = isObject(body) ? body : {};
  const source = str(o.source) ?? 'unknown source';
  return { ready: o.ready === true, source, reason: str(o.reason), demo: /\bdemo\b/i.test(source) };
}

/** Query string of an allocation request, in OpenCost's parameter names. */
export function allocationParams(q: AllocationQuery): URLSearchParams {
  const p = new URLSearchParams({ window: q.window });
  if (q.aggregate !== undefined && q.aggregate.length > 0) p.set('aggregate', q.aggregate.join(','));
  if (q.step !== undefined) p.set('step', q.step);
  if (q.accumulate !== undefined) p.set('accumulate', String(q.accumulate));
  if (q.includeIdle !== undefined) p.set('includeIdle', String(q.includeIdle));
  if (q.shareIdle !== undefined) p.set('shareIdle', String(q.shareIdle));
  if (q.filter !== undefined && q.filter !== '') p.set('filter', q.filter);
  return p;
}

export type FetchLike = (url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

export interface ApiClient {
  allocation(q: AllocationQuery, signal?: AbortSignal): Promise<AllocationSet[]>;
  allocationCsv(q: AllocationQuery, signal?: AbortSignal): Promise<string>;
  assets(window: string, signal?: AbortSignal): Promise<Asset[]>;
  summary(window: string, filter?: string, signal?: AbortSignal): Promise<Summary>;
  status(signal?: AbortSignal): Promise<SourceStatus>;
  coverage(signal?: AbortSignal): Promise<Coverage[]>;
  recommendations(q: { window: string; kinds: readonly RecommendationKind[]; namespace?: string }, signal?: AbortSignal): Promise<Recommendations>;
}

/** A client for the exporter at `base` (the page's own origin by default). */
export function createApiClient(fetchFn: FetchLike, base = ''): ApiClient {
  async function get(path: string, params: URLSearchParams, accept: string, signal: AbortSignal | undefined): Promise<string> {
    const qs = params.toString();
    const url = `${base}${path}${qs === '' ? '' : `?${qs}`}`;
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await fetchFn(url, { headers: { accept }, ...(signal !== undefined ? { signal } : {}) });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(path, `cannot reach the exporter (${(err as Error).message})`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.trim().slice(0, 300);
      try {
        const j = JSON.parse(text) as unknown;
        if (isObject(j) && typeof j.message === 'string') message = j.message;
      } catch {}
      throw new ApiError(path, `HTTP ${res.status}: ${message}`, res.status);
    }
    return text;
  }
  async function getJson(path: string, params: URLSearchParams, signal: AbortSignal | undefined): Promise<unknown> {
    const text = await get(path, params, 'application/json', signal);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(path, `not JSON: ${text.slice(0, 80)}`);
    }
  }
  return {
    async allocation(q, signal) {
      return parseAllocationResponse('/api/v1/allocation', await getJson('/api/v1/allocation', allocationParams(q), signal));
    },
    async allocationCsv(q, signal) {
      const p = allocationParams(q);
      p.set('format', 'csv');
      return get('/api/v1/allocation', p, 'text/csv', signal);
    },
    async assets(window, signal) {
      return parseAssetsResponse('/api/v1/assets', await getJson('/api/v1/assets', new URLSearchParams({ window }), signal));
    },
    async summary(window, filter, signal) {
      const p = new URLSearchParams({ window, top: '10' });
      if (filter !== undefined && filter !== '') p.set('filter', filter);
      return parseSummaryResponse('/api/v1/summary', await getJson('/api/v1/summary', p, signal));
    },
    async recommendations(q, signal) {
      const p = new URLSearchParams({ window: q.window, kind: q.kinds.join(',') });
      if (q.namespace !== undefined && q.namespace !== '') p.set('namespace', q.namespace);
      return parseRecommendationsResponse('/api/v1/recommendations', await getJson('/api/v1/recommendations', p, signal));
    },
    async coverage(signal) {
      return parseCoverageResponse('/api/v1/coverage', await getJson('/api/v1/coverage', new URLSearchParams(), signal));
    },
    async status(signal) {
      // /readyz answers 503 with the same JSON while not ready: read it either way.
      const url = `${base}/readyz`;
      const res = await fetchFn(url, { headers: { accept: 'application/json' }, ...(signal !== undefined ? { signal } : {}) });
      const text = await res.text();
      try {
        return parseStatus(JSON.parse(text) as unknown);
      } catch {
        throw new ApiError('/readyz', `not JSON (HTTP ${res.status}): ${text.slice(0, 80)}`, res.status);
      }
    },
  };
}
