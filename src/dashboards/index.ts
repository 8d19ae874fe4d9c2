// The five dashboards, rendered as the JSON Grafana imports.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { executiveSummary } from './executive-summary.ts';
import { forecast } from './forecast.ts';
import { namespaceDeepDive } from './namespace-deep-dive.ts';
import { resourceEfficiency } from './resource-efficiency.ts';
import { spotOptimizer } from './spot-optimizer.ts';

export interface DashboardFile {
  /** File name under deploy/grafana/dashboards/. */
  readonly file: string;
  readonly dashboard: Dashboard;
}

export function dashboards(): DashboardFile[] {
  return [
    { file: 'executive-summary.json', dashboard: executiveSummary() },
    { file: 'namespace-deep-dive.json', dashboard: namespaceDeepDive() },
    { file: 'resource-efficiency.json', dashboard: resourceEfficiency() },
    { file: 'spot-optimizer.json', dashboard: spotOptimizer() },
    { file: 'forecast.json', dashboard: forecast() },
  ];
}

type JsonObject = Record<string, unknown>;

/** Gives every panel (rows included) a stable id, in layout order, as Grafana expects. */
function numberPanels(panels: JsonObject[]): void {
  let id = 1;
  const visit = (list: JsonObject[]): void => {
    for (const p of list) {
      p['id'] = id++;
      if (Array.isArray(p['panels'])) visit(p['panels'] as JsonObject[]);
    }
  };
  visit(panels);
}

/** Stable JSON: the description (which says the file is generated) first, two-space indent. */
export function renderDashboard(d: Dashboard): string {
  const json = JSON.parse(JSON.stringify(d)) as JsonObject;
  numberPanels((json['panels'] as JsonObject[] | undefined) ?? []);
  const { description, title, uid, ...rest } = json;
  return `${JSON.stringify({ description, title, uid, ...rest }, null, 2)}\n`;
}
