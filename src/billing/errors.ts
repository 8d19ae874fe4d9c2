// Typed errors of the billing readers: each names the file, the line (1-based, the header is line 1)
// and the column, with the value that was wrong, so a user can open the file at the right place.

/** A bill file that cannot be read as the bill it claims to be. */
export class BillParseError extends Error {
  readonly file: string;
  /** 1-based line (CSV/JSON lines) or row (Parquet, 1 = first data row + 1 so it reads like a CSV line); 0 when the whole file is at fault. */
  readonly line: number;
  /** The column (header name) at fault, '' when none. */
  readonly column: string;
  readonly value: string;
  readonly reason: string;
  constructor(file: string, line: number, column: string, value: string, reason: string) {
    const where = `${file}${line > 0 ? `:${line}` : ''}${column !== '' ? ` column ${column}` : ''}`;
    super(`bill ${where}: ${reason}${value !== '' ? ` (value ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})` : ''}`);
    this.name = 'BillParseError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.value = value;
    this.reason = reason;
  }
}
