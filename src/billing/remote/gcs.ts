// gs://bucket/prefix/: GCP billing export files in Cloud Storage, read with the official
// @google-cloud/storage client (JSON API objects.list with nextPageToken, media downloads).
// Credentials are Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, GKE Workload
// Identity through the metadata server, gcloud's user credentials) unless a key file is given.
// GCS billing exports have no manifest: every object under the prefix is a bill file. The SDK is
// imported when a bill is first listed.
import { PassThrough } from 'node:stream';
import type { File as GcsFile, StorageOptions } from '@google-cloud/storage';
import type { BillLister } from '../files.ts';
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { parseBucketLocation } from './common.ts';
import { remoteListerOptionsFromEnv } from './env.ts';
import { listBillFiles } from './listing.ts';

export interface GcsListerOptions {
  /** The JSON API endpoint instead of https://storage.googleapis.com (a private endpoint, a mirror). */
  readonly apiEndpoint?: string | undefined;
  /** A service account key file instead of Application Default Credentials. */
  readonly keyFilename?: string | undefined;
  /** The project billed for requests (requester-pays buckets); default: the credentials' project. */
  readonly projectId?: string | undefined;
  /** An auth client to use instead of ADC (`google-auth-library`'s `OAuth2Client`, `DownscopedClient`, ...). */
  readonly authClient?: StorageOptions['authClient'];
  /** Retries after the first attempt (the SDK's exponential backoff, for 408, 429 and 5xx). Default 3. */
  readonly maxRetries?: number | undefined;
  /** Longest wait between retries, seconds. Default 64 (the SDK's). */
  readonly maxRetryDelaySeconds?: number | undefined;
  /** Objects per objects.list page (1..1000). Default 1000. */
  readonly pageSize?: number | undefined;
}

interface ApiErrorLike {
  name?: string;
  message?: string;
  code?: number | string;
  errors?: { reason?: string; message?: string }[];
}

export function createGcsBillLister(options: GcsListerOptions = {}): BillLister {
  return (location, { signal } = {}) => listGcs(location, options, signal);
}

/** The lister the billing dispatch uses: Application Default Credentials and Google's endpoint. */
export const listGcsBillFiles: BillLister = (location, options) => createGcsBillLister(remoteListerOptionsFromEnv(process.env).gcs)(location, options);

async function* listGcs(location: string, options: GcsListerOptions, signal: AbortSignal | undefined) {
  const { bucket: bucketName, prefix } = parseBucketLocation(location, 'gs');
  const { Storage } = await import('@google-cloud/storage');
  const storageOptions: StorageOptions = {
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint, useAuthWithCustomEndpoint: true } : {}),
    ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    ...(options.authClient ? { authClient: options.authClient } : {}),
  };
  const storage = new Storage({
    ...storageOptions,
    retryOptions: { autoRetry: true, maxRetries: options.maxRetries ?? 3, ...(options.maxRetryDelaySeconds !== undefined ? { maxRetryDelay: options.maxRetryDelaySeconds } : {}) },
  });
  const bucket = storage.bucket(bucketName);
  // Downloads retry here, not in the SDK: when a media download's first answer is retryable (429, 503),
  // the SDK's stream retry pipes into the discarded stream and throws ERR_STREAM_UNABLE_TO_PIPE
  // outside any handler, which ends the process (googleapis/google-cloud-node#8670, open).
  const downloads = new Storage({ ...storageOptions, retryOptions: { autoRetry: false } });
  const maxRetryDelayMs = (options.maxRetryDelaySeconds ?? 64) * 1000;
  const locationOf = (key: string) => `gs://${bucketName}/${key}`;
  const failure = async (err: unknown, what: string, key?: string) =>
    gcsFailure({ err, what, where: key === undefined ? location : locationOf(key), bucket: bucketName, who: options.authClient ? 'the configured auth client' : await principal(storage) });
  const aborted = (what: string, key?: string) => {
    if (signal?.aborted) throw new BillLocationError(key === undefined ? location : locationOf(key), `${what} aborted`);
  };
  yield* listBillFiles({
    location,
    locationOf,
    manifests: 'none',
    async *list() {
      let pageToken: string | undefined;
      do {
        aborted('objects.list');
        let files: GcsFile[];
        let next: { pageToken?: string } | null | undefined;
        let raw: unknown;
        try {
          // The SDK takes no abort signal for listings: stop waiting on the page instead.
          [files, next, raw] = (await untilAborted(bucket.getFiles({ prefix, autoPaginate: false, maxResults: options.pageSize ?? 1000, ...(pageToken ? { pageToken } : {}) }), signal)) as unknown as [GcsFile[], { pageToken?: string } | null, unknown];
        } catch (err) {
          if (signal?.aborted) throw new BillLocationError(location, 'objects.list aborted');
          throw await failure(err, 'objects.list');
        }
        // The SDK hands an unparseable answer back as a string and no files: that is not an empty page.
        if (typeof raw !== 'object' || raw === null) throw new BillLocationError(location, `objects.list answered something that is not a JSON object: ${JSON.stringify(String(raw).slice(0, 80))}`);
        for (const f of files) {
          const size = Number(f.metadata.size);
          const updated = f.metadata.updated ? new Date(f.metadata.updated) : new Date(Number.NaN);
          if (!Number.isFinite(size) || size < 0 || Number.isNaN(updated.getTime())) {
            throw new BillLocationError(locationOf(f.name), `objects.list answered an unreadable size ${JSON.stringify(f.metadata.size)} or updated ${JSON.stringify(f.metadata.updated)}`);
          }
          yield { key: f.name, sizeBytes: size, modifiedAt: updated } satisfies ListedObject;
        }
        pageToken = next?.pageToken || undefined;
      } while (pageToken);
    },
    async download(o) {
      const maxRetries = options.maxRetries ?? 3;
      for (let attempt = 0; ; attempt++) {
        aborted('objects.get', o.key);
        try {
          return await startDownload(downloads.bucket(bucketName).file(o.key), signal);
        } catch (err) {
          if (attempt >= maxRetries || !retryable(err)) throw await failure(err, 'objects.get', o.key);
          await sleep(Math.min(maxRetryDelayMs, 1000 * 2 ** attempt));
        }
      }
    },
  });
}

