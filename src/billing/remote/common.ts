// What the three object-store listers share: parsing `scheme://container/prefix/` locations, the
// object shape a listing produces, and the download guard that turns a short or broken body into a
// BillLocationError naming the object (the SDKs hand back a plain stream that can simply end early).
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { BillLocationError } from '../files.ts';

/** One object from a listing, before it becomes a BillFile. */
export interface ListedObject {
  /** The object's key (S3, GCS) or blob name (Azure), from the container's root. */
  readonly key: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
}

export interface BucketLocation {
  /** The S3 bucket, GCS bucket or Azure container. */
  readonly bucket: string;
  /** Empty (the whole bucket) or ending with `/`. */
  readonly prefix: string;
}

/**
 * `s3://bucket/prefix/` → `{ bucket, prefix }`. A prefix names a folder: `s3://b/cur` reads `cur/`
 * (not `cur-old/`). Throws BillLocationError naming what is wrong.
 */
export function parseBucketLocation(location: string, scheme: 's3' | 'gs'): BucketLocation {
  const m = /^([a-z0-9]+):\/\/([^/]*)(?:\/(.*))?$/.exec(location);
  if (!m || m[1] !== scheme) throw new BillLocationError(location, `expected ${scheme}://bucket/prefix/`);
  const bucket = m[2] ?? '';
  if (!/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(bucket)) {
    throw new BillLocationError(location, bucket === '' ? `the bucket name is missing (expected ${scheme}://bucket/prefix/)` : `"${bucket}" is not a valid bucket name (lowercase letters, digits, dots, dashes and underscores)`);
  }
  return { bucket, prefix: folderPrefix(m[3] ?? '') };
}

export interface AzureLocation extends BucketLocation {
  readonly account: string;
}

/** `azblob://account/container/prefix/` → `{ account, bucket: container, prefix }`. */
export function parseAzureLocation(location: string): AzureLocation {
  const m = /^azblob:\/\/([^/]*)(?:\/([^/]*))?(?:\/(.*))?$/.exec(location);
  if (!m) throw new BillLocationError(location, 'expected azblob://account/container/prefix/');
  const account = m[1] ?? '';
  const container = m[2] ?? '';
  if (!/^[a-z0-9]{3,24}$/.test(account)) {
    throw new BillLocationError(location, account === '' ? 'the storage account name is missing (expected azblob://account/container/prefix/)' : `"${account}" is not a valid storage account name (3-24 lowercase letters and digits)`);
  }
  if (!/^(?:\$root|[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62})$/.test(container)) {
    throw new BillLocationError(location, container === '' ? 'the container name is missing (expected azblob://account/container/prefix/)' : `"${container}" is not a valid container name (3-63 lowercase letters, digits and single dashes)`);
  }
  return { account, bucket: container, prefix: folderPrefix(m[3] ?? '') };
}

function folderPrefix(p: string): string {
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** The last path segment of a key: what decides the format (`report-00001.csv.gz`). */
export function baseName(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}

/** Folder markers (`cur/`, zero-byte keys ending in `/`) are not files. */
export function isFolderMarker(key: string): boolean {
  return key.endsWith('/');
}

/**
 * Passes a downloaded body through, counting bytes: a body that ends before `expectedBytes` (the
 * object's size from the listing or Content-Length) or breaks mid-way fails with a BillLocationError
 * naming the object and how much arrived, so a cut connection is never a shorter bill.
 */
export function checkedBody(body: Readable, { location, expectedBytes }: { location: string; expectedBytes: number | undefined }): Readable {
  let received = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      if (expectedBytes !== undefined && received < expectedBytes) done(new BillLocationError(location, `download truncated: received ${received} of ${expectedBytes} bytes`));
      else if (expectedBytes !== undefined && received > expectedBytes) done(new BillLocationError(location, `download longer than announced: received ${received} bytes, expected ${expectedBytes}`));
      else done();
    },
  });
  body.on('error', (err: Error) => {
    guard.destroy(new BillLocationError(location, `download interrupted after ${received} of ${expectedBytes ?? '?'} bytes: ${err.message}`));
  });
  guard.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(guard);
  return guard;
}

/** Last four characters of a credential id, for error messages (`…WXYZ`). */
export function maskedId(id: string): string {
  return id.length <= 4 ? '…' : `…${id.slice(-4)}`;
}
