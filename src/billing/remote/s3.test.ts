// The S3 lister through the real AWS SDK v3 client against a local HTTPS server (own CA, path-style,
// like a MinIO mirror) that speaks S3's wire format: ListObjectsV2 XML pages with IsTruncated and
// NextContinuationToken, GetObject bodies, S3 error documents.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BillLocationError } from '../files.ts';
import { createS3BillLister } from './s3.ts';
import type { Fake, SeenRequest, StoredObject, StoreServer } from './store-server.test-util.ts';
import { collect, object, resetFake, startStoreServer, text, truncated, xmlEscape } from './store-server.test-util.ts';

const BUCKET = 'cur-bucket';
const ACCESS_KEY = 'AKIDBILLREADER01';

const fake: Fake = { objects: [] };
let server: StoreServer;


function s3Error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/xml', ...headers });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>test</HostId></Error>`);
}

/** Path-style S3: GET /bucket?list-type=2&prefix=&continuation-token=&max-keys=, GET /bucket/key. */
function s3(req: SeenRequest, res: ServerResponse): void {
  if (fake.fault?.(req, res)) return;
  if (req.method === 'POST' && new URLSearchParams(req.body).get('Action') === 'AssumeRoleWithWebIdentity') {
    sts(req, res);
    return;
  }
  const irsa = /^AWS4-HMAC-SHA256 Credential=ASIAIRSA00000001\//.test(String(req.headers.authorization)) && req.headers['x-amz-security-token'] === IRSA_SESSION_TOKEN;
  if (!irsa && !/^AWS4-HMAC-SHA256 Credential=AKIDBILLREADER01\//.test(String(req.headers.authorization))) {
    s3Error(res, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    return;
  }
  const [, bucket, ...rest] = req.path.split('/');
  if (bucket !== BUCKET) {
    s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    return;
  }
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    assert.equal(req.query.get('list-type'), '2');
    const prefix = req.query.get('prefix') ?? '';
    const max = Number(req.query.get('max-keys') ?? 1000);
    const from = Number(req.query.get('continuation-token')?.replace('page-', '') ?? 0);
    const all = fake.objects.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
    const page = all.slice(from, from + max);
    const more = from + max < all.length;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${more}</IsTruncated>` +
        (from ? `<ContinuationToken>page-${from}</ContinuationToken>` : '') +
        (more ? `<NextContinuationToken>page-${from + max}</NextContinuationToken>` : '') +
        page.map((o) => `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.modifiedAt.toISOString()}</LastModified><ETag>"0123456789abcdef"</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
        '</ListBucketResult>',
    );
    return;
  }
  const key = rest.map(decodeURIComponent).join('/');
  const o = fake.objects.find((x) => x.key === key);
  if (!o) {
    s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    return;
  }
  res.writeHead(200, { 'content-length': String(o.body.length), 'last-modified': o.modifiedAt.toUTCString(), etag: '"0123456789abcdef"', 'content-type': 'application/octet-stream' });
  res.end(o.body);
}

const IRSA_SESSION_TOKEN = 'FwoGZXIvYXdzEIRSA-session-token';
const IRSA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.projected-service-account-token.sig';

/** STS AssumeRoleWithWebIdentity, as EKS's IRSA uses it (form-encoded POST, XML answer). */
function sts(req: SeenRequest, res: ServerResponse): void {
  const form = new URLSearchParams(req.body);
  if (form.get('WebIdentityToken') !== IRSA_TOKEN || form.get('RoleArn') !== 'arn:aws:iam::123456789012:role/kce-billing') {
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(
    '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>' +
      '<SubjectFromWebIdentityToken>system:serviceaccount:kube-cost:kube-cost-exporter</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>' +
      '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/kce-billing/kce</Arn><AssumedRoleId>AROACLKWSDQRAOEXAMPLE:kce</AssumedRoleId></AssumedRoleUser>' +
      `<Credentials><AccessKeyId>ASIAIRSA00000001</AccessKeyId><SecretAccessKey>irsa-secret</SecretAccessKey><SessionToken>${IRSA_SESSION_TOKEN}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>` +
      '<Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE</Provider>' +
      '</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>',
  );
}

before(async () => {
  server = await startStoreServer(s3, { tls: true });
});
after(() => server.close());

function lister(options: { maxAttempts?: number; pageSize?: number; idleTimeoutMs?: number } = {}) {
  return createS3BillLister({ endpoint: server.url, forcePathStyle: true, region: 'eu-west-1', caPem: server.caPem, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'secret' }, ...options });
}

