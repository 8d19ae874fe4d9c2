// The web UI on the exporter, in a real browser (Debian's Chromium): the overview's total is the
// API's total for the same window, the window picker changes it, the drill-down to a workload's
// pods shows what `kubectl cost pod` (the real plugin through the real kubectl) says, the CSV
// export parses and matches the API, and no page logs a console error. Three backends:
//   - the real exporter process (`kube-cost-exporter --source demo`, its 30-day demo backfill);
//     its screenshots are the ones in docs/screenshots/ (KCE_UPDATE_SCREENSHOTS=1 refreshes them),
//   - the same on the example snapshot (examples/cluster.json + examples/metrics.json),
//   - the exporter's app, allocation API and history store in this process, fed by ten days of
//     hourly demo-cluster cycles (the cycle → store → /api/v1 path without the CLI).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildUi, isStale } from '../ui/build.ts';
import { isPseudo, pseudoLabel } from '../ui/src/model.ts';
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';
import { startRecordedDemo } from './helpers/ui-backends.ts';
import { installPlugin, type Run, runKubectl } from './helpers/kubectl.ts';
import type { WatchedPage } from './helpers/ui-browser.ts';
import { DOC_SCREENSHOTS, dollars, launchBrowser, openPage, parseCsv, ROOT, screenshotPath } from './helpers/ui-browser.ts';

// page.waitForFunction callbacks run in the browser; this program has no DOM library.
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };

interface Exporter {
  readonly name: string;
  /** CLI arguments of a real exporter process; absent: the in-process app below. */
  readonly args: readonly string[] | undefined;
  readonly demo: boolean;
  /** Records per-container rows (--record-containers): the pods' container level answers; otherwise 400. */
  readonly containers: boolean;
  url: string;
  child: Child | undefined;
  close: (() => Promise<void>) | undefined;
  /** `--interval` of the process: one recorded cycle for the snapshot, none after the demo backfill. */
  readonly interval: string;
  /** The window the comparisons use: `7d`, or for a history that still grows, a pair ending at its last cycle. */
  window: string;
}

// The demo process runs with --interval 1h: its 30-day backfill ends at its first cycle and no
// cycle lands during the test, so the page and the test's own API calls read the same history.
const EXPORTERS: Exporter[] = [
  { name: 'demo cluster', args: ['--source', 'demo'], demo: true, containers: false, url: '', child: undefined, close: undefined, interval: '1h', window: '7d' },
  {
    name: 'example snapshot',
    args: ['--snapshot', join(ROOT, 'examples/cluster.json'), '--snapshot', join(ROOT, 'examples/metrics.json')],
    demo: false,
    containers: false,
    url: '',
    child: undefined,
    close: undefined,
    // The first cycle after a start is not recorded (nothing to measure it from): cycles every 5 s
    // give history within seconds, and the comparisons use a window ending before the next one.
    interval: '5s',
    window: '7d',
  },
  // The exporter's own app, API and history store in this process, fed by ten days of hourly demo
  // cycles: the whole API path (cycle → store → /api/v1) without the CLI's wiring, so the
  // comparisons run even on a build whose CLI does not open a store.
  {
    name: 'demo cluster, 10 days recorded in-process',
    args: undefined,
    demo: true,
    containers: true,
    url: '',
    child: undefined,
    close: undefined,
    interval: '',
    window: '7d',
  },
];

let dir: string;
let browser: Browser;
const pages: WatchedPage[] = [];

async function startInProcess(e: Exporter): Promise<void> {
  const backend = await startRecordedDemo({ days: 10, containers: e.containers });
  e.url = backend.url;
  e.close = () => backend.close();
}

