// Bill files as tables of rows, whatever the format: CSV (optionally gzip), Parquet, or newline-
// delimited JSON as BigQuery exports it. Column names are matched case-insensitively (Azure's EA and
// MCA exports spell the same column `CostInBillingCurrency` and `costInBillingCurrency`); nested JSON
// objects are flattened with dots (`resource.name`). Rows are read one at a time (Parquet: one row
// group at a time), so memory stays bounded by a row group, not the file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { readCsv } from './csv.ts';
import { BillParseError } from './errors.ts';
import type { BillFile } from './files.ts';

export type BillFormat = 'csv' | 'csv.gz' | 'parquet' | 'json' | 'json.gz';

/** One row: `value(column)` with the column name in lower case; undefined when the file has no such column. */
export interface BillRow {
  readonly line: number;
  value(column: string): unknown;
}

export interface RowTable {
  readonly file: string;
  readonly format: BillFormat;
  /** Column names in lower case (JSON: the first row's flattened keys). */
  readonly columns: ReadonlySet<string>;
  readonly rows: AsyncIterable<BillRow>;
  /** A column as the file spells it (errors name it so). */
  display(column: string): string;
}

function displayOf(names: readonly string[]): (column: string) => string {
  const map = new Map<string, string>();
  for (const n of names) if (!map.has(n.trim().toLowerCase())) map.set(n.trim().toLowerCase(), n.trim());
  return (c) => map.get(c) ?? c;
}

/** The format a file name says, or undefined for a file that is not a bill (manifests, checksums...). */
export function billFormat(name: string): BillFormat | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.csv.gz')) return 'csv.gz';
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.snappy.parquet') || n.endsWith('.gz.parquet') || n.endsWith('.parquet')) return 'parquet';
  if (n.endsWith('.json.gz') || n.endsWith('.jsonl.gz') || n.endsWith('.ndjson.gz')) return 'json.gz';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson')) return 'json';
  // AWS writes `*-Manifest.json` next to the report: a manifest, not bill lines.
  if (n.endsWith('.json') && !n.endsWith('manifest.json')) return 'json';
  return undefined;
}

async function* gunzip(file: string, stream: NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  const gz = createGunzip();
  (stream as NodeJS.ReadableStream & { on(e: 'error', f: (err: Error) => void): void }).on('error', (err: Error) => gz.destroy(err));
  stream.pipe(gz);
  try {
    for await (const chunk of gz) yield chunk as Uint8Array;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end of file|incorrect header check/i.test(String((err as Error).message))) {
      throw new BillParseError(file, 0, '', '', `not a complete gzip file (${(err as Error).message})`);
    }
    throw err;
  }
}

function csvRows(file: string, format: BillFormat, source: AsyncIterable<Uint8Array | string>): Promise<RowTable> {
  const records = readCsv(source, {
    onTooLong: (line) => {
      throw new BillParseError(file, line, '', '', 'a record longer than 1,000,000 characters (not a CSV bill, or a quote left open)');
    },
    onUnterminated: (line) => {
      throw new BillParseError(file, line, '', '', 'the file ends inside a quoted field (truncated)');
    },
  });
  return (async () => {
    const first = await records.next();
    if (first.done) throw new BillParseError(file, 1, '', '', 'empty file: no header line');
    const header = first.value.fields.map((h) => h.trim().toLowerCase());
    const display = displayOf(first.value.fields);
    const index = new Map<string, number>();
    header.forEach((h, i) => {
      if (!index.has(h)) index.set(h, i);
    });
    const width = header.length;
    async function* rows(): AsyncGenerator<BillRow> {
      for await (const rec of records) {
        const { fields, line } = rec;
        if (fields.length !== width) {
          if (fields.length === 1 && fields[0] === '') continue;
          throw new BillParseError(file, line, '', '', `${fields.length} fields where the header has ${width} (truncated or malformed line)`);
        }
        yield { line, value: (c: string) => { const i = index.get(c); return i === undefined ? undefined : fields[i]; } };
      }
    }
    return { file, format, columns: new Set(header), rows: rows(), display };
  })();
}

function flatten(prefix: string, value: unknown, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(prefix === '' ? k.toLowerCase() : `${prefix}.${k.toLowerCase()}`, v, out);
  } else {
    out.set(prefix, value);
  }
}

