// Allocation API benchmark (`npm run bench -- --sizes api`): 30 days of hourly history for 10,000
// pods in 50 namespaces on 1,000 nodes, then `GET /api/v1/allocation?window=30d&aggregate=namespace`
// end to end through the Hono app (store query + grouping + JSON), against the 300 ms.
// The store is SQLite (`src/store/sqlite.ts`) when this build has it, else the in-memory store,
// else arrays pre-grouped by pod (only the API's own work is then measured; said in the output).
// Prints medians of 11 runs after a warm-up; figures go to docs/benchmarks.md, "Allocation API".
// `node bench/api.ts --db /tmp/api.db` keeps the SQLite file and, when it exists, only queries it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { computeAllocations } from '../src/api/allocation.ts';
import { parseAggregate } from '../src/api/aggregate.ts';
import { arrayStore } from '../src/api/array-store.test-util.ts';
import { parseFilter } from '../src/api/filter.ts';
import { apiRoutes } from '../src/server/api-routes.ts';
import { ZERO_AMOUNTS } from '../src/store/record.ts';
import type { AllocationInterval, CycleBatch, HistoryStore, NodeInterval } from '../src/store/types.ts';
import { median } from './stats.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ApiBenchOptions {
  readonly pods?: number;
  readonly nodes?: number;
  readonly namespaces?: number;
  readonly days?: number;
  readonly repeats?: number;
  /** sqlite: in a worker thread, as the exporter opens it; sqlite-in-thread: on the main thread. */
  readonly store?: 'sqlite' | 'sqlite-in-thread' | 'memory' | 'arrays';
  /** SQLite file to use; when it already holds the history, recording is skipped (`--db PATH`). */
  readonly dbPath?: string;
}

export interface ApiBenchResult {
  readonly store: string;
  readonly pods: number;
  readonly days: number;
  readonly recordMsPerCycle: number;
  readonly maintainMs: number;
  readonly storeQueryMs: number;
  readonly groupMs: number;
  readonly endToEndMs: number;
  /** CPU time of the process (every thread: the store's worker too) for one end-to-end request: less sensitive to a loaded machine than wall time. */
  readonly endToEndCpuMs: number;
  readonly answerBytes: number;
  readonly groups: number;
  readonly load: readonly number[];
}

/** One pod's figures for one hour (amounts): 0.25–1 core, 0.5–2 GiB, on-demand m5-like prices. */
function podTemplate(i: number, namespaces: number, nodes: number): AllocationInterval {
  const cores = 0.25 * (1 + (i % 4));
  const gib = 0.5 * (1 + (i % 4));
  const ns = `team-${i % namespaces}`;
  return {
    cluster: 'bench',
    startMs: 0,
    endMs: HOUR_MS,
    kind: 'pod',
    key: `uid-${i}`,
    namespace: ns,
    pod: `app-${i}`,
    node: `node-${i % nodes}`,
    controllerKind: 'deployment',
    controller: `app-${Math.floor(i / 10)}`,
    labels: { app: `app-${Math.floor(i / 10)}`, team: ns },
    annotations: {},
    minutes: 60,
    ...ZERO_AMOUNTS,
    cpuCoreRequestHours: cores,
    cpuCoreUsageHours: cores * 0.4,
    cpuCoreHours: cores,
    ramByteRequestHours: gib * 2 ** 30,
    ramByteUsageHours: gib * 0.6 * 2 ** 30,
    ramByteHours: gib * 2 ** 30,
    usageMinutes: 60,
    cpuCostUsd: cores * 0.031611,
    ramCostUsd: gib * 0.004237,
  };
}

function nodeTemplate(i: number): NodeInterval {
  return {
    cluster: 'bench',
    startMs: 0,
    endMs: HOUR_MS,
    node: `node-${i}`,
    providerId: `aws:///us-east-1a/i-${i}`,
    instanceType: 'm5.2xlarge',
    region: 'us-east-1',
    zone: 'us-east-1a',
    pool: 'general',
    capacityType: 'on-demand',
    priceSource: 'catalog',
    minutes: 60,
    cpuCores: 8,
    ramBytes: 32 * 2 ** 30,
    gpus: 0,
    cpuCostUsd: 0.25,
    ramCostUsd: 0.134,
    gpuCostUsd: 0,
    totalCostUsd: 0.384,
    onDemandCostUsd: 0.384,
    idleCostUsd: 0.1,
    basis: 'estimated',
  };
}

