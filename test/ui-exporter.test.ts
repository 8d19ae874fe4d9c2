// The web UI on the exporter, in a real browser (Debian's Chromium): the overview's total is the
// API's total for the same window, the window picker changes it, the drill-down to a workload's
// pods shows what `kubectl cost pod` (the real plugin through the real kubectl) says, the CSV
// export parses and matches the API, and no page logs a console error. Three backends:
//   - the real exporter process (`kube-cost-exporter`) on the demo cluster,
//   - the same on the example snapshot (examples/cluster.json + examples/metrics.json),
//   - the exporter's app, allocation API and history store in this process, fed by ten days of
//     hourly demo-cluster cycles (the whole cycle → store → /api/v1 path without the CLI); its
//     screenshots are the ones in docs/screenshots/ (KCE_UPDATE_SCREENSHOTS=1 refreshes them).
// A process whose build does not serve /api/v1/allocation and /api/v1/summary (the CLI not yet
// opening a history store) skips the comparisons, saying so, and checks instead that the
// overview's error state names the missing endpoint.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildUi, isStale } from '../ui/build.ts';
import { isPseudo, pseudoLabel } from '../ui/src/model.ts';
import { freePort } from './helpers/prometheus.ts';
import { startRecordedDemo } from './helpers/ui-backends.ts';
import type { WatchedPage } from './helpers/ui-browser.ts';
import { DOC_SCREENSHOTS, dollars, launchBrowser, openPage, parseCsv, ROOT, screenshotPath } from './helpers/ui-browser.ts';

// page.waitForFunction callbacks run in the browser; this program has no DOM library.
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };

interface Exporter {
  readonly name: string;
  /** CLI arguments of a real exporter process; absent: the in-process app below. */
  readonly args: readonly string[] | undefined;
  readonly demo: boolean;
  url: string;
  child: ChildProcess | undefined;
  close: (() => Promise<void>) | undefined;
  hasAllocation: boolean;
  hasSummary: boolean;
}

// --interval 1h: one cycle at start and none during the test, so the page and the test's own API
// calls read the same history.
const EXPORTERS: Exporter[] = [
  { name: 'demo cluster', args: ['--source', 'demo'], demo: true, url: '', child: undefined, close: undefined, hasAllocation: false, hasSummary: false },
  {
    name: 'example snapshot',
    args: ['--snapshot', join(ROOT, 'examples/cluster.json'), '--snapshot', join(ROOT, 'examples/metrics.json')],
    demo: false,
    url: '',
    child: undefined,
    close: undefined,
    hasAllocation: false,
    hasSummary: false,
  },
  // The exporter's own app, API and history store in this process, fed by ten days of hourly demo
  // cycles: the whole API path (cycle → store → /api/v1) without the CLI's wiring, so the
  // comparisons run even on a build whose CLI does not open a store.
  { name: 'demo cluster, 10 days recorded in-process', args: undefined, demo: true, url: '', child: undefined, close: undefined, hasAllocation: false, hasSummary: false },
];

let dir: string;
let browser: Browser;
const pages: WatchedPage[] = [];

async function startInProcess(e: Exporter): Promise<void> {
  const backend = await startRecordedDemo({ days: 10 });
  e.url = backend.url;
  e.close = () => backend.close();
}

async function startExporter(e: Exporter): Promise<void> {
  if (e.args === undefined) await startInProcess(e);
  else await startProcess(e, e.args);
  e.hasAllocation = (await fetch(`${e.url}/api/v1/allocation?window=24h&aggregate=namespace`)).status === 200;
  e.hasSummary = (await fetch(`${e.url}/api/v1/summary?window=24h`)).status === 200;
}

