// The `kube` source alone in a process, for bench/kube.ts: what it costs to follow a cluster.
// Usage: node --expose-gc bench/kube-collector.ts KUBECONFIG EXPECTED_PODS
// Prints JSON lines: {phase: 'loaded'} after the client library is imported, {phase: 'synced', ...}
// after the first read, then on stdin `sample SECONDS` it samples RSS and heap every second while
// reading every 5 s (as the exporter would, after a full GC to see what is retained), and prints
// {phase: 'samples', ...}.
import { createInterface } from 'node:readline';
import { kubeSourceFor, loadKubeConfig, transportFor } from '../src/sources/kube/kubeconfig.ts';

const [kubeconfigPath = '', expectedText = '0'] = process.argv.slice(2);
const expected = Number(expectedText);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const settle = (): void => {
  gc?.();
  gc?.();
};
const print = (o: unknown): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

settle();
const bare = process.memoryUsage();
const loaded = await loadKubeConfig({ kubeconfigPath, env: {} });
settle();
const before = process.memoryUsage();
print({ phase: 'loaded', rssBareMB: mb(bare.rss), rssLoadedMB: mb(before.rss), heapLoadedMB: mb(before.heapUsed) });

const source = kubeSourceFor(loaded, transportFor(loaded), { metrics: false, firstSyncTimeoutMs: 600_000 });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const reading = await source.read(Date.now());
const syncMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peak = process.memoryUsage();
settle();
const after = process.memoryUsage();
if (reading.snapshot.pods.length !== expected) throw new Error(`expected ${expected} pods, read ${reading.snapshot.pods.length}`);
print({
  phase: 'synced',
  pods: reading.snapshot.pods.length,
  syncMs: Math.round(syncMs),
  syncCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  rssPeakMB: mb(peak.rss),
  rssMB: mb(after.rss),
  heapMB: mb(after.heapUsed),
  heapPerPodBytes: Math.round((after.heapUsed - before.heapUsed) / reading.snapshot.pods.length),
});

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd !== 'sample') break;
  const seconds = Number(arg);
  const samples: { t: number; rssMB: number; heapMB: number }[] = [];
  /** Every 5 s, after a full GC: what is retained (a leak shows here, not in the sawtooth). */
  const retained: { t: number; rssMB: number; heapMB: number }[] = [];
  const start = performance.now();
  let reads = 0;
  let readMs = 0;
  let pods = 0;
  for (let s = 1; s <= seconds; s++) {
    await new Promise((resolve) => setTimeout(resolve, start + s * 1000 - performance.now()));
    if (s % 5 === 0) {
      settle();
      const r = process.memoryUsage();
      retained.push({ t: s, rssMB: mb(r.rss), heapMB: mb(r.heapUsed) });
      const t = performance.now();
      pods = (await source.read(Date.now())).snapshot.pods.length;
      readMs += performance.now() - t;
      reads++;
    }
    const m = process.memoryUsage();
    samples.push({ t: s, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
  }
  const events = source.status().resources.find((r) => r.resource === 'pods')?.events ?? 0;
  settle();
  print({ phase: 'samples', samples, retained, events, pods, readMeanMs: reads ? Math.round(readMs / reads) : 0, heapAfterGcMB: mb(process.memoryUsage().heapUsed), rssAfterGcMB: mb(process.memoryUsage().rss) });
}
await source.close();
process.exit(0);
