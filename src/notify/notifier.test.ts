// The notifier against a real local webhook receiver (node:http on a port the OS picks): the
// payloads Slack and the generic webhook get, deduplication, the rate limit, retries on 429 and
// 5xx with backoff (sleep and random injected: the waits are asserted, never slept), no retry on
// other 4xx, and a receiver that is down.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { UID } from '../dashboards/common.ts';
import { memoryLogger } from '../server/log.ts';
import type { AnomalyNotice, BudgetNotice } from './message.ts';
import { DASHBOARD_UID, messageText, noticeKey, plainText } from './message.ts';
import type { Notifier, NotifierOptions } from './notifier.ts';
import { backoffMs, createNotifier, retryAfterMs, slackChannel, webhookChannel } from './notifier.ts';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A webhook receiver: records each POST and answers from a script (status and headers), then 200 "ok". */
function receiver() {
  const received: Received[] = [];
  const script: { status: number; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      const next = script.shift() ?? { status: 200 };
      res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
      res.end(next.status === 200 ? 'ok' : 'no');
    });
  });
  return {
    received,
    script,
    server,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const T0 = Date.UTC(2026, 10, 20, 9);

// checkout: 0.8 USD/h × 730 = 584 a month against 500: 84 over, 16.8 %.
const OVER: BudgetNotice = {
  kind: 'budget',
  reason: 'over-budget',
  cluster: 'prod',
  budget: 'namespace/checkout',
  scope: 'namespace',
  namespace: 'checkout',
  costCenter: 'engineering',
  budgetUsd: 500,
  runRateUsd: 584,
  monthToDateUsd: 380,
  monthEndForecastUsd: 590,
  overBudgetUsd: 84,
  overBudgetPercent: 16.8,
  drivers: [
    { name: 'checkout-api-1', monthlyUsd: 343.1, percent: 58.75 },
    { name: 'checkout-worker-1', monthlyUsd: 153.3, percent: 26.25 },
  ],
};

const SPIKE: AnomalyNotice = {
  kind: 'anomaly',
  cluster: 'prod',
  namespace: 'search',
  granularity: 'day',
  direction: 'spike',
  startMs: Date.UTC(2026, 10, 19),
  endMs: Date.UTC(2026, 10, 20),
  costUsd: 30,
  expectedUsd: 12,
  deltaUsd: 18,
  score: 6.1,
  cause: 'deployment/indexer cpu',
  causeDeltaUsd: 15.5,
};

describe('messages', () => {
  it('the budget message is the design document\'s, with links under --dashboard-url', () => {
    assert.equal(
      plainText(OVER, { dashboard: 'https://grafana.example/d/kce-namespace-deep-dive?var-namespace=checkout&var-cluster=prod', optimize: 'https://grafana.example/d/kce-resource-efficiency?var-namespace=checkout&var-cluster=prod' }),
      [
        '⚠️ Cost Alert: Checkout Namespace',
        'Current Monthly Run Rate: $584.00',
        'Budget: $500.00',
        'Over Budget: $84.00 (16.8%)',
        'Spent This Month: $380.00',
        'Month-End Forecast: $590.00',
        'Cost Center: engineering',
        '',
        'Top Cost Drivers:',
        '1. checkout-api-1 - $343/mo (59%)',
        '2. checkout-worker-1 - $153/mo (26%)',
        '',
        '🔗 View Dashboard: https://grafana.example/d/kce-namespace-deep-dive?var-namespace=checkout&var-cluster=prod',
        '🛠️ Optimize Now: https://grafana.example/d/kce-resource-efficiency?var-namespace=checkout&var-cluster=prod',
      ].join('\n'),
    );
  });

  it('the anomaly message: cost against the expected, the change in USD and %, the cause', () => {
    const m = messageText(SPIKE);
    assert.equal(m.title, '📈 Cost Anomaly: Search Namespace');
    // 18 / 12 = 150 %
    assert.deepEqual(m.facts, [
      ['Cost This Day', '$30.00'],
      ['Expected', '$12.00'],
      ['Change', '+$18.00 (+150%)'],
      ['Score', '6.1'],
      ['Period', '2026-11-19 UTC'],
    ]);
    assert.deepEqual(m.list, ['deployment/indexer cpu: +$15.50 per day']);
  });

  it('dashboard uids are the shipped dashboards\'', () => {
    assert.equal(DASHBOARD_UID.namespace, UID.namespace);
    assert.equal(DASHBOARD_UID.efficiency, UID.efficiency);
    assert.equal(DASHBOARD_UID.forecast, UID.forecast);
  });

  it('backoff doubles from the base, is capped, and keeps half of it at least; Retry-After in seconds or a date', () => {
    const cases: [number, number, number][] = [
      // attempt, random, expected ms (base 1000, max 8000)
      [1, 0, 500],
      [1, 0.999, 999.5],
      [2, 0.5, 1500],
      [3, 0, 2000],
      [5, 0, 4000], // 16,000 capped to 8,000
    ];
    for (const [attempt, r, ms] of cases) assert.equal(backoffMs(attempt, r, 1000, 8000), ms, `attempt ${attempt} random ${r}`);
    assert.equal(retryAfterMs('7', T0), 7000);
    assert.equal(retryAfterMs(new Date(T0 + 30_000).toUTCString(), T0), 30_000);
    assert.equal(retryAfterMs('soon', T0), undefined);
    assert.equal(retryAfterMs(null, T0), undefined);
  });
});

describe('notifier against a local webhook receiver', () => {
  const rx = receiver();
  let base = '';
  let nowMs = T0;
  let sleeps: number[] = [];
  before(async () => {
    base = await rx.start();
  });
  after(() => rx.stop());
  beforeEach(() => {
    rx.received.length = 0;
    rx.script.length = 0;
    nowMs = T0;
    sleeps = [];
  });
  const make = (extra: Partial<NotifierOptions> = {}): { notifier: Notifier; logger: ReturnType<typeof memoryLogger> } => {
    const logger = memoryLogger();
    const notifier = createNotifier({
      channels: [slackChannel(() => `${base}/slack`, 'https://grafana.example/'), webhookChannel(() => `${base}/hook`, undefined)],
      logger,
      now: () => nowMs,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0,
      ...extra,
    });
    return { notifier, logger };
  };
  const sample = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('posts a Slack Block Kit payload and the generic JSON body', async () => {
    const { notifier } = make();
    await notifier.update([OVER]);
    assert.deepEqual(
      rx.received.map((r) => r.path),
      ['/slack', '/hook'],
    );
    const slack = rx.received[0]!;
    assert.equal(slack.headers['content-type'], 'application/json');
    const blocks = slack.body['blocks'] as { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { text: string }[] }[];
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['header', 'section', 'section', 'context'],
    );
    assert.deepEqual(blocks[0]!.text, { type: 'plain_text', text: '⚠️ Cost Alert: Checkout Namespace', emoji: true });
    assert.deepEqual(
      blocks[1]!.fields!.slice(0, 3).map((f) => f.text),
      ['*Current Monthly Run Rate:*\n$584.00', '*Budget:*\n$500.00', '*Over Budget:*\n$84.00 (16.8%)'],
    );
    assert.equal(blocks[2]!.text!.text, '*Top Cost Drivers:*\n1. checkout-api-1 - $343/mo (59%)\n2. checkout-worker-1 - $153/mo (26%)');
    assert.equal(
      blocks[3]!.elements![0]!.text,
      '<https://grafana.example/d/kce-namespace-deep-dive?var-namespace=checkout&var-cluster=prod|🔗 View Dashboard> | <https://grafana.example/d/kce-resource-efficiency?var-namespace=checkout&var-cluster=prod|🛠️ Optimize Now>',
    );
    assert.match(String(slack.body['text']), /^⚠️ Cost Alert: Checkout Namespace\nCurrent Monthly Run Rate: \$584\.00\n/);
    // Links in the fallback text are escaped for Slack: & is markup there.
    assert.match(String(slack.body['text']), /var-namespace=checkout&amp;var-cluster=prod/);

    const hook = rx.received[1]!.body;
    assert.equal(hook['version'], 1);
    assert.equal(hook['status'], 'firing');
    assert.equal(hook['key'], 'budget/prod/namespace/checkout/over-budget');
    assert.equal(hook['sentAt'], '2026-11-20T09:00:00.000Z');
    assert.equal(hook['runRateUsd'], 584);
    assert.equal(hook['overBudgetPercent'], 16.8);
    assert.deepEqual(hook['links'], { dashboard: null, optimize: null });
    assert.deepEqual(hook['drivers'], OVER.drivers);
  });

  it('deduplicates: once per repeat interval while active; a notice that went away and came back is sent again', async () => {
    const { notifier } = make({ repeatIntervalMs: 6 * 3_600_000 });
    await notifier.update([OVER, SPIKE]);
    assert.equal(rx.received.length, 4);
    nowMs += 3_600_000;
    await notifier.update([OVER, SPIKE]);
    assert.equal(rx.received.length, 4, 'same notices an hour later: nothing sent');
    nowMs += 6 * 3_600_000;
    await notifier.update([OVER, SPIKE]);
    assert.equal(rx.received.length, 8, 'due again after the repeat interval');
    await notifier.update([SPIKE]);
    await notifier.update([OVER, SPIKE]);
    assert.deepEqual(
      rx.received.slice(8).map((r) => [r.path, r.path === '/hook' ? `${r.body['status']} ${r.body['key']}` : 'slack']),
      [
        // OVER stopped: resolved once; back: firing again.
        ['/slack', 'slack'],
        ['/hook', `resolved resolved/budget/prod/namespace/checkout/${T0}`],
        ['/slack', 'slack'],
        ['/hook', `firing ${noticeKey(OVER)}`],
      ],
    );
  });

  it('resolved: one message per alert when it stops, on each channel it was sent to; deduplicated, retried, not sent if it fires again first', async () => {
    const { notifier } = make();
    const nextHour: AnomalyNotice = { ...SPIKE, granularity: 'hour', startMs: T0, endMs: T0 + 3_600_000 };
    const hourAfter: AnomalyNotice = { ...nextHour, startMs: T0 + 3_600_000, endMs: T0 + 7_200_000, costUsd: 2, expectedUsd: 0.5, deltaUsd: 1.5 };
    await notifier.update([OVER, nextHour]);
    assert.equal(rx.received.length, 4);
    // An hour later the namespace's next hour is anomalous too: a new anomaly, the same alert (no resolved).
    nowMs += 3_600_000;
    await notifier.update([OVER, hourAfter]);
    assert.deepEqual(
      rx.received.slice(4).map((r) => (r.path === '/hook' ? `${r.body['status']} ${r.body['key']}` : 'slack')),
      ['slack', `firing ${noticeKey(hourAfter)}`],
    );
    // Then the budget is back under and the anomalies stop: one resolved message per alert and channel.
    nowMs += 3_600_000;
    rx.script.push({ status: 200 }, { status: 200 }, { status: 500 }); // the webhook's first resolved message fails once: retried
    await notifier.update([]);
    const resolved = rx.received.slice(6);
    assert.deepEqual(
      resolved.map((r) => (r.path === '/hook' ? `${r.body['status']} ${r.body['key']}` : `slack ${(r.body['blocks'] as { text?: { text: string } }[])[0]?.text?.text}`)),
      [
        'slack ✅ Resolved: Cost Alert: Checkout Namespace',
        'slack ✅ Resolved: Cost Anomaly: Search Namespace',
        `resolved resolved/budget/prod/namespace/checkout/${T0}`,
        `resolved resolved/budget/prod/namespace/checkout/${T0}`,
        `resolved resolved/anomaly/prod/search/hour/${T0}`,
      ],
    );
    const budgetHook = resolved[3]!.body;
    assert.equal(budgetHook['kind'], 'budget');
    assert.equal(budgetHook['since'], '2026-11-20T09:00:00.000Z');
    assert.equal(budgetHook['resolvedAt'], '2026-11-20T11:00:00.000Z');
    assert.equal(budgetHook['runRateUsd'], 584, 'the figures of the last alert');
    assert.equal(
      budgetHook['text'],
      ['✅ Resolved: Cost Alert: Checkout Namespace', 'Budget: $500.00', 'Run Rate at the Last Alert: $584.00', 'Alerting Since: 2026-11-20 09:00 UTC', 'Resolved At: 2026-11-20 11:00 UTC'].join('\n'),
    );
    const anomalyHook = resolved[4]!.body;
    // The last anomaly sent (hourAfter): its period and figures.
    assert.equal(anomalyHook['start'], '2026-11-20T10:00:00.000Z');
    assert.match(String(anomalyHook['text']), /\nLast Anomalous Period: 2026-11-20 10:00 UTC\nCost Then \/ Expected: \$2\.00 \/ \$0\.50\nAlerting Since: 2026-11-20 09:00 UTC\n/);
    // Deduplicated: nothing more while they stay stopped.
    nowMs += 3_600_000;
    await notifier.update([]);
    assert.equal(rx.received.length, 11);

    // Not delivered (4xx) → tried at the next update; firing again before that → no resolved at all.
    const second = make({ channels: [webhookChannel(() => `${base}/hook`, undefined)] }).notifier;
    await second.update([OVER]);
    rx.script.push({ status: 400 });
    await second.update([]);
    assert.equal(rx.received.length, 13);
    await second.update([OVER]);
    await second.update([OVER]);
    assert.equal(rx.received.length, 13, 'firing again inside the repeat interval: no resolved, no new firing message');
    await second.update([]);
    assert.deepEqual(
      rx.received.slice(11).map((r) => r.body['status']),
      ['firing', 'resolved', 'resolved'],
    );
  });

  it('rate-limits each channel to maxPerHour messages; the rest go at a later update', async () => {
    const { notifier } = make({ maxPerHour: 1 });
    await notifier.update([OVER, SPIKE]);
    assert.deepEqual(
      rx.received.map((r) => r.path),
      ['/slack', '/hook'],
    );
    nowMs += 30 * 60_000;
    await notifier.update([OVER, SPIKE]);
    assert.equal(rx.received.length, 2, 'still inside the hour');
    nowMs += 31 * 60_000;
    await notifier.update([OVER, SPIKE]);
    assert.deepEqual(
      rx.received.slice(2).map((r) => [r.path, r.path === '/hook' ? r.body['key'] : '']),
      [
        ['/slack', ''],
        ['/hook', noticeKey(SPIKE)],
      ],
    );
    const text = notifier.metrics('prometheus', '');
    assert.equal(sample(text, 'kube_cost_notifications_total{channel="slack",result="sent"}'), 2);
    assert.equal(sample(text, 'kube_cost_notifications_total{channel="slack",result="rate_limited"}'), 2);
  });

  it('retries 429 (waiting at least its Retry-After) and 500 with exponential backoff, then delivers', async () => {
    const { notifier } = make({ channels: [webhookChannel(() => `${base}/hook`, undefined)], baseDelayMs: 1000 });
    rx.script.push({ status: 429, headers: { 'retry-after': '3' } }, { status: 500 }, { status: 503 });
    await notifier.update([OVER]);
    assert.equal(rx.received.length, 4);
    // random 0: half the backoff. Retry 1: max(3 s Retry-After, 500 ms); retry 2: 1,000; retry 3: 2,000.
    assert.deepEqual(sleeps, [3000, 1000, 2000]);
    const text = notifier.metrics('prometheus', 'cluster="prod"');
    assert.equal(sample(text, 'kube_cost_notifications_total{cluster="prod",channel="webhook",result="sent"}'), 1);
    assert.equal(sample(text, 'kube_cost_notification_retries_total{cluster="prod",channel="webhook"}'), 3);
    assert.equal(sample(text, 'kube_cost_notification_errors_total{cluster="prod",channel="webhook",error_type="http_429"}'), 1);
    assert.equal(sample(text, 'kube_cost_notification_errors_total{cluster="prod",channel="webhook",error_type="http_5xx"}'), 2);
    assert.equal(sample(text, 'kube_cost_notification_last_success_timestamp_seconds{cluster="prod",channel="webhook"}'), T0 / 1000);
  });

  it('gives up after maxAttempts, and tries again at the next update', async () => {
    const { notifier } = make({ channels: [webhookChannel(() => `${base}/hook`, undefined)], maxAttempts: 2 });
    rx.script.push({ status: 500 }, { status: 502 });
    await notifier.update([OVER]);
    assert.equal(rx.received.length, 2);
    assert.equal(sample(notifier.metrics('prometheus', ''), 'kube_cost_notifications_total{channel="webhook",result="failed"}'), 1);
    await notifier.update([OVER]);
    assert.equal(rx.received.length, 3, 'not marked as sent: the next update delivers it');
    assert.equal(sample(notifier.metrics('prometheus', ''), 'kube_cost_notifications_total{channel="webhook",result="sent"}'), 1);
  });

  it('does not retry an answer that will not change (404: the webhook was deleted)', async () => {
    const { notifier, logger } = make({ channels: [slackChannel(() => `${base}/slack`, undefined)] });
    rx.script.push({ status: 404 });
    await notifier.update([SPIKE]);
    assert.equal(rx.received.length, 1);
    assert.deepEqual(sleeps, []);
    assert.equal(sample(notifier.metrics('prometheus', ''), 'kube_cost_notification_errors_total{channel="slack",error_type="http_4xx"}'), 1);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.startsWith('notification to slack failed') && l.fields?.['error'] === 'HTTP 404'));
  });

  it('a receiver that is down: counted connection errors after the retries, and update() still resolves', async () => {
    const down = receiver();
    const url = await down.start();
    await down.stop();
    const { notifier } = make({ channels: [webhookChannel(() => `${url}/hook`, undefined)], maxAttempts: 3 });
    await notifier.update([OVER]);
    assert.deepEqual(sleeps, [500, 1000]);
    const text = notifier.metrics('prometheus', '');
    assert.equal(sample(text, 'kube_cost_notification_errors_total{channel="webhook",error_type="connection"}'), 3);
    assert.equal(sample(text, 'kube_cost_notifications_total{channel="webhook",result="failed"}'), 1);
    assert.equal(sample(text, 'kube_cost_notification_last_success_timestamp_seconds{channel="webhook"}'), undefined);
  });
});
