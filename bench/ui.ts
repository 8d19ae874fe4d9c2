// Web UI budget: JavaScript size (raw and gzipped as the exporter serves it) and the first load of
// the overview in Debian's Chromium, from navigation to the total shown, median of N runs with a
// fresh browser context each time (cold cache), and again with the assets cached (warm).
// The overview is loaded from the real exporter on the demo cluster (`--source demo`); when that
// process serves no /api/v1/summary (its CLI opens no history store in this build), from the
// exporter's app, API and history store in this process fed by 30 days of hourly demo cycles
// (test/helpers/ui-backends.ts, in its own process), and the figure says which. Budget (issue 7): JS ≤ 250 KB gzipped, first load ≤ 1 s.
// Run alone (`node bench/ui.ts`) or from `npm run bench -- --sizes ui` (bench/run.ts calls it).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../test/helpers/ui-browser.ts';
import { freePort } from '../test/helpers/prometheus.ts';
import { buildUi, isStale } from '../ui/build.ts';
import { median } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface UiBench {
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly backend: string;
  readonly coldMs: number;
  readonly warmMs: number;
  /** Of a cold load: navigation start → JS and CSS received; first → last API answer received. */
  readonly assetsMs: number;
  readonly apiMs: number;
  readonly runs: number;
  readonly load: string;
}

export function uiSizes(dist = join(ROOT, 'ui/dist')): { jsBytes: number; jsGzipBytes: number; cssGzipBytes: number } {
  let jsBytes = 0;
  let jsGzipBytes = 0;
  let cssGzipBytes = 0;
  for (const f of readdirSync(join(dist, 'assets'))) {
    const body = readFileSync(join(dist, 'assets', f));
    const gz = gzipSync(body, { level: 9 }).byteLength;
    if (f.endsWith('.js')) {
      jsBytes += body.byteLength;
      jsGzipBytes += gz;
    } else if (f.endsWith('.css')) cssGzipBytes += gz;
  }
  return { jsBytes, jsGzipBytes, cssGzipBytes };
}

/** test/helpers/ui-backends.ts in its own process: the exporter's app + API + store fed by demo cycles. */
async function recordedDemo(days: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'test/helpers/ui-backends.ts'), String(days)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /^(http:\/\/\S+)\n/.exec(out);
      if (line?.[1]) resolve(line[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench/ui: the recorded demo backend exited (${code})`)));
  });
  return { url, child };
}

async function demoExporter(): Promise<{ url: string; child: ChildProcess; dir: string } | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-ui-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [join(ROOT, 'src/cli/kube-cost-exporter.ts'), '--source', 'demo', '--port', String(port), '--host', '127.0.0.1', '--interval', '1h', '--log-level', 'error'], { cwd: dir, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error('bench/ui: the demo exporter did not turn ready in 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  if ((await fetch(`${url}/api/v1/summary?window=7d`)).status === 200) {
    // The demo backfill (30 days) runs after start: wait until the 30-day total stops moving.
    let previous = -1;
    for (;;) {
      const total = ((await (await fetch(`${url}/api/v1/summary?window=30d`)).json()) as { data: { totalCost: number } }).data.totalCost;
      if (total > 0 && total === previous) break;
      if (Date.now() > deadline + 60_000) throw new Error('bench/ui: the demo backfill did not finish in 2 minutes');
      previous = total;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { url, child, dir };
  }
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

export async function benchUi({ runs = 7 } = {}): Promise<UiBench> {
  if (isStale()) await buildUi();
  const sizes = uiSizes();
  const exporter = await demoExporter();
  const recorded = exporter ? undefined : await recordedDemo(30);
  const url = exporter?.url ?? recorded!.url;
  const backend = exporter ? 'exporter process, demo cluster (30-day backfill in its SQLite store)' : "exporter's app + API + history store in-process, 30 days of demo cycles (this CLI serves no /api/v1 yet)";
  const browser = await launchBrowser();
  const cold: number[] = [];
  const warm: number[] = [];
  const assets: number[] = [];
  const apis: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      for (const bucket of [cold, warm]) {
        const t = performance.now();
        await page.goto(`${url}/`);
        await page.locator('[data-testid="kpi-total"] .kpi-value').waitFor();
        await page.locator('.chart canvas').first().waitFor();
        // The first run warms the exporter and the browser process up; it is not counted.
        if (i > 0) bucket.push(performance.now() - t);
        if (i > 0 && bucket === cold) {
          const timing = await page.evaluate(() => {
            const entries = performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[];
            const api = entries.filter((e) => e.name.includes('/api/v1/'));
            const files = entries.filter((e) => e.name.includes('/assets/'));
            return {
              assets: Math.max(0, ...files.map((e) => e.responseEnd)),
              api: api.length === 0 ? 0 : Math.max(...api.map((e) => e.responseEnd)) - Math.min(...api.map((e) => e.startTime)),
            };
          });
          assets.push(timing.assets);
          apis.push(timing.api);
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
    recorded?.child.kill('SIGTERM');
    if (exporter) {
      exporter.child.kill('SIGTERM');
      rmSync(exporter.dir, { recursive: true, force: true });
    }
  }
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return { ...sizes, backend, coldMs: median(cold), warmMs: median(warm), assetsMs: median(assets), apiMs: median(apis), runs, load };
}

export function printUiBench(r: UiBench): void {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  console.log('\n## Web UI (bench/ui.ts)\n');
  console.log(`load average before/after: ${r.load}; data: ${r.backend}; median of ${r.runs} runs\n`);
  console.log('| JS | JS gzipped (budget 250 KB) | CSS gzipped | first load, cold cache (budget 1 s) | of which JS+CSS received | of which API answers | load, assets cached |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${kb(r.jsBytes)} | ${kb(r.jsGzipBytes)} | ${kb(r.cssGzipBytes)} | ${r.coldMs.toFixed(0)} ms | ${r.assetsMs.toFixed(0)} ms | ${r.apiMs.toFixed(0)} ms | ${r.warmMs.toFixed(0)} ms |`,
  );
}

if (import.meta.main) printUiBench(await benchUi());
