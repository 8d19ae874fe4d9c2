// The pure part of the object-store listers: manifest parsing, choosing the newest delivery of each
// billing period, which manifests are worth reading, location parsing and the download guard.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { checkedBody, parseAzureLocation, parseBucketLocation } from './common.ts';
import type { BillManifest } from './manifests.ts';
import { filesOfManifests, manifestCandidates, newestPerPeriod, parseAwsManifest, parseAzureManifest } from './manifests.ts';

const at = (iso: string) => new Date(iso);
const T = at('2026-11-29T08:00:00Z');

test('parseAwsManifest: legacy reportKeys and CUR 2.0 dataFiles, the period from billingPeriod or the folder', () => {
  const cases: { name: string; key: string; doc: unknown; want: Omit<BillManifest, 'key' | 'deliveredAtMs'> }[] = [
    {
      name: 'legacy, kept versions',
      key: 'cur/hourly/20261101-20261201/hourly-Manifest.json',
      doc: { assemblyId: 'a1', reportName: 'hourly', billingPeriod: { start: '20261101T000000.000Z', end: '20261201T000000.000Z' }, reportKeys: ['cur/hourly/20261101-20261201/a1/hourly-1.csv.gz'] },
      want: { kind: 'aws-cur', report: 'hourly', period: '20261101', delivery: 'a1', files: ['cur/hourly/20261101-20261201/a1/hourly-1.csv.gz'] },
    },
    {
      name: 'legacy, Athena/overwrite layout without billingPeriod: the period from year=/month=',
      key: 'cur/hourly/hourly/year=2026/month=3/hourly-Manifest.json',
      doc: { assemblyId: 'a2', reportKeys: ['cur/hourly/hourly/year=2026/month=3/hourly-00001.snappy.parquet'] },
      want: { kind: 'aws-cur', report: 'hourly', period: '20260301', delivery: 'a2', files: ['cur/hourly/hourly/year=2026/month=3/hourly-00001.snappy.parquet'] },
    },
    {
      name: 'CUR 2.0, s3:// URIs in the same bucket',
      key: 'x/k8s/metadata/BILLING_PERIOD=2026-11/k8s-Manifest.json',
      doc: { executionId: 'e1', exportName: 'k8s', billingPeriod: { start: '2026-11-01T00:00:00.000Z' }, dataFiles: ['s3://b/x/k8s/data/BILLING_PERIOD=2026-11/k8s-00001.csv.gz'] },
      want: { kind: 'aws-cur2', report: 'k8s', period: '20261101', delivery: 'e1', files: ['x/k8s/data/BILLING_PERIOD=2026-11/k8s-00001.csv.gz'] },
    },
    {
      name: 'CUR 2.0 without billingPeriod or exportName: period from BILLING_PERIOD=, name from the file name',
      key: 'x/k8s/metadata/BILLING_PERIOD=2026-10/k8s-Manifest.json',
      doc: { dataFiles: ['x/k8s/data/BILLING_PERIOD=2026-10/k8s-00001.csv.gz'] },
      want: { kind: 'aws-cur2', report: 'k8s', period: '20261001', delivery: '', files: ['x/k8s/data/BILLING_PERIOD=2026-10/k8s-00001.csv.gz'] },
    },
  ];
  for (const c of cases) {
    const m = parseAwsManifest({ location: `s3://b/${c.key}`, bucket: 'b', key: c.key, text: JSON.stringify(c.doc), modifiedAt: T });
    assert.deepEqual(m, { key: c.key, deliveredAtMs: T.getTime(), ...c.want }, c.name);
  }
});

