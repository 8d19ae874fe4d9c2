// A Kubernetes API server for tests, speaking the real wire protocol over HTTPS (read verbs only):
//
//   discovery    /version, /api, /api/v1, /apis, /apis/<group>/<version>
//   get / list   JSON objects and typed lists (items without kind/apiVersion, as the real server
//                writes them), `resourceVersion`, `limit`/`continue` (tokens in the apiserver's own
//                format, consistent at the list's revision, 410 Expired once compacted),
//                `labelSelector`/`fieldSelector` (equality), server-side Tables for kubectl
//   watch        `?watch=true` streams of ADDED/MODIFIED/DELETED events, one JSON per line, from a
//                resourceVersion (replayed from history), BOOKMARK with `allowWatchBookmarks`,
//                `timeoutSeconds`, and `ERROR` with a 410 Status when the version is compacted
//   metrics      metrics.k8s.io/v1beta1 pods and nodes (PodMetrics), present, absent, failing or slow
//   auth         bearer token (401), an optional authorizer (403 with the real message)
//   tokenreviews POST authentication.k8s.io/v1 TokenReview (the node agent checks callers with it)
//   subjectaccessreviews  POST authorization.k8s.io/v1 SubjectAccessReview for non-resource URLs,
//                answered from RBAC-like rules (the exporter's --auth-kubernetes asks it)
//
// Tests drive it in-process: apply/remove objects, drop or end watch connections, send bookmarks,
// compact history, stop and restart the listener, fail requests, and read the log of API calls it
// served (for the RBAC test).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { columnsFor, tableRow } from './tables.ts';
import type { IncludeObject } from './tables.ts';
import { testCertificates } from './certs.ts';

type Json = Record<string, unknown>;

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  /** Plural, as in the URL: `pods`. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

const rt = (group: string, version: string, resource: string, kind: string, namespaced: boolean, shortNames: string[] = []): ResourceType => ({
  group,
  version,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  shortNames,
});

/** The resources this server stores. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  rt('', 'v1', 'namespaces', 'Namespace', false, ['ns']),
  rt('', 'v1', 'nodes', 'Node', false, ['no']),
  rt('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']),
  rt('', 'v1', 'persistentvolumes', 'PersistentVolume', false, ['pv']),
  rt('', 'v1', 'pods', 'Pod', true, ['po']),
  rt('', 'v1', 'services', 'Service', true, ['svc']),
  rt('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']),
  rt('apps', 'v1', 'deployments', 'Deployment', true, ['deploy']),
  rt('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']),
  rt('apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']),
  rt('batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']),
  rt('batch', 'v1', 'jobs', 'Job', true),
  rt('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa']),
  rt('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']),
  rt('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']),
];

const METRICS_GROUP = 'metrics.k8s.io';
const METRICS_VERSION = 'v1beta1';
const READ_VERBS = ['get', 'list', 'watch'];

export type ApiVerb = 'get' | 'list' | 'watch';

/** One request as the API server's authorizer sees it (k8s.io/apiserver RequestInfo). */
export interface ApiRequest {
  readonly verb: ApiVerb | 'create' | 'update' | 'patch' | 'delete';
  /** Resource requests. */
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  /** Set for non-resource URLs (`/version`, `/api`, `/apis/apps/v1`). */
  readonly nonResourceURL?: string;
  readonly path: string;
  readonly query: string;
}

export type MetricsMode = 'available' | 'absent' | 'unavailable';

export interface ContainerMetrics {
  readonly name: string;
  /** Quantities as metrics-server writes them, e.g. `12345678n`, `20480Ki`. */
  readonly cpu: string;
  readonly memory: string;
}

interface PodMetricsEntry {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly ContainerMetrics[];
  readonly timestampMs: number;
  readonly windowSeconds: number;
}

interface Stored {
  readonly rv: number;
  readonly namespace: string;
  readonly name: string;
  /** The object with kind and apiVersion. */
  readonly obj: Json;
  /** JSON of the object without kind and apiVersion (how list items are written); made on demand. */
  itemText?: string;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface HistoryEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly resource: ResourceType;
  readonly key: string;
  /** For DELETED, the last state with the deletion's resourceVersion. */
  readonly current: Stored;
  readonly prev: Stored | undefined;
}

interface Watcher {
  readonly resource: ResourceType;
  readonly namespace: string;
  readonly res: ServerResponse;
  readonly bookmarks: boolean;
  readonly table: IncludeObject | undefined;
  readonly match: (s: Stored) => boolean;
  sentHeader: boolean;
  lastRv: number;
  timer: NodeJS.Timeout | undefined;
}

interface Failure {
  readonly match: (req: ApiRequest) => boolean;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  remaining: number;
}