function reset(objects: StoredObject[], fault?: Fake['fault']): void {
  resetFake(fake, server, objects, fault);
}

const listRequests = () => server.requests.filter((r) => r.query.get('list-type') === '2');

test('S3: pages through ListObjectsV2 with continuation tokens and streams every object (no manifests)', async () => {
  reset([
    object('gcp/a.csv', 'a', '2026-11-01T00:00:00Z'),
    object('gcp/b.csv', 'bb', '2026-11-02T00:00:00Z'),
    object('gcp/c.csv', 'ccc', '2026-11-03T00:00:00Z'),
    object('gcp/d.csv.gz', 'dddd', '2026-11-04T00:00:00Z'),
    object('gcp/sub/e.json', 'eeeee', '2026-11-05T00:00:00Z'),
    object('gcp/', '', '2026-11-01T00:00:00Z'), // a folder marker
    object('other/x.csv', 'x', '2026-11-01T00:00:00Z'),
  ]);
  const files = await collect(lister({ pageSize: 2 })(`s3://${BUCKET}/gcp`, {}));
  assert.deepEqual(
    files.map((f) => [f.location, f.name, f.sizeBytes, f.modifiedAt.toISOString()]),
    [
      ['s3://cur-bucket/gcp/a.csv', 'a.csv', 1, '2026-11-01T00:00:00.000Z'],
      ['s3://cur-bucket/gcp/b.csv', 'b.csv', 2, '2026-11-02T00:00:00.000Z'],
      ['s3://cur-bucket/gcp/c.csv', 'c.csv', 3, '2026-11-03T00:00:00.000Z'],
      ['s3://cur-bucket/gcp/d.csv.gz', 'd.csv.gz', 4, '2026-11-04T00:00:00.000Z'],
      ['s3://cur-bucket/gcp/sub/e.json', 'e.json', 5, '2026-11-05T00:00:00.000Z'],
    ],
  );
  // 6 keys under gcp/ (with the folder marker) in pages of 2: three requests, tokens passed back.
  assert.deepEqual(
    listRequests().map((r) => [r.query.get('prefix'), r.query.get('max-keys'), r.query.get('continuation-token')]),
    [
      ['gcp/', '2', null],
      ['gcp/', '2', 'page-2'],
      ['gcp/', '2', 'page-4'],
    ],
  );
  assert.match(String(listRequests()[0]?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDBILLREADER01\/\d{8}\/eu-west-1\/s3\/aws4_request/);
  assert.deepEqual(await Promise.all(files.map(async (f) => text(await f.open()))), ['a', 'bb', 'ccc', 'dddd', 'eeeee']);
});

const legacyManifest = (assemblyId: string, start: string, end: string, keys: string[]) =>
  JSON.stringify({
    assemblyId,
    account: '123456789012',
    columns: [{ category: 'lineItem', name: 'UnblendedCost', type: 'BigDecimal' }],
    charset: 'UTF-8',
    compression: 'GZIP',
    contentType: 'text/csv',
    reportId: 'f3c5e0c1',
    reportName: 'hourly',
    billingPeriod: { start, end },
    bucket: BUCKET,
    reportKeys: keys,
    additionalArtifactKeys: [],
  });

test('S3: legacy CUR with kept versions: only the newest assembly of each billing period, from the period manifest', async () => {
  const oct = 'cur/hourly/20261001-20261101';
  const nov = 'cur/hourly/20261101-20261201';
  const novOld = [`${nov}/aaaa-old/hourly-1.csv.gz`, `${nov}/aaaa-old/hourly-2.csv.gz`];
  const novNew = [`${nov}/bbbb-new/hourly-1.csv.gz`, `${nov}/bbbb-new/hourly-2.csv.gz`, `${nov}/bbbb-new/hourly-3.csv.gz`];
  const octFinal = [`${oct}/cccc-final/hourly-1.csv.gz`];
  reset([
    object(`${oct}/hourly-Manifest.json`, legacyManifest('cccc-final', '20261001T000000.000Z', '20261101T000000.000Z', octFinal), '2026-11-03T10:00:00Z'),
    object(`${oct}/cccc-final/hourly-Manifest.json`, legacyManifest('cccc-final', '20261001T000000.000Z', '20261101T000000.000Z', octFinal), '2026-11-03T10:00:00Z'),
    object(octFinal[0]!, 'oct-1', '2026-11-03T10:00:00Z'),
    object(`${nov}/hourly-Manifest.json`, legacyManifest('bbbb-new', '20261101T000000.000Z', '20261201T000000.000Z', novNew), '2026-11-29T08:00:00Z'),
    object(`${nov}/aaaa-old/hourly-Manifest.json`, legacyManifest('aaaa-old', '20261101T000000.000Z', '20261201T000000.000Z', novOld), '2026-11-28T08:00:00Z'),
    object(`${nov}/bbbb-new/hourly-Manifest.json`, legacyManifest('bbbb-new', '20261101T000000.000Z', '20261201T000000.000Z', novNew), '2026-11-29T08:00:00Z'),
    object(`${nov}/aaaa-old/hourly-RedshiftCommands.sql`, 'copy ...', '2026-11-28T08:00:00Z'),
    object(`${nov}/aaaa-old/hourly-RedshiftManifest.json`, '{"entries":[]}', '2026-11-28T08:00:00Z'),
    ...novOld.map((k) => object(k, 'old', '2026-11-28T08:00:00Z')),
    ...novNew.map((k, i) => object(k, `new-${i + 1}`, '2026-11-29T08:00:00Z')),
  ]);
  const files = await collect(lister()(`s3://${BUCKET}/cur/`, {}));
  assert.deepEqual(
    files.map((f) => f.location),
    [`s3://cur-bucket/${octFinal[0]}`, ...novNew.map((k) => `s3://cur-bucket/${k}`)],
  );
  assert.deepEqual(await Promise.all(files.map(async (f) => text(await f.open()))), ['oct-1', 'new-1', 'new-2', 'new-3']);
  // Only the two period manifests were read, not the per-assembly copies.
  const manifestReads = server.requests.filter((r) => r.path.endsWith('-Manifest.json')).map((r) => decodeURIComponent(r.path));
  assert.deepEqual(manifestReads.sort(), [`/cur-bucket/${oct}/hourly-Manifest.json`, `/cur-bucket/${nov}/hourly-Manifest.json`]);
});

const cur2Manifest = (executionId: string, start: string, files: string[]) =>
  JSON.stringify({
    executionId,
    bucket: BUCKET,
    exportArn: 'arn:aws:bcm-data-exports:us-east-1:123456789012:export/k8s-cur2-0f7f',
    exportName: 'k8s-cur2',
    billingPeriod: { start, end: '' },
    dataFiles: files.map((k) => `s3://${BUCKET}/${k}`),
    exportTimestamp: '2026-11-29T06:12:00.000Z',
  });

test('S3: CUR 2.0 data export: the dataFiles of each billing period manifest, s3:// URIs resolved in the bucket', async () => {
  const data = 'exports/k8s-cur2/data';
  const meta = 'exports/k8s-cur2/metadata';
  reset([
    object(`${meta}/BILLING_PERIOD=2026-10/k8s-cur2-Manifest.json`, cur2Manifest('e-10', '2026-10-01T00:00:00.000Z', [`${data}/BILLING_PERIOD=2026-10/k8s-cur2-00001.snappy.parquet`]), '2026-11-02T06:00:00Z'),
    object(`${meta}/BILLING_PERIOD=2026-11/k8s-cur2-Manifest.json`, cur2Manifest('e-11', '2026-11-01T00:00:00.000Z', [`${data}/BILLING_PERIOD=2026-11/k8s-cur2-00001.snappy.parquet`, `${data}/BILLING_PERIOD=2026-11/k8s-cur2-00002.snappy.parquet`]), '2026-11-29T06:00:00Z'),
    object(`${data}/BILLING_PERIOD=2026-10/k8s-cur2-00001.snappy.parquet`, 'PAR1-oct', '2026-11-02T06:00:00Z'),
    object(`${data}/BILLING_PERIOD=2026-11/k8s-cur2-00001.snappy.parquet`, 'PAR1-nov-1', '2026-11-29T06:00:00Z'),
    object(`${data}/BILLING_PERIOD=2026-11/k8s-cur2-00002.snappy.parquet`, 'PAR1-nov-2', '2026-11-29T06:00:00Z'),
    object(`${data}/BILLING_PERIOD=2026-11/k8s-cur2-stale.snappy.parquet`, 'from an earlier run', '2026-11-20T06:00:00Z'),
  ]);
  const files = await collect(lister()(`s3://${BUCKET}/exports/`, {}));
  assert.deepEqual(
    files.map((f) => [f.name, f.sizeBytes]),
    [
      ['k8s-cur2-00001.snappy.parquet', 8],
      ['k8s-cur2-00001.snappy.parquet', 10],
      ['k8s-cur2-00002.snappy.parquet', 10],
    ],
  );
  assert.equal(files[0]?.location, `s3://cur-bucket/${data}/BILLING_PERIOD=2026-10/k8s-cur2-00001.snappy.parquet`);
});

test('S3: 503 SlowDown and 429 with Retry-After are retried by the SDK; the listing and the download complete', async () => {
  let listFaults = 1;
  let getFaults = 1;
  reset([object('bills/a.csv', 'line-1\nline-2\n', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('list-type') === '2' && listFaults > 0) {
      listFaults--;
      s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.', { 'retry-after': '1' });
      return true;
    }
    if (req.path.endsWith('/a.csv') && getFaults > 0) {
      getFaults--;
      s3Error(res, 429, 'TooManyRequests', 'Too many requests', { 'retry-after': '1' });
      return true;
    }
    return false;
  });
  const files = await collect(lister()(`s3://${BUCKET}/bills/`, {}));
  assert.equal(await text(await files[0]!.open()), 'line-1\nline-2\n');
  assert.equal(listRequests().length, 2, 'one throttled ListObjectsV2, one retry');
  assert.equal(server.requests.filter((r) => r.path.endsWith('/a.csv')).length, 2, 'one throttled GetObject, one retry');
  // The retry is the SDK's own: it says so in its attempt header.
  assert.match(String(listRequests()[1]?.headers['amz-sdk-request']), /attempt=2/);
});

test('S3: a throttling that outlasts the attempts is a BillLocationError naming the location and the attempts', async () => {
  reset([object('bills/a.csv', 'x', '2026-11-01T00:00:00Z')], (_req, res) => {
    s3Error(res, 503, 'SlowDown', 'Please reduce your request rate.');
    return true;
  });
  await assert.rejects(collect(lister({ maxAttempts: 2 })(`s3://${BUCKET}/bills/`, {})), new BillLocationError('s3://cur-bucket/bills/', 'ListObjectsV2 failed with HTTP 503 SlowDown: Please reduce your request rate. (after 2 attempts)'));
});

test('S3: 403 AccessDenied names the location, the credential and the permission it lacks', async () => {
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('list-type') === '2') {
      s3Error(res, 403, 'AccessDenied', 'Access Denied');
      return true;
    }
    return false;
  });
  await assert.rejects(
    collect(lister()(`s3://${BUCKET}/cur/`, {})),
    new BillLocationError('s3://cur-bucket/cur/', 'access denied to ListObjectsV2 (HTTP 403 AccessDenied): the credentials with access key …ER01 need s3:ListBucket on arn:aws:s3:::cur-bucket (for prefix cur/): Access Denied'),
  );

  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.path.endsWith('/a.csv')) {
      s3Error(res, 403, 'AccessDenied', 'Access Denied');
      return true;
    }
    return false;
  });
  const [file] = await collect(lister()(`s3://${BUCKET}/cur/`, {}));
  await assert.rejects(file!.open(), new BillLocationError('s3://cur-bucket/cur/a.csv', 'access denied to GetObject (HTTP 403 AccessDenied): the credentials with access key …ER01 need s3:GetObject on arn:aws:s3:::cur-bucket/cur/a.csv: Access Denied'));
});

