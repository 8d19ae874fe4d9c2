// Kubernetes authentication and authorization of callers, the way kube-rbac-proxy and
// controller-runtime protect metrics endpoints: the caller's bearer token is checked with a
// TokenReview, then the API server is asked with a SubjectAccessReview whether that user (and its
// groups) may `get` the non-resource URL it asked for (`/metrics`, `/api/v1/allocation`...). Grant
// it with a ClusterRole rule `nonResourceURLs: ["/metrics"], verbs: ["get"]`. Verdicts are cached
// (a minute when allowed, ten seconds when refused) so a scrape costs no review most of the time.
import { createHash } from 'node:crypto';
import { createVerdictCache } from './verdict-cache.ts';

export interface ReviewedUser {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export interface KubeReviewer {
  /** TokenReview: who the token belongs to, or undefined (with why) when the API server does not authenticate it. */
  tokenReview(token: string): Promise<{ readonly user: ReviewedUser } | { readonly user: undefined; readonly error: string }>;
  /** SubjectAccessReview on a non-resource URL. */
  accessReview(user: ReviewedUser, path: string, verb: string): Promise<{ readonly allowed: boolean; readonly reason: string }>;
}

export type KubeVerdict = { readonly ok: true; readonly username: string } | { readonly ok: false; readonly status: 401 | 403 | 503; readonly message: string };

export interface KubeAuthOptions {
  readonly reviewer: KubeReviewer;
  readonly allowedMs?: number;
  readonly deniedMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Returns `check(token, path)`: the verdict for a bearer token on a path (`get`), cached. */
export function kubernetesAuth(options: KubeAuthOptions): (token: string, path: string) => Promise<KubeVerdict> {
  const { reviewer, allowedMs = 60_000, deniedMs = 10_000, maxEntries = 10_000, now = Date.now } = options;
  const cache = createVerdictCache<KubeVerdict>({ allowed: (v) => v.ok, allowedMs, deniedMs, maxEntries });
  return async (token, path) => {
    const key = `${createHash('sha256').update(token).digest('base64')}\0${path}`;
    const t = now();
    const hit = cache.get(key, t);
    if (hit !== undefined) return hit;
    let verdict: KubeVerdict;
    try {
      const reviewed = await reviewer.tokenReview(token);
      if (reviewed.user === undefined) {
        verdict = { ok: false, status: 401, message: `unauthorized: the Kubernetes API server did not authenticate the token (${reviewed.error || 'TokenReview: not authenticated'})` };
      } else {
        const access = await reviewer.accessReview(reviewed.user, path, 'get');
        verdict = access.allowed
          ? { ok: true, username: reviewed.user.username }
          : { ok: false, status: 403, message: `forbidden: User "${reviewed.user.username}" cannot get path "${path}"${access.reason ? ` (${access.reason})` : ''}; grant a ClusterRole with nonResourceURLs: ["${path}"], verbs: ["get"]` };
      }
    } catch (err) {
      // The API server could not answer: refuse (never open the door), do not cache.
      return { ok: false, status: 503, message: `cannot check the caller with the Kubernetes API server: ${err instanceof Error ? err.message : String(err)}` };
    }
    cache.set(key, verdict, t);
    return verdict;
  };
}
