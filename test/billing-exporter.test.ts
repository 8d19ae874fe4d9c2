// Billing reconciliation in the real `kube-cost-exporter` process: a bill directory with one good
// CUR (covering the current hour for one node of examples/cluster.json, an m6i.2xlarge listed at
// 0.384 $/h, billed through a savings plan at 0.2688 $/h) and one malformed file. The exporter keeps
// serving, logs the bad file with line and column, prices the node at its billed rate (source
// billing), and answers /api/v1/reconciliation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnChild } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const HOUR = 3_600_000;

test('a running exporter reads the bill, skips a malformed file (logged with line and column) and keeps serving', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kce-billing-e2e-'));
  const hour = Math.floor(Date.now() / HOUR) * HOUR;
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const header = 'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,savingsPlan/SavingsPlanEffectiveCost,lineItem/ProductCode';
  // Three hours around now so the bill covers the hour the exporter records in, whatever the clock.
  const lines = [-1, 0, 1].flatMap((k) => [
    `SavingsPlanCoveredUsage,i-0aad57431f7b628d0,${iso(hour + k * HOUR)},${iso(hour + (k + 1) * HOUR)},USE1-BoxUsage:m6i.2xlarge,1,0.384,0.2688,AmazonEC2`,
    `SavingsPlanNegation,i-0aad57431f7b628d0,${iso(hour + k * HOUR)},${iso(hour + (k + 1) * HOUR)},USE1-BoxUsage:m6i.2xlarge,1,-0.384,,AmazonEC2`,
  ]);
  writeFileSync(join(dir, 'cur-00001.csv'), `${header}\n${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'cur-00002.csv'), `${header}\nUsage,i-0x,${iso(hour)},${iso(hour + HOUR)},USE1-BoxUsage:m5.large,1,n/a,,AmazonEC2\n`);
  const port = await freePort();
  const child = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', '--snapshot', join(EXAMPLES, 'cluster.json'), '--store', 'memory', '--interval', '1s', '--pricing-refresh', 'off', '--billing-source', dir]);
  const base = `http://127.0.0.1:${port}`;
  try {
    const waitFor = async (what: string, check: () => Promise<boolean>) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.process.exitCode !== null) throw new Error(`exporter exited with ${child.process.exitCode}: ${child.output()}`);
        try {
          if (await check()) return;
        } catch {
          // not yet
        }
        if (Date.now() > deadline) throw new Error(`${what} not seen after 60 s: ${child.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await waitFor('ready', async () => (await fetch(`${base}/readyz`)).status === 200);
    let metrics = '';
    await waitFor('billing metrics and a billed node price', async () => {
      metrics = await (await fetch(`${base}/metrics`)).text();
      return /^kube_cost_billing_files\{result="read"\} 1$/m.test(metrics) && /kube_cost_node_price_source\{node="ip-10-0-16-60\.ec2\.internal",source="billing"\} 1/.test(metrics);
    });
    assert.match(metrics, /^kube_cost_billing_files\{result="skipped"\} 1$/m);
    assert.match(metrics, /kube_cost_node_hourly_usd\{node="ip-10-0-16-60\.ec2\.internal"[^}]*\} 0\.2688\b/);
    // The malformed file is named with its line and column.
    assert.match(child.output(), /bill file skipped: bill \S*cur-00002\.csv:2 column lineItem\/UnblendedCost: not a number \(value "n\/a"\)/);
    // The report: the matched node's hours are billed at 0.2688 $/h, SP coverage the reason.
    const answer = await fetch(`${base}/api/v1/reconciliation?window=1d`);
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { data: { totals: { matchedNodeHours: number; nodeHours: number }; differences: { node: string; reason: string }[] } };
    assert.ok(body.data.totals.matchedNodeHours > 0, JSON.stringify(body.data.totals));
    assert.ok(body.data.totals.nodeHours > body.data.totals.matchedNodeHours, 'the other nodes are not on this bill');
    assert.equal(body.data.differences.find((d) => d.node === 'ip-10-0-16-60.ec2.internal')?.reason, 'ri-sp-coverage');
    const csv = await fetch(`${base}/api/v1/reconciliation?window=1d&format=csv`);
    assert.match(await csv.text(), /^date,estimatedUsd,billedUsd,matchedEstimatedUsd,reconciledUsd,nodeHours,matchedNodeHours,matchedRatio\r\n\d{4}-\d{2}-\d{2},/);
    const bad = await fetch(`${base}/api/v1/reconciliation?window=1d&view=nodes`);
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --billing-source the endpoint says how to turn reconciliation on', async () => {
  const port = await freePort();
  const child = spawnChild(process.execPath, [CLI, '--port', String(port), '--host', '127.0.0.1', '--snapshot', join(EXAMPLES, 'cluster.json'), '--store', 'memory', '--pricing-refresh', 'off'], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/readyz`)).status === 200) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error('not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await fetch(`${base}/api/v1/reconciliation?window=7d`);
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), { code: 404, status: 'error', message: 'billing reconciliation is off: start the exporter with --billing-source LOCATION (docs/billing.md)' });
  } finally {
    await child.stop();
  }
});

test('a --billing-source no reader can read stops the exporter at start with exit code 2', () => {
  const r = spawnSync(process.execPath, [CLI, '--snapshot', join(EXAMPLES, 'cluster.json'), '--store', 'memory', '--billing-source', 'ftp://bills.example/cur/'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^kube-cost-exporter: --billing-source: must be a directory, file:\/\/, s3:\/\/, gs:\/\/ or azblob:\/\/ location \(got "ftp:\/\/bills\.example\/cur\/"\)$/m);
  const refresh = spawnSync(process.execPath, [CLI, '--billing-source', '/tmp', '--billing-refresh', '10s'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(refresh.status, 2);
  assert.match(refresh.stderr, /--billing-refresh: must be at least 1m \(got "10s"\)/);
});