test('S3: a missing bucket, an empty prefix, malformed XML and a truncated body are errors naming the location', async () => {
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  await assert.rejects(collect(lister()('s3://no-such-bucket/cur/', {})), (err: unknown) => err instanceof BillLocationError && err.location === 's3://no-such-bucket/cur/' && /bucket "no-such-bucket" does not exist at https:\/\/127\.0\.0\.1:\d+ \(HTTP 404 NoSuchBucket\)/.test(err.message));

  await assert.rejects(
    collect(lister()(`s3://${BUCKET}/nothing-here/`, {})),
    new BillLocationError('s3://cur-bucket/nothing-here/', 'no objects under this prefix (check the bucket and prefix, which are case-sensitive, and that the export has delivered)'),
  );

  reset([], (req, res) => {
    if (req.query.get('list-type') !== '2') return false;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>cur-bucket</Name><Contents><Key>cur/a.csv</Key><Size>1'); // cut mid-document
    return true;
  });
  await assert.rejects(collect(lister()(`s3://${BUCKET}/cur/`, {})), (err: unknown) => err instanceof BillLocationError && err.location === 's3://cur-bucket/cur/' && /^billing location s3:\/\/cur-bucket\/cur\/: ListObjectsV2 failed/.test(err.message));

  reset([object('cur/big.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')], (req, res) => {
    if (!req.path.endsWith('/big.csv')) return false;
    truncated(res, Buffer.from('x'.repeat(40)), 100);
    return true;
  });
  const [file] = await collect(lister()(`s3://${BUCKET}/cur/`, {}));
  await assert.rejects(text(await file!.open()), (err: unknown) => err instanceof BillLocationError && err.location === 's3://cur-bucket/cur/big.csv' && /^billing location s3:\/\/cur-bucket\/cur\/big\.csv: download (interrupted after 40 of 100 bytes|truncated: received 40 of 100 bytes)/.test(err.message));
});

