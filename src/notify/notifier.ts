// Sends budget and anomaly notices to Slack incoming webhooks and to a generic JSON webhook:
//   - deduplicated: a notice (noticeKey) is sent once per channel, and again only after
//     `repeatIntervalMs` while it stays active; one that stops being active is forgotten, so a
//     new breach of the same budget is sent again;
//   - resolved: when no notice of an alert (alertKey: a budget, or a namespace's hourly or daily
//     anomalies) that was delivered on a channel is active any more, one "resolved" message goes
//     to that channel, with the same rate limit and retries (not delivered: tried again at the next
//     update; the alert firing again first: not sent at all). Kept in memory: alerts from before a
//     restart get no resolved message;
//   - rate-limited: at most `maxPerHour` messages per channel in any hour; the rest wait for the
//     next update (counted `rate_limited`), they are not dropped for good;
//   - retried: network errors, 429 and 5xx answers are retried up to `maxAttempts` times with
//     exponential backoff and jitter (base × 2^attempt, at most maxDelay, × a random factor in
//     [0.5, 1)), and at least what a 429's Retry-After asks; other answers (a 404 for a deleted
//     webhook, a 400) are not retried.
// The clock, sleep, random and fetch are injected. Sending never throws to the caller: failures
// are counted (kube_cost_notifications_total{result="failed"}) and logged. docs/alerts.md.
import type { ExpositionFormat } from '../server/exposition.ts';
import { ExpositionWriter, labelText } from '../server/exposition.ts';
import type { Logger } from '../server/log.ts';
import type { AlertNotice, Notice } from './message.ts';
import { alertKey, noticeKey } from './message.ts';
import { slackPayload } from './slack.ts';
import { webhookPayload } from './webhook.ts';

export interface Channel {
  /** `slack` or `webhook`: the `channel` label of the metrics. */
  readonly name: string;
  /** The URL to post to, asked at each send (a webhook URL file may be rotated). */
  url(): string;
  body(n: Notice, sentAtMs: number): unknown;
}

export function slackChannel(url: () => string, dashboardUrl: string | undefined): Channel {
  return { name: 'slack', url, body: (n) => slackPayload(n, dashboardUrl) };
}

export function webhookChannel(url: () => string, dashboardUrl: string | undefined): Channel {
  return { name: 'webhook', url, body: (n, at) => webhookPayload(n, dashboardUrl, at) };
}

export interface NotifierOptions {
  readonly channels: readonly Channel[];
  readonly logger: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1). */
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  readonly repeatIntervalMs?: number;
  readonly maxPerHour?: number;
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per request. */
  readonly timeoutMs?: number;
}

export interface Notifier {
  /**
   * The notices active now. New ones (and ones due again) are sent in the background; the promise
   * resolves when this update's sends are done (tests await it; the exporter does not).
   */
  update(active: readonly AlertNotice[]): Promise<void>;
  metrics(format: ExpositionFormat, baseLabels: string): string;
}

export type SendResult = 'sent' | 'failed' | 'rate_limited';

const HOUR_MS = 3_600_000;

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The wait before retry `attempt` (1 = the first retry): base × 2^(attempt−1), capped, × [0.5, 1). */
export function backoffMs(attempt: number, random: number, baseDelayMs: number, maxDelayMs: number): number {
  const full = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return full * (0.5 + random / 2);
}

