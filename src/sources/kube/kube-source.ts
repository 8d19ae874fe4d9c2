// The `kube` source: the live cluster through informers (list + watch per resource, reflector.ts)
// and the metrics API (polled once per read, averaged over a short window). Implements the
// ClusterSource port; read() assembles a snapshot from the caches and never waits on the network
// except for the metrics poll (and, on the very first read, for the initial lists).
//
// read() throws, so that the exporter keeps its last good numbers and /readyz turns false:
//   - until every resource has been listed once (KubeNotReadyError "initial sync"),
//   - while the API server has been unreachable for `unreachableAfterMs` (KubeNotReadyError).
import type { WorkloadPolicies } from '../../core/advice/policies.ts';
import type { InputError } from '../../core/errors.ts';
import { ObjectLimitError } from '../../core/errors.ts';
import type { ClusterSnapshot, NodeInfo, NodeUsage, UsageByPod } from '../../core/model.ts';
import type { ClusterSource, SourceHealth, SourceReading } from '../source.ts';
import type { Change, ObjectCache } from './cache.ts';
import { cachedValues, cachedWarnings } from './cache.ts';
import type { CachedPod, CachedValues } from './convert.ts';
import { KubeNotReadyError } from './errors.ts';
import type { FinishedPod, PodLifecycle } from './lifecycle.ts';
import { createPodLifecycle, observePodChange, takeFinished } from './lifecycle.ts';
import type { UsageState } from './metrics.ts';
import { pollNodeMetrics, pollPodMetrics } from './metrics.ts';
import { withResolvedWorkload } from './owners.ts';
import type { BackoffOptions, KubeLogger, ReflectorStatus } from './reflector.ts';
import { abortableSleep, Reflector, SILENT_LOGGER } from './reflector.ts';
import type { WatchedResource, WatchedResourceName } from './resources.ts';
import { NODE_METRICS_PATH, WATCHED_RESOURCES } from './resources.ts';
import type { KubeTransport } from './transport.ts';
import type { UsageWindow } from './usage-window.ts';
import { addUsageSample, averageUsage, createUsageWindow, DEFAULT_USAGE_WINDOW_MS, pruneUsage } from './usage-window.ts';

export interface KubeSourceOptions {
  readonly transport: KubeTransport;
  /** For the first log line, e.g. `kube context prod (https://10.0.0.1:443)`. */
  readonly description?: string;
  /** Poll the metrics API for usage (default true). */
  readonly metrics?: boolean;
  /** Usage is averaged over this window (default 5 minutes). */
  readonly usageWindowMs?: number;
  /** The first read waits this long for the initial lists (default 60 s), then throws. */
  readonly firstSyncTimeoutMs?: number;
  /** read() throws once requests have been failing this long (default 10 s; 0: at once). */
  readonly unreachableAfterMs?: number;
  /** Pods that finished on a node deleted less than this long ago are still priced (default 30 min). */
  readonly deletedNodeRetentionMs?: number;
  readonly pageSize?: number;
  /** `--max-objects`: most objects kept per resource; past it, new ones are not read and a warning says how many. */
  readonly maxObjects?: number;
  readonly watchTimeoutSeconds?: number;
  readonly metricsTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly logger?: KubeLogger;
}

export interface UsageStatus {
  readonly state: UsageState;
  /** Why usage is not measured, for /readyz detail and logs; empty when `ok`. */
  readonly detail: string;
  /** Pods with usage in the window. */
  readonly pods: number;
  readonly lastPollMs: number | undefined;
}

export interface KubeSourceStatus {
  readonly server: string;
  /** Every resource has been listed once. */
  readonly synced: boolean;
  /** No request has been failing for `unreachableAfterMs`. */
  readonly reachable: boolean;
  readonly resources: readonly ReflectorStatus[];
  readonly usage: UsageStatus;
}

export interface KubeReading extends SourceReading {
  readonly usageStatus: UsageStatus;
  /** Pods that stopped running since the previous read, with when they started and stopped. */
  readonly finishedPods: readonly FinishedPod[];
  /**
   * HPAs and PDBs for the advice; absent while RBAC refuses HPAs (not known, rather than none).
   * PDBs refused: none listed, which the spot advice reads as not known anyway.
   */
  readonly policies?: WorkloadPolicies;
}

