// A notice as the generic webhook's JSON body: the notice's own fields (numbers as numbers, times
// as RFC 3339), its deduplication key, the message text and the dashboard links. Pure.
import type { Notice } from './message.ts';
import { linksOf, noticeKey, plainText } from './message.ts';

export const WEBHOOK_PAYLOAD_VERSION = 1;

export function webhookPayload(n: Notice, dashboardUrl: string | undefined, sentAtMs: number): Record<string, unknown> {
  const links = linksOf(n, dashboardUrl);
  const times = n.kind === 'anomaly' ? { start: new Date(n.startMs).toISOString(), end: new Date(n.endMs).toISOString() } : {};
  const { startMs: _s, endMs: _e, ...rest } = n as Notice & { startMs?: number; endMs?: number };
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    source: 'kube-cost-exporter',
    key: noticeKey(n),
    sentAt: new Date(sentAtMs).toISOString(),
    ...rest,
    ...times,
    text: plainText(n, links),
    links: { dashboard: links.dashboard ?? null, optimize: links.optimize ?? null },
  };
}
