// Many clusters, with real parts (docs/multi-cluster.md): two exporters (`kube-cost-exporter`
// processes) on two different snapshots write their history to one real PostgreSQL
// (test/helpers/postgres.ts), each with its own --cluster-id; a third process started with
// `--hub --source none` answers the API across both. The hub's per-cluster and global answers
// must add up to what each cluster's own exporter answers for the same window, in JSON and CSV.
// Then the Prometheus side: a real Prometheus scrapes both exporters, a second one federates it
// (the documented federation set-up), a third receives them by remote-write, and the dashboards'
// $cluster variable lists both clusters. Also through the real kubectl plugin and the web UI in
// Chromium, and a hub that is also a cluster's exporter (`--hub` with a source).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { CLUSTER_HOURLY } from '../src/dashboards/common.ts';
import { dashboards } from '../src/dashboards/index.ts';
import { regexValue, substitute, variableQueries } from './deploy/dashboard-queries.ts';
import { buildUi, isStale } from '../ui/build.ts';
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';
import { installPlugin, runKubectl } from './helpers/kubectl.ts';
import { freePort, hasBinary, startPrometheus } from './helpers/prometheus.ts';
import { dollars, launchBrowser, openPage } from './helpers/ui-browser.ts';
import type { PgServer } from './helpers/postgres.ts';
import { startPgServer } from './helpers/postgres.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const EPS = 1e-9;

// page.waitForFunction callbacks run in the browser; this program has no DOM library.
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null; querySelectorAll(selector: string): { length: number } };

interface Proc {
  readonly base: string;
  readonly port: number;
  readonly child: Child;
  readonly logs: () => string;
  stop(): Promise<void>;
}

/** Starts `kube-cost-exporter` with `args` and waits until /readyz answers 200. */
async function startCli(args: readonly string[]): Promise<Proc> {
  const port = await freePort();
  const child = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', '--pricing-refresh', 'off', '--rate-limit', '0', ...args]);
  const logs = () => child.output();
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await child.stop();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`exporter ${args.join(' ')} exited with ${child.process.exitCode}: ${logs()}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`exporter not ready after 60 s: ${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, port, child, logs, stop };
}

/**
 * The second cluster: the example cluster without the pods of three namespaces (so its totals and
 * namespaces differ), with the same node names (node names repeat across clusters: nothing may be
 * keyed by node name alone). Usage as measured in the example (metrics of the dropped pods ignored).
 */
function deriveSecondCluster(cluster: { items: { kind: string; metadata: { namespace?: string; name: string }; spec?: { volumes?: unknown[] } }[] }): unknown {
  const dropped = new Set(['ml-training', 'data-pipeline', 'search']);
  const items = cluster.items.filter((i) => !(i.kind === 'Pod' && dropped.has(i.metadata.namespace ?? '')));
  // Its catalog-api keeps data on its nodes (a local-storage fact only west's exporter knows).
  return {
    ...cluster,
    items: items.map((i) => (i.kind === 'Pod' && i.metadata.name.startsWith('catalog-api-') ? { ...i, spec: { ...i.spec, volumes: [...(i.spec?.volumes ?? []), { name: 'data', hostPath: { path: '/mnt/catalog' } }] } } : i)),
  };
}

/** east's HPAs and PDBs (`kubectl get hpa,pdb -A -o json`): checkout-api scales on CPU; payments-api may lose no pod. */
const EAST_POLICIES = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'checkout-api', namespace: 'checkout' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-api' }, minReplicas: 2, maxReplicas: 8 } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'payments-api', namespace: 'payments' }, spec: { maxUnavailable: 0, selector: { matchLabels: { 'app.kubernetes.io/name': 'payments-api' } } } },
  ],
};

