// Web UI budget: JavaScript size (raw and gzipped as the exporter serves it) and the first load of
// the overview in Debian's Chromium, from navigation to the total shown, median of N runs with a
// fresh browser context each time (cold cache), and again with the assets cached (warm).
// The overview is loaded from the real exporter on the demo cluster (`--source demo`); an
// exporter without /api/v1/summary yet is replaced by the example API (ui/fixtures) and the
// figure says so. Budget (issue 7): JS ≤ 250 KB gzipped, first load ≤ 1 s.
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
import { startFixtureServer } from '../ui/fixtures/server.ts';

const ROOT = resolve(import.meta.dirname, '..');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface UiBench {
  readonly jsBytes: number;
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly backend: string;
  readonly coldMs: number;
  readonly warmMs: number;
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
  if ((await fetch(`${url}/api/v1/summary?window=7d`)).status === 200) return { url, child, dir };
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

export async function benchUi({ runs = 7 } = {}): Promise<UiBench> {
  if (isStale()) await buildUi();
  const sizes = uiSizes();
  const exporter = await demoExporter();
  const fixture = exporter ? undefined : await startFixtureServer();
  const url = exporter?.url ?? fixture!.url;
  const backend = exporter ? 'exporter, demo cluster (30-day history)' : 'example API (ui/fixtures; this exporter has no /api/v1/summary yet)';
  const browser = await launchBrowser();
  const cold: number[] = [];
  const warm: number[] = [];
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
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await fixture?.close();
    if (exporter) {
      exporter.child.kill('SIGTERM');
      rmSync(exporter.dir, { recursive: true, force: true });
    }
  }
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return { ...sizes, backend, coldMs: median(cold), warmMs: median(warm), runs, load };
}

export function printUiBench(r: UiBench): void {
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  console.log('\n## Web UI (bench/ui.ts)\n');
  console.log(`load average before/after: ${r.load}; data: ${r.backend}; median of ${r.runs} runs\n`);
  console.log('| JS | JS gzipped (budget 250 KB) | CSS gzipped | first load, cold cache (budget 1 s) | load, assets cached |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${kb(r.jsBytes)} | ${kb(r.jsGzipBytes)} | ${kb(r.cssGzipBytes)} | ${r.coldMs.toFixed(0)} ms | ${r.warmMs.toFixed(0)} ms |`);
}

if (import.meta.main) printUiBench(await benchUi());
