// Who may read an agent: a shared bearer token (a file, re-read when it changes), or a caller's
// own service-account token, checked with a TokenReview by the API server (cached briefly, so a
// scrape every interval costs one review per caller per minute, not one per request).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createVerdictCache } from '../server/verdict-cache.ts';
import type { AgentResponse } from './app.ts';

/** The API server's answer about a token. */
export interface TokenReviewResult {
  readonly authenticated: boolean;
  /** `system:serviceaccount:<namespace>:<name>` for a service account. */
  readonly username: string;
  readonly error?: string;
}

export type TokenReviewer = (token: string) => Promise<TokenReviewResult>;

export interface AgentAuthOptions {
  readonly sharedToken?: () => string;
  readonly reviewer?: TokenReviewer;
  /** `namespace:name` of the service accounts that may read. */
  readonly allowServiceAccounts?: readonly string[];
  /** Paths without authentication (kubelet probes). */
  readonly openPaths?: readonly string[];
  readonly cacheMs?: number;
  readonly now?: () => number;
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Whether a reviewed user is one of the allowed service accounts. */
export function allowedServiceAccount(username: string, allow: readonly string[]): boolean {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m !== null && allow.includes(`${m[1]}:${m[2]}`);
}

/**
 * The check before each request: undefined lets it through, else the refusal to send (401 without
 * a usable token, 403 for a reviewed account that is not allowed, 503 when the review fails).
 */
export function agentAuth(options: AgentAuthOptions): (path: string, authorization: string | undefined) => Promise<AgentResponse | undefined> {
  const { sharedToken, reviewer, allowServiceAccounts = [], openPaths = ['/healthz'], cacheMs = 60_000, now = Date.now } = options;
  // Refusals are cached shorter, so that a fixed RBAC or a new Secret takes effect soon.
  const cache = createVerdictCache<{ ok: boolean; why: string }>({ allowed: (v) => v.ok, allowedMs: cacheMs, deniedMs: Math.min(cacheMs, 10_000), maxEntries: 1000 });
  const text = 'text/plain; charset=utf-8';
  const deny = (why: string): AgentResponse => ({ status: 401, headers: { 'content-type': text, 'www-authenticate': 'Bearer realm="kube-cost-exporter-agent"' }, body: `${why}\n` });
  return async (path, authorization) => {
    if (openPaths.includes(path)) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return deny('a bearer token is required');
    const token = m[1]!;
    if (sharedToken !== undefined && same(token, sharedToken())) return undefined;
    if (reviewer === undefined) return deny('the token is not the shared token');
    const key = createHash('sha256').update(token).digest('hex');
    const t = now();
    let verdict = cache.get(key, t);
    if (verdict === undefined) {
      let result: TokenReviewResult;
      try {
        result = await reviewer(token);
      } catch (err) {
        return { status: 503, headers: { 'content-type': text }, body: `cannot review the token: ${err instanceof Error ? err.message : String(err)}\n` };
      }
      const ok = result.authenticated && allowedServiceAccount(result.username, allowServiceAccounts);
      const why = !result.authenticated ? `the API server did not authenticate the token${result.error ? `: ${result.error}` : ''}` : `${result.username} is not an allowed service account`;
      verdict = { ok, why };
      cache.set(key, verdict, t);
    }
    if (!verdict.ok) return { status: 403, headers: { 'content-type': text }, body: `${verdict.why}\n` };
    return undefined;
  };
}
