// Backends for the UI's browser tests and benchmark: the exporter's own app, allocation API and
// history store in this process, fed by `days` of hourly demo-cluster cycles — the whole cycle →
// store → /api/v1 path, without the CLI.
import { serve } from '@hono/node-server';
import { loadCatalog } from '../../src/pricing/catalog.ts';
import { createPriceBook } from '../../src/pricing/pricebook.ts';
import { createApp } from '../../src/server/app.ts';
import { createExporter } from '../../src/server/exporter.ts';
import { memoryLogger } from '../../src/server/log.ts';
import { createDemoSource } from '../../src/sources/demo.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { cycleBatch } from '../../src/store/record.ts';
import { freePort } from './prometheus.ts';

export interface RunningBackend {
  readonly url: string;
  close(): Promise<void>;
}

/** `containers`: also record per-container rows, as `--record-containers` does (aggregate=container answers). */
export async function startRecordedDemo({ days = 10, endMs = Date.now(), containers = false } = {}): Promise<RunningBackend> {
  const HOUR = 3_600_000;
  let now = Math.floor(endMs / HOUR) * HOUR - days * 24 * HOUR;
  const store = createMemoryStore();
  const exporter = createExporter({
    source: createDemoSource(),
    prices: createPriceBook({ catalog: loadCatalog() }),
    logger: memoryLogger(),
    intervalMs: HOUR,
    clusterId: 'demo',
    now: () => now,
    onCycle: {
      component: 'store',
      handle: async (c) => {
        if (!c.first) await store.record(cycleBatch(c, { cluster: 'demo', demo: true, containers }));
      },
    },
  });
  while (now < endMs) {
    await exporter.cycle();
    now += HOUR;
  }
  now = endMs;
  await exporter.cycle();
  const app = createApp({ exporter, history: store, version: 'test', sourceDescription: 'demo cluster (simulated, recorded in-process)' });
  const port = await freePort();
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () =>
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }),
    );
  });
}

// `node test/helpers/ui-backends.ts [days]`: serves it and prints its URL (bench/ui.ts runs it in
// its own process so the browser's driver and the server do not share one event loop).
if (import.meta.main) {
  const backend = await startRecordedDemo({ days: Number(process.argv[2] ?? 10) });
  process.stdout.write(`${backend.url}\n`);
  process.once('SIGTERM', () => void backend.close().then(() => process.exit(0)));
}
