// Live collection against the test API server (each in its own process):
//   - initial sync time, RSS and heap per cached pod at 10,000 and 100,000 pods
//   - 500 watch events per second for 60 s: RSS and heap slope (flat is the target)
// Usage: node --expose-gc bench/kube.ts [--sizes 10000,100000] [--churn-pods 10000] [--rate 500]
//        [--seconds 60] [--out FILE]
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { slope } from './stats.ts';

const args = process.argv.slice(2);
const arg = (flag: string, fallback: string): string => {
  const i = args.indexOf(flag);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const sizes = arg('--sizes', '10000,100000').split(',').map(Number);
const churnPods = Number(arg('--churn-pods', '10000'));
const rate = Number(arg('--rate', '500'));
const seconds = Number(arg('--seconds', '60'));
const outFile = args.includes('--out') ? arg('--out', '') : undefined;

type Json = Record<string, unknown>;

interface Child {
  readonly proc: ChildProcess;
  next(): Promise<Json>;
  send(line: string): void;
}

function start(script: string, scriptArgs: string[]): Child {
  const proc = spawn(process.execPath, ['--expose-gc', new URL(script, import.meta.url).pathname, ...scriptArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
  const queue: Json[] = [];
  const waiters: ((j: Json) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const j = JSON.parse(line) as Json;
    const w = waiters.shift();
    if (w) w(j);
    else queue.push(j);
  });
  return {
    proc,
    next: () =>
      new Promise((resolve, reject) => {
        const q = queue.shift();
        if (q) return resolve(q);
        waiters.push(resolve);
        proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
      }),
    send: (line) => proc.stdin!.write(`${line}\n`),
  };
}

function kubeconfig(server: Json, dir: string): string {
  const path = join(dir, `kubeconfig-${Date.now()}`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: bench',
      '  cluster:',
      `    server: ${server['url']}`,
      `    certificate-authority-data: ${Buffer.from(String(server['caPem'])).toString('base64')}`,
      'users:',
      '- name: bench',
      '  user:',
      `    token: ${server['token']}`,
      'contexts:',
      '- name: bench',
      '  context: {cluster: bench, user: bench}',
      'current-context: bench',
      '',
    ].join('\n'),
  );
  return path;
}


const dir = mkdtempSync(join(tmpdir(), 'kce-bench-kube-'));
const results: Json = { machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`, sync: [] as Json[] };
console.log(`kube-cost-exporter live collection benchmark — ${results['machine']}`);
console.log('');
console.log('pods      sync     CPU      RSS peak  RSS after  heap     heap/pod   (client library alone: RSS)');

try {
  for (const pods of [...new Set([...sizes, churnPods])]) {
    const server = start('./kube-server.ts', ['--pods', String(pods)]);
    const ready = await server.next();
    const collector = start('./kube-collector.ts', [kubeconfig(ready, dir), String(pods)]);
    const loaded = await collector.next();
    const synced = await collector.next();
    if (sizes.includes(pods)) {
      (results['sync'] as Json[]).push({ ...synced, ...loaded });
      console.log(
        `${String(pods).padEnd(9)} ${`${(Number(synced['syncMs']) / 1000).toFixed(1)} s`.padEnd(8)} ${`${(Number(synced['syncCpuMs']) / 1000).toFixed(1)} s`.padEnd(8)} ${`${synced['rssPeakMB']} MB`.padEnd(9)} ${`${synced['rssMB']} MB`.padEnd(10)} ${`${synced['heapMB']} MB`.padEnd(8)} ${`${synced['heapPerPodBytes']} B`.padEnd(10)} (${loaded['rssLoadedMB']} MB; bare Node ${loaded['rssBareMB']} MB)`,
      );
    }
    if (pods === churnPods && seconds > 0) {
      collector.send(`sample ${seconds + 10}`);
      await new Promise((r) => setTimeout(r, 5000));
      server.send(`churn ${rate} ${seconds}`);
      const churned = await server.next();
      const sampled = await collector.next();
      type Sample = { t: number; rssMB: number; heapMB: number };
      const samples = sampled['samples'] as Sample[];
      const retained = sampled['retained'] as Sample[];
      // The churn runs from t = 5 s to 5 + seconds; the first 10 s warm up (pools, JIT, caches).
      const during = (s: Sample): boolean => s.t >= 15 && s.t <= seconds + 5;
      const steady = samples.filter(during);
      const kept = retained.filter(during);
      const rssSlope = slope(steady.map((s) => [s.t / 60, s.rssMB]));
      const retainedRssSlope = slope(kept.map((s) => [s.t / 60, s.rssMB]));
      const retainedHeapSlope = slope(kept.map((s) => [s.t / 60, s.heapMB]));
      results['churn'] = { pods, rate, seconds, eventsSent: churned['events'], eventsSeen: sampled['events'], rssSlopeMBPerMin: rssSlope, retainedRssSlopeMBPerMin: retainedRssSlope, retainedHeapSlopeMBPerMin: retainedHeapSlope, ...sampled };
      console.log('');
      console.log(`churn: ${churned['events']} events in ${(Number(churned['ms']) / 1000).toFixed(0)} s on ${pods} pods (${rate}/s), ${sampled['events']} seen by the collector`);
      console.log(`  RSS every second:    ${steady[0]?.rssMB} → ${steady[steady.length - 1]?.rssMB} MB (max ${Math.max(...steady.map((s) => s.rssMB))}), slope ${rssSlope.toFixed(2)} MB/min`);
      console.log(`  after a GC every 5 s: RSS ${kept[0]?.rssMB} → ${kept[kept.length - 1]?.rssMB} MB, slope ${retainedRssSlope.toFixed(2)} MB/min; heap ${kept[0]?.heapMB} → ${kept[kept.length - 1]?.heapMB} MB, slope ${retainedHeapSlope.toFixed(2)} MB/min`);
      console.log(`  read (snapshot for a cost cycle) while churning: ${sampled['readMeanMs']} ms mean`);
    }
    collector.send('exit');
    server.send('exit');
    await Promise.all([new Promise((r) => collector.proc.once('exit', r)), new Promise((r) => server.proc.once('exit', r))]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (outFile) writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
