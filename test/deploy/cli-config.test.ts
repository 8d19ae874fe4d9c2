// The manifests and the command agree: the container args and environment that `kubectl kustomize`
// and the Helm chart render are parsed by the CLI's own configuration parser (src/cli/config.ts),
// so an option the CLI refuses — or a KCE_* variable it does not know, which it would silently
// ignore — fails here, not in a cluster. With `--source kube` and no kubeconfig, the pod's service
// account is what the exporter connects with; the custom pricing the chart mounts is parsed by the
// CLI's pricing parser.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { ServeConfig } from '../../src/cli/config.ts';
import { loadServeConfig, parseArgs, SERVE_OPTIONS } from '../../src/cli/config.ts';
import { CHART_DIR, REPO_ROOT } from '../../src/dashboards/generate.ts';
import { parseCustomPricing } from '../../src/pricing/custom.ts';
import { locateKubeConfig, SERVICE_ACCOUNT_DIR } from '../../src/sources/kube/kubeconfig.ts';
import { hasBinary } from '../helpers/prometheus.ts';
import { renderChart } from './helm-template.ts';
import { KUSTOMIZE_LAYOUTS, kustomize } from './install-checks.ts';

type Dict = Record<string, unknown>;
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
}

const skip = hasBinary('kubectl') ? false : 'kubectl not installed (Debian package kubernetes-client; .ci/run installs it)';
const CHART = join(REPO_ROOT, CHART_DIR);
const KNOWN_ENV = new Set(SERVE_OPTIONS.map((o) => o.env));

function exporterPod(objects: readonly Dict[]): { pod: PodSpec; container: Container; serviceAccount: Dict | undefined } {
  const deployment = objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: { spec: PodSpec } } } | undefined;
  assert.ok(deployment, 'a Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.name === 'exporter');
  assert.ok(container, 'an exporter container');
  const serviceAccount = objects.find((o) => o['kind'] === 'ServiceAccount' && (o['metadata'] as { name: string }).name === pod.serviceAccountName);
  return { pod, container, serviceAccount };
}

/** What the CLI makes of the container: ConfigError (with the option named) if it refuses anything. */
function cliConfig(container: Container): ServeConfig {
  // The image's ENTRYPOINT is the command; `command` would replace it, and nothing should.
  assert.equal(container.command, undefined, 'the image ENTRYPOINT runs the exporter');
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (!e.name.startsWith('KCE_')) continue;
    assert.ok(KNOWN_ENV.has(e.name), `${e.name} is not an option of the CLI (known: ${[...KNOWN_ENV].join(', ')}); it would be ignored`);
    if (e.name === 'KCE_STORE' && e.value === undefined) {
      // The shared database's URL from a Secret (components/postgres-history): what the kubelet would put there.
      assert.deepEqual(e.valueFrom, { secretKeyRef: { name: 'kube-cost-exporter-history', key: 'url' } });
      env[e.name] = 'postgres://kce@pg.example.internal:5432/costs';
      continue;
    }
    assert.ok(e.value !== undefined, `${e.name} has a literal value`);
    env[e.name] = e.value;
  }
  return loadServeConfig(parseArgs(container.args ?? []), env);
}

/** In a pod with this spec, the exporter connects with the service account (kubectl's order). */
function connectsInCluster(config: ServeConfig, pod: PodSpec, serviceAccount: Dict | undefined): void {
  assert.equal(config.kubeconfigPath, undefined, 'no --kubeconfig in a pod');
  assert.equal(config.context, undefined);
  assert.notEqual(pod.automountServiceAccountToken, false, 'the pod mounts its service account token');
  assert.notEqual(serviceAccount?.['automountServiceAccountToken'], false, 'the service account token is mounted');
  const origin = locateKubeConfig({
    env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
    homeDir: '/nonexistent',
    fileExists: (p) => p === join(SERVICE_ACCOUNT_DIR, 'token'),
  });
  assert.deepEqual(origin, { kind: 'in-cluster', server: 'https://10.96.0.1:443' });
}

for (const layout of Object.keys(KUSTOMIZE_LAYOUTS)) {
  test(`kubectl kustomize ${layout}: the exporter's args and environment are accepted by the CLI`, { skip }, () => {
    const { pod, container, serviceAccount } = exporterPod(kustomize(layout));
    const config = cliConfig(container);
    if (layout === 'overlays/demo') {
      assert.equal(config.source, 'demo');
      return;
    }
    assert.equal(config.source, 'kube');
    connectsInCluster(config, pod, serviceAccount);
  });
}

