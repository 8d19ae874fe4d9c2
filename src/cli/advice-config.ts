// The options of the advice metrics, budgets and notifications (docs/alerts.md, docs/advice.md):
// their rows of the option table (config.ts spreads them into SERVE_OPTIONS, so --help and
// docs/configuration.md list them) and their validation. Read once at the edge like the rest.
import { ConfigError } from '../core/errors.ts';
import type { OptionSpec } from './config.ts';

export interface AdviceConfig {
  /** `--budgets`: the budgets file (YAML or JSON); undefined: namespace labels and annotations only. */
  readonly budgetsFile: string | undefined;
  /** `--advice-every-cycles`: run the analyses after the first cycle and every N cycles; 0: no advice metrics. */
  readonly everyCycles: number;
  /** `--advice-max-series`: recommendations with a series of their own; the rest fold into `__other__`. */
  readonly maxSeries: number;
  /** `--commitment-discount`: the savings-plan / reservation rate for commitment advice (fraction). */
  readonly commitmentDiscount: number | undefined;
  readonly notify: {
    /** `--notify-slack-webhook-url-file`: a file holding the Slack incoming-webhook URL (a secret: never a flag value). */
    readonly slackWebhookUrlFile: string | undefined;
    /** `--notify-webhook-url`: a generic JSON webhook. */
    readonly webhookUrl: string | undefined;
    /** `--dashboard-url`: Grafana's base URL, for the links in messages. */
    readonly dashboardUrl: string | undefined;
    readonly repeatIntervalMs: number;
    readonly maxPerHour: number;
  };
}

export const ADVICE_OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'budgets',
    env: 'KCE_BUDGETS',
    value: 'FILE',
    default: '',
    help: 'Budgets file (YAML or JSON, USD per month): `budgets: [{namespace: checkout, monthlyUsd: 500}, {label: team=payments, monthlyUsd: 3000}, {cluster: true, monthlyUsd: 20000}]`, optional costCenter. A namespace entry wins over the namespace\'s own `budget` label or annotation, which works without this file. Read at start; see docs/alerts.md.',
  },
  {
    flag: 'advice-every-cycles',
    env: 'KCE_ADVICE_EVERY_CYCLES',
    value: 'N',
    default: '15',
    help: 'Compute the advice metrics (recommendation savings, anomalies, month-end projections, budget status) from the history store after the first cycle and then every N cycles, in the background: scrapes serve the last results. 0: no advice metrics and no notifications.',
  },
  {
    flag: 'advice-max-series',
    env: 'KCE_ADVICE_MAX_SERIES',
    value: 'N',
    default: '100',
    help: 'Recommendations with a kube_cost_recommendation_savings_usd series of their own (the largest savings); the rest of each kind are summed into workload="__other__".',
  },
  {
    flag: 'commitment-discount',
    env: 'KCE_COMMITMENT_DISCOUNT',
    value: 'FRACTION',
    default: '',
    help: 'Your savings-plan / reserved-instance / committed-use discount (e.g. 0.28 or 28%) for the commitment recommendation\'s saving; without it that saving is unknown and has no series.',
  },
  {
    flag: 'notify-slack-webhook-url-file',
    env: 'KCE_NOTIFY_SLACK_WEBHOOK_URL_FILE',
    value: 'FILE',
    default: '',
    help: 'Post budget and anomaly notifications to Slack: a file holding the incoming-webhook URL (mount it from a Secret; it is re-read at each message). Deduplicated, rate-limited and retried; docs/alerts.md.',
  },
  {
    flag: 'notify-webhook-url',
    env: 'KCE_NOTIFY_WEBHOOK_URL',
    value: 'URL',
    default: '',
    help: 'Post budget and anomaly notifications as JSON to this URL (docs/alerts.md shows the body).',
  },
  {
    flag: 'dashboard-url',
    env: 'KCE_DASHBOARD_URL',
    value: 'URL',
    default: '',
    help: "Your Grafana's base URL (e.g. https://grafana.example.com): notifications link to the shipped dashboards under it.",
  },
  {
    flag: 'notify-repeat-interval',
    env: 'KCE_NOTIFY_REPEAT_INTERVAL',
    value: 'DURATION',
    default: '24h',
    help: 'A notification that stays true (a budget still over) is sent again after this long; one that stopped being true and comes back is sent at once.',
  },
  {
    flag: 'notify-max-per-hour',
    env: 'KCE_NOTIFY_MAX_PER_HOUR',
    value: 'N',
    default: '20',
    help: 'At most N notifications per channel in any hour; the rest wait for the next advice run.',
  },
];

function httpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(option, `not a URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(option, `must be an http:// or https:// URL (got ${JSON.stringify(value)})`);
  return value;
}

function count(option: string, value: string, min: number, max: number, what: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) throw new ConfigError(option, `must be a whole number ${what} from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** Validates the advice options; `raw` and `duration` are config.ts's. */
export function adviceConfig(raw: (flag: string) => { value: string; option: string }, duration: (text: string, option: string) => number): AdviceConfig {
  const every = raw('advice-every-cycles');
  const maxSeries = raw('advice-max-series');
  const discount = raw('commitment-discount');
  let commitmentDiscount: number | undefined;
  if (discount.value !== '') {
    const text = discount.value.trim();
    const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
    if (text === '' || !Number.isFinite(n) || n <= 0 || n > 0.95) throw new ConfigError(discount.option, `must be a fraction above 0 and at most 0.95, or a percentage like 28% (got ${JSON.stringify(discount.value)})`);
    commitmentDiscount = n;
  }
  const webhook = raw('notify-webhook-url');
  const dashboard = raw('dashboard-url');
  const repeat = raw('notify-repeat-interval');
  const repeatIntervalMs = duration(repeat.value, repeat.option);
  if (repeatIntervalMs < 60_000) throw new ConfigError(repeat.option, `must be at least 1m (got ${JSON.stringify(repeat.value)})`);
  const perHour = raw('notify-max-per-hour');
  return {
    budgetsFile: raw('budgets').value || undefined,
    everyCycles: count(every.option, every.value, 0, 1_000_000, 'of cycles'),
    maxSeries: count(maxSeries.option, maxSeries.value, 1, 100_000, 'of series'),
    commitmentDiscount,
    notify: {
      slackWebhookUrlFile: raw('notify-slack-webhook-url-file').value || undefined,
      webhookUrl: webhook.value === '' ? undefined : httpUrl(webhook.option, webhook.value),
      dashboardUrl: dashboard.value === '' ? undefined : httpUrl(dashboard.option, dashboard.value),
      repeatIntervalMs,
      maxPerHour: count(perHour.option, perHour.value, 1, 100_000, 'of messages'),
    },
  };
}
