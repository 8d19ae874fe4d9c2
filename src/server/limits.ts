// Limits on what a client may ask: the length of the URL, the size of a request body (the exporter
// reads none: every endpoint is GET), and a request rate per client address (token bucket). Open
// paths (/healthz, /readyz) are never limited, so the kubelet's probes cannot be starved.
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_OPEN_PATHS, socketAddress } from './access.ts';

export interface RequestLimits {
  /** Longest accepted request target (path + query) in bytes; longer → 414. */
  readonly maxUrlBytes: number;
  /** Largest accepted request body in bytes, by its Content-Length; larger → 413 (no endpoint reads a body). */
  readonly maxBodyBytes: number;
  /** Sustained requests per second per client address; 0 turns rate limiting off. */
  readonly ratePerSecond: number;
  /** Requests a client may send at once above the rate (bucket size); default 2 × rate. */
  readonly burst?: number;
  /** Clients remembered at most (least recently seen forgotten first). */
  readonly maxClients?: number;
  readonly openPaths?: readonly string[];
  readonly now?: () => number;
  readonly remoteAddress?: (c: Context) => string | undefined;
  /** Counts refusals, e.g. into a metric. */
  readonly onLimited?: (reason: 'url_too_long' | 'body_too_large' | 'rate', path: string) => void;
}

export const DEFAULT_LIMITS: RequestLimits = { maxUrlBytes: 8192, maxBodyBytes: 65_536, ratePerSecond: 20 };

interface Bucket {
  tokens: number;
  atMs: number;
}

/** A token bucket per key: `take(key)` → 0 when allowed, else the seconds until a token is back. */
export function rateLimiter(options: { ratePerSecond: number; burst: number; maxClients: number; now: () => number }) {
  const { ratePerSecond, burst, maxClients, now } = options;
  const buckets = new Map<string, Bucket>();
  return {
    take(key: string): number {
      const t = now();
      let b = buckets.get(key);
      if (b === undefined) {
        b = { tokens: burst, atMs: t };
        if (buckets.size >= maxClients) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
      } else {
        buckets.delete(key); // re-inserted below: the Map's order is least recently seen first
        b.tokens = Math.min(burst, b.tokens + ((t - b.atMs) / 1000) * ratePerSecond);
        b.atMs = t;
      }
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return (1 - b.tokens) / ratePerSecond;
    },
    get size(): number {
      return buckets.size;
    },
  };
}

export function requestLimits(limits: RequestLimits): MiddlewareHandler {
  return requestLimiter(limits).middleware;
}

export interface RequestLimiter {
  readonly middleware: MiddlewareHandler;
  /**
   * For a server's fast path (src/server/app.ts): true when the middleware would let this request
   * through, the rate token taken as the middleware takes it; false when the middleware must
   * answer it (then it checks again, with its own answer, count and Retry-After). `target` is the
   * request target (path and query), `contentLength` its header, `address` the socket's.
   */
  passes(path: string, target: string, contentLength: string | undefined, address: string | undefined): boolean;
}

/** The limits as a middleware, and the same checks (the same buckets) for a fast path. */
export function requestLimiter(limits: RequestLimits): RequestLimiter {
  const { maxUrlBytes, maxBodyBytes, ratePerSecond, openPaths = DEFAULT_OPEN_PATHS, now = Date.now, remoteAddress = socketAddress, onLimited } = limits;
  const burst = limits.burst ?? Math.max(1, 2 * ratePerSecond);
  const limiter = ratePerSecond > 0 ? rateLimiter({ ratePerSecond, burst, maxClients: limits.maxClients ?? 10_000, now }) : undefined;
  const passes = (path: string, target: string, contentLength: string | undefined, address: string | undefined): boolean => {
    if (openPaths.includes(path)) return true;
    if (Buffer.byteLength(target) > maxUrlBytes) return false;
    if (contentLength !== undefined && Number(contentLength) > maxBodyBytes) return false;
    return limiter === undefined || limiter.take(address ?? 'unknown') === 0;
  };
  const middleware: MiddlewareHandler = async (c, next) => {
    const path = c.req.path;
    if (openPaths.includes(path)) return next();
    const url = new URL(c.req.url);
    const target = Buffer.byteLength(url.pathname + url.search);
    if (target > maxUrlBytes) {
      onLimited?.('url_too_long', path);
      return c.text(`URI too long: ${target} bytes, at most ${maxUrlBytes}\n`, 414);
    }
    const length = c.req.header('content-length');
    if (length !== undefined && Number(length) > maxBodyBytes) {
      onLimited?.('body_too_large', path);
      return c.text(`request body too large: at most ${maxBodyBytes} bytes\n`, 413);
    }
    if (limiter) {
      const wait = limiter.take(remoteAddress(c) ?? 'unknown');
      if (wait > 0) {
        onLimited?.('rate', path);
        c.header('retry-after', String(Math.max(1, Math.ceil(wait))));
        return c.text(`too many requests: at most ${ratePerSecond} per second per client (--rate-limit)\n`, 429);
      }
    }
    return next();
  };
  return { middleware, passes };
}
