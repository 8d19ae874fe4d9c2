// What the node agent may ask the API server — the Helm chart's and deploy/kustomize/node-agent's
// ClusterRole grant exactly this (test/agent-rbac.test.ts checks both, and that the agent works
// under it): its node's pods (names, IPs, container IDs), the nodes (zones and pod CIDRs), and
// reviews of its callers' tokens.
import type { PolicyRule } from '../sources/kube/rbac.ts';

export const AGENT_CLUSTER_ROLE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['list'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
];
