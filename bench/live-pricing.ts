// `node bench/live-pricing.ts [--sizes 75,300,600] [--repeats 3]`: streams generated AWS offer
// files (MB, generated on the fly by a server process, nothing on disk) through the live pricing
// AWS adapter over HTTP, each parse in a fresh process, and prints the median throughput and peak
// RSS growth per size. docs/benchmarks.md ("Live pricing") holds the figures of a run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fetchAwsBulk } from '../src/pricing/live/aws.ts';
import { RateLimiter, realSleep } from '../src/pricing/live/resilience.ts';
import { median } from './stats.ts';

/** Bytes the generator writes per instance type (8 products with their terms), measured: ≈ 39,458. */
const BYTES_PER_TYPE = 39_458;

async function parseOnce(baseUrl: string): Promise<void> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await fetchAwsBulk(
    { provider: 'aws', limiter: new RateLimiter({ now: Date.now, sleep: realSleep }), sleep: realSleep, random: Math.random, now: Date.now, timeoutMs: 120_000, record: () => undefined },
    { baseUrl, region: 'us-east-1' },
  );
  const seconds = (performance.now() - t0) / 1000;
  const growthMb = (process.resourceUsage().maxRSS * 1024 - rssBefore) / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ bytes: r.stats?.bytes ?? 0, rows: r.rows.length, seconds, growthMb })}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return parseOnce(args[1]!);
  const arg = (f: string) => {
    const i = args.indexOf(f);
    return i === -1 ? undefined : args[i + 1];
  };
  const sizesMb = (arg('--sizes') ?? '75,300,600').split(',').map(Number);
  const repeats = Number(arg('--repeats') ?? '3');
  const self = fileURLToPath(import.meta.url);
  console.log(`live pricing: AWS offer file stream (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log('size MB | rows | median MB/s | median s | median peak RSS growth MB | max peak RSS growth MB');
  for (const mb of sizesMb) {
    const types = Math.ceil((mb * 1e6) / BYTES_PER_TYPE);
    const server = spawn(process.execPath, [fileURLToPath(new URL('../src/pricing/live/offer-server.test-util.ts', import.meta.url)), String(types)], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [first] = (await once(server.stdout, 'data')) as [Buffer];
      const url = first.toString().trim();
      const runs: Array<{ bytes: number; rows: number; seconds: number; growthMb: number }> = [];
      for (let i = 0; i < repeats; i++) {
        const child = spawn(process.execPath, ['--expose-gc', self, '--child', url], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        await once(child, 'exit');
        runs.push(JSON.parse(out));
      }
      const bytes = runs[0]!.bytes;
      console.log(
        [
          (bytes / 1e6).toFixed(0),
          runs[0]!.rows,
          median(runs.map((r) => r.bytes / 1e6 / r.seconds)).toFixed(1),
          median(runs.map((r) => r.seconds)).toFixed(2),
          median(runs.map((r) => r.growthMb)).toFixed(1),
          Math.max(...runs.map((r) => r.growthMb)).toFixed(1),
        ].join(' | '),
      );
    } finally {
      server.kill();
    }
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
