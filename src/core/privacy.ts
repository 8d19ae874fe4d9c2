// Privacy (pure): names replaced by stable hashes before anything is costed, so every output —
// metrics, API, CLI, UI, history — shows the same hashed names and none shows the real ones; and
// annotations outside an allow-list dropped, so they are never stored or exported. The hash
// function is a parameter (the edge passes a salted SHA-256): core imports nothing from Node.
import type { ClusterSnapshot, Labels, NamespaceInfo, OwnerRef, PersistentVolumeClaimInfo, PersistentVolumeInfo, PodInfo, ServiceInfo, UsageByPod } from './model.ts';
import { podKey } from './model.ts';

export type HashedName = 'pods' | 'namespaces' | 'labels';

export interface PrivacyOptions {
  /**
   * What to replace by hashes. `pods`: pod names and the names derived from workloads (owners,
   * workloads, claims, services); `namespaces`: namespace names everywhere; `labels`: label values
   * of pods, namespaces and service selectors (keys kept; `budget` values kept: they are amounts).
   */
  readonly hash: ReadonlySet<HashedName>;
  /** Annotation keys kept on pods and namespaces; `prefix/*` keeps a prefix; `*` keeps all. */
  readonly annotationAllowList: readonly string[];
  /** value → stable hash text, e.g. `h-` + 12 hex digits of a salted SHA-256. */
  readonly hashText: (value: string) => string;
}

/** Annotations kept when nothing is configured: budgets and ownership, nothing else. */
export const DEFAULT_ANNOTATION_ALLOW_LIST: readonly string[] = ['budget', 'cost-center', 'owner', 'team', 'kube-cost-exporter.io/*', 'cluster-autoscaler.kubernetes.io/*'];

/** Label keys whose values are never hashed (they are amounts the model reads). */
const CLEAR_LABEL_VALUES: ReadonlySet<string> = new Set(['budget']);

export function annotationFilter(allowList: readonly string[]): (key: string) => boolean {
  if (allowList.includes('*')) return () => true;
  const exact = new Set(allowList.filter((k) => !k.endsWith('*')));
  const prefixes = allowList.filter((k) => k.endsWith('*')).map((k) => k.slice(0, -1));
  return (key) => exact.has(key) || prefixes.some((p) => key.startsWith(p));
}

/** Returns a transformer of snapshots (and of single pods, for finished pods) for these options. */
export function privacy(options: PrivacyOptions) {
  const { hash, hashText } = options;
  const keepAnnotation = annotationFilter(options.annotationAllowList);
  const hashPods = hash.has('pods');
  const hashNamespaces = hash.has('namespaces');
  const hashLabels = hash.has('labels');
  const names = new Map<string, string>();
  const h = (value: string): string => {
    if (value === '') return value;
    let out = names.get(value);
    if (out === undefined) {
      out = hashText(value);
      if (names.size > 200_000) names.clear();
      names.set(value, out);
    }
    return out;
  };
  const ns = hashNamespaces ? h : (v: string) => v;
  const name = hashPods ? h : (v: string) => v;
  // Label and annotation maps are shared between objects by the sources: transform each once.
  const labelCache = new WeakMap<Labels, Labels>();
  const annotationCache = new WeakMap<Labels, Labels>();
  const labels = (l: Labels): Labels => {
    if (!hashLabels) return l;
    let out = labelCache.get(l);
    if (out === undefined) {
      const next: Record<string, string> = {};
      for (const k in l) next[k] = CLEAR_LABEL_VALUES.has(k) ? l[k]! : h(l[k]!);
      out = next;
      labelCache.set(l, out);
    }
    return out;
  };
  const annotations = (a: Labels): Labels => {
    let out = annotationCache.get(a);
    if (out === undefined) {
      let dropped = false;
      const next: Record<string, string> = {};
      for (const k in a) {
        if (keepAnnotation(k)) next[k] = hashLabels && !CLEAR_LABEL_VALUES.has(k) ? h(a[k]!) : a[k]!;
        else dropped = true;
      }
      out = dropped || hashLabels ? next : a;
      annotationCache.set(a, out);
    }
    return out;
  };
  const owner = (o: OwnerRef | undefined): OwnerRef | undefined => (o === undefined || !hashPods ? o : { kind: o.kind, name: h(o.name) });
  const identity = !hashPods && !hashNamespaces && !hashLabels;

  // Sources hand the same pod object to every read until the pod changes: transform each once, so a
  // cycle costs a look-up per pod rather than a new object.
  const podCache = new WeakMap<PodInfo, PodInfo>();
  const pod = (p: PodInfo): PodInfo => {
    let out = podCache.get(p);
    if (out === undefined) {
      out = transformPod(p);
      podCache.set(p, out);
    }
    return out;
  };
  const transformPod = (p: PodInfo): PodInfo => {
    const a = annotations(p.annotations);
    if (identity && a === p.annotations) return p;
    const out: PodInfo = {
      ...p,
      namespace: ns(p.namespace),
      name: name(p.name),
      labels: labels(p.labels),
      annotations: a,
      claimNames: hashPods ? p.claimNames.map(h) : p.claimNames,
    };
    const o = owner(p.owner);
    const w = owner(p.workload);
    if (o === undefined) delete (out as { owner?: OwnerRef }).owner;
    else (out as { owner?: OwnerRef }).owner = o;
    if (w === undefined) delete (out as { workload?: OwnerRef }).workload;
    else (out as { workload?: OwnerRef }).workload = w;
    return out;
  };

  const namespace = (n: NamespaceInfo): NamespaceInfo => {
    const a = annotations(n.annotations);
    if (identity && a === n.annotations) return n;
    return { name: ns(n.name), labels: labels(n.labels), annotations: a };
  };

  const claim = (c: PersistentVolumeClaimInfo): PersistentVolumeClaimInfo => (identity ? c : { ...c, namespace: ns(c.namespace), name: name(c.name) });

  const volume = (v: PersistentVolumeInfo): PersistentVolumeInfo => {
    if (identity || v.claim === undefined) return v;
    return { ...v, claim: { namespace: ns(v.claim.namespace), name: name(v.claim.name) } };
  };

  const service = (s: ServiceInfo): ServiceInfo => (identity ? s : { ...s, namespace: ns(s.namespace), name: name(s.name), selector: labels(s.selector) });

  const usage = (u: UsageByPod | undefined): UsageByPod | undefined => {
    if (u === undefined || (!hashPods && !hashNamespaces)) return u;
    const out = new Map<string, ReturnType<UsageByPod['get']> & {}>();
    for (const [key, containers] of u) {
      const slash = key.indexOf('/');
      out.set(podKey(ns(key.slice(0, slash)), name(key.slice(slash + 1))), containers);
    }
    return out;
  };

  return {
    pod,
    snapshot(s: ClusterSnapshot): ClusterSnapshot {
      const out: ClusterSnapshot = {
        ...s,
        pods: s.pods.map(pod),
        namespaces: s.namespaces.map(namespace),
        persistentVolumeClaims: s.persistentVolumeClaims.map(claim),
        persistentVolumes: s.persistentVolumes.map(volume),
        services: s.services.map(service),
      };
      const u = usage(s.usage);
      if (u !== undefined) (out as { usage?: UsageByPod }).usage = u;
      return out;
    },
  };
}
