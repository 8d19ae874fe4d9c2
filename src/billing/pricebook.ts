// The billing layer of the price book: a node whose instance the bill knows is priced at what the
// bill says it cost per hour (effective, after RI/SP amortization and discounts), source `billing`.
// For the hours a bill period covers that is the billed price itself; past the last billed period
// (bills arrive hours to a day late) the last billed rate is carried forward for `carryForwardMs`,
// since RI/SP coverage and negotiated rates persist; after that the layer below answers again.
// History is corrected to the exact billed amounts separately (history.ts). Pure: the billed usage
// and the clock are parameters.
import type { NodePriceAnswer, NodePriceQuery, PriceBook } from '../core/pricing.ts';
import type { BilledUsage } from './bill.ts';
import { HOUR_MS, periodNetUsd } from './bill.ts';
import { nodeBillKeys } from './match.ts';

interface Rate {
  readonly startMs: number;
  readonly endMs: number;
  readonly hourlyUsd: number;
}

/** Per bill key: its periods' effective hourly rates, by start. */
export type BilledRateIndex = ReadonlyMap<string, readonly Rate[]>;

export function billedRateIndex(usage: BilledUsage): BilledRateIndex {
  const out = new Map<string, Rate[]>();
  for (const r of usage.resources.values()) {
    const rates: Rate[] = [];
    for (const p of r.periods.values()) {
      const hours = p.usageHours !== undefined && p.usageHours > 0 ? p.usageHours : (p.endMs - p.startMs) / HOUR_MS;
      if (!(hours > 0)) continue;
      rates.push({ startMs: p.startMs, endMs: p.endMs, hourlyUsd: periodNetUsd(p) / hours });
    }
    rates.sort((a, b) => a.startMs - b.startMs);
    out.set(r.key, rates);
  }
  return out;
}

/** The billed rate for an instance at `nowMs`: the period covering it, else the latest one within `carryForwardMs`. */
export function billedRateAt(index: BilledRateIndex, providerId: string | undefined, nowMs: number, carryForwardMs: number): Rate | undefined {
  const keys = nodeBillKeys(providerId);
  if (!keys) return undefined;
  for (const k of keys.keys) {
    const rates = index.get(k);
    if (!rates || rates.length === 0) continue;
    let best: Rate | undefined;
    for (const r of rates) {
      if (r.startMs > nowMs) break;
      best = r;
    }
    if (best && nowMs < best.endMs + carryForwardMs) return best;
    return undefined;
  }
  return undefined;
}

export interface BillingPriceBookOptions {
  /** The current billed rates (undefined before the first bill is read). */
  readonly rates: () => BilledRateIndex | undefined;
  readonly now: () => number;
  readonly carryForwardMs: number;
}

/** Wraps a price book: nodes the bill knows get the billed price; everything else asks `base`. */
export function createBillingPriceBook(base: PriceBook, options: BillingPriceBookOptions): PriceBook {
  const node = (q: NodePriceQuery): NodePriceAnswer => {
    const below = base.node(q);
    const index = options.rates();
    if (!index || q.providerId === undefined) return below;
    const rate = billedRateAt(index, q.providerId, options.now(), options.carryForwardMs);
    if (!rate) return below;
    if (!(rate.hourlyUsd > 0) || !Number.isFinite(rate.hourlyUsd)) {
      const reason = `node ${q.nodeName}: the bill says ${q.providerId} cost ${rate.hourlyUsd} USD per hour (fully discounted or credited); kept the estimate`;
      return { ...below, fallbackReason: below.fallbackReason ? `${below.fallbackReason}; ${reason}` : reason };
    }
    return { price: { kind: 'instance', hourlyUsd: rate.hourlyUsd }, onDemand: below.onDemand, source: 'billing' };
  };
  return { ...base, node };
}
