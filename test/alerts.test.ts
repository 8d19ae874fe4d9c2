// The alerting rules and the Alertmanager example, checked by the real tools: promtool checks and
// unit-tests the rules (every alert has a firing and a not-firing case), amtool checks the
// Alertmanager configuration and renders the Slack template with the annotations the rule tests
// expect, which must give the design document's message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { UID } from '../src/dashboards/common.ts';
import { REPO_ROOT, RULES_FILE } from '../src/dashboards/generate.ts';
import { documentedMetrics, promqlProblems } from './deploy/promql-lint.ts';
import { hasBinary, promtool } from './helpers/prometheus.ts';

const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy/prometheus');
const RULE_TESTS = ['kube-cost-exporter.rules.test.yaml', 'kube-cost-exporter.rules.history.test.yaml'];
const ALERTMANAGER_DIR = join(REPO_ROOT, 'deploy/alertmanager');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}
interface TestFile {
  tests: { name: string; alert_rule_test?: AlertTest[] }[];
}

const rules = parse(readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8')) as RuleFile;
const alerts = rules.groups.flatMap((g) => g.rules);
const ruleTests = RULE_TESTS.flatMap((f) => (parse(readFileSync(join(PROMETHEUS_DIR, f), 'utf8')) as TestFile).tests);

const tmp = mkdtempSync(join(tmpdir(), 'kce-alerts-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('promtool check rules accepts the rules file and the PrometheusRule that kustomize ships', () => {
  const file = promtool(['check', 'rules', join(REPO_ROOT, RULES_FILE)]);
  assert.equal(file.status, 0, file.output);
  assert.match(file.output, new RegExp(`SUCCESS: ${alerts.length} rules found`));

  const prometheusRule = parse(readFileSync(join(REPO_ROOT, 'deploy/kustomize/components/prometheus-rule/prometheusrule.yaml'), 'utf8')) as { spec: RuleFile };
  assert.deepEqual(prometheusRule.spec, rules, 'the PrometheusRule carries exactly the rules file');
  const extracted = join(tmp, 'prometheusrule-spec.yaml');
  writeFileSync(extracted, JSON.stringify(prometheusRule.spec));
  const crd = promtool(['check', 'rules', extracted]);
  assert.equal(crd.status, 0, crd.output);
});

test('promtool test rules: every unit test passes', () => {
  const r = spawnSync('promtool', ['test', 'rules', ...RULE_TESTS], { cwd: PROMETHEUS_DIR, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.equal((`${r.stdout}${r.stderr}`.match(/SUCCESS/g) ?? []).length, RULE_TESTS.length);
});

test('every alert is unit-tested both firing and not firing', () => {
  for (const { alert } of alerts) {
    const cases = ruleTests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === alert);
    assert.ok(
      cases.some((c) => c.exp_alerts.length > 0),
      `${alert}: no test where it fires`,
    );
    assert.ok(
      cases.some((c) => c.exp_alerts.length === 0),
      `${alert}: no test where it stays silent`,
    );
  }
  assert.ok(alerts.length >= 7, `${alerts.length} alerts`);
  for (const name of ['KubeCostNamespaceOverBudget', 'KubeCostNamespaceCostSpike', 'KubeCostSpotSavingsDropped', 'KubeCostIdleCostHigh', 'KubeCostExporterDown', 'KubeCostDataStale', 'KubeCostErrorsRising', 'KubeCostBudgetForecastOverBudget', 'KubeCostBudgetBurnRateHigh', 'KubeCostNamespaceCostAnomaly']) {
    assert.ok(
      alerts.some((a) => a.alert === name),
      name,
    );
  }
});

test('rules use documented metrics, never rate()/increase() of a gauge, and link to existing dashboards', () => {
  const types = documentedMetrics();
  const uids = new Set<string>(Object.values(UID));
  for (const a of alerts) {
    assert.deepEqual(promqlProblems([a.expr, ...Object.values(a.annotations ?? {})].join('\n'), a.alert, types), []);
    for (const key of ['dashboard', 'optimize']) {
      const path = a.annotations?.[key];
      if (path) assert.ok(uids.has(/^\/d\/([\w-]+)/.exec(path)?.[1] ?? ''), `${a.alert}: ${key} ${path}`);
    }
    assert.ok(a.labels?.['severity'], `${a.alert}: severity`);
    assert.ok(a.annotations?.['summary'] && a.annotations['description'], `${a.alert}: summary and description`);
  }
});

const amtoolMissing = hasBinary('amtool') ? false : 'amtool not installed (Debian package prometheus-alertmanager; .ci/run installs it)';

function amtool(args: string[]): { status: number; output: string } {
  const r = spawnSync('amtool', args, { cwd: ALERTMANAGER_DIR, encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

test('amtool check-config accepts the Alertmanager example and its template', { skip: amtoolMissing }, () => {
  const r = amtool(['check-config', 'alertmanager.yml']);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /1 templates/);
  assert.doesNotMatch(r.output, /FAILED/);
});

/** Alertmanager's template data (template.Data) for one firing alert. */
function templateData(labels: Record<string, string>, annotations: Record<string, string>, status: 'firing' | 'resolved' = 'firing'): string {
  const alert = { status, labels, annotations, startsAt: '2026-11-02T09:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus/graph', fingerprint: '1' };
  return JSON.stringify({ receiver: 'slack-finops', status, alerts: [alert], groupLabels: { alertname: labels['alertname'] }, commonLabels: labels, commonAnnotations: annotations, externalURL: 'http://alertmanager' });
}

function renderSlack(data: string): string {
  const file = join(tmp, `data-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, data);
  const r = amtool(['template', 'render', '--template.glob=templates/*.tmpl', `--template.data=${file}`, '--template.text={{ template "kce.slack.title" . }}\n{{ template "kce.slack.text" . }}\n{{ template "kce.slack.color" . }}']);
  assert.equal(r.status, 0, r.output);
  return r.output.trim();
}

test('the Slack template turns the over-budget alert into the design document\'s message', { skip: amtoolMissing }, () => {
  // The annotations promtool proved the rule produces (deploy/prometheus/kube-cost-exporter.rules.test.yaml).
  const expected = ruleTests
    .flatMap((t) => t.alert_rule_test ?? [])
    .find((c) => c.alertname === 'KubeCostNamespaceOverBudget' && c.exp_alerts[0]?.exp_labels['cluster'] === 'prod')!.exp_alerts[0]!;
  const labels = { alertname: 'KubeCostNamespaceOverBudget', ...expected.exp_labels };
  assert.equal(
    renderSlack(templateData(labels, expected.exp_annotations)),
    [
      '⚠️ Cost Alert: Checkout Namespace',
      'Current Monthly Run Rate: $584.00',
      'Budget: $500.00',
      'Over Budget: $84.00 (16.8%)',
      '',
      'Top Cost Drivers:',
      '1. checkout-api-1 - $343/mo (59%)',
      '2. checkout-worker-1 - $153/mo (26%)',
      '3. redis-0 - $66/mo (11%)',
      '',
      '🔗 <https://grafana.example.com/d/kce-namespace-deep-dive?var-namespace=checkout&var-cluster=prod|View Dashboard> | 🛠️ <https://grafana.example.com/d/kce-resource-efficiency?var-namespace=checkout&var-cluster=prod|Optimize Now>',
      'warning',
    ].join('\n'),
  );
});

test('other alerts render their summary and description; resolved and critical alerts change the title and colour', { skip: amtoolMissing }, () => {
  const down = ruleTests.flatMap((t) => t.alert_rule_test ?? []).find((c) => c.alertname === 'KubeCostExporterDown' && c.exp_alerts.length > 0)!.exp_alerts[0]!;
  const labels = { alertname: 'KubeCostExporterDown', ...down.exp_labels };
  assert.equal(
    renderSlack(templateData(labels, down.exp_annotations)),
    ['⚠️ kube-cost-exporter is down or not scraped', down.exp_annotations['description'], 'danger'].join('\n'),
  );
  const spot = ruleTests.flatMap((t) => t.alert_rule_test ?? []).find((c) => c.alertname === 'KubeCostSpotSavingsDropped' && c.exp_alerts.length > 0)!.exp_alerts[0]!;
  assert.equal(
    renderSlack(templateData({ alertname: 'KubeCostSpotSavingsDropped', ...spot.exp_labels }, spot.exp_annotations, 'resolved')),
    [
      '✅ Resolved: Spot savings dropped by more than half in a day',
      spot.exp_annotations['description'],
      '',
      '🔗 <https://grafana.example.com/d/kce-spot-optimizer?var-cluster=prod|View Dashboard>',
      'good',
    ].join('\n'),
  );
});
