// The GCS lister through the real @google-cloud/storage client against a local server that speaks the
// Cloud Storage JSON API: objects.list pages with nextPageToken, alt=media downloads with x-goog-hash,
// Google API error documents. Requests carry an OAuth2 bearer token from a google-auth-library client.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { OAuth2Client } from 'google-auth-library';
import { BillLocationError } from '../files.ts';
import { createGcsBillLister } from './gcs.ts';
import type { Fake, SeenRequest, StoredObject, StoreServer } from './store-server.test-util.ts';
import { collect, object, resetFake, startStoreServer, text, truncated } from './store-server.test-util.ts';

const BUCKET = 'kce-billing-export';
const TOKEN = 'ya29.test-access-token';

const fake: Fake = { objects: [] };
let server: StoreServer;

function googleError(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } }));
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

function resource(o: StoredObject) {
  return {
    kind: 'storage#object',
    id: `${BUCKET}/${o.key}/1764460800000000`,
    selfLink: `${server.url}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(o.key)}`,
    mediaLink: `${server.url}/download/storage/v1/b/${BUCKET}/o/${encodeURIComponent(o.key)}?generation=1764460800000000&alt=media`,
    name: o.key,
    bucket: BUCKET,
    generation: '1764460800000000',
    metageneration: '1',
    contentType: 'text/csv',
    storageClass: 'STANDARD',
    size: String(o.body.length),
    md5Hash: md5(o.body),
    etag: 'CICAgICAgICAAQ==',
    timeCreated: o.modifiedAt.toISOString(),
    updated: o.modifiedAt.toISOString(),
    timeStorageClassUpdated: o.modifiedAt.toISOString(),
  };
}

/** GET /storage/v1/b/{bucket}/o?prefix=&maxResults=&pageToken=, GET [/download]/storage/v1/b/{bucket}/o/{name}?alt=media. */
function gcs(req: SeenRequest, res: ServerResponse): void {
  if (fake.fault?.(req, res)) return;
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    googleError(res, 401, 'required', 'Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket.');
    return;
  }
  const m = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(req.path);
  if (!m) {
    googleError(res, 404, 'notFound', 'Not Found');
    return;
  }
  if (m[1] !== BUCKET) {
    googleError(res, 404, 'notFound', 'The specified bucket does not exist.');
    return;
  }
  if (!m[2]) {
    const prefix = req.query.get('prefix') ?? '';
    const max = Number(req.query.get('maxResults') ?? 1000);
    const from = Number(req.query.get('pageToken') ?? 0);
    const all = fake.objects.filter((o) => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
    const page = all.slice(from, from + max);
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ kind: 'storage#objects', ...(from + max < all.length ? { nextPageToken: String(from + max) } : {}), ...(page.length ? { items: page.map(resource) } : {}) }));
    return;
  }
  const name = decodeURIComponent(m[2]);
  const o = fake.objects.find((x) => x.key === name);
  if (!o) {
    googleError(res, 404, 'notFound', `No such object: ${BUCKET}/${name}`);
    return;
  }
  if (req.query.get('alt') !== 'media') {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(resource(o)));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(o.body.length), 'x-goog-hash': `md5=${md5(o.body)}`, 'x-goog-generation': '1764460800000000', 'x-goog-stored-content-length': String(o.body.length) });
  res.end(o.body);
}

before(async () => {
  server = await startStoreServer(gcs);
});
after(() => server.close());

function lister(options: { pageSize?: number; maxRetries?: number; token?: string } = {}) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: options.token ?? TOKEN, expiry_date: Date.UTC(2099, 0, 1) });
  return createGcsBillLister({ apiEndpoint: server.url, projectId: 'kce-test', authClient: auth, maxRetryDelaySeconds: 0.05, ...options });
}

function reset(objects: StoredObject[], fault?: Fake['fault']): void {
  resetFake(fake, server, objects, fault);
}

const listRequests = () => server.requests.filter((r) => /\/o$/.test(r.path));
const mediaRequests = () => server.requests.filter((r) => r.query.get('alt') === 'media');