async function openStore(kind: 'sqlite' | 'sqlite-in-thread' | 'memory', dbPath: string): Promise<HistoryStore | undefined> {
  // Variable paths: this benchmark also runs on builds without the store modules.
  const sqlitePath = '../src/store/sqlite.ts';
  const threadPath = '../src/store/sqlite-thread.ts';
  const memoryPath = '../src/store/memory.ts';
  try {
    if (kind === 'sqlite') {
      const m = (await import(threadPath)) as { createSqliteStoreInWorker(o: { path: string }): Promise<HistoryStore> };
      return await m.createSqliteStoreInWorker({ path: dbPath });
    }
    if (kind === 'sqlite-in-thread') {
      const m = (await import(sqlitePath)) as { createSqliteStore(o: { path: string }): HistoryStore };
      return m.createSqliteStore({ path: dbPath });
    }
    const m = (await import(memoryPath)) as { createMemoryStore(): HistoryStore };
    return m.createMemoryStore();
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

export async function benchApi(options: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const { pods = 10_000, nodes = 1_000, namespaces = 50, days = 30, repeats = 11 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'kce-bench-api-'));
  // A fixed end (a whole day), so that a kept database (`--db`) is queried over the same 30 days.
  const endMs = Date.parse('2026-11-30T00:00:00Z');
  const reuse = options.dbPath !== undefined && existsSync(options.dbPath);
  const startMs = endMs - days * DAY_MS;
  const podRows = Array.from({ length: pods }, (_, i) => podTemplate(i, namespaces, nodes));
  const nodeRows = Array.from({ length: nodes }, (_, i) => nodeTemplate(i));
  let store: HistoryStore | undefined;
  let storeName = '';
  const wanted = options.store;
  for (const kind of wanted === undefined ? (['sqlite', 'memory'] as const) : wanted === 'arrays' ? [] : [wanted]) {
    store = await openStore(kind, options.dbPath ?? join(dir, 'history.db'));
    if (store) {
      storeName = store.description;
      break;
    }
  }
  let recordMsPerCycle = Number.NaN;
  let maintainMs = Number.NaN;
  try {
    if (store && reuse) {
      storeName += ' (kept from an earlier run)';
    } else if (store) {
      const writes: number[] = [];
      for (let t = startMs; t < endMs; t += HOUR_MS) {
        const batch: CycleBatch = {
          cluster: 'bench',
          startMs: t,
          endMs: t + HOUR_MS,
          demo: false,
          allocations: podRows.map((r) => ({ ...r, startMs: t, endMs: t + HOUR_MS })),
          nodes: nodeRows.map((r) => ({ ...r, startMs: t, endMs: t + HOUR_MS })),
          disks: [],
          loadBalancers: [],
          clusterCharges: { cluster: 'bench', startMs: t, endMs: t + HOUR_MS, minutes: 60, managementCostUsd: 0.1 },
        };
        const w = performance.now();
        await store.record(batch);
        writes.push(performance.now() - w);
        if ((t - startMs) % (5 * DAY_MS) === 0) process.stderr.write(`bench api: recorded ${(t - startMs) / DAY_MS} of ${days} days\n`);
      }
      recordMsPerCycle = median(writes);
      const m = performance.now();
      await store.maintain(endMs);
      maintainMs = performance.now() - m;
    } else {
      // No store in this build: what a store answers for 30 days, one row per pod.
      const hours = days * 24;
      const grouped = podRows.map((r) => {
        const scaled: Record<string, unknown> = { ...r, startMs, endMs };
        for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'startMs' && k !== 'endMs') scaled[k] = v * hours;
        return scaled as unknown as AllocationInterval;
      });
      store = arrayStore({ allocations: grouped });
      storeName = 'arrays pre-grouped by pod (no store in this build: API work only)';
    }
    const app = apiRoutes({ store, now: () => endMs - 1 });
    const window = `${new Date(startMs).toISOString().replace('.000', '')},${new Date(endMs).toISOString().replace('.000', '')}`;
    const path = `/allocation?window=${window}&aggregate=namespace&accumulate=true`;
    const query = { startMs, endMs };
    const opts = { aggregate: parseAggregate('namespace'), filter: parseFilter(''), includeIdle: false, shareIdle: false, idleByNode: false };
    // Warm-up (JIT, SQLite page cache).
    const first = await app.request(path);
    if (first.status !== 200) throw new Error(`allocation answered ${first.status}: ${await first.text()}`);
    const answerBytes = (await first.arrayBuffer()).byteLength;
    const storeTimes: number[] = [];
    const groupTimes: number[] = [];
    const e2eTimes: number[] = [];
    const e2eCpu: number[] = [];
    let groups = 0;
    for (let i = 0; i < repeats; i++) {
      let t = performance.now();
      const sets = await store.allocations(query);
      storeTimes.push(performance.now() - t);
      t = performance.now();
      const result = computeAllocations(sets, opts);
      groupTimes.push(performance.now() - t);
      groups = result[0]?.allocations.length ?? 0;
      t = performance.now();
      const cpu = process.cpuUsage();
      const res = await app.request(path);
      await res.arrayBuffer();
      e2eTimes.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      e2eCpu.push((used.user + used.system) / 1000);
    }
    return {
      store: storeName,
      pods,
      days,
      recordMsPerCycle,
      maintainMs,
      storeQueryMs: median(storeTimes),
      groupMs: median(groupTimes),
      endToEndMs: median(e2eTimes),
      endToEndCpuMs: median(e2eCpu),
      answerBytes,
      groups,
      load: loadavg(),
    };
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printApiBench(r: ApiBenchResult): void {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  console.log(
    `api: ${r.pods} pods × ${r.days} days hourly, store: ${r.store} | GET /api/v1/allocation?window=${r.days}d&aggregate=namespace (${r.groups} namespaces, ${r.answerBytes} bytes): ` +
      `end to end ${f(r.endToEndMs)} ms, CPU ${f(r.endToEndCpuMs)} ms (store query ${f(r.storeQueryMs)} ms + grouping ${f(r.groupMs, 2)} ms) | record ${f(r.recordMsPerCycle)} ms/cycle, maintain ${f(r.maintainMs, 0)} ms | load ${r.load.map((l) => l.toFixed(2)).join(' ')}`,
  );
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args[i + 1];
  };
  const store = value('--store') as ApiBenchOptions['store'];
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  const dbPath = value('--db');
  printApiBench(await benchApi({ ...(store ? { store } : {}), ...(dbPath ? { dbPath } : {}), ...(value('--days') ? { days: Number(value('--days')) } : {}) }));
}