/**
 * Starts a media download and resolves once the answer's headers say it succeeded (an error answer
 * rejects with the SDK's ApiError). The SDK's stream only sends its request when read: it is piped
 * into a PassThrough right away, which holds the first chunks until the caller reads.
 */
function startDownload(file: GcsFile, signal: AbortSignal | undefined): Promise<{ body: PassThrough; bytes: number | null | undefined }> {
  const stream = file.createReadStream();
  const body = new PassThrough();
  let settled = false;
  return new Promise((resolve, reject) => {
    stream.on('response', (res: { statusCode?: number; headers?: Record<string, string | undefined> }) => {
      if ((res.statusCode ?? 200) < 400 && !settled) {
        settled = true;
        // Content-Length counts the bytes as sent; an object stored gzip-encoded is gunzipped by the
        // SDK, so its size is then unknown in advance (null: no size check; the SDK checks its hash).
        const length = Number(res.headers?.['content-length']);
        const encoded = /gzip/i.test(res.headers?.['content-encoding'] ?? '');
        resolve({ body, bytes: encoded ? null : Number.isFinite(length) ? length : undefined });
      }
    });
    stream.on('error', (err: Error) => {
      if (settled) body.destroy(err);
      else {
        settled = true;
        stream.destroy();
        reject(err);
      }
    });
    if (signal) signal.addEventListener('abort', () => stream.destroy(new Error('aborted')), { once: true });
    stream.pipe(body);
  });
}

/** The SDK's own rule for what is worth retrying: timeouts, throttling, server errors, broken connections. */
function retryable(err: unknown): boolean {
  const code = (err as ApiErrorLike | undefined)?.code;
  if (typeof code === 'number') return code === 408 || code === 429 || code >= 500;
  return typeof code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Who the requests ran as, for access errors: the service account's e-mail when ADC knows it. */
async function principal(storage: { authClient: { getCredentials(): Promise<{ client_email?: string | undefined }> } }): Promise<string> {
  try {
    const email = (await storage.authClient.getCredentials()).client_email;
    if (email) return `service account ${email}`;
  } catch {
    // fall through
  }
  return 'the Application Default Credentials';
}

function jsonError(message: string | undefined): { message?: string; errors?: { reason?: string }[] } | undefined {
  if (!message?.startsWith('{')) return undefined;
  try {
    const doc = JSON.parse(message) as { error?: { message?: string; errors?: { reason?: string }[] } };
    return doc.error;
  } catch {
    return undefined;
  }
}

function gcsFailure({ err, what, where, bucket, who }: { err: unknown; what: string; where: string; bucket: string; who: string }): BillLocationError {
  const e = (err ?? {}) as ApiErrorLike;
  const status = typeof e.code === 'number' ? e.code : undefined;
  // A failed media download carries the JSON error document as its message.
  const doc = jsonError(e.message);
  const reason = e.errors?.[0]?.reason ?? doc?.errors?.[0]?.reason;
  const message = doc?.message ?? e.message;
  const detail = message ? `: ${message}` : '';
  if (status === 401) return new BillLocationError(where, `not authenticated to ${what} (HTTP 401${reason ? ` ${reason}` : ''}): ${who} were refused; set GOOGLE_APPLICATION_CREDENTIALS to a service account key or use Workload Identity${detail}`);
  if (status === 403) {
    const permission = what === 'objects.list' ? 'storage.objects.list' : 'storage.objects.get';
    return new BillLocationError(where, `access denied to ${what} (HTTP 403${reason ? ` ${reason}` : ''}): ${who} need ${permission} on bucket ${bucket} (roles/storage.objectViewer)${detail}`);
  }
  if (status === 404 && what === 'objects.list') return new BillLocationError(where, `bucket "${bucket}" does not exist (HTTP 404)${detail}`);
  if (status === 404) return new BillLocationError(where, `${what}: the object is gone (HTTP 404): deleted between listing and reading`);
  if (status !== undefined) return new BillLocationError(where, `${what} failed with HTTP ${status}${reason ? ` ${reason}` : ''}${detail}`);
  return new BillLocationError(where, `${what} failed: ${e.name ?? 'Error'}${detail}`);
}