test('helm template: the exporter\'s args and environment are accepted by the CLI, and the mounted pricing by its parser', () => {
  const release = { releaseName: 'kube-cost-exporter', namespace: 'kube-cost' };
  const defaults = exporterPod(renderChart(CHART, release).objects);
  const config = cliConfig(defaults.container);
  assert.equal(config.source, 'kube');
  assert.equal(config.pricingFile, undefined);
  connectsInCluster(config, defaults.pod, defaults.serviceAccount);

  const custom = 'cpuCoreHourUsd: 0.03\nramGiBHourUsd: 0.004\nstorageGibMonthUsd:\n  ceph-rbd: 0.05\n';
  const chart = renderChart(CHART, { ...release, values: { pricing: { custom }, clusterId: 'onprem-1', cloudProvider: 'custom', metrics: { interval: '30s' } } });
  const { pod, container } = exporterPod(chart.objects);
  const withPricing = cliConfig(container);
  assert.equal(withPricing.clusterId, 'onprem-1');
  assert.equal(withPricing.cloudProvider, 'custom');
  assert.equal(withPricing.intervalMs, 30_000);
  assert.ok(withPricing.pricingFile, 'KCE_PRICING is set');
  // The file is the ConfigMap's key, mounted where KCE_PRICING points.
  const mount = container.volumeMounts?.find((m) => withPricing.pricingFile!.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `a volume is mounted at the directory of ${withPricing.pricingFile}`);
  const volume = pod.volumes?.find((v) => v.name === mount.name);
  const configMap = chart.objects.find((o) => o['kind'] === 'ConfigMap' && (o['metadata'] as { name: string }).name === volume?.configMap?.name) as { data: Record<string, string> } | undefined;
  assert.ok(configMap, 'the pricing ConfigMap');
  const text = configMap.data[withPricing.pricingFile.slice(mount.mountPath.length + 1)];
  assert.ok(text !== undefined, 'the ConfigMap has the file KCE_PRICING names');
  assert.deepEqual(parse(text), parse(custom));
  assert.doesNotThrow(() => parseCustomPricing(text, withPricing.pricingFile!));
});

test('helm template with every security and privacy value: the CLI accepts the environment, each named file is in a mounted Secret, probes use HTTPS', () => {
  const release = { releaseName: 'kce', namespace: 'kube-cost' };
  const values = {
    security: {
      authToken: { existingSecret: 'kce-token', key: 'token' },
      basicAuth: { existingSecret: 'kce-users', key: 'htpasswd' },
      kubernetesAuth: true,
      allowCidrs: ['10.0.0.0/8', 'fd00::/8'],
      tls: { existingSecret: 'kce-tls', clientCaSecret: 'kce-client-ca' },
      rateLimit: 50,
      accessLog: 'all',
    },
    privacy: { hashNames: 'pods,namespaces', saltSecret: 'kce-salt', annotationAllowlist: ['budget', 'example.com/*'] },
    shutdownTimeout: '40s',
    terminationGracePeriodSeconds: 45,
  };
  const chart = renderChart(CHART, { ...release, values });
  const { pod, container, serviceAccount } = exporterPod(chart.objects);
  const config = cliConfig(container);
  connectsInCluster(config, pod, serviceAccount);
  assert.equal(config.authKubernetes, true);
  assert.deepEqual(config.allowCidrs, ['10.0.0.0/8', 'fd00::/8']);
  assert.equal(config.rateLimitPerSecond, 50);
  assert.equal(config.accessLog, 'all');
  assert.deepEqual([...config.hashNames], ['pods', 'namespaces']);
  assert.deepEqual(config.annotationAllowList, ['budget', 'example.com/*']);
  assert.equal(config.shutdownTimeoutMs, 40_000);
  assert.equal((pod as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds, 45);
  assert.ok(config.shutdownTimeoutMs / 1000 < 45, 'the shutdown timeout fits in the grace period');
  // Every file an option names sits in a volume mounted from the Secret the values name.
  const files: [string | undefined, string, string][] = [
    [config.authTokenFile, 'kce-token', 'token'],
    [config.basicAuthFile, 'kce-users', 'htpasswd'],
    [config.tls?.certFile, 'kce-tls', 'tls.crt'],
    [config.tls?.keyFile, 'kce-tls', 'tls.key'],
    [config.tls?.clientCaFile, 'kce-client-ca', 'ca.crt'],
    [config.hashSaltFile, 'kce-salt', 'salt'],
  ];
  for (const [file, secret, key] of files) {
    assert.ok(file, `${secret} is used`);
    const mount = container.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `a volume is mounted at the directory of ${file}`);
    assert.equal(file.slice(mount.mountPath.length + 1), key);
    const volume = (pod.volumes as { name: string; secret?: { secretName: string } }[] | undefined)?.find((v) => v.name === mount.name);
    assert.equal(volume?.secret?.secretName, secret, file);
  }
  // The data directory is a writable volume (the root filesystem is read-only).
  const data = container.volumeMounts?.find((m) => m.mountPath === config.history.dataDir);
  assert.ok(data, `KCE_DATA_DIR ${config.history.dataDir} is a mounted volume`);
  const probes = container as unknown as Record<string, { httpGet: { scheme?: string } }>;
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) assert.equal(probes[probe]?.httpGet.scheme, 'HTTPS', probe);
  const delegator = chart.objects.find((o) => o['kind'] === 'ClusterRoleBinding' && (o['roleRef'] as { name: string }).name === 'system:auth-delegator') as { subjects: { name: string; namespace: string }[] } | undefined;
  assert.ok(delegator, 'system:auth-delegator bound for TokenReview and SubjectAccessReview');
  assert.deepEqual(delegator.subjects.map((s) => `${s.namespace}/${s.name}`), [`kube-cost/${pod.serviceAccountName}`]);

  for (const [bad, message] of [
    [{ security: { tls: { clientCaSecret: 'ca' } } }, /security\.tls\.clientCaSecret: mutual TLS needs security\.tls\.existingSecret/],
    [{ privacy: { saltSecret: 'salt' } }, /privacy\.saltSecret: needs privacy\.hashNames/],
  ] as const) {
    assert.throws(() => renderChart(CHART, { ...release, values: bad }), (e: Error) => message.test(e.message), JSON.stringify(bad));
  }
});

