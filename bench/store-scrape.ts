// Scrape latency while the allocation API answers a 30-day query (issue 4: a long API query must not
// delay /metrics). An exporter of a synthetic cluster (1,000 pods by default, `--pods N`: small, so
// that a scrape's own rendering does not hide the wait) serves /metrics and /api/v1/allocation over
// HTTP (@hono/node-server, as the exporter does, on 127.0.0.1 and an OS-given port), with a SQLite
// history of 30 days × 10,000 pods made by `node bench/api.ts --db FILE`. A scraper on its own
// thread fetches /metrics every 10 ms, as Prometheus would, and times each answer. For the store on
// the main thread and in its worker thread:
//   - scrape alone: scrapes while nothing else runs (2 s);
//   - during a query: scrapes started while `GET /api/v1/allocation?window=<30 days>&aggregate=namespace`
//     was being answered (5 queries one after another): median and largest latency.
// Run: `node bench/store-scrape.ts --db /tmp/api.db` (after `node bench/api.ts --db /tmp/api.db`).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { allocate } from '../src/core/allocate.ts';
import { loadCatalog } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { createApp } from '../src/server/app.ts';
import { createExporter } from '../src/server/exporter.ts';
import { memoryLogger } from '../src/server/log.ts';
import { convertKubeDocuments } from '../src/sources/kube-objects.ts';
import { convertPodMetricsList } from '../src/sources/pod-metrics.ts';
import { generateSyntheticList, generateSyntheticMetrics } from '../src/sources/synthetic.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { createSqliteStoreInWorker } from '../src/store/sqlite-thread.ts';
import type { HistoryStore } from '../src/store/types.ts';
import { median } from './stats.ts';

const DAY_MS = 86_400_000;

export interface ScrapeDuringQuery {
  readonly store: string;
  readonly scrapeAloneMs: number;
  readonly queryMs: number;
  readonly scrapesDuringQuery: number;
  readonly scrapeDuringQueryMedianMs: number;
  readonly scrapeDuringQueryMaxMs: number;
  readonly load: string;
}

export async function benchScrapeDuringQuery(dbPath: string, pods = 1_000): Promise<ScrapeDuringQuery[]> {
  const list = generateSyntheticList({ nodes: Math.max(1, Math.round(pods / 10)), pods });
  const { snapshot } = convertKubeDocuments([{ doc: list, origin: 'bench' }]);
  const { usage } = convertPodMetricsList(generateSyntheticMetrics(list), 'bench');
  const reading = { snapshot: { ...snapshot, usage }, warnings: [], hasUsage: true };
  const prices = createPriceBook({ catalog: loadCatalog() });
  // Warm the model once (JIT), then the exporter's own cycle.
  allocate(reading.snapshot, prices, { startMs: 0, endMs: 3_600_000 });
  const exporter = createExporter({ source: { kind: 'snapshot', description: 'synthetic', read: async () => reading }, prices, logger: memoryLogger() });
  await exporter.cycle();
  // The window bench/api.ts recorded: the 30 days before 2026-11-30.
  const endMs = Date.parse('2026-11-30T00:00:00Z');
  const window = `${new Date(endMs - 30 * DAY_MS).toISOString().replace('.000', '')},${new Date(endMs).toISOString().replace('.000', '')}`;
  const apiPath = `/api/v1/allocation?window=${window}&aggregate=namespace&accumulate=true`;
  const out: ScrapeDuringQuery[] = [];
  const opens: [string, () => Promise<HistoryStore>][] = [
    ['SQLite on the main thread', async () => createSqliteStore({ path: dbPath })],
    ['SQLite in its worker thread (the exporter)', () => createSqliteStoreInWorker({ path: dbPath })],
  ];
  const now = (): number => performance.timeOrigin + performance.now();
  for (const [name, open] of opens) {
    const store = await open();
    const app = createApp({ exporter, version: 'bench', sourceDescription: 'synthetic', history: store });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    try {
      await (await app.request(apiPath)).arrayBuffer(); // warm-up: page cache, JIT
      // The scraper: its own thread, so its timing does not depend on the main thread being free.
      const scraper = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         const seen = []; let stop = false;
         parentPort.on('message', () => { stop = true; });
         (async () => {
           while (!stop) {
             const t = performance.timeOrigin + performance.now();
             const res = await fetch(workerData.url); await res.arrayBuffer();
             seen.push([t, performance.timeOrigin + performance.now() - t]);
             await new Promise((r) => setTimeout(r, 10));
           }
           parentPort.postMessage(seen);
         })();`,
        { eval: true, workerData: { url: `http://127.0.0.1:${port}/metrics` } },
      );
      const scrapes = new Promise<[number, number][]>((resolve) => scraper.once('message', resolve));
      await new Promise((r) => setTimeout(r, 2_000));
      const aloneUntil = now();
      const busy: [number, number][] = [];
      const queries: number[] = [];
      for (let q = 0; q < 5; q++) {
        const t = now();
        await (await app.request(apiPath)).arrayBuffer();
        busy.push([t, now()]);
        queries.push(now() - t);
      }
      scraper.postMessage('stop');
      const seen = await scrapes;
      await scraper.terminate();
      const alone = seen.filter(([t]) => t < aloneUntil).map(([, ms]) => ms);
      const during = seen.filter(([t]) => busy.some(([a, b]) => t >= a && t < b)).map(([, ms]) => ms);
      out.push({
        store: name,
        scrapeAloneMs: median(alone),
        queryMs: median(queries),
        scrapesDuringQuery: during.length,
        scrapeDuringQueryMedianMs: during.length ? median(during) : Number.NaN,
        scrapeDuringQueryMaxMs: during.length ? Math.max(...during) : Number.NaN,
        load: loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
      });
    } finally {
      await new Promise((r) => server.close(r));
      await store.close();
    }
  }
  return out;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--db');
  const db = at === -1 ? undefined : args[at + 1];
  if (db === undefined || !existsSync(db)) {
    console.error('usage: node bench/store-scrape.ts --db FILE   (FILE made by: node bench/api.ts --db FILE)');
    process.exit(2);
  }
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log('| store | scrape alone (median) | 30-day query, end to end (median) | scrapes during the queries | scrape during a query: median | largest | load (1/5/15 min) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  const podsAt = args.indexOf('--pods');
  for (const r of await benchScrapeDuringQuery(db, podsAt === -1 ? undefined : Number(args[podsAt + 1]))) {
    console.log(
      `| ${r.store} | ${r.scrapeAloneMs.toFixed(1)} ms | ${r.queryMs.toFixed(0)} ms | ${r.scrapesDuringQuery} | ${r.scrapeDuringQueryMedianMs.toFixed(1)} ms | ${r.scrapeDuringQueryMaxMs.toFixed(1)} ms | ${r.load} |`,
    );
  }
}
