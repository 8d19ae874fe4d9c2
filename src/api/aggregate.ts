// `aggregate=` of the allocation API (pure): which properties group allocation rows, and the name
// of the group a row falls in, as OpenCost names them (values joined by `/`; a missing value is
// `__unallocated__`). Differences from OpenCost, on purpose:
// - `pod` is named `<namespace>/<pod>` unless `namespace` is also aggregated on (pod names are
//   unique only inside a namespace; OpenCost merges same-named pods of different namespaces).
// - Unmounted volumes and load balancers without pods (`__unmounted__`, `__unallocated__` rows)
//   keep their namespace when it is known, as the exporter's metrics and `kubectl cost` count them;
//   for every other property they are their pseudo name.
// - `container` reads the per-container rows (`--record-containers`, src/core/containers.ts): a
//   pod's remainder that belongs to no container (init phase, overhead, volumes) is `__pod__`.
//   Without aggregation, container rows are named `cluster/node/namespace/pod/container`.
import type { AllocationInterval } from '../store/types.ts';
import { BadQueryError } from './errors.ts';
import { mapValue } from './filter.ts';

export type AggregateProperty =
  | { readonly kind: 'cluster' | 'node' | 'namespace' | 'controllerKind' | 'controller' | 'pod' | 'container' }
  | { readonly kind: 'deployment' | 'statefulset' | 'daemonset' | 'job' }
  | { readonly kind: 'label' | 'annotation'; readonly key: string };

export const AGGREGATE_ACCEPTED =
  'cluster, node, namespace, controllerKind, controller, deployment, statefulset, daemonset, job, pod, container, label:KEY, annotation:KEY, comma-combined (namespace,label:app); empty for one allocation per pod';

const FIXED: Readonly<Record<string, AggregateProperty['kind']>> = {
  cluster: 'cluster',
  node: 'node',
  namespace: 'namespace',
  controllerkind: 'controllerKind',
  controller: 'controller',
  deployment: 'deployment',
  statefulset: 'statefulset',
  daemonset: 'daemonset',
  job: 'job',
  pod: 'pod',
  container: 'container',
};

/** An allocation row, or a container row (which says its container). */
export type AllocationRow = AllocationInterval & { readonly container?: string };

export const UNALLOCATED = '__unallocated__';
export const UNMOUNTED = '__unmounted__';
export const IDLE = '__idle__';

/** `namespace,label:app` → properties. Empty → [] (no aggregation: one allocation per pod). */
export function parseAggregate(text: string): readonly AggregateProperty[] {
  const out: AggregateProperty[] = [];
  if (text.trim() === '') return out;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const bad = (reason: string) => new BadQueryError('aggregate', text, reason, AGGREGATE_ACCEPTED);
    const colon = part.indexOf(':');
    if (colon !== -1) {
      const field = part.slice(0, colon);
      const key = part.slice(colon + 1).trim();
      if (field !== 'label' && field !== 'annotation') throw bad(`${JSON.stringify(part)}: only label:KEY and annotation:KEY take a key`);
      if (key === '') throw bad(`${JSON.stringify(part)} names no key`);
      out.push({ kind: field, key });
      continue;
    }
    if (part === '') throw bad('an empty property between commas');
    const kind = FIXED[part.toLowerCase()];
    if (kind === undefined) throw bad(`unknown property ${JSON.stringify(part)}`);
    out.push({ kind } as AggregateProperty);
  }
  return out;
}

/** `__unmounted__` / `__unallocated__` for pseudo rows, undefined for pods. */
function pseudoOf(row: AllocationInterval): string | undefined {
  if (row.kind === 'unmounted') return UNMOUNTED;
  if (row.kind === 'unallocated') return UNALLOCATED;
  if (row.kind === 'idle') return IDLE;
  return undefined;
}

function value(row: AllocationRow, p: AggregateProperty, withNamespace: boolean): string {
  const pseudo = pseudoOf(row);
  switch (p.kind) {
    case 'cluster':
      return row.cluster || UNALLOCATED;
    case 'node':
      return row.node || (pseudo ?? UNALLOCATED);
    case 'namespace':
      return row.namespace || (pseudo ?? UNALLOCATED);
    case 'controllerKind':
      return pseudo ?? (row.controllerKind || UNALLOCATED);
    case 'controller':
      return pseudo ?? (row.controller ? `${row.controllerKind}:${row.controller}` : UNALLOCATED);
    case 'deployment':
    case 'statefulset':
    case 'daemonset':
    case 'job':
      return pseudo ?? (row.controllerKind === p.kind && row.controller ? row.controller : UNALLOCATED);
    case 'pod': {
      const pod = pseudo ?? row.pod;
      return withNamespace || !row.namespace ? pod : `${row.namespace}/${pod}`;
    }
    case 'container':
      return pseudo ?? (row.container || UNALLOCATED);
    case 'label':
      return pseudo ?? (mapValue(row.labels, p.key) || UNALLOCATED);
    case 'annotation':
      return pseudo ?? (mapValue(row.annotations, p.key) || UNALLOCATED);
  }
}

/** A function giving each non-idle row its group name (idle is named by the idle options). */
export function keyFunction(properties: readonly AggregateProperty[]): (row: AllocationRow) => string {
  const withNamespace = properties.some((p) => p.kind === 'namespace');
  if (properties.length === 0) {
    return (row) => {
      const name = `${row.cluster}/${row.node || UNALLOCATED}/${row.namespace || UNALLOCATED}/${pseudoOf(row) ?? row.pod}`;
      return row.container === undefined ? name : `${name}/${row.container}`;
    };
  }
  if (properties.length === 1) {
    const p = properties[0]!;
    return (row) => value(row, p, withNamespace);
  }
  return (row) => {
    let key = '';
    for (let i = 0; i < properties.length; i++) key += (i === 0 ? '' : '/') + value(row, properties[i]!, withNamespace);
    return key;
  };
}
