// Server-side printing (`meta.k8s.io/v1` Table), as the API server does it for `kubectl get`:
// kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the cells it gets.
// Columns follow kubernetes/pkg/printers/internalversion for pods and nodes; every other resource
// gets the default table (Name, Created At).
type Json = Record<string, unknown>;

export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface TableRow {
  readonly cells: readonly unknown[];
  readonly object?: unknown;
}

const col = (name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition => ({ name, type, format, description, priority });

const POD_COLUMNS: readonly ColumnDefinition[] = [
  col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
  col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'string', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  col('IP', 'string', 'podIP is the IP address allocated to the pod.', 1),
  col('Node', 'string', 'nodeName indicates in which node this pod is scheduled.', 1),
  col('Nominated Node', 'string', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
  col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
];

const NODE_COLUMNS: readonly ColumnDefinition[] = [
  col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
  col('Status', 'string', 'The status of the node'),
  col('Roles', 'string', 'The roles of the node'),
  col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  col('Version', 'string', 'Kubelet Version reported by the node.'),
  col('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  col('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
  col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
  col('Kernel-Version', 'string', 'Kernel Version reported by the node from `uname -r` (e.g. 3.16.0-0.bpo.4-amd64).', 1),
  col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. docker://1.5.0).', 1),
];

const DEFAULT_COLUMNS: readonly ColumnDefinition[] = [
  col('Name', 'string', 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated.', 0, 'name'),
  col('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
];

export function columnsFor(resource: string): readonly ColumnDefinition[] {
  if (resource === 'pods') return POD_COLUMNS;
  if (resource === 'nodes') return NODE_COLUMNS;
  return DEFAULT_COLUMNS;
}

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(o: Json, nowMs: number): string {
  const created = Date.parse(str(obj(o['metadata'])['creationTimestamp']));
  return Number.isNaN(created) ? '<unknown>' : humanDuration(nowMs - created);
}

function podCells(o: Json, nowMs: number): unknown[] {
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const statuses = arr(status['containerStatuses']).map(obj);
  const total = arr(spec['containers']).length;
  let ready = 0;
  let restarts = 0;
  let reason = str(status['reason']) || str(status['phase'], 'Pending');
  for (const s of statuses) {
    if (s['ready'] === true) ready++;
    restarts += typeof s['restartCount'] === 'number' ? s['restartCount'] : 0;
    const state = obj(s['state']);
    const waiting = obj(state['waiting']);
    const terminated = obj(state['terminated']);
    if (str(waiting['reason']) !== '') reason = str(waiting['reason']);
    else if (str(terminated['reason']) !== '') reason = str(terminated['reason']);
  }
  if (meta['deletionTimestamp'] !== undefined) reason = 'Terminating';
  const ip = str(status['podIP'], '<none>');
  return [str(meta['name']), `${ready}/${total}`, reason, String(restarts), age(o, nowMs), ip, str(spec['nodeName'], '<none>'), str(status['nominatedNodeName'], '<none>'), '<none>'];
}

function nodeCells(o: Json, nowMs: number): unknown[] {
  const meta = obj(o['metadata']);
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const readyCondition = arr(status['conditions']).map(obj).find((c) => c['type'] === 'Ready');
  let state = readyCondition === undefined ? 'Unknown' : readyCondition['status'] === 'True' ? 'Ready' : 'NotReady';
  if (spec['unschedulable'] === true) state += ',SchedulingDisabled';
  const roles: string[] = [];
  for (const key of Object.keys(obj(meta['labels']))) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.push(key.slice('node-role.kubernetes.io/'.length));
  }
  const addresses = arr(status['addresses']).map(obj);
  const address = (type: string): string => str(addresses.find((a) => a['type'] === type)?.['address'], '<none>');
  const info = obj(status['nodeInfo']);
  return [
    str(meta['name']),
    state,
    roles.length > 0 ? roles.sort().join(',') : '<none>',
    age(o, nowMs),
    str(info['kubeletVersion']),
    address('InternalIP'),
    address('ExternalIP'),
    str(info['osImage'], '<unknown>'),
    str(info['kernelVersion'], '<unknown>'),
    str(info['containerRuntimeVersion'], '<unknown>'),
  ];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** One row; `object` is the row's object as `includeObject` asks (kubectl asks for Metadata). */
export function tableRow(resource: string, o: Json, nowMs: number, include: IncludeObject): TableRow {
  let cells: unknown[];
  if (resource === 'pods') cells = podCells(o, nowMs);
  else if (resource === 'nodes') cells = nodeCells(o, nowMs);
  else cells = [str(obj(o['metadata'])['name']), str(obj(o['metadata'])['creationTimestamp'])];
  if (include === 'None') return { cells };
  if (include === 'Object') return { cells, object: o };
  return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o['metadata'] } };
}
