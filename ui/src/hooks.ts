// Data loading for the pages: one request set per dependency change, the previous one aborted.
import { useEffect, useState } from 'preact/hooks';

export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: Error }
  | { readonly state: 'ready'; readonly value: T };

/** Waits until the browser is idle (at most `timeoutMs`): for requests the first paint does not need. */
function whenIdle(signal: AbortSignal, timeoutMs = 1500): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      if (!signal.aborted) resolve();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(done, { timeout: timeoutMs });
    else setTimeout(done, 200);
  });
}

/**
 * Runs `load` when `deps` change (and on `retry()`), aborting the previous run. `defer`: start
 * once the browser is idle, so what the page shows first is asked first (filter options).
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], { defer = false } = {}): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setResult({ state: 'loading' });
    (defer ? whenIdle(controller.signal).then(() => load(controller.signal)) : load(controller.signal)).then(
      (value) => {
        if (!controller.signal.aborted) setResult({ state: 'ready', value });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setResult({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [...deps, attempt]);
  return [result, () => setAttempt((n) => n + 1)];
}
