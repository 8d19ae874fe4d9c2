// The real `kube-cost-exporter` command, as a user runs it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pkg from '../package.json' with { type: 'json' };
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the exporter, waits until /readyz answers 200, returns helpers to talk to it and stop it. */
async function startCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let logs = '';
  child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
  child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  // Ready once the demo's 30 days of history are backfilled: ~8 s on a quiet two-core machine, over
  // 30 s at load 20 (the limit is generous: it bounds a hang, it does not time the start).
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode}: ${logs}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`exporter not ready after 120 s: ${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, child, exited, logs: () => logs };
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

test('with no cluster it serves the demo cluster, says so first, and stops cleanly on SIGTERM', async () => {
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

test('a running exporter keeps serving the last good numbers when its snapshot turns bad, and recovers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-cli-'));
  const file = join(dir, 'cluster.json');
  copyFileSync(join(EXAMPLES, 'cluster.json'), file);
  const { base, child, exited } = await startCli(['--snapshot', file, '--interval', '1s']);
  try {
    const podLines = (text: string) => text.split('\n').filter((l) => l.startsWith('kube_cost_pod_hourly_usd{'));
    const good = podLines(await (await fetch(`${base}/metrics`)).text());
    assert.ok(good.length > 50);
    writeFileSync(file, '{"kind": "List", "items": [ {"kind": "Pod", ');
    let ready = 200;
    for (let i = 0; i < 50 && ready === 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ready = (await fetch(`${base}/readyz`)).status;
    }
    assert.equal(ready, 503, '/readyz turns 503 while the snapshot is broken');
    const during = await (await fetch(`${base}/metrics`)).text();
    assert.deepEqual(podLines(during), good, 'same numbers as before');
    assert.match(during, /^kube_cost_errors_total\{component="source",error_type="[a-z_]+"\} [1-9]/m);
    copyFileSync(join(EXAMPLES, 'cluster.json'), file);
    for (let i = 0; i < 50 && ready !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ready = (await fetch(`${base}/readyz`)).status;
    }
    assert.equal(ready, 200, 'recovers once the file is good again');
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM with a request that never completes: the exporter exits by --shutdown-timeout, saying why; a second signal exits at once', async () => {
  const { connect } = await import('node:net');
  for (const second of [false, true]) {
    const { base, child, exited, logs } = await startCli(['--snapshot', join(EXAMPLES, 'cluster.json'), '--shutdown-timeout', '2s']);
    const port = Number(new URL(base).port);
    // A client that sends half a request and waits: the connection is busy, not idle.
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    if (second) {
      await new Promise((r) => setTimeout(r, 300));
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
