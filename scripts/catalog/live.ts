// Refreshes the catalog's source files from the live pricing adapters (src/pricing/live): AWS
// on-demand prices from the bulk Price List files, Azure pay-as-you-go prices from the Retail
// Prices API, written in the formats scripts/catalog/generate.ts reads. Existing entries that the
// provider no longer lists are kept (and counted); nothing else in the sources is touched.
// Then run `node scripts/catalog/generate.ts` and review the diff.
//
//   node scripts/catalog/live.ts --provider aws --region us-west-2[,eu-west-1] [--aws-pricing-url URL]
//   node scripts/catalog/live.ts --provider azure --region eastus [--sizes Standard_D4s_v5,...] [--azure-pricing-url URL]
//   options: --sources DIR (default scripts/catalog/sources), --dry-run (print, write nothing)
//
// GCP is not written: the generator's GCP input is per machine type and region
// (gcp-machine-prices.tsv, solved back into rates), while the Cloud Billing Catalog gives the rates
// themselves; the exporter reads them live instead (docs/pricing.md, "Live pricing").
import { readFileSync, writeFileSync } from 'node:fs';
import { AWS_PRICING_URL, fetchAwsBulk } from '../../src/pricing/live/aws.ts';
import { AZURE_PRICING_URL, fetchAzureVms } from '../../src/pricing/live/azure.ts';
import type { ProviderHttp } from '../../src/pricing/live/http.ts';
import { RateLimiter, realSleep } from '../../src/pricing/live/resilience.ts';
import type { LiveRow } from '../../src/pricing/live/types.ts';

export interface MergeResult {
  readonly text: string;
  readonly updated: number;
  readonly added: number;
  readonly unchanged: number;
  /** Entries in the file the live answer did not have (kept as they were). */
  readonly notListed: number;
}

const isComment = (line: string) => line.startsWith('#') || line.trim() === '';

/** `<type>` → price from rows of one kind and key prefix (`aws|us-west-2|`). */
export function pricesOf(rows: readonly LiveRow[], kind: LiveRow['kind'], keyPrefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) if (r.kind === kind && r.key.startsWith(keyPrefix)) out.set(r.key.slice(keyPrefix.length), r.usd);
  return out;
}

/** Prices as the source files write them: up to 10 significant digits, no trailing zeros. */
export function priceText(usd: number): string {
  return String(Number(usd.toPrecision(10)));
}

/**
 * Merges live prices into an `aws-ec2-ondemand-<region>.txt` file (`<family>⇥<size>=<usd> …`, one
 * family per line, families and sizes sorted). `note` is appended to the header comment.
 */