export interface KubeSource extends ClusterSource {
  readonly kind: 'kube';
  /** Starts the informers (read() does it too). */
  start(): void;
  read(nowMs: number): Promise<KubeReading>;
  status(): KubeSourceStatus;
  /** Ready once every required resource is listed and while the API server answers; /readyz detail. */
  health(): SourceHealth;
  close(): Promise<void>;
}

/** `status()` as /readyz shows it: the state of each resource in a few fields. */
export function healthOf(st: KubeSourceStatus): SourceHealth {
  const missing = st.resources.filter((r) => !r.synced);
  const failing = st.resources.filter((r) => r.failingSinceMs !== undefined).sort((a, b) => (a.failingSinceMs ?? 0) - (b.failingSinceMs ?? 0))[0];
  let reason = 'ok';
  if (!st.synced) {
    const why = missing.find((r) => r.lastError !== undefined)?.lastError;
    reason = `initial sync: the first list of ${missing.map((r) => r.resource).join(', ')} has not finished${why ? `: ${why}` : ' yet'}`;
  } else if (!st.reachable) {
    reason = `the API server has been unreachable since ${new Date(failing?.failingSinceMs ?? 0).toISOString()}: ${failing?.lastError ?? 'unknown error'}`;
  }
  const resources: Record<string, Record<string, unknown>> = {};
  for (const r of st.resources) {
    resources[r.resource] = {
      synced: r.synced,
      connected: r.connected,
      objects: r.objects,
      lists: r.lists,
      expiredRelists: r.expiredRelists,
      events: r.events,
      ...(r.forbidden ? { forbidden: true } : {}),
      ...(r.consecutiveFailures > 0 ? { consecutiveFailures: r.consecutiveFailures } : {}),
      ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
    };
  }
  return {
    ready: st.synced && st.reachable,
    reason,
    detail: { server: st.server, synced: st.synced, reachable: st.reachable, resources },
  };
}

