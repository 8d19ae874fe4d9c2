// `kubectl cost` cold start: wall time of whole processes, from spawn to exit, median of N runs.
//   - `kubectl-cost version` (the plugin's floor: Node start + argument parsing)
//   - `kubectl-cost namespace --snapshot` on examples/cluster.json and on a synthetic 10,000-pod cluster
//   - `kubectl-cost namespace --server URL` and through the API server's service proxy (test API
//     server + kubeconfig), answered by a local server with the OpenCost-shaped allocations of the
//     example cluster (the same rows the exporter's API serves; no history needed to time a start)
//   - `kubectl cost namespace --snapshot` through the real kubectl (adds kubectl's own start)
// Run alone (`node bench/kubectl-cost.ts`) or from `npm run bench` (bench/run.ts calls it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { generateSyntheticList } from '../src/sources/synthetic.ts';
import { median } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');


function run(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((res, rej) => {
    const t = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', rej);
    child.once('exit', (code) => {
      const ms = performance.now() - t;
      if (code !== 0) rej(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
      else res(ms);
    });
  });
}

export interface KubectlCostBench {
  readonly name: string;
  readonly medianMs: number;
  readonly runs: number;
}

export async function benchKubectlCost(options: { runs?: number } = {}): Promise<{ results: KubectlCostBench[]; load: string }> {
  const runs = options.runs ?? 15;
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-cost-bench-'));
  const results: KubectlCostBench[] = [];
  const { startFakeApiServer } = await import('../test/kube-apiserver/server.ts');
  const api = await startFakeApiServer({ token: 'bench' });
  // OpenCost-shaped rows of the example cluster, computed once in this process.
  const { loadOfflineCluster } = await import('../src/kubectl/snapshot.ts');
  const { allocationsFromReport } = await import('../src/kubectl/allocations.ts');
  const offline = await loadOfflineCluster({ paths: [join(ROOT, 'examples/cluster.json')], nowMs: Date.now(), windowMs: 86_400_000 });
  const rows = allocationsFromReport(offline.report, 1440);
  const body = JSON.stringify({ code: 200, status: 'success', data: [Object.fromEntries(rows.map((r, i) => [`${r.name}#${i}`, r]))] });
  const http = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const serverUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  try {
    symlinkSync(join(ROOT, 'bin/kubectl-cost.js'), join(dir, 'kubectl-cost'));
    const synthetic = join(dir, 'synthetic-10k.json');
    writeFileSync(synthetic, JSON.stringify(generateSyntheticList({ nodes: 1000, pods: 10_000 })));
    api.proxyService('kube-cost', 'kube-cost-exporter', '9090', serverUrl);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfig());
    const env = { PATH: [dir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'), HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
    const plugin = join(ROOT, 'bin/kubectl-cost.js');
    const cases: { name: string; command: string; args: string[] }[] = [
      { name: 'kubectl-cost version', command: process.execPath, args: [plugin, 'version'] },
      { name: 'kubectl-cost namespace --snapshot examples/cluster.json (105 pods)', command: process.execPath, args: [plugin, 'namespace', '--snapshot', join(ROOT, 'examples/cluster.json')] },
      { name: 'kubectl-cost namespace --server URL (105 pods)', command: process.execPath, args: [plugin, 'namespace', '--server', serverUrl] },
      { name: 'kubectl-cost namespace via the API server service proxy (105 pods)', command: process.execPath, args: [plugin, 'namespace'] },
      { name: 'kubectl cost namespace --snapshot (real kubectl, 105 pods)', command: 'kubectl', args: ['cost', 'namespace', '--snapshot', join(ROOT, 'examples/cluster.json')] },
      { name: 'kubectl-cost namespace --snapshot synthetic (10,000 pods)', command: process.execPath, args: [plugin, 'namespace', '--snapshot', synthetic] },
    ];
    for (const c of cases) {
      await run(c.command, c.args, env); // warm the file cache
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await run(c.command, c.args, env));
      results.push({ name: c.name, medianMs: median(times), runs });
    }
  } finally {
    http.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { results, load: loadavg().map((l) => l.toFixed(2)).join(', ') };
}

export function printKubectlCostBench(r: { results: KubectlCostBench[]; load: string }): void {
  console.log(`\nkubectl cost cold start (median of ${r.results[0]?.runs ?? 0} runs; load average ${r.load}; target ≤ 400 ms)`);
  console.log('| command | median |');
  console.log('| --- | --- |');
  for (const x of r.results) console.log(`| ${x.name} | ${x.medianMs.toFixed(0)} ms |`);
}

if (import.meta.main) printKubectlCostBench(await benchKubectlCost());
