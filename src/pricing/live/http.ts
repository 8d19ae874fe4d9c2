// HTTP for the price APIs: every attempt waits for the provider's rate limiter, has a timeout
// (time to the headers, then time between two chunks of the body), is retried with backoff when
// the provider throttles or fails, and is counted by result. Bodies are read as streams.
import type { BackoffOptions, RateLimiter, Sleep } from './resilience.ts';
import { parseRetryAfter, withRetries } from './resilience.ts';
import type { LiveProvider } from './types.ts';
import { PricingHttpError, PricingPayloadError, PricingTimeoutError, PricingUnreachableError, redactUrl } from './types.ts';

/** `result` label of kube_cost_pricing_api_calls_total. */
export type CallResult = 'success' | 'throttled' | 'http_error' | 'timeout' | 'unreachable' | 'malformed' | 'no_credentials';

export interface ProviderHttp {
  readonly provider: LiveProvider;
  readonly limiter: RateLimiter;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: () => number;
  readonly backoff?: BackoffOptions;
  /** Time to the response headers, and longest pause between two body chunks (default 30 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Aborts every call in flight (the exporter is stopping). */
  readonly signal?: AbortSignal;
  /** Counts one attempt. */
  readonly record: (endpoint: string, result: CallResult) => void;
  readonly onRetry?: (endpoint: string, err: unknown, delayMs: number) => void;
}

export function resultOf(err: unknown): CallResult {
  if (err instanceof PricingHttpError) return err.status === 429 || err.status === 503 ? 'throttled' : 'http_error';
  if (err instanceof PricingTimeoutError) return 'timeout';
  if (err instanceof PricingUnreachableError) return 'unreachable';
  if (err instanceof PricingPayloadError) return 'malformed';
  if ((err as { name?: string } | undefined)?.name === 'CredentialsProviderError') return 'no_credentials';
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status === 429 || status === 503 || (err as { name?: string } | undefined)?.name === 'RequestLimitExceeded') return 'throttled';
  if (typeof status === 'number') return 'http_error';
  return 'unreachable';
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** The body of a response, chunk by chunk; a chunk that does not come within `idleMs` aborts it. */
export async function* bodyChunks(http: ProviderHttp, endpoint: string, url: string, response: Response, abort: AbortController): AsyncGenerator<Uint8Array> {
  const idleMs = http.timeoutMs ?? 30_000;
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PricingTimeoutError(http.provider, endpoint, url, idleMs)), idleMs);
      });
      let step: { done: true; value?: undefined } | { done: false; value: Uint8Array };
      try {
        step = await Promise.race([reader.read(), timeout]);
      } catch (err) {
        abort.abort();
        if (err instanceof PricingTimeoutError) throw err;
        throw new PricingPayloadError(http.provider, endpoint, `body cut short from ${redactUrl(url)}: ${causeText(err)}`);
      } finally {
        clearTimeout(timer);
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** One GET: the limiter, the timeout to headers, and a typed error for every failure. */
async function getOnce(http: ProviderHttp, endpoint: string, url: string, headers: Record<string, string>): Promise<{ response: Response; abort: AbortController }> {
  await http.limiter.acquire();
  http.signal?.throwIfAborted();
  const timeoutMs = http.timeoutMs ?? 30_000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let response: Response;
  try {
    const signal = http.signal ? AbortSignal.any([abort.signal, http.signal]) : abort.signal;
    response = await (http.fetch ?? fetch)(url, { headers: { accept: 'application/json', ...headers }, signal });
  } catch (err) {
    const e = abort.signal.aborted ? new PricingTimeoutError(http.provider, endpoint, url, timeoutMs) : new PricingUnreachableError(http.provider, endpoint, url, causeText(err));
    http.record(endpoint, resultOf(e));
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), http.now());
    await response.body?.cancel().catch(() => undefined);
    const e = new PricingHttpError(http.provider, endpoint, url, response.status, retryAfter);
    http.record(endpoint, resultOf(e));
    throw e;
  }
  return { response, abort };
}

/** GET with retries; the caller reads the body with `bodyChunks` (and records the attempt's result). */
export function getWithRetries(http: ProviderHttp, endpoint: string, url: string, headers: Record<string, string> = {}): Promise<{ response: Response; abort: AbortController }> {
  return withRetries(() => getOnce(http, endpoint, url, headers), {
    sleep: http.sleep,
    random: http.random,
    ...(http.backoff ? { backoff: http.backoff } : {}),
    onRetry: (err, delay) => http.onRetry?.(endpoint, err, delay),
  });
}

/** GET a JSON document (read as a stream with the idle timeout), retried as a whole when throttled or cut. */
export function getJson(http: ProviderHttp, endpoint: string, url: string, headers: Record<string, string> = {}): Promise<unknown> {
  return withRetries(
    async () => {
      const { response, abort } = await getOnce(http, endpoint, url, headers);
      const parts: Buffer[] = [];
      try {
        for await (const chunk of bodyChunks(http, endpoint, url, response, abort)) parts.push(Buffer.from(chunk));
      } catch (err) {
        http.record(endpoint, resultOf(err));
        throw err;
      }
      const text = Buffer.concat(parts).toString('utf8');
      try {
        const value: unknown = JSON.parse(text);
        http.record(endpoint, 'success');
        return value;
      } catch (err) {
        http.record(endpoint, 'malformed');
        const at = text.length > 0 ? ` (${text.length} bytes, ends ${JSON.stringify(text.slice(-40))})` : ' (empty body)';
        throw new PricingPayloadError(http.provider, endpoint, `not JSON from ${redactUrl(url)}: ${(err as Error).message}${at}`);
      }
    },
    { sleep: http.sleep, random: http.random, ...(http.backoff ? { backoff: http.backoff } : {}), onRetry: (err, delay) => http.onRetry?.(endpoint, err, delay) },
  );
}
