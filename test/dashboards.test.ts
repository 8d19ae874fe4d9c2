// The dashboards without Prometheus: the committed JSON (and the copies the chart and kustomize
// package) is what the generator produces, and every dashboard follows the rules docs/dashboards.md
// promises — generated marker, ranges, variables, units, metric names from docs/metrics.md, and no
// rate()/increase() of a gauge.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENERATED_NOTE, grafanaVariable, UID } from '../src/dashboards/common.ts';
import { CHART_DIR, DASHBOARDS_DIR, deployArtefacts, REPO_ROOT } from '../src/dashboards/generate.ts';
import { dashboards } from '../src/dashboards/index.ts';
import { panelQueries, substitute, variableQueries } from './deploy/dashboard-queries.ts';
import { documentedMetrics, promqlProblems } from './deploy/promql-lint.ts';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

test('committed dashboards and their packaged copies are what src/dashboards generates (run: node src/dashboards/generate.ts)', () => {
  const stale: string[] = [];
  for (const a of deployArtefacts(read)) {
    let onDisk: string | undefined;
    try {
      onDisk = read(a.path);
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== a.content) stale.push(a.path);
  }
  assert.deepEqual(stale, [], `out of date: ${stale.join(', ')}`);
  // No JSON left behind by a dashboard that was renamed or removed.
  const expected = dashboards()
    .map((d) => d.file)
    .sort();
  for (const dir of [DASHBOARDS_DIR, `${CHART_DIR}/files/dashboards`, 'deploy/kustomize/components/grafana-dashboards/dashboards']) {
    assert.deepEqual(readdirSync(join(REPO_ROOT, dir)).sort(), expected, dir);
  }
});

test('every query uses documented metrics, and rate()/increase() only on counters', () => {
  const types = documentedMetrics();
  assert.ok(types.size > 30, `docs/metrics.md lists ${types.size} metrics`);
  const problems = dashboards().flatMap((d) =>
    [...panelQueries(d.file, d.dashboard).map((q) => q.expr), ...variableQueries(d.file, d.dashboard).map((v) => v.query)].flatMap((expr) => promqlProblems(expr, d.file, types)),
  );
  assert.deepEqual(problems, []);
  // The check itself catches the design document's query.
  assert.deepEqual(promqlProblems('sum by (namespace) (rate(kube_cost_pod_hourly_usd[7d]) * 24 * 7)', 'design', types), ['design: rate() of kube_cost_pod_hourly_usd, a gauge']);
});

test('each dashboard says it is generated, offers 24h/7d/30d/90d, and defines exactly the variables its queries use', () => {
  const uids = new Set<string>();
  for (const { file, dashboard } of dashboards()) {
    assert.ok(dashboard.description?.startsWith(GENERATED_NOTE), `${file}: description starts with the generated note`);
    assert.ok(dashboard.uid && !uids.has(dashboard.uid), `${file}: unique uid`);
    uids.add(dashboard.uid);
    assert.deepEqual(
      dashboard.timepicker?.quick_ranges?.map((r) => r.from),
      ['now-24h', 'now-7d', 'now-30d', 'now-90d'],
      `${file}: time ranges`,
    );
    const names = (dashboard.templating?.list ?? []).map((v) => v.name);
    assert.equal(names[0], 'datasource', `${file}: the datasource variable comes first`);
    assert.ok(names.includes('cluster'), `${file}: has $cluster`);
    // Substituting only the dashboard's own variables must succeed (no undefined variable), and
    // each filter variable must be used by at least one panel query.
    const own = Object.fromEntries(names.map((n) => [n, '.*']));
    const time = { rangeSeconds: 3600, intervalSeconds: 300, scrapeSeconds: 60 };
    const queries = panelQueries(file, dashboard);
    for (const q of queries) substitute(q.expr, own, time);
    for (const v of variableQueries(file, dashboard)) substitute(v.query, own, time);
    for (const n of names.filter((x) => x !== 'datasource')) {
      assert.ok(
        queries.some((q) => q.expr.includes(`$${n}"`)),
        `${file}: $${n} is defined but no panel uses it`,
      );
    }
  }
  assert.deepEqual([...uids].sort(), Object.values(UID).sort());
  const union = new Set(dashboards().flatMap((d) => (d.dashboard.templating?.list ?? []).map((v) => v.name)));
  for (const required of ['cluster', 'namespace', 'instance_type', 'node_pool']) assert.ok(union.has(required), `some dashboard offers $${required}`);
});

interface JsonPanel {
  type: string;
  title?: string;
  description?: string;
  datasource?: { uid?: string };
  panels?: JsonPanel[];
  targets?: { datasource?: { uid?: string } }[];
  fieldConfig?: { defaults?: { unit?: string; links?: { url: string }[] }; overrides?: { properties: { id: string; value: unknown }[] }[] };
  options?: { tooltip?: { mode?: string } };
}

function panelsOf(list: readonly JsonPanel[]): JsonPanel[] {
  return list.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

test('every panel has a description, a unit, the datasource variable and working links; time series show every series in the tooltip', () => {
  const uids = new Set(Object.values(UID));
  const datasource = grafanaVariable('datasource');
  for (const { file, dashboard } of dashboards()) {
    for (const p of panelsOf(dashboard.panels as JsonPanel[]).filter((x) => x.type !== 'row')) {
      const where = `${file} / ${p.title}`;
      assert.ok(p.description && p.description.length > 20, `${where}: description`);
      assert.ok(p.fieldConfig?.defaults?.unit, `${where}: unit`);
      assert.equal(p.datasource?.uid, datasource, `${where}: datasource`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, datasource, `${where}: target datasource`);
      if (p.type === 'timeseries') assert.equal(p.options?.tooltip?.mode, 'multi', `${where}: tooltip`);
      const links = [
        ...(p.fieldConfig?.defaults?.links ?? []),
        ...(p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((x) => x.id === 'links').flatMap((x) => x.value as { url: string }[])),
      ];
      for (const l of links) {
        const uid = /^\/d\/([\w-]+)\?/.exec(l.url)?.[1];
        assert.ok(uid && uids.has(uid as (typeof UID)[keyof typeof UID]), `${where}: link ${l.url} names one of our dashboards`);
      }
    }
  }
});

test('money panels are in USD', () => {
  const money = /cost|spend|savings|run rate|budget|price|\$/i;
  for (const { file, dashboard } of dashboards()) {
    for (const p of panelsOf(dashboard.panels as JsonPanel[]).filter((x) => x.type !== 'row' && x.type !== 'table')) {
      const unit = p.fieldConfig?.defaults?.unit;
      if (money.test(p.title ?? '') && !/%|share|ratio|efficiency|discount|change|use|allocat|nodes/i.test(p.title ?? '')) {
        assert.equal(unit, 'currencyUSD', `${file} / ${p.title}`);
      }
    }
  }
});
