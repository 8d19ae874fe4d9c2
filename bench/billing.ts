// `node bench/billing.ts [--instances 200,2000] [--hours 720] [--repeats 3] [--max-old-space MB]`: writes a generated AWS
// CUR (legacy columns, CSV.gz: one line per instance-hour plus the S3, RIFee, negation and EDP lines
// of cur-fixture.test-util.ts) for N instances over a month, then reads it with the billing reader
// (readBills: gunzip → CSV → amortization → per-VM billed usage) in a fresh process per run, and
// prints the median throughput (uncompressed MB/s, lines/s) and peak RSS. docs/benchmarks.md
// ("Billing reconciliation") holds the figures of a run. `npm run bench -- --sizes billing` runs the
// small size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureInstance } from '../src/billing/cur-fixture.test-util.ts';
import { curRows, INSTANCES, writeCurCsv } from '../src/billing/cur-fixture.test-util.ts';
import { readBills } from '../src/billing/read.ts';
import { median } from './stats.ts';

export interface BillingBenchRow {
  readonly instances: number;
  readonly lines: number;
  readonly gzMb: number;
  readonly csvMb: number;
  readonly seconds: number;
  readonly csvMbPerSecond: number;
  readonly linesPerSecond: number;
  readonly peakRssMb: number;
  /** Heap and array buffers in use after the read and a full GC: the billed usage kept. */
  readonly liveMb: number;
}

function instances(n: number): FixtureInstance[] {
  const kinds = INSTANCES.slice(0, 4);
  return Array.from({ length: n }, (_, i) => ({ ...(kinds[i % kinds.length] as FixtureInstance), id: `i-${(i + 1).toString(16).padStart(17, '0')}` }));
}

async function child(dir: string): Promise<void> {
  const t0 = performance.now();
  const r = await readBills(dir);
  const seconds = (performance.now() - t0) / 1000;
  if (r.errors.length > 0) throw r.errors[0];
  global.gc?.();
  // What stays: the billed usage (one row per VM-hour); the peak is mostly garbage awaiting collection.
  const m = process.memoryUsage();
  const liveMb = (m.heapUsed + m.arrayBuffers) / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ seconds, resources: r.usage.resources.size, peakRssMb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20, liveMb })}\n`);
}

export async function benchBilling(options: { instances?: readonly number[]; hours?: number; repeats?: number; maxOldSpaceMb?: number } = {}): Promise<BillingBenchRow[]> {
  const { hours = 720, repeats = 3, maxOldSpaceMb } = options;
  const out: BillingBenchRow[] = [];
  for (const n of options.instances ?? [200]) {
    const dir = mkdtempSync(join(tmpdir(), 'kce-bench-bill-'));
    try {
      const file = join(dir, 'cur-00001.csv.gz');
      const list = instances(n);
      let lines = 0;
      let csvBytes = 0;
      const counted = function* () {
        for (const r of curRows({ hours, instances: list })) {
          lines++;
          csvBytes += r.join(',').length + 1;
          yield r;
        }
      };
      await writeCurCsv(file, 'legacy', counted());
      const runs: { seconds: number; peakRssMb: number; liveMb: number }[] = [];
      for (let i = 0; i < repeats; i++) {
        const r = spawnSync(process.execPath, ['--expose-gc', ...(maxOldSpaceMb !== undefined ? [`--max-old-space-size=${maxOldSpaceMb}`] : []), fileURLToPath(import.meta.url), '--child', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`billing bench child failed: ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
      }
      const seconds = median(runs.map((r) => r.seconds));
      const csvMb = csvBytes / 2 ** 20;
      out.push({ instances: n, lines, gzMb: statSync(file).size / 2 ** 20, csvMb, seconds, csvMbPerSecond: csvMb / seconds, linesPerSecond: lines / seconds, peakRssMb: median(runs.map((r) => r.peakRssMb)), liveMb: median(runs.map((r) => r.liveMb)) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

export function printBillingBench(rows: readonly BillingBenchRow[]): void {
  console.log(`\nBilling: CUR CSV.gz read (gunzip + CSV + amortization), medians; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('instances  lines       csv.gz MB  csv MB   seconds  csv MB/s  lines/s     peak RSS MB  kept MB');
  for (const r of rows) {
    console.log(
      `${String(r.instances).padEnd(10)} ${String(r.lines).padEnd(11)} ${r.gzMb.toFixed(1).padEnd(10)} ${r.csvMb.toFixed(0).padEnd(8)} ${r.seconds.toFixed(2).padEnd(8)} ${r.csvMbPerSecond.toFixed(1).padEnd(9)} ${Math.round(r.linesPerSecond).toString().padEnd(11)} ${r.peakRssMb.toFixed(0).padEnd(12)} ${r.liveMb.toFixed(0)}`,
    );
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') await child(args[1] as string);
  else {
    const arg = (f: string) => {
      const i = args.indexOf(f);
      return i === -1 ? undefined : args[i + 1];
    };
    printBillingBench(
      await benchBilling({
        instances: (arg('--instances') ?? '200,2000').split(',').map(Number),
        hours: Number(arg('--hours') ?? 720),
        repeats: Number(arg('--repeats') ?? 3),
        ...(arg('--max-old-space') !== undefined ? { maxOldSpaceMb: Number(arg('--max-old-space')) } : {}),
      }),
    );
  }
}
