// The reconciliation report as the API and `kubectl cost reconcile` show it: JSON (money in USD,
// times RFC 3339) and CSV (one row per day, or per difference). Pure.
import { toCsv } from '../api/csv.ts';
import { rfc3339 } from '../api/render.ts';
import type { ReconciliationReport } from './reconcile.ts';
import { REASON_TEXT, UNMATCHED_TEXT } from './reconcile.ts';

const day = (ms: number) => rfc3339(ms).slice(0, 10);

export function reconciliationJson(r: ReconciliationReport) {
  return {
    window: { start: rfc3339(r.startMs), end: rfc3339(r.endMs) },
    bill: r.billStartMs === undefined || r.billEndMs === undefined ? null : { start: rfc3339(r.billStartMs), end: rfc3339(r.billEndMs) },
    totals: { ...r.totals },
    days: r.days.map((d) => ({ date: day(d.dayStartMs), estimatedUsd: d.estimatedUsd, billedUsd: d.billedUsd, matchedEstimatedUsd: d.matchedEstimatedUsd, reconciledUsd: d.reconciledUsd, nodeHours: d.nodeHours, matchedNodeHours: d.matchedNodeHours, matchedRatio: d.nodeHours > 0 ? d.matchedNodeHours / d.nodeHours : 0 })),
    differences: r.differences.map((d) => ({ date: day(d.dayStartMs), node: d.node, providerId: d.providerId, estimatedUsd: d.estimatedUsd, billedUsd: d.billedUsd, differenceUsd: d.differenceUsd, reason: d.reason, explanation: REASON_TEXT[d.reason] })),
    unmatched: r.unmatched.map((u) => ({ node: u.node, providerId: u.providerId, nodeHours: u.nodeHours, estimatedUsd: u.estimatedUsd, why: u.why, explanation: UNMATCHED_TEXT[u.why] })),
    billedWithoutNode: r.billedWithoutNode,
  };
}

export function reconciliationDaysCsv(r: ReconciliationReport): string {
  return toCsv(
    ['date', 'estimatedUsd', 'billedUsd', 'matchedEstimatedUsd', 'reconciledUsd', 'nodeHours', 'matchedNodeHours', 'matchedRatio'],
    r.days.map((d) => [day(d.dayStartMs), d.estimatedUsd, d.billedUsd, d.matchedEstimatedUsd, d.reconciledUsd, d.nodeHours, d.matchedNodeHours, d.nodeHours > 0 ? d.matchedNodeHours / d.nodeHours : 0]),
  );
}

export function reconciliationDifferencesCsv(r: ReconciliationReport): string {
  return toCsv(
    ['date', 'node', 'providerId', 'estimatedUsd', 'billedUsd', 'differenceUsd', 'reason'],
    r.differences.map((d) => [day(d.dayStartMs), d.node, d.providerId, d.estimatedUsd, d.billedUsd, d.differenceUsd, d.reason]),
  );
}