async function startProcess(e: Exporter, args: readonly string[]): Promise<void> {
  const port = await freePort();
  e.url = `http://127.0.0.1:${port}`;
  e.child = spawn(process.execPath, [join(ROOT, 'src/cli/kube-cost-exporter.ts'), ...args, '--port', String(port), '--host', '127.0.0.1', '--interval', '1h', '--log-level', 'error'], {
    cwd: mkdtempSync(join(dir, 'exporter-')),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${e.url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`${e.name}: exporter not ready after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (isStale()) await buildUi();
  dir = mkdtempSync(join(tmpdir(), 'ui-exporter-'));
  symlinkSync(join(ROOT, 'bin/kubectl-cost.js'), join(dir, 'kubectl-cost'));
  await Promise.all(EXPORTERS.map(startExporter));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const e of EXPORTERS) {
    e.child?.kill('SIGTERM');
    await e.close?.();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(e: Exporter, path: string): Promise<WatchedPage> {
  const w = await openPage(browser);
  pages.push(w);
  await w.page.goto(`${e.url}${path}`);
  return w;
}

async function apiJson<T>(e: Exporter, path: string): Promise<T> {
  const res = await fetch(`${e.url}${path}`);
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function kubectlCost(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['cost', ...args], {
      cwd: dir,
      env: { PATH: [dir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'), HOME: dir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const UPDATE_DOCS = process.env.KCE_UPDATE_SCREENSHOTS === '1';
function docShot(name: string): string {
  mkdirSync(DOC_SCREENSHOTS, { recursive: true });
  return join(DOC_SCREENSHOTS, `${name}.png`);
}

const slug = (e: Exporter) => e.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

const NO_API = 'this exporter process serves no /api/v1/allocation and /api/v1/summary (its CLI opens no history store in this build): the UI shows its error state instead';

type AllocationAnswer = { data: Record<string, { totalCost: number }>[] };

for (const e of EXPORTERS) {
  describe(`web UI on the real exporter: ${e.name} (real Chromium)`, () => {
    it('is served at / with its policy; the demo banner follows the source', async () => {
      const w = await open(e, '/');
      await w.page.getByRole('navigation', { name: 'Pages' }).waitFor();
      const res = await fetch(`${e.url}/`);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      if (e.demo) await w.page.getByTestId('demo-banner').waitFor();
      else {
        await w.page.getByText(/Loading|Total,|Could not load/).first().waitFor();
        assert.equal(await w.page.getByTestId('demo-banner').count(), 0);
      }
      await w.page.screenshot({ path: screenshotPath(`exporter-${slug(e)}-overview`), fullPage: true });
      // The policy lets the app run: no violation reported.
      assert.deepEqual(
        w.problems.filter((p) => /Content Security Policy|Refused to/.test(p)),
        [],
      );
    });

    it('without the allocation API: the overview says which endpoint is missing and what to do', async (t) => {
      if (e.hasSummary) {
        t.skip('this exporter serves /api/v1/summary');
        return;
      }
      const w = await open(e, '/');
      const alert = w.page.getByRole('alert');
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      assert.match(text, /\/api\/v1\/summary: HTTP 404/);
      assert.match(text, /does not serve that endpoint yet/);
    });

    it("overview total = the API's total for the same window; the window picker changes it", async (t) => {
      if (!e.hasSummary) {
        t.skip(NO_API);
        return;
      }
      const w = await open(e, '/?window=7d');
      const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
      await total.waitFor();
      const week = dollars(await total.getAttribute('data-exact'));
      const summary = await apiJson<{ data: { totalCost: number } }>(e, '/api/v1/summary?window=7d');
      assert.equal(week.toFixed(6), summary.data.totalCost.toFixed(6));
      await w.page.getByLabel('Window', { exact: true }).selectOption('24h');
      await w.page.waitForFunction((before) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== before, `$${week.toFixed(6)}`);
      const day = dollars(await total.getAttribute('data-exact'));
      assert.equal(day.toFixed(6), (await apiJson<{ data: { totalCost: number } }>(e, '/api/v1/summary?window=24h')).data.totalCost.toFixed(6));
      assert.deepEqual(w.problems, []);
    });

    it('drill-down namespace → workload → pods shows the costs `kubectl cost pod` reports', async (t) => {
      if (!e.hasAllocation) {
        t.skip(NO_API);
        return;
      }
      const w = await open(e, '/?page=namespaces&window=7d');
      const firstLink = w.page.locator('table tbody tr th a').first();
      await firstLink.waitFor();
      const ns = ((await firstLink.textContent()) ?? '').trim();
      await firstLink.click();
      await w.page.getByRole('heading', { name: `Workloads in ${ns}` }).waitFor();
      const workload = w.page.locator('table tbody tr th a').first();
      await workload.waitFor();
      await workload.click();
      await w.page.getByRole('heading', { name: /^Pods of / }).waitFor();
      const rows = w.page.locator('table tbody tr');
      await rows.first().waitFor();
      await w.page.screenshot({ path: screenshotPath(`exporter-${slug(e)}-pods`), fullPage: true });
      if (UPDATE_DOCS && e.args === undefined) copyFileSync(screenshotPath(`exporter-${slug(e)}-pods`), docShot('namespaces-pods'));
      const plugin = await kubectlCost(['pod', '-n', ns, '--server', e.url, '--window', '7d', '--historical', '-o', 'json']);
      assert.equal(plugin.code, 0, plugin.stderr);
      const pluginRows = (JSON.parse(plugin.stdout) as { rows: { name: string; totalUsd: number }[] }).rows;
      const count = await rows.count();
      for (let i = 0; i < count; i++) {
        const pod = ((await rows.nth(i).locator('th').textContent()) ?? '').trim();
        const shown = dollars(await rows.nth(i).locator('td').nth(6).getAttribute('title'));
        const fromPlugin = pluginRows.find((r) => r.name === `${ns}/${pod}`);
        assert.ok(fromPlugin, `kubectl cost pod has no ${ns}/${pod}`);
        assert.ok(Math.abs(fromPlugin.totalUsd - shown) <= 1e-6 * Math.max(1, shown), `${pod}: UI ${shown} vs kubectl cost ${fromPlugin.totalUsd}`);
      }
      assert.deepEqual(w.problems, []);
    });

    it('CSV export of the namespaces table downloads, parses and matches the API', async (t) => {
      if (!e.hasAllocation) {
        t.skip(NO_API);
        return;
      }
      const w = await open(e, '/?page=namespaces&window=7d');
      await w.page.locator('table tbody tr').first().waitFor();
      const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export Namespaces as CSV' }).click()]);
      const [header, ...body] = parseCsv(readFileSync(await download.path(), 'utf8'));
      assert.equal(header?.[0], 'Namespace');
      assert.equal(header?.[7], 'Total');
      const alloc = await apiJson<AllocationAnswer>(e, '/api/v1/allocation?window=7d&aggregate=namespace&accumulate=true&shareIdle=false');
      // Pseudo-allocations (`__unmounted__`...) are named in words in the table and its CSV.
      const byName = new Map(Object.entries(alloc.data[0] ?? {}).map(([k, a]) => [isPseudo(k) ? pseudoLabel(k) : k, a]));
      assert.equal(body.length, byName.size);
      for (const r of body) {
        const a = byName.get(r[0] ?? '');
        assert.ok(a, `CSV row ${r[0]} is not in the API's answer`);
        assert.ok(Math.abs(Number(r[7]) - a.totalCost) <= 1e-9 * Math.max(1, a.totalCost), `${r[0]}: ${r[7]} vs ${a.totalCost}`);
      }
      assert.deepEqual(w.problems, []);
    });

    it('every page renders without console errors', async (t) => {
      if (!e.hasAllocation || !e.hasSummary) {
        t.skip(NO_API);
        return;
      }
      for (const page of ['overview', 'namespaces', 'nodes', 'efficiency']) {
        const w = await open(e, `/?page=${page}`);
        await w.page.locator('main').getByText(/\S/).first().waitFor();
        await w.page.waitForLoadState('networkidle');
        await w.page.screenshot({ path: screenshotPath(`exporter-${slug(e)}-${page}`), fullPage: true });
        if (UPDATE_DOCS && e.args === undefined) copyFileSync(screenshotPath(`exporter-${slug(e)}-${page}`), docShot(page));
        assert.deepEqual(w.problems, [], page);
      }
    });
  });
}
