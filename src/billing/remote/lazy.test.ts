// The object-store SDKs cost 35-45 MiB of RSS each (docs/benchmarks.md, "Billing object stores"): an
// exporter that imports the listers but reads no bill must not load them. A fresh Node process
// records every module it resolves (module.registerHooks), imports the three listers, then lists a
// bill location, which must load that store's SDK and only it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SDKS = ['@aws-sdk/client-s3', '@google-cloud/storage', '@azure/storage-blob'];

const script = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { seen.add(specifier); return next(specifier, context); } });
const sdks = ${JSON.stringify(SDKS)};
const loaded = () => sdks.filter((s) => seen.has(s));
const { listS3BillFiles } = await import(${JSON.stringify(new URL('./s3.ts', import.meta.url).href)});
await import(${JSON.stringify(new URL('./gcs.ts', import.meta.url).href)});
await import(${JSON.stringify(new URL('./azure-blob.ts', import.meta.url).href)});
await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
const afterImport = loaded();
// An unreachable endpoint with one attempt: listing fails fast, after the SDK is loaded.
const { createS3BillLister } = await import(${JSON.stringify(new URL('./s3.ts', import.meta.url).href)});
try {
  for await (const _ of createS3BillLister({ endpoint: 'http://127.0.0.1:9', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } })('s3://bucket/cur/', {})) break;
} catch {}
process.stdout.write(JSON.stringify({ afterImport, afterList: loaded(), lister: typeof listS3BillFiles }));
`;

test('the listers load no SDK until a bill location is listed, then only that store\'s', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '--eval', script], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), encoding: 'utf8', timeout: 60_000 });
  assert.deepEqual(JSON.parse(out), { afterImport: [], afterList: ['@aws-sdk/client-s3'], lister: 'function' });
});
