// Reading bills at the edge: list the files of a location, open each as rows, recognise the provider
// by its header, and fold every charge into the billed usage. A file that cannot be read is reported
// (typed error naming file, line and column) and skipped; the others still count.
import type { BilledUsage } from './bill.ts';
import { BillAccumulator } from './bill.ts';
import { isAwsCur, readAwsCur } from './aws-cur.ts';
import { isAzureExport, readAzureExport } from './azure-export.ts';
import type { BillCharge, BillProvider } from './charges.ts';
import { BillParseError } from './errors.ts';
import type { BillFile, BillLister } from './files.ts';
import { isGcpExport, readGcpExport } from './gcp-export.ts';
import { billListerFor } from './listers.ts';
import type { RowTable } from './rows.ts';
import { billFormat, openRowTable } from './rows.ts';

export function detectBillProvider(table: RowTable): BillProvider {
  if (isAwsCur(table.columns)) return 'aws';
  if (isGcpExport(table.columns)) return 'gcp';
  if (isAzureExport(table.columns)) return 'azure';
  const shown = [...table.columns].slice(0, 6).join(',');
  throw new BillParseError(table.file, 1, '', shown, 'header is not an AWS Cost and Usage Report (lineItem/LineItemType or line_item_line_item_type), an Azure cost export (Date, ResourceId, CostInBillingCurrency) or a GCP billing export (usage_start_time, cost)');
}

/** The charges of one bill file. */
export async function* readBillFile(file: BillFile): AsyncGenerator<BillCharge> {
  const table = await openRowTable(file, 'path' in file && typeof file.path === 'string' ? { localPath: file.path } : {});
  const provider = detectBillProvider(table);
  if (provider === 'aws') yield* readAwsCur(table);
  else if (provider === 'azure') yield* readAzureExport(table);
  else yield* readGcpExport(table);
}

export interface BillReadResult {
  readonly usage: BilledUsage;
  readonly files: readonly { readonly location: string; readonly charges: number }[];
  /** Files skipped, with why. */
  readonly errors: readonly Error[];
}

/**
 * Reads every bill file under a location. Listing errors (BillLocationError) are thrown; file errors
 * are collected. `sinceMs`: charges ending before it are left out (bounded memory for old buckets).
 */
export async function readBills(location: string, options: { signal?: AbortSignal; lister?: BillLister; sinceMs?: number } = {}): Promise<BillReadResult> {
  const lister = options.lister ?? (await billListerFor(location));
  const since = options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {};
  const acc = new BillAccumulator(since);
  const files: { location: string; charges: number }[] = [];
  const errors: Error[] = [];
  for await (const file of lister(location, options.signal ? { signal: options.signal } : {})) {
    if (billFormat(file.name) === undefined) continue;
    // A file is read into an accumulator of its own (memory: its VM-hours, not its lines) and added
    // only when the whole file reads: a truncated or malformed file adds nothing.
    const own = new BillAccumulator(since);
    try {
      for await (const charge of readBillFile(file)) own.add(charge);
      acc.absorb(own);
      files.push({ location: file.location, charges: own.charges });
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      errors.push(err);
    }
  }
  return { usage: acc.finish(), files, errors };
}