interface Allocation {
  readonly name: string;
  readonly totalCost: number;
  readonly properties?: { readonly cluster?: string };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const text = await res.text();
  assert.equal(res.status, 200, `${url}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** name → total cost summed over every set of an allocation answer. */
async function allocationTotals(base: string, query: string): Promise<Map<string, number>> {
  const body = await getJson<{ data: Record<string, Allocation>[] }>(`${base}/api/v1/allocation?${query}`);
  const out = new Map<string, number>();
  for (const set of body.data) for (const a of Object.values(set)) out.set(a.name, (out.get(a.name) ?? 0) + a.totalCost);
  return out;
}

const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((t, v) => t + v, 0);

function near(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= EPS * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

/** A CSV line split on commas, with RFC 4180 quotes. */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** The value of an unlabelled-but-cluster sample in an exposition text. */
function sample(text: string, metric: string, cluster: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{cluster="${cluster}"}`));
  assert.ok(line, `${metric}{cluster="${cluster}"} missing`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

let pgServer: PgServer;
let url: string;
let dir: string;
let east: Proc;
let west: Proc;
let hub: Proc;
/** The window every answer is compared on: unix seconds inside what both clusters recorded. */
let window: string;

before(async () => {
  pgServer = await startPgServer();
  url = await pgServer.createDatabase('hub');
  dir = mkdtempSync(join(tmpdir(), 'kce-hub-'));
  const second = join(dir, 'west.json');
  writeFileSync(second, JSON.stringify(deriveSecondCluster(JSON.parse(readFileSync(join(EXAMPLES, 'cluster.json'), 'utf8')))));
  writeFileSync(join(dir, 'east-policies.json'), JSON.stringify(EAST_POLICIES));
  const common = ['--store', url, '--interval', '1s', '--data-dir', dir];
  const started = await Promise.allSettled([
    startCli(['--snapshot', join(EXAMPLES, 'cluster.json'), '--snapshot', join(EXAMPLES, 'metrics.json'), '--snapshot', join(dir, 'east-policies.json'), '--cluster-id', 'east', ...common]),
    startCli(['--snapshot', second, '--cluster-id', 'west', ...common]),
  ]);
  // One failed to start: stop the one that did, then fail.
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    throw failed.reason;
  }
  [east, west] = started.map((r) => (r as PromiseFulfilledResult<Proc>).value) as [Proc, Proc];
  hub = await startCli(['--hub', '--source', 'none', '--store', url, '--interval', '1s']);
  // At least three recorded cycles of each cluster (the first cycle after a start records nothing).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const coverage = (await getJson<{ data: { cluster: string; first: string; last: string }[] }>(`${hub.base}/api/v1/coverage`)).data;
    const spans = coverage.map((c) => ({ cluster: c.cluster, firstMs: Date.parse(c.first), lastMs: Date.parse(c.last) }));
    if (spans.length === 2 && spans.every((s) => s.lastMs - s.firstMs >= 3000)) {
      assert.deepEqual(spans.map((s) => s.cluster), ['east', 'west']);
      // Cycles recorded later start at or after each cluster's `last`: answers inside stay the same.
      const startS = Math.floor(Math.min(...spans.map((s) => s.firstMs)) / 1000);
      const endS = Math.floor(Math.min(...spans.map((s) => s.lastMs)) / 1000);
      window = `${startS},${endS}`;
      break;
    }
    if (Date.now() > deadline) throw new Error(`the clusters did not record 3 s of history in 60 s: ${JSON.stringify(coverage)}\n${east.logs()}\n${west.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

after(async () => {
  await Promise.all([hub?.stop(), east?.stop(), west?.stop()]);
  await pgServer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each exporter labels its metrics, API answers and store rows with its cluster id', async () => {
  for (const [proc, id] of [
    [east, 'east'],
    [west, 'west'],
  ] as const) {
    const metrics = await (await fetch(`${proc.base}/metrics`)).text();
    const samples = metrics.split('\n').filter((l) => l.startsWith('kube_cost_'));
    assert.ok(samples.length > 50);
    assert.deepEqual(
      samples.filter((l) => !l.includes(`cluster="${id}"`)),
      [],
      `every sample of ${id} carries cluster="${id}"`,
    );
    // Its own API answers for its own cluster only, although the store holds both.
    const byCluster = await allocationTotals(proc.base, `window=${window}&aggregate=cluster`);
    assert.deepEqual([...byCluster.keys()], [id]);
    const coverage = (await getJson<{ data: { cluster: string }[] }>(`${proc.base}/api/v1/coverage`)).data;
    assert.deepEqual(coverage.map((c) => c.cluster), [id]);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const table of ['kce_alloc_raw', 'kce_alloc_ids']) {
      const r = await client.query<{ name: string }>(`SELECT DISTINCT c.name FROM ${table} t JOIN kce_clusters c ON c.id = t.cluster_id ORDER BY 1`);
      assert.deepEqual(r.rows.map((x) => x.name), ['east', 'west'], table);
    }
    const orphans = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM kce_alloc_raw r LEFT JOIN kce_clusters c ON c.id = r.cluster_id WHERE c.id IS NULL');
    assert.equal(orphans.rows[0]?.n, 0, 'every row carries a known cluster');
  } finally {
    await client.end();
  }
});

test('the hub answers per-cluster and global allocations that add up to each cluster\'s own answers', async () => {
  const eastNs = await allocationTotals(east.base, `window=${window}&aggregate=namespace`);
  const westNs = await allocationTotals(west.base, `window=${window}&aggregate=namespace`);
  const eastTotal = sum(eastNs);
  const westTotal = sum(westNs);
  assert.ok(eastTotal > 0 && westTotal > 0 && eastTotal > westTotal, `east ${eastTotal} > west ${westTotal} > 0: west lacks three namespaces`);
  // west kept ml-training's volumes (now unmounted), not its GPU pods.
  assert.ok((westNs.get('ml-training') ?? 0) < (eastNs.get('ml-training') ?? 0) / 2, `ml-training: west ${westNs.get('ml-training')}, east ${eastNs.get('ml-training')}`);

  const perCluster = await allocationTotals(hub.base, `window=${window}&aggregate=cluster`);
  assert.deepEqual([...perCluster.keys()].sort(), ['east', 'west']);
  near(perCluster.get('east'), eastTotal, 'hub east');
  near(perCluster.get('west'), westTotal, 'hub west');

  const global = await allocationTotals(hub.base, `window=${window}&aggregate=namespace`);
  near(sum(global), eastTotal + westTotal, 'hub global = east + west');
  for (const [ns, usd] of global) near(usd, (eastNs.get(ns) ?? 0) + (westNs.get(ns) ?? 0), `namespace ${ns}`);

  // filter=cluster:"east" on the hub is exactly east's own answer, namespace by namespace.
  const filtered = await allocationTotals(hub.base, `window=${window}&aggregate=namespace&filter=${encodeURIComponent('cluster:"east"')}`);
  assert.deepEqual([...filtered.keys()].sort(), [...eastNs.keys()].sort());
  for (const [ns, usd] of eastNs) near(filtered.get(ns), usd, `filtered ${ns}`);

  // With idle: each cluster's own answer is the hub's filtered one (names included: `__idle__`), and
  // the hub's global idle is named per cluster and adds up.
  for (const [proc, id] of [
    [east, 'east'],
    [west, 'west'],
  ] as const) {
    for (const options of ['idle=true', 'idle=true&shareIdle=true']) {
      const own = await allocationTotals(proc.base, `window=${window}&aggregate=namespace&${options}`);
      const viaHub = await allocationTotals(hub.base, `window=${window}&aggregate=namespace&${options}&filter=${encodeURIComponent(`cluster:"${id}"`)}`);
      assert.deepEqual([...viaHub.keys()].sort(), [...own.keys()].sort(), `${id} ${options}`);
      for (const [ns, usd] of own) near(viaHub.get(ns), usd, `${id} ${options} ${ns}`);
    }
  }
  const eastIdle = await allocationTotals(east.base, `window=${window}&aggregate=cluster&idle=true`);
  const westIdle = await allocationTotals(west.base, `window=${window}&aggregate=cluster&idle=true`);
  const globalIdle = await allocationTotals(hub.base, `window=${window}&aggregate=namespace&idle=true`);
  assert.ok(globalIdle.has('east/__idle__') && globalIdle.has('west/__idle__'));
  near(sum(globalIdle), sum(eastIdle) + sum(westIdle), 'global with idle = east + west');

  // Per pod (no aggregate): the same pod names in both clusters stay two allocations.
  const pods = await allocationTotals(hub.base, `window=${window}`);
  near(sum(pods), eastTotal + westTotal, 'per-pod total');
  assert.ok([...pods.keys()].some((k) => k.startsWith('east/')) && [...pods.keys()].some((k) => k.startsWith('west/')), 'pod keys name their cluster');

  // CSV: one row per cluster, totals as in JSON.
  const res = await fetch(`${hub.base}/api/v1/allocation?window=${window}&aggregate=cluster&format=csv`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  const [header = '', ...lines] = (await res.text()).trim().split(/\r?\n/);
  const cols = csvCells(header);
  const byName = new Map<string, number>();
  for (const l of lines) {
    const cells = csvCells(l);
    const name = cells[cols.indexOf('name')]!;
    byName.set(name, (byName.get(name) ?? 0) + Number(cells[cols.indexOf('totalCost')]));
  }
  assert.deepEqual([...byName.keys()].sort(), ['east', 'west']);
  near(byName.get('east'), eastTotal, 'csv east');
  near(byName.get('west'), westTotal, 'csv west');
});

test('the hub: assets, coverage, summary, FOCUS and recommendations across both clusters; /metrics and /readyz of its own', async () => {
  const assetTotal = async (base: string): Promise<number> => {
    const body = await getJson<{ data: Record<string, { totalCost: number }>[] }>(`${base}/api/v1/assets?window=${window}`);
    return body.data.reduce((t, set) => t + Object.values(set).reduce((s, a) => s + a.totalCost, 0), 0);
  };
  const [a, b, h] = await Promise.all([assetTotal(east.base), assetTotal(west.base), assetTotal(hub.base)]);
  assert.ok(a > 0 && b > 0);
  near(h, a + b, 'assets: hub = east + west');

  const focus = await (await fetch(`${hub.base}/api/v1/allocation/focus?window=${window}`)).text();
  const [focusHeader = '', ...focusLines] = focus.trim().split(/\r?\n/);
  const clusterCol = csvCells(focusHeader).indexOf('x_Cluster');
  assert.ok(clusterCol >= 0);
  assert.deepEqual([...new Set(focusLines.map((l) => csvCells(l)[clusterCol]))].sort(), ['east', 'west']);

  const summary = await getJson<{ meta: { coverage: { cluster: string }[] } }>(`${hub.base}/api/v1/summary?window=1d`);
  assert.deepEqual(summary.meta.coverage.map((c) => c.cluster), ['east', 'west']);
  const advice = await getJson<{ meta: { coverage: { cluster: string }[] } }>(`${hub.base}/api/v1/recommendations`);
  assert.deepEqual(advice.meta.coverage.map((c) => c.cluster), ['east', 'west']);

  const metrics = await (await fetch(`${hub.base}/metrics`)).text();
  assert.match(metrics, /^kube_cost_hub_clusters 2$/m);
  assert.match(metrics, /^kube_cost_hub_store_up 1$/m);
  assert.match(metrics, /^kube_cost_hub_cluster_last_recorded_timestamp_seconds\{cluster="west"\} \d/m);
  assert.doesNotMatch(metrics, /kube_cost_pod_hourly_usd/, 'a hub with no cluster computes no costs');
  const ready = await getJson<{ ready: boolean; source: string }>(`${hub.base}/readyz`);
  assert.equal(ready.ready, true);
  assert.match(ready.source, /^hub over postgres /);
});

test('the hub advises each cluster with the HPA, PDB and local-storage facts its exporter wrote to the store', async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const facts = await client.query<{ cluster: string; facts: { hpas: unknown[] | null; spotFacts: [string, Record<string, unknown>][] } }>('SELECT cluster, facts FROM kce_advice_facts ORDER BY cluster');
    assert.deepEqual(facts.rows.map((r) => r.cluster), ['east', 'west']);
    const [eastFacts, westFacts] = facts.rows;
    assert.deepEqual(eastFacts?.facts.hpas, [{ namespace: 'checkout', kind: 'deployment', name: 'checkout-api', resources: ['cpu'], cluster: 'east' }]);
    assert.equal(westFacts?.facts.hpas, null, 'west\'s snapshot has no HPA list: not known');
    assert.deepEqual(new Map(westFacts?.facts.spotFacts).get('west/catalog/deployment/catalog-api'), { localStorage: true, localVolumes: ['hostPath "data"'], scratchVolumes: [] });
  } finally {
    await client.end();
  }
  interface Spot {
    data: { spot: { excluded: { workload: { cluster: string; namespace: string; name: string }; reason: string }[]; candidates: { workload: { cluster: string; name: string }; evidence: { pdbKnown: boolean; localStorageKnown: boolean } }[] } };
    meta: { warnings: string[] };
  }
  const answer = await getJson<Spot>(`${hub.base}/api/v1/recommendations?kind=spot,rightsizing`);
  const reasons = new Map(answer.data.spot.excluded.map((e) => [`${e.workload.cluster}/${e.workload.namespace}/${e.workload.name}`, e.reason]));
  // Each cluster's facts apply to its own workloads only: the same Deployments in the other cluster are not excluded for them.
  assert.equal(reasons.get('east/payments/payments-api'), 'its PodDisruptionBudget allows no disruption');
  assert.equal(reasons.get('west/payments/payments-api'), undefined);
  assert.equal(reasons.get('west/catalog/catalog-api'), 'uses local storage: hostPath "data"');
  assert.equal(reasons.get('east/catalog/catalog-api'), undefined);
  for (const c of answer.data.spot.candidates) assert.equal(c.evidence.localStorageKnown, true, `${c.workload.cluster}/${c.workload.name}: local storage known from its exporter`);
  // HPAs: known for east, not for west (said per cluster, not for the whole answer).
  assert.ok(answer.meta.warnings.some((w) => w.startsWith('no HorizontalPodAutoscaler list for cluster west:')), answer.meta.warnings.join('; '));
  assert.ok(!answer.meta.warnings.some((w) => w.startsWith('no HorizontalPodAutoscaler list:') || w.startsWith('no HPA, PDB or local-storage facts')), answer.meta.warnings.join('; '));
  // east's own exporter (not a hub) sees the same facts for its cluster.
  const own = await getJson<Spot>(`${east.base}/api/v1/recommendations?kind=spot`);
  assert.equal(new Map(own.data.spot.excluded.map((e) => [`${e.workload.namespace}/${e.workload.name}`, e.reason])).get('payments/payments-api'), 'its PodDisruptionBudget allows no disruption');
});

test('Prometheus: one scrapes both exporters, a second federates it, the dashboards\' $cluster lists both', { skip: !hasBinary('prometheus') && 'prometheus is not installed (.ci/run installs it)' }, async () => {
  const eastMetrics = await (await fetch(`${east.base}/metrics`)).text();
  const westMetrics = await (await fetch(`${west.base}/metrics`)).text();
  const eastHourly = sample(eastMetrics, 'kube_cost_cluster_hourly_usd', 'east');
  const westHourly = sample(westMetrics, 'kube_cost_cluster_hourly_usd', 'west');
  const leaf = await startPrometheus({ targets: [`127.0.0.1:${east.port}`, `127.0.0.1:${west.port}`] });
  try {
    const leafPort = new URL(leaf.url).port;
    // The federation job of docs/multi-cluster.md: honor_labels keeps each exporter's cluster label.
    const central = await startPrometheus({
      job: 'federate-kube-cost',
      targets: [`127.0.0.1:${leafPort}`],
      extraConfig: ["    metrics_path: /federate", '    honor_labels: true', '    params:', "      'match[]': ['{__name__=~\"kube_cost_.*\"}']"].join('\n'),
    });
    try {
      const both = await central.waitFor('kube_cost_cluster_hourly_usd', (r) => r.length === 2, 90_000);
      const values = new Map(both.map((s) => [s.metric['cluster'], Number(s.value[1])]));
      near(values.get('east'), eastHourly, 'federated east');
      near(values.get('west'), westHourly, 'federated west');
      // Every dashboard's cluster variable, as Grafana runs it, against the federating Prometheus.
      let checked = 0;
      for (const d of dashboards()) {
        for (const v of variableQueries(d.file, d.dashboard).filter((x) => x.name === 'cluster')) {
          const m = /^label_values\((.+), (\w+)\)$/.exec(v.query);
          assert.ok(m, v.query);
          const body = await getJson<{ data: string[] }>(`${central.url}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1]!)}`);
          assert.deepEqual(body.data, ['east', 'west'], `${d.file} $cluster`);
          checked += 1;
        }
      }
      assert.ok(checked >= 4, `${checked} dashboards have a $cluster variable`);
      // A panel selector with one cluster picked, and with "All".
      const time = { rangeSeconds: 5, intervalSeconds: 2, scrapeSeconds: 1 };
      const one = await central.query(`sum(${substitute(CLUSTER_HOURLY, { cluster: regexValue(['west']) }, time)})`);
      near(Number(one[0]?.value[1]), westHourly, '$cluster=west');
      const all = await central.query(`sum(${substitute(CLUSTER_HOURLY, { cluster: '.*' }, time)})`);
      near(Number(all[0]?.value[1]), eastHourly + westHourly, '$cluster=All');
    } finally {
      await central.stop();
    }
  } finally {
    await leaf.stop();
  }
});

test('Prometheus remote-write: one scrapes both exporters and pushes to a receiver (the protocol of Mimir and Thanos Receive)', { skip: !hasBinary('prometheus') && 'prometheus is not installed (.ci/run installs it)' }, async () => {
  const eastHourly = sample(await (await fetch(`${east.base}/metrics`)).text(), 'kube_cost_cluster_hourly_usd', 'east');
  const westHourly = sample(await (await fetch(`${west.base}/metrics`)).text(), 'kube_cost_cluster_hourly_usd', 'west');
  const receiver = await startPrometheus({ job: 'none', targets: [], args: ['--web.enable-remote-write-receiver'] });
  try {
    // The remote_write block of docs/multi-cluster.md: only the cost series are pushed.
    const sender = await startPrometheus({
      targets: [`127.0.0.1:${east.port}`, `127.0.0.1:${west.port}`],
      extraConfig: [
        'remote_write:',
        `  - url: ${receiver.url}/api/v1/write`,
        '    write_relabel_configs:',
        '      - source_labels: [__name__]',
        "        regex: 'kube_cost_.*'",
        '        action: keep',
      ].join('\n'),
    });
    try {
      const both = await receiver.waitFor('kube_cost_cluster_hourly_usd', (r) => r.length === 2, 90_000);
      const values = new Map(both.map((s) => [s.metric['cluster'], Number(s.value[1])]));
      near(values.get('east'), eastHourly, 'remote-written east');
      near(values.get('west'), westHourly, 'remote-written west');
      assert.deepEqual(await receiver.query('count({__name__=~"up|scrape_.*"})'), [], 'only kube_cost_* series are pushed, not the sender\'s own up and scrape_* series');
      const cluster = dashboards()[0]!.dashboard.templating?.list?.find((v) => v.name === 'cluster');
      const m = /^label_values\((.+), (\w+)\)$/.exec(String(cluster?.query));
      assert.ok(m);
      const body = await getJson<{ data: string[] }>(`${receiver.url}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1]!)}`);
      assert.deepEqual(body.data, ['east', 'west']);
    } finally {
      await sender.stop();
    }
  } finally {
    await receiver.stop();
  }
});

test('kubectl cost cluster --server <hub> (the real kubectl and plugin): one row per cluster, each its own exporter\'s total', { skip: !hasBinary('kubectl') && 'kubectl is not installed (.ci/run installs it)' }, async () => {
  const pluginDir = mkdtempSync(join(tmpdir(), 'kce-kubectl-'));
  try {
    installPlugin(pluginDir);
    const rows = async (base: string): Promise<Map<string, { podCount: number; totalUsd: number }>> => {
      const r = await runKubectl(['cost', 'cluster', '--server', base, '--window', window, '-o', 'json'], { pluginDir });
      assert.equal(r.code, 0, r.stderr);
      return new Map((JSON.parse(r.stdout) as { rows: { name: string; podCount: number; totalUsd: number }[] }).rows.map((x) => [x.name, x]));
    };
    const [viaHub, own] = await Promise.all([rows(hub.base), Promise.all([rows(east.base), rows(west.base)])]);
    assert.deepEqual([...viaHub.keys()].sort(), ['east', 'west'], 'pods of the same name in two clusters are two pods');
    for (const [id, mine] of [
      ['east', own[0]],
      ['west', own[1]],
    ] as const) {
      assert.deepEqual([...mine.keys()], [id]);
      assert.equal(viaHub.get(id)?.podCount, mine.get(id)?.podCount, `${id} pods`);
      near(viaHub.get(id)?.totalUsd, mine.get(id)!.totalUsd, `${id} total`);
    }
  } finally {
    rmSync(pluginDir, { recursive: true, force: true });
  }
});

test('a hub whose database cannot be reached at start stops with exit code 1, naming the database without its password', () => {
  const r = spawnSync(process.execPath, [CLI, '--hub', '--source', 'none', '--port', '1', '--store', `postgres://kce:secret@127.0.0.1:${pgServer.port + 1}/none?connect_timeout=2`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr + r.stdout, /failed to start.*postgres:\/\/kce:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(r.stderr + r.stdout, /secret/);
});

