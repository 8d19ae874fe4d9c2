// The node agent in the Helm chart (agent.enabled) and in deploy/kustomize/node-agent: valid
// objects, the same objects from both, the minimal host access, options the agent accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AGENT_OPTIONS, loadAgentConfig, parseAgentArgs } from '../src/agent/config.ts';
import { CHART_DIR, REPO_ROOT } from '../src/dashboards/generate.ts';
import { AGENT_NAME_VALUE, isAgentPod } from '../src/sources/agent/agent-usage.ts';
import { renderChart } from './deploy/helm-template.ts';
import { checkInstall, kustomize } from './deploy/install-checks.ts';
import { validateAll } from './deploy/k8s-schemas.ts';
import { hasBinary } from './helpers/prometheus.ts';

type Dict = Record<string, unknown>;
const CHART = join(REPO_ROOT, CHART_DIR);
const release = { releaseName: 'kube-cost-exporter', namespace: 'kube-cost' };
const noKubectl = hasBinary('kubectl') ? false : 'kubectl not installed (Debian package kubernetes-client; .ci/run installs it)';

const isAgentObject = (o: Dict): boolean => (o['metadata'] as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/component'] === 'node-agent';

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    hostPID?: boolean;
    hostNetwork?: boolean;
    hostIPC?: boolean;
    securityContext: Dict;
    volumes: { name: string; hostPath?: { path: string } }[];
    containers: { command?: string[]; args?: string[]; env: { name: string; value?: string }[]; securityContext: Dict & { capabilities?: { add?: string[]; drop?: string[] } }; volumeMounts: { name: string; readOnly?: boolean }[]; ports: { name: string; containerPort: number }[] }[];
  };
}
const daemonSet = (objects: readonly Dict[]): PodTemplate => (objects.find((o) => o['kind'] === 'DaemonSet') as { spec: { template: PodTemplate } }).spec.template;

function normalise(objects: readonly Dict[]): Dict[] {
  return objects
    .filter((o) => o['kind'] !== 'Namespace')
    .map((o) => {
      const copy = structuredClone(o) as { metadata: { labels?: Record<string, string> } };
      delete copy.metadata.labels?.['helm.sh/chart'];
      delete copy.metadata.labels?.['app.kubernetes.io/managed-by'];
      return copy as Dict;
    })
    .sort((a, b) => `${a['kind']}`.localeCompare(`${b['kind']}`));
}

