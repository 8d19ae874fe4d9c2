// What Grafana would send to Prometheus for the dashboards: every target of every panel (rows
// included) and every variable query, with variables and Grafana's interval macros substituted the
// way Grafana's Prometheus data source does it.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  /** Instant queries (stats, tables, bar gauges) vs range queries (time series). */
  readonly instant: boolean;
}

interface JsonPanel {
  title?: string;
  panels?: JsonPanel[];
  targets?: { expr?: string; refId?: string; instant?: boolean }[];
}

export function panelQueries(file: string, dashboard: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  const visit = (panels: readonly JsonPanel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (t.expr === undefined) throw new Error(`${file}: panel "${p.title}" has a target without expr`);
        out.push({ dashboard: file, panel: p.title ?? '', refId: t.refId ?? '', expr: t.expr, instant: t.instant === true });
      }
      visit(p.panels ?? []);
    }
  };
  visit((dashboard.panels ?? []) as JsonPanel[]);
  return out;
}

export interface VariableQuery {
  readonly dashboard: string;
  readonly name: string;
  readonly query: string;
}

export function variableQueries(file: string, dashboard: Dashboard): VariableQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => ({ dashboard: file, name: v.name, query: String(v.query) }));
}

/** A multi-value selection as Grafana writes it into a regex matcher: escaped, `(a|b)`. */
export function regexValue(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/[\\$^*{}[\]'+?.()|]/g, (c) => `\\\\${c}`));
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

export interface TimeMacros {
  /** Seconds of the dashboard's time range. */
  readonly rangeSeconds: number;
  /** Seconds of one step ($__interval). */
  readonly intervalSeconds: number;
  /** Prometheus scrape interval in seconds, for $__rate_interval. */
  readonly scrapeSeconds: number;
}

/**
 * Replaces Grafana's macros and the dashboard variables in `expr`. Throws when a `$name` is left
 * that neither knows, so a typo in a variable name fails the test instead of querying nothing.
 */
export function substitute(expr: string, variables: Readonly<Record<string, string>>, time: TimeMacros): string {
  const rateInterval = Math.max(time.intervalSeconds + time.scrapeSeconds, 4 * time.scrapeSeconds);
  const macros: Record<string, string> = {
    __range_s: String(time.rangeSeconds),
    __range_ms: String(time.rangeSeconds * 1000),
    __range: `${time.rangeSeconds}s`,
    __interval_ms: String(time.intervalSeconds * 1000),
    __interval: `${time.intervalSeconds}s`,
    __rate_interval: `${rateInterval}s`,
  };
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = macros[name] ?? variables[name];
    if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`);
    return value;
  });
}
