// What the notifier tells people: budget alerts (a budget's run rate, or its month-end forecast,
// above the budget) and cost anomalies, as plain data, and the design document's message text:
//
//   ⚠️ Cost Alert: Production Namespace
//   Current Monthly Run Rate: $567.00
//   Budget: $500.00
//   Over Budget: $67.00 (13.4%)
//
//   Top Cost Drivers:
//   1. api-server-v2 - $123/mo (21%)
//   2. ml-inference - $98/mo (17%)
//
//   🔗 View Dashboard | 🛠️ Optimize Now
//
// Pure: slack.ts and webhook.ts turn a notice into a payload, notifier.ts sends. docs/alerts.md.

/** Dashboard uids of the shipped Grafana dashboards (src/dashboards/common.ts UID; a test checks they match). */
export const DASHBOARD_UID = { namespace: 'kce-namespace-deep-dive', efficiency: 'kce-resource-efficiency', forecast: 'kce-forecast' } as const;

export interface CostDriver {
  /** Pod name (the pods costing most in the budget's namespaces). */
  readonly name: string;
  readonly monthlyUsd: number;
  /** Share of the budget's run rate, %. */
  readonly percent: number;
}

export interface BudgetNotice {
  readonly kind: 'budget';
  /** `over-budget`: the run rate is above the budget; `forecast-over-budget`: the month-end projection is. */
  readonly reason: 'over-budget' | 'forecast-over-budget';
  readonly cluster: string;
  /** `namespace/checkout`, `label/team=payments`, `cluster`. */
  readonly budget: string;
  readonly scope: 'namespace' | 'label' | 'cluster';
  /** The namespace of a namespace budget, else ''. */
  readonly namespace: string;
  readonly costCenter: string;
  readonly budgetUsd: number;
  readonly runRateUsd: number;
  readonly monthToDateUsd: number;
  readonly monthEndForecastUsd: number;
  /** What the reason's figure (run rate or forecast) is above the budget, and its share of the budget (%). */
  readonly overBudgetUsd: number;
  readonly overBudgetPercent: number;
  readonly drivers: readonly CostDriver[];
}

export interface AnomalyNotice {
  readonly kind: 'anomaly';
  readonly cluster: string;
  readonly namespace: string;
  readonly granularity: 'hour' | 'day';
  readonly direction: 'spike' | 'drop';
  readonly startMs: number;
  readonly endMs: number;
  readonly costUsd: number;
  readonly expectedUsd: number;
  readonly deltaUsd: number;
  readonly score: number | null;
  /** `deployment/web cpu`: the part that moved most; null when none moved the same way. */
  readonly cause: string | null;
  readonly causeDeltaUsd: number | null;
}

/** An alert, as the advisor reports it while it is active. */
export type AlertNotice = BudgetNotice | AnomalyNotice;

/**
 * An alert that stopped: sent once after the alert's messages, when no notice of the same alert
 * (alertKey) is active any more. Carries the last notice sent for it.
 */
export interface ResolvedNotice {
  readonly kind: 'resolved';
  readonly alert: AlertNotice;
  /** When the alert's first message was delivered, and when it was found to have stopped. */
  readonly sinceMs: number;
  readonly resolvedAtMs: number;
}

export type Notice = AlertNotice | ResolvedNotice;

/**
 * The alert a notice belongs to, for "resolved" messages: a budget (whichever of its two reasons),
 * or a namespace's anomalies of one granularity (an anomaly in the next hour continues the alert).
 */
export function alertKey(n: AlertNotice): string {
  return n.kind === 'budget' ? `budget/${n.cluster}/${n.budget}` : `anomaly/${n.cluster}/${n.namespace}/${n.granularity}`;
}

/**
 * Identifies a notice for deduplication: the same budget breach, or the same anomaly (namespace,
 * granularity and start), is one notice however many times it is seen; a resolved message is one
 * per alert and start.
 */
export function noticeKey(n: Notice): string {
  if (n.kind === 'resolved') return `resolved/${alertKey(n.alert)}/${n.sinceMs}`;
  return n.kind === 'budget' ? `budget/${n.cluster}/${n.budget}/${n.reason}` : `anomaly/${n.cluster}/${n.namespace}/${n.granularity}/${n.startMs}`;
}