export interface FakeApiServerOptions {
  /** Bearer token clients must send; undefined accepts anyone. */
  readonly token?: string;
  /** Who the token belongs to, for 403 messages. */
  readonly user?: string;
  /** Returns false to refuse a request with 403, as RBAC would. */
  readonly authorize?: (req: ApiRequest) => boolean;
  /** Events kept for watches from an older resourceVersion; older ones are compacted (410). */
  readonly historyLimit?: number;
  readonly now?: () => number;
  readonly port?: number;
  readonly metrics?: MetricsMode;
  /** Sends a BOOKMARK to bookmark-enabled watchers this often (0: only when asked). */
  readonly bookmarkIntervalMs?: number;
  /** Keep a log of requests served (for the RBAC test); off for benchmarks. */
  readonly recordRequests?: boolean;
  /** TokenReview (authentication.k8s.io/v1): tokens the server authenticates, and as whom. */
  readonly tokenReviews?: Readonly<Record<string, { readonly username: string; readonly uid?: string; readonly groups?: readonly string[] }>>;
  /**
   * SubjectAccessReview (authorization.k8s.io/v1) for non-resource URLs, as RBAC answers it: a rule
   * allows `verb` on `path` (a trailing `*` matches a prefix) to a user or to a group.
   */
  readonly nonResourceRules?: readonly { readonly user?: string; readonly group?: string; readonly path: string; readonly verb: string; readonly binding: string }[];
}

const keyOf = (namespace: string, name: string): string => (namespace === '' ? name : `${namespace}/${name}`);

