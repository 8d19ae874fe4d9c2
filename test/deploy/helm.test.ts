// The Helm chart, checked without a Helm binary (none can run here; docs/install.md says what this
// proves and what it does not): values.yaml against values.schema.json with ajv, the templates
// rendered by test/deploy/helm-template.ts (a strict renderer of the template subset the chart
// uses), every rendered object validated against the Kubernetes and prometheus-operator schemas,
// and the chart's objects compared with `kubectl kustomize` of the matching overlay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CHART_DIR, REPO_ROOT } from '../../src/dashboards/generate.ts';
import { hasBinary } from '../helpers/prometheus.ts';
import { mergeValues, renderChart, TemplateError } from './helm-template.ts';
import { checkInstall, KUSTOMIZE_LAYOUTS, kustomize } from './install-checks.ts';
import { validateAll } from './k8s-schemas.ts';

type Dict = Record<string, unknown>;

const CHART = join(REPO_ROOT, CHART_DIR);
const release = { releaseName: 'kube-cost-exporter', namespace: 'kube-cost' };
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Dict;
const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Dict;
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
const validateValues = ajv.compile(schema);
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function schemaErrors(values: Dict): string[] {
  return validateValues(values) ? [] : (validateValues.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

test('values.yaml is valid against values.schema.json, which documents every value', () => {
  assert.deepEqual(schemaErrors(defaults), []);
  const undocumented: string[] = [];
  const walk = (s: Dict, path: string): void => {
    if (!s['description']) undocumented.push(path || '/');
    for (const [k, sub] of Object.entries((s['properties'] as Record<string, Dict> | undefined) ?? {})) walk(sub, `${path}.${k}`);
  };
  walk(schema, '');
  assert.deepEqual(undocumented, []);
});

test('the schema rejects what would break the install, naming the value', () => {
  const cases: [Dict, RegExp][] = [
    [{ aggregator: { replicas: 2 } }, /\/aggregator\/replicas must be <= 1/],
    [{ source: 'kubernetes' }, /\/source must be equal to one of the allowed values/],
    [{ metrics: { port: 70000 } }, /\/metrics\/port must be <= 65535/],
    [{ metrics: { interval: '1 minute' } }, /\/metrics\/interval must match pattern/],
    [{ aws: { irsaRoleArn: 'my-role' } }, /\/aws\/irsaRoleArn must match pattern/],
    [{ agent: { gpu: { mode: 'rocm' } } }, /\/agent\/gpu\/mode must be equal to one of the allowed values/],
    [{ prometheus: { serviceMonitor: { enabeld: true } } }, /\/prometheus\/serviceMonitor must NOT have additional properties/],
    [{ replicas: 3 }, /\/ must NOT have additional properties/],
  ];
  for (const [override, message] of cases) {
    const errors = schemaErrors(mergeValues(defaults, override));
    assert.ok(
      errors.some((e) => message.test(e)),
      `${JSON.stringify(override)}: ${errors.join('; ')}`,
    );
  }
  // The bundled charts' values pass through untouched.
  assert.deepEqual(schemaErrors(mergeValues(defaults, { 'prometheus-bundled': { server: { retention: '30d' } } })), []);
});

test('Chart.yaml: versions follow package.json; bundled mode brings the community charts behind prometheus.bundled and grafana.bundled', () => {
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string; dependencies: { name: string; alias: string; condition: string; repository: string }[] };
  assert.equal(chart.version, version);
  assert.equal(chart.appVersion, version);
  assert.deepEqual(
    chart.dependencies.map((d) => [d.name, d.alias, d.condition, d.repository]),
    [
      ['prometheus', 'prometheus-bundled', 'prometheus.bundled', 'https://prometheus-community.github.io/helm-charts'],
      ['grafana', 'grafana-bundled', 'grafana.bundled', 'https://grafana.github.io/helm-charts'],
    ],
  );
  // The bundled Grafana's data source is the bundled Prometheus server's Service.
  const values = defaults as { 'prometheus-bundled': { server: { fullnameOverride: string } }; 'grafana-bundled': { datasources: Record<string, { datasources: { url: string }[] }> } };
  assert.equal(values['grafana-bundled'].datasources['datasources.yaml']!.datasources[0]!.url, `http://${values['prometheus-bundled'].server.fullnameOverride}`);
});

test('the bundled Prometheus scrape configuration is accepted by promtool check config', { skip: hasBinary('promtool') ? false : 'promtool not installed (Debian package prometheus)' }, () => {
  // The prometheus chart passes extraScrapeConfigs through tpl with the release.
  const scrape = (defaults['prometheus-bundled'] as { extraScrapeConfigs: string }).extraScrapeConfigs.replaceAll('{{ .Release.Namespace }}', 'kube-cost').replaceAll('{{ .Release.Name }}', 'kube-cost-exporter');
  const job = (parse(scrape) as Dict[])[0] as { job_name: string; honor_labels: boolean; kubernetes_sd_configs: unknown; relabel_configs: { regex: string }[] };
  assert.equal(job.honor_labels, true);
  assert.deepEqual(job.kubernetes_sd_configs, [{ role: 'endpoints', namespaces: { names: ['kube-cost'] } }]);
  assert.equal(job.relabel_configs[0]!.regex, 'kube-cost-exporter;kube-cost-exporter;metrics');
  // Debian's Prometheus is built without Kubernetes service discovery, so promtool would reject
  // kubernetes_sd_configs as unknown: it checks the rest of the job (relabelling, honor_labels)
  // with a static target in its place.
  const { kubernetes_sd_configs: _, ...rest } = job;
  const checkable = { ...rest, static_configs: [{ targets: ['kube-cost-exporter.kube-cost.svc:9090'] }] };
  const dir = mkdtempSync(join(tmpdir(), 'kce-helm-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, JSON.stringify({ global: { scrape_interval: '60s' }, scrape_configs: [checkable] }));
    const r = spawnSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Helm-only labels, and objects Helm leaves to `--create-namespace`, removed for comparison;
 * volumes and volume mounts sorted by name (Kubernetes does not order them; kustomize's patch
 * puts the added volume first).
 */
function normalise(objects: readonly Dict[]): Dict[] {
  const byName = (list: { name: string }[] | undefined): void => {
    list?.sort((a, b) => a.name.localeCompare(b.name));
  };
  return objects
    .filter((o) => o['kind'] !== 'Namespace')
    .map((o) => {
      const copy = structuredClone(o) as { metadata: { labels?: Record<string, string> }; spec?: { template?: { spec?: { volumes?: { name: string }[]; containers?: { volumeMounts?: { name: string }[] }[] } } } };
      delete copy.metadata.labels?.['helm.sh/chart'];
      delete copy.metadata.labels?.['app.kubernetes.io/managed-by'];
      const pod = copy.spec?.template?.spec;
      byName(pod?.volumes);
      for (const c of pod?.containers ?? []) byName(c.volumeMounts);
      return copy as Dict;
    })
    .sort((a, b) => `${a['kind']}/${(a['metadata'] as { name: string }).name}`.localeCompare(`${b['kind']}/${(b['metadata'] as { name: string }).name}`));
}

/** Each kustomize layout and the chart values that must render the same objects. */
const EQUIVALENT: { overlay: string; values: Dict }[] = [
  { overlay: 'base', values: { grafana: { dashboards: { enabled: false } } } },
  { overlay: 'overlays/demo', values: { source: 'demo', prometheus: { serviceMonitor: { enabled: true }, rules: { enabled: true } } } },
  {
    overlay: 'overlays/production-aws',
    values: {
      clusterId: 'prod-us-east-1',
      cloudProvider: 'aws',
      region: 'us-east-1',
      aws: { irsaRoleArn: 'arn:aws:iam::123456789012:role/kube-cost-exporter' },
      storage: { enabled: true },
      prometheus: { serviceMonitor: { enabled: true }, rules: { enabled: true } },
    },
  },
  {
    overlay: 'overlays/many-clusters',
    values: { clusterId: 'east', storage: { postgres: { existingSecret: 'kube-cost-exporter-history' } }, prometheus: { serviceMonitor: { enabled: true } }, grafana: { dashboards: { enabled: false } } },
  },
];

const noKubectl = hasBinary('kubectl') ? false : 'kubectl not installed (Debian package kubernetes-client; .ci/run installs it)';

test('every kustomize layout has a Helm equivalent', () => {
  assert.deepEqual(EQUIVALENT.map((e) => e.overlay).sort(), Object.keys(KUSTOMIZE_LAYOUTS).sort());
});

for (const { overlay, values } of EQUIVALENT) {
  test(`helm template with the values of ${overlay}: valid, a correct install, the same objects as kubectl kustomize`, { skip: noKubectl }, async () => {
    const merged = mergeValues(defaults, values);
    assert.deepEqual(schemaErrors(merged), []);
    const chart = renderChart(CHART, { ...release, values });
    assert.deepEqual(await validateAll(chart.objects), []);
    assert.deepEqual(checkInstall(chart.objects, KUSTOMIZE_LAYOUTS[overlay]), []);
    assert.deepEqual(normalise(chart.objects), normalise(kustomize(overlay)));
  });
}

test('Helm-only options render valid objects: custom pricing, GCP and Azure identities, dashboards in Grafana\'s namespace, a release name of its own', async () => {
  const chart = renderChart(CHART, {
    releaseName: 'costs',
    namespace: 'finops',
    values: {
      pricing: { custom: 'cpuCoreHourUsd: 0.03\nramGiBHourUsd: 0.004\n' },
      gcp: { serviceAccount: 'kube-cost-exporter@my-project.iam.gserviceaccount.com' },
      azure: { clientId: '00000000-0000-0000-0000-000000000001' },
      serviceAccount: { annotations: { team: 'finops' } },
      grafana: { dashboards: { namespace: 'monitoring', label: 'grafana_dashboard', labelValue: '1' } },
      prometheus: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } },
      storage: { enabled: true, existingClaim: 'costs-history' },
      aggregator: { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] },
    },
  });
  assert.deepEqual(await validateAll(chart.objects), []);
  const byKind = (kind: string): Dict[] => chart.objects.filter((o) => o['kind'] === kind);
  const sa = byKind('ServiceAccount')[0] as { metadata: { name: string; annotations: Record<string, string> } };
  assert.equal(sa.metadata.name, 'costs-kube-cost-exporter');
  assert.deepEqual(sa.metadata.annotations, {
    'iam.gke.io/gcp-service-account': 'kube-cost-exporter@my-project.iam.gserviceaccount.com',
    'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000001',
    team: 'finops',
  });
  const deployment = byKind('Deployment')[0] as { spec: { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { volumes: Dict[]; containers: { env: { name: string; value: string }[] }[] } } } };
  const pod = deployment.spec.template;
  assert.equal(pod.metadata.labels['azure.workload.identity/use'], 'true');
  assert.match(pod.metadata.annotations['checksum/pricing']!, /^[0-9a-f]{64}$/);
  assert.equal(pod.spec.containers[0]!.env.find((e) => e.name === 'KCE_PRICING')?.value, '/etc/kube-cost-exporter/pricing.yaml');
  assert.deepEqual(pod.spec.volumes.find((v) => v['name'] === 'data'), { name: 'data', persistentVolumeClaim: { claimName: 'costs-history' } });
  assert.equal(byKind('PersistentVolumeClaim').length, 0, 'an existing claim is used, not created');
  const pricing = byKind('ConfigMap').find((c) => (c['metadata'] as { name: string }).name === 'costs-kube-cost-exporter-pricing') as { data: Record<string, string> };
  assert.equal(pricing.data['pricing.yaml'], 'cpuCoreHourUsd: 0.03\nramGiBHourUsd: 0.004\n');
  const dashboardsMaps = byKind('ConfigMap').filter((c) => (c['metadata'] as { labels: Record<string, string> }).labels['grafana_dashboard'] === '1');
  assert.equal(dashboardsMaps.length, 5);
  for (const c of dashboardsMaps) assert.equal((c['metadata'] as { namespace: string }).namespace, 'monitoring');
  const sm = byKind('ServiceMonitor')[0] as { metadata: { labels: Record<string, string> } };
  assert.equal(sm.metadata.labels['release'], 'kube-prometheus-stack');
  assert.match(chart.notes, /kubectl -n finops port-forward svc\/costs-kube-cost-exporter 9090/);
});

test('advice options: the budgets file as a ConfigMap the exporter reads, the Slack URL from a Secret, the other settings as variables', async () => {
  const budgets = [
    { namespace: 'checkout', monthlyUsd: 500, costCenter: 'engineering' },
    { label: 'team=payments', monthlyUsd: 3000 },
    { cluster: true, monthlyUsd: 20000 },
  ];
  const values = {
    advice: { everyCycles: 5, maxSeries: 50, commitmentDiscount: '28%', budgets, notify: { slack: { existingSecret: 'slack-webhook', key: 'url' }, webhookUrl: 'https://hooks.example/cost', dashboardUrl: 'https://grafana.example' } },
  };
  assert.deepEqual(schemaErrors(mergeValues(defaults, values) as Dict), []);
  assert.deepEqual(schemaErrors(mergeValues(defaults, { advice: { budgets: [{ namespace: 'a', monthlyUsd: -1 }] } }) as Dict), ['/advice/budgets/0/monthlyUsd must be >= 0']);
  const chart = renderChart(CHART, { ...release, values });
  assert.deepEqual(await validateAll(chart.objects), []);
  const configMap = chart.objects.find((o) => o['kind'] === 'ConfigMap' && (o['metadata'] as { name: string }).name === 'kube-cost-exporter-budgets') as { data: Record<string, string> };
  // What the exporter will read: the same entries under `budgets`.
  assert.deepEqual(parse(configMap.data['budgets.yaml']!), { budgets });
  const pod = (chart.objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: { volumes: Dict[]; containers: { env: { name: string; value: string }[]; volumeMounts: Dict[] }[] } } } }).spec.template.spec;
  const env = Object.fromEntries(pod.containers[0]!.env.filter((e) => /^KCE_(ADVICE|BUDGETS|COMMITMENT|NOTIFY|DASHBOARD)/.test(e.name)).map((e) => [e.name, e.value]));
  assert.deepEqual(env, {
    KCE_ADVICE_EVERY_CYCLES: '5',
    KCE_ADVICE_MAX_SERIES: '50',
    KCE_COMMITMENT_DISCOUNT: '28%',
    KCE_BUDGETS: '/etc/kube-cost-exporter/budgets/budgets.yaml',
    KCE_NOTIFY_SLACK_WEBHOOK_URL_FILE: '/etc/kube-cost-exporter/slack/url',
    KCE_NOTIFY_WEBHOOK_URL: 'https://hooks.example/cost',
    KCE_DASHBOARD_URL: 'https://grafana.example',
  });
  assert.deepEqual(pod.volumes.find((v) => v['name'] === 'slack-webhook'), { name: 'slack-webhook', secret: { secretName: 'slack-webhook' } });
  assert.deepEqual(pod.volumes.find((v) => v['name'] === 'budgets'), { name: 'budgets', configMap: { name: 'kube-cost-exporter-budgets' } });
  // The defaults add nothing.
  const plain = renderChart(CHART, { ...release, values: {} });
  const plainEnv = (plain.objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: { containers: { env: { name: string }[] }[] } } } }).spec.template.spec.containers[0]!.env.map((e) => e.name);
  assert.deepEqual(plainEnv.filter((n) => /^KCE_(ADVICE|BUDGETS|COMMITMENT|NOTIFY|DASHBOARD)/.test(n)), []);
});

