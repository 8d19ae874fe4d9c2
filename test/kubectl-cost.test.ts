// `kubectl cost` through the real kubectl: the plugin is found on the PATH as `kubectl-cost`, and
// its numbers are checked against the exporter's own report (computed in-process) and by hand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allocate } from '../src/core/allocate.ts';
import { HOURS_PER_MONTH } from '../src/core/pricing.ts';
import { loadCatalog } from '../src/pricing/catalog.ts';
import { createPriceBook } from '../src/pricing/pricebook.ts';
import { createSnapshotSource } from '../src/sources/snapshot-source.ts';
import { installPlugin, type Run, runKubectl } from './helpers/kubectl.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLUSTER = join(ROOT, 'examples/cluster.json');
const METRICS = join(ROOT, 'examples/metrics.json');
const MANIFESTS = join(ROOT, 'test/fixtures/manifests');

let dir: string;

/** Runs the real kubectl with the plugin directory first on the PATH (and Node 24 next to it). */
function kubectl(args: readonly string[], options: { input?: string } = {}): Promise<Run> {
  return runKubectl(args, { pluginDir: dir, cwd: ROOT, ...options });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-cost-'));
  installPlugin(dir);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl cost (real kubectl, plugin on the PATH)', () => {
  it('kubectl plugin list finds kubectl-cost', async () => {
    const r = await kubectl(['plugin', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${join(dir, 'kubectl-cost').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('kubectl cost version', async () => {
    const r = await kubectl(['cost', 'version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kubectl-cost \d+\.\d+\.\d+\n$/);
  });

  it('namespace --snapshot: the exporter\'s own monthly rates, pod counts and average pod cost', async () => {
    const r = await kubectl(['cost', 'namespace', '--snapshot', `${CLUSTER},${METRICS}`, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { measure: string; rows: { name: string; podCount: number; totalUsd: number; averagePodUsd: number | null }[]; total: { totalUsd: number; podCount: number } };
    assert.equal(out.measure, 'monthly-rate');

    // The exporter's report for the same snapshot, in-process: monthly = hourly × 730.
    const reading = await createSnapshotSource({ paths: [CLUSTER, METRICS] }).read(Date.now());
    const report = allocate(reading.snapshot, createPriceBook({ catalog: loadCatalog() }), { startMs: Date.now() - 3_600_000, endMs: Date.now() });
    const expected = report.namespaces.map((n) => ({ name: n.namespace, pods: n.podCount, monthly: n.totalHourlyUsd * HOURS_PER_MONTH }));
    assert.equal(out.rows.length, expected.length);
    for (const e of expected) {
      const row = out.rows.find((x) => x.name === e.name);
      assert.ok(row, `namespace ${e.name} missing`);
      assert.equal(row.podCount, e.pods, e.name);
      assert.ok(Math.abs(row.totalUsd - e.monthly) < 1e-5, `${e.name}: ${row.totalUsd} vs ${e.monthly}`);
      if (e.pods > 0 && !e.name.startsWith('__')) assert.ok(Math.abs((row.averagePodUsd ?? 0) - e.monthly / e.pods) < 1e-5, e.name);
    }
    // Sorted by cost, highest first; the total is the sum.
    const totals = out.rows.map((x) => x.totalUsd);
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
    const sum = expected.reduce((s, e) => s + e.monthly, 0);
    assert.ok(Math.abs(out.total.totalUsd - sum) < 1e-4);
    assert.equal(out.total.podCount, report.pods.length);
  });

  it('namespace table: the design\'s columns and a total row', async () => {
    const r = await kubectl(['cost', 'ns', '--snapshot', CLUSTER, '--no-color']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NAMESPACE\s+MONTHLY RATE\s+POD COUNT\s+AVG POD COST$/);
    assert.match(lines.at(-1) ?? '', /^TOTAL\s+\$[\d,]+\.\d\d\s+\d+$/);
    assert.ok(!r.stdout.includes('\u001b['), 'no ANSI escapes');
  });

  it('estimate -f offline: hand-computed m5.large figures', async () => {
    // m5.large in us-east-1: $0.096/h for 2 vCPU and 8 GiB, split the OpenCost way:
    //   cpuToRam = 0.031611 / 0.004237 = 7.4607033; ram rate = 0.096 / (2 × 7.4607033 + 8) = $0.00418822/GiB-h;
    //   cpu rate = 0.00418822 × 7.4607033 = $0.03124710/vCPU-h.
    // Pod: app 1 vCPU + native sidecar 0.1 = 1.1 vCPU; 2 GiB + 128 MiB = 2.125 GiB; 4 replicas × 730 h:
    //   cpu 1.1 × 0.03124710 × 4 × 730 = $100.37; memory 2.125 × 0.00418822 × 4 × 730 = $25.99; total $126.35.
    const r = await kubectl(['cost', 'estimate', '-f', join(MANIFESTS, 'payments-api.yaml'), '--instance-type', 'm5.large', '--region', 'us-east-1']);
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.startsWith('Deployment payments/payments-api'));
    assert.ok(row, r.stdout);
    assert.deepEqual(row.split(/\s{2,}/).slice(1), ['4', '1.1', '2.13Gi', '0', '$100.37', '$25.99', '$0.00', '$0.00', '$126.35']);
    assert.match(r.stdout, /Rates: aws m5\.large in us-east-1 \(\$0\.0960\/h, catalog\)/);
  });

  it('estimate -f - with --snapshot: before/after, and --max-increase fails with ::error::', async () => {
    const { readFile } = await import('node:fs/promises');
    const input = await readFile(join(MANIFESTS, 'payments-api.yaml'), 'utf8');
    // 3 running replicas → 4: +33.3% whatever the cluster's rates.
    const r = await kubectl(['cost', 'estimate', '-f', '-', '--snapshot', CLUSTER, '--max-increase', '10%'], { input });
    assert.equal(r.code, 1, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.startsWith('Deployment payments/payments-api')) ?? '';
    assert.match(row, /\+\$[\d.]+ \(\+33\.3%\)$/);
    assert.match(r.stdout, /^::error::Deployment increases costs by 33\.3% \(\$[\d.]+ → \$[\d.]+ per month, \+\$[\d.]+\), above --max-increase 10%$/m);
    const ok = await kubectl(['cost', 'estimate', '-f', '-', '--snapshot', CLUSTER, '--max-increase', '40%', '-o', 'markdown'], { input });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^### kubectl cost estimate: \$[\d,.]+ per month \(now \$[\d,.]+, \+\$[\d,.]+ \(\+33\.3%\)\)$/m);
    assert.match(ok.stdout, /^\| WORKLOAD \| PODS \|/m);
  });

  it('estimate with several -f files: an error names the file and document it is in', async () => {
    const { writeFile } = await import('node:fs/promises');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ok}\nspec: {template: {spec: {containers: [{name: c}]}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec: {template: {spec: {containers: [{name: c, resources: {requests: {cpu: 10x}}}]}}}\n');
    const r = await kubectl(['cost', 'estimate', '-f', join(MANIFESTS, 'payments-api.yaml'), '-f', bad, '--instance-type', 'm5.large']);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.stderr.trimEnd(), `error: Deployment default/bad in ${bad} document 2: spec.template.spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")`);
  });

  it('estimate --budget fails above the budget', async () => {
    const r = await kubectl(['cost', 'estimate', '-f', join(MANIFESTS, 'payments-api.yaml'), '--instance-type', 'm5.large', '--budget', '100']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^::error::Estimated monthly cost \$126\.35 exceeds --budget \$100\.00$/m);
  });

  it('estimate reads Helm-rendered output', async () => {
    const r = await kubectl(['cost', 'estimate', '-f', join(MANIFESTS, 'helm-rendered.yaml'), '--nodes', '3', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { workloads: { kind: string; name: string; pods: number }[]; ignoredKinds: Record<string, number> };
    assert.deepEqual(out.workloads.map((w) => `${w.kind}/${w.name}×${w.pods}`).sort(), ['CronJob/report×2', 'DaemonSet/log-agent×3', 'Deployment/web×3', 'StatefulSet/db×2']);
    assert.deepEqual(out.ignoredKinds, { Service: 1, ServiceAccount: 1 });
  });

  describe('errors: one line, exit code 2', () => {
    const cases: { name: string; args: string[]; input?: string; message: RegExp }[] = [
      { name: 'unknown flag', args: ['cost', 'namespace', '--snapshot', CLUSTER, '--colour'], message: /^error: unknown flag --colour for "kubectl cost namespace"/ },
      { name: 'unknown command', args: ['cost', 'namespaze'], message: /^error: unknown command "namespaze"/ },
      { name: 'bad window', args: ['cost', 'namespace', '--snapshot', CLUSTER, '--window', '3x'], message: /^error: flag --window: bad window "3x"/ },
      { name: 'bad output', args: ['cost', 'pod', '--snapshot', CLUSTER, '-o', 'yaml'], message: /^error: flag --output: unknown format "yaml"/ },
      { name: 'historical offline', args: ['cost', 'namespace', '--snapshot', CLUSTER, '--historical'], message: /^error: --historical needs cost history/ },
      { name: 'label without -l', args: ['cost', 'label', '--snapshot', CLUSTER], message: /^error: kubectl cost label needs -l KEY/ },
      { name: 'missing snapshot file', args: ['cost', 'namespace', '--snapshot', '/nonexistent.json'], message: /^error: \/nonexistent\.json: \(file\): cannot read: ENOENT/ },
      { name: 'malformed YAML', args: ['cost', 'estimate', '-f', '-'], input: 'kind: Deployment\nmetadata: {name: [x\n', message: /^error: \(stdin\): document 1 \(line \d+\): malformed YAML/ },
      {
        name: 'unsupported kind',
        args: ['cost', 'estimate', '-f', '-'],
        input: 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {template: {spec: {containers: []}}}\n',
        message: /^error: Rollout default\/r in \(stdin\) document 1: kind: unsupported kind/,
      },
      { name: 'estimate without -f', args: ['cost', 'estimate'], message: /^error: kubectl cost estimate needs -f FILE/ },
      { name: 'bad --max-increase', args: ['cost', 'estimate', '-f', '-', '--max-increase', 'ten'], message: /^error: flag --max-increase: expected a percentage like 10% \(got "ten"\)/ },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const r = await kubectl(c.args, c.input === undefined ? {} : { input: c.input });
        assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
        assert.match(r.stderr, c.message);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      });
    }
  });

  it('--help per subcommand lists its flags', async () => {
    const r = await kubectl(['cost', 'estimate', '--help']);
    assert.equal(r.code, 0);
    for (const flag of ['--filename', '--max-increase', '--budget', '--instance-type', '--snapshot', '--server', '--output']) assert.ok(r.stdout.includes(flag), flag);
    const ns = await kubectl(['cost', 'namespace', '-h']);
    for (const flag of ['--window', '--historical', '--show-efficiency', '--service-namespace', '--no-color']) assert.ok(ns.stdout.includes(flag), flag);
  });
});
