// Bill files end to end (list → rows → charges → billed usage): Azure and GCP exports, the CSV
// tokenizer's corners, and malformed files, whose errors must name file, line and column.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { periodNetUsd } from './bill.ts';
import type { CsvRecord } from './csv.ts';
import { CsvTokenizer } from './csv.ts';
import { BillParseError } from './errors.ts';
import { BillLocationError } from './files.ts';
import { billListerFor, billScheme } from './listers.ts';
import { readBills } from './read.ts';

const root = mkdtempSync(join(tmpdir(), 'kce-bills-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function billDir(files: Record<string, string | Uint8Array>): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const netOf = (usage: Awaited<ReturnType<typeof readBills>>['usage'], key: string) => [...(usage.resources.get(key)?.periods.values() ?? [])].reduce((s, p) => s + periodNetUsd(p), 0);

test('CSV tokenizer: quotes, doubled quotes, newlines inside quotes, CRLF, chunk boundaries anywhere', () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n\n4,5,6';
  const expected = [
    { line: 1, fields: ['a', 'b', 'c'] },
    { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
    { line: 4, fields: ['1', '', '3'] },
    { line: 6, fields: ['4', '5', '6'] },
  ];
  for (let size = 1; size <= text.length; size++) {
    const out: CsvRecord[] = [];
    const t = new CsvTokenizer({ onTooLong: () => assert.fail('too long') });
    for (let i = 0; i < text.length; i += size) t.write(text.slice(i, i + size), out);
    t.end(out);
    assert.deepEqual(out, expected, `chunks of ${size}`);
  }
});

test('Azure cost export (amortized, MCA casing; actual, EA casing): per-day VM cost by ResourceId, scale-set instances, reservation rows', async () => {
  const vm = '/subscriptions/s1/resourceGroups/MC_rg_aks_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-1/virtualMachines/0';
  const csv = [
    'date,ResourceId,costInBillingCurrency,costInUsd,billingCurrency,PricingModel,ChargeType,MeterCategory,MeterName,quantity',
    // Pay-as-you-go: 24 h × 0.192.
    `2026-11-01,${vm},4.608,4.608,USD,OnDemand,Usage,Virtual Machines,D4s v3,24`,
    // The disk of the same VM is not compute.
    `2026-11-01,${vm}/disks/os,0.2,0.2,USD,OnDemand,Usage,Storage,P10 LRS Disk,1`,
    // Amortized reservation: 24 × 0.121.
    `2026-11-01,${vm.replace('/0', '/1')},2.904,2.904,USD,Reservation,Usage,Virtual Machines,D4s v3,24`,
    // A reservation purchase row is not usage of a VM.
    '2026-11-01,,1500,1500,USD,Reservation,Purchase,Virtual Machines,,1',
    // Spot: 24 × 0.04.
    `11/02/2026,${vm.replace('/0', '/2')},0.96,0.96,USD,Spot,Usage,Virtual Machines,D4s v3 Spot,24`,
  ].join('\n');
  // An *actual cost* export (EA casing, US dates): the reservation-covered VM's usage row costs 0 (the
  // purchase is its own row), so it is not taken as the VM's price; the pay-as-you-go VM counts.
  const actual = [
    'Date,ResourceId,CostInBillingCurrency,BillingCurrency,PricingModel,ChargeType,MeterCategory',
    `11/03/2026,${vm.replace('/0', '/3')},0,USD,Reservation,Usage,Virtual Machines`,
    '11/03/2026,,1500,USD,Reservation,Purchase,Virtual Machines',
    `11/03/2026,${vm.replace('/0', '/4')},4.608,USD,OnDemand,Usage,Virtual Machines`,
  ].join('\r\n');
  const { usage, errors } = await readBills(billDir({ 'export/part_0_0001.csv': csv, 'actual/part_0_0001.csv': actual }));
  assert.deepEqual(errors, []);
  const key = vm.toLowerCase();
  assert.equal(usage.resources.has(key.replace('/0', '/3')), false, 'zero-cost reservation row of an actual-cost export');
  assert.equal(netOf(usage, key.replace('/0', '/4')), 4.608);
  assert.equal(netOf(usage, key), 4.608);
  assert.equal(netOf(usage, key.replace('/0', '/1')), 2.904);
  assert.equal(usage.resources.get(key.replace('/0', '/1'))?.periods.get(Date.UTC(2026, 10, 1))?.byKindUsd.reserved, 2.904);
  const spot = usage.resources.get(key.replace('/0', '/2'))?.periods.get(Date.UTC(2026, 10, 2));
  assert.equal(spot?.byKindUsd.spot, 0.96);
  assert.equal(spot?.endMs, Date.UTC(2026, 10, 3), 'a day');
  assert.equal(usage.resources.size, 4);
});

test('GCP billing export: newline-delimited JSON with nested resource and credits; CSV with flattened columns', async () => {
  const line = (over: Record<string, unknown>) =>
    JSON.stringify({
      billing_account_id: '01ABCD-234567-89EFGH',
      service: { id: '6F81-5844-456A', description: 'Compute Engine' },
      sku: { id: 'CF4E-A0C7-E3BF', description: 'N2 Instance Core running in Americas' },
      usage_start_time: '2026-11-01T10:00:00Z',
      usage_end_time: '2026-11-01T11:00:00Z',
      project: { id: 'shop-prod' },
      resource: { name: 'gke-prod-pool-1-abcd', global_name: '//compute.googleapis.com/projects/shop-prod/zones/us-central1-a/instances/1234567890' },
      cost: 0.12,
      currency: 'USD',
      cost_type: 'regular',
      credits: [],
      ...over,
    });
  const json = [
    // Cores 0.12 with a sustained-use credit of −0.024, RAM 0.04 with a committed-use credit of −0.01.
    line({ credits: [{ name: 'Sustained usage discount', amount: -0.024, type: 'SUSTAINED_USAGE_DISCOUNT' }] }),
    line({ sku: { description: 'N2 Instance Ram running in Americas' }, cost: 0.04, credits: [{ name: 'Committed use discount', amount: -0.01, type: 'COMMITTED_USAGE_DISCOUNT' }] }),
    // A PD disk is not compute; tax is not usage.
    line({ sku: { description: 'Balanced PD Capacity' }, resource: { name: 'pvc-123', global_name: '//compute.googleapis.com/projects/shop-prod/zones/us-central1-a/disks/pvc-123' }, cost: 0.005 }),
    line({ cost_type: 'tax', cost: 0.5 }),
    '',
  ].join('\n');
  const csv = [
    'usage_start_time,usage_end_time,project_id,resource_name,resource_global_name,service_description,sku_description,cost,currency,credits_amount',
    '2026-11-01 10:00:00 UTC,2026-11-01 11:00:00 UTC,shop-prod,gke-prod-spot-1-wxyz,//compute.googleapis.com/projects/shop-prod/zones/us-central1-a/instances/42,Compute Engine,Spot Preemptible N2 Instance Core running in Americas,0.03,USD,0',
  ].join('\n');
  const { usage, errors } = await readBills(billDir({ 'export.json': json, 'spot.csv': csv }));
  assert.deepEqual(errors, []);
  const p = usage.resources.get('shop-prod/gke-prod-pool-1-abcd')?.periods.get(Date.UTC(2026, 10, 1, 10));
  assert.ok(p);
  // 0.12 + 0.04 = 0.16 before credits; −0.024 discount; −0.01 commitment → 0.126.
  assert.ok(Math.abs(p.costUsd - 0.16) < 1e-12);
  assert.equal(p.discountUsd, -0.024);
  assert.equal(p.commitmentUsd, -0.01);
  assert.ok(Math.abs(periodNetUsd(p) - 0.126) < 1e-12);
  assert.equal(usage.resources.get('shop-prod/gke-prod-spot-1-wxyz')?.periods.get(Date.UTC(2026, 10, 1, 10))?.byKindUsd.spot, 0.03);
  assert.equal(usage.resources.size, 2);
});

test('malformed bill files: typed errors naming file, line and column; the good files still count', async () => {
  const header = 'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UnblendedCost,lineItem/UsageType';
  const good = `${header}\nUsage,i-0good,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,0.192,USE1-BoxUsage:m5.xlarge\n`;
  const full = `${header}\n${Array.from({ length: 2000 }, (_, i) => `Usage,i-0big,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,0.00${i % 10},USE1-BoxUsage:m5.xlarge`).join('\n')}\n`;
  const truncatedGzip = gzipSync(full).subarray(0, 900);
  const dir = billDir({
    'a-good.csv': good,
    'b-bad-header.csv': 'foo,bar,baz\n1,2,3\n',
    'c-non-numeric.csv': `${header}\nUsage,i-0x,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,0.192,USE1-BoxUsage:m5.xlarge\nUsage,i-0x,2026-11-01T01:00:00Z,2026-11-01T02:00:00Z,abc,USE1-BoxUsage:m5.xlarge\n`,
    'd-truncated.csv.gz': truncatedGzip,
    'e-bad-date.csv': `${header}\nUsage,i-0y,2026-13-45T00:00:00Z,2026-11-01T01:00:00Z,1,USE1-BoxUsage:m5.xlarge\n`,
    'f-short-line.csv': `${header}\nUsage,i-0z,2026-11-01T00:00:00Z\n`,
    'g-no-resource-ids.csv': 'lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UnblendedCost\nUsage,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,1\n',
    'h-not-parquet.parquet': 'this is not parquet',
    'i-bad.json': '{"usage_start_time":"2026-11-01T00:00:00Z","cost":1}\n{"usage_start_time": \n',
    'j-open-quote.csv': `${header}\nUsage,"i-0q,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,1,x\n`,
    'k-ri-without-column.csv': `${header}\nDiscountedUsage,i-0r,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,0,USE1-BoxUsage:m5.xlarge\n`,
    'l-eur.csv': `${header},lineItem/CurrencyCode\nUsage,i-0e,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,1,USE1-BoxUsage:m5.xlarge,EUR\n`,
    'manifest/report-Manifest.json': '{"assemblyId":"x"}',
  });
  const { usage, errors, files } = await readBills(dir);
  assert.deepEqual([...usage.resources.keys()], ['i-0good']);
  assert.deepEqual(
    files.map((f) => f.location.slice(dir.length + 1)),
    ['a-good.csv'],
  );
  const got = errors.map((e) => {
    assert.ok(e instanceof BillParseError, String(e));
    return [e.file.slice(dir.length + 1), e.line, e.column, e.value, e.reason];
  });
  assert.deepEqual(got, [
    ['b-bad-header.csv', 1, '', 'foo,bar,baz', 'header is not an AWS Cost and Usage Report (lineItem/LineItemType or line_item_line_item_type), an Azure cost export (Date, ResourceId, CostInBillingCurrency) or a GCP billing export (usage_start_time, cost)'],
    ['c-non-numeric.csv', 3, 'lineItem/UnblendedCost', 'abc', 'not a number'],
    ['d-truncated.csv.gz', 0, '', '', 'not a complete gzip file (unexpected end of file)'],
    ['e-bad-date.csv', 2, 'lineItem/UsageStartDate', '2026-13-45T00:00:00Z', 'not a time (ISO 8601, e.g. 2026-11-01T00:00:00Z)'],
    ['f-short-line.csv', 2, '', '', '3 fields where the header has 6 (truncated or malformed line)'],
    ['g-no-resource-ids.csv', 1, 'lineItem/ResourceId', '', "no resource id column: turn on 'Include resource IDs' in the report definition"],
    ['h-not-parquet.parquet', 0, '', '', got[6]?.[4] as string],
    ['i-bad.json', 2, '', '{"usage_start_time": ', got[7]?.[4] as string],
    ['j-open-quote.csv', 2, '', '', 'the file ends inside a quoted field (truncated)'],
    ['k-ri-without-column.csv', 2, 'reservation/EffectiveCost', 'DiscountedUsage', 'a DiscountedUsage line but the report has no reservation/EffectiveCost column to amortize it'],
    ['l-eur.csv', 2, 'lineItem/CurrencyCode', 'EUR', 'costs in a currency other than USD (kube-cost-exporter prices in USD)'],
  ]);
  assert.match(String(got[6]?.[4]), /^not a readable Parquet file/);
  assert.match(String(got[7]?.[4]), /^not a JSON object/);
  assert.equal(errors[1]?.message, `bill ${join(dir, 'c-non-numeric.csv')}:3 column lineItem/UnblendedCost: not a number (value "abc")`);
  // The partly read non-numeric file adds nothing (errors before 50,000 lines fold nothing in).
  assert.equal(netOf(usage, 'i-0x'), 0);
  assert.equal(netOf(usage, 'i-0good'), 0.192);
});

test('locations: directories and file:// read here; s3://, gs://, azblob:// need their lister; other schemes refused', async () => {
  assert.equal(billScheme('./bills'), 'local');
  assert.equal(billScheme('file:///var/bills'), 'local');
  assert.equal(billScheme('s3://bucket/cur/'), 's3');
  assert.throws(() => billScheme('ftp://x/y'), (e: unknown) => e instanceof BillLocationError && e.message === 'billing location ftp://x/y: unknown scheme "ftp://" (a directory, file://, s3://, gs:// or azblob://)');
  const missing = Object.assign(new Error('Cannot find module'), { code: 'ERR_MODULE_NOT_FOUND' });
  await assert.rejects(
    billListerFor('s3://bucket/cur/', async () => Promise.reject(missing)),
    (e: unknown) => e instanceof BillLocationError && e.message === 'billing location s3://bucket/cur/: reading bills from S3 is not available in this build (remote/s3.ts is not installed); copy the files to a directory and pass that',
  );
  const fake = async function* () {};
  assert.equal(await billListerFor('gs://b/p', async (s) => (s.endsWith('/remote/gcs.ts') ? { listGcsBillFiles: fake } : {})), fake);
  // Without an importer, each scheme loads the real object-store lister (literal import()s, so dist/ and the image bundle find them too).
  assert.equal(await billListerFor('s3://b/p/'), (await import('./remote/s3.ts')).listS3BillFiles);
  assert.equal(await billListerFor('gs://b/p'), (await import('./remote/gcs.ts')).listGcsBillFiles);
  assert.equal(await billListerFor('azblob://a/c/p'), (await import('./remote/azure-blob.ts')).listAzureBillFiles);
  await assert.rejects(billListerFor('azblob://acct/c/p', async () => ({})), (e: unknown) => e instanceof BillLocationError && /does not export listAzureBillFiles/.test(e.message));
  await assert.rejects(readBills(join(root, 'no-such-dir')), (e: unknown) => e instanceof BillLocationError && /cannot read: ENOENT$/.test(e.message));
  const one = billDir({ 'x.csv': 'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UnblendedCost\nUsage,i-1,2026-11-01,2026-11-01T01:00:00Z,2\n' });
  const { usage } = await readBills(`file://${join(one, 'x.csv')}`);
  assert.equal(usage.resources.get('i-1')?.periods.get(Date.UTC(2026, 10, 1))?.costUsd, 2);
});

test('files are added whole: a discount in one file applies to usage in another; a bad file adds nothing', async () => {
  const header = 'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UnblendedCost,lineItem/UsageType';
  const hour = '2026-11-01T00:00:00Z,2026-11-01T01:00:00Z';
  const dir = billDir({
    // 0.192 on-demand, then a −0.00576 EDP discount on the same instance-hour in the next file: 0.18624.
    'a.csv': `${header}\nUsage,i-0a,${hour},0.192,USE1-BoxUsage:m5.xlarge\n`,
    'b.csv': `${header}\nEdpDiscount,i-0a,${hour},-0.00576,\n`,
    // Good lines, then a bad one: none of this file counts (i-0a's hour would be 0.384 more).
    'c.csv': `${header}\nUsage,i-0a,${hour},0.384,USE1-BoxUsage:m5.xlarge\nUsage,i-0c,${hour},oops,USE1-BoxUsage:m5.xlarge\n`,
  });
  const { usage, errors, files } = await readBills(dir);
  assert.equal(errors.length, 1);
  assert.deepEqual(
    files.map((f) => [f.location.slice(dir.length + 1), f.charges]),
    [
      ['a.csv', 1],
      ['b.csv', 1],
    ],
  );
  assert.ok(Math.abs(netOf(usage, 'i-0a') - 0.18624) < 1e-12, String(netOf(usage, 'i-0a')));
  assert.equal(usage.resources.has('i-0c'), false);
  // The exporter keeps recent charges only: an hour that ended by `sinceMs` is left out.
  assert.equal((await readBills(dir, { sinceMs: Date.UTC(2026, 10, 1, 1) })).usage.resources.size, 0);
  assert.equal((await readBills(dir, { sinceMs: Date.UTC(2026, 10, 1, 0, 59) })).usage.resources.size, 1);
});
