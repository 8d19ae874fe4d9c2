// Rate limit, exponential backoff with jitter, and a circuit breaker — one set per provider. The
// clock, the sleep and the random source are parameters, so tests drive them exactly.
import { PricingHttpError, PricingTimeoutError, PricingUnreachableError } from './types.ts';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

export interface BackoffOptions {
  /** First retry waits about this long (default 1 s). */
  readonly baseMs?: number;
  /** No wait is longer than this (default 60 s), except a longer Retry-After. */
  readonly capMs?: number;
  /** Attempts in all, the first included (default 4). */
  readonly maxAttempts?: number;
}

/**
 * Delay before retry number `retry` (0 = the first retry): "equal jitter", half of
 * min(cap, base·2^retry) plus a random part of the other half, so never zero and never in lock
 * step; a server's Retry-After wins when it asks for longer.
 */
export function backoffDelayMs(retry: number, random: () => number, options: BackoffOptions = {}, retryAfterMs?: number): number {
  const { baseMs = 1000, capMs = 60_000 } = options;
  const ceiling = Math.min(capMs, baseMs * 2 ** retry);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return retryAfterMs !== undefined && retryAfterMs > jittered ? retryAfterMs : jittered;
}

/** Whether an error is worth retrying: throttling, server errors, timeouts, connection failures. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PricingHttpError) return err.status === 429 || err.status >= 500;
  if (err instanceof PricingTimeoutError || err instanceof PricingUnreachableError) return true;
  // AWS SDK errors: throttling and 5xx carry $retryable or a status in $metadata.
  const e = err as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string } | undefined;
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  return e?.name === 'RequestLimitExceeded' || e?.name === 'Throttling' || e?.name === 'ThrottlingException';
}

/** The Retry-After an error carries (HTTP header or the SDK's response), in ms. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof PricingHttpError) return err.retryAfterMs;
  const header = (err as { $response?: { headers?: Record<string, string> } } | undefined)?.$response?.headers?.['retry-after'];
  return header === undefined ? undefined : parseRetryAfter(header, Date.now());
}

/** `Retry-After: 120` or an HTTP date → milliseconds from `nowMs`; undefined when unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Runs `attempt` until it succeeds, a non-retryable error, or the attempts run out; calls `onRetry` before each wait. */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  { sleep, random, backoff = {}, onRetry }: { sleep: Sleep; random: () => number; backoff?: BackoffOptions; onRetry?: (err: unknown, delayMs: number, retry: number) => void },
): Promise<T> {
  const maxAttempts = backoff.maxAttempts ?? 4;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n + 1 >= maxAttempts || !isRetryable(err)) throw err;
      const delay = backoffDelayMs(n, random, backoff, retryAfterOf(err));
      onRetry?.(err, delay, n);
      await sleep(delay);
    }
  }
}

/** At most `limit` calls in any `windowMs` (default 100 per minute): `acquire()` waits for a slot. */
export class RateLimiter {
  private readonly stamps: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private queue: Promise<void> = Promise.resolve();

  constructor({ limit = 100, windowMs = 60_000, now, sleep }: { limit?: number; windowMs?: number; now: () => number; sleep: Sleep }) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.now = now;
    this.sleep = sleep;
  }

  /** Resolves when a call may be made, and counts it. Callers are served in order. */
  acquire(): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        const t = this.now();
        while (this.stamps.length > 0 && this.stamps[0]! <= t - this.windowMs) this.stamps.shift();
        if (this.stamps.length < this.limit) {
          this.stamps.push(t);
          return;
        }
        await this.sleep(this.stamps[0]! + this.windowMs - t);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Calls counted in the current window (for tests and logs). */
  inWindow(): number {
    const t = this.now();
    return this.stamps.filter((s) => s > t - this.windowMs).length;
  }
}

export type BreakerState = 'closed' | 'open' | 'half-open';
export const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/**
 * Per-provider circuit breaker. Closed: calls go through; `failureThreshold` failures in a row open
 * it. Open: calls are refused for `openMs`; then one probe is let through (half-open). The probe's
 * success closes the breaker, its failure opens it again for another `openMs`.
 */
export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private failures = 0;
  private openedAtMs = 0;
  private probing = false;
  private readonly failureThreshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private readonly onChange: ((from: BreakerState, to: BreakerState) => void) | undefined;

  constructor({ failureThreshold = 3, openMs = 300_000, now, onChange }: { failureThreshold?: number; openMs?: number; now: () => number; onChange?: (from: BreakerState, to: BreakerState) => void }) {
    this.failureThreshold = failureThreshold;
    this.openMs = openMs;
    this.now = now;
    this.onChange = onChange;
  }

  get state(): BreakerState {
    if (this.stateValue === 'open' && this.now() - this.openedAtMs >= this.openMs) this.move('half-open');
    return this.stateValue;
  }

  /** Whether a call may go now; in half-open only one probe at a time. */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this.stateValue !== 'closed') this.move('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.stateValue === 'half-open' || (this.stateValue === 'closed' && this.failures >= this.failureThreshold)) {
      this.openedAtMs = this.now();
      this.move('open');
    }
  }

  private move(to: BreakerState): void {
    const from = this.stateValue;
    this.stateValue = to;
    this.onChange?.(from, to);
  }
}