// Last: it stops the two exporters, so that the history the page reads no longer grows.
test("the hub's web UI (real Chromium): the cluster picker lists both clusters; one cluster's total and All's add up", async () => {
  await Promise.all([east.stop(), west.stop()]);
  if (isStale()) await buildUi();
  const summary = async (filter: string | undefined): Promise<{ totalCost: number; components: { management: number } }> => {
    const p = new URLSearchParams({ window: '7d', top: '10' });
    if (filter !== undefined) p.set('filter', filter);
    return (await getJson<{ data: { totalCost: number; components: { management: number } } }>(`${hub.base}/api/v1/summary?${p}`)).data;
  };
  const [whole, east1, west1] = await Promise.all([summary(undefined), summary('cluster:"east"'), summary('cluster:"west"')]);
  const [all, eastOnly, westOnly] = [whole.totalCost, east1.totalCost, west1.totalCost];
  // The example cluster is EKS: its control-plane fee belongs to each cluster picked whole.
  assert.ok(east1.components.management > 0 && west1.components.management > 0);
  near(whole.components.management, east1.components.management + west1.components.management, 'fees add up');
  assert.ok(eastOnly > 0 && westOnly > 0);
  near(all, eastOnly + westOnly, 'summary: All = east + west');
  const browser = await launchBrowser();
  try {
    const w = await openPage(browser);
    await w.page.goto(`${hub.base}/?window=7d`);
    const total = w.page.getByTestId('kpi-total').locator('.kpi-value');
    await total.waitFor();
    assert.equal(dollars(await total.getAttribute('data-exact')).toFixed(6), all.toFixed(6));
    const picker = w.page.getByLabel('Cluster', { exact: true });
    await w.page.waitForFunction(() => document.querySelectorAll('#f-cluster option').length === 3);
    assert.deepEqual(await picker.locator('option').allTextContents(), ['All clusters', 'east', 'west']);
    for (const [cluster, expected] of [
      ['east', eastOnly],
      ['west', westOnly],
    ] as const) {
      const before = await total.getAttribute('data-exact');
      await picker.selectOption(cluster);
      await w.page.waitForFunction((b) => document.querySelector('[data-testid="kpi-total"] .kpi-value')?.getAttribute('data-exact') !== b, before);
      assert.equal(dollars(await total.getAttribute('data-exact')).toFixed(6), expected.toFixed(6), cluster);
      assert.equal(await w.page.getByTestId('kpi-total').locator('.kpi-detail').textContent(), "filtered: with its share of idle and its clusters' fees");
    }
    assert.deepEqual(w.problems, []);
    await w.context.close();
  } finally {
    await browser.close();
  }
});

test('--hub with a source: the exporter of cluster north whose API and UI also cover east and west', async () => {
  const north = await startCli(['--hub', '--snapshot', join(dir, 'west.json'), '--cluster-id', 'north', '--store', url, '--interval', '1s', '--data-dir', dir]);
  try {
    const metrics = await (await fetch(`${north.base}/metrics`)).text();
    assert.ok(sample(metrics, 'kube_cost_cluster_hourly_usd', 'north') > 0, 'its metrics are its own cluster');
    const deadline = Date.now() + 60_000;
    let clusters: string[] = [];
    while (Date.now() < deadline) {
      clusters = (await getJson<{ data: { cluster: string }[] }>(`${north.base}/api/v1/coverage`)).data.map((c) => c.cluster);
      if (clusters.includes('north')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(clusters, ['east', 'north', 'west']);
    const perCluster = await allocationTotals(north.base, `window=${window}&aggregate=cluster`);
    assert.deepEqual([...perCluster.keys()].sort(), ['east', 'west'], 'north recorded after the window');
  } finally {
    await north.stop();
  }
});