test('parseAwsManifest: what is wrong with a manifest is named', () => {
  const key = 'cur/r/20261101-20261201/r-Manifest.json';
  const loc = `s3://b/${key}`;
  const cases: [string, string][] = [
    ['{"reportKeys": [', `billing location ${loc}: manifest is not valid JSON: Unexpected end of JSON input`],
    ['[1]', `billing location ${loc}: manifest is not a JSON object`],
    ['{"reportKeys": "r-1.csv.gz"}', `billing location ${loc}: manifest field reportKeys: expected an array of non-empty strings, got "r-1.csv.gz"`],
    ['{"dataFiles": ["s3://other/x.csv.gz"]}', `billing location ${loc}: manifest field dataFiles: s3://other/x.csv.gz is in bucket "other", not in "b" where the manifest is`],
    ['{"columns": []}', `billing location ${loc}: manifest has neither reportKeys (Cost and Usage Report) nor dataFiles (CUR 2.0 data export)`],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseAwsManifest({ location: loc, bucket: 'b', key, text, modifiedAt: T }), (err: unknown) => err instanceof BillLocationError && err.message === message, text);
  }
  // No billingPeriod and a folder that names none.
  assert.throws(
    () => parseAwsManifest({ location: 's3://b/cur/r-Manifest.json', bucket: 'b', key: 'cur/r-Manifest.json', text: '{"reportKeys": [], "billingPeriod": {"start": "soon"}}', modifiedAt: T }),
    new BillLocationError('s3://b/cur/r-Manifest.json', `manifest field billingPeriod.start: missing or not a date ("soon"), and the manifest's folder names no billing period`),
  );
});

test('parseAzureManifest: blobs, run and export; the run time decides, not the blob time', () => {
  const key = 'exports/k8s/20261101-20261130/run-2/manifest.json';
  const text = JSON.stringify({
    exportConfig: { exportName: 'k8s' },
    runInfo: { runId: 'run-2', submittedTime: '2026-11-29T04:00:00.1234567Z', startDate: '2026-11-01T00:00:00' },
    blobs: [{ blobName: 'exports/k8s/20261101-20261130/run-2/part_0_0001.csv' }, { blobName: '/exports/k8s/20261101-20261130/run-2/part_1_0001.csv' }],
  });
  assert.deepEqual(parseAzureManifest({ location: `azblob://a/c/${key}`, key, text, modifiedAt: T }), {
    key,
    kind: 'azure-export',
    report: 'k8s',
    period: '20261101',
    delivery: 'run-2',
    deliveredAtMs: Date.UTC(2026, 10, 29, 4, 0, 0, 123),
    files: ['exports/k8s/20261101-20261130/run-2/part_0_0001.csv', 'exports/k8s/20261101-20261130/run-2/part_1_0001.csv'],
  });
  assert.throws(() => parseAzureManifest({ location: 'azblob://a/c/m', key, text: '{"blobs": [{"byteCount": 3}]}', modifiedAt: T }), new BillLocationError('azblob://a/c/m', 'manifest field blobs[0].blobName: expected a blob name, got undefined'));
  assert.throws(() => parseAzureManifest({ location: 'azblob://a/c/m', key, text: '{"blobs": {}}', modifiedAt: T }), new BillLocationError('azblob://a/c/m', 'manifest field blobs: expected an array, got {}'));
});

const m = (key: string, report: string, period: string, deliveredAt: string): BillManifest => ({ key, kind: 'aws-cur', report, period, delivery: key, deliveredAtMs: Date.parse(deliveredAt), files: [] });

test('newestPerPeriod: one manifest per report and period, the newest; ties to the shorter key; sorted', () => {
  const cases: { name: string; input: BillManifest[]; want: string[] }[] = [
    { name: 'newer delivery wins', input: [m('r/nov/a/M', 'r', '20261101', '2026-11-28T00:00:00Z'), m('r/nov/b/M', 'r', '20261101', '2026-11-29T00:00:00Z')], want: ['r/nov/b/M'] },
    { name: 'same time: the period-folder copy (shorter key)', input: [m('r/nov/b/M', 'r', '20261101', '2026-11-29T00:00:00Z'), m('r/nov/M', 'r', '20261101', '2026-11-29T00:00:00Z')], want: ['r/nov/M'] },
    { name: 'same time, same length: the later key', input: [m('r/nov/b/M', 'r', '20261101', '2026-11-29T00:00:00Z'), m('r/nov/a/M', 'r', '20261101', '2026-11-29T00:00:00Z')], want: ['r/nov/b/M'] },
    {
      name: 'periods and reports kept apart, sorted by report then period',
      input: [m('s/nov/M', 's', '20261101', '2026-11-29T00:00:00Z'), m('r/nov/M', 'r', '20261101', '2026-11-29T00:00:00Z'), m('r/oct/M', 'r', '20261001', '2026-11-03T00:00:00Z')],
      want: ['r/oct/M', 'r/nov/M', 's/nov/M'],
    },
  ];
  for (const c of cases) assert.deepEqual(newestPerPeriod(c.input).map((x) => x.key), c.want, c.name);
});

