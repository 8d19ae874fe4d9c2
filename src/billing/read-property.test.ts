// Property tests (fast-check, fixed seed in npm test): the CSV tokenizer gives back any table written
// with RFC 4180 quoting, whatever the chunking; and any text under a provider's header is either
// charges with finite amounts (discounts never positive) or a BillParseError naming the file —
// nothing else is thrown, and nothing hangs.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { CsvRecord } from './csv.ts';
import { CsvTokenizer } from './csv.ts';
import { BillParseError } from './errors.ts';
import type { BillFile } from './files.ts';
import { readBillFile } from './read.ts';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 200) };

const quote = (f: string) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replaceAll('"', '""')}"` : f);

test('CSV tokenizer: any table written with RFC 4180 quoting reads back the same, in any chunks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '1') }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 17 }),
      fc.boolean(),
      (rows, chunk, crlf) => {
        const text = rows.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
        const out: CsvRecord[] = [];
        const t = new CsvTokenizer({ onTooLong: () => assert.fail('too long') });
        for (let i = 0; i < text.length; i += chunk) t.write(text.slice(i, i + chunk), out);
        t.end(out);
        assert.deepEqual(
          out.map((r) => r.fields),
          rows,
        );
      },
    ),
    RUNS,
  );
});

const HEADERS = [
  'lineItem/LineItemType,lineItem/ResourceId,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/UnblendedCost,lineItem/UsageType,reservation/EffectiveCost,savingsPlan/SavingsPlanEffectiveCost,lineItem/UsageAmount',
  'line_item_line_item_type,line_item_resource_id,line_item_usage_start_date,line_item_usage_end_date,line_item_unblended_cost,line_item_usage_type,pricing_public_on_demand_cost',
  'Date,ResourceId,CostInBillingCurrency,BillingCurrency,PricingModel,ChargeType,MeterCategory',
  'usage_start_time,usage_end_time,project_id,resource_name,resource_global_name,sku_description,cost,currency,credits',
];
const CELLS = [
  'Usage',
  'DiscountedUsage',
  'SavingsPlanCoveredUsage',
  'SavingsPlanNegation',
  'EdpDiscount',
  'i-0abc',
  '/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/v',
  'gke-n-1',
  '2026-11-01T00:00:00Z',
  '2026-11-01 01:00:00 UTC',
  '11/02/2026',
  '2026-02-30',
  '0.192',
  '-0.5',
  '1e-3',
  '1e400',
  'NaN',
  '',
  'USD',
  'EUR',
  'Reservation',
  'Spot',
  'USE1-SpotUsage:m5.large',
  '[{"amount":-0.1,"type":"COMMITTED_USAGE_DISCOUNT"}]',
  '[{"amount":"x"}]',
  '"',
  'a,b',
];

function memoryFile(name: string, body: Uint8Array | string): BillFile {
  return { location: `mem://${name}`, name, sizeBytes: body.length, modifiedAt: new Date(0), open: async () => Readable.from([typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)]) };
}

async function charges(file: BillFile): Promise<void> {
  try {
    for await (const c of readBillFile(file)) {
      if (c.type === 'usage') assert.ok(Number.isFinite(c.costUsd) && Number.isFinite(c.startMs) && Number.isFinite(c.endMs), JSON.stringify(c));
      else assert.ok(Number.isFinite(c.amountUsd) && c.amountUsd <= 0, JSON.stringify(c));
    }
  } catch (err) {
    assert.ok(err instanceof BillParseError, `unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.equal(err.file, file.location);
  }
}

test('bill readers: any rows under a provider header are charges with finite amounts or a BillParseError naming the file', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...HEADERS),
      fc.array(fc.array(fc.oneof(fc.constantFrom(...CELLS), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 10 }), { maxLength: 8 }),
      fc.boolean(),
      async (header, rows, gz) => {
        const text = `${header}\n${rows.map((r) => r.map((c) => (Math.abs(c.length) % 3 === 0 ? quote(c) : c)).join(',')).join('\n')}\n`;
        await charges(gz ? memoryFile('bill.csv.gz', gzipSync(text)) : memoryFile('bill.csv', text));
      },
    ),
    RUNS,
  );
});

test('bill readers: arbitrary bytes as .csv.gz, .json and .parquet are a BillParseError naming the file, never a crash', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('x.csv.gz', 'x.json', 'x.parquet', 'x.csv'), async (bytes, name) => {
      await charges(memoryFile(name, bytes));
    }),
    { numRuns: Math.min(RUNS.numRuns, 100) },
  );
});
