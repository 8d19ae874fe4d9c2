// Background refresh of the live price table: what the cluster asks for (DemandTracker) becomes
// refresh tasks per provider and region, each run when its TTL has passed (or something new is
// asked for), through the provider's rate limiter, retries and circuit breaker. Successes go into
// the table and the cache file; failures leave the table as it is (cache, then catalog answer).
import type { Logger } from '../../server/log.ts';
import type { AwsQueryOptions, AwsSdkOptions } from './aws.ts';
import { AWS_PRICING_URL, fetchAwsBulk, fetchAwsProducts, fetchAwsSpot } from './aws.ts';
import { AZURE_PRICING_URL, fetchAzureDisks, fetchAzureVms } from './azure.ts';
import { fetchGcpCatalog, GCP_PRICING_URL } from './gcp.ts';
import type { CallResult, ProviderHttp } from './http.ts';
import type { Demand } from './pricebook.ts';
import { DemandTracker } from './pricebook.ts';
import type { BackoffOptions, BreakerState, Sleep } from './resilience.ts';
import { CircuitBreaker, RateLimiter, realSleep } from './resilience.ts';
import { PriceTable, saveCacheFile } from './table.ts';
import type { LiveKind, LiveProvider, LiveRow } from './types.ts';
import { LIVE_PROVIDERS, PricingTimeoutError, PricingUnreachableError, TTL_MS } from './types.ts';

export type RefreshMode = 'auto' | 'on';

export interface AwsLiveOptions {
  readonly baseUrl?: string;
  readonly sdk?: AwsSdkOptions;
  readonly source?: 'bulk' | 'query';
  readonly query?: AwsQueryOptions;
}

export interface LivePricingOptions {
  /** auto: a provider that cannot be reached at its first call (or has no credentials/key) is turned off, with a log line; on: keep trying through the breaker. */
  readonly mode?: RefreshMode;
  /** `source`: the bulk Price List files (default) or the Price List Query API (`query`, signed). */
  readonly aws?: AwsLiveOptions | false;
  readonly azure?: { readonly baseUrl?: string } | false;
  /** GCP needs an API key; without one GCP stays on the catalog. */
  readonly gcp?: { readonly baseUrl?: string; readonly apiKey: string | undefined } | false;
  readonly table?: PriceTable;
  readonly demand?: DemandTracker;
  readonly cacheFile?: string | undefined;
  readonly logger?: Logger | undefined;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  readonly callsPerMinute?: number;
  readonly backoff?: BackoffOptions;
  readonly timeoutMs?: number;
  readonly breaker?: { readonly failureThreshold?: number; readonly openMs?: number };
}

interface Task {
  readonly id: string;
  readonly provider: LiveProvider;
  readonly kinds: readonly LiveKind[];
  readonly ttlMs: number;
  /** What this task was last asked for; a change makes it due at once. */
  readonly wants: string;
  readonly run: (http: ProviderHttp, known: { version?: string | undefined }) => Promise<{ rows: LiveRow[]; version?: string; unchanged?: { keyPrefix: string } }>;
}

export interface ProviderStatus {
  readonly enabled: boolean;
  readonly why: string;
  readonly breaker: BreakerState;
  readonly lastOkMs: number | undefined;
  readonly lastError: string | undefined;
}

/** Whether a task asked for `had` (comma-separated) covers everything in `wants`. */
function covers(had: string, wants: string): boolean {
  if (wants === '' || had === wants) return true;
  const set = new Set(had.split(','));
  return wants.split(',').every((w) => set.has(w));
}

export class LivePricing {
  readonly table: PriceTable;
  readonly demand: DemandTracker;
  /** kube_cost_pricing_api_calls_total{provider,endpoint,result}. */
  readonly calls = new Map<string, { provider: LiveProvider; endpoint: string; result: CallResult; count: number }>();
  private readonly options: LivePricingOptions;
  private readonly now: () => number;
  private readonly http: Record<LiveProvider, ProviderHttp>;
  private readonly breakers: Record<LiveProvider, CircuitBreaker>;
  private readonly disabled = new Map<string, string>();
  private readonly lastWants = new Map<string, string>();
  private readonly lastError = new Map<LiveProvider, string>();
  private readonly attempted = new Set<LiveProvider>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private cacheWriteError: string | undefined;

