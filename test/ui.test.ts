// The web UI in a real browser (Debian's Chromium via playwright-core) against the example API
// (ui/fixtures/server.ts: the fixture answers in the exporter's wire format, the built UI served by
// the exporter's own static handler and security headers). The numbers on the pages are checked
// against the API's answers and against the real `kubectl cost` plugin pointed at the same server.
// Screenshots of every page go to test-output/ui/ (KCE_UPDATE_SCREENSHOTS=1 also refreshes the
// phone and empty-state ones in docs/screenshots/). test/ui-exporter.test.ts does the same against the real exporter.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildUi, isStale } from '../ui/build.ts';
import type { FixtureServer } from '../ui/fixtures/server.ts';
import { startFixtureServer } from '../ui/fixtures/server.ts';
import { installPlugin, type Run, runKubectl } from './helpers/kubectl.ts';
import type { WatchedPage } from './helpers/ui-browser.ts';
import { DOC_SCREENSHOTS, dollars, launchBrowser, openPage, parseCsv, screenshotPath } from './helpers/ui-browser.ts';

// Code passed to page.evaluate runs in the browser; this program has no DOM library, so the little
// of the DOM those callbacks use is declared here.
interface PageElement {
  readonly textContent: string | null;
  readonly outerHTML: string;
  readonly id: string;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
declare const document: {
  readonly documentElement: { readonly dataset: Record<string, string | undefined>; readonly scrollWidth: number; readonly clientWidth: number };
  readonly activeElement: PageElement | null;
  readonly fonts: { readonly ready: Promise<unknown> };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};

// A fixed clock: the page and the API (and kubectl) see the same hour-aligned windows.
const NOW_MS = Date.parse('2026-11-30T07:30:00Z');
const UPDATE_DOCS = process.env.KCE_UPDATE_SCREENSHOTS === '1';

let server: FixtureServer;
let browser: Browser;
let pluginDir: string;
const opened: WatchedPage[] = [];

async function open(path: string, options: Parameters<typeof openPage>[1] = {}): Promise<WatchedPage> {
  const w = await openPage(browser, options);
  opened.push(w);
  await w.page.goto(`${server.url}${path}`);
  return w;
}

/** A screenshot into test-output/ui/; `doc`: also docs/screenshots/ with KCE_UPDATE_SCREENSHOTS=1 (the pages' own shots there come from test/ui-exporter.test.ts, on demo data). */
async function shot(w: WatchedPage, name: string, { doc = false } = {}): Promise<void> {
  await w.page.evaluate(() => document.fonts.ready);
  const path = screenshotPath(name);
  await w.page.screenshot({ path, fullPage: true });
  if (UPDATE_DOCS && doc) {
    mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(DOC_SCREENSHOTS, `${name}.png`));
  }
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200, `${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function kubectlCost(args: readonly string[]): Promise<Run> {
  return runKubectl(['cost', ...args], { pluginDir: pluginDir });
}

before(async () => {
  if (isStale()) await buildUi();
  server = await startFixtureServer({ now: () => NOW_MS });
  browser = await launchBrowser();
  pluginDir = mkdtempSync(join(tmpdir(), 'ui-kubectl-'));
  installPlugin(pluginDir);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
});

interface Summary {
  data: { totalCost: number; topNamespaces: { name: string; totalCost: number }[] };
}
type AllocationAnswer = { data: Record<string, { totalCost: number; properties: { pod?: string } }>[] };

describe('web UI on the example API (real Chromium)', () => {
  it('overview: the total is the API summary total for the same window, and equals the sum of the allocations', async () => {
    const w = await open('/');
    const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
    await total.waitFor();
    const shown = dollars(await total.getAttribute('data-exact'));
    const summary = await api<Summary>('/api/v1/summary?window=7d');
    assert.equal(shown.toFixed(6), summary.data.totalCost.toFixed(6));
    const alloc = await api<AllocationAnswer>('/api/v1/allocation?window=7d&aggregate=namespace&includeIdle=true&accumulate=true');
    const sum = Object.values(alloc.data[0] ?? {}).reduce((s, a) => s + a.totalCost, 0);
    assert.ok(Math.abs(sum - shown) < 1e-6, `allocations sum ${sum} vs overview ${shown}`);
    // The displayed (rounded) figure is the same number.
    assert.equal(await total.textContent(), `$${shown.toFixed(2)}`);
    await w.page.locator('.chart canvas').first().waitFor();
    await shot(w, 'overview');
    assert.deepEqual(w.problems, []);
  });

  it('the trend tooltip shows the exact figures of the hovered day', async () => {
    const w = await open('/');
    const canvas = w.page.locator('.chart .u-over');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    assert.ok(box);
    await w.page.mouse.move(box.x + box.width - 8, box.y + box.height / 2);
    const tip = w.page.getByTestId('chart-tooltip');
    await tip.waitFor({ state: 'visible' });
    const text = (await tip.textContent()) ?? '';
    assert.match(text, /Compute\$\d+\.\d{6}Storage\$\d+\.\d{6}Network\$\d+\.\d{6}Idle\$\d+\.\d{6}Total\$\d+\.\d{6}/);
    // The last day's total is the last step of the API's daily answer.
    const steps = await api<AllocationAnswer>('/api/v1/allocation?window=7d&aggregate=cluster&step=1d&includeIdle=true');
    const last = steps.data.at(-1) ?? {};
    const lastTotal = Object.values(last).reduce((s, a) => s + a.totalCost, 0);
    assert.equal(dollars(/Total(\$[\d.]+)/.exec(text)?.[1] ?? null).toFixed(6), lastTotal.toFixed(6));
    assert.deepEqual(w.problems, []);
  });

  it('the window picker changes the numbers (and the URL), to the API figures of the new window', async () => {
    const w = await open('/');
    const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
    await total.waitFor();
    const week = await total.getAttribute('data-exact');
    await w.page.getByLabel('Window', { exact: true }).selectOption('24h');
    await w.page.waitForFunction((before) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== before, week);
    const day = dollars(await total.getAttribute('data-exact'));
    assert.notEqual(day, dollars(week));
    assert.equal(day.toFixed(6), (await api<Summary>('/api/v1/summary?window=24h')).data.totalCost.toFixed(6));
    assert.match(w.page.url(), /[?&]window=24h\b/);
    assert.match((await w.page.locator('#trend-h').textContent()) ?? '', /per hour/);
    // Custom range: two dates, end inclusive.
    await w.page.getByLabel('Window', { exact: true }).selectOption('custom');
    await w.page.getByLabel('From').fill('2026-11-01');
    await w.page.getByLabel('To (inclusive)').fill('2026-11-10');
    await w.page.getByRole('button', { name: 'Apply' }).click();
    await w.page.waitForURL(/window=2026-11-01T00%3A00%3A00Z%2C2026-11-11T00%3A00%3A00Z/);
    await w.page.waitForFunction((before) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== before, `$${day.toFixed(6)}`);
    const custom = dollars(await total.getAttribute('data-exact'));
    assert.equal(custom.toFixed(6), (await api<Summary>('/api/v1/summary?window=2026-11-01T00:00:00Z,2026-11-11T00:00:00Z')).data.totalCost.toFixed(6));
    assert.deepEqual(w.problems, []);
  });

  it('drill-down namespace → workload → pods shows the costs `kubectl cost pod` reports', async () => {
    const w = await open('/?page=namespaces');
    await w.page.getByRole('link', { name: 'checkout', exact: true }).click();
    await w.page.getByRole('heading', { name: 'Workloads in checkout' }).waitFor();
    await w.page.getByRole('link', { name: 'api (deployment)' }).click();
    await w.page.getByRole('heading', { name: 'Pods of deployment api' }).waitFor();
    assert.match(w.page.url(), /ns=checkout&workload=deployment%2Fapi/);
    await shot(w, 'namespaces-pods');
    const rows = w.page.locator('table tbody tr');
    const count = await rows.count();
    assert.equal(count, 3, 'three replicas of checkout/api');
    const plugin = await kubectlCost(['pod', '-n', 'checkout', '--server', server.url, '--window', '7d', '--historical', '-o', 'json']);
    assert.equal(plugin.code, 0, plugin.stderr);
    const pluginRows = (JSON.parse(plugin.stdout) as { rows: { name: string; totalUsd: number }[] }).rows;
    for (let i = 0; i < count; i++) {
      const row = rows.nth(i);
      const pod = ((await row.locator('th').textContent()) ?? '').trim();
      const totalCell = row.locator('td').nth(6);
      const shown = dollars(await totalCell.getAttribute('title'));
      const fromPlugin = pluginRows.find((r) => r.name === `checkout/${pod}`);
      assert.ok(fromPlugin, `kubectl cost pod has no checkout/${pod}: ${pluginRows.map((r) => r.name).join(', ')}`);
      // The plugin prints six significant decimals; the UI's tooltip the API's figure to 1e-6.
      assert.ok(Math.abs(fromPlugin.totalUsd - shown) <= 1e-6 * Math.max(1, shown), `${pod}: UI ${shown} vs kubectl cost ${fromPlugin.totalUsd}`);
    }
    // Each pod opens its containers (the next test).
    assert.equal(await rows.locator('th a').count(), count);
    // The table's total is the workload's total in the API.
    const workloadTotal = dollars(await w.page.getByTestId('table-total').getAttribute('title'));
    const byController = await api<AllocationAnswer>(`/api/v1/allocation?window=7d&aggregate=controller&accumulate=true&filter=${encodeURIComponent('namespace:"checkout"')}`);
    assert.equal(workloadTotal.toFixed(6), byController.data[0]?.['deployment:api']?.totalCost.toFixed(6));
    // A shared link opens the same level.
    const w2 = await open(w.page.url().slice(server.url.length));
    await w2.page.getByRole('heading', { name: 'Pods of deployment api' }).waitFor();
    // Back up through the breadcrumbs, and with the browser's back button.
    await w.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'checkout' }).click();
    await w.page.getByRole('heading', { name: 'Workloads in checkout' }).waitFor();
    await w.page.goBack();
    await w.page.getByRole('heading', { name: 'Pods of deployment api' }).waitFor();
    assert.deepEqual([...w.problems, ...w2.problems], []);
  });

  it("a pod's containers (the fixture records them, as --record-containers does): each as computed by hand, adding up to the pod", async () => {
    const w = await open('/?page=namespaces&ns=checkout&workload=deployment%2Fapi');
    // api-b63m-qx is replica 0, on ip-10-0-1-10 (m5.xlarge, $0.192/h, 4 cores 16 GiB): a GiB-hour is
    // 0.192 / (4 × 7.5 + 16) = $0.0041739130, a core-hour 7.5 × that = $0.0313043478; 7 days = 168 h.
    // Its 0.5 core 1 GiB are api's 0.4 core 0.75 GiB and envoy's 0.1 core 0.25 GiB (the sidecar of
    // ui/fixtures/cluster.json); the pod's network, 0.004 $/h × 168 = $0.672, belongs to no container.
    // Rows in the table's default order, the most expensive first.
    const expected: [label: string, cpuUsd: number, ramUsd: number, networkUsd: number, totalUsd: number][] = [
      ['api', 0.4 * 168 * 0.0313043478, 0.75 * 168 * 0.004173913, 0, 2.629565217],
      ['envoy', 0.1 * 168 * 0.0313043478, 0.25 * 168 * 0.004173913, 0, 0.701217391],
      ['the pod itself (volumes, load balancers, network, init, overhead)', 0, 0, 0.672, 0.672],
    ];
    const podRow = w.page.locator('table tbody tr', { has: w.page.getByRole('link', { name: 'api-b63m-qx', exact: true }) });
    await podRow.waitFor();
    const podTotal = dollars(await podRow.locator('td').nth(6).getAttribute('title'));
    assert.equal(podTotal.toFixed(6), '4.002783'); // 2.629565 + 0.672 + 0.701217
    await w.page.getByRole('link', { name: 'api-b63m-qx', exact: true }).click();
    await w.page.getByRole('heading', { name: 'Containers of pod api-b63m-qx' }).waitFor();
    assert.match(w.page.url(), /ns=checkout&workload=deployment%2Fapi&pod=api-b63m-qx/);
    const rows = w.page.locator('table tbody tr');
    await rows.first().waitFor();
    await shot(w, 'namespaces-containers');
    assert.equal(await rows.count(), expected.length);
    for (const [i, [label, cpuUsd, ramUsd, networkUsd, totalUsd]] of expected.entries()) {
      const row = rows.nth(i);
      const cell = async (n: number) => dollars(await row.locator('td').nth(n).getAttribute('title'));
      assert.equal(((await row.locator('th').textContent()) ?? '').trim(), label);
      assert.ok(Math.abs((await cell(0)) - cpuUsd) < 1e-6, `${label} CPU ${await cell(0)} vs ${cpuUsd}`);
      assert.ok(Math.abs((await cell(1)) - ramUsd) < 1e-6, `${label} RAM ${await cell(1)} vs ${ramUsd}`);
      assert.ok(Math.abs((await cell(4)) - networkUsd) < 1e-6, `${label} network ${await cell(4)} vs ${networkUsd}`);
      assert.ok(Math.abs((await cell(6)) - totalUsd) < 1e-6, `${label} total ${await cell(6)} vs ${totalUsd}`);
      // Efficiency: none for the pod's own part, which requests nothing (not a red 0%).
      const efficiency = ((await row.locator('td').nth(9).textContent()) ?? '').trim();
      if (label.startsWith('the pod itself')) assert.equal(efficiency, '—');
      else assert.match(efficiency, /^\d+%$/);
    }
    // The containers add up to the pod; containers are the last level.
    assert.ok(Math.abs(dollars(await w.page.getByTestId('table-total').getAttribute('title')) - podTotal) <= 2e-6);
    assert.equal(await rows.locator('th a').count(), 0);
    // Back to the pods through the breadcrumbs.
    await w.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'api (deployment)' }).click();
    await w.page.getByRole('heading', { name: 'Pods of deployment api' }).waitFor();
    assert.deepEqual(w.problems, []);
  });

  it("a pod's containers refused by the API (an exporter without --record-containers): its message, and Retry", async () => {
    const w = await open('/?page=namespaces&ns=checkout&workload=deployment%2Fapi&pod=api-b63m-qx');
    // The exporter's own answer when the store has no container rows (docs/api.md#containers).
    const refusal = {
      code: 400,
      status: 'error',
      message:
        'aggregate="container": no per-container history in this window (the store holds none): containers are recorded only by an exporter started with --record-containers (KCE_RECORD_CONTAINERS=true); accepted: a window where container rows exist, or aggregate/filter on pod',
    };
    let refuse = true;
    await w.page.route('**/api/v1/allocation*', (route) =>
      refuse && /aggregate=container/.test(route.request().url()) ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify(refusal) }) : route.continue(),
    );
    await w.page.reload();
    const alert = w.page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /Costs per container are recorded only by an exporter started with --record-containers/);
    assert.ok(text.includes(`HTTP 400: ${refusal.message}`), text);
    assert.equal(await w.page.locator('table').count(), 0);
    await shot(w, 'namespaces-containers-refused');
    refuse = false;
    await w.page.getByRole('button', { name: 'Retry' }).click();
    await w.page.getByRole('heading', { name: 'Containers of pod api-b63m-qx' }).waitFor();
    await w.page.locator('table tbody tr').first().waitFor();
    assert.equal(await w.page.locator('table tbody tr').count(), 3);
    assert.deepEqual(
      w.problems.filter((p) => !/status of 400/.test(p)),
      [],
    );
  });

  it('CSV export downloads the table with exact figures, and it parses', async () => {
    const w = await open('/?page=namespaces');
    await w.page.getByRole('heading', { name: 'Namespaces', level: 2 }).waitFor();
    await w.page.locator('table tbody tr').first().waitFor();
    await shot(w, 'namespaces');
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export Namespaces as CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'namespaces-all-7d.csv');
    const path = await download.path();
    const rows = parseCsv(readFileSync(path, 'utf8'));
    const [header, ...body] = rows;
    assert.deepEqual(header, ['Namespace', 'CPU', 'RAM', 'GPU', 'PV', 'Network', 'Idle share', 'Total', 'CPU request (cores)', 'CPU usage (cores)', 'RAM request (bytes)', 'RAM usage (bytes)', 'Efficiency']);
    assert.equal(body.length, await w.page.locator('table tbody tr').count());
    const alloc = await api<AllocationAnswer>('/api/v1/allocation?window=7d&aggregate=namespace&accumulate=true&shareIdle=false');
    for (const r of body) {
      const expected = alloc.data[0]?.[r[0] ?? ''];
      assert.ok(expected, `CSV row ${r[0]} is not an API namespace`);
      assert.equal(Number(r[7]), expected.totalCost, `${r[0]}: CSV total ${r[7]} vs API ${expected.totalCost}`);
    }
    // Sorted as the table: by total, descending.
    const totals = body.map((r) => Number(r[7]));
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
    assert.deepEqual(w.problems, []);
  });

  it('nodes and efficiency pages: tables, exports, screenshots', async () => {
    const w = await open('/?page=nodes');
    await w.page.getByRole('region', { name: 'Nodes' }).waitFor();
    const nodeRows = w.page.getByRole('region', { name: 'Nodes' }).locator('tbody tr');
    assert.equal(await nodeRows.count(), 6);
    await shot(w, 'nodes');
    const [download] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export Nodes as CSV' }).click()]);
    const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.equal(csv.length, 7);
    assert.equal(csv[0]?.[0], 'Node');
    // Node pool filter narrows the table to that pool's nodes.
    await w.page.getByLabel('Node pool', { exact: true }).selectOption('spot');
    await w.page.waitForFunction(() => document.querySelectorAll('[aria-label="Nodes"] tbody tr').length === 2);
    await w.page.getByRole('link', { name: 'Efficiency & savings' }).click();
    await w.page.getByRole('region', { name: 'Right-sizing' }).waitFor();
    assert.match(w.page.url(), /page=efficiency&pool=spot/);
    assert.match((await w.page.getByTestId('savings-total').textContent()) ?? '', /Only the namespace filter narrows recommendations/);
    await w.page.getByLabel('Node pool', { exact: true }).selectOption('');
    await w.page.getByRole('region', { name: 'Idle nodes' }).waitFor();
    await shot(w, 'efficiency');
    // The page's total and rows are the API's recommendations.
    type Recs = { data: { monthlySavingUsd: number; recommendations: { kind: string; monthlySavingUsd: number }[] } };
    const recs = await api<Recs>('/api/v1/recommendations?window=7d&kind=rightsizing%2Cidle-node');
    assert.equal(dollars(await w.page.getByTestId('savings-total').locator('strong').getAttribute('data-exact')).toFixed(6), recs.data.monthlySavingUsd.toFixed(6));
    const rightsizing = recs.data.recommendations.filter((r) => r.kind === 'rightsizing');
    assert.equal(await w.page.getByRole('region', { name: 'Right-sizing' }).locator('tbody tr').count(), rightsizing.length);
    const [rightsizingCsv] = await Promise.all([w.page.waitForEvent('download'), w.page.getByRole('button', { name: 'Export Right-sizing as CSV' }).click()]);
    const rows = parseCsv(readFileSync(await rightsizingCsv.path(), 'utf8'));
    assert.deepEqual(rows[0], ['Workload', 'Resource', 'Request now', 'Suggested', 'Savings/month', 'Extra cost/month', 'Confidence', 'Why']);
    assert.equal(
      rows
        .slice(1)
        .reduce((x, r) => x + Number(r[4]), 0)
        .toFixed(6),
      rightsizing.reduce((x, r) => x + r.monthlySavingUsd, 0).toFixed(6),
    );
    // Narrowed to a namespace, the API is asked for that namespace.
    await w.page.getByLabel('Namespace', { exact: true }).selectOption('checkout');
    await w.page.waitForFunction(() => [...document.querySelectorAll('[aria-label="Right-sizing"] tbody th')].every((th) => th.textContent?.startsWith('checkout/')));
    assert.deepEqual(w.problems, []);
  });

  it('filters: the team label narrows the overview total to the API summary under the same filter', async () => {
    const w = await open('/?label=team%3Dpayments');
    const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
    await total.waitFor();
    const shown = dollars(await total.getAttribute('data-exact'));
    const expected = await api<Summary>(`/api/v1/summary?window=7d&filter=${encodeURIComponent('label[team]:"payments"')}`);
    assert.equal(shown.toFixed(6), expected.data.totalCost.toFixed(6));
    // The filtered allocations (with their share of idle) make the same total.
    const alloc = await api<AllocationAnswer>(`/api/v1/allocation?window=7d&aggregate=namespace&accumulate=true&includeIdle=true&filter=${encodeURIComponent('label[team]:"payments"')}`);
    const sum = Object.values(alloc.data[0] ?? {}).reduce((x, a) => x + a.totalCost, 0);
    assert.ok(Math.abs(shown - sum) < 1e-6, `overview ${shown} vs allocations ${sum}`);
    assert.match((await w.page.getByTestId('kpi-total').textContent()) ?? '', /filtered: with its share of idle/);
    assert.equal(await w.page.getByLabel('Label (team)').inputValue(), 'team=payments');
    await w.page.getByRole('button', { name: 'Clear filters' }).click();
    await w.page.waitForFunction((before) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== before, `$${shown.toFixed(6)}`);
    assert.deepEqual(w.problems, []);
  });

  it('dark theme, phone width, keyboard: sort a table and follow a link without a mouse', async () => {
    const w = await open('/?page=namespaces', { width: 390, height: 844, colorScheme: 'dark' });
    await w.page.locator('table tbody tr').first().waitFor();
    assert.equal(await w.page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    // Nothing wider than the phone but the table's own scrolling region.
    const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px at 390px`);
    await shot(w, 'namespaces-phone-dark', { doc: true });
    // Keyboard: the first Tab reaches the skip link; sort headers are buttons.
    await w.page.keyboard.press('Tab');
    assert.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    const nameHeader = w.page.getByRole('columnheader', { name: 'Namespace' });
    await nameHeader.getByRole('button').focus();
    await w.page.keyboard.press('Enter');
    await w.page.waitForFunction(() => document.querySelector('th[aria-sort]')?.textContent?.startsWith('Namespace'));
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
    const first = w.page.locator('table tbody tr').first().locator('th a');
    assert.equal(await first.textContent(), 'checkout');
    await first.focus();
    await w.page.keyboard.press('Enter');
    await w.page.getByRole('heading', { name: 'Workloads in checkout' }).waitFor();
    // Theme switch, remembered.
    await w.page.getByRole('button', { name: 'Switch to light theme' }).click();
    // The theme is applied by an effect after the render: wait for it.
    await w.page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await w.page.getByRole('button', { name: 'Switch to dark theme' }).waitFor();
    // Remembered across a reload.
    await w.page.reload();
    await w.page.locator('table tbody tr').first().waitFor();
    assert.equal(await w.page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.deepEqual(w.problems, []);
  });

  it('every control has an accessible name', async () => {
    const w = await open('/');
    await w.page.getByTestId('kpi-total').waitFor();
    const unnamed = await w.page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll('a, button, select, input, [role="region"]')) {
        const labelled = el.getAttribute('aria-label') || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) || el.closest('label')?.textContent || el.textContent;
        if (!labelled?.trim()) out.push(el.outerHTML.slice(0, 80));
      }
      return out;
    });
    assert.deepEqual(unnamed, []);
  });

  it('states: the demo banner, an API error with what to do and a working retry, an empty window, a bad window in the link', async () => {
    const w = await open('/');
    await w.page.getByTestId('demo-banner').waitFor();
    assert.match((await w.page.getByTestId('demo-banner').textContent()) ?? '', /Demo data/);
    // The summary fails once: the error says what happened and what to do; Retry recovers.
    let fail = true;
    await w.page.route('**/api/v1/summary*', (route) => (fail ? route.fulfill({ status: 500, contentType: 'application/json', body: '{"code":500,"message":"store unavailable"}' }) : route.continue()));
    await w.page.getByLabel('Window', { exact: true }).selectOption('30d');
    const alert = w.page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /Could not load the data\./);
    assert.match(text, /see its log/);
    assert.match(text, /HTTP 500: store unavailable/);
    fail = false;
    await w.page.getByRole('button', { name: 'Retry' }).click();
    await w.page.getByTestId('kpi-total').waitFor();
    w.problems.splice(0, w.problems.length, ...w.problems.filter((p) => !/status of 500/.test(p)));
    // A window before any history: an empty state saying why.
    const empty = await open('/?window=2020-01-01T00%3A00%3A00Z%2C2020-01-02T00%3A00%3A00Z');
    await empty.page.getByText(/No cost recorded/).waitFor();
    // It says what the history holds: 120 days up to now (the fixture's clock).
    await empty.page.getByText(/The history covers 2026-08-02 07:00 → 2026-11-30 07:30 UTC \(120 days\)/).waitFor();
    await shot(empty, 'overview-empty', { doc: true });
    // A window the UI does not understand: said so, and the default shown instead.
    const bad = await open('/?window=yesterdayish');
    await bad.page.getByText(/is not understood; showing the last 7 days/).waitFor();
    assert.deepEqual([...w.problems, ...empty.problems, ...bad.problems], []);
  });
});
