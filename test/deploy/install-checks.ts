// What a correct install of kube-cost-exporter looks like, whichever tool rendered it (kustomize or
// the Helm chart): the restricted pod security settings, probes on the exporter's endpoints,
// selectors that select the pod, ports that exist, exactly the collector's read-only ClusterRole, and
// packaged dashboards and rules identical to the sources in deploy/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { dashboards } from '../../src/dashboards/index.ts';
import { REPO_ROOT, RULES_FILE } from '../../src/dashboards/generate.ts';
import type { PolicyRule } from '../../src/sources/kube/rbac.ts';
import { CLUSTER_ROLE_RULES, ruleSet } from '../../src/sources/kube/rbac.ts';

type Dict = Record<string, unknown>;

export const KUSTOMIZE = join(REPO_ROOT, 'deploy/kustomize');

/** Objects of `kubectl kustomize deploy/kustomize/<dir>`. */
export function kustomize(dir: string): Dict[] {
  const text = execFileSync('kubectl', ['kustomize', join(KUSTOMIZE, dir)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Dict);
}


const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v === undefined || v === null ? undefined : (v as Dict)[k]), o);

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export interface InstallExpectations {
  readonly serviceMonitor?: boolean;
  readonly rules?: boolean;
  readonly dashboards?: boolean;
  readonly storage?: boolean;
}

/** The kustomize base and overlays, and what each must install besides the base. */
export const KUSTOMIZE_LAYOUTS: Readonly<Record<string, InstallExpectations>> = {
  base: {},
  'overlays/demo': { serviceMonitor: true, rules: true, dashboards: true },
  'overlays/production-aws': { serviceMonitor: true, rules: true, dashboards: true, storage: true },
  'overlays/many-clusters': { serviceMonitor: true },
};