  constructor(options: LivePricingOptions) {
    this.options = options;
    this.table = options.table ?? new PriceTable();
    this.demand = options.demand ?? new DemandTracker();
    this.now = options.now ?? Date.now;
    const baseSleep = options.sleep ?? realSleep;
    // Waits end at once when live pricing stops, so a stop never waits for a backoff.
    const sleep: Sleep = (ms) =>
      this.stopping.signal.aborted
        ? Promise.reject(this.stopping.signal.reason)
        : new Promise<void>((resolve, reject) => {
            const onAbort = () => reject(this.stopping.signal.reason);
            this.stopping.signal.addEventListener('abort', onAbort, { once: true });
            baseSleep(ms).then(() => {
              this.stopping.signal.removeEventListener('abort', onAbort);
              resolve();
            }, reject);
          });
    const random = options.random ?? Math.random;
    const mk = (provider: LiveProvider): ProviderHttp => ({
      provider,
      limiter: new RateLimiter({ limit: options.callsPerMinute ?? 100, now: this.now, sleep }),
      sleep,
      random,
      now: this.now,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      signal: this.stopping.signal,
      record: (endpoint, result) => {
        const id = `${provider}|${endpoint}|${result}`;
        const c = this.calls.get(id) ?? { provider, endpoint, result, count: 0 };
        c.count += 1;
        this.calls.set(id, c);
      },
      onRetry: (endpoint, err, delayMs) => options.logger?.debug(`live pricing: retrying ${provider} ${endpoint} in ${Math.round(delayMs)} ms`, { error: (err as Error).message }),
    });
    this.http = { aws: mk('aws'), azure: mk('azure'), gcp: mk('gcp') };
    const breaker = (provider: LiveProvider) =>
      new CircuitBreaker({
        now: this.now,
        ...(options.breaker?.failureThreshold !== undefined ? { failureThreshold: options.breaker.failureThreshold } : {}),
        ...(options.breaker?.openMs !== undefined ? { openMs: options.breaker.openMs } : {}),
        onChange: (from, to) => options.logger?.[to === 'open' ? 'warn' : 'info'](`live pricing: ${provider} circuit breaker ${from} → ${to}`, { provider }),
      });
    this.breakers = { aws: breaker('aws'), azure: breaker('azure'), gcp: breaker('gcp') };
    if (options.aws === false || options.aws === undefined) this.disabled.set('aws', 'not configured');
    if (options.azure === false || options.azure === undefined) this.disabled.set('azure', 'not configured');
    if (options.gcp === false || options.gcp === undefined) this.disabled.set('gcp', 'not configured');
    else if (!options.gcp.apiKey) this.disabled.set('gcp', 'no API key (--gcp-api-key-file)');
  }

  breakerState(provider: LiveProvider): BreakerState {
    return this.breakers[provider].state;
  }

  status(): Record<LiveProvider, ProviderStatus> {
    const out = {} as Record<LiveProvider, ProviderStatus>;
    for (const p of LIVE_PROVIDERS) {
      const why = this.disabled.get(p);
      out[p] = { enabled: why === undefined, why: why ?? 'on', breaker: this.breakers[p].state, lastOkMs: this.table.lastOkMs(p), lastError: this.lastError.get(p) };
    }
    return out;
  }

