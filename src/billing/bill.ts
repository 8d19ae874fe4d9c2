// Charges → what each virtual machine was billed, per billing period (an hour for AWS CUR and GCP
// exports, a day for Azure): usage at its effective cost by purchase kind, plus its discounts —
// those naming the resource, and those naming none spread over every usage charge of the same hour
// in proportion to cost (an EDP discount is a percentage of the whole bill). Memory: one entry per VM
// per period, whatever the number of lines. Pure.
import type { BillCharge, BillProvider, PurchaseKind } from './charges.ts';

export const HOUR_MS = 3_600_000;

export interface BilledPeriod {
  readonly startMs: number;
  readonly endMs: number;
  /** Effective usage cost before discounts (USD). */
  costUsd: number;
  /** Discounts on this usage, ≤ 0 (USD): the resource's own and its share of bill-wide ones. */
  discountUsd: number;
  /** GCP committed-use credits, ≤ 0 (USD). */
  commitmentUsd: number;
  readonly byKindUsd: Record<PurchaseKind, number>;
  /** Σ public on-demand cost where the bill gives it; undefined when no line did. */
  listCostUsd: number | undefined;
  /** Σ instance hours where the bill gives them. */
  usageHours: number | undefined;
}

/** What the bill says one VM cost. */
export interface BilledResource {
  readonly provider: BillProvider;
  /** The match key (resourceKey()). */
  readonly key: string;
  /** As the bill wrote it (first seen). */
  readonly resourceId: string;
  /** Periods by start time. */
  readonly periods: Map<number, BilledPeriod>;
}

export interface BilledUsage {
  readonly resources: ReadonlyMap<string, BilledResource>;
  /** Σ usage cost of every line (all services), for the report. */
  readonly totalUsageUsd: number;
  /** Bill-wide discounts spread over the VMs (≤ 0). */
  readonly spreadDiscountUsd: number;
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
}

/** The key a bill's resource and a node's providerID meet on (match.ts builds the node side). */
export function resourceKey(provider: BillProvider, resourceId: string, project: string): string {
  if (provider === 'aws') return resourceId;
  if (provider === 'azure') return resourceId.toLowerCase().replace(/\/+$/, '');
  return project === '' ? resourceId.toLowerCase() : `${project.toLowerCase()}/${resourceId.toLowerCase()}`;
}

function hoursOf(startMs: number, endMs: number): number[] {
  const out: number[] = [];
  const first = Math.floor(startMs / HOUR_MS) * HOUR_MS;
  for (let h = first; h < Math.max(endMs, startMs + 1); h += HOUR_MS) out.push(h);
  return out;
}

function addSpread(map: Map<number, number>, startMs: number, endMs: number, amount: number): void {
  const hours = hoursOf(startMs, endMs);
  const each = amount / hours.length;
  for (const h of hours) map.set(h, (map.get(h) ?? 0) + each);
}

/** Collects charges; `finish()` spreads bill-wide discounts and returns the billed usage. */
export class BillAccumulator {
  readonly #resources = new Map<string, BilledResource>();
  readonly #usageByHour = new Map<number, number>();
  readonly #poolByHour = new Map<number, number>();
  /** Discounts naming a resource seen before (or after) its usage: applied at finish. */
  readonly #ownDiscounts: { key: string; provider: BillProvider; resourceId: string; startMs: number; endMs: number; amountUsd: number; what: 'discount' | 'commitment' }[] = [];
  #totalUsageUsd = 0;
  #firstMs: number | undefined;
  #lastMs: number | undefined;
  charges = 0;

  add(charge: BillCharge): void {
    this.charges++;
    if (charge.type === 'discount') {
      if (charge.resourceId === '') addSpread(this.#poolByHour, charge.startMs, charge.endMs, charge.amountUsd);
      else this.#ownDiscounts.push({ key: resourceKey(charge.provider, charge.resourceId, charge.project), provider: charge.provider, resourceId: charge.resourceId, startMs: charge.startMs, endMs: charge.endMs, amountUsd: charge.amountUsd, what: charge.what });
      return;
    }
    this.#totalUsageUsd += charge.costUsd;
    addSpread(this.#usageByHour, charge.startMs, charge.endMs, charge.costUsd);
    if (!charge.compute || charge.resourceId === '') return;
    const period = this.#period(charge.provider, resourceKey(charge.provider, charge.resourceId, charge.project), charge.resourceId, charge.startMs, charge.endMs);
    period.costUsd += charge.costUsd;
    period.byKindUsd[charge.kind] += charge.costUsd;
    if (charge.listCostUsd !== undefined) period.listCostUsd = (period.listCostUsd ?? 0) + charge.listCostUsd;
    if (charge.usageHours !== undefined) period.usageHours = (period.usageHours ?? 0) + charge.usageHours;
    this.#firstMs = Math.min(this.#firstMs ?? charge.startMs, charge.startMs);
    this.#lastMs = Math.max(this.#lastMs ?? charge.endMs, charge.endMs);
  }

  #period(provider: BillProvider, key: string, resourceId: string, startMs: number, endMs: number): BilledPeriod {
    let r = this.#resources.get(key);
    if (!r) {
      r = { provider, key, resourceId, periods: new Map() };
      this.#resources.set(key, r);
    }
    let p = r.periods.get(startMs);
    if (!p) {
      p = { startMs, endMs, costUsd: 0, discountUsd: 0, commitmentUsd: 0, byKindUsd: { 'on-demand': 0, spot: 0, reserved: 0, 'savings-plan': 0 }, listCostUsd: undefined, usageHours: undefined };
      r.periods.set(startMs, p);
    }
    return p;
  }

  finish(): BilledUsage {
    for (const d of this.#ownDiscounts) {
      const r = this.#resources.get(d.key);
      if (!r) {
        // A discount on a resource that is not a VM (EBS, data transfer): part of the bill-wide pool.
        addSpread(this.#poolByHour, d.startMs, d.endMs, d.amountUsd);
        continue;
      }
      const p = r.periods.get(d.startMs) ?? [...r.periods.values()].find((x) => x.startMs <= d.startMs && d.startMs < x.endMs);
      if (!p) {
        addSpread(this.#poolByHour, d.startMs, d.endMs, d.amountUsd);
        continue;
      }
      if (d.what === 'commitment') p.commitmentUsd += d.amountUsd;
      else p.discountUsd += d.amountUsd;
    }
    let spread = 0;
    if (this.#poolByHour.size > 0) {
      for (const r of this.#resources.values()) {
        for (const p of r.periods.values()) {
          const hours = hoursOf(p.startMs, p.endMs);
          const costPerHour = p.costUsd / hours.length;
          for (const h of hours) {
            const pool = this.#poolByHour.get(h);
            const total = this.#usageByHour.get(h);
            if (pool === undefined || total === undefined || total <= 0) continue;
            const share = pool * (costPerHour / total);
            p.discountUsd += share;
            spread += share;
          }
        }
      }
    }
    return { resources: this.#resources, totalUsageUsd: this.#totalUsageUsd, spreadDiscountUsd: spread, firstMs: this.#firstMs, lastMs: this.#lastMs };
  }
}

/** What the period cost after discounts and credits, never below zero. */
export function periodNetUsd(p: Pick<BilledPeriod, 'costUsd' | 'discountUsd' | 'commitmentUsd'>): number {
  return Math.max(0, p.costUsd + p.discountUsd + p.commitmentUsd);
}