type Caches = { [R in WatchedResourceName]: ObjectCache<CachedValues[R]> };

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function createKubeSource(options: KubeSourceOptions): KubeSource {
  const {
    transport,
    metrics = true,
    usageWindowMs = DEFAULT_USAGE_WINDOW_MS,
    firstSyncTimeoutMs = 60_000,
    unreachableAfterMs = 10_000,
    deletedNodeRetentionMs = 30 * 60_000,
    metricsTimeoutMs = 15_000,
    now = Date.now,
    sleep = abortableSleep,
    random = Math.random,
    logger = SILENT_LOGGER,
  } = options;
  const description = options.description ?? `kube ${transport.server}`;
  const windowOptions = { windowMs: usageWindowMs };

  const caches: Caches = {
    nodes: new Map(),
    pods: new Map(),
    persistentvolumes: new Map(),
    persistentvolumeclaims: new Map(),
    services: new Map(),
    namespaces: new Map(),
    storageclasses: new Map(),
    replicasets: new Map(),
    jobs: new Map(),
    horizontalpodautoscalers: new Map(),
    poddisruptionbudgets: new Map(),
  };
  /** Bumped on every cache change: an unchanged cluster reuses the previous snapshot's arrays. */
  let version = 0;
  const deletedNodes = new Map<string, { node: NodeInfo; atMs: number }>();
  const nodeOf = (name: string): NodeInfo | undefined => caches.nodes.get(name)?.value ?? deletedNodes.get(name)?.node;
  const lifecycle: PodLifecycle = createPodLifecycle(now());
  const usageWindow: UsageWindow = createUsageWindow();
  let usage: UsageStatus = { state: metrics ? 'pending' : 'disabled', detail: metrics ? 'not polled yet' : 'usage collection is off', pods: 0, lastPollMs: undefined };

  const reflectorFor = <R extends WatchedResourceName>(resource: WatchedResource & { readonly name: R }, onChange?: (change: Change<CachedValues[R]>) => void): Reflector<R> =>
    new Reflector<R>({
      resource,
      transport,
      cache: caches[resource.name] as ObjectCache<CachedValues[R]>,
      onChange: (change) => {
        version++;
        onChange?.(change);
      },
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.maxObjects !== undefined ? { maxObjects: options.maxObjects } : {}),
      ...(options.watchTimeoutSeconds !== undefined ? { watchTimeoutSeconds: options.watchTimeoutSeconds } : {}),
      ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
      now,
      sleep,
      random,
      logger,
    });

  const reflectors: Reflector<WatchedResourceName>[] = WATCHED_RESOURCES.map((resource) => {
    if (resource.name === 'pods') {
      return reflectorFor(resource as WatchedResource & { name: 'pods' }, (change) => {
        observePodChange(lifecycle, change, now(), nodeOf);
        if (change.kind === 'deleted') usageWindow.delete(change.key);
      }) as unknown as Reflector<WatchedResourceName>;
    }
    if (resource.name === 'nodes') {
      return reflectorFor(resource as WatchedResource & { name: 'nodes' }, (change) => {
        if (change.kind === 'deleted' && change.previous) deletedNodes.set(change.key, { node: change.previous, atMs: now() });
        else deletedNodes.delete(change.key);
      }) as unknown as Reflector<WatchedResourceName>;
    }
    return reflectorFor(resource) as unknown as Reflector<WatchedResourceName>;
  });

  // One warning per resource over --max-objects, the same objects while the count stays the same
  // (so the exporter logs and counts it once, not every cycle).
  let limitCache: { key: string; warnings: InputError[] } = { key: '', warnings: [] };
  const limitWarnings = (): readonly InputError[] => {
    const over = reflectors.map((r) => r.status()).filter((st) => st.overLimit > 0);
    const key = over.map((st) => `${st.resource}:${st.overLimit}`).join(',');
    if (key !== limitCache.key) {
      limitCache = {
        key,
        warnings: over.map((st) => new ObjectLimitError(st.resource, 'items', `${st.overLimit} over the limit`, `more than --max-objects (${options.maxObjects ?? 0}) of this kind; the extra ones were not read, so not costed`)),
      };
    }
    return limitCache.warnings;
  };

  let started = false;
  let firstRead = true;
  let closed = false;
  let last: { version: number; snapshot: Omit<ClusterSnapshot, 'usage'>; policies: WorkloadPolicies; warnings: readonly InputError[] } | undefined;

  const status = (): KubeSourceStatus => {
    const resources = reflectors.map((r) => r.status());
    const t = now();
    return {
      server: transport.server,
      synced: resources.every((r) => r.synced),
      reachable: resources.every((r) => r.failingSinceMs === undefined || t - r.failingSinceMs < unreachableAfterMs),
      resources,
      usage,
    };
  };

  let nodeUsage: ReadonlyMap<string, NodeUsage> | undefined;
  let nodeUsageDetail = 'not polled yet';
  const pollUsage = async (nowMs: number): Promise<readonly InputError[]> => {
    if (!metrics) return [];
    const poll = await pollPodMetrics(transport, nowMs, { timeoutMs: metricsTimeoutMs });
    const before = usage.state;
    if (poll.state === 'ok') {
      for (const s of poll.samples) if (caches.pods.has(s.pod)) addUsageSample(usageWindow, s.pod, s.timestampMs, s.containers, windowOptions);
      usage = { state: 'ok', detail: '', pods: 0, lastPollMs: nowMs };
    } else {
      usage = { state: poll.state, detail: poll.detail, pods: 0, lastPollMs: nowMs };
    }
    if (usage.state !== before) {
      if (usage.state === 'ok') logger.info('usage from the metrics API', { path: '/apis/metrics.k8s.io/v1beta1/pods' });
      else logger.warn('no usage from the metrics API; costs use requests', { state: usage.state, detail: usage.detail });
    }
    if (poll.state !== 'ok') {
      nodeUsage = undefined;
      return [];
    }
    // NodeMetrics: the whole node's usage (pods + system), for utilization; costs never depend on it.
    const nodePoll = await pollNodeMetrics(transport, { timeoutMs: metricsTimeoutMs });
    if (nodePoll.state === 'ok') {
      nodeUsage = nodePoll.usage;
      if (nodeUsageDetail !== '') logger.info('node usage from the metrics API', { path: NODE_METRICS_PATH });
      nodeUsageDetail = '';
      return nodePoll.warnings.length === 0 ? poll.warnings : [...poll.warnings, ...nodePoll.warnings];
    }
    nodeUsage = undefined;
    if (nodeUsageDetail !== nodePoll.detail) logger.warn('no node usage from the metrics API; node utilization is not exported', { state: nodePoll.state, detail: nodePoll.detail });
    nodeUsageDetail = nodePoll.detail;
    return poll.warnings;
  };

  const source: KubeSource = {
    kind: 'kube',
    description,

    start() {
      if (started || closed) return;
      started = true;
      for (const r of reflectors) r.start();
    },

    async read(nowMs) {
      source.start();
      if (firstRead) {
        firstRead = false;
        await Promise.all(reflectors.map((r) => r.waitForSync(firstSyncTimeoutMs)));
      }
      const st = status();
      if (!st.synced) {
        const missing = st.resources.filter((r) => !r.synced);
        const why = missing.find((r) => r.lastError !== undefined)?.lastError;
        throw new KubeNotReadyError(
          description,
          'initial sync',
          missing.map((r) => r.resource).join(','),
          `the first list of ${missing.map((r) => r.resource).join(', ')} has not finished${why ? `: ${why}` : ' yet'}`,
        );
      }
      if (!st.reachable) {
        const failing = st.resources.filter((r) => r.failingSinceMs !== undefined).sort((a, b) => (a.failingSinceMs ?? 0) - (b.failingSinceMs ?? 0))[0]!;
        throw new KubeNotReadyError(
          description,
          'connection',
          failing.lastError ?? 'unknown error',
          `the API server has been unreachable since ${new Date(failing.failingSinceMs ?? 0).toISOString()}; the numbers served are from before`,
        );
      }

      const metricWarnings = await pollUsage(nowMs);
      pruneUsage(usageWindow, nowMs, windowOptions, (pod) => caches.pods.has(pod));
      for (const [name, d] of deletedNodes) if (nowMs - d.atMs > deletedNodeRetentionMs) deletedNodes.delete(name);

      if (last === undefined || last.version !== version) {
        // Resolve workloads through the owner caches; store the result back so it happens once.
        const pods: CachedPod[] = [];
        for (const [key, entry] of caches.pods) {
          const pod = entry.value;
          if (pod === undefined) continue;
          const resolved = withResolvedWorkload(pod, caches);
          if (resolved !== pod) caches.pods.set(key, { ...entry, value: resolved });
          pods.push(resolved);
        }
        let warnings: readonly InputError[] = [];
        for (const cache of Object.values(caches) as ObjectCache<unknown>[]) for (const w of cachedWarnings(cache)) (warnings as InputError[]).push(w);
        // The same bad objects as before: the same array, so the exporter does not log them again.
        if (last !== undefined && sameItems(last.warnings, warnings)) warnings = last.warnings;
        last = {
          version,
          snapshot: {
            nodes: cachedValues(caches.nodes),
            pods,
            persistentVolumes: cachedValues(caches.persistentvolumes),
            persistentVolumeClaims: cachedValues(caches.persistentvolumeclaims),
            services: cachedValues(caches.services),
            namespaces: cachedValues(caches.namespaces),
            storageClasses: cachedValues(caches.storageclasses),
          },
          policies: { hpas: cachedValues(caches.horizontalpodautoscalers), pdbs: cachedValues(caches.poddisruptionbudgets) },
          warnings,
        };
      }

      let usageByPod: UsageByPod | undefined;
      if (usage.state === 'ok' || usageWindow.size > 0) {
        usageByPod = averageUsage(usageWindow, nowMs, windowOptions);
        usage = { ...usage, pods: usageByPod.size };
      }
      let snapshot: ClusterSnapshot = usageByPod === undefined ? last.snapshot : { ...last.snapshot, usage: usageByPod };
      if (nodeUsage !== undefined) snapshot = { ...snapshot, nodeUsage };
      const extraWarnings = [...limitWarnings(), ...metricWarnings];
      return {
        snapshot,
        warnings: extraWarnings.length === 0 ? last.warnings : [...last.warnings, ...extraWarnings],
        hasUsage: usageByPod !== undefined && usageByPod.size > 0,
        usageStatus: usage,
        finishedPods: takeFinished(lifecycle, nowMs),
        ...(st.resources.some((r) => r.resource === 'horizontalpodautoscalers' && r.forbidden) ? {} : { policies: last.policies }),
      };
    },

    status,

    health: () => healthOf(status()),

    async close() {
      closed = true;
      await Promise.all(reflectors.map((r) => r.stop()));
      await transport.close();
    },
  };
  return source;
}
