// Live pricing's own metrics: where the table's prices stand (live or cache), every API call by
// result, how stale each provider's prices are and its circuit breaker. docs/metrics.md lists them.
import type { ExpositionFormat } from '../../server/exposition.ts';
import { ExpositionWriter, labelText } from '../../server/exposition.ts';
import type { LivePricing } from './refresher.ts';
import { BREAKER_STATES } from './resilience.ts';
import { LIVE_PROVIDERS } from './types.ts';

export const LIVE_PRICING_FAMILIES = [
  'kube_cost_pricing_source',
  'kube_cost_pricing_api_calls_total',
  'kube_cost_pricing_staleness_seconds',
  'kube_cost_pricing_breaker_state',
] as const;

const HELP = {
  source: 'Prices held by live pricing, by provider, kind (instance, spot, storage, network) and source: live (fetched within its TTL) or cache (older, or read from the cache file). Look-ups they do not cover fall back to the catalog (kube_cost_pricing_lookups_total).',
  calls: 'Calls to the cloud price APIs, by provider, endpoint and result (success, throttled, http_error, timeout, unreachable, malformed, no_credentials); retries count as calls.',
  staleness: 'Seconds since the last successful live price refresh of each provider that live pricing serves (absent before the first success).',
  breaker: 'Circuit breaker of each provider price API, 1 for its current state (closed, open, half-open).',
};

/** The live pricing families; with no live pricing (--pricing-refresh off) they are present and empty. */
export function renderLivePricingMetrics(live: LivePricing | undefined, format: ExpositionFormat, baseLabels = '', nowMs = Date.now()): string {
  const w = new ExpositionWriter(format, baseLabels);
  const status = live?.status();
  w.family('kube_cost_pricing_source', 'gauge', HELP.source);
  const counts = live ? [...live.table.countBySource(nowMs).values()] : [];
  counts.sort((a, b) => `${a.provider}|${a.kind}|${a.source}`.localeCompare(`${b.provider}|${b.kind}|${b.source}`));
  for (const c of counts) w.sample(labelText({ provider: c.provider, kind: c.kind, source: c.source }), c.count);
  w.family('kube_cost_pricing_api_calls_total', 'counter', HELP.calls);
  for (const c of live?.calls.values() ?? []) w.sample(labelText({ provider: c.provider, endpoint: c.endpoint, result: c.result }), c.count);
  w.family('kube_cost_pricing_staleness_seconds', 'gauge', HELP.staleness, 'seconds');
  for (const p of LIVE_PROVIDERS) {
    const ok = status?.[p].lastOkMs;
    if (ok !== undefined) w.sample(labelText({ provider: p }), Math.max(0, (nowMs - ok) / 1000));
  }
  w.family('kube_cost_pricing_breaker_state', 'gauge', HELP.breaker);
  for (const p of LIVE_PROVIDERS) {
    if (!status?.[p].enabled) continue;
    for (const st of BREAKER_STATES) w.sample(labelText({ provider: p, state: st }), status[p].breaker === st ? 1 : 0);
  }
  return w.toString();
}
