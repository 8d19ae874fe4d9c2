// Wires the advice metrics, budgets and notifications for `serve` from AdviceConfig: reads the
// budgets file and the Slack webhook URL file (a ConfigError naming the option when they cannot be
// used), and makes the advisor's cycle hook and metrics producers. The I/O edge of src/server/advisor.ts.
import type { AdvicePolicies } from '../core/advice/policies.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { BudgetRule } from '../core/budget.ts';
import { budgetRules } from '../core/budget.ts';
import { ConfigError, InputError } from '../core/errors.ts';
import type { PriceBook } from '../core/pricing.ts';
import type { Channel } from '../notify/notifier.ts';
import { createNotifier, slackChannel, webhookChannel } from '../notify/notifier.ts';
import { adviceMetricsProducer } from '../server/advice-metrics.ts';
import { createAdvisor } from '../server/advisor.ts';
import type { CycleHook, MetricsProducer } from '../server/exporter.ts';
import type { Logger } from '../server/log.ts';
import type { HistoryStore } from '../store/types.ts';
import type { AdviceConfig } from './advice-config.ts';

/** The budgets file's entries; none without `--budgets`. */
export function loadBudgetRules(file: string | undefined): BudgetRule[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('--budgets', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return budgetRules(parse(text) as unknown, file);
  } catch (err) {
    if (err instanceof InputError) throw new ConfigError('--budgets', err.message);
    throw new ConfigError('--budgets', `${file} is not valid YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

function readUrlFile(file: string): string {
  const url = readFileSync(file, 'utf8').trim();
  if (url === '') throw new Error(`${file} is empty`);
  return url;
}

export interface AdviceSetup {
  readonly hooks: readonly CycleHook[];
  readonly producers: readonly MetricsProducer[];
  /** Waits for the advice run in progress (shutdown, before the store closes); notifications in flight are not waited for. */
  settled(): Promise<void>;
}

export function setupAdvice(config: AdviceConfig, deps: { store: HistoryStore; prices: PriceBook; cluster: string; logger: Logger; budgetRules: readonly BudgetRule[]; historyReady?: () => boolean; policies?: () => AdvicePolicies | undefined }): AdviceSetup {
  const { logger } = deps;
  const channels: Channel[] = [];
  const slackFile = config.notify.slackWebhookUrlFile;
  if (slackFile !== undefined) {
    try {
      readUrlFile(slackFile);
    } catch (err) {
      throw new ConfigError('--notify-slack-webhook-url-file', err instanceof Error && 'code' in err ? `cannot read ${slackFile}: ${String((err as NodeJS.ErrnoException).code)}` : String(err instanceof Error ? err.message : err));
    }
    channels.push(slackChannel(() => readUrlFile(slackFile), config.notify.dashboardUrl));
  }
  const webhook = config.notify.webhookUrl;
  if (webhook !== undefined) channels.push(webhookChannel(() => webhook, config.notify.dashboardUrl));
  if (config.everyCycles === 0) {
    if (channels.length > 0) logger.warn('notifications are off: they come from the advice runs, and --advice-every-cycles is 0');
    return { hooks: [], producers: [], settled: async () => undefined };
  }
  const notifier = channels.length > 0 ? createNotifier({ channels, logger, repeatIntervalMs: config.notify.repeatIntervalMs, maxPerHour: config.notify.maxPerHour }) : undefined;
  if (notifier) logger.info(`budget and anomaly notifications to ${channels.map((c) => c.name).join(' and ')}`, { repeat: `${config.notify.repeatIntervalMs / 3_600_000}h`, maxPerHour: config.notify.maxPerHour });
  const advisor = createAdvisor({
    store: deps.store,
    prices: deps.prices,
    cluster: deps.cluster,
    logger,
    everyCycles: config.everyCycles,
    budgetRules: deps.budgetRules,
    ...(config.commitmentDiscount !== undefined ? { commitmentDiscount: config.commitmentDiscount } : {}),
    ...(notifier ? { notifier } : {}),
    ...(deps.historyReady ? { historyReady: deps.historyReady } : {}),
    ...(deps.policies ? { policies: deps.policies } : {}),
  });
  return {
    hooks: [advisor.hook],
    producers: [adviceMetricsProducer(advisor, { maxSeries: config.maxSeries }), ...(notifier ? [notifier.metrics] : [])],
    settled: () => advisor.runDone(),
  };
}
