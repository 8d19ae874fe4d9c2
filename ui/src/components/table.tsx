// A sortable table with a CSV export of exactly what it shows (all rows, exact numbers).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Column } from '../model.ts';
import { sortRows, toCsv } from '../model.ts';

export interface DisplayColumn<Row> extends Column<Row> {
  /** Cell content; default: the value. */
  readonly render?: (r: Row) => ComponentChildren;
  /** Hover text (exact figures). */
  readonly title?: (r: Row) => string;
  readonly className?: (r: Row) => string;
  /** The CSV columns this one becomes (e.g. "req / use" → two numeric columns); default: itself. */
  readonly csv?: readonly Column<Row>[];
  /** In the CSV only (long text shown on screen as a tooltip instead). */
  readonly csvOnly?: boolean;
}

export interface TableProps<Row> {
  /** Accessible name of the table, and the CSV file's name. */
  readonly caption: string;
  readonly fileName: string;
  readonly columns: readonly DisplayColumn<Row>[];
  readonly rows: readonly Row[];
  readonly rowKey: (r: Row) => string;
  /** Default sort (`-totalCost`). */
  readonly defaultSort: string;
  /** Controlled sort (kept in the URL); absent: local. */
  readonly sort?: string;
  readonly onSort?: (sort: string) => void;
  readonly footer?: readonly ComponentChildren[];
  /** Show the caption as a heading (off when the page's heading already says it). */
  readonly showCaption?: boolean;
}

export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function DataTable<Row>(props: TableProps<Row>) {
  const { caption, fileName, rows, rowKey, defaultSort } = props;
  const columns = props.columns.filter((c) => !c.csvOnly);
  const [localSort, setLocalSort] = useState('');
  const sort = props.sort ?? localSort;
  const setSort = props.onSort ?? setLocalSort;
  const sorted = sortRows(rows, props.columns, sort, defaultSort);
  const active = sort === '' ? defaultSort : sort;
  const activeId = active.replace(/^-/, '');
  const activeDesc = active.startsWith('-');
  return (
    <div class="table-block">
      <div class="table-head">
        {props.showCaption === false ? <span /> : <h3 class="table-caption">{caption}</h3>}
        <button type="button" class="secondary" onClick={() => downloadText(fileName, toCsv(props.columns.flatMap((c) => c.csv ?? [c]), sorted))} aria-label={`Export ${caption} as CSV`}>
          Export CSV
        </button>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus so keyboard users can scroll it (WCAG 2.1.1). */}
      {/* biome-ignore lint/a11y/useSemanticElements: a <section> would add a landmark per table; role=region with a name is the scroll-container pattern. */}
      <div class="table-scroll" role="region" aria-label={caption} tabIndex={0}>
        <table>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const isActive = c.id === activeId;
                const ariaSort = isActive ? (activeDesc ? 'descending' : 'ascending') : undefined;
                const next = isActive ? (activeDesc ? c.id : `-${c.id}`) : c.numeric ? `-${c.id}` : c.id;
                return (
                  <th key={c.id} scope="col" class={c.numeric ? 'num' : ''} aria-sort={ariaSort}>
                    <button type="button" class="sort" onClick={() => setSort(next)}>
                      {c.label}
                      <span aria-hidden="true" class="sort-mark">
                        {isActive ? (activeDesc ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c, i) => {
                  const content = c.render ? c.render(r) : (c.value(r) ?? '—');
                  const cls = [c.numeric ? 'num' : '', c.className ? c.className(r) : ''].filter(Boolean).join(' ');
                  const title = c.title?.(r);
                  return i === 0 ? (
                    <th key={c.id} scope="row" class={cls} title={title}>
                      {content}
                    </th>
                  ) : (
                    <td key={c.id} class={cls} title={title}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
          {props.footer ? (
            <tfoot>
              <tr>
                {props.footer.map((f, i) => (i === 0 ? <th scope="row">{f}</th> : <td class="num">{f}</td>))}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </div>
  );
}
