// `kubectl cost reconcile`: offline (examples/cluster.json + a generated bill) and against a real
// HTTP server answering /api/v1/reconciliation from a memory history store reconciled by the
// billing service. Figures by hand in the comments.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { serveApp } from '../../test/helpers/serve-app.ts';
import { readBills } from '../billing/read.ts';
import { startBilling } from '../billing/service.ts';
import { apiRoutes } from '../server/api-routes.ts';
import { createLogger } from '../server/log.ts';
import { HOUR, makeBatch, T0 } from '../store/contract.test-util.ts';
import { createMemoryStore } from '../store/memory.ts';
import type { PluginIo } from './main.ts';
import { main } from './main.ts';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const HEADER = 'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,savingsPlan/SavingsPlanEffectiveCost,lineItem/ProductCode';
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const dir = mkdtempSync(join(tmpdir(), 'kce-kubectl-reconcile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], nowMs: number) {
  let out = '';
  let err = '';
  const io: PluginIo = { stdout: { write: (t: string) => (out += t), isTTY: false }, stderr: { write: (t: string) => (err += t) }, readStdin: async () => '', readFile: async () => '', now: () => nowMs };
  const code = await main(['reconcile', ...args], {}, io);
  return { code, out, err };
}

describe('kubectl cost reconcile --snapshot --bill (offline)', () => {
  // A day of two instances of examples/cluster.json: ip-10-0-16-60 (m6i.2xlarge, list 0.384 $/h)
  // under a savings plan at 0.2688 $/h, and ip-10-0-42-173 (m5.xlarge spot) at 0.07 $/h.
  const day = Date.UTC(2026, 10, 2);
  const bill = join(dir, 'offline');
  before(() => {
    mkdirSync(bill);
    const lines: string[] = [];
    for (let h = 0; h < 24; h++) {
      const s = iso(day + h * HOUR);
      const e = iso(day + (h + 1) * HOUR);
      lines.push(`SavingsPlanCoveredUsage,i-0aad57431f7b628d0,${s},${e},USE1-BoxUsage:m6i.2xlarge,1,0.384,0.2688,AmazonEC2`);
      lines.push(`Usage,i-09b3f161f3e86c4a3,${s},${e},USE1-SpotUsage:m5.xlarge,1,0.07,,AmazonEC2`);
    }
    writeFileSync(join(bill, 'cur.csv'), `${HEADER}\n${lines.join('\n')}\n`);
  });

  it('JSON: billed 24 × (0.2688 + 0.07) = 8.1312 for 48 of 12 × 24 = 288 node-hours; the SP node 24 × (0.2688 − 0.384) = −2.7648', async () => {
    const { code, out } = await run(['--snapshot', join(EXAMPLES, 'cluster.json'), '--bill', bill, '-o', 'json'], day + 2 * 86_400_000);
    assert.equal(code, 0);
    const r = JSON.parse(out) as { totals: { billedUsd: number; matchedNodeHours: number; nodeHours: number }; differences: { node: string; differenceUsd: number; reason: string }[]; unmatched: { node: string; why: string }[] };
    assert.ok(Math.abs(r.totals.billedUsd - 8.1312) < 1e-9, String(r.totals.billedUsd));
    assert.equal(r.totals.matchedNodeHours, 48);
    assert.equal(r.totals.nodeHours, 288);
    const sp = r.differences.find((d) => d.node === 'ip-10-0-16-60.ec2.internal');
    assert.equal(sp?.reason, 'ri-sp-coverage');
    assert.ok(Math.abs((sp?.differenceUsd ?? 0) + 2.7648) < 1e-9, String(sp?.differenceUsd));
    assert.equal(r.differences.find((d) => d.node === 'ip-10-0-42-173.ec2.internal')?.reason, 'spot-price');
    assert.equal(r.unmatched.length, 10);
    assert.ok(r.unmatched.every((u) => u.why === 'not-on-bill'));
  });

  it('table and usage errors', async () => {
    const { code, out } = await run(['--snapshot', join(EXAMPLES, 'cluster.json'), '--bill', bill], day);
    assert.equal(code, 0);
    assert.match(out, /^Matched 16\.7% of 288\.0 node-hours: billed \$8\.13 vs estimated /m);
    assert.match(out, /2026-11-02 {3}ip-10-0-16-60\.ec2\.internal +\$9\.22 +\$6\.45 +-\$2\.76 +ri-sp-coverage/);
    const missing = await run(['--bill', bill], day);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'error: offline reconciliation needs both --snapshot FILE and --bill DIR\n');
    const badTop = await run(['--snapshot', 'x', '--bill', bill, '--top', 'lots'], day);
    assert.equal(badTop.code, 2);
    assert.equal(badTop.err, 'error: flag --top: expected a whole number of differences from 1 (got "lots")\n');
  });
});

describe('kubectl cost reconcile --server', () => {
  let url = '';
  let close: () => Promise<void> = async () => {};
  const now = T0 + 5 * HOUR;
  before(async () => {
    // History: node n1 (aws:///us-east-1a/i-1) recorded at 0.096 $/h for 3 hours; billed 0.072 $/h on-demand.
    const store = createMemoryStore();
    for (let t = T0; t < T0 + 3 * HOUR; t += HOUR) await store.record(makeBatch('prod', t, t + HOUR, [{ key: 'uid-a', namespace: 'shop', cpuUsdPerHour: 0.04 }]));
    const billDir = join(dir, 'server');
    mkdirSync(billDir);
    const lines = [0, 1, 2].map((h) => `Usage,i-1,${iso(T0 + h * HOUR)},${iso(T0 + (h + 1) * HOUR)},USE1-BoxUsage:m5.large,1,0.072,,AmazonEC2`);
    writeFileSync(join(billDir, 'cur.csv'), `${HEADER}\n${lines.join('\n')}\n`);
    const billing = startBilling({ location: billDir, refreshMs: 3_600_000, store, cluster: 'prod', logger: createLogger({ level: 'error', write: () => {} }), now: () => now, schedule: false, read: (l, sinceMs) => readBills(l, { sinceMs }) });
    await billing.refresh();
    const app = new Hono();
    app.route('/api/v1', apiRoutes({ store, reconciliation: billing, now: () => now }));
    ({ url, close } = await serveApp(app));
  });
  after(() => close());

  it('billed 3 × 0.072 = 0.216 vs estimated 3 × 0.096 = 0.288; all node-hours matched; history now holds the bill', async () => {
    const { code, out } = await run(['--server', url, '--window', '1d', '-o', 'csv'], now);
    assert.equal(code, 0);
    const [header, row] = out.trim().split(/\r?\n/);
    assert.equal(header, 'date,estimatedUsd,billedUsd,matchedEstimatedUsd,reconciledUsd,nodeHours,matchedNodeHours,matchedRatio');
    const cells = (row ?? '').split(',');
    assert.equal(cells[0], '2026-11-01');
    assert.ok(Math.abs(Number(cells[1]) - 0.288) < 1e-12, `estimated ${cells[1]}`);
    assert.ok(Math.abs(Number(cells[2]) - 0.216) < 1e-12, `billed ${cells[2]}`);
    assert.equal(cells[5], '3');
    assert.equal(cells[7], '1');
    const text = await run(['--server', url], now);
    assert.match(text.out, /2026-11-01 {3}n1 +\$0\.29 +\$0\.22 +-\$0\.07 +list-price/);
  });
});
