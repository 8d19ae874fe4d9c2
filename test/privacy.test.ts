// The privacy switch through the real exporter: /metrics of the example snapshot with names hashed
// carries the same money under hashed names, and none of the real pod or namespace names.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import { startServer } from '../src/cli/serve.ts';
import { memoryLogger } from '../src/server/log.ts';

const examples = new URL('../examples/', import.meta.url).pathname;

async function scrape(args: string[]): Promise<{ text: string; namespaces: string[]; pods: string[]; total: number; logs: string[] }> {
  const config = loadServeConfig(parseArgs(['--snapshot', `${examples}cluster.json`, '--snapshot', `${examples}metrics.json`, ...args]), {});
  const logger = memoryLogger();
  const server = await startServer({ ...config, port: 0, host: '127.0.0.1' }, logger, 'test');
  try {
    const report = server.exporter.report()!;
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return {
      text,
      namespaces: report.namespaces.map((n) => n.namespace).filter((n) => !n.startsWith('__')),
      pods: report.pods.map((p) => p.name),
      total: report.cluster.totalHourlyUsd,
      logs: logger.lines.map((l) => `${l.level} ${l.msg}`),
    };
  } finally {
    await server.close();
  }
}

test('--hash-names pods,namespaces,labels with a salt: same costs, hashed names, no real name in /metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-privacy-'));
  try {
    writeFileSync(join(dir, 'salt'), 'per-cluster-secret\n');
    const plain = await scrape([]);
    const hidden = await scrape(['--hash-names', 'pods,namespaces,labels', '--hash-salt-file', join(dir, 'salt')]);
    assert.equal(hidden.total, plain.total);
    assert.equal(hidden.pods.length, plain.pods.length);
    for (const ns of plain.namespaces) assert.ok(!hidden.text.includes(`namespace="${ns}"`), `namespace ${ns} in /metrics`);
    for (const pod of plain.pods) assert.ok(!hidden.text.includes(`pod="${pod}"`), `pod ${pod} in /metrics`);
    for (const ns of hidden.namespaces) assert.match(ns, /^h-[0-9a-f]{12}$/);
    assert.ok(hidden.logs.includes('info privacy: pods, namespaces, labels shown as hashes in every output'));
    // The same salt gives the same hashes on the next start (dashboards and history stay continuous).
    const again = await scrape(['--hash-names', 'pods,namespaces,labels', '--hash-salt-file', join(dir, 'salt')]);
    assert.deepEqual(again.namespaces, hidden.namespaces);
    const unsalted = await scrape(['--hash-names', 'pods']);
    assert.ok(unsalted.logs.some((l) => l.startsWith('warn privacy: --hash-names without --hash-salt-file')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('privacy options are validated at start', () => {
  const cases: [string[], string][] = [
    [['--hash-names', 'pods,secrets'], '--hash-names: must be one of pods, namespaces, labels (got "secrets")'],
    [['--hash-salt-file', '/tmp/salt'], '--hash-salt-file: needs --hash-names (it salts those hashes)'],
    [['--annotation-allowlist', 'bad key'], '--annotation-allowlist: not an annotation key, prefix/* or * (got "bad key")'],
  ];
  for (const [args, message] of cases) assert.throws(() => loadServeConfig(parseArgs(['--source', 'demo', ...args]), {}), { message }, args.join(' '));
  const ok = loadServeConfig(parseArgs(['--source', 'demo', '--annotation-allowlist', 'example.com/*', '--annotation-allowlist', 'budget']), {});
  assert.deepEqual(ok.annotationAllowList, ['example.com/*', 'budget']);
  assert.deepEqual(loadServeConfig(parseArgs(['--source', 'demo']), {}).annotationAllowList, ['budget', 'cost-center', 'owner', 'team', 'kube-cost-exporter.io/*', 'cluster-autoscaler.kubernetes.io/*']);
});