async function* lines(file: string, source: AsyncIterable<Uint8Array | string>): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder();
  let rest = '';
  let line = 0;
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (rest.length > 16_000_000) throw new BillParseError(file, line + 1, '', '', 'a JSON line longer than 16,000,000 characters');
    let nl = rest.indexOf('\n');
    while (nl !== -1) {
      line++;
      yield { line, text: rest.slice(0, nl) };
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.trim() !== '') yield { line: line + 1, text: rest };
}

async function jsonRows(file: string, format: BillFormat, source: AsyncIterable<Uint8Array | string>): Promise<RowTable> {
  const it = lines(file, source)[Symbol.asyncIterator]();
  const parse = (line: number, text: string): Map<string, unknown> => {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      throw new BillParseError(file, line, '', text, `not a JSON object (${(err as Error).message})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new BillParseError(file, line, '', text, 'not a JSON object (newline-delimited JSON has one object per line)');
    const out = new Map<string, unknown>();
    flatten('', obj, out);
    return out;
  };
  let first: { line: number; map: Map<string, unknown> } | undefined;
  for (let n = await it.next(); !n.done; n = await it.next()) {
    if (n.value.text.trim() === '') continue;
    first = { line: n.value.line, map: parse(n.value.line, n.value.text) };
    break;
  }
  if (!first) throw new BillParseError(file, 1, '', '', 'empty file: no JSON line');
  const head = first;
  async function* rows(): AsyncGenerator<BillRow> {
    yield { line: head.line, value: (c) => head.map.get(c) };
    for (let n = await it.next(); !n.done; n = await it.next()) {
      if (n.value.text.trim() === '') continue;
      const map = parse(n.value.line, n.value.text);
      yield { line: n.value.line, value: (c) => map.get(c) };
    }
  }
  return { file, format, columns: new Set(head.map.keys()), rows: rows(), display: (c) => c };
}

/** Parquet needs random access: a local file is read in place, a stream is spooled to a temporary file first. */
async function parquetRows(file: string, path: string, cleanup: () => Promise<void>): Promise<RowTable> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    await cleanup();
    throw new BillParseError(file, 0, '', '', `not a readable Parquet file (${(err as Error).message})`);
  }
  const names = (metadata.schema ?? []).slice(1).map((s) => s.name);
  const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
  // GZIP row groups (CUR's default Parquet codec) through node:zlib; SNAPPY is built into hyparquet.
  const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };
  async function* rows(): AsyncGenerator<BillRow> {
    try {
      let start = 0;
      for (const group of metadata.row_groups) {
        const count = Number(group.num_rows);
        let objects: Record<string, unknown>[];
        try {
          objects = (await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: start + count, compressors })) as Record<string, unknown>[];
        } catch (err) {
          throw new BillParseError(file, start + 2, '', '', `unreadable Parquet row group (${(err as Error).message})`);
        }
        for (let i = 0; i < objects.length; i++) {
          const o = objects[i] as Record<string, unknown>;
          yield { line: start + i + 2, value: (c) => { const n = lower.get(c); return n === undefined ? undefined : o[n]; } };
        }
        start += count;
      }
    } finally {
      await cleanup();
    }
  }
  return { file, format: 'parquet', columns: new Set(lower.keys()), rows: rows(), display: displayOf(names) };
}

/** Opens a bill file as a table of rows. `localPath` lets a Parquet file on disk be read in place. */
export async function openRowTable(bill: BillFile, options: { localPath?: string } = {}): Promise<RowTable> {
  const format = billFormat(bill.name);
  if (format === undefined) throw new BillParseError(bill.location, 0, '', bill.name, 'not a bill file name (.csv, .csv.gz, .parquet, .json, .json.gz)');
  if (format === 'parquet') {
    if (options.localPath !== undefined) return parquetRows(bill.location, options.localPath, async () => {});
    const dir = await mkdtemp(join(tmpdir(), 'kce-bill-'));
    const path = join(dir, 'bill.parquet');
    try {
      await pipeline(await bill.open(), createWriteStream(path));
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return parquetRows(bill.location, path, () => rm(dir, { recursive: true, force: true }));
  }
  const stream = await bill.open();
  const bytes: AsyncIterable<Uint8Array | string> = format.endsWith('.gz') ? gunzip(bill.location, stream) : (stream as AsyncIterable<Uint8Array | string>);
  return format.startsWith('csv') ? csvRows(bill.location, format, bytes) : jsonRows(bill.location, format, bytes);
}