test('helm with agent.enabled: valid objects, the minimal host access, an exporter install still correct', async () => {
  const chart = renderChart(CHART, { ...release, values: { agent: { enabled: true } } });
  assert.deepEqual(await validateAll(chart.objects), []);
  // The exporter's own objects are still a correct install; the agent's are apart.
  assert.deepEqual(checkInstall(chart.objects.filter((o) => !isAgentObject(o)), { dashboards: true }), []);
  assert.deepEqual(chart.objects.filter(isAgentObject).map((o) => o['kind']).sort(), ['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'NetworkPolicy', 'ServiceAccount']);

  const pod = daemonSet(chart.objects);
  const c = pod.spec.containers[0]!;
  assert.equal(pod.spec.hostPID, undefined);
  assert.equal(pod.spec.hostNetwork, undefined);
  assert.equal(pod.spec.hostIPC, undefined);
  assert.equal(c.securityContext['privileged'], false);
  assert.equal(c.securityContext['allowPrivilegeEscalation'], false);
  assert.equal(c.securityContext['readOnlyRootFilesystem'], true);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.equal(pod.spec.securityContext['runAsNonRoot'], true);
  assert.deepEqual(pod.spec.volumes.map((v) => v.hostPath?.path), ['/sys/fs/cgroup', '/proc']);
  assert.ok(c.volumeMounts.every((m) => m.readOnly === true), 'every host mount is read-only');

  // The exporter's Service does not select agent pods; the exporter finds them by their labels.
  const service = chart.objects.find((o) => o['kind'] === 'Service') as { spec: { selector: Record<string, string> } };
  assert.ok(!Object.entries(service.spec.selector).every(([k, v]) => pod.metadata.labels[k] === v), 'the exporter Service must not select agent pods');
  assert.equal(pod.metadata.labels['app.kubernetes.io/name'], AGENT_NAME_VALUE);
  assert.ok(isAgentPod({ labels: pod.metadata.labels } as never));

  // Every variable is an agent option, and the agent accepts the values (the fieldRef one aside).
  const env: Record<string, string> = {};
  for (const e of c.env) if (e.value !== undefined) env[e.name] = e.value;
  const known = new Set([...AGENT_OPTIONS.map((o) => o.env), 'NODE_OPTIONS', 'LD_PRELOAD']);
  // The image's jemalloc is for the exporter; the agent runs on the C library's malloc (decision 0029).
  assert.equal(env['LD_PRELOAD'], '', 'the agent unsets the image\'s LD_PRELOAD');
  assert.deepEqual(c.env.map((e) => e.name).filter((n) => !known.has(n)), []);
  const config = loadAgentConfig(parseAgentArgs([]), { ...env, KCE_NODE_NAME: 'node-1' });
  assert.equal(config.tokenReview, true);
  assert.deepEqual(config.allowServiceAccounts, ['kube-cost:kube-cost-exporter']);
  assert.equal(String(c.ports[0]!.containerPort), env['KCE_AGENT_PORT']);
  const exporterEnv = (chart.objects.find((o) => o['kind'] === 'Deployment') as { spec: { template: PodTemplate } }).spec.template.spec.containers[0]!.env;
  assert.equal(exporterEnv.find((e) => e.name === 'KCE_AGENT_PORT')?.value, env['KCE_AGENT_PORT']);

  // agent.v8Flags: the command is the image's ENTRYPOINT with the flags before the script, and
  // this Node accepts them (it refuses them in NODE_OPTIONS, which is why they are here).
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))![1]!) as string[];
  assert.deepEqual(c.command, [entrypoint[0], '--no-opt', '--no-maglev', ...entrypoint.slice(1)]);
  assert.deepEqual(c.args, ['agent']);
  const flags = c.command!.slice(1, -1);
  const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(7)'], { encoding: 'utf8' });
  assert.equal(run.status, 7, `node ${flags.join(' ')}: ${run.stderr}`);
  for (const flag of (env['NODE_OPTIONS'] ?? '').split(' ')) {
    const viaEnv = spawnSync(process.execPath, ['-e', 'process.exit(7)'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: flag } });
    assert.equal(viaEnv.status, 7, `NODE_OPTIONS=${flag}: ${viaEnv.stderr}`);
  }
  const without = daemonSet(renderChart(CHART, { ...release, values: { agent: { enabled: true, v8Flags: [] } } }).objects).spec.containers[0]!;
  assert.equal(without.command, undefined, 'agent.v8Flags=[]: the image ENTRYPOINT');

  const role = chart.objects.find((o) => o['kind'] === 'ClusterRole' && isAgentObject(o)) as { rules: unknown };
  assert.deepEqual(role.rules, [
    { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['list'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  ]);
});

test('helm: conntrack runs the agent as UID 0 and still adds no capability; GPU and service ranges reach the agent', async () => {
  const chart = renderChart(CHART, { ...release, values: { agent: { enabled: true, network: { conntrack: true, serviceCidrs: '10.96.0.0/12' }, gpu: { mode: 'dcgm', dcgmUrl: 'http://dcgm-exporter.gpu:9400/metrics' } } } });
  assert.deepEqual(await validateAll(chart.objects), []);
  const pod = daemonSet(chart.objects);
  assert.equal(pod.spec.securityContext['runAsUser'], 0);
  assert.deepEqual(pod.spec.containers[0]!.securityContext.capabilities, { drop: ['ALL'] });
  const env = Object.fromEntries(pod.spec.containers[0]!.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  const config = loadAgentConfig(parseAgentArgs([]), env);
  assert.deepEqual([config.conntrack, config.serviceCidrs, config.gpu, config.dcgmUrl], [true, ['10.96.0.0/12'], 'dcgm', 'http://dcgm-exporter.gpu:9400/metrics']);
});

test('kubectl kustomize deploy/kustomize/node-agent: valid, the same objects as the chart with agent.namespace=kube-cost-agent', { skip: noKubectl }, async () => {
  const objects = kustomize('node-agent');
  assert.deepEqual(await validateAll(objects), []);
  const ns = objects.find((o) => o['kind'] === 'Namespace') as { metadata: { name: string; labels: Record<string, string> } };
  assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'privileged');
  const chart = renderChart(CHART, { ...release, values: { agent: { enabled: true, namespace: 'kube-cost-agent' } } });
  assert.deepEqual(normalise(objects), normalise(chart.objects.filter(isAgentObject)));
});
