// autoscaling/v2 HorizontalPodAutoscaler and policy/v1 PodDisruptionBudget objects → the values
// the advice reads (core/advice/policies.ts). Shared by the kube source (one object per event)
// and the snapshot source (`kubectl get hpa,pdb -A -o json` items). docs/advice.md.
import type { IntOrPercent, LabelSelector, PdbPolicy } from '../core/advice/policies.ts';
import type { HpaTarget, SizedResource } from '../core/advice/rightsizing.ts';
import { InvalidObjectError, shown } from '../core/errors.ts';
import type { JsonObject } from './json.ts';
import { isJsonObject } from './json.ts';

const str = (o: unknown, key: string): string | undefined => {
  const v = isJsonObject(o) ? o[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function meta(obj: JsonObject, kind: string, origin: string): { namespace: string; name: string } {
  const name = str(obj['metadata'], 'name');
  if (name === undefined) throw new InvalidObjectError(origin, `${kind}.metadata.name`, shown(obj['metadata'] ?? null), 'missing name');
  return { namespace: str(obj['metadata'], 'namespace') ?? 'default', name };
}

/**
 * The workload an HPA scales and the resources it scales on: `Resource` and `ContainerResource`
 * metrics named cpu or memory. No metrics: the autoscaling/v2 default, 80 % average CPU. An HPA
 * on other metrics only (pods, object, external) scales no resource: returns resources [].
 * Throws InvalidObjectError naming the field when the target is missing.
 */
export function hpaTargetOf(obj: JsonObject, origin: string): HpaTarget {
  const { namespace, name } = meta(obj, 'HorizontalPodAutoscaler', origin);
  const spec = obj['spec'];
  const ref = isJsonObject(spec) ? spec['scaleTargetRef'] : undefined;
  const kind = str(ref, 'kind');
  const target = str(ref, 'name');
  if (kind === undefined || target === undefined) throw new InvalidObjectError(`${origin} ${namespace}/${name}`, 'spec.scaleTargetRef', shown(ref ?? null), 'needs kind and name');
  const metrics = isJsonObject(spec) ? spec['metrics'] : undefined;
  const resources = new Set<SizedResource>();
  if (!Array.isArray(metrics) || metrics.length === 0) resources.add('cpu');
  else {
    for (const m of metrics) {
      const type = str(m, 'type');
      const r = type === 'Resource' ? str(isJsonObject(m) ? m['resource'] : undefined, 'name') : type === 'ContainerResource' ? str(isJsonObject(m) ? m['containerResource'] : undefined, 'name') : undefined;
      if (r === 'cpu' || r === 'memory') resources.add(r);
    }
  }
  return { namespace, kind: kind.toLowerCase(), name: target, resources: [...resources].sort() };
}

function intOrPercent(v: unknown, field: string, origin: string): IntOrPercent | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { count: v };
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (m) return { percent: Number(m[1]) };
    if (/^\d+$/.test(v)) return { count: Number(v) };
  }
  throw new InvalidObjectError(origin, field, shown(v), 'not a non-negative integer or percentage');
}

function selectorOf(v: unknown, origin: string): LabelSelector {
  if (!isJsonObject(v)) return {};
  const labels = v['matchLabels'];
  const matchLabels: Record<string, string> = {};
  if (isJsonObject(labels)) for (const [k, x] of Object.entries(labels)) if (typeof x === 'string') matchLabels[k] = x;
  const exprs = v['matchExpressions'];
  const matchExpressions: { key: string; operator: string; values: string[] }[] = [];
  if (Array.isArray(exprs)) {
    for (const e of exprs) {
      const key = str(e, 'key');
      const operator = str(e, 'operator');
      if (key === undefined || !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator ?? '')) {
        throw new InvalidObjectError(origin, 'spec.selector.matchExpressions', shown(e), 'needs a key and an operator In, NotIn, Exists or DoesNotExist');
      }
      const values = isJsonObject(e) && Array.isArray(e['values']) ? e['values'].filter((x): x is string => typeof x === 'string') : [];
      matchExpressions.push({ key, operator: operator as string, values });
    }
  }
  return { matchLabels, matchExpressions };
}

/** A PodDisruptionBudget's selector and limits; throws InvalidObjectError naming a malformed field. */
export function pdbPolicyOf(obj: JsonObject, origin: string): PdbPolicy {
  const { namespace, name } = meta(obj, 'PodDisruptionBudget', origin);
  const at = `${origin} ${namespace}/${name}`;
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  const maxUnavailable = intOrPercent(spec['maxUnavailable'], 'spec.maxUnavailable', at);
  const minAvailable = intOrPercent(spec['minAvailable'], 'spec.minAvailable', at);
  return {
    namespace,
    name,
    selector: selectorOf(spec['selector'], at),
    ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
    ...(minAvailable !== undefined ? { minAvailable } : {}),
  };
}
