// azblob://account/container/prefix/: Azure Cost Management exports in a storage account, read with the
// official @azure/storage-blob client (List Blobs with NextMarker paging, Get Blob streamed). Authenticated with a SAS token or the account's shared key; a
// partitioned export's manifest.json picks the newest run of each period. The SDK is imported when a
// bill is first listed.
import type { Readable } from 'node:stream';
import type { BillLister } from '../files.ts';
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { parseAzureLocation } from './common.ts';
import { remoteListerOptionsFromEnv } from './env.ts';
import { listBillFiles } from './listing.ts';
import { parseAzureManifest } from './manifests.ts';

export interface AzureBlobListerOptions {
  /**
   * A storage connection string (`AccountName=...;AccountKey=...` or `BlobEndpoint=...;SharedAccessSignature=...`),
   * as the portal and `az storage account show-connection-string` give it. Takes precedence over the
   * other credentials and over `endpoint`.
   */
  readonly connectionString?: string | undefined;
  /**
   * A SAS token (`sv=...&sp=rl&sig=...`, with or without the leading `?`) with read and list
   * permissions on the container. Takes precedence over the account key.
   */
  readonly sasToken?: string | undefined;
  /** The storage account's shared key (base64), for `azblob://` locations of that account. */
  readonly accountKey?: string | undefined;
  /**
   * The blob service URL instead of `https://<account>.blob.core.windows.net` (Azurite, a private
   * endpoint, a sovereign cloud): `http://127.0.0.1:10000/devstoreaccount1`.
   */
  readonly endpoint?: string | undefined;
  /** Tries per request including the first (the SDK's exponential retry). Default 4. */
  readonly maxTries?: number | undefined;
  /** First retry delay, ms (doubles each try, the SDK's policy). Default 4000 (the SDK's). */
  readonly retryDelayMs?: number | undefined;
  /** Blobs per List Blobs page (1..5000). Default 5000. */
  readonly pageSize?: number | undefined;
}

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
}

export function createAzureBillLister(options: AzureBlobListerOptions = {}): BillLister {
  return (location, { signal } = {}) => listAzure(location, options, signal);
}

/**
 * The lister the billing dispatch uses: credentials from the Azure CLI's variables
 * `AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_SAS_TOKEN` or `AZURE_STORAGE_KEY` (read when a
 * location is listed), else anonymous access (a public container).
 */
export const listAzureBillFiles: BillLister = (location, options) => createAzureBillLister(remoteListerOptionsFromEnv(process.env).azure)(location, options);

