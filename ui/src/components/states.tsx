// Loading, error and empty states that say what is happening and what to do.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';

export function Loading({ what }: { what: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

/** `refusedHint`: what to do when this query is refused (HTTP 400), where the page knows better. */
export function ErrorState({ error, retry, refusedHint }: { error: Error; retry: () => void; refusedHint?: string }) {
  const status = error instanceof ApiError ? error.status : undefined;
  const hint =
    status === 404
      ? 'This exporter does not serve that endpoint yet: update it, or check that the UI and the exporter are the same version.'
      : status === 400
        ? (refusedHint ?? 'The query was refused: pick another window or clear the filters.')
        : status === 401 || status === 403
          ? 'The exporter requires a token or an allowed address (--auth-token-file, --allow-cidr): open the UI through kubectl port-forward or a proxy that adds the token.'
          : status !== undefined && status >= 500
            ? 'The exporter failed to answer: see its log (kubectl logs) and /readyz.'
            : 'Check that the exporter is running and reachable, then retry.';
  return (
    <div class="state state-error" role="alert">
      <p>
        <strong>Could not load the data.</strong> {hint}
      </p>
      <p class="mono small">{error.message}</p>
      <button type="button" onClick={retry}>
        Retry
      </button>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state state-empty">{children}</div>;
}
