// CSV (RFC 4180, pure): CRLF line ends; a field with a comma, quote, CR or LF is quoted and its
// quotes doubled. Numbers are written in full (no rounding: finance rounds at the end); null and
// undefined are empty cells. A text cell starting with = + - @ or a tab is prefixed with ' so a
// spreadsheet does not run it as a formula (OWASP's advice for CSV injection); numbers are not.
export type Cell = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  let out = `${header.map(csvCell).join(',')}\r\n`;
  for (const r of rows) out += `${r.map(csvCell).join(',')}\r\n`;
  return out;
}