async function* listAzure(location: string, options: AzureBlobListerOptions, signal: AbortSignal | undefined) {
  const { account, bucket: container, prefix } = parseAzureLocation(location);
  const { ContainerClient, StorageSharedKeyCredential, AnonymousCredential } = await import('@azure/storage-blob');
  const base = (options.endpoint ?? `https://${account}.blob.core.windows.net`).replace(/\/+$/, '');
  const sas = options.sasToken?.replace(/^\?/, '');
  const url = `${base}/${encodeURIComponent(container)}${sas ? `?${sas}` : ''}`;
  const pipeline = {
    retryOptions: { maxTries: options.maxTries ?? 4, ...(options.retryDelayMs !== undefined ? { retryDelayInMs: options.retryDelayMs, maxRetryDelayInMs: options.retryDelayMs * 8 } : {}) },
  };
  let client: InstanceType<typeof ContainerClient>;
  let auth: string;
  if (options.connectionString) {
    const fields = new Map(options.connectionString.split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    const named = fields.get('AccountName');
    if (named && named !== account) throw new BillLocationError(location, `the connection string is for account ${named}, not ${account}`);
    auth = fields.has('SharedAccessSignature') ? `the connection string's SAS (${sasSummary(fields.get('SharedAccessSignature') ?? '')})` : `the connection string's shared key of account ${named ?? account}`;
    try {
      client = new ContainerClient(options.connectionString, container, pipeline);
    } catch (err) {
      throw new BillLocationError(location, `the connection string is not usable: ${(err as Error).message}`);
    }
  } else {
    const credential = sas || !options.accountKey ? new AnonymousCredential() : new StorageSharedKeyCredential(account, options.accountKey);
    auth = sas ? `the SAS token (${sasSummary(sas)})` : options.accountKey ? `the shared key of account ${account}` : 'anonymous access (no SAS token or account key configured)';
    client = new ContainerClient(url, credential, pipeline);
  }
  const abort = signal ? { abortSignal: signal } : {};
  const locationOf = (name: string) => `azblob://${account}/${container}/${name}`;
  const failure = (err: unknown, what: string, name?: string) => azureFailure({ err, what, where: name === undefined ? location : locationOf(name), account, container, auth });
  yield* listBillFiles({
    location,
    locationOf,
    manifests: 'azure',
    async *list() {
      const pages = client.listBlobsFlat({ ...(prefix ? { prefix } : {}), ...abort }).byPage({ maxPageSize: options.pageSize ?? 5000 });
      while (true) {
        let page: Awaited<ReturnType<typeof pages.next>>;
        try {
          page = await pages.next();
        } catch (err) {
          throw failure(err, 'List Blobs');
        }
        if (page.done) return;
        for (const b of page.value.segment.blobItems) {
          yield { key: b.name, sizeBytes: b.properties.contentLength ?? 0, modifiedAt: b.properties.lastModified } satisfies ListedObject;
        }
      }
    },
    async download(o) {
      try {
        // maxRetryRequests: the SDK re-requests the rest with a Range when a body ends early; a connection
        // cut mid-body (Node reports it as aborted) is not resumed and fails as a truncated download.
        const out = await client.getBlobClient(o.key).download(0, undefined, { maxRetryRequests: 3, ...abort });
        if (!out.readableStreamBody) throw new BillLocationError(locationOf(o.key), 'Get Blob answered without a body');
        return { body: out.readableStreamBody as Readable, bytes: out.contentLength };
      } catch (err) {
        if (err instanceof BillLocationError) throw err;
        throw failure(err, 'Get Blob', o.key);
      }
    },
    parseManifest: (o, text) => parseAzureManifest({ location: locationOf(o.key), key: o.key, text, modifiedAt: o.modifiedAt }),
  });
}

/** What a SAS grants, without its signature: `sp=rl, se=2026-12-31T00:00:00Z`. */
function sasSummary(sas: string): string {
  const q = new URLSearchParams(sas);
  return [`sp=${q.get('sp') ?? '?'}`, `se=${q.get('se') ?? '?'}`].join(', ');
}

function azureFailure({ err, what, where, account, container, auth }: { err: unknown; what: string; where: string; account: string; container: string; auth: string }): BillLocationError {
  const e = (err ?? {}) as RestErrorLike;
  if (e.name === 'AbortError') return new BillLocationError(where, `${what} aborted`);
  const status = e.statusCode;
  const code = e.code ?? e.name ?? 'Error';
  const detail = e.message ? `: ${e.message.split('\n')[0]}` : '';
  if (status === 403 || status === 401) {
    const need =
      what === 'List Blobs'
        ? `list and read on container ${container} of account ${account} (a SAS with sp=rl, or the Storage Blob Data Reader role)`
        : `read on container ${container} of account ${account} (a SAS with sp=r, or the Storage Blob Data Reader role)`;
    return new BillLocationError(where, `access denied to ${what} (HTTP ${status} ${code}): ${auth} does not grant ${need}${detail}`);
  }
  if (code === 'ContainerNotFound') return new BillLocationError(where, `container "${container}" does not exist in account ${account} (HTTP 404 ContainerNotFound)`);
  if (code === 'BlobNotFound') return new BillLocationError(where, `${what}: the blob is gone (HTTP 404 BlobNotFound): deleted between listing and reading`);
  if (status !== undefined) return new BillLocationError(where, `${what} failed with HTTP ${status} ${code}${detail}`);
  return new BillLocationError(where, `${what} failed: ${code}${detail}`);
}