const o = (key: string, modifiedAt = '2026-11-29T00:00:00Z', sizeBytes = 1): ListedObject => ({ key, sizeBytes, modifiedAt: at(modifiedAt) });

test('manifestCandidates: AWS assembly copies shadowed by the period manifest; Azure only the newest run folder per period', () => {
  const aws = [
    o('cur/r/20261101-20261201/r-Manifest.json'),
    o('cur/r/20261101-20261201/a1/r-Manifest.json'),
    o('cur/r/20261101-20261201/a2/r-Manifest.json'),
    o('cur/r/20261001-20261101/a0/r-Manifest.json'), // no period copy (deleted): read
    o('cur/r/20261101-20261201/a1/r-RedshiftManifest.json'),
    o('cur/r/20261101-20261201/a1/r-1.csv.gz'),
    o('r-Manifest.json'),
  ];
  assert.deepEqual(
    manifestCandidates(aws, 'aws').map((x) => x.key),
    ['cur/r/20261101-20261201/r-Manifest.json', 'cur/r/20261001-20261101/a0/r-Manifest.json', 'r-Manifest.json'],
  );
  const azure = [
    o('e/k8s/20261101-20261130/run-1/manifest.json', '2026-11-28T04:00:00Z'),
    o('e/k8s/20261101-20261130/run-2/manifest.json', '2026-11-29T04:00:00Z'),
    o('e/k8s/20261101-20261130/run-2/part_0_0001.csv', '2026-11-29T04:00:00Z'),
    o('e/k8s/20261001-20261031/run-9/manifest.json', '2026-11-01T04:00:00Z'),
    // Manifests directly in their period folders: one per period, never grouped across periods.
    o('o/k8s/20261101-20261130/manifest.json', '2026-11-29T04:00:00Z'),
    o('o/k8s/20261001-20261031/manifest.json', '2026-11-01T04:00:00Z'),
  ];
  assert.deepEqual(
    manifestCandidates(azure, 'azure').map((x) => x.key),
    ['e/k8s/20261101-20261130/run-2/manifest.json', 'e/k8s/20261001-20261031/run-9/manifest.json', 'o/k8s/20261101-20261130/manifest.json', 'o/k8s/20261001-20261031/manifest.json'],
  );
});

test('filesOfManifests: listed objects in manifest order, each once; a missing one names the manifest and the file', () => {
  const objects = [o('a.csv', undefined, 10), o('b.csv', undefined, 20)];
  const man = (files: string[]): BillManifest => ({ ...m('M', 'r', '20261101', '2026-11-29T00:00:00Z'), files });
  assert.deepEqual(
    filesOfManifests({ objects, manifests: [man(['b.csv', 'a.csv']), man(['a.csv'])], locationOf: (k) => `s3://b/${k}` }).map((x) => [x.key, x.sizeBytes]),
    [
      ['b.csv', 20],
      ['a.csv', 10],
    ],
  );
  assert.throws(() => filesOfManifests({ objects, manifests: [man(['c.csv'])], locationOf: (k) => `s3://b/${k}` }), new BillLocationError('s3://b/M', 'manifest lists s3://b/c.csv, which is not under the location (deleted, outside the prefix, or still being delivered)'));
});

