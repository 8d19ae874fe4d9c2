// A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF or
// LF) over any byte stream. Records come out one at a time with the line they started on; memory is
// bounded by the longest record, not by the file. Pure state machine + a thin async generator.

export interface CsvRecord {
  /** 1-based line the record starts on (the header is line 1). */
  readonly line: number;
  readonly fields: readonly string[];
}

/** Incremental CSV tokenizer: feed text, get complete records. */
export class CsvTokenizer {
  #field = '';
  #fields: string[] = [];
  #quoted = false;
  #afterQuote = false;
  #line = 1;
  #recordLine = 1;
  #pendingCr = false;
  #touched = false;
  readonly #maxRecordChars: number;
  #recordChars = 0;
  readonly #onTooLong: (line: number) => never;

  constructor(options: { maxRecordChars?: number; onTooLong: (line: number) => never }) {
    this.#maxRecordChars = options.maxRecordChars ?? 1_000_000;
    this.#onTooLong = options.onTooLong;
  }

  /** Whether a quoted field is still open (used to detect a truncated file at the end). */
  get inQuotes(): boolean {
    return this.#quoted;
  }

  get line(): number {
    return this.#line;
  }

  /** The line the record being read started on. */
  get recordLine(): number {
    return this.#recordLine;
  }

  write(text: string, out: CsvRecord[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (c === 10) {
          i++;
          continue;
        }
      }
      if (this.#quoted) {
        // Fast path: copy up to the next quote.
        const q = text.indexOf('"', i);
        if (q === -1) {
          const part = text.slice(i);
          this.#count(part);
          this.#field += part;
          i = n;
          continue;
        }
        const part = text.slice(i, q);
        this.#count(part);
        this.#field += part;
        this.#quoted = false;
        this.#afterQuote = true;
        i = q + 1;
        continue;
      }
      if (c === 34) {
        if (this.#afterQuote) {
          this.#field += '"';
          this.#quoted = true;
          this.#afterQuote = false;
        } else {
          this.#quoted = true;
        }
        this.#touched = true;
        i++;
        continue;
      }
      this.#afterQuote = false;
      if (c === 44) {
        this.#fields.push(this.#field);
        this.#field = '';
        this.#touched = true;
        i++;
        continue;
      }
      if (c === 10 || c === 13) {
        this.#endRecord(out);
        if (c === 13) this.#pendingCr = true;
        this.#line++;
        this.#recordLine = this.#line;
        i++;
        continue;
      }
      // Fast path: copy up to the next delimiter.
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13 || d === 34) break;
        j++;
      }
      this.#field += text.slice(i, j);
      this.#recordChars += j - i;
      if (this.#recordChars > this.#maxRecordChars) this.#onTooLong(this.#recordLine);
      this.#touched = true;
      i = j;
    }
  }

  /** Flushes the last record (a file need not end with a newline). */
  end(out: CsvRecord[]): void {
    this.#endRecord(out);
  }

  #count(part: string): void {
    this.#recordChars += part.length;
    if (this.#recordChars > this.#maxRecordChars) this.#onTooLong(this.#recordLine);
    for (let k = part.indexOf('\n'); k !== -1; k = part.indexOf('\n', k + 1)) this.#line++;
  }

  #endRecord(out: CsvRecord[]): void {
    if (!this.#touched && this.#field === '' && this.#fields.length === 0) return; // blank line
    this.#fields.push(this.#field);
    out.push({ line: this.#recordLine, fields: this.#fields });
    this.#fields = [];
    this.#field = '';
    this.#touched = false;
    this.#recordChars = 0;
  }
}

/** Reads CSV records from a byte stream (already decompressed). A UTF-8 BOM is dropped. */
export async function* readCsv(
  stream: AsyncIterable<Uint8Array | string>,
  options: { onTooLong: (line: number) => never; onUnterminated: (line: number) => never; maxRecordChars?: number },
): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer({ onTooLong: options.onTooLong, ...(options.maxRecordChars !== undefined ? { maxRecordChars: options.maxRecordChars } : {}) });
  const decoder = new TextDecoder('utf-8');
  let first = true;
  let out: CsvRecord[] = [];
  for await (const chunk of stream) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    tokenizer.write(text, out);
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  tokenizer.write(decoder.decode(), out);
  if (tokenizer.inQuotes) options.onUnterminated(tokenizer.recordLine);
  tokenizer.end(out);
  yield* out;
}
