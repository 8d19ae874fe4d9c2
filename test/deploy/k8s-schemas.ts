// Validates rendered manifests against the Kubernetes and prometheus-operator JSON schemas of the
// kubernetes-models packages, strictly: the schemas do not forbid unknown fields, so the data is
// wrapped in a Proxy that records every field the validator reads, and a field it never read
// (a typo such as `securityContex`) is reported as unknown.

type Dict = Record<string, unknown>;

interface AjvError {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}
type ValidateFunction = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const KUBERNETES = 'kubernetes-models/_schemas/';
const OPERATOR = '@kubernetes-models/prometheus-operator/_schemas/ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1';

/** apiVersion/kind → the schema module of its type. */
const SCHEMAS: Readonly<Record<string, string>> = {
  'v1/Namespace': `${KUBERNETES}IoK8sApiCoreV1Namespace`,
  'v1/ServiceAccount': `${KUBERNETES}IoK8sApiCoreV1ServiceAccount`,
  'v1/Service': `${KUBERNETES}IoK8sApiCoreV1Service`,
  'v1/ConfigMap': `${KUBERNETES}IoK8sApiCoreV1ConfigMap`,
  'v1/PersistentVolumeClaim': `${KUBERNETES}IoK8sApiCoreV1PersistentVolumeClaim`,
  'apps/v1/Deployment': `${KUBERNETES}IoK8sApiAppsV1Deployment`,
  'apps/v1/DaemonSet': `${KUBERNETES}IoK8sApiAppsV1DaemonSet`,
  'rbac.authorization.k8s.io/v1/ClusterRole': `${KUBERNETES}IoK8sApiRbacV1ClusterRole`,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': `${KUBERNETES}IoK8sApiRbacV1ClusterRoleBinding`,
  'policy/v1/PodDisruptionBudget': `${KUBERNETES}IoK8sApiPolicyV1PodDisruptionBudget`,
  'networking.k8s.io/v1/NetworkPolicy': `${KUBERNETES}IoK8sApiNetworkingV1NetworkPolicy`,
  'monitoring.coreos.com/v1/ServiceMonitor': `${OPERATOR}ServiceMonitor`,
  'monitoring.coreos.com/v1/PrometheusRule': `${OPERATOR}PrometheusRule`,
};

const cache = new Map<string, ValidateFunction>();

async function load(module: string): Promise<ValidateFunction> {
  let fn = cache.get(module);
  if (!fn) {
    // The operator package does not export its schemas: import the file itself.
    const url = module.startsWith(KUBERNETES) ? module : new URL(`./_schemas/${module.slice(module.lastIndexOf('/') + 1)}.js`, import.meta.resolve('@kubernetes-models/prometheus-operator')).href;
    fn = ((await import(url)) as { validate: ValidateFunction }).validate;
    cache.set(module, fn);
  }
  return fn;
}

/** Wraps `value` so that reading a field marks it as known to the schema. */
function tracked(value: unknown, path: string, read: Set<string>, present: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const isArray = Array.isArray(value);
  if (!isArray) for (const k of Object.keys(value)) present.add(`${path}/${k}`);
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string' || !Object.hasOwn(target, key)) return v;
      if (isArray) return tracked(v, `${path}/${key}`, read, present);
      read.add(`${path}/${key}`);
      return tracked(v, `${path}/${key}`, read, present);
    },
  });
}

/** Problems with one object: schema violations and unknown fields, each naming the object and path. */
export async function validateObject(obj: Dict): Promise<string[]> {
  const meta = obj['metadata'] as { name?: string } | undefined;
  const name = `${obj['kind']}/${meta?.name ?? '?'}`;
  const module = SCHEMAS[`${obj['apiVersion']}/${obj['kind']}`];
  if (!module) return [`${name}: no schema for ${obj['apiVersion']} ${obj['kind']}`];
  const validate = await load(module);
  const read = new Set<string>();
  const present = new Set<string>();
  const ok = validate(tracked(obj, '', read, present));
  const problems = ok ? [] : (validate.errors ?? []).map((e) => `${name}: ${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  // Array indices are normalised away so that a field read in one element counts for all.
  const normalise = (p: string): string => p.replace(/\/\d+(?=\/|$)/g, '/*');
  const known = new Set([...read].map(normalise));
  for (const p of present) if (!known.has(normalise(p))) problems.push(`${name}: unknown field ${p}`);
  return problems;
}

export async function validateAll(objects: readonly Dict[]): Promise<string[]> {
  return (await Promise.all(objects.map((o) => validateObject(o)))).flat();
}
