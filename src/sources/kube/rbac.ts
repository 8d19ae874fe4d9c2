// The least privilege the collector needs, as data: read-only verbs on the resources it lists and
// watches (resources.ts), list on pod and node metrics, and nothing else: no secrets, no configmaps, no
// writes, no subresources. deploy/ (kustomize and Helm) must grant exactly these rules; the RBAC test
// checks the collector's recorded API calls against them, and them against deploy/.
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** The ClusterRole's rules, one rule per API group, names sorted (as they appear in deploy/). */
export const CLUSTER_ROLE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['nodes', 'pods'], verbs: ['get', 'list'] },
];

/** Non-resource URLs the collector reads: the startup probe. Every authenticated user may
 * (the built-in `system:public-info-viewer` ClusterRole), so the ClusterRole need not grant it. */
export const NON_RESOURCE_URLS: readonly string[] = ['/version'];

/** One API call as the API server's authorizer sees it. */
export interface ApiCall {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly nonResourceURL?: string;
}

/** Whether `rules` allow `call` (RBAC semantics, without wildcards: we never write any). */
export function allows(rules: readonly PolicyRule[], call: ApiCall): boolean {
  if (call.nonResourceURL !== undefined) return NON_RESOURCE_URLS.includes(call.nonResourceURL);
  const resource = call.subresource === '' ? call.resource : `${call.resource}/${call.subresource}`;
  return rules.some((r) => r.apiGroups.includes(call.apiGroup) && r.resources.includes(resource) && r.verbs.includes(call.verb));
}

/** Normalizes rules for comparison: one entry per (group, resource), verbs sorted. */
export function ruleSet(rules: readonly PolicyRule[]): Map<string, string> {
  const out = new Map<string, Set<string>>();
  for (const r of rules) {
    for (const g of r.apiGroups) {
      for (const res of r.resources) {
        const key = `${g === '' ? 'core' : g}/${res}`;
        const verbs = out.get(key) ?? new Set<string>();
        for (const v of r.verbs) verbs.add(v);
        out.set(key, verbs);
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort().join(',')]));
}
