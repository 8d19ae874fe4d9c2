// Rendering (pure): one table model → aligned text, Markdown, CSV. JSON is written by the callers.

export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

export interface TableModel {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly string[])[];
  /** The total row, shown last (bold in colour terminals). */
  readonly footer?: readonly string[];
}

const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/** `$1,234.56`; negative amounts `-$3.00`. */
export function money(usd: number): string {
  const abs = Math.abs(usd);
  const text = abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${usd < 0 && text !== '0.00' ? '-' : ''}$${text}`;
}

export function percent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}

export function renderText(model: TableModel, options: { color?: boolean } = {}): string {
  const all = [model.columns.map((c) => c.header), ...model.rows, ...(model.footer ? [model.footer] : [])];
  const widths = model.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (model.columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  const out = [line(model.columns.map((c) => c.header)), ...model.rows.map(line)];
  if (model.footer) {
    const f = line(model.footer);
    out.push(options.color ? `${BOLD}${f}${RESET}` : f);
  }
  if (options.color) out[0] = `${BOLD}${out[0]}${RESET}`;
  return `${out.join('\n')}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdown(model: TableModel): string {
  const head = `| ${model.columns.map((c) => mdCell(c.header)).join(' | ')} |`;
  const rule = `|${model.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = model.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`);
  if (model.footer) rows.push(`| ${model.footer.map((c) => (c === '' ? '' : `**${mdCell(c)}**`)).join(' | ')} |`);
  return `${[head, rule, ...rows].join('\n')}\n`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `${[headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}