test('aggregator.extraEnv: more variables for the exporter, after the chart\'s own (NODE_OPTIONS for a very large cluster, a KCE_* option from a Secret)', async () => {
  const extraEnv = [
    { name: 'NODE_OPTIONS', value: '--max-semi-space-size=8 --expose-gc' },
    { name: 'KCE_CLUSTER_ID', valueFrom: { configMapKeyRef: { name: 'cluster-facts', key: 'id' } } },
  ];
  const values = { aggregator: { extraEnv } };
  assert.deepEqual(schemaErrors(mergeValues(defaults, values) as Dict), []);
  assert.deepEqual(schemaErrors(mergeValues(defaults, { aggregator: { extraEnv: [{ value: 'x' }] } }) as Dict), ["/aggregator/extraEnv/0 must have required property 'name'"]);
  assert.deepEqual(schemaErrors(mergeValues(defaults, { aggregator: { extraEnv: [{ name: 'NODE OPTIONS', value: 'x' }] } }) as Dict), ['/aggregator/extraEnv/0/name must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"']);
  const chart = renderChart(CHART, { ...release, values });
  assert.deepEqual(await validateAll(chart.objects), []);
  type Env = { name: string; value?: string; valueFrom?: Dict };
  const envOf = (objects: readonly Dict[]): Env[] => (objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: { containers: { env: Env[] }[] } } } }).spec.template.spec.containers[0]!.env;
  const env = envOf(chart.objects);
  assert.deepEqual(env.slice(-2), extraEnv);
  // The defaults add nothing, and the chart never sets NODE_OPTIONS itself (it would replace the image's).
  const plain = envOf(renderChart(CHART, { ...release, values: {} }).objects);
  assert.deepEqual(plain, env.slice(0, -2));
  assert.ok(!plain.some((e) => e.name === 'NODE_OPTIONS'));
});

