// The API server's list and watch protocol, as pure functions over parsed JSON:
//   list  → { metadata: { resourceVersion, continue?, remainingItemCount? }, items: [...] }
//   watch → one JSON per line: { type: ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, object }
// An ERROR event carries a Status; 410 (reason Expired or Gone) means "your resourceVersion is
// too old: list again". Everything here is data in, data out; the I/O is in transport.ts.
import { shown } from '../../core/errors.ts';
import type { JsonObject } from '../json.ts';
import { isJsonObject } from '../json.ts';
import { KubeProtocolError } from './errors.ts';

/** A Kubernetes `Status` (the body of an error response, or of a watch ERROR event). */
export interface ApiStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

export type WatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: JsonObject; readonly resourceVersion: string }
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string }
  | { readonly type: 'ERROR'; readonly status: ApiStatus };

export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  /** Empty when this was the last page. */
  readonly continueToken: string;
  readonly remainingItemCount: number | undefined;
}

/** A Status from a parsed body; `httpStatus` fills in what the body lacks (plain-text 404s). */
export function apiStatusOf(body: unknown, httpStatus: number, httpReason: string): ApiStatus {
  if (isJsonObject(body) && body['kind'] === 'Status') {
    return {
      code: typeof body['code'] === 'number' ? body['code'] : httpStatus,
      reason: typeof body['reason'] === 'string' && body['reason'] !== '' ? body['reason'] : httpReason,
      message: typeof body['message'] === 'string' ? body['message'] : '',
    };
  }
  return { code: httpStatus, reason: httpReason, message: typeof body === 'string' ? body.trim().slice(0, 200) : '' };
}

/** 410: the resourceVersion or continue token was compacted away; the client must list again. */
export function isExpired(status: { readonly code: number } | { readonly statusCode: number }): boolean {
  return ('code' in status ? status.code : status.statusCode) === 410;
}

function resourceVersionOf(obj: JsonObject): string {
  const meta = obj['metadata'];
  const rv = isJsonObject(meta) ? meta['resourceVersion'] : undefined;
  return typeof rv === 'string' ? rv : '';
}

/**
 * Decodes one watch line. `resource` names the stream in errors (`watch pods`). Throws a
 * KubeProtocolError naming the field and value when the line is not a watch event.
 */
export function parseWatchLine(line: string, resource: string): WatchEvent {
  const where = `watch ${resource}`;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw new KubeProtocolError(where, '(line)', shown(line), 'not a JSON watch event (connection cut mid-event?)');
  }
  if (!isJsonObject(event)) throw new KubeProtocolError(where, '(line)', shown(line), 'expected a watch event object');
  const type = event['type'];
  const object = event['object'];
  if (type === 'ERROR') {
    if (!isJsonObject(object)) throw new KubeProtocolError(where, 'object', shown(object ?? 'undefined'), 'an ERROR event needs a Status object');
    return { type, status: apiStatusOf(object, typeof object['code'] === 'number' ? object['code'] : 500, 'InternalError') };
  }
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK') {
    throw new KubeProtocolError(where, 'type', shown(type ?? 'undefined'), 'expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR');
  }
  if (!isJsonObject(object)) throw new KubeProtocolError(where, 'object', shown(object ?? 'undefined'), 'expected an object');
  const resourceVersion = resourceVersionOf(object);
  if (type === 'BOOKMARK') {
    if (resourceVersion === '') throw new KubeProtocolError(where, 'object.metadata.resourceVersion', 'undefined', 'a BOOKMARK needs a resourceVersion');
    return { type, resourceVersion };
  }
  return { type, object, resourceVersion };
}

/** Reads a list response (`PodList`...). Throws a KubeProtocolError when it is not one. */
export function parseListPage(body: unknown, request: string): ListPage {
  if (!isJsonObject(body)) throw new KubeProtocolError(request, '(body)', shown(body), 'expected a List object');
  const items = body['items'];
  // The API server writes `"items": []` for an empty list, but some proxies drop empty arrays.
  if (items !== undefined && items !== null && !Array.isArray(items)) throw new KubeProtocolError(request, 'items', shown(items), 'expected an array');
  const meta = isJsonObject(body['metadata']) ? body['metadata'] : {};
  const rv = meta['resourceVersion'];
  const cont = meta['continue'];
  const remaining = meta['remainingItemCount'];
  return {
    items: Array.isArray(items) ? items : [],
    resourceVersion: typeof rv === 'string' ? rv : '',
    continueToken: typeof cont === 'string' ? cont : '',
    remainingItemCount: typeof remaining === 'number' ? remaining : undefined,
  };
}

/**
 * Splits a byte stream into lines as they arrive. Returns a function to call with each chunk; it
 * calls `onLine` for every complete line (without the newline). Keeps at most one partial line,
 * and refuses a line longer than `maxLineBytes` (a watch event is one object; 16 MiB is more
 * than any real object, whose size etcd limits to 1.5 MiB).
 */
export function lineSplitter(onLine: (line: string) => void, maxLineChars = 16 * 1024 * 1024): { push(chunk: string): void; rest(): string } {
  let partial = '';
  return {
    push(chunk: string): void {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl === -1) break;
        const line = partial === '' ? chunk.slice(start, nl) : partial + chunk.slice(start, nl);
        partial = '';
        start = nl + 1;
        if (line.trim() !== '') onLine(line);
      }
      if (start < chunk.length) {
        partial += chunk.slice(start);
        if (partial.length > maxLineChars) {
          const excerpt = partial.slice(0, 80);
          partial = '';
          throw new KubeProtocolError('watch', '(line)', excerpt, `a watch event longer than ${maxLineChars} characters`);
        }
      }
    },
    rest: () => partial,
  };
}