async function startExporter(e: Exporter): Promise<void> {
  if (e.args === undefined) await startInProcess(e);
  else await startProcess(e, e.args);
  for (const path of ['/api/v1/allocation?window=24h&aggregate=namespace', '/api/v1/summary?window=24h']) {
    const status = (await fetch(`${e.url}${path}`)).status;
    if (status !== 200) throw new Error(`${e.name}: ${path} answered HTTP ${status}: the UI needs the allocation API`);
  }
  if (e.args !== undefined) await settle(e);
}

/**
 * Waits for the history the comparisons read: the demo backfill finished (the 30-day total stops
 * moving), a snapshot's first recorded cycle. A history that keeps growing (the snapshot's 5 s
 * cycles) is compared over a window ending at its last cycle, so later cycles do not change it.
 */
async function settle(e: Exporter): Promise<void> {
  const deadline = Date.now() + 180_000;
  let previous = -1;
  for (;;) {
    const body = (await (await fetch(`${e.url}/api/v1/summary?window=30d`)).json()) as { data: { totalCost: number } };
    const total = body.data.totalCost;
    if (total > 0 && (e.interval !== '1h' || total === previous)) break;
    previous = total;
    if (Date.now() > deadline) throw new Error(`${e.name}: no history after 180 s (30-day total ${total})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (e.interval !== '1h') {
    const coverage = (await (await fetch(`${e.url}/api/v1/coverage`)).json()) as { data: { last: string }[] };
    const lastMs = Math.max(...coverage.data.map((c) => Date.parse(c.last)));
    const end = Math.floor(lastMs / 1000) * 1000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    e.window = `${iso(end - 7 * 86_400_000)},${iso(end)}`;
  }
}

async function startProcess(e: Exporter, args: readonly string[]): Promise<void> {
  const port = await freePort();
  e.url = `http://127.0.0.1:${port}`;
  // Its own process group, stopped by `after` (SIGKILL after 30 s) and killed if this process ends first.
  const child = spawnChild(process.execPath, [join(ROOT, 'src/cli/kube-cost-exporter.ts'), ...args, '--port', String(port), '--host', '127.0.0.1', '--interval', e.interval, '--log-level', 'error'], {
    cwd: mkdtempSync(join(dir, 'exporter-')),
  });
  e.child = child;
  // The demo's 30-day backfill takes over 30 s at load 20: a generous bound on a hang, not a timing.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${e.name}: exporter exited with ${child.process.exitCode}: ${child.output()}`);
    const status = await fetch(`${e.url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error(`${e.name}: exporter not ready after 240 s: ${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (isStale()) await buildUi();
  dir = mkdtempSync(join(tmpdir(), 'ui-exporter-'));
  installPlugin(dir);
  // Every start settles before a failure is reported, so that `after` finds (and stops) every child.
  const starts = await Promise.allSettled(EXPORTERS.map(startExporter));
  for (const r of starts) if (r.status === 'rejected') throw r.reason;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all(EXPORTERS.map(async (e) => {
    await e.child?.stop();
    await e.close?.();
  }));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(e: Exporter, path: string): Promise<WatchedPage> {
  const w = await openPage(browser);
  pages.push(w);
  await w.page.goto(`${e.url}${path}`);
  return w;
}

/** From the namespaces page: the first namespace, then its first workload's pods. Returns the namespace. */
async function openFirstWorkloadPods(w: WatchedPage): Promise<string> {
  const nsLink = w.page.locator('table tbody tr th a').first();
  await nsLink.waitFor();
  const ns = ((await nsLink.textContent()) ?? '').trim();
  await nsLink.click();
  await w.page.getByRole('heading', { name: `Workloads in ${ns}` }).waitFor();
  const workload = w.page.locator('table tbody tr th a').first();
  await workload.waitFor();
  await workload.click();
  await w.page.getByRole('heading', { name: /^Pods of / }).waitFor();
  return ns;
}

async function apiJson<T>(e: Exporter, path: string): Promise<T> {
  const res = await fetch(`${e.url}${path}`);
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function kubectlCost(args: readonly string[]): Promise<Run> {
  return runKubectl(['cost', ...args], { pluginDir: dir });
}

const UPDATE_DOCS = process.env.KCE_UPDATE_SCREENSHOTS === '1';
function docShot(name: string): string {
  mkdirSync(DOC_SCREENSHOTS, { recursive: true });
  return join(DOC_SCREENSHOTS, `${name}.png`);
}

const slug = (e: Exporter) => e.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();


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

    it("overview total = the API's total for the same window; the window picker changes it", async (t) => {
      const w = await open(e, `/?window=${encodeURIComponent(e.window)}`);
      const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
      await total.waitFor();
      const week = dollars(await total.getAttribute('data-exact'));
      const summary = await apiJson<{ data: { totalCost: number } }>(e, `/api/v1/summary?window=${encodeURIComponent(e.window)}`);
      assert.equal(week.toFixed(6), summary.data.totalCost.toFixed(6));
      if (e.window !== '7d') {
        // A history of seconds (the snapshot) is the same in every preset window, and still growing.
        assert.deepEqual(w.problems, []);
        t.diagnostic('window picker not compared: this history is seconds long, every preset window holds all of it');
        return;
      }
      await w.page.getByLabel('Window', { exact: true }).selectOption('24h');
      await w.page.waitForFunction((before) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== before, `$${week.toFixed(6)}`);
      const day = dollars(await total.getAttribute('data-exact'));
      assert.equal(day.toFixed(6), (await apiJson<{ data: { totalCost: number } }>(e, '/api/v1/summary?window=24h')).data.totalCost.toFixed(6));
      assert.deepEqual(w.problems, []);
    });

    it('drill-down namespace → workload → pods shows the costs `kubectl cost pod` reports', async () => {
      const w = await open(e, `/?page=namespaces&window=${encodeURIComponent(e.window)}`);
      const ns = await openFirstWorkloadPods(w);
      const rows = w.page.locator('table tbody tr');
      await rows.first().waitFor();
      await w.page.screenshot({ path: screenshotPath(`exporter-${slug(e)}-pods`), fullPage: true });
      if (UPDATE_DOCS && e === EXPORTERS[0]) copyFileSync(screenshotPath(`exporter-${slug(e)}-pods`), docShot('namespaces-pods'));
      const plugin = await kubectlCost(['pod', '-n', ns, '--server', e.url, '--window', e.window, '--historical', '-o', 'json']);
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

    it(`a pod's containers: ${e.containers ? 'the container level adds up to the pod and is the API\'s' : 'the API refuses (no --record-containers) and the page shows its message'}`, async () => {
      const w = await open(e, `/?page=namespaces&window=${encodeURIComponent(e.window)}`);
      const ns = await openFirstWorkloadPods(w);
      const podRow = w.page.locator('table tbody tr').first();
      const podLink = podRow.locator('th a');
      await podLink.waitFor();
      const pod = ((await podLink.textContent()) ?? '').trim();
      const podTotal = dollars(await podRow.locator('td').nth(6).getAttribute('title'));
      await podLink.click();
      await w.page.getByRole('heading', { name: `Containers of pod ${pod}` }).waitFor();
      assert.match(w.page.url(), new RegExp(`[?&]pod=${encodeURIComponent(pod)}(&|$)`));
      const filter = `namespace:"${ns}"+pod:"${pod}"`;
      const res = await fetch(`${e.url}/api/v1/allocation?window=${encodeURIComponent(e.window)}&aggregate=container&accumulate=true&filter=${encodeURIComponent(filter)}`);
      if (e.containers) {
        assert.equal(res.status, 200);
        const answer = (await res.json()) as { data: Record<string, { totalCost: number }>[] };
        const byContainer = answer.data[0] ?? {};
        const rows = w.page.locator('table tbody tr');
        await rows.first().waitFor();
        assert.equal(await rows.count(), Object.keys(byContainer).length);
        for (let i = 0; i < (await rows.count()); i++) {
          const name = ((await rows.nth(i).locator('th').textContent()) ?? '').trim();
          const key = name.startsWith('the pod itself') ? '__pod__' : name;
          assert.ok(byContainer[key], `the API has no container ${key}: ${Object.keys(byContainer).join(', ')}`);
          assert.equal(dollars(await rows.nth(i).locator('td').nth(6).getAttribute('title')).toFixed(6), byContainer[key].totalCost.toFixed(6), key);
        }
        // The containers (and the pod's own part) add up to the pod.
        const total = dollars(await w.page.getByTestId('table-total').getAttribute('title'));
        assert.ok(Math.abs(total - podTotal) <= 1e-6 * Math.max(1, podTotal), `containers ${total} vs pod ${podTotal}`);
        assert.deepEqual(w.problems, []);
      } else {
        assert.equal(res.status, 400);
        const message = ((await res.json()) as { message: string }).message;
        assert.match(message, /--record-containers/);
        const alert = w.page.getByRole('alert');
        await alert.waitFor();
        const text = (await alert.textContent()) ?? '';
        assert.match(text, /recorded only by an exporter started with --record-containers/);
        assert.ok(text.includes(`HTTP 400: ${message}`), `the alert shows the API's message: ${text}`);
        assert.equal(await w.page.locator('table').count(), 0, 'no container table without the API');
        // The browser logs the refused request itself; nothing else went wrong.
        assert.deepEqual(
          w.problems.filter((p) => !/status of 400/.test(p)),
          [],
        );
      }
    });

    it('CSV export of the namespaces table downloads, parses and matches the API', async () => {
      const w = await open(e, `/?page=namespaces&window=${encodeURIComponent(e.window)}`);
      await w.page.locator('table tbody tr').first().waitFor();
      const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export Namespaces as CSV' }).click()]);
      const [header, ...body] = parseCsv(readFileSync(await download.path(), 'utf8'));
      assert.equal(header?.[0], 'Namespace');
      assert.equal(header?.[7], 'Total');
      const alloc = await apiJson<AllocationAnswer>(e, `/api/v1/allocation?window=${encodeURIComponent(e.window)}&aggregate=namespace&accumulate=true&shareIdle=false`);
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

    it("efficiency page: the exporter's recommendations and their total", async () => {
      const w = await open(e, `/?page=efficiency&window=${encodeURIComponent(e.window)}`);
      const total = w.page.getByTestId('savings-total').locator('strong');
      await total.waitFor({ timeout: 60_000 });
      type Recs = { data: { monthlySavingUsd: number; recommendations: { kind: string }[] } };
      const recs = await apiJson<Recs>(e, `/api/v1/recommendations?window=${encodeURIComponent(e.window)}&kind=rightsizing%2Cidle-node`);
      assert.equal(dollars(await total.getAttribute('data-exact')).toFixed(6), recs.data.monthlySavingUsd.toFixed(6));
      const rightsizing = recs.data.recommendations.filter((r) => r.kind === 'rightsizing').length;
      assert.equal(await w.page.getByRole('region', { name: 'Right-sizing' }).locator('tbody tr').count(), rightsizing);
      assert.deepEqual(w.problems, []);
    });

    it('every page renders without console errors', async () => {
      for (const page of ['overview', 'namespaces', 'nodes', 'efficiency']) {
        const w = await open(e, `/?page=${page}`);
        await w.page.locator('main').getByText(/\S/).first().waitFor();
        await w.page.waitForLoadState('networkidle');
        await w.page.screenshot({ path: screenshotPath(`exporter-${slug(e)}-${page}`), fullPage: true });
        if (UPDATE_DOCS && e === EXPORTERS[0]) copyFileSync(screenshotPath(`exporter-${slug(e)}-${page}`), docShot(page));
        assert.deepEqual(w.problems, [], page);
      }
    });
  });
}