test('S3: a manifest that is not JSON, or lists a file that is not there, is an error naming the manifest', async () => {
  reset([object('cur/hourly/20261101-20261201/hourly-Manifest.json', '{"reportKeys": [', '2026-11-29T08:00:00Z')]);
  await assert.rejects(collect(lister()(`s3://${BUCKET}/cur/`, {})), (err: unknown) => err instanceof BillLocationError && err.location === 's3://cur-bucket/cur/hourly/20261101-20261201/hourly-Manifest.json' && /manifest is not valid JSON/.test(err.message));

  reset([object('cur/hourly/20261101-20261201/hourly-Manifest.json', legacyManifest('a1', '20261101T000000.000Z', '20261201T000000.000Z', ['cur/hourly/20261101-20261201/a1/hourly-1.csv.gz']), '2026-11-29T08:00:00Z')]);
  await assert.rejects(
    collect(lister()(`s3://${BUCKET}/cur/`, {})),
    new BillLocationError('s3://cur-bucket/cur/hourly/20261101-20261201/hourly-Manifest.json', 'manifest lists s3://cur-bucket/cur/hourly/20261101-20261201/a1/hourly-1.csv.gz, which is not under the location (deleted, outside the prefix, or still being delivered)'),
  );
});

test('S3: locations that are not s3://bucket/prefix/ are refused before any request', async () => {
  const cases: [string, string][] = [
    ['s3://', 'billing location s3://: the bucket name is missing (expected s3://bucket/prefix/)'],
    ['s3://Bills_2026/cur/', 'billing location s3://Bills_2026/cur/: "Bills_2026" is not a valid bucket name (lowercase letters, digits, dots, dashes and underscores)'],
    ['gs://bucket/cur/', 'billing location gs://bucket/cur/: expected s3://bucket/prefix/'],
  ];
  reset([]);
  for (const [location, message] of cases) {
    await assert.rejects(collect(lister()(location, {})), (err: unknown) => err instanceof BillLocationError && err.message === message, location);
  }
  assert.equal(server.requests.length, 0);
});

