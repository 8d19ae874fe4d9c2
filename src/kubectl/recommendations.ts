// `kubectl cost recommendations`: the exporter's /api/v1/recommendations (docs/advice.md) as a
// table, JSON, CSV or Markdown. Parsing and rendering are pure; `runRecommendations` is the edge.
import type { ParsedCommand } from './args.ts';
import { checkWindow, flagValue, outputFormat, parsePercent, UsageError } from './args.ts';
import type { TableModel } from './format.ts';
import { money, renderCsv, renderMarkdown, renderText } from './format.ts';
import type { Fetcher } from './server.ts';
import { ServerError } from './server.ts';

export interface Recommendation {
  readonly kind: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly target: string;
  readonly resource: string;
  readonly current: string;
  readonly suggested: string;
  readonly monthlySavingUsd: number | null;
  readonly monthlyExtraCostUsd: number | null;
  readonly confidence: number | null;
  readonly detail: string;
}

export interface RecommendationsAnswer {
  readonly window: { readonly start: string; readonly end: string };
  readonly monthlySavingUsd: number;
  readonly recommendations: readonly Recommendation[];
  readonly warnings: readonly string[];
  readonly demo: boolean;
}

const STRINGS = ['kind', 'cluster', 'namespace', 'target', 'resource', 'current', 'suggested', 'detail'] as const;
const NUMBERS = ['monthlySavingUsd', 'monthlyExtraCostUsd', 'confidence'] as const;

/** Checks the server's answer field by field; a wrong shape is a ServerError naming the field. */
export function parseRecommendations(body: unknown, where: string): RecommendationsAnswer {
  const bad = (what: string) => new ServerError(`${where}: not a recommendations answer: ${what}`);
  if (typeof body !== 'object' || body === null) throw bad('not an object');
  const data = (body as { data?: unknown }).data as Record<string, unknown> | undefined;
  if (typeof data !== 'object' || data === null || !Array.isArray(data['recommendations'])) throw bad('data.recommendations is not a list');
  const recommendations = (data['recommendations'] as unknown[]).map((r, i) => {
    if (typeof r !== 'object' || r === null) throw bad(`data.recommendations[${i}] is not an object`);
    const o = r as Record<string, unknown>;
    for (const k of STRINGS) if (typeof o[k] !== 'string') throw bad(`data.recommendations[${i}].${k} is not a string`);
    for (const k of NUMBERS) if (o[k] !== null && typeof o[k] !== 'number') throw bad(`data.recommendations[${i}].${k} is not a number or null`);
    return o as unknown as Recommendation;
  });
  const meta = (body as { meta?: { warnings?: unknown; demo?: unknown } }).meta;
  const window = data['window'] as { start?: unknown; end?: unknown } | undefined;
  return {
    window: { start: String(window?.start ?? ''), end: String(window?.end ?? '') },
    monthlySavingUsd: typeof data['monthlySavingUsd'] === 'number' ? data['monthlySavingUsd'] : 0,
    recommendations,
    warnings: Array.isArray(meta?.warnings) ? meta.warnings.map(String) : [],
    demo: meta?.demo === true,
  };
}

function savingText(r: Recommendation): string {
  if (r.monthlySavingUsd === null) return 'unknown';
  if (r.monthlyExtraCostUsd !== null && r.monthlyExtraCostUsd > 0) return `+${money(r.monthlyExtraCostUsd)} cost`;
  return money(r.monthlySavingUsd);
}

export function recommendationsTable(answer: RecommendationsAnswer): TableModel {
  const left = 'left' as const;
  const columns = [
    { header: 'KIND', align: left },
    { header: 'NAMESPACE', align: left },
    { header: 'TARGET', align: left },
    { header: 'RESOURCE', align: left },
    { header: 'CURRENT', align: left },
    { header: 'SUGGESTED', align: left },
    { header: 'SAVING/MONTH', align: 'right' as const },
  ];
  const rows = answer.recommendations.map((r) => [r.kind, r.namespace || '-', r.target, r.resource, r.current, r.suggested, savingText(r)]);
  return { columns, rows, footer: ['TOTAL', '', '', '', '', '', money(answer.monthlySavingUsd)] };
}

export const CSV_HEADER = ['kind', 'cluster', 'namespace', 'target', 'resource', 'current', 'suggested', 'monthlySavingUsd', 'monthlyExtraCostUsd', 'confidence', 'detail'];

export function renderRecommendations(answer: RecommendationsAnswer, format: 'table' | 'json' | 'csv' | 'markdown', options: { source: string; color: boolean }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ source: options.source, window: answer.window, demo: answer.demo, monthlySavingUsd: answer.monthlySavingUsd, recommendations: answer.recommendations, warnings: answer.warnings }, null, 2)}\n`;
    case 'csv':
      return renderCsv(
        CSV_HEADER,
        answer.recommendations.map((r) => CSV_HEADER.map((k) => (r[k as keyof Recommendation] ?? '') as string | number)),
      );
    case 'markdown':
      return renderMarkdown(recommendationsTable(answer));
    default:
      return answer.recommendations.length === 0 ? 'No recommendations: nothing to save with the history so far.\n' : renderText(recommendationsTable(answer), { color: options.color });
  }
}

/** The query string the flags ask for. */
export function recommendationQuery(parsed: ParsedCommand): Record<string, string> {
  const query: Record<string, string> = { window: checkWindow(flagValue(parsed, 'window') ?? '7d') };
  const namespace = parsed.values.get('namespace')?.[0];
  if (namespace) query['namespace'] = namespace;
  const kind = parsed.values.get('kind')?.[0];
  if (kind) {
    for (const k of kind.split(',')) {
      if (!['rightsizing', 'idle-node', 'spot', 'commitment'].includes(k.trim())) throw new UsageError(`flag --kind: unknown kind "${k.trim()}" (expected rightsizing, idle-node, spot, commitment)`);
    }
    query['kind'] = kind;
  }
  const sample = parsed.values.get('sample')?.[0];
  if (sample !== undefined) {
    if (!/^\d{1,9}[mhd]$/.test(sample) || /^0+[mhd]$/.test(sample)) throw new UsageError(`flag --sample: expected a duration like 5m or 1h (got "${sample}")`);
    query['sample'] = sample;
  }
  const discount = parsed.values.get('commitment-discount')?.[0];
  if (discount !== undefined) {
    const pct = parsePercent(discount, 'commitment-discount');
    if (pct > 95) throw new UsageError(`flag --commitment-discount: at most 95% (got "${discount}")`);
    query['commitmentDiscount'] = String(pct / 100);
  }
  return query;
}

export async function runRecommendations(parsed: ParsedCommand, fetcher: Fetcher, io: { stdout: { write(t: string): unknown }; stderr: { write(t: string): unknown } }, color: boolean): Promise<number> {
  const format = outputFormat(parsed);
  const query = recommendationQuery(parsed);
  const answer = parseRecommendations(await fetcher.get('/api/v1/recommendations', query), fetcher.description);
  io.stdout.write(renderRecommendations(answer, format, { source: fetcher.description, color }));
  for (const w of answer.warnings) io.stderr.write(`note: ${w}\n`);
  return 0;
}