const usd = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (n: number): string => `${Number(n.toFixed(1))}%`;

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Checkout Namespace`, `team=payments Budget`, `Cluster prod`. */
export function budgetTitle(n: BudgetNotice): string {
  if (n.scope === 'namespace') return `${capitalized(n.namespace)} Namespace`;
  if (n.scope === 'label') return `${n.budget.slice('label/'.length)} Budget`;
  return `Cluster ${n.cluster || 'budget'}`;
}

export interface Links {
  readonly dashboard: string | undefined;
  readonly optimize: string | undefined;
}

/** Links into the shipped Grafana dashboards under `--dashboard-url`; none without it (a resolved alert: the dashboard only). */
export function linksOf(notice: Notice, dashboardUrl: string | undefined): Links {
  if (dashboardUrl === undefined || dashboardUrl === '') return { dashboard: undefined, optimize: undefined };
  if (notice.kind === 'resolved') return { dashboard: linksOf(notice.alert, dashboardUrl).dashboard, optimize: undefined };
  const n = notice;
  const base = dashboardUrl.replace(/\/+$/, '');
  const q = new URLSearchParams();
  const namespace = n.namespace;
  if (namespace !== '') q.set('var-namespace', namespace);
  if (n.cluster !== '') q.set('var-cluster', n.cluster);
  const query = q.size > 0 ? `?${q.toString()}` : '';
  const dashboard = namespace !== '' ? DASHBOARD_UID.namespace : DASHBOARD_UID.forecast;
  return { dashboard: `${base}/d/${dashboard}${query}`, optimize: `${base}/d/${DASHBOARD_UID.efficiency}${query}` };
}

export interface MessageText {
  readonly title: string;
  /** `label: value` lines. */
  readonly facts: readonly (readonly [string, string])[];
  /** `Top Cost Drivers` / cause lines; may be empty. */
  readonly listTitle: string;
  readonly list: readonly string[];
}

const minute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The message's parts, worded as the design document's Slack example. */
export function messageText(n: Notice): MessageText {
  if (n.kind === 'resolved') {
    const a = n.alert;
    const was = messageText(a);
    const figures: [string, string][] =
      a.kind === 'budget'
        ? [
            ['Budget', usd(a.budgetUsd)],
            [a.reason === 'forecast-over-budget' ? 'Month-End Forecast at the Last Alert' : 'Run Rate at the Last Alert', usd(a.reason === 'forecast-over-budget' ? a.monthEndForecastUsd : a.runRateUsd)],
          ]
        : [
            ['Last Anomalous Period', was.facts.find(([k]) => k === 'Period')?.[1] ?? ''],
            ['Cost Then / Expected', `${usd(a.costUsd)} / ${usd(a.expectedUsd)}`],
          ];
    return {
      // '⚠️ Cost Alert: Checkout Namespace' → '✅ Resolved: Cost Alert: Checkout Namespace'
      title: `✅ Resolved: ${was.title.replace(/^\S+\s+/u, '')}`,
      facts: [...figures, ['Alerting Since', minute(n.sinceMs)], ['Resolved At', minute(n.resolvedAtMs)]],
      listTitle: '',
      list: [],
    };
  }
  if (n.kind === 'budget') {
    const forecast = n.reason === 'forecast-over-budget';
    return {
      title: `⚠️ ${forecast ? 'Cost Forecast' : 'Cost Alert'}: ${budgetTitle(n)}`,
      facts: [
        ['Current Monthly Run Rate', usd(n.runRateUsd)],
        ['Budget', usd(n.budgetUsd)],
        [forecast ? 'Month-End Forecast Over Budget' : 'Over Budget', `${usd(n.overBudgetUsd)} (${pct(n.overBudgetPercent)})`],
        ['Spent This Month', usd(n.monthToDateUsd)],
        ['Month-End Forecast', usd(n.monthEndForecastUsd)],
        ...(n.costCenter !== '' ? [['Cost Center', n.costCenter] as const] : []),
      ],
      listTitle: 'Top Cost Drivers',
      list: n.drivers.map((d, i) => `${i + 1}. ${d.name} - $${Math.round(d.monthlyUsd)}/mo (${Math.round(d.percent)}%)`),
    };
  }
  const unit = n.granularity === 'hour' ? 'hour' : 'day';
  return {
    title: `${n.direction === 'spike' ? '📈' : '📉'} Cost Anomaly: ${capitalized(n.namespace)} Namespace`,
    facts: [
      [`Cost This ${capitalized(unit)}`, usd(n.costUsd)],
      ['Expected', usd(n.expectedUsd)],
      ['Change', `${n.deltaUsd >= 0 ? '+' : '−'}${usd(Math.abs(n.deltaUsd))}${n.expectedUsd > 0 ? ` (${n.deltaUsd >= 0 ? '+' : '−'}${pct((100 * Math.abs(n.deltaUsd)) / n.expectedUsd)})` : ''}`],
      ['Score', n.score === null ? 'baseline never varied' : n.score.toFixed(1)],
      ['Period', `${new Date(n.startMs).toISOString().slice(0, n.granularity === 'hour' ? 16 : 10).replace('T', ' ')} UTC`],
    ],
    listTitle: 'Cause',
    list: n.cause === null ? [] : [`${n.cause}: ${n.causeDeltaUsd !== null && n.causeDeltaUsd >= 0 ? '+' : '−'}${usd(Math.abs(n.causeDeltaUsd ?? 0))} per ${unit}`],
  };
}

/** The whole message as plain text (the Slack fallback `text`, logs). */
export function plainText(n: Notice, links: Links): string {
  const m = messageText(n);
  const lines = [m.title, ...m.facts.map(([k, v]) => `${k}: ${v}`)];
  if (m.list.length > 0) lines.push('', `${m.listTitle}:`, ...m.list);
  const linkText = [links.dashboard ? `🔗 View Dashboard: ${links.dashboard}` : '', links.optimize && n.kind === 'budget' ? `🛠️ Optimize Now: ${links.optimize}` : ''].filter(Boolean);
  if (linkText.length > 0) lines.push('', ...linkText);
  return lines.join('\n');
}