/**
 * Lists in a fresh process whose only AWS configuration is `env` (no ~/.aws, no instance metadata),
 * trusting the test CA through NODE_EXTRA_CA_CERTS the way a pod trusts a private mirror's CA.
 */
function listInChild(env: Record<string, string>, { defaultLister = false } = {}): Promise<{ files?: string[]; error?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kce-s3-chain-'));
  writeFileSync(join(dir, 'ca.crt'), server.caPem);
  writeFileSync(join(dir, 'token'), IRSA_TOKEN);
  const script = `
const { createS3BillLister, listS3BillFiles } = await import(${JSON.stringify(new URL('./s3.ts', import.meta.url).href)});
const list = ${defaultLister} ? listS3BillFiles : createS3BillLister({ endpoint: ${JSON.stringify(server.url)}, forcePathStyle: true, region: 'eu-west-1', maxAttempts: 1 });
const files = [];
try {
  for await (const f of list('s3://${BUCKET}/cur/', {})) files.push(f.location);
  process.stdout.write(JSON.stringify({ files }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err.message }));
}`;
  const childEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('$DIR', dir)])),
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '--eval', script], { env: childEnv, cwd: fileURLToPath(new URL('../../..', import.meta.url)), timeout: 60_000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as { files?: string[]; error?: string });
    });
  });
}