test('values the chart refuses fail with a message naming the value', () => {
  assert.throws(() => renderChart(CHART, { ...release, values: { aggregator: { replicas: 2 } } }), (e: Error) => e instanceof TemplateError && /aggregator\.replicas: must be 1/.test(e.message));
});

test('the template renderer is strict: unknown functions and missing values are errors, as in Helm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-chart-'));
  try {
    writeFileSync(join(dir, 'Chart.yaml'), 'name: t\nversion: 0.0.1\nappVersion: "1"\n');
    writeFileSync(join(dir, 'values.yaml'), 'a: {b: 1}\n');
    const render = (template: string): string => {
      rmSync(join(dir, 'templates'), { recursive: true, force: true });
      spawnSync('mkdir', [join(dir, 'templates')]);
      writeFileSync(join(dir, 'templates', 't.yaml'), template);
      return renderChart(dir, release).files.get('templates/t.yaml') ?? '';
    };
    assert.equal(render('x: {{ .Values.a.b }}\n{{- if .Values.a }}\ny: {{ .Values.a | toYaml | nindent 2 }}{{ end }}'), 'x: 1\ny: \n  b: 1');
    assert.throws(() => render('{{ .Values.missing.b }}'), /nil pointer evaluating \.b/);
    assert.throws(() => render('{{ lookup "v1" "Pod" "" "" }}'), /function "lookup" is not in the supported subset/);
    assert.throws(() => render('{{ .Values.a }}'), /printing a map/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