test('GCS: pages through objects.list with nextPageToken and downloads every object with the bearer token', async () => {
  reset([
    object('billing/kce-2026-11-01.csv', 'a', '2026-11-02T01:00:00Z'),
    object('billing/kce-2026-11-02.csv', 'bb', '2026-11-03T01:00:00Z'),
    object('billing/kce-2026-11-03.json', 'ccc', '2026-11-04T01:00:00Z'),
    object('elsewhere/x.csv', 'x', '2026-11-01T00:00:00Z'),
  ]);
  const files = await collect(lister({ pageSize: 2 })(`gs://${BUCKET}/billing`, {}));
  assert.deepEqual(
    files.map((f) => [f.location, f.name, f.sizeBytes, f.modifiedAt.toISOString()]),
    [
      [`gs://${BUCKET}/billing/kce-2026-11-01.csv`, 'kce-2026-11-01.csv', 1, '2026-11-02T01:00:00.000Z'],
      [`gs://${BUCKET}/billing/kce-2026-11-02.csv`, 'kce-2026-11-02.csv', 2, '2026-11-03T01:00:00.000Z'],
      [`gs://${BUCKET}/billing/kce-2026-11-03.json`, 'kce-2026-11-03.json', 3, '2026-11-04T01:00:00.000Z'],
    ],
  );
  assert.deepEqual(
    listRequests().map((r) => [r.query.get('prefix'), r.query.get('maxResults'), r.query.get('pageToken')]),
    [
      ['billing/', '2', null],
      ['billing/', '2', '2'],
    ],
  );
  assert.deepEqual(await Promise.all(files.map(async (f) => text(await f.open()))), ['a', 'bb', 'ccc']);
  assert.equal(mediaRequests().length, 3);
  assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
});

test('GCS: 429 rateLimitExceeded and 503 backendError are retried by the SDK; the listing and the download complete', async () => {
  let listFaults = 1;
  let getFaults = 1;
  reset([object('billing/a.csv', 'usage,cost\n1,2\n', '2026-11-01T00:00:00Z')], (req, res) => {
    if (/\/o$/.test(req.path) && listFaults > 0) {
      listFaults--;
      googleError(res, 429, 'rateLimitExceeded', 'The rate of requests exceeds the rate limit.', { 'retry-after': '1' });
      return true;
    }
    if (req.query.get('alt') === 'media' && getFaults > 0) {
      getFaults--;
      googleError(res, 503, 'backendError', 'Backend Error');
      return true;
    }
    return false;
  });
  const files = await collect(lister()(`gs://${BUCKET}/billing/`, {}));
  assert.equal(await text(await files[0]!.open()), 'usage,cost\n1,2\n');
  assert.equal(listRequests().length, 2, 'one throttled objects.list, one retry');
  assert.equal(mediaRequests().length, 2, 'one failed download, one retry');
});

test('GCS: 403 names the location and the permission; 401 says how to authenticate', async () => {
  const denied = "kce-reader@kce-test.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist).";
  reset([object('billing/a.csv', 'x', '2026-11-01T00:00:00Z')], (req, res) => {
    if (!/\/o$/.test(req.path)) return false;
    googleError(res, 403, 'forbidden', denied);
    return true;
  });
  await assert.rejects(
    collect(lister()(`gs://${BUCKET}/billing/`, {})),
    new BillLocationError(`gs://${BUCKET}/billing/`, `access denied to objects.list (HTTP 403 forbidden): the configured auth client need storage.objects.list on bucket ${BUCKET} (roles/storage.objectViewer): ${denied}`),
  );

  reset([object('billing/a.csv', 'x', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('alt') !== 'media') return false;
    googleError(res, 403, 'forbidden', "kce-reader@kce-test.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage object. Permission 'storage.objects.get' denied on resource (or it may not exist).");
    return true;
  });
  const [file] = await collect(lister()(`gs://${BUCKET}/billing/`, {}));
  await assert.rejects(file!.open(), (err: unknown) => err instanceof BillLocationError && err.location === `gs://${BUCKET}/billing/a.csv` && err.reason.startsWith(`access denied to objects.get (HTTP 403 forbidden): the configured auth client need storage.objects.get on bucket ${BUCKET} (roles/storage.objectViewer)`));

  reset([object('billing/a.csv', 'x', '2026-11-01T00:00:00Z')]);
  await assert.rejects(collect(lister({ token: 'ya29.expired' })(`gs://${BUCKET}/billing/`, {})), (err: unknown) => err instanceof BillLocationError && err.reason.startsWith('not authenticated to objects.list (HTTP 401 required): the configured auth client were refused; set GOOGLE_APPLICATION_CREDENTIALS'));
});