test('parseBucketLocation / parseAzureLocation: a prefix names a folder', () => {
  const cases: [string, unknown][] = [
    ['s3://b-1/cur', { bucket: 'b-1', prefix: 'cur/' }],
    ['s3://b-1/cur/', { bucket: 'b-1', prefix: 'cur/' }],
    ['s3://b-1', { bucket: 'b-1', prefix: '' }],
    ['s3://b-1/', { bucket: 'b-1', prefix: '' }],
    ['s3://my.bucket/a/b/c', { bucket: 'my.bucket', prefix: 'a/b/c/' }],
  ];
  for (const [loc, want] of cases) assert.deepEqual(parseBucketLocation(loc, 's3'), want, loc);
  assert.deepEqual(parseBucketLocation('gs://billing_export/gcp', 'gs'), { bucket: 'billing_export', prefix: 'gcp/' });
  assert.deepEqual(parseAzureLocation('azblob://acct01/exports'), { account: 'acct01', bucket: 'exports', prefix: '' });
  assert.deepEqual(parseAzureLocation('azblob://acct01/exports/costs/daily'), { account: 'acct01', bucket: 'exports', prefix: 'costs/daily/' });
  assert.throws(() => parseBucketLocation('s3:/b/cur', 's3'), new BillLocationError('s3:/b/cur', 'expected s3://bucket/prefix/'));
});

test('checkedBody: the exact size passes; short, long or broken bodies fail naming the object', async () => {
  const read = async (chunks: Buffer[], expectedBytes: number | undefined, fail?: Error) => {
    const source = new Readable({
      read() {
        const c = chunks.shift();
        if (c) this.push(c);
        else if (fail) this.destroy(fail);
        else this.push(null);
      },
    });
    let n = 0;
    for await (const c of checkedBody(source, { location: 's3://b/k', expectedBytes })) n += (c as Buffer).length;
    return n;
  };
  assert.equal(await read([Buffer.from('abc'), Buffer.from('de')], 5), 5);
  assert.equal(await read([Buffer.from('abc')], undefined), 3);
  await assert.rejects(read([Buffer.from('abc')], 5), new BillLocationError('s3://b/k', 'download truncated: received 3 of 5 bytes'));
  await assert.rejects(read([Buffer.from('abcdef')], 5), new BillLocationError('s3://b/k', 'download longer than announced: received 6 bytes, expected 5'));
  await assert.rejects(read([Buffer.from('ab')], 5, new Error('socket hang up')), new BillLocationError('s3://b/k', 'download interrupted after 2 of 5 bytes: socket hang up'));
});

test('newestPerPeriod (property): one per report and period, the newest of its group, whatever the listing order', async () => {
  const fc = await import('fast-check');
  const manifest = fc.record({ report: fc.constantFrom('hourly', 'daily'), period: fc.constantFrom('20260901', '20261001', '20261101'), at: fc.integer({ min: 0, max: 5 }), folder: fc.constantFrom('', 'a/', 'bb/') });
  fc.assert(
    fc.property(fc.array(manifest, { minLength: 1, maxLength: 30 }), fc.infiniteStream(fc.nat()), (specs, shuffleSeeds) => {
      const all = specs.map((x, i): BillManifest => ({ key: `${x.report}/${x.period}/${x.folder}${i}-Manifest.json`, kind: 'aws-cur', report: x.report, period: x.period, delivery: String(i), deliveredAtMs: x.at, files: [] }));
      const chosen = newestPerPeriod(all);
      const groups = new Set(all.map((x) => `${x.report}|${x.period}`));
      assert.equal(chosen.length, groups.size);
      for (const c of chosen) {
        for (const other of all.filter((x) => x.report === c.report && x.period === c.period)) assert.ok(c.deliveredAtMs >= other.deliveredAtMs);
      }
      const shuffled = [...all];
      const it = shuffleSeeds[Symbol.iterator]();
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = (it.next().value as number) % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      assert.deepEqual(newestPerPeriod(shuffled).map((x) => x.key), chosen.map((x) => x.key));
    }),
  );
});
