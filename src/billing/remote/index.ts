// The object-store listers by URL scheme, for the billing location dispatch. Each SDK is imported by
// its lister on first use (src/billing/remote/lazy.test.ts), so importing this module costs nothing.
import type { BillLister } from '../files.ts';
import type { AzureBlobListerOptions } from './azure-blob.ts';
import { createAzureBillLister } from './azure-blob.ts';
import type { GcsListerOptions } from './gcs.ts';
import { createGcsBillLister } from './gcs.ts';
import type { RemoteListerOptions } from './env.ts';
import type { S3ListerOptions } from './s3.ts';
import { createS3BillLister } from './s3.ts';

export type { AzureBlobListerOptions, GcsListerOptions, S3ListerOptions };
export { createAzureBillLister, createGcsBillLister, createS3BillLister };

export type { RemoteListerOptions } from './env.ts';
export { remoteListerOptionsFromEnv } from './env.ts';

/** `s3:` / `gs:` / `azblob:` → its lister. */
export function createRemoteListers(options: RemoteListerOptions = {}): Readonly<Record<'s3:' | 'gs:' | 'azblob:', BillLister>> {
  return { 's3:': createS3BillLister(options.s3), 'gs:': createGcsBillLister(options.gcs), 'azblob:': createAzureBillLister(options.azure) };
}
