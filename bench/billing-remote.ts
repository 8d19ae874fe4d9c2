// `node --expose-gc bench/billing-remote.ts [--repeats 5]`: what loading each object-store SDK costs
// the exporter process (the bill listers import them lazily, on the first listing of a location of
// that store). Each measurement is a fresh Node process (with the TypeScript stripper already loaded): RSS after a GC before and after the import,
// and the import's wall time. Prints medians; docs/benchmarks.md ("Billing object stores") holds a run.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log(`billing object-store SDKs: ${repeats} fresh processes each, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| import | median RSS added | max | median V8 heap added | median import time |');
console.log('| --- | --- | --- | --- | --- |');
for (const t of targets) {
  const runs = Array.from({ length: repeats }, () => once(t.imports));
  const rss = runs.map((r) => r.rssMiB);
  console.log(`| ${t.name} | ${median(rss).toFixed(1)} MiB | ${Math.max(...rss).toFixed(1)} MiB | ${median(runs.map((r) => r.heapMiB)).toFixed(1)} MiB | ${median(runs.map((r) => r.ms)).toFixed(0)} ms |`);
}
console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