test('GCS: a missing bucket, an empty prefix, malformed JSON and a truncated body are errors naming the location', async () => {
  reset([object('billing/a.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')]);
  await assert.rejects(collect(lister()('gs://no-such-bucket/billing/', {})), (err: unknown) => err instanceof BillLocationError && err.location === 'gs://no-such-bucket/billing/' && err.reason.startsWith('bucket "no-such-bucket" does not exist (HTTP 404)'));
  await assert.rejects(collect(lister()(`gs://${BUCKET}/nothing/`, {})), new BillLocationError(`gs://${BUCKET}/nothing/`, 'no objects under this prefix (check the bucket and prefix, which are case-sensitive, and that the export has delivered)'));

  reset([], (req, res) => {
    if (!/\/o$/.test(req.path)) return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end('{"kind": "storage#objects", "items": [{"name": "billing/a.csv", "si');
    return true;
  });
  await assert.rejects(collect(lister({ maxRetries: 0 })(`gs://${BUCKET}/billing/`, {})), (err: unknown) => err instanceof BillLocationError && err.location === `gs://${BUCKET}/billing/` && err.reason.startsWith('objects.list failed'));

  reset([], (req, res) => {
    if (!/\/o$/.test(req.path)) return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ kind: 'storage#objects', items: [{ name: 'billing/a.csv', size: 'many', updated: '2026-11-01T00:00:00Z' }] }));
    return true;
  });
  await assert.rejects(collect(lister()(`gs://${BUCKET}/billing/`, {})), new BillLocationError(`gs://${BUCKET}/billing/a.csv`, 'objects.list answered an unreadable size "many" or updated "2026-11-01T00:00:00Z"'));

  reset([object('billing/a.csv', 'x'.repeat(100), '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('alt') !== 'media') return false;
    truncated(res, Buffer.from('x'.repeat(40)), 100, { 'content-type': 'text/csv' });
    return true;
  });
  const [file] = await collect(lister({ maxRetries: 0 })(`gs://${BUCKET}/billing/`, {}));
  await assert.rejects(text(await file!.open()), (err: unknown) => err instanceof BillLocationError && err.location === `gs://${BUCKET}/billing/a.csv` && /^download (interrupted|truncated)/.test(err.reason));
});

test('GCS: an abort signal stops a listing waiting on a slow page, as a BillLocationError naming the location', async () => {
  const controller = new AbortController();
  reset([object('billing/a.csv', 'x', '2026-11-01T00:00:00Z')], (req) => {
    if (!/\/o$/.test(req.path)) return false;
    controller.abort(); // the page never comes
    return true;
  });
  await assert.rejects(collect(lister()(`gs://${BUCKET}/billing/`, { signal: controller.signal })), new BillLocationError(`gs://${BUCKET}/billing/`, 'objects.list aborted'));
});

test('GCS: the size checked is the download\'s Content-Length (an export rewritten since the listing)', async () => {
  const csv = 'usage_start_time,cost\n2026-11-01T00:00:00Z,1.25\n'.repeat(20);
  reset([object('billing/rewritten.csv', 'short', '2026-11-01T00:00:00Z')], (req, res) => {
    if (req.query.get('alt') !== 'media') return false;
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(csv.length) });
    res.end(csv);
    return true;
  });
  const files = await collect(lister()(`gs://${BUCKET}/billing/`, {}));
  assert.deepEqual(
    files.map((f) => [f.name, f.sizeBytes]),
    [['rewritten.csv', 5]],
  );
  assert.equal(await text(await files[0]!.open()), csv);
});
