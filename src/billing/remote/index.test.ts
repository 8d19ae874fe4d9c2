import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRemoteListers, remoteListerOptionsFromEnv } from './index.ts';

test('remoteListerOptionsFromEnv: the providers\' variables the SDKs do not read themselves', () => {
  const cases: [Record<string, string>, unknown][] = [
    [{}, { s3: {}, gcs: {}, azure: {} }],
    [{ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }, { s3: { region: 'eu-west-1' }, gcs: {}, azure: {} }],
    [{ AWS_DEFAULT_REGION: 'us-west-2' }, { s3: { region: 'us-west-2' }, gcs: {}, azure: {} }],
    [{ AWS_ENDPOINT_URL: 'https://minio.internal:9000' }, { s3: { endpoint: 'https://minio.internal:9000', forcePathStyle: true }, gcs: {}, azure: {} }],
    [{ AWS_ENDPOINT_URL: 'https://a', AWS_ENDPOINT_URL_S3: 'https://s3.mirror' }, { s3: { endpoint: 'https://s3.mirror', forcePathStyle: true }, gcs: {}, azure: {} }],
    [{ AZURE_STORAGE_CONNECTION_STRING: 'AccountName=a;AccountKey=a2V5' }, { s3: {}, gcs: {}, azure: { connectionString: 'AccountName=a;AccountKey=a2V5' } }],
    [{ AWS_REGION: '', AZURE_STORAGE_SAS_TOKEN: 'sv=2024-11-04&sp=rl&sig=x', AZURE_STORAGE_KEY: 'a2V5' }, { s3: {}, gcs: {}, azure: { sasToken: 'sv=2024-11-04&sp=rl&sig=x', accountKey: 'a2V5' } }],
  ];
  for (const [env, want] of cases) assert.deepEqual(remoteListerOptionsFromEnv(env), want, JSON.stringify(env));
});

test('createRemoteListers: one lister per scheme', () => {
  assert.deepEqual(Object.keys(createRemoteListers()), ['s3:', 'gs:', 'azblob:']);
});
