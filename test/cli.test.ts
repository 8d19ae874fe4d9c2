// The real `kube-cost-exporter` command, as a user runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pkg from '../package.json' with { type: 'json' };
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';
import { freePort, promtool } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every exporter started: stopped (SIGKILL after 30 s) when the file ends, whatever the tests did. */
const started = new Set<Child>();
after(async () => {
  await Promise.all([...started].map((c) => c.stop()));
});

/** Polls `check` every 100 ms until it holds; a generous deadline bounds a hang, it times nothing. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the exporter, waits until /readyz answers 200, returns helpers to talk to it and stop it. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const port = await freePort();
  const c = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', ...args], { env });
  started.add(c);
  const child = c.process;
  const logs = (): string => c.output();
  const base = `http://127.0.0.1:${port}`;
  // Ready once the demo's 30 days of history are backfilled: ~8 s on a quiet two-core machine, over
  // 30 s at load 20 (the limit is generous: it bounds a hang, it does not time the start).
  try {
    await until('/readyz 200', async () => {
      if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode}: ${logs()}`);
      return await fetch(`${base}/readyz`).then(
        (r) => r.status === 200,
        () => false, // not listening yet
      );
    }, 240_000);
  } catch (err) {
    await c.stop({ signal: 'SIGKILL' });
    throw new Error(`${(err as Error).message}: ${logs()}`);
  }
  return { base, child, exited: c.exited, logs };
}

test('--help explains every option and exits 0; --version prints the version', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: kube-cost-exporter \[serve\] \[options\]/);
  assert.match(help.stdout, /--snapshot PATH/);
  assert.match(help.stdout, /env KCE_PORT, default 9090/);
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `kube-cost-exporter ${pkg.version}\n`);
});

test('bad options exit 2 with a one-line message naming the option', () => {
  const table: [string[], Record<string, string>, string][] = [
    [['--prot', '9090'], {}, 'kube-cost-exporter: --prot: unknown option (did you mean --port?); see --help\n'],
    [['--interval', 'soon'], {}, 'kube-cost-exporter: --interval: must be a duration such as 30s, 1m or 1m30s (got "soon")\n'],
    [['--reclaim-memory=maybe'], {}, 'kube-cost-exporter: --reclaim-memory: must be one of true, false (got "maybe")\n'],
    [[], { KCE_RECLAIM_MEMORY: 'yes' }, 'kube-cost-exporter: KCE_RECLAIM_MEMORY: must be one of true, false (got "yes")\n'],
    [[], { KCE_LOG_FORMAT: 'xml' }, 'kube-cost-exporter: KCE_LOG_FORMAT: must be one of text, json (got "xml")\n'],
    [['--source', 'demo', '--context', 'prod'], {}, 'kube-cost-exporter: --context: cannot be used with --source demo (it chooses the cluster for --source kube or auto)\n'],
    [['--snapshot', 'a.json'], { KCE_KUBECONFIG: 'kc' }, 'kube-cost-exporter: KCE_KUBECONFIG: cannot be used with --snapshot (it chooses the cluster for --source kube or auto)\n'],
  ];
  for (const [args, env, message] of table) {
    const r = run(args, env);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr, message);
  }
});

test('--source kube with a kubeconfig that cannot be loaded, or no cluster at all, is refused with exit code 2', () => {
  const home = mkdtempSync(join(tmpdir(), 'kce-home-'));
  try {
    const clean = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
    const missing = run(['--source', 'kube', '--kubeconfig', join(home, 'nope'), '--port', '1'], clean);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, new RegExp(`--kubeconfig: cannot load kubeconfig ${join(home, 'nope')}: no such file`));
    const none = run(['--source', 'kube', '--port', '1'], clean);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--source: kube needs a cluster: no --kubeconfig, no KUBECONFIG, no ~\/\.kube\/config, and not running in a pod/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a snapshot that cannot be read at start is refused with exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-cli-'));
  try {
    const missing = run(['--snapshot', join(dir, 'nope.json'), '--port', '1']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--snapshot: cannot read the cluster: .*nope\.json/);
    writeFileSync(join(dir, 'broken.json'), '{"kind": "List", "items": [');
    const broken = run(['--snapshot', join(dir, 'broken.json'), '--port', '1']);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /--snapshot: cannot read the cluster: .*broken\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no cluster it serves the demo cluster, says so first, and stops cleanly on SIGTERM', { timeout: 300_000 }, async () => {
  // No kubeconfig anywhere and not in a pod, whatever the machine running the tests has.
  const home = mkdtempSync(join(tmpdir(), 'kce-home-'));
  const { base, child, exited, logs } = await startCli([], { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home });
  rmSync(home, { recursive: true, force: true });
  const firstLine = logs().split('\n')[0] ?? '';
  assert.match(firstLine, /serving the DEMO cluster \(simulated data, cluster="demo"\): no kubeconfig \(no --kubeconfig, KUBECONFIG or ~\/\.kube\/config\) and not in a pod/);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^kube_cost_pod_hourly_usd\{cluster="demo",namespace="[^"]+",pod="[^"]+",node="[^"]+"\} \d/m);
  assert.match(metrics, /^kube_cost_source_info\{cluster="demo",source="demo"\} 1$/m);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(logs(), /received SIGTERM; shutting down/);
});

test('--reclaim-memory: one memory-reducing collection after each cycle with --expose-gc; said at start without it; off with false', { timeout: 300_000 }, async () => {
  const snapshot = join(EXAMPLES, 'cluster.json');
  const common = ['--snapshot', snapshot, '--interval', '1s', '--log-level', 'debug', '--store', 'memory'];
  const cyclesDone = async (base: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^kube_cost_cycles_total\{result="success"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  // With the collector exposed (the image's and npm start's NODE_OPTIONS): a debug line per collection.
  const on = await startCli(common, { ...process.env, NODE_OPTIONS: '--expose-gc' });
  await until('a collection after a cycle', async () => /memory returned after the cost cycle/.test(on.logs()));
  const line = on.logs().split('\n').find((l) => l.includes('memory returned after the cost cycle')) ?? '';
  assert.match(line, / DEBUG +memory returned after the cost cycle ms=\d+(\.\d+)? rssBeforeMiB=\d+ rssAfterMiB=\d+$/);
  assert.doesNotMatch(on.logs(), /memory is not reclaimed/);
  // The time it held the main thread, as a histogram: real promtool finds nothing to say about it.
  const served = await (await fetch(`${on.base}/metrics`)).text();
  assert.ok(Number(/^kube_cost_memory_reclaim_duration_seconds_count (\d+)$/m.exec(served)?.[1] ?? 0) >= 1, 'kube_cost_memory_reclaim_duration_seconds_count');
  const lint = promtool(['check', 'metrics'], served);
  assert.equal(lint.output, '');
  assert.equal(lint.status, 0);
  on.child.kill('SIGTERM');
  assert.equal(await on.exited, 0);

  // Without it: one line at start says so, and the exporter runs as before.
  const without = await startCli(common, { ...process.env, NODE_OPTIONS: '' });
  assert.match(without.logs(), / INFO +memory is not reclaimed after each cycle: node runs without --expose-gc /);
  without.child.kill('SIGTERM');
  assert.equal(await without.exited, 0);

  // Off: no collection after three cycles of 1 s (each would have had one 1 s after it), and no line about it.
  const off = await startCli([...common, '--reclaim-memory', 'false'], { ...process.env, NODE_OPTIONS: '--expose-gc' });
  await until('three cycles', async () => (await cyclesDone(off.base)) >= 3);
  await new Promise((r) => setTimeout(r, 1500));
  assert.doesNotMatch(off.logs(), /memory returned after the cost cycle|memory is not reclaimed/);
  assert.doesNotMatch(await (await fetch(`${off.base}/metrics`)).text(), /kube_cost_memory_reclaim_duration_seconds/);
  off.child.kill('SIGTERM');
  assert.equal(await off.exited, 0);
});

test('a running exporter keeps serving the last good numbers when its snapshot turns bad, and recovers', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-cli-'));
  const file = join(dir, 'cluster.json');
  copyFileSync(join(EXAMPLES, 'cluster.json'), file);
  const { base, child, exited } = await startCli(['--snapshot', file, '--interval', '1s']);
  try {
    const podLines = (text: string) => text.split('\n').filter((l) => l.startsWith('kube_cost_pod_hourly_usd{'));
    const good = podLines(await (await fetch(`${base}/metrics`)).text());
    assert.ok(good.length > 50);
    writeFileSync(file, '{"kind": "List", "items": [ {"kind": "Pod", ');
    // /readyz turns 503 while the snapshot is broken (at the next cycle: waited for, not timed).
    await until('/readyz 503 while the snapshot is broken', async () => (await fetch(`${base}/readyz`)).status === 503);
    const during = await (await fetch(`${base}/metrics`)).text();
    assert.deepEqual(podLines(during), good, 'same numbers as before');
    assert.match(during, /^kube_cost_errors_total\{component="source",error_type="[a-z_]+"\} [1-9]/m);
    copyFileSync(join(EXAMPLES, 'cluster.json'), file);
    await until('/readyz 200 again once the file is good again', async () => (await fetch(`${base}/readyz`)).status === 200);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM with a request that never completes: the exporter exits by --shutdown-timeout, saying why; a second signal exits at once', { timeout: 300_000 }, async () => {
  const { connect } = await import('node:net');
  for (const second of [false, true]) {
    const { base, child, exited, logs } = await startCli(['--snapshot', join(EXAMPLES, 'cluster.json'), '--shutdown-timeout', '2s']);
    const port = Number(new URL(base).port);
    // A client that sends half a request and waits: the connection is busy, not idle.
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    await new Promise((r) => socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n', r));
    // The half request is in the exporter's socket before this one: once it answers this, its event
    // loop has polled that socket too and counts the connection as busy (not a fixed 200 ms).
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    child.kill('SIGTERM');
    if (second) {
      // The second signal once the first has been handled (its log line), not after a fixed 300 ms.
      await until('the first SIGTERM handled', async () => /received SIGTERM; shutting down/.test(logs()));
      child.kill('SIGTERM');
    }
    const code = await exited;
    socket.destroy();
    assert.equal(code, 1, logs());
    if (second) {
      assert.match(logs(), /received SIGTERM again; exiting without waiting/);
      assert.doesNotMatch(logs(), /shutdown did not finish/);
    } else {
      assert.match(logs(), /shutdown did not finish within 2s \(--shutdown-timeout\); exiting/);
    }
  }
});
