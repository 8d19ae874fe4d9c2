// Errors of live collection. Each names what was asked (verb and path), the field at fault and the
// value, like every InputError: `list /api/v1/pods: HTTP status: Forbidden: pods is forbidden: ... (got "403")`.
import { InvalidObjectError, SourceReadError } from '../../core/errors.ts';

/** The API server answered with an error status. */
export class KubeApiError extends SourceReadError {
  readonly statusCode: number;
  /** The Status `reason` (`Forbidden`, `Expired`, `NotFound`...), or the HTTP reason phrase. */
  readonly reason: string;
  /** Seconds from a `Retry-After` header (429, 503), when given. */
  readonly retryAfterSeconds: number | undefined;
  constructor(request: string, statusCode: number, reason: string, message: string, retryAfterSeconds?: number) {
    super(request, 'HTTP status', String(statusCode), message === '' ? reason : `${reason}: ${message}`);
    this.statusCode = statusCode;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No answer at all: connection refused or reset, DNS, TLS, timeout. */
export class KubeConnectionError extends SourceReadError {
  readonly code: string;
  constructor(request: string, code: string, detail: string) {
    super(request, 'connection', code, detail === '' ? 'no answer from the API server' : `no answer from the API server: ${detail}`);
    this.code = code;
  }
}

/** A watch line or list body that is not what the API server protocol says it is. */
export class KubeProtocolError extends InvalidObjectError {}

/** read() before the first full list of every resource, or while the API server is unreachable. */
export class KubeNotReadyError extends SourceReadError {}