export function createNotifier(options: NotifierOptions): Notifier {
  const {
    channels,
    logger,
    now = Date.now,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random = Math.random,
    fetch: fetchFn = fetch,
    repeatIntervalMs = 24 * HOUR_MS,
    maxPerHour = 20,
    maxAttempts = 4,
    baseDelayMs = 1000,
    maxDelayMs = 60_000,
    timeoutMs = 10_000,
  } = options;
  // Per channel: when each active notice was last sent, and when the messages of the last hour went.
  const sentAt = new Map<string, Map<string, { atMs: number; alert: string }>>(channels.map((c) => [c.name, new Map()]));
  const recent = new Map<string, number[]>(channels.map((c) => [c.name, []]));
  // Per channel: the alerts with a delivered message and no resolved one yet (the last notice sent, and since when).
  const open = new Map<string, Map<string, { notice: AlertNotice; sinceMs: number }>>(channels.map((c) => [c.name, new Map()]));
  const counts = new Map<string, number>();
  const retries = new Map<string, number>();
  const lastSuccess = new Map<string, number>();
  const errors = new Map<string, number>();
  let queue: Promise<void> = Promise.resolve();

  const count = (map: Map<string, number>, key: string, by = 1): void => void map.set(key, (map.get(key) ?? 0) + by);

  /** One message, retried; resolves to whether it was delivered. */
  const deliver = async (channel: Channel, n: Notice): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      let wait: number | undefined;
      let problem: string;
      let retryable: boolean;
      try {
        const res = await fetchFn(channel.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'kube-cost-exporter' },
          body: JSON.stringify(channel.body(n, now())),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        problem = `HTTP ${res.status}`;
        retryable = res.status === 429 || res.status >= 500;
        if (res.status === 429) wait = retryAfterMs(res.headers.get('retry-after'), now());
        count(errors, `${channel.name}\u0000http_${res.status === 429 ? '429' : res.status >= 500 ? '5xx' : '4xx'}`);
      } catch (err) {
        problem = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
        retryable = true;
        count(errors, `${channel.name}\u0000${err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'connection'}`);
      }
      if (!retryable || attempt >= maxAttempts) {
        logger.warn(`notification to ${channel.name} failed${retryable ? ` after ${attempt} attempts` : ''}; it is tried again at the next update`, { key: noticeKey(n), error: problem });
        return false;
      }
      count(retries, channel.name);
      await sleep(Math.max(wait ?? 0, backoffMs(attempt, random(), baseDelayMs, maxDelayMs)));
    }
  };

  /** Sends one message under the channel's hourly limit; false when it was not delivered (now). */
  const send = async (channel: Channel, n: Notice): Promise<boolean> => {
    const hour = recent.get(channel.name)!.filter((t) => now() - t < HOUR_MS);
    recent.set(channel.name, hour);
    if (hour.length >= maxPerHour) {
      count(counts, `${channel.name}\u0000rate_limited`);
      return false;
    }
    hour.push(now());
    const ok = await deliver(channel, n);
    count(counts, `${channel.name}\u0000${ok ? 'sent' : 'failed'}`);
    if (ok) lastSuccess.set(channel.name, now());
    return ok;
  };

  const run = async (active: readonly AlertNotice[]): Promise<void> => {
    const keys = new Set(active.map(noticeKey));
    const alerts = new Set(active.map(alertKey));
    for (const channel of channels) {
      const sent = sentAt.get(channel.name)!;
      const opened = open.get(channel.name)!;
      for (const n of active) {
        const key = noticeKey(n);
        const last = sent.get(key);
        if (last !== undefined && now() - last.atMs < repeatIntervalMs) continue;
        if (await send(channel, n)) {
          sent.set(key, { atMs: now(), alert: alertKey(n) });
          opened.set(alertKey(n), { notice: n, sinceMs: opened.get(alertKey(n))?.sinceMs ?? now() });
        }
      }
      // Alerts that stopped: one resolved message each, once delivered.
      for (const [k, { notice, sinceMs }] of [...opened]) {
        if (alerts.has(k)) continue;
        if (await send(channel, { kind: 'resolved', alert: notice, sinceMs, resolvedAtMs: now() })) opened.delete(k);
      }
      // Notices no longer active are forgotten once their alert is resolved: the next breach is news
      // again. (Until the resolved message is delivered, the alert firing again is no news.)
      for (const [k, { alert }] of [...sent]) if (!keys.has(k) && !opened.has(alert)) sent.delete(k);
    }
  };

  return {
    update(active) {
      // One update at a time: a slow webhook delays the next update, never the exporter.
      queue = queue.then(() => run(active)).catch((err: unknown) => logger.error('notifier failed', { error: err instanceof Error ? err.message : String(err) }));
      return queue;
    },
    metrics(format, baseLabels) {
      const w = new ExpositionWriter(format, baseLabels);
      w.family('kube_cost_notifications_total', 'counter', 'Budget and anomaly notifications (firing and resolved messages) by channel (slack, webhook) and result: sent, failed (after retries, or an answer not worth retrying), rate_limited (over --notify-max-per-hour; sent at a later update).');
      for (const c of channels) for (const result of ['sent', 'failed', 'rate_limited'] as const) w.sample(labelText({ channel: c.name, result }), counts.get(`${c.name}\u0000${result}`) ?? 0);
      w.family('kube_cost_notification_errors_total', 'counter', 'Failed notification attempts by channel and error_type: http_429, http_5xx, http_4xx, connection, timeout (each retry counts).');
      for (const [k, v] of [...errors].sort()) {
        const [channel = '', errorType = ''] = k.split('\u0000');
        w.sample(labelText({ channel, error_type: errorType }), v);
      }
      w.family('kube_cost_notification_retries_total', 'counter', 'Notification attempts retried after a failure, by channel.');
      for (const c of channels) w.sample(labelText({ channel: c.name }), retries.get(c.name) ?? 0);
      w.family('kube_cost_notification_last_success_timestamp_seconds', 'gauge', 'When a notification was last delivered, by channel (Unix seconds).');
      for (const c of channels) {
        const t = lastSuccess.get(c.name);
        if (t !== undefined) w.sample(labelText({ channel: c.name }), t / 1000);
      }
      return w.toString();
    },
  };
}