test('S3: the SDK\'s default chain: IRSA web identity (STS AssumeRoleWithWebIdentity, then a session-signed listing); none at all is a clear error', async () => {
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  const irsa = await listInChild({ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/kce-billing', AWS_WEB_IDENTITY_TOKEN_FILE: '$DIR/token', AWS_ENDPOINT_URL_STS: server.url, AWS_REGION: 'eu-west-1' });
  assert.deepEqual(irsa, { files: ['s3://cur-bucket/cur/a.csv'] });
  const assumed = server.requests.filter((r) => r.method === 'POST');
  assert.equal(assumed.length, 1);
  assert.equal(new URLSearchParams(assumed[0]!.body).get('RoleArn'), 'arn:aws:iam::123456789012:role/kce-billing');
  assert.equal(listRequests()[0]?.headers['x-amz-security-token'], IRSA_SESSION_TOKEN);

  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  const none = await listInChild({});
  assert.match(none.error ?? '', /^billing location s3:\/\/cur-bucket\/cur\/: no AWS credentials: the SDK's chain found none \(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, use IRSA with AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, or run with an instance role\)/);
  assert.equal(server.requests.length, 0, 'nothing unsigned was sent');
});

test('S3: an abort signal stops a listing waiting on a slow page, as a BillLocationError naming the location', async () => {
  const controller = new AbortController();
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')], (req) => {
    if (req.query.get('list-type') !== '2') return false;
    controller.abort(); // the page never comes: the answer is left hanging
    return true;
  });
  await assert.rejects(collect(lister()(`s3://${BUCKET}/cur/`, { signal: controller.signal })), new BillLocationError('s3://cur-bucket/cur/', 'ListObjectsV2 aborted'));
});

test('S3: a bucket in another region than configured is followed by the SDK\'s region redirect (301 PermanentRedirect + x-amz-bucket-region)', async () => {
  reset([object('cur/a.csv', 'eu-central', '2026-11-01T00:00:00Z')], (req, res) => {
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\//.exec(String(req.headers.authorization))?.[1];
    if (region === 'eu-central-1') return false;
    res.writeHead(301, { 'content-type': 'application/xml', 'x-amz-bucket-region': 'eu-central-1' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>${BUCKET}.s3.eu-central-1.amazonaws.com</Endpoint><Bucket>${BUCKET}</Bucket></Error>`);
    return true;
  });
  const files = await collect(createS3BillLister({ endpoint: server.url, forcePathStyle: true, caPem: server.caPem, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: 'secret' } })(`s3://${BUCKET}/cur/`, {}));
  assert.equal(await text(await files[0]!.open()), 'eu-central');
  const regions = server.requests.map((r) => /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(r.headers.authorization))?.[1]);
  assert.equal(regions[0], 'us-east-1', 'the default region first');
  assert.equal(regions.at(-1), 'eu-central-1', 'then the bucket\'s');
});

test('S3: listS3BillFiles, the lister the billing dispatch imports, is configured by the environment alone (endpoint, region, keys, extra CA)', async () => {
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  const out = await listInChild({ AWS_ENDPOINT_URL_S3: server.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: 'secret' }, { defaultLister: true });
  assert.deepEqual(out, { files: ['s3://cur-bucket/cur/a.csv'] });
  assert.equal(listRequests()[0]?.path, `/${BUCKET}/`, 'path-style');
  assert.match(String(listRequests()[0]?.headers.authorization), /Credential=AKIDBILLREADER01\/\d{8}\/eu-west-1\/s3\//);
});

test('S3: a server that stops answering fails the attempt after the idle timeout; the SDK retries, then a BillLocationError', async () => {
  reset([object('cur/a.csv', 'x', '2026-11-01T00:00:00Z')], (req) => req.query.get('list-type') === '2'); // never answered
  await assert.rejects(collect(lister({ maxAttempts: 2, idleTimeoutMs: 200 })(`s3://${BUCKET}/cur/`, {})), (err: unknown) => err instanceof BillLocationError && err.location === 's3://cur-bucket/cur/' && /^ListObjectsV2 failed: TimeoutError/.test(err.reason));
  assert.equal(listRequests().length, 2, 'the timed-out attempt was retried once');
});

test('S3: a download whose body stalls fails after the idle timeout, naming the object', async () => {
  reset([object('cur/a.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')], (req, res) => {
    if (!req.path.endsWith('/a.csv')) return false;
    res.writeHead(200, { 'content-length': '100' });
    res.write('x'.repeat(30)); // then silence, the connection kept open
    return true;
  });
  const [file] = await collect(lister({ idleTimeoutMs: 300 })(`s3://${BUCKET}/cur/`, {}));
  await assert.rejects(text(await file!.open()), (err: unknown) => err instanceof BillLocationError && err.location === 's3://cur-bucket/cur/a.csv' && /^download interrupted after 30 of 100 bytes/.test(err.reason));
});
