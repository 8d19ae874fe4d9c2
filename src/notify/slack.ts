// A notice as a Slack incoming-webhook payload: `text` (the notification and fallback text) and
// Block Kit `blocks` — a header, the figures as section fields, the list (top cost drivers or
// the cause) and the links as a context line. Slack reads `&`, `<` and `>` as markup, so text from
// the cluster (names) is escaped. Pure.
import type { Links, Notice } from './message.ts';
import { linksOf, messageText, plainText } from './message.ts';

/** Slack's limits: a header's text is at most 150 characters, a section field 2,000, a section text 3,000. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const SECTION_MAX = 3000;

export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

export function slackPayload(n: Notice, dashboardUrl: string | undefined): SlackPayload {
  const m = messageText(n);
  const links: Links = linksOf(n, dashboardUrl);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(m.title, HEADER_MAX), emoji: true } },
    // A section holds at most 10 fields.
    { type: 'section', fields: m.facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: cut(`*${slackEscape(k)}:*\n${slackEscape(v)}`, FIELD_MAX) })) },
  ];
  if (m.list.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*${m.listTitle}:*\n${m.list.map(slackEscape).join('\n')}`, SECTION_MAX) } });
  const linkParts = [links.dashboard ? `<${links.dashboard}|🔗 View Dashboard>` : '', links.optimize && n.kind === 'budget' ? `<${links.optimize}|🛠️ Optimize Now>` : ''].filter(Boolean);
  if (linkParts.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: linkParts.join(' | ') }] });
  return { text: slackEscape(plainText(n, links)), blocks };
}