  /** The refresh tasks the current demand calls for. */
  tasks(): Task[] {
    const out: Task[] = [];
    for (const d of this.demand.byRegion.values()) {
      if (this.disabled.has(d.provider)) continue;
      if (d.provider === 'aws' && this.options.aws) out.push(...this.awsTasks(d, this.options.aws));
      if (d.provider === 'azure' && this.options.azure) out.push(...this.azureTasks(d, this.options.azure.baseUrl ?? AZURE_PRICING_URL));
    }
    const gcp = this.options.gcp || undefined;
    if (gcp?.apiKey && !this.disabled.has('gcp') && [...this.demand.byRegion.values()].some((d) => d.provider === 'gcp')) {
      const apiKey = gcp.apiKey;
      // One catalog read prices every family, GPU, disk and egress in every region. GCP changes spot
      // prices at most once a month, so spot rows are refreshed with the rest (1 h), not every 5 min.
      out.push({ id: 'gcp|all|catalog', provider: 'gcp', kinds: ['instance', 'spot', 'storage', 'network'], ttlMs: TTL_MS.instance, wants: '', run: async (http) => ({ rows: await fetchGcpCatalog(http, { baseUrl: gcp.baseUrl ?? GCP_PRICING_URL, apiKey }) }) });
    }
    return out.filter((t) => !this.disabled.has(t.id));
  }

  private awsTasks(d: Demand, aws: AwsLiveOptions): Task[] {
    const region = d.region;
    const tasks: Task[] = [];
    if (aws.source === 'query') {
      const types = [...d.instanceTypes].sort();
      tasks.push({
        id: `aws|${region}|query`,
        provider: 'aws',
        kinds: ['instance', 'storage'],
        ttlMs: TTL_MS.instance,
        wants: types.join(','),
        run: async (http) => ({ rows: await fetchAwsProducts(http, { region, instanceTypes: types, ...(aws.query ? { sdk: aws.query } : {}) }) }),
      });
    } else {
      tasks.push({
        id: `aws|${region}|bulk`,
        provider: 'aws',
        kinds: ['instance', 'storage', 'network'],
        ttlMs: TTL_MS.instance,
        wants: '',
        run: async (http, known) => {
          const r = await fetchAwsBulk(http, { baseUrl: aws.baseUrl ?? AWS_PRICING_URL, region, knownVersion: known.version });
          return { rows: r.rows, version: r.version, ...(r.unchanged ? { unchanged: { keyPrefix: `aws|${region}|` } } : {}) };
        },
      });
    }
    if (d.spotTypes.size > 0) {
      const types = [...d.spotTypes].sort();
      tasks.push({ id: `aws|${region}|spot`, provider: 'aws', kinds: ['spot'], ttlMs: TTL_MS.spot, wants: types.join(','), run: async (http) => ({ rows: await fetchAwsSpot(http, { region, instanceTypes: types, ...(aws.sdk ? { sdk: aws.sdk } : {}) }) }) });
    }
    return tasks;
  }

  private azureTasks(d: Demand, baseUrl: string): Task[] {
    const region = d.region;
    const tasks: Task[] = [];
    if (d.instanceTypes.size > 0) {
      const sizes = [...d.instanceTypes].sort();
      // On-demand and spot rows come in the same answer; with spot nodes the query runs at the spot TTL.
      tasks.push({ id: `azure|${region}|vm`, provider: 'azure', kinds: ['instance', 'spot'], ttlMs: d.spotTypes.size > 0 ? TTL_MS.spot : TTL_MS.instance, wants: sizes.join(','), run: async (http) => ({ rows: await fetchAzureVms(http, { baseUrl, region, sizes }) }) });
    }
    if (d.storage) tasks.push({ id: `azure|${region}|disk`, provider: 'azure', kinds: ['storage'], ttlMs: TTL_MS.storage, wants: '', run: async (http) => ({ rows: await fetchAzureDisks(http, { baseUrl, region }) }) });
    return tasks;
  }

  private due(task: Task, t: number): boolean {
    const state = this.table.tasks.get(task.id);
    // Asked for something new (another instance type, size) since the last attempt, or since the
    // refresh the cache file remembers: fetch now rather than at the end of the TTL.
    const asked = this.lastWants.get(task.id) ?? state?.wants;
    if (asked !== undefined && !covers(asked, task.wants)) return true;
    if (!state) return true;
    return t - state.okAtMs >= task.ttlMs;
  }

