// The providers' own environment variables, as lister options. Pure: the environment is passed in.
import type { AzureBlobListerOptions } from './azure-blob.ts';
import type { GcsListerOptions } from './gcs.ts';
import type { S3ListerOptions } from './s3.ts';

export interface RemoteListerOptions {
  readonly s3?: S3ListerOptions;
  readonly gcs?: GcsListerOptions;
  readonly azure?: AzureBlobListerOptions;
}

/**
 * The providers' own environment variables that their SDKs do not read by themselves in our setup:
 * - the bucket region, `AWS_REGION` / `AWS_DEFAULT_REGION` (default us-east-1, the SDK following
 *   region redirects);
 * - path-style addressing when `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` point at an S3-compatible
 *   store (MinIO and mirrors rarely have per-bucket DNS);
 * - the Azure CLI's `AZURE_STORAGE_CONNECTION_STRING`, `AZURE_STORAGE_SAS_TOKEN`, `AZURE_STORAGE_KEY`.
 * The SDKs find the rest themselves (AWS credentials, `GOOGLE_APPLICATION_CREDENTIALS`). The default
 * listers call this with `process.env` when they list a location.
 */
export function remoteListerOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RemoteListerOptions {
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  const endpoint = env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'];
  const connectionString = env['AZURE_STORAGE_CONNECTION_STRING'];
  const sasToken = env['AZURE_STORAGE_SAS_TOKEN'];
  const accountKey = env['AZURE_STORAGE_KEY'];
  return {
    s3: { ...(region ? { region } : {}), ...(endpoint ? { endpoint, forcePathStyle: true } : {}) },
    gcs: {},
    azure: { ...(connectionString ? { connectionString } : {}), ...(sasToken ? { sasToken } : {}), ...(accountKey ? { accountKey } : {}) },
  };
}
