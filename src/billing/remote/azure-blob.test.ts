// The Azure Blob lister through the real @azure/storage-blob client against a local server that
// speaks the Blob service's wire format (Azurite-style URLs http://host/account/container): List Blobs
// EnumerationResults XML with NextMarker, Get Blob with Range, Blob service error documents.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { BillLocationError } from '../files.ts';
import { createAzureBillLister, listAzureBillFiles } from './azure-blob.ts';
import type { Fake, SeenRequest, StoredObject, StoreServer } from './store-server.test-util.ts';
import { collect, object, resetFake, startStoreServer, text, truncated, xmlEscape } from './store-server.test-util.ts';

const ACCOUNT = 'kcebills';
const CONTAINER = 'cost-exports';
const KEY = Buffer.from('a test account key, 64 bytes long...............................').toString('base64');
const SAS = 'sv=2024-11-04&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&spr=https,http&sig=dGVzdA%3D%3D';

const fake: Fake = { objects: [] };
let server: StoreServer;

function blobError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': 'b0e3c2a4-601e-0000-1c3f-000000000000', 'x-ms-version': '2025-05-05', ...headers });
  res.end(`\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:b0e3c2a4-601e-0000-1c3f-000000000000\nTime:2026-11-30T09:00:00.0000000Z</Message></Error>`);
}

function authorized(req: SeenRequest): boolean {
  return String(req.headers.authorization).startsWith(`SharedKey ${ACCOUNT}:`) || req.query.get('sig') === 'dGVzdA==';
}

