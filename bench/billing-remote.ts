// `node --expose-gc bench/billing-remote.ts [--repeats 5]`: what loading each object-store SDK costs
// the exporter process (the bill listers import them lazily, on the first listing of a location of
// that store). Each measurement is a fresh Node process (with the TypeScript stripper already loaded): RSS after a GC before and after the import,
// and the import's wall time. Prints medians; docs/benchmarks.md ("Billing object stores") holds a run.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';

const args = process.argv.slice(2);
const repeats = Number(args[args.indexOf('--repeats') + 1] || 5) || 5;
const root = fileURLToPath(new URL('..', import.meta.url));

const targets: { name: string; imports: string[] }[] = [
  { name: 'the three lister modules (dist/), no SDK', imports: ['./dist/billing/remote/s3.js', './dist/billing/remote/gcs.js', './dist/billing/remote/azure-blob.js'] },
  { name: '@aws-sdk/client-s3', imports: ['@aws-sdk/client-s3'] },
  { name: '@google-cloud/storage', imports: ['@google-cloud/storage'] },
  { name: '@azure/storage-blob', imports: ['@azure/storage-blob'] },
  { name: 'all three SDKs', imports: ['@aws-sdk/client-s3', '@google-cloud/storage', '@azure/storage-blob'] },
];

function once(imports: string[]): { rssMiB: number; heapMiB: number; ms: number } {
  const script = `
const gc = globalThis.gc;
gc(); const before = process.memoryUsage().rss; const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
for (const m of ${JSON.stringify(imports)}) await import(m);
const ms = performance.now() - t0;
gc(); gc();
process.stdout.write(JSON.stringify({ rssMiB: (process.memoryUsage().rss - before) / 2 ** 20, heapMiB: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20, ms }));`;
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '--eval', script], { cwd: root, encoding: 'utf8' })) as { rssMiB: number; heapMiB: number; ms: number };
}

execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

console.log(`billing object-store SDKs: ${repeats} fresh processes each, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| import | median RSS added | max | median V8 heap added | median import time |');
console.log('| --- | --- | --- | --- | --- |');
for (const t of targets) {
  const runs = Array.from({ length: repeats }, () => once(t.imports));
  const rss = runs.map((r) => r.rssMiB);
  console.log(`| ${t.name} | ${median(rss).toFixed(1)} MiB | ${Math.max(...rss).toFixed(1)} MiB | ${median(runs.map((r) => r.heapMiB)).toFixed(1)} MiB | ${median(runs.map((r) => r.ms)).toFixed(0)} ms |`);
}
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// --- listing a year of kept CUR versions through the S3 lister ---
const months = Number(args[args.indexOf('--months') + 1] || 12) || 12;
const assemblies = Number(args[args.indexOf('--assemblies') + 1] || 90) || 90;
const perAssembly = Number(args[args.indexOf('--files') + 1] || 4) || 4;
const keys: { key: string; body: string }[] = [];
for (let m = 0; m < months; m++) {
  const start = new Date(Date.UTC(2025, 11 + m, 1));
  const end = new Date(Date.UTC(2025, 12 + m, 1));
  const ymd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
  const period = `cur/hourly/${ymd(start)}-${ymd(end)}`;
  let newest: string[] = [];
  for (let a = 0; a < assemblies; a++) {
    const id = `${String(a).padStart(4, '0')}-9b1f-4c1e-8d3a-assembly`;
    const files = Array.from({ length: perAssembly }, (_, f) => `${period}/${id}/hourly-${f + 1}.csv.gz`);
    const manifest = JSON.stringify({ assemblyId: id, reportName: 'hourly', billingPeriod: { start: `${ymd(start)}T000000.000Z`, end: `${ymd(end)}T000000.000Z` }, reportKeys: files });
    for (const f of files) keys.push({ key: f, body: '' });
    keys.push({ key: `${period}/${id}/hourly-Manifest.json`, body: manifest });
    newest = files;
  }
  keys.push({ key: `${period}/hourly-Manifest.json`, body: JSON.stringify({ assemblyId: 'latest', reportName: 'hourly', billingPeriod: { start: `${ymd(start)}T000000.000Z` }, reportKeys: newest }) });
}
keys.sort((a, b) => (a.key < b.key ? -1 : 1));
const byKey = new Map(keys.map((k) => [k.key, k]));
let manifestReads = 0;
let pages = 0;
const s3 = createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  if (u.searchParams.get('list-type') === '2') {
    pages++;
    const from = Number(u.searchParams.get('continuation-token') ?? 0);
    const page = keys.slice(from, from + 1000);
    const more = from + 1000 < keys.length;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>${page.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${more}</IsTruncated>${more ? `<NextContinuationToken>${from + 1000}</NextContinuationToken>` : ''}${page.map((k) => `<Contents><Key>${k.key}</Key><LastModified>2026-11-29T00:00:00.000Z</LastModified><Size>${k.body.length || 1048576}</Size></Contents>`).join('')}</ListBucketResult>`);
    return;
  }
  const k = byKey.get(decodeURIComponent(u.pathname.split('/').slice(2).join('/')));
  manifestReads++;
  res.writeHead(200, { 'content-length': String(k?.body.length ?? 0) });
  res.end(k?.body ?? '');
});
await new Promise<void>((r) => s3.listen(0, '127.0.0.1', r));
const { createS3BillLister } = await import('../src/billing/remote/s3.ts');
const list = createS3BillLister({ endpoint: `http://127.0.0.1:${(s3.address() as AddressInfo).port}`, forcePathStyle: true, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
const timings: number[] = [];
let chosen = 0;
let heapHeldMiB = 0;
for (let r = 0; r < 3; r++) {
  manifestReads = 0;
  pages = 0;
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const files = [];
  for await (const f of list('s3://cur-bucket/cur/', {})) files.push(f);
  timings.push(performance.now() - t0);
  globalThis.gc?.();
  heapHeldMiB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  chosen = files.length;
}
s3.close();
console.log(`\nlisting ${keys.length.toLocaleString('en')} objects (${months} months × ${assemblies} kept assemblies × ${perAssembly} files + manifests) in ${pages} pages: median ${median(timings).toFixed(0)} ms of 3, ${manifestReads} manifests read, ${chosen} files chosen, ${heapHeldMiB.toFixed(1)} MiB of heap held by the chosen files; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
