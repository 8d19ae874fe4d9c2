// A notice as the generic webhook's JSON body: the notice's own fields (numbers as numbers, times
// as RFC 3339), its deduplication key, firing or resolved, the message text and the dashboard
// links. Pure.
import type { AlertNotice, Notice } from './message.ts';
import { linksOf, noticeKey, plainText } from './message.ts';

export const WEBHOOK_PAYLOAD_VERSION = 1;

/**
 * `status` is `firing` for an alert's notices and `resolved` for the one message after it stopped;
 * a resolved body carries the alert's last notice (its `kind`, figures), `since` and `resolvedAt`.
 */
export function webhookPayload(n: Notice, dashboardUrl: string | undefined, sentAtMs: number): Record<string, unknown> {
  const links = linksOf(n, dashboardUrl);
  const alert = n.kind === 'resolved' ? n.alert : n;
  const times = alert.kind === 'anomaly' ? { start: new Date(alert.startMs).toISOString(), end: new Date(alert.endMs).toISOString() } : {};
  const { startMs: _s, endMs: _e, ...rest } = alert as AlertNotice & { startMs?: number; endMs?: number };
  const status = n.kind === 'resolved' ? { status: 'resolved', since: new Date(n.sinceMs).toISOString(), resolvedAt: new Date(n.resolvedAtMs).toISOString() } : { status: 'firing' };
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    source: 'kube-cost-exporter',
    key: noticeKey(n),
    sentAt: new Date(sentAtMs).toISOString(),
    ...rest,
    ...times,
    ...status,
    text: plainText(n, links),
    links: { dashboard: links.dashboard ?? null, optimize: links.optimize ?? null },
  };
}