/** GET /account/container?restype=container&comp=list&prefix=&marker=&maxresults=, GET /account/container/blob. */
function blobService(req: SeenRequest, res: ServerResponse): void {
  if (fake.fault?.(req, res)) return;
  const [, account, container, ...rest] = req.path.split('/');
  if (account !== ACCOUNT) {
    blobError(res, 400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    return;
  }
  if (!authorized(req)) {
    blobError(res, 403, 'NoAuthenticationInformation', 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.');
    return;
  }
  if (container !== CONTAINER) {
    blobError(res, 404, 'ContainerNotFound', 'The specified container does not exist.');
    return;
  }
  if (rest.length === 0) {
    assert.equal(req.query.get('comp'), 'list');
    assert.equal(req.query.get('restype'), 'container');
    const prefix = req.query.get('prefix') ?? '';
    const max = Number(req.query.get('maxresults') ?? 5000);
    const from = Number(req.query.get('marker')?.replace(/^2!\d+!/, '') ?? 0);
    const all = fake.objects.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
    const page = all.slice(from, from + max);
    const next = from + max < all.length ? `2!80!${from + max}` : '';
    res.writeHead(200, { 'content-type': 'application/xml', 'x-ms-request-id': 'b0e3c2a4-601e-0000-1c3f-000000000001', 'x-ms-version': '2025-05-05' });
    res.end(
      `\ufeff<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/${ACCOUNT}/" ContainerName="${CONTAINER}"><Prefix>${xmlEscape(prefix)}</Prefix>${req.query.get('marker') ? `<Marker>${req.query.get('marker')}</Marker>` : ''}<MaxResults>${max}</MaxResults><Blobs>` +
        page
          .map(
            (o) =>
              `<Blob><Name>${xmlEscape(o.key)}</Name><Properties><Creation-Time>${o.modifiedAt.toUTCString()}</Creation-Time><Last-Modified>${o.modifiedAt.toUTCString()}</Last-Modified><Etag>0x8DCF1B2C3D4E5F6</Etag><Content-Length>${o.body.length}</Content-Length><Content-Type>text/csv</Content-Type><Content-Encoding /><Content-Language /><Content-CRC64 /><Content-MD5 /><Cache-Control /><Content-Disposition /><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties><OrMetadata /></Blob>`,
          )
          .join('') +
        `</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`,
    );
    return;
  }
  const name = rest.map(decodeURIComponent).join('/');
  const o = fake.objects.find((x) => x.key === name);
  if (!o) {
    blobError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    return;
  }
  const headers = { 'last-modified': o.modifiedAt.toUTCString(), etag: '"0x8DCF1B2C3D4E5F6"', 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2025-05-05', 'accept-ranges': 'bytes', 'content-type': 'text/csv' };
  const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
  if (range) {
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), o.body.length - 1) : o.body.length - 1;
    res.writeHead(206, { ...headers, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${o.body.length}` });
    res.end(o.body.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(o.body.length) });
  res.end(o.body);
}

before(async () => {
  server = await startStoreServer(blobService);
});
after(() => server.close());

function lister(options: { sasToken?: string; accountKey?: string; maxTries?: number; pageSize?: number } = { accountKey: KEY }) {
  return createAzureBillLister({ endpoint: `${server.url}/${ACCOUNT}`, retryDelayMs: 10, ...options });
}

function reset(objects: StoredObject[], fault?: Fake['fault']): void {
  resetFake(fake, server, objects, fault);
}

const listRequests = () => server.requests.filter((r) => r.query.get('comp') === 'list');
const loc = `azblob://${ACCOUNT}/${CONTAINER}`;

test('Azure Blob: pages through List Blobs with NextMarker and streams every blob (shared key)', async () => {
  reset([
    object('costs/daily/20261101-20261130/daily_0a1b.csv', 'a', '2026-11-02T01:00:00Z'),
    object('costs/daily/20261101-20261130/daily_1c2d.csv', 'bb', '2026-11-03T01:00:00Z'),
    object('costs/daily/20261001-20261031/daily_3e4f.csv', 'ccc', '2026-11-01T01:00:00Z'),
    object('other/x.csv', 'x', '2026-11-01T00:00:00Z'),
  ]);
  const files = await collect(lister({ accountKey: KEY, pageSize: 2 })(`${loc}/costs/`, {}));
  assert.deepEqual(
    files.map((f) => [f.location, f.name, f.sizeBytes, f.modifiedAt.toISOString()]),
    [
      [`${loc}/costs/daily/20261001-20261031/daily_3e4f.csv`, 'daily_3e4f.csv', 3, '2026-11-01T01:00:00.000Z'],
      [`${loc}/costs/daily/20261101-20261130/daily_0a1b.csv`, 'daily_0a1b.csv', 1, '2026-11-02T01:00:00.000Z'],
      [`${loc}/costs/daily/20261101-20261130/daily_1c2d.csv`, 'daily_1c2d.csv', 2, '2026-11-03T01:00:00.000Z'],
    ],
  );
  assert.deepEqual(
    listRequests().map((r) => [r.query.get('prefix'), r.query.get('maxresults'), r.query.get('marker')]),
    [
      ['costs/', '2', null],
      ['costs/', '2', '2!80!2'],
    ],
  );
  assert.match(String(listRequests()[0]?.headers.authorization), /^SharedKey kcebills:[A-Za-z0-9+/=]+$/);
  assert.deepEqual(await Promise.all(files.map(async (f) => text(await f.open()))), ['ccc', 'a', 'bb']);
});

const manifest = (runId: string, submittedTime: string, startDate: string, blobs: string[]) =>
  JSON.stringify({
    manifestVersion: '2024-04-01',
    dataFormat: 'Csv',
    byteCount: 0,
    blobCount: blobs.length,
    dataRowCount: 0,
    exportConfig: { exportName: 'k8s-actual', resourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.CostManagement/exports/k8s-actual', dataVersion: '2023-12-01-preview', apiVersion: '2023-07-01-preview', type: 'ActualCost', timeFrame: 'MonthToDate', granularity: 'Daily' },
    deliveryConfig: { partitionData: true, dataOverwriteBehavior: 'CreateNewReport', fileFormat: 'Csv', compressionMode: 'None', containerUri: `/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}`, rootFolderPath: 'exports' },
    runInfo: { executionType: 'Scheduled', submittedTime, runId, startDate, endDate: '2026-11-30T00:00:00' },
    blobs: blobs.map((blobName) => ({ blobName, byteCount: 1, dataRowCount: 1 })),
  });

test('Azure Blob: a partitioned export: only the blobs of the newest run per period, from its manifest.json (SAS)', async () => {
  const nov = 'exports/k8s-actual/20261101-20261130';
  const oct = 'exports/k8s-actual/20261001-20261031';
  reset([
    object(`${nov}/run-1/manifest.json`, manifest('run-1', '2026-11-28T04:00:00Z', '2026-11-01T00:00:00', [`${nov}/run-1/part_0_0001.csv`]), '2026-11-28T04:10:00Z'),
    object(`${nov}/run-1/part_0_0001.csv`, 'old', '2026-11-28T04:05:00Z'),
    object(`${nov}/run-2/manifest.json`, manifest('run-2', '2026-11-29T04:00:00Z', '2026-11-01T00:00:00', [`${nov}/run-2/part_0_0001.csv`, `${nov}/run-2/part_1_0001.csv`]), '2026-11-29T04:10:00Z'),
    object(`${nov}/run-2/part_0_0001.csv`, 'new-0', '2026-11-29T04:05:00Z'),
    object(`${nov}/run-2/part_1_0001.csv`, 'new-1', '2026-11-29T04:05:00Z'),
    object(`${oct}/run-9/manifest.json`, manifest('run-9', '2026-11-01T04:00:00Z', '2026-10-01T00:00:00', [`${oct}/run-9/part_0_0001.csv`]), '2026-11-01T04:10:00Z'),
    object(`${oct}/run-9/part_0_0001.csv`, 'oct', '2026-11-01T04:05:00Z'),
  ]);
  const files = await collect(lister({ sasToken: `?${SAS}` })(`${loc}/exports/`, {}));
  assert.deepEqual(
    files.map((f) => f.location),
    [`${loc}/${oct}/run-9/part_0_0001.csv`, `${loc}/${nov}/run-2/part_0_0001.csv`, `${loc}/${nov}/run-2/part_1_0001.csv`],
  );
  assert.deepEqual(await Promise.all(files.map(async (f) => text(await f.open()))), ['oct', 'new-0', 'new-1']);
  assert.deepEqual(
    server.requests
      .filter((r) => r.path.endsWith('manifest.json'))
      .map((r) => r.path)
      .sort(),
    [`/${ACCOUNT}/${CONTAINER}/${oct}/run-9/manifest.json`, `/${ACCOUNT}/${CONTAINER}/${nov}/run-2/manifest.json`],
    'the older run manifest of November is not read',
  );
  assert.equal(server.requests[0]?.headers.authorization, undefined, 'a SAS is in the URL, not a header');
  assert.equal(server.requests[0]?.query.get('sp'), 'rl');
});

// Azure Storage throttles with 503 ServerBusy and times out with 500 OperationTimedOut (it does not use
// 429); the SDK's storage retry policy retries both (it does not read Retry-After: its own exponential
// delay applies).
test('Azure Blob: 503 ServerBusy and 500 OperationTimedOut are retried by the SDK; the listing and the download complete', async () => {
  let listFaults = 1;
  let getFaults = 1;
  const body = 'Date,MeterCategory,CostInBillingCurrency\n'.repeat(5);
  reset([object('costs/a.csv', body, '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('comp') === 'list' && listFaults > 0) {
      listFaults--;
      blobError(res, 503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.', { 'retry-after': '1' });
      return true;
    }
    if (req.path.endsWith('/a.csv') && getFaults > 0) {
      getFaults--;
      blobError(res, 500, 'OperationTimedOut', 'Operation could not be completed within the specified time.');
      return true;
    }
    return false;
  });
  const files = await collect(lister()(`${loc}/costs/`, {}));
  assert.equal(await text(await files[0]!.open()), body);
  assert.equal(listRequests().length, 2, 'one throttled List Blobs, one retry');
  assert.equal(server.requests.filter((r) => r.path.endsWith('/a.csv')).length, 2, 'one timed-out Get Blob, one retry');
});

test('Azure Blob: 403 names the location, the credential and the permission it lacks', async () => {
  reset([object('costs/a.csv', 'x', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('comp') !== 'list') return false;
    blobError(res, 403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.');
    return true;
  });
  await assert.rejects(
    collect(lister({ sasToken: SAS })(`${loc}/costs/`, {})),
    new BillLocationError(
      `${loc}/costs/`,
      'access denied to List Blobs (HTTP 403 AuthorizationPermissionMismatch): the SAS token (sp=rl, se=2026-12-31T00:00:00Z) does not grant list and read on container cost-exports of account kcebills (a SAS with sp=rl, or the Storage Blob Data Reader role): This request is not authorized to perform this operation using this permission.',
    ),
  );
  reset([object('costs/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  await assert.rejects(
    collect(createAzureBillLister({ endpoint: `${server.url}/${ACCOUNT}` })(`${loc}/costs/`, {})),
    new BillLocationError(
      `${loc}/costs/`,
      'access denied to List Blobs (HTTP 403 NoAuthenticationInformation): anonymous access (no SAS token or account key configured) does not grant list and read on container cost-exports of account kcebills (a SAS with sp=rl, or the Storage Blob Data Reader role): Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
    ),
  );
});

test('Azure Blob: a missing container, an empty prefix, malformed XML, a truncated body and bad locations are errors naming the location', async () => {
  reset([object('costs/a.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')]);
  await assert.rejects(collect(lister()(`azblob://${ACCOUNT}/no-such-container/costs/`, {})), new BillLocationError(`azblob://${ACCOUNT}/no-such-container/costs/`, 'container "no-such-container" does not exist in account kcebills (HTTP 404 ContainerNotFound)'));
  await assert.rejects(collect(lister()(`${loc}/nothing/`, {})), new BillLocationError(`${loc}/nothing/`, 'no objects under this prefix (check the bucket and prefix, which are case-sensitive, and that the export has delivered)'));

  reset([], (req, res) => {
    if (req.query.get('comp') !== 'list') return false;
    res.writeHead(200, { 'content-type': 'application/xml', 'x-ms-version': '2025-05-05' });
    res.end('<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="cost-exports"><Blobs><Blob><Name>costs/a.csv</Name><Prop');
    return true;
  });
  await assert.rejects(collect(lister()(`${loc}/costs/`, {})), (err: unknown) => err instanceof BillLocationError && err.location === `${loc}/costs/` && /^billing location azblob:\/\/kcebills\/cost-exports\/costs\/: List Blobs failed/.test(err.message));

  reset([object('costs/a.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')], (req, res) => {
    if (!req.path.endsWith('/a.csv')) return false;
    truncated(res, Buffer.from('x'.repeat(40)), 100, { 'x-ms-blob-type': 'BlockBlob', etag: '"0x8DCF1B2C3D4E5F6"', 'last-modified': new Date('2026-11-01T00:00:00Z').toUTCString() });
    return true;
  });
  const [file] = await collect(lister()(`${loc}/costs/`, {}));
  await assert.rejects(text(await file!.open()), (err: unknown) => err instanceof BillLocationError && err.location === `${loc}/costs/a.csv` && /download (interrupted|truncated)/.test(err.message));

  const cases: [string, string][] = [
    ['azblob://', 'billing location azblob://: the storage account name is missing (expected azblob://account/container/prefix/)'],
    ['azblob://kcebills', 'billing location azblob://kcebills: the container name is missing (expected azblob://account/container/prefix/)'],
    ['azblob://KCE-bills/c/', 'billing location azblob://KCE-bills/c/: "KCE-bills" is not a valid storage account name (3-24 lowercase letters and digits)'],
    ['azblob://kcebills/Cost_Exports/', 'billing location azblob://kcebills/Cost_Exports/: "Cost_Exports" is not a valid container name (3-63 lowercase letters, digits and single dashes)'],
  ];
  reset([]);
  for (const [location, message] of cases) {
    await assert.rejects(collect(lister()(location, {})), (err: unknown) => err instanceof BillLocationError && err.message === message, location);
  }
  assert.equal(server.requests.length, 0);
});

test('Azure Blob: an abort signal stops a listing waiting on a slow page, as a BillLocationError naming the location', async () => {
  const controller = new AbortController();
  reset([object('costs/a.csv', 'x', '2026-11-01T00:00:00Z')], (req) => {
    if (req.query.get('comp') !== 'list') return false;
    controller.abort(); // the page never comes
    return true;
  });
  await assert.rejects(collect(lister()(`${loc}/costs/`, { signal: controller.signal })), new BillLocationError(`${loc}/costs/`, 'List Blobs aborted'));
});

test('Azure Blob: a connection string with the account key and a blob endpoint, as the portal gives it; one for another account is refused', async () => {
  reset([object('costs/a.csv', 'cost', '2026-11-01T00:00:00Z')]);
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${server.url}/${ACCOUNT};`;
  const files = await collect(createAzureBillLister({ connectionString, retryDelayMs: 10 })(`${loc}/costs/`, {}));
  assert.equal(await text(await files[0]!.open()), 'cost');
  assert.match(String(listRequests()[0]?.headers.authorization), /^SharedKey kcebills:/);
  await assert.rejects(
    collect(createAzureBillLister({ connectionString: `DefaultEndpointsProtocol=https;AccountName=otheracct;AccountKey=${KEY};EndpointSuffix=core.windows.net` })(`${loc}/costs/`, {})),
    new BillLocationError(`${loc}/costs/`, 'the connection string is for account otheracct, not kcebills'),
  );
});

test('Azure Blob: listAzureBillFiles, the lister the billing dispatch imports, takes AZURE_STORAGE_CONNECTION_STRING from the environment', async () => {
  reset([object('costs/a.csv', 'from env', '2026-11-01T00:00:00Z')]);
  const saved = process.env['AZURE_STORAGE_CONNECTION_STRING'];
  process.env['AZURE_STORAGE_CONNECTION_STRING'] = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${server.url}/${ACCOUNT};`;
  try {
    const files = await collect(listAzureBillFiles(`${loc}/costs/`, {}));
    assert.equal(await text(await files[0]!.open()), 'from env');
  } finally {
    if (saved === undefined) delete process.env['AZURE_STORAGE_CONNECTION_STRING'];
    else process.env['AZURE_STORAGE_CONNECTION_STRING'] = saved;
  }
});
