// The bill readers behind the S3 lister (src/billing/remote/s3.ts, the AWS SDK) against a local
// server speaking S3's wire format: a legacy CUR as CSV.gz and CUR 2.0 as Parquet (which is spooled
// to a temporary file, Parquet needing random access) read from a bucket give the same billed usage
// as from a directory. Two days of the month fixture: 48 h × 0.599654 $ net = 28.783392 $ matched.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { periodNetUsd } from './bill.ts';
import { curRows, writeCurCsv, writeCurParquet } from './cur-fixture.test-util.ts';
import { readBills } from './read.ts';
import { createS3BillLister } from './remote/s3.ts';
import type { SeenRequest, StoreServer } from './remote/store-server.test-util.ts';
import { startStoreServer } from './remote/store-server.test-util.ts';

const dir = mkdtempSync(join(tmpdir(), 'kce-remote-read-'));
const objects = new Map<string, Buffer>();
let server: StoreServer;

function s3(req: SeenRequest, res: ServerResponse): void {
  const [, bucket, ...rest] = req.path.split('/');
  if (bucket !== 'cur-bucket') {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>');
    return;
  }
  if (req.query.get('list-type') === '2') {
    const prefix = req.query.get('prefix') ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>cur-bucket</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
        keys.map((k) => `<Contents><Key>${k}</Key><LastModified>2026-11-03T06:00:00.000Z</LastModified><ETag>"0123456789abcdef"</ETag><Size>${objects.get(k)?.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
        '</ListBucketResult>',
    );
    return;
  }
  const body = objects.get(rest.map(decodeURIComponent).join('/'));
  if (!body) {
    res.writeHead(404, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    return;
  }
  res.writeHead(200, { 'content-length': String(body.length), 'last-modified': new Date(Date.UTC(2026, 10, 3, 6)).toUTCString(), etag: '"0123456789abcdef"', 'content-type': 'application/octet-stream' });
  res.end(body);
}

before(async () => {
  await writeCurCsv(join(dir, 'legacy.csv.gz'), 'legacy', curRows({ hours: 48 }));
  await writeCurParquet(join(dir, 'cur2.parquet'), curRows({ hours: 48 }), 20);
  objects.set('cur/legacy/20261101-20261201/legacy-00001.csv.gz', readFileSync(join(dir, 'legacy.csv.gz')));
  objects.set('cur2/data/BILLING_PERIOD=2026-11/cur2-00001.snappy.parquet', readFileSync(join(dir, 'cur2.parquet')));
  server = await startStoreServer(s3);
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const lister = () => createS3BillLister({ endpoint: server.url, forcePathStyle: true, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDBILLREADER01', secretAccessKey: 'secret' } });
const matched = (usage: Awaited<ReturnType<typeof readBills>>['usage']) =>
  ['i-0od', 'i-0spot', 'i-0ri', 'i-0sp'].reduce((s, id) => s + [...(usage.resources.get(id)?.periods.values() ?? [])].reduce((t, p) => t + periodNetUsd(p), 0), 0);

for (const [what, prefix] of [
  ['legacy CUR CSV.gz', 's3://cur-bucket/cur/'],
  ['CUR 2.0 Parquet (spooled)', 's3://cur-bucket/cur2/'],
] as const) {
  test(`S3: ${what} read through the SDK lister = the bill's figures`, async () => {
    const { usage, errors, files } = await readBills(prefix, { lister: lister() });
    assert.deepEqual(errors, []);
    assert.equal(files.length, 1);
    assert.ok(Math.abs(matched(usage) - 28.783392) < 1e-9, String(matched(usage)));
    assert.equal(usage.resources.get('i-0sp')?.periods.size, 48);
  });
}
