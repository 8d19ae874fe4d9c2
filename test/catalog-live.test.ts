// scripts/catalog/live.ts, as a maintainer runs it: fetch through the live adapters (a local
// server speaking the AWS bulk Price List format), merge into a copy of the catalog sources, then
// the real generator builds a catalog from them.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { mergeAwsOnDemand, mergeAzureOnDemand } from '../scripts/catalog/live.ts';
import { generateCatalog, readSources, SOURCES_DIR } from '../scripts/catalog/generate.ts';
import { computeProduct, onDemandTerm } from '../src/pricing/live/aws-offer.test-util.ts';
import { json, startTestServer } from '../src/pricing/live/test-server.test-util.ts';
import type { Child } from './helpers/children.ts';
import { spawnChild } from './helpers/children.ts';

const SCRIPT = new URL('../scripts/catalog/live.ts', import.meta.url).pathname;

test('AWS: a region file refreshed from the bulk Price List, then built by the real generator', async () => {
  const version = '/offers/v1.0/aws/AmazonEC2/20261130000000/us-west-2/index.json';
  const offer = {
    formatVersion: 'v1.0',
    products: {
      A: computeProduct('A', 'us-west-2', 'm5.large'),
      B: computeProduct('B', 'us-west-2', 'm5.4xlarge'),
      C: computeProduct('C', 'us-west-2', 'm5.2xlarge'),
      W: computeProduct('W', 'us-west-2', 'm5.2xlarge', { operatingSystem: 'Windows' }),
    },
    terms: { OnDemand: { A: onDemandTerm('A', '0.0960000000'), B: onDemandTerm('B', '0.7700000000'), C: onDemandTerm('C', '0.3840000000'), W: onDemandTerm('W', '0.7520000000') } },
  };
  const server = await startTestServer((req, res) => {
    if (req.url === '/offers/v1.0/aws/AmazonEC2/current/region_index.json') return json(res, { regions: { 'us-west-2': { regionCode: 'us-west-2', currentVersionUrl: version } } });
    if (req.url === version) return json(res, offer);
    json(res, {}, 404);
  });
  const dir = mkdtempSync(join(tmpdir(), 'kce-catalog-live-'));
  let child: Child | undefined;
  try {
    cpSync(SOURCES_DIR, dir, { recursive: true });
    // The copy's m5 line without 2xlarge, whatever the shipped catalog holds today, so that the
    // refresh has exactly one type to add.
    const regionFile = join(dir, 'aws-ec2-ondemand-us-west-2.txt');
    writeFileSync(regionFile, readFileSync(regionFile, 'utf8').replace(/^(m5\t.*?) ?\b2xlarge=[\d.]+(.*)$/m, '$1$2'));
    const before = readFileSync(regionFile, 'utf8');
    assert.match(before, /^m5\t.*\blarge=0\.096\b/m, 'the sources list m5.large at 0.096 (else update this test)');
    assert.doesNotMatch(before, /^m5\t.*\b2xlarge=/m, 'the copy does not list m5.2xlarge');
    // Not spawnSync: the local server answers from this process's event loop.
    child = spawnChild(process.execPath, [SCRIPT, '--provider', 'aws', '--region', 'us-west-2', '--sources', dir, '--aws-pricing-url', server.url]);
    const r = { stdout: '', stderr: '', status: null as number | null };
    child.process.stdout?.on('data', (c: Buffer) => (r.stdout += c.toString()));
    child.process.stderr?.on('data', (c: Buffer) => (r.stderr += c.toString()));
    r.status = await child.exited;
    assert.equal(r.status, 0, r.stderr);
    // m5.large unchanged (0.096), m5.4xlarge 0.768 → 0.77, m5.2xlarge new; every other listed type kept.
    assert.match(r.stdout, /aws-ec2-ondemand-us-west-2\.txt: 1 updated, 1 added, 1 unchanged, \d+ kept that the provider did not list/);
    const text = readFileSync(join(dir, 'aws-ec2-ondemand-us-west-2.txt'), 'utf8');
    assert.match(text, /^# Refreshed \d{4}-\d\d-\d\d by scripts\/catalog\/live\.ts from the AWS bulk Price List \(http:\/\/127\.0\.0\.1:\d+\/offers\/v1\.0\/aws\/AmazonEC2\/20261130000000\/us-west-2\/index\.json\)/m);
    const m5 = /^m5\t(.*)$/m.exec(text)?.[1]?.split(' ') ?? [];
    for (const entry of ['2xlarge=0.384', '4xlarge=0.77', '8xlarge=1.536', 'large=0.096']) assert.ok(m5.includes(entry), `${entry} in m5 ${m5.join(' ')}`);
    const catalog = JSON.parse(generateCatalog(readSources(pathToFileURL(`${dir}/`))));
    assert.equal(catalog.aws.onDemandHourlyUsd['us-west-2']['m5.2xlarge'], 0.384);
    assert.equal(catalog.aws.onDemandHourlyUsd['us-west-2']['m5.4xlarge'], 0.77);
    assert.equal(catalog.aws.onDemandHourlyUsd['us-west-2']['m6g.medium'], 0.0385, 'kept');
  } finally {
    await child?.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('merging (table): AWS families sorted with sizes; Azure region columns added and updated', () => {
  const aws = mergeAwsOnDemand('# AWS header\n# Format: ...\nm5\tlarge=0.096\n', new Map([['m5.large', 0.096], ['c7g.medium', 0.0363], ['m5.xlarge', 0.192]]), 'Refreshed X');
  assert.equal(aws.text, '# AWS header\n# Format: ...\n# Refreshed X\nc7g\tmedium=0.0363\nm5\tlarge=0.096 xlarge=0.192\n');
  assert.deepEqual([aws.updated, aws.added, aws.unchanged, aws.notListed], [0, 2, 1, 0]);

  const existing = '# Azure header\nsize\teastus\twestus2\nStandard_D2s_v5\t0.096\t0.096\nStandard_D4s_v5\t0.192\t-\n';
  const az = mergeAzureOnDemand(existing, 'westus2', new Map([['Standard_D4s_v5', 0.192], ['Standard_D2s_v5', 0.1]]), 'Refreshed westus2');
  assert.equal(az.text, '# Azure header\n# Refreshed westus2\nsize\teastus\twestus2\nStandard_D2s_v5\t0.096\t0.1\nStandard_D4s_v5\t0.192\t0.192\n');
  assert.deepEqual([az.updated, az.added, az.unchanged, az.notListed], [1, 1, 0, 0]);
  const added = mergeAzureOnDemand(existing, 'uksouth', new Map([['Standard_E8s_v5', 0.528]]), 'Refreshed uksouth');
  assert.equal(added.text, '# Azure header\n# Refreshed uksouth\nsize\teastus\twestus2\tuksouth\nStandard_D2s_v5\t0.096\t0.096\t-\nStandard_D4s_v5\t0.192\t-\t-\nStandard_E8s_v5\t-\t-\t0.528\n');
});