  /** Runs every due task once (providers in parallel, a provider's tasks one after another). */
  refresh(): Promise<void> {
    this.running ??= this.refreshNow().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refreshNow(): Promise<void> {
    const byProvider = new Map<LiveProvider, Task[]>();
    const t0 = this.now();
    for (const task of this.tasks()) if (this.due(task, t0)) byProvider.set(task.provider, [...(byProvider.get(task.provider) ?? []), task]);
    let changed = false;
    await Promise.all(
      [...byProvider].map(async ([provider, tasks]) => {
        for (const task of tasks) {
          if (this.disabled.has(provider) || this.stopping.signal.aborted) return;
          if (!this.breakers[provider].allow()) return;
          const known = this.table.tasks.get(task.id);
          try {
            const result = await task.run(this.http[provider], { version: known?.version });
            const t = this.now();
            if (result.unchanged) this.table.restamp(task.kinds, result.unchanged.keyPrefix, t);
            else this.table.put(result.rows, t);
            this.table.tasks.set(task.id, { okAtMs: t, ...(result.version !== undefined ? { version: result.version } : {}), ...(task.wants !== '' ? { wants: task.wants } : {}) });
            this.lastWants.set(task.id, task.wants);
            this.breakers[provider].success();
            this.lastError.delete(provider);
            changed = true;
            this.options.logger?.info(`live pricing: ${task.id} refreshed`, { prices: result.unchanged ? 'unchanged' : result.rows.length });
          } catch (err) {
            if (this.stopping.signal.aborted) return;
            this.breakers[provider].failure();
            const message = err instanceof Error ? err.message : String(err);
            this.lastError.set(provider, message);
            this.lastWants.set(task.id, task.wants);
            const name = (err as { name?: string } | undefined)?.name ?? '';
            const unreachable = err instanceof PricingUnreachableError || err instanceof PricingTimeoutError;
            if (this.options.mode !== 'on' && !this.attempted.has(provider) && unreachable) {
              this.disabled.set(provider, `not reachable at the first call: ${message}`);
              this.options.logger?.warn(`live pricing off for ${provider} (--pricing-refresh auto): ${message}; prices come from the cache, then the catalog`, { provider });
            } else if (this.options.mode !== 'on' && name === 'CredentialsProviderError') {
              this.disabled.set(task.id, `no AWS credentials: ${message}`);
              this.options.logger?.warn(`live pricing: ${task.id} off (--pricing-refresh auto): no AWS credentials found (${message}); spot prices are estimated from on-demand`, { provider });
            } else {
              this.options.logger?.warn(`live pricing: ${task.id} failed; prices come from the cache, then the catalog`, { provider, error: message, breaker: this.breakers[provider].state });
            }
          } finally {
            this.attempted.add(provider);
          }
        }
      }),
    );
    if (changed && this.options.cacheFile) {
      try {
        saveCacheFile(this.table, this.options.cacheFile);
        if (this.cacheWriteError !== undefined) this.options.logger?.info('live pricing: the price cache is written again', { file: this.options.cacheFile });
        this.cacheWriteError = undefined;
      } catch (err) {
        // Logged once per distinct error (a read-only file system would otherwise log every refresh).
        const message = (err as Error).message;
        if (message !== this.cacheWriteError) this.options.logger?.warn('live pricing: cannot write the price cache; prices are kept in memory only (a restart refetches them)', { file: this.options.cacheFile, error: message });
        this.cacheWriteError = message;
      }
    }
  }

  /** Checks for due tasks every `everyMs` (default 5 s: new demand is fetched soon after the first cycle asks) in the background. */
  start(everyMs = 5_000): void {
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, everyMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the timer and aborts calls and waits in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort(new Error('live pricing stopped'));
    await this.running;
  }
}