export function mergeAwsOnDemand(existing: string, live: ReadonlyMap<string, number>, note: string): MergeResult {
  const lines = existing.split('\n');
  const header = lines.filter((l, i) => isComment(l) && lines.slice(0, i).every(isComment) && l.trim() !== '');
  const old = new Map<string, string>();
  for (const line of lines) {
    if (isComment(line)) continue;
    const [family, rest = ''] = line.split('\t');
    for (const cell of rest.trim().split(/\s+/).filter(Boolean)) {
      const eq = cell.indexOf('=');
      old.set(`${family}.${cell.slice(0, eq)}`, cell.slice(eq + 1));
    }
  }
  let updated = 0;
  let added = 0;
  let unchanged = 0;
  const merged = new Map(old);
  for (const [type, usd] of live) {
    const text = priceText(usd);
    const before = old.get(type);
    if (before === undefined) added++;
    else if (Number(before) === usd) unchanged++;
    else updated++;
    merged.set(type, before !== undefined && Number(before) === usd ? before : text);
  }
  const families = new Map<string, string[]>();
  for (const [type, price] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    const dot = type.indexOf('.');
    const family = type.slice(0, dot);
    families.set(family, [...(families.get(family) ?? []), `${type.slice(dot + 1)}=${price}`]);
  }
  const body = [...families].map(([family, cells]) => `${family}\t${cells.join(' ')}`);
  const notListed = [...old.keys()].filter((t) => !live.has(t)).length;
  return { text: `${[...header, `# ${note}`, ...body].join('\n')}\n`, updated, added, unchanged, notListed };
}

/**
 * Merges live prices of one region into `azure-vm-ondemand.tsv` (`size⇥<region>…`, `-` = not
 * listed): the region's column is updated (added when new), sizes the answer has are added.
 */
export function mergeAzureOnDemand(existing: string, region: string, live: ReadonlyMap<string, number>, note: string): MergeResult {
  const lines = existing.split('\n');
  const comments = lines.filter((l, i) => isComment(l) && lines.slice(0, i).every(isComment) && l.trim() !== '');
  const data = lines.filter((l, i) => !(isComment(l) && lines.slice(0, i).every(isComment)) && l.trim() !== '');
  const header = (data.shift() ?? 'size').split('\t');
  let col = header.indexOf(region);
  if (col === -1) {
    header.push(region);
    col = header.length - 1;
  }
  const rows = new Map<string, string[]>();
  for (const line of data) {
    const cells = line.split('\t');
    while (cells.length < header.length) cells.push('-');
    rows.set(cells[0] ?? '', cells);
  }
  let updated = 0;
  let added = 0;
  let unchanged = 0;
  let notListed = 0;
  for (const [size, cells] of rows) if (cells[col] !== '-' && cells[col] !== '' && !live.has(size)) notListed++;
  for (const [size, usd] of live) {
    let cells = rows.get(size);
    if (!cells) {
      cells = [size, ...header.slice(1).map(() => '-')];
      rows.set(size, cells);
    }
    const before = cells[col];
    if (before === undefined || before === '-' || before === '') added++;
    else if (Number(before) === usd) unchanged++;
    else updated++;
    if (!(before !== undefined && Number(before) === usd)) cells[col] = priceText(usd);
  }
  const body = [...rows.values()].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')).map((c) => c.join('\t'));
  return { text: `${[...comments, `# ${note}`, header.join('\t'), ...body].join('\n')}\n`, updated, added, unchanged, notListed };
}

function http(): ProviderHttp {
  return {
    provider: 'aws',
    limiter: new RateLimiter({ now: Date.now, sleep: realSleep }),
    sleep: realSleep,
    random: Math.random,
    now: Date.now,
    timeoutMs: 60_000,
    record: () => undefined,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const provider = arg('--provider');
  const regions = (arg('--region') ?? '').split(',').filter(Boolean);
  const dir = arg('--sources') ?? new URL('./sources/', import.meta.url).pathname;
  const dryRun = argv.includes('--dry-run');
  if ((provider !== 'aws' && provider !== 'azure') || regions.length === 0) {
    throw new Error('usage: node scripts/catalog/live.ts --provider aws|azure --region REGION[,REGION...] [--sources DIR] [--dry-run]');
  }
  const today = new Date().toISOString().slice(0, 10);
  for (const region of regions) {
    let file: string;
    let result: MergeResult;
    if (provider === 'aws') {
      const baseUrl = arg('--aws-pricing-url') ?? AWS_PRICING_URL;
      const r = await fetchAwsBulk({ ...http(), provider: 'aws' }, { baseUrl, region });
      file = `${dir.replace(/\/$/, '')}/aws-ec2-ondemand-${region}.txt`;
      let existing = `# AWS EC2 Linux on-demand USD per hour, ${region} (shared tenancy).\n# Format: one family per line: <family> <TAB> <size>=<usd per hour> ...\n`;
      try {
        existing = readFileSync(file, 'utf8');
      } catch {
        // a region new to the catalog
      }
      const prices = pricesOf(r.rows, 'instance', `aws|${region}|`);
      result = mergeAwsOnDemand(existing, prices, `Refreshed ${today} by scripts/catalog/live.ts from the AWS bulk Price List (${baseUrl}${r.version}): Linux, shared tenancy, no pre-installed software, capacity status Used, BoxUsage.`);
    } else {
      const baseUrl = arg('--azure-pricing-url') ?? AZURE_PRICING_URL;
      file = `${dir.replace(/\/$/, '')}/azure-vm-ondemand.tsv`;
      const existing = readFileSync(file, 'utf8');
      const sizes = arg('--sizes')?.split(',').filter(Boolean) ?? existing.split('\n').filter((l) => !isComment(l)).slice(1).map((l) => l.split('\t')[0] ?? '').filter(Boolean);
      const rows = await fetchAzureVms({ ...http(), provider: 'azure' }, { baseUrl, region, sizes });
      result = mergeAzureOnDemand(existing, region, pricesOf(rows, 'instance', `azure|${region}|`), `Refreshed ${region} ${today} by scripts/catalog/live.ts from the Azure Retail Prices API (${baseUrl}): Consumption, Linux (no Windows, Spot or Low Priority rows).`);
    }
    console.log(`${file}: ${result.updated} updated, ${result.added} added, ${result.unchanged} unchanged, ${result.notListed} kept that the provider did not list${dryRun ? ' (dry run: not written)' : ''}`);
    if (dryRun) process.stdout.write(result.text);
    else writeFileSync(file, result.text);
  }
  console.log('now run: node scripts/catalog/generate.ts');
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`scripts/catalog/live.ts: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
