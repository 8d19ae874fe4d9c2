// The cache of verdicts about callers' bearer tokens (TokenReview, and SubjectAccessReview where
// asked), shared by the exporter's Kubernetes authentication (src/server/kube-auth.ts) and the node
// agent's (src/agent/auth.ts): a verdict that lets the caller in is kept `allowedMs`, a refusal
// `deniedMs` (shorter, so that a fixed RBAC rule or a new Secret takes effect soon); a failed
// review is never stored (the callers do not offer it). At `maxEntries` the cache is emptied rather
// than evicted one by one: a flood of made-up tokens costs reviews, not memory. Keys are what the
// caller makes them (a hash of the token, never the token itself). Pure, and imports nothing: the
// agent's small bundle (decision 0021) takes it as it is; the clock is an argument.

export interface VerdictCacheOptions<V> {
  /** Whether a verdict lets the caller in (kept `allowedMs`) or not (kept `deniedMs`). */
  readonly allowed: (verdict: V) => boolean;
  readonly allowedMs: number;
  readonly deniedMs: number;
  /** The most verdicts held; storing one more empties the cache first. */
  readonly maxEntries: number;
}

export interface VerdictCache<V> {
  /** The verdict stored under `key` if it is still fresh at `nowMs`, else undefined. */
  get(key: string, nowMs: number): V | undefined;
  /** Stores `verdict` under `key` from `nowMs` on. */
  set(key: string, verdict: V, nowMs: number): void;
}

export function createVerdictCache<V>(options: VerdictCacheOptions<V>): VerdictCache<V> {
  const { allowed, allowedMs, deniedMs, maxEntries } = options;
  const entries = new Map<string, { readonly verdict: V; readonly untilMs: number }>();
  return {
    get(key, nowMs) {
      const hit = entries.get(key);
      return hit !== undefined && hit.untilMs > nowMs ? hit.verdict : undefined;
    },
    set(key, verdict, nowMs) {
      if (!entries.has(key) && entries.size >= maxEntries) entries.clear();
      entries.set(key, { verdict, untilMs: nowMs + (allowed(verdict) ? allowedMs : deniedMs) });
    },
  };
}