export function statusObject(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function encodeContinue(rv: number, startKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${startKey}\u0000` })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Json;
    if (parsed['v'] !== 'meta.k8s.io/v1' || typeof parsed['rv'] !== 'number' || typeof parsed['start'] !== 'string') return undefined;
    return { rv: parsed['rv'], start: parsed['start'] };
  } catch {
    return undefined;
  }
}

type Requirement = { key: string; op: '=' | '!=' | 'exists' | '!exists'; value: string };

function parseSelector(text: string): Requirement[] | undefined {
  const out: Requirement[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const forms: readonly [RegExp, Requirement['op']][] = [
      [/^([^!=\s]+)\s*!=\s*(\S*)$/, '!='],
      [/^([^!=\s]+)\s*==?\s*(\S*)$/, '='],
      [/^!([^!=\s]+)$/, '!exists'],
      [/^([^!=\s]+)$/, 'exists'],
    ];
    const found = forms.map(([re, op]) => [re.exec(part), op] as const).find(([m]) => m !== null);
    if (!found) return undefined;
    const [m, op] = found;
    out.push({ key: m![1]!, op, value: m![2] ?? '' });
  }
  return out;
}

function matches(reqs: readonly Requirement[], get: (key: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.key);
    if (r.op === '=' && v !== r.value) return false;
    if (r.op === '!=' && v === r.value) return false;
    if (r.op === 'exists' && v === undefined) return false;
    if (r.op === '!exists' && v !== undefined) return false;
  }
  return true;
}

function fieldValue(o: Json, path: string): string | undefined {
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[part];
  }
  return typeof cur === 'string' ? cur : cur === undefined ? undefined : String(cur);
}

function tableAccept(accept: string): boolean {
  return accept.split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

/** The test API server. Create with `startFakeApiServer`. */
export class FakeApiServer {
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  readonly token: string | undefined;
  /** Every request served since the last `clearRequests()` (when recording). */
  readonly requests: ApiRequest[] = [];
  metricsMode: MetricsMode;
  /** Answers of the metrics API (not its discovery) are delayed this long: a slow metrics-server. */
  metricsDelayMs = 0;

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly options: FakeApiServerOptions;
  private readonly now: () => number;
  private readonly stores = new Map<string, Map<string, Stored>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly history: HistoryEvent[] = [];
  private historyStart = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly podMetrics = new Map<string, PodMetricsEntry>();
  private readonly nodeMetrics = new Map<string, { name: string; cpu: string; memory: string; timestampMs: number }>();
  private readonly failures: Failure[] = [];
  private readonly historyLimit: number;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private rv = 1;
  private compactedRv = 0;
  private listening = true;
  private watchStartListeners: (() => void)[] = [];
  /** kubectl-cost: service proxy targets, by `namespace/name:port` (see proxyService). */
  private readonly serviceProxies = new Map<string, string>();

  private constructor(server: Server, port: number, caPem: string, options: FakeApiServerOptions) {
    this.server = server;
    this.port = port;
    this.url = `https://127.0.0.1:${port}`;
    this.caPem = caPem;
    this.options = options;
    this.token = options.token;
    this.now = options.now ?? Date.now;
    this.metricsMode = options.metrics ?? 'available';
    this.historyLimit = options.historyLimit ?? 100_000;
    for (const t of RESOURCE_TYPES) this.stores.set(t.resource, new Map());
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    if (options.bookmarkIntervalMs) {
      this.bookmarkTimer = setInterval(() => this.bookmark(), options.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const certs = testCertificates();
    const server = createServer({ cert: certs.certPem, key: certs.keyPem, keepAlive: true });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    const api = new FakeApiServer(server, port, certs.caPem, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => api.handle(req, res));
    return api;
  }

  // -------------------------------------------------------------------------------------------
  // Test hooks

  /** The current resourceVersion (the last revision written). */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Number of open watch connections. */
  get watchCount(): number {
    return this.watchers.size;
  }

  typeOfKind(kind: string): ResourceType {
    const t = RESOURCE_TYPES.find((r) => r.kind === kind);
    if (!t) throw new Error(`test API server: unknown kind ${kind}`);
    return t;
  }

  /** Creates or replaces an object (by kind, namespace and name); returns it as stored. */
  apply(input: Json): Json {
    const kind = String(input['kind']);
    const type = this.typeOfKind(kind);
    const metaIn = (input['metadata'] ?? {}) as Json;
    const name = String(metaIn['name'] ?? '');
    if (name === '') throw new Error(`test API server: ${kind} without metadata.name`);
    const namespace = type.namespaced ? String(metaIn['namespace'] ?? 'default') : '';
    const key = keyOf(namespace, name);
    const store = this.stores.get(type.resource)!;
    const prev = store.get(key);
    const rv = ++this.rv;
    const prevMeta = (prev?.obj['metadata'] ?? {}) as Json;
    const metadata: Json = {
      ...metaIn,
      name,
      ...(type.namespaced ? { namespace } : {}),
      uid: metaIn['uid'] ?? prevMeta['uid'] ?? `${type.singular}-${rv.toString(16).padStart(8, '0')}-0000-4000-8000-${String(rv).padStart(12, '0')}`,
      resourceVersion: String(rv),
      creationTimestamp: metaIn['creationTimestamp'] ?? prevMeta['creationTimestamp'] ?? new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const obj: Json = { ...input, apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`, kind, metadata };
    const stored: Stored = { rv, namespace, name, obj };
    store.set(key, stored);
    if (!prev) this.sortedKeys.delete(type.resource);
    this.record({ rv, type: prev ? 'MODIFIED' : 'ADDED', resource: type, key, current: stored, prev });
    return obj;
  }

  /** Deletes an object; returns false when it did not exist. */
  remove(kind: string, namespace: string, name: string): boolean {
    const type = this.typeOfKind(kind);
    const key = keyOf(type.namespaced ? namespace : '', name);
    const store = this.stores.get(type.resource)!;
    const prev = store.get(key);
    if (!prev) return false;
    store.delete(key);
    this.sortedKeys.delete(type.resource);
    const rv = ++this.rv;
    const obj: Json = { ...prev.obj, metadata: { ...(prev.obj['metadata'] as Json), resourceVersion: String(rv) } };
    this.record({ rv, type: 'DELETED', resource: type, key, current: { rv, namespace: prev.namespace, name: prev.name, obj }, prev });
    return true;
  }

  /** The stored object, or undefined. */
  get(kind: string, namespace: string, name: string): Json | undefined {
    const type = this.typeOfKind(kind);
    return this.stores.get(type.resource)!.get(keyOf(type.namespaced ? namespace : '', name))?.obj;
  }

  /** Objects of a kind currently stored. */
  list(kind: string): Json[] {
    return [...this.stores.get(this.typeOfKind(kind).resource)!.values()].map((s) => s.obj);
  }

  /** Closes every watch stream abruptly (the TCP connection is reset), optionally mid-event. */
  dropWatches(options: { midEvent?: boolean } = {}): number {
    const n = this.watchers.size;
    for (const w of [...this.watchers]) {
      if (options.midEvent) w.res.write('{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"trunc');
      w.res.socket?.destroy();
      this.closeWatcher(w);
    }
    return n;
  }

  /** Ends every watch stream cleanly, as when `timeoutSeconds` runs out. */
  endWatches(): number {
    const n = this.watchers.size;
    for (const w of [...this.watchers]) {
      w.res.end();
      this.closeWatcher(w);
    }
    return n;
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watcher that allowed them. */
  bookmark(): void {
    for (const w of this.watchers) {
      if (!w.bookmarks || w.table) continue;
      w.lastRv = this.rv;
      this.writeEvent(w, 'BOOKMARK', { kind: w.resource.kind, apiVersion: apiVersionOf(w.resource), metadata: { resourceVersion: String(this.rv) } });
    }
  }

  /** Forgets the event history: watches and continue tokens from before now get 410. */
  compact(): void {
    this.history.length = 0;
    this.historyStart = 0;
    this.compactedRv = this.rv;
  }

  /** Makes the next `count` requests matching `match` fail with `status`. */
  failNext(match: (req: ApiRequest) => boolean, status: number, count = 1, retryAfterSeconds?: number): void {
    this.failures.push({ match, status, remaining: count, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }

  setPodMetrics(namespace: string, name: string, containers: readonly ContainerMetrics[], options: { timestampMs?: number; windowSeconds?: number } = {}): void {
    this.podMetrics.set(keyOf(namespace, name), { namespace, name, containers, timestampMs: options.timestampMs ?? this.now(), windowSeconds: options.windowSeconds ?? 30 });
  }

  /** NodeMetrics of a node, quantities as metrics-server writes them (e.g. `1534212n`, `20480Ki`). */
  setNodeMetrics(name: string, usage: { cpu: string; memory: string }, options: { timestampMs?: number } = {}): void {
    this.nodeMetrics.set(name, { name, ...usage, timestampMs: options.timestampMs ?? this.now() });
  }

  deletePodMetrics(namespace: string, name: string): void {
    this.podMetrics.delete(keyOf(namespace, name));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Resolves when at least `count` watches are open. */
  async waitForWatches(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.watchers.size < count) {
      if (Date.now() > deadline) throw new Error(`test API server: ${this.watchers.size} watches open, expected ${count}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.watchStartListeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Stops listening and resets every connection (the API server goes down). */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    for (const w of [...this.watchers]) this.closeWatcher(w);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after `stop()`. */
  async restart(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
  }

  async close(): Promise<void> {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    await this.stop();
  }

  // --- kubectl-cost: service proxy (added for the kubectl cost plugin tests) ---
  /**
   * Serves `/api/v1/namespaces/{namespace}/services/{name}:{port}/proxy/{path}` by forwarding GETs
   * to `targetUrl` (an http:// base), as the API server's service proxy forwards to the Service.
   */
  proxyService(namespace: string, name: string, port: string, targetUrl: string): void {
    this.serviceProxies.set(`${namespace}/${name}:${port}`, targetUrl.replace(/\/$/, ''));
  }

  /** Reads a JSON request body of `kind`; answers 400 as the real server does when it is not one. */
  private readReview(req: IncomingMessage, res: ServerResponse, kind: string, group: string, handle: (body: Json) => void): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Json;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      } catch {
        this.sendStatus(res, 400, 'BadRequest', `the object provided is unrecognized (${kind} JSON expected)`);
        return;
      }
      if (body['kind'] !== kind) {
        this.sendStatus(res, 400, 'BadRequest', `the object provided is unrecognized (${kind}.${group} expected, got ${String(body['kind'])})`);
        return;
      }
      handle(body);
    });
  }

  private handleTokenReview(req: IncomingMessage, res: ServerResponse): void {
    this.readReview(req, res, 'TokenReview', 'authentication.k8s.io', (body) => {
      const token = ((body['spec'] ?? {}) as Json)['token'];
      if (typeof token !== 'string' || token === '') {
        this.sendStatus(res, 400, 'BadRequest', 'TokenReview.authentication.k8s.io is invalid: spec.token: Required value');
        return;
      }
      const user = this.options.tokenReviews?.[token];
      const status: Json = user
        ? { authenticated: true, user: { username: user.username, uid: user.uid ?? `uid-${user.username}`, groups: [...(user.groups ?? ['system:serviceaccounts', 'system:authenticated'])] }, audiences: ['https://kubernetes.default.svc.cluster.local'] }
        : { user: {}, error: '[invalid bearer token, token lookup failed]' };
      this.send(res, 201, { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { token }, status });
    });
  }

  private handleSubjectAccessReview(req: IncomingMessage, res: ServerResponse): void {
    this.readReview(req, res, 'SubjectAccessReview', 'authorization.k8s.io', (body) => {
      const spec = (body['spec'] ?? {}) as Json;
      const nonResource = spec['nonResourceAttributes'] as Json | undefined;
      const user = typeof spec['user'] === 'string' ? spec['user'] : '';
      const groups = Array.isArray(spec['groups']) ? (spec['groups'] as unknown[]).filter((g): g is string => typeof g === 'string') : [];
      if (user === '' && groups.length === 0) {
        this.sendStatus(res, 400, 'BadRequest', 'SubjectAccessReview.authorization.k8s.io is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
        return;
      }
      let status: Json = { allowed: false };
      if (nonResource && typeof nonResource['path'] === 'string' && typeof nonResource['verb'] === 'string') {
        const path = nonResource['path'];
        const verb = nonResource['verb'];
        const rule = this.options.nonResourceRules?.find(
          (r) => (r.verb === verb || r.verb === '*') && (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path) && ((r.user !== undefined && r.user === user) || (r.group !== undefined && groups.includes(r.group))),
        );
        if (rule) status = { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${rule.binding}" of ClusterRole "${rule.binding}" to ${rule.user !== undefined ? `User "${rule.user}"` : `Group "${rule.group}"`}` };
      }
      this.send(res, 201, { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status });
    });
  }

  private handleServiceProxy(res: ServerResponse, parts: readonly string[], search: string): void {
    const [namespace = '', nameAndPort = ''] = [parts[3], parts[5]];
    const colon = nameAndPort.indexOf(':');
    const name = colon === -1 ? nameAndPort : nameAndPort.slice(0, colon);
    const target = this.serviceProxies.get(`${namespace}/${nameAndPort}`);
    if (target === undefined) {
      this.sendStatus(res, 404, 'NotFound', `services "${name}" not found`, { name, kind: 'services' });
      return;
    }
    const rest = parts.slice(7).map(encodeURIComponent).join('/');
    httpGet(`${target}/${rest}${search}`, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, { 'content-type': upstream.headers['content-type'] ?? 'application/octet-stream' });
      upstream.pipe(res);
    }).on('error', (err: Error) => this.sendStatus(res, 503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`));
  }
  // --- end kubectl-cost ---

  /** A kubeconfig (YAML) for this server with its CA and token. */
  kubeconfig(options: { context?: string; namespace?: string } = {}): string {
    const context = options.context ?? 'test';
    const lines = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${context}-cluster`,
      '  cluster:',
      `    server: ${this.url}`,
      `    certificate-authority-data: ${Buffer.from(this.caPem).toString('base64')}`,
      'users:',
      `- name: ${context}-user`,
      '  user:',
      ...(this.token ? [`    token: ${this.token}`] : ['    {}']),
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}-cluster`,
      `    user: ${context}-user`,
      ...(options.namespace ? [`    namespace: ${options.namespace}`] : []),
      `current-context: ${context}`,
      '',
    ];
    return lines.join('\n');
  }

  // -------------------------------------------------------------------------------------------
  // History and watch fan-out

  private record(event: HistoryEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      const dropped = this.history[this.historyStart]!;
      this.compactedRv = dropped.rv;
      this.historyStart++;
      if (this.historyStart > 4096 && this.historyStart * 2 > this.history.length) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const w of this.watchers) {
      if (w.resource !== event.resource) continue;
      this.sendEvent(w, event);
    }
  }

  private sendEvent(w: Watcher, event: HistoryEvent): void {
    const current = event.current;
    const prevMatch = event.prev !== undefined && w.match(event.prev);
    const curMatch = w.match(current);
    let type: EventType = event.type;
    // Selector semantics: an object leaving the selection is DELETED, entering it ADDED.
    if (event.type === 'MODIFIED') {
      if (!curMatch && !prevMatch) return;
      if (!curMatch) type = 'DELETED';
      else if (!prevMatch) type = 'ADDED';
    } else if (!curMatch) return;
    w.lastRv = event.rv;
    if (w.table) {
      this.writeEvent(w, type, this.tableOf(w.resource, [current], w.table, !w.sentHeader));
      w.sentHeader = true;
      return;
    }
    this.writeRaw(w, `{"type":"${type}","object":${this.objectText(current)}}\n`);
  }

  private writeEvent(w: Watcher, type: string, object: unknown): void {
    this.writeRaw(w, `${JSON.stringify({ type, object })}\n`);
  }

  private writeRaw(w: Watcher, line: string): void {
    if (!w.res.writableEnded && !w.res.destroyed) w.res.write(line);
  }

  private closeWatcher(w: Watcher): void {
    if (w.timer) clearTimeout(w.timer);
    this.watchers.delete(w);
  }

  private itemText(s: Stored): string {
    if (s.itemText === undefined) {
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = s.obj;
      s.itemText = JSON.stringify(rest);
    }
    return s.itemText;
  }

  private objectText(s: Stored): string {
    const item = this.itemText(s);
    return `{"kind":${JSON.stringify(s.obj['kind'])},"apiVersion":${JSON.stringify(s.obj['apiVersion'])}${item === '{}' ? '' : `,${item.slice(1, -1)}`}}`;
  }

  /** Objects of a resource as they were at `rv` (undoing later events), sorted by key. */
  private stateAt(type: ResourceType, rv: number): { keys: string[]; get: (key: string) => Stored | undefined } {
    const store = this.stores.get(type.resource)!;
    const later: HistoryEvent[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const e = this.history[i]!;
      if (e.rv <= rv) break;
      if (e.resource === type) later.push(e);
    }
    if (later.length === 0) {
      let keys = this.sortedKeys.get(type.resource);
      if (!keys) {
        keys = [...store.keys()].sort();
        this.sortedKeys.set(type.resource, keys);
      }
      return { keys, get: (k) => store.get(k) };
    }
    const view = new Map(store);
    for (const e of later) {
      if (e.prev) view.set(e.key, e.prev);
      else view.delete(e.key);
    }
    return { keys: [...view.keys()].sort(), get: (k) => view.get(k) };
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  private send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: Json, headers: Record<string, string> = {}): void {
    this.send(res, code, statusObject(code, reason, message, details), 'application/json', headers);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const info = requestInfo(req.method ?? 'GET', url, parts);
    if (this.options.recordRequests !== false) this.requests.push(info);

    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`) {
      this.sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    if (this.options.authorize && !this.options.authorize(info)) {
      const user = this.options.user ?? 'system:anonymous';
      const message =
        info.nonResourceURL !== undefined
          ? `forbidden: User "${user}" cannot ${info.verb} path "${info.nonResourceURL}"`
          : `${info.resource}${info.name ? ` "${info.name}"` : ''} is forbidden: User "${user}" cannot ${info.verb} resource "${info.resource}" in API group "${info.apiGroup}" ${info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope'}`;
      this.sendStatus(res, 403, 'Forbidden', message, { ...(info.name ? { name: info.name } : {}), group: info.apiGroup, kind: info.resource });
      return;
    }
    for (const f of this.failures) {
      if (f.remaining > 0 && f.match(info)) {
        f.remaining--;
        const headers: Record<string, string> = f.retryAfterSeconds !== undefined ? { 'Retry-After': String(f.retryAfterSeconds) } : {};
        const reason = f.status === 429 ? 'TooManyRequests' : f.status === 410 ? 'Expired' : f.status === 503 ? 'ServiceUnavailable' : 'InternalError';
        this.sendStatus(res, f.status, reason, `injected failure (HTTP ${f.status})`, undefined, headers);
        return;
      }
    }
    // kubectl-cost: service proxy
    if (req.method === 'GET' && parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts[4] === 'services' && parts[6] === 'proxy') {
      this.handleServiceProxy(res, parts, url.search);
      return;
    }
    // TokenReview: POST a review of a token; 201 with status.authenticated and the user, or (as
    // the real server writes an unknown token) a status with only an error.
    if (req.method === 'POST' && url.pathname === '/apis/authentication.k8s.io/v1/tokenreviews') {
      this.handleTokenReview(req, res);
      return;
    }
    // SubjectAccessReview: may this user (and groups) use this verb on this non-resource URL?
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      this.handleSubjectAccessReview(req, res);
      return;
    }
    if (req.method !== 'GET') {
      this.sendStatus(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
      return;
    }

    if (url.pathname === '/version') {
      this.send(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.4',
        gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
        gitTreeState: 'clean',
        buildDate: '2025-04-22T16:02:27Z',
        goVersion: 'go1.23.6',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
      return;
    }
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') {
      this.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }
    if (parts[0] === 'api' && parts.length === 1) {
      this.send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }] });
      return;
    }
    if (parts[0] === 'apis' && parts.length === 1) {
      this.send(res, 200, this.groupList());
      return;
    }
    const group = parts[0] === 'api' ? '' : parts[0] === 'apis' ? (parts[1] ?? '') : undefined;
    const version = parts[0] === 'api' ? parts[1] : parts[2];
    if (group === undefined || version === undefined) {
      this.sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    if (group === METRICS_GROUP) {
      this.handleMetrics(res, info, version, parts.length === 3);
      return;
    }
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
    if (types.length === 0) {
      this.sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    if (info.resource === '') {
      this.send(res, 200, resourceList(group, version, types));
      return;
    }
    const type = types.find((t) => t.resource === info.resource);
    if (!type || info.subresource !== '' || (info.namespace !== '' && !type.namespaced)) {
      this.sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const accept = req.headers.accept ?? '';
    const include = (url.searchParams.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    const table = tableAccept(accept) ? include : undefined;
    if (info.verb === 'get') {
      const stored = this.stores.get(type.resource)!.get(keyOf(info.namespace, info.name));
      if (!stored) {
        this.sendStatus(res, 404, 'NotFound', `${type.resource}${type.group ? `.${type.group}` : ''} "${info.name}" not found`, { name: info.name, group: type.group, kind: type.resource });
        return;
      }
      if (table) this.send(res, 200, this.tableOf(type, [stored], table, true, String(stored.rv)), 'application/json;as=Table;v=v1;g=meta.k8s.io');
      else this.send(res, 200, this.objectText(stored));
      return;
    }
    const labelSelector = parseSelector(url.searchParams.get('labelSelector') ?? '');
    const fieldSelector = parseSelector(url.searchParams.get('fieldSelector') ?? '');
    if (!labelSelector || !fieldSelector) {
      this.sendStatus(res, 400, 'BadRequest', 'unable to parse requirement: only =, == , != and existence are supported by the test API server');
      return;
    }
    const match = (s: Stored): boolean => {
      if (info.namespace !== '' && s.namespace !== info.namespace) return false;
      if (labelSelector.length > 0) {
        const labels = ((s.obj['metadata'] as Json)['labels'] ?? {}) as Record<string, string>;
        if (!matches(labelSelector, (k) => labels[k])) return false;
      }
      return fieldSelector.length === 0 || matches(fieldSelector, (k) => fieldValue(s.obj, k));
    };
    if (info.verb === 'watch') this.startWatch(req, res, url, type, info.namespace, match, table);
    else this.sendList(res, url, type, match, table);
  }

  private groupList(): Json {
    const groups = new Map<string, Set<string>>();
    for (const t of RESOURCE_TYPES) if (t.group !== '') groups.set(t.group, (groups.get(t.group) ?? new Set()).add(t.version));
    if (this.metricsMode !== 'absent') groups.set(METRICS_GROUP, new Set([METRICS_VERSION]));
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => {
        const vs = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: vs, preferredVersion: vs[0] };
      }),
    };
  }

  private tableOf(type: ResourceType, items: readonly Stored[], include: IncludeObject, withColumns: boolean, rv?: string, extra: Json = {}): Json {
    const nowMs = this.now();
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { ...(rv ? { resourceVersion: rv } : {}), ...extra },
      ...(withColumns ? { columnDefinitions: columnsFor(type.resource) } : { columnDefinitions: null }),
      rows: items.map((s) => tableRow(type.resource, s.obj, nowMs, include)),
    };
  }

  private sendList(res: ServerResponse, url: URL, type: ResourceType, match: (s: Stored) => boolean, table: IncludeObject | undefined): void {
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? 0 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 0) {
      this.sendStatus(res, 400, 'BadRequest', `invalid limit: ${limitParam}`);
      return;
    }
    const token = url.searchParams.get('continue');
    let listRv = this.rv;
    let start = '';
    if (token) {
      const decoded = decodeContinue(token);
      if (!decoded) {
        this.sendStatus(res, 400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
        return;
      }
      if (decoded.rv < this.compactedRv) {
        this.sendStatus(
          res,
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
        return;
      }
      listRv = decoded.rv;
      start = decoded.start;
    }
    const state = this.stateAt(type, listRv);
    // Binary search for the first key at or after `start`.
    let lo = 0;
    let hi = state.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (state.keys[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    const items: Stored[] = [];
    let i = lo;
    for (; i < state.keys.length; i++) {
      const s = state.get(state.keys[i]!)!;
      if (!match(s)) continue;
      if (limit > 0 && items.length === limit) break;
      items.push(s);
    }
    let more = false;
    let remaining = 0;
    for (let j = i; j < state.keys.length; j++) {
      if (match(state.get(state.keys[j]!)!)) {
        more = true;
        remaining++;
      }
    }
    const meta: Json = { resourceVersion: String(listRv) };
    if (more && items.length > 0) {
      meta['continue'] = encodeContinue(listRv, keyOfStored(items[items.length - 1]!));
      meta['remainingItemCount'] = remaining;
    }
    if (table) {
      this.send(res, 200, this.tableOf(type, items, table, true, String(listRv), meta), 'application/json;as=Table;v=v1;g=meta.k8s.io');
      return;
    }
    const head = `{"kind":"${type.kind}List","apiVersion":"${apiVersionOf(type)}","metadata":${JSON.stringify(meta)},"items":[`;
    const chunks: string[] = [head];
    for (let k = 0; k < items.length; k++) {
      if (k > 0) chunks.push(',');
      chunks.push(this.itemText(items[k]!));
    }
    chunks.push(']}');
    this.send(res, 200, chunks.join(''));
  }

  private startWatch(req: IncomingMessage, res: ServerResponse, url: URL, type: ResourceType, namespace: string, match: (s: Stored) => boolean, table: IncludeObject | undefined): void {
    const rvParam = url.searchParams.get('resourceVersion') ?? '';
    const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '1800');
    res.writeHead(200, { 'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const w: Watcher = { resource: type, namespace, res, bookmarks, table, match, sentHeader: false, lastRv: this.rv, timer: undefined };
    const from = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (from !== undefined && (!Number.isFinite(from) || from < this.compactedRv)) {
      this.writeEvent(w, 'ERROR', statusObject(410, 'Expired', `too old resource version: ${rvParam} (${this.compactedRv + 1})`));
      res.end();
      return;
    }
    if (from === undefined) {
      // No version: synthetic ADDED events for the current state, then changes.
      const state = this.stateAt(type, this.rv);
      for (const key of state.keys) {
        const s = state.get(key)!;
        if (match(s)) this.sendEvent(w, { rv: s.rv, type: 'ADDED', resource: type, key, current: s, prev: undefined });
      }
    } else {
      for (let i = this.historyStart; i < this.history.length; i++) {
        const e = this.history[i]!;
        if (e.rv > from && e.resource === type) this.sendEvent(w, e);
      }
    }
    w.lastRv = this.rv;
    this.watchers.add(w);
    const listeners = this.watchStartListeners;
    this.watchStartListeners = [];
    for (const l of listeners) l();
    if (timeoutSeconds > 0) {
      w.timer = setTimeout(() => {
        this.closeWatcher(w);
        res.end();
      }, timeoutSeconds * 1000);
      w.timer.unref();
    }
    const done = (): void => this.closeWatcher(w);
    req.socket.once('close', done);
    res.once('close', done);
  }

  private handleMetrics(res: ServerResponse, info: ApiRequest, version: string, discovery: boolean): void {
    if (this.metricsDelayMs > 0 && !discovery) {
      const timer = setTimeout(() => {
        if (!res.destroyed && !res.writableEnded) this.serveMetrics(res, info, version, discovery);
      }, this.metricsDelayMs);
      res.once('close', () => clearTimeout(timer));
      return;
    }
    this.serveMetrics(res, info, version, discovery);
  }

  private serveMetrics(res: ServerResponse, info: ApiRequest, version: string, discovery: boolean): void {
    if (this.metricsMode === 'absent' || version !== METRICS_VERSION) {
      this.send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
      return;
    }
    if (this.metricsMode === 'unavailable') {
      this.send(res, 503, 'service unavailable\n', 'text/plain; charset=utf-8');
      return;
    }
    if (discovery) {
      this.send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
        resources: [
          { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
          { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        ],
      });
      return;
    }
    const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (info.resource === 'nodes' && info.verb !== 'watch') {
      // NodeMetrics as metrics-server serves them: cluster-scoped, usage {cpu, memory}, a window.
      const node = (m: { name: string; cpu: string; memory: string; timestampMs: number }): Json => ({
        metadata: { name: m.name, creationTimestamp: stamp(this.now()) },
        timestamp: stamp(m.timestampMs),
        window: '20.009s',
        usage: { cpu: m.cpu, memory: m.memory },
      });
      if (info.verb === 'get') {
        const m = this.nodeMetrics.get(info.name);
        if (!m) {
          this.sendStatus(res, 404, 'NotFound', `nodemetrics.metrics.k8s.io "${info.name}" not found`, { name: info.name, group: METRICS_GROUP, kind: 'nodes' });
          return;
        }
        this.send(res, 200, { kind: 'NodeMetrics', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, ...node(m) });
        return;
      }
      this.send(res, 200, { kind: 'NodeMetricsList', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items: [...this.nodeMetrics.values()].map(node) });
      return;
    }
    if (info.resource !== 'pods' || info.verb === 'watch') {
      this.sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const item = (m: PodMetricsEntry): Json => ({
      metadata: { name: m.name, namespace: m.namespace, creationTimestamp: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') },
      timestamp: new Date(m.timestampMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      window: `${m.windowSeconds}s`,
      containers: m.containers.map((c) => ({ name: c.name, usage: { cpu: c.cpu, memory: c.memory } })),
    });
    if (info.verb === 'get') {
      const m = this.podMetrics.get(keyOf(info.namespace, info.name));
      if (!m) {
        this.sendStatus(res, 404, 'NotFound', `podmetrics.metrics.k8s.io "${info.name}" not found`, { name: info.name, group: METRICS_GROUP, kind: 'pods' });
        return;
      }
      this.send(res, 200, { kind: 'PodMetrics', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, ...item(m) });
      return;
    }
    const items = [...this.podMetrics.values()].filter((m) => info.namespace === '' || m.namespace === info.namespace).map(item);
    this.send(res, 200, { kind: 'PodMetricsList', apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, metadata: {}, items });
  }
}

function keyOfStored(s: Stored): string {
  return keyOf(s.namespace, s.name);
}

function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

function resourceList(group: string, version: string, types: readonly ResourceType[]): Json {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: types.map((t) => ({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
      ...(t.resource === 'pods' ? { categories: ['all'] } : {}),
    })),
  };
}

/** k8s.io/apiserver RequestInfo: verb, group, resource, namespace, name of a request. */
export function requestInfo(method: string, url: URL, parts: readonly string[]): ApiRequest {
  const base = { path: url.pathname, query: url.search };
  const nonResource = (): ApiRequest => ({ verb: 'get', apiGroup: '', resource: '', subresource: '', namespace: '', name: '', nonResourceURL: url.pathname, ...base });
  let rest: readonly string[];
  let apiGroup: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    apiGroup = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    apiGroup = parts[1]!;
    rest = parts.slice(3);
  } else {
    return nonResource();
  }
  if (rest.length === 0) return nonResource();
  let namespace = '';
  let resource: string;
  let name = '';
  let subresource = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]!;
    resource = rest[2]!;
    name = rest[3] ?? '';
    subresource = rest[4] ?? '';
  } else {
    resource = rest[0]!;
    name = rest[1] ?? '';
    subresource = rest[2] ?? '';
    // GET /api/v1/namespaces/<name> names the namespace itself.
    if (resource === 'namespaces' && name !== '') namespace = name;
  }
  const watch = url.searchParams.get('watch');
  const isWatch = watch === 'true' || watch === '1';
  let verb: ApiRequest['verb'];
  if (method === 'GET') verb = name !== '' ? 'get' : isWatch ? 'watch' : 'list';
  else if (method === 'POST') verb = 'create';
  else if (method === 'PUT') verb = 'update';
  else if (method === 'PATCH') verb = 'patch';
  else verb = 'delete';
  return { verb, apiGroup, resource, subresource, namespace, name, ...base };
}

export const READ_ONLY_VERBS: readonly string[] = READ_VERBS;

export function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  return FakeApiServer.start(options);
}