/** Problems found in a rendered install, each naming the object and what is wrong. */
export function checkInstall(objects: readonly Dict[], expect: InstallExpectations = {}): string[] {
  const problems: string[] = [];
  const of = (kind: string): Dict[] => objects.filter((o) => o['kind'] === kind);
  const one = (kind: string): Dict | undefined => {
    const list = of(kind);
    if (list.length !== 1) problems.push(`expected one ${kind}, found ${list.length}`);
    return list[0];
  };

  const deployment = one('Deployment');
  const podLabels = get(deployment, 'spec.template.metadata.labels') as Record<string, string> | undefined;
  const podSpec = get(deployment, 'spec.template.spec') as Dict | undefined;
  const container = (podSpec?.['containers'] as Dict[] | undefined)?.[0];
  if (deployment) {
    if (get(deployment, 'spec.replicas') !== 1) problems.push('Deployment: replicas must be 1 (docs/decisions/0004)');
    if (!matches(get(deployment, 'spec.selector.matchLabels') as Record<string, string>, podLabels)) problems.push('Deployment: selector does not select its pod template');
    const podSecurity = podSpec?.['securityContext'] as Dict | undefined;
    if (podSecurity?.['runAsNonRoot'] !== true) problems.push('Deployment: pod securityContext.runAsNonRoot must be true');
    if (get(podSecurity, 'seccompProfile.type') !== 'RuntimeDefault') problems.push('Deployment: pod seccompProfile must be RuntimeDefault');
    const sc = container?.['securityContext'] as Dict | undefined;
    if (sc?.['allowPrivilegeEscalation'] !== false) problems.push('Deployment: allowPrivilegeEscalation must be false');
    if (sc?.['readOnlyRootFilesystem'] !== true) problems.push('Deployment: readOnlyRootFilesystem must be true');
    if (JSON.stringify(get(sc, 'capabilities.drop')) !== '["ALL"]') problems.push('Deployment: capabilities must drop ALL');
    if (get(sc, 'seccompProfile.type') !== 'RuntimeDefault') problems.push('Deployment: container seccompProfile must be RuntimeDefault');
    if (get(container, 'livenessProbe.httpGet.path') !== '/healthz') problems.push('Deployment: liveness probe must be /healthz');
    if (get(container, 'readinessProbe.httpGet.path') !== '/readyz') problems.push('Deployment: readiness probe must be /readyz');
    if (get(container, 'startupProbe.httpGet.path') !== '/healthz') problems.push('Deployment: startup probe must be /healthz');
    if (!get(container, 'resources.requests.memory') || !get(container, 'resources.limits.memory')) problems.push('Deployment: memory request and limit');
    const ports = (container?.['ports'] as { name: string; containerPort: number }[] | undefined) ?? [];
    const env = new Map(((container?.['env'] as { name: string; value: string }[] | undefined) ?? []).map((e) => [e.name, e.value]));
    const metricsPort = ports.find((p) => p.name === 'metrics');
    if (!metricsPort || String(metricsPort.containerPort) !== env.get('KCE_PORT')) problems.push('Deployment: container port "metrics" must equal KCE_PORT');
    for (const name of env.keys()) if (!name.startsWith('KCE_')) problems.push(`Deployment: unexpected env ${name}`);
    const mounts = new Set(((container?.['volumeMounts'] as { name: string }[] | undefined) ?? []).map((m) => m.name));
    const volumes = new Set(((podSpec?.['volumes'] as { name: string }[] | undefined) ?? []).map((v) => v.name));
    for (const m of mounts) if (!volumes.has(m)) problems.push(`Deployment: volumeMount ${m} has no volume`);
    if (!mounts.has('tmp')) problems.push('Deployment: a writable /tmp (emptyDir) is mounted');
    if (expect.storage) {
      if (!mounts.has('data')) problems.push('Deployment: storage enabled but no data volume mounted');
      if (get(deployment, 'spec.strategy.type') !== 'Recreate') problems.push('Deployment: with a ReadWriteOnce volume the strategy must be Recreate');
      const claim = ((podSpec?.['volumes'] as Dict[] | undefined) ?? []).find((v) => v['name'] === 'data');
      const pvc = one('PersistentVolumeClaim');
      if (pvc && get(claim, 'persistentVolumeClaim.claimName') !== get(pvc, 'metadata.name')) problems.push('Deployment: data volume does not name the PersistentVolumeClaim');
    } else if (of('PersistentVolumeClaim').length > 0) problems.push('PersistentVolumeClaim without storage enabled');
  }

  const sa = one('ServiceAccount');
  if (podSpec && sa && podSpec['serviceAccountName'] !== get(sa, 'metadata.name')) problems.push('Deployment: serviceAccountName is not the ServiceAccount');
  const role = one('ClusterRole');
  if (role && !isDeepStrictEqual(ruleSet(role['rules'] as PolicyRule[]), ruleSet(CLUSTER_ROLE_RULES))) {
    problems.push(`ClusterRole: rules differ from what the collector needs (src/sources/kube/rbac.ts): ${JSON.stringify(role['rules'])}`);
  }
  const binding = one('ClusterRoleBinding');
  if (binding) {
    if (get(binding, 'roleRef.name') !== get(role, 'metadata.name')) problems.push('ClusterRoleBinding: roleRef is not the ClusterRole');
    const subject = (binding['subjects'] as Dict[])[0];
    if (subject?.['name'] !== get(sa, 'metadata.name') || subject?.['namespace'] !== get(sa, 'metadata.namespace')) problems.push('ClusterRoleBinding: subject is not the ServiceAccount');
  }

  const service = one('Service');
  if (service) {
    if (!matches(get(service, 'spec.selector') as Record<string, string>, podLabels)) problems.push('Service: selector does not select the pod');
    const port = (get(service, 'spec.ports') as Dict[])[0];
    if (port?.['targetPort'] !== 'metrics') problems.push('Service: targetPort must be the "metrics" container port');
  }
  const pdb = one('PodDisruptionBudget');
  if (pdb && !matches(get(pdb, 'spec.selector.matchLabels') as Record<string, string>, podLabels)) problems.push('PodDisruptionBudget: selector does not select the pod');
  const policy = one('NetworkPolicy');
  if (policy && !matches(get(policy, 'spec.podSelector.matchLabels') as Record<string, string>, podLabels)) problems.push('NetworkPolicy: podSelector does not select the pod');

  const monitors = of('ServiceMonitor');
  if (Boolean(expect.serviceMonitor) !== monitors.length > 0) problems.push(`ServiceMonitor: expected ${expect.serviceMonitor ? 'one' : 'none'}`);
  for (const sm of monitors) {
    if (!matches(get(sm, 'spec.selector.matchLabels') as Record<string, string>, get(service, 'metadata.labels') as Record<string, string>)) problems.push('ServiceMonitor: selector does not select the Service');
    const endpoint = (get(sm, 'spec.endpoints') as Dict[])[0];
    if (endpoint?.['port'] !== get(service, 'spec.ports.0.name')) problems.push('ServiceMonitor: port is not the Service port name');
    if (endpoint?.['honorLabels'] !== true) problems.push('ServiceMonitor: honorLabels must be true (the exporter\'s namespace/pod/node labels)');
  }

  const rules = of('PrometheusRule');
  if (Boolean(expect.rules) !== rules.length > 0) problems.push(`PrometheusRule: expected ${expect.rules ? 'one' : 'none'}`);
  const source = parse(readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8')) as unknown;
  for (const r of rules) if (!isDeepStrictEqual(r['spec'], source)) problems.push(`PrometheusRule: spec differs from ${RULES_FILE}`);

  const dashboardMaps = of('ConfigMap').filter((c) => get(c, 'metadata.labels.grafana_dashboard') === '1');
  const expected = dashboards().map((d) => d.file);
  if (expect.dashboards) {
    const files = dashboardMaps.flatMap((c) => Object.keys((c['data'] as Dict | undefined) ?? {})).sort();
    if (JSON.stringify(files) !== JSON.stringify([...expected].sort())) problems.push(`dashboard ConfigMaps hold ${files.join(', ')}, expected ${expected.join(', ')}`);
    for (const c of dashboardMaps) {
      for (const [file, content] of Object.entries(c['data'] as Record<string, string>)) {
        if (content !== readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards', file), 'utf8')) problems.push(`ConfigMap ${get(c, 'metadata.name')}: ${file} differs from deploy/grafana/dashboards/${file}`);
      }
    }
  } else if (dashboardMaps.length > 0) problems.push('dashboard ConfigMaps present but not expected');
  return problems;
}
