// s3://bucket/prefix/: AWS Cost and Usage Reports (legacy and CUR 2.0 data exports) in S3, or in an
// S3-compatible store (MinIO, an air-gapped mirror), read with the official AWS SDK v3 client.
// Credentials come from the SDK's standard chain (environment, IRSA web identity token, SSO/shared
// files, ECS/EC2 instance metadata) unless given. The SDK is imported when a bill is first listed.
import type { Readable } from 'node:stream';
import type { BillLister } from '../files.ts';
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { maskedId, parseBucketLocation } from './common.ts';
import { remoteListerOptionsFromEnv } from './env.ts';
import { listBillFiles } from './listing.ts';
import { parseAwsManifest } from './manifests.ts';

export interface S3ListerOptions {
  /** Region of the bucket's endpoint; a wrong one is followed by the SDK's region redirect. Default us-east-1. */
  readonly region?: string | undefined;
  /** An S3-compatible endpoint instead of AWS (`https://minio.internal:9000`, a VPC endpoint). */
  readonly endpoint?: string | undefined;
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual-host style: what MinIO and most mirrors need. */
  readonly forcePathStyle?: boolean | undefined;
  /** Default: the SDK's standard credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string } | undefined;
  /** PEM of a CA to trust for the endpoint (a private MinIO), in addition to the system's. */
  readonly caPem?: string | undefined;
  /** Attempts per request including the first (the SDK's standard retry mode with backoff). Default 4. */
  readonly maxAttempts?: number | undefined;
  /**
   * No answer within this long fails the attempt (retried); a body silent for this long fails the
   * download. Default 60 s.
   */
  readonly idleTimeoutMs?: number | undefined;
  /** Keys per ListObjectsV2 page (1..1000). Default 1000. */
  readonly pageSize?: number | undefined;
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number };
}

export function createS3BillLister(options: S3ListerOptions = {}): BillLister {
  return (location, { signal } = {}) => listS3(location, options, signal);
}

/**
 * The lister the billing dispatch uses: the SDK's standard credential chain and AWS endpoints, and the
 * bucket region from `AWS_REGION` / `AWS_DEFAULT_REGION` (read when a location is listed, as the SDK
 * reads its own variables).
 */
export const listS3BillFiles: BillLister = (location, options) => createS3BillLister(remoteListerOptionsFromEnv(process.env).s3)(location, options);

async function* listS3(location: string, options: S3ListerOptions, signal: AbortSignal | undefined) {
  const { bucket, prefix } = parseBucketLocation(location, 's3');
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const httpsAgent = options.caPem ? new (await import('node:https')).Agent({ keepAlive: true, ca: options.caPem }) : undefined;
  const timeoutMs = options.idleTimeoutMs ?? 60_000;
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    followRegionRedirects: true,
    maxAttempts: options.maxAttempts ?? 4,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // requestTimeout runs until the answer's headers (and only warns unless told to throw);
    // socketTimeout covers a body that stalls afterwards.
    requestHandler: {
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: timeoutMs,
      connectionTimeout: Math.min(timeoutMs, 10_000),
      ...(httpsAgent ? { httpsAgent } : {}),
    },
  });
  const send = { ...(signal ? { abortSignal: signal } : {}) };
  const locationOf = (key: string) => `s3://${bucket}/${key}`;
  const failure = async (err: unknown, what: string, key?: string): Promise<BillLocationError> =>
    s3Failure({ err, what, where: key === undefined ? location : locationOf(key), bucket, key, prefix, client, endpoint: options.endpoint });
  try {
    yield* listBillFiles({
      location,
      locationOf,
      manifests: 'aws',
      async *list() {
        let token: string | undefined;
        do {
          const page = await client
            .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: options.pageSize ?? 1000, ...(token ? { ContinuationToken: token } : {}) }), send)
            .catch(async (err: unknown) => {
              throw await failure(err, 'ListObjectsV2');
            });
          for (const o of page.Contents ?? []) {
            if (o.Key === undefined) continue;
            yield { key: o.Key, sizeBytes: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) } satisfies ListedObject;
          }
          if (page.IsTruncated && !page.NextContinuationToken) throw new BillLocationError(location, 'ListObjectsV2 answered IsTruncated=true without a NextContinuationToken: the listing cannot continue');
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      },
      async download(o) {
        try {
          const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.key }), send);
          if (!out.Body) throw new BillLocationError(locationOf(o.key), 'GetObject answered without a body');
          return { body: out.Body as Readable, bytes: out.ContentLength };
        } catch (err) {
          if (err instanceof BillLocationError) throw err;
          throw await failure(err, 'GetObject', o.key);
        }
      },
      parseManifest: (o, text) => parseAwsManifest({ location: locationOf(o.key), bucket, key: o.key, text, modifiedAt: o.modifiedAt }),
    });
  } finally {
    // Downloads of files already handed out keep their own sockets; destroy() only drops idle ones.
    client.destroy();
  }
}

/** An SDK error as a BillLocationError that says what to fix. */
async function s3Failure({ err, what, where, bucket, key, prefix, client, endpoint }: { err: unknown; what: string; where: string; bucket: string; key: string | undefined; prefix: string; client: { config: { credentials: () => Promise<{ accessKeyId: string }> } }; endpoint: string | undefined }): Promise<BillLocationError> {
  const e = (err ?? {}) as SdkError;
  if (e.name === 'AbortError') return new BillLocationError(where, `${what} aborted`);
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new BillLocationError(where, `no AWS credentials: the SDK's chain found none (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, use IRSA with AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or run with an instance role): ${e.message ?? ''}`.trim());
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const code = e.Code ?? e.name ?? 'Error';
  const attempts = e.$metadata?.attempts;
  const tail = `${e.message ? `: ${e.message}` : ''}${attempts && attempts > 1 ? ` (after ${attempts} attempts)` : ''}`;
  if (status === 403 || code === 'AccessDenied') {
    let who = 'the credentials the SDK found';
    try {
      who = `the credentials with access key ${maskedId((await client.config.credentials()).accessKeyId)}`;
    } catch {
      // keep the generic wording
    }
    const permission = what === 'GetObject' ? `s3:GetObject on arn:aws:s3:::${bucket}/${key ?? ''}` : `s3:ListBucket on arn:aws:s3:::${bucket}${prefix ? ` (for prefix ${prefix})` : ''}`;
    return new BillLocationError(where, `access denied to ${what} (HTTP 403 ${code}): ${who} need ${permission}${tail}`);
  }
  if (code === 'NoSuchBucket') return new BillLocationError(where, `bucket "${bucket}" does not exist${endpoint ? ` at ${endpoint}` : ''} (HTTP 404 NoSuchBucket)`);
  if (code === 'NoSuchKey') return new BillLocationError(where, `${what}: the object is gone (HTTP 404 NoSuchKey): deleted between listing and reading`);
  if (status !== undefined) return new BillLocationError(where, `${what} failed with HTTP ${status} ${code}${tail}`);
  return new BillLocationError(where, `${what} failed: ${code}${tail}`);
}