test('helm template defaults: the history lives on a writable emptyDir at KCE_DATA_DIR with a shorter retention; with storage.enabled, on the claim with the defaults', () => {
  const release = { releaseName: 'kube-cost-exporter', namespace: 'kube-cost' };
  for (const storage of [false, true]) {
    const { pod, container } = exporterPod(renderChart(CHART, { ...release, values: { storage: { enabled: storage } } }).objects);
    const config = cliConfig(container);
    const mount = container.volumeMounts?.find((m) => m.mountPath === config.history.dataDir);
    assert.ok(mount, 'KCE_DATA_DIR is mounted');
    const volume = (pod.volumes as { name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown }[] | undefined)?.find((v) => v.name === mount.name);
    assert.ok(storage ? volume?.persistentVolumeClaim : volume?.emptyDir, JSON.stringify(volume));
    // Without a volume, a shorter retention so history fits the emptyDir; on a volume, the defaults.
    assert.deepEqual(
      [config.history.retention.rawMs / 86_400_000, config.history.retention.hourlyMs / 86_400_000],
      storage ? [15, 90] : [1, 30],
    );
  }
});

test('helm template for many clusters: KCE_STORE from the Secret (no emptyDir retention on the shared database), KCE_HUB; the CLI accepts them', () => {
  const release = { releaseName: 'kube-cost-exporter', namespace: 'kube-cost' };
  const values = { clusterId: 'east', hub: true, storage: { postgres: { existingSecret: 'kce-history', key: 'dsn' } } };
  const { container } = exporterPod(renderChart(CHART, { ...release, values }).objects);
  const store = container.env?.find((e) => e.name === 'KCE_STORE');
  assert.deepEqual(store?.valueFrom, { secretKeyRef: { name: 'kce-history', key: 'dsn' } });
  // What the kubelet would put there: the Secret's URL.
  const env: Record<string, string> = { KCE_STORE: 'postgres://kce@pg.example.internal:5432/costs' };
  for (const e of container.env ?? []) if (e.name.startsWith('KCE_') && e.name !== 'KCE_STORE') env[e.name] = e.value ?? '';
  const config = loadServeConfig(parseArgs(container.args ?? []), env);
  assert.deepEqual([config.hub, config.clusterId, config.history.store, config.history.url], [true, 'east', 'postgres', 'postgres://kce@pg.example.internal:5432/costs']);
  // The retention of the shared database is the default, not the emptyDir's shorter one.
  assert.deepEqual([config.history.retention.rawMs / 86_400_000, config.history.retention.hourlyMs / 86_400_000], [15, 90]);
  const defaults = exporterPod(renderChart(CHART, release).objects).container;
  assert.deepEqual(defaults.env?.filter((e) => e.name === 'KCE_STORE' || e.name === 'KCE_HUB'), [], 'neither by default');
});
