// The object-store listers by URL scheme, for the billing location dispatch. Each SDK is imported by
// its lister on first use (src/billing/remote/lazy.test.ts), so importing this module costs nothing.
import type { BillLister } from '../files.ts';
import type { AzureBlobListerOptions } from './azure-blob.ts';
import { createAzureBillLister } from './azure-blob.ts';
import type { GcsListerOptions } from './gcs.ts';
import { createGcsBillLister } from './gcs.ts';
import type { S3ListerOptions } from './s3.ts';
import { createS3BillLister } from './s3.ts';

export type { AzureBlobListerOptions, GcsListerOptions, S3ListerOptions };
export { createAzureBillLister, createGcsBillLister, createS3BillLister };

export interface RemoteListerOptions {
  readonly s3?: S3ListerOptions;
  readonly gcs?: GcsListerOptions;
  readonly azure?: AzureBlobListerOptions;
}

/** `s3:` / `gs:` / `azblob:` → its lister. */
export function createRemoteListers(options: RemoteListerOptions = {}): Readonly<Record<'s3:' | 'gs:' | 'azblob:', BillLister>> {
  return { 's3:': createS3BillLister(options.s3), 'gs:': createGcsBillLister(options.gcs), 'azblob:': createAzureBillLister(options.azure) };
}

/**
 * The providers' own environment variables that their SDKs do not read by themselves in our setup:
 * the bucket region (`AWS_REGION`, `AWS_DEFAULT_REGION`; default us-east-1 with the SDK following
 * region redirects) and the Azure CLI's `AZURE_STORAGE_CONNECTION_STRING` / `AZURE_STORAGE_SAS_TOKEN` /
 * `AZURE_STORAGE_KEY`. Everything
 * else the SDKs find themselves: AWS credentials and `AWS_ENDPOINT_URL_S3`, Google's
 * `GOOGLE_APPLICATION_CREDENTIALS`. Called once at the edge with `process.env`.
 */
export function remoteListerOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RemoteListerOptions {
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  const connectionString = env['AZURE_STORAGE_CONNECTION_STRING'];
  const sasToken = env['AZURE_STORAGE_SAS_TOKEN'];
  const accountKey = env['AZURE_STORAGE_KEY'];
  return {
    s3: region ? { region } : {},
    gcs: {},
    azure: { ...(connectionString ? { connectionString } : {}), ...(sasToken ? { sasToken } : {}), ...(accountKey ? { accountKey } : {}) },
  };
}
