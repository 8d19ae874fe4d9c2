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
  readonly costUsd: number;
  /** Discounts on this usage, ≤ 0 (USD): the resource's own and its share of bill-wide ones. */
  readonly discountUsd: number;
  /** GCP committed-use credits, ≤ 0 (USD). */
  readonly commitmentUsd: number;
  readonly byKindUsd: Readonly<Record<PurchaseKind, number>>;
  /** Σ public on-demand cost where the bill gives it; undefined when no line did. */
  readonly listCostUsd: number | undefined;
  /** Σ instance hours where the bill gives them. */
  readonly usageHours: number | undefined;
}

// Columns of a PeriodTable row.
const START = 0;
const END = 1;
const COST = 2;
const DISCOUNT = 3;
const COMMITMENT = 4;
const LIST = 5;
const HOURS = 6;
const KIND0 = 7;
const WIDTH = 7 + 4;
const KIND_COLUMN: Readonly<Record<PurchaseKind, number>> = { 'on-demand': KIND0, spot: KIND0 + 1, reserved: KIND0 + 2, 'savings-plan': KIND0 + 3 };

/**
 * The billing periods of one VM, in one Float64Array (11 numbers a period, ~100 bytes with its index
 * entry, instead of ~300 for objects): a month of hourly lines for 5,000 VMs is ~370 MB as objects,
 * ~130 MB here. Rows are read back as BilledPeriod objects made on demand.
 */
export class PeriodTable {
  #data = new Float64Array(WIDTH * 8);
  #rows = 0;
  /** Start minute (a small integer) → row; periods that do not start on a minute in #odd. */
  readonly #byMinute = new Map<number, number>();
  readonly #odd = new Map<number, number>();

  get size(): number {
    return this.#rows;
  }

  #row(startMs: number): number | undefined {
    const minute = startMs / 60_000;
    return Number.isInteger(minute) ? this.#byMinute.get(minute) : this.#odd.get(startMs);
  }

  /** The row of the period starting at startMs, created (all amounts 0) when new. */
  rowFor(startMs: number, endMs: number): number {
    const had = this.#row(startMs);
    if (had !== undefined) return had;
    if ((this.#rows + 1) * WIDTH > this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    const row = this.#rows++;
    const o = row * WIDTH;
    this.#data[o + START] = startMs;
    this.#data[o + END] = endMs;
    this.#data[o + LIST] = Number.NaN;
    this.#data[o + HOURS] = Number.NaN;
    const minute = startMs / 60_000;
    if (Number.isInteger(minute)) this.#byMinute.set(minute, row);
    else this.#odd.set(startMs, row);
    return row;
  }

  addUsage(row: number, kind: PurchaseKind, costUsd: number, listCostUsd: number | undefined, usageHours: number | undefined): void {
    const d = this.#data;
    const o = row * WIDTH;
    d[o + COST] = (d[o + COST] as number) + costUsd;
    d[o + KIND_COLUMN[kind]] = (d[o + KIND_COLUMN[kind]] as number) + costUsd;
    if (listCostUsd !== undefined) d[o + LIST] = (Number.isNaN(d[o + LIST]) ? 0 : (d[o + LIST] as number)) + listCostUsd;
    if (usageHours !== undefined) d[o + HOURS] = (Number.isNaN(d[o + HOURS]) ? 0 : (d[o + HOURS] as number)) + usageHours;
  }

  addDiscount(row: number, what: 'discount' | 'commitment', amountUsd: number): void {
    const o = row * WIDTH + (what === 'commitment' ? COMMITMENT : DISCOUNT);
    this.#data[o] = (this.#data[o] as number) + amountUsd;
  }

  /** The row of the period starting at startMs, else of the one containing it. */
  find(startMs: number): number | undefined {
    const exact = this.#row(startMs);
    if (exact !== undefined) return exact;
    for (let r = 0; r < this.#rows; r++) {
      const o = r * WIDTH;
      if ((this.#data[o + START] as number) <= startMs && startMs < (this.#data[o + END] as number)) return r;
    }
    return undefined;
  }

  /** Adds every amount of `p` to its period here (merging the periods of two accumulators). */
  absorb(p: BilledPeriod): void {
    const row = this.rowFor(p.startMs, p.endMs);
    const d = this.#data;
    const o = row * WIDTH;
    d[o + COST] = (d[o + COST] as number) + p.costUsd;
    d[o + DISCOUNT] = (d[o + DISCOUNT] as number) + p.discountUsd;
    d[o + COMMITMENT] = (d[o + COMMITMENT] as number) + p.commitmentUsd;
    for (const [kind, column] of Object.entries(KIND_COLUMN)) d[o + column] = (d[o + column] as number) + p.byKindUsd[kind as PurchaseKind];
    if (p.listCostUsd !== undefined) d[o + LIST] = (Number.isNaN(d[o + LIST]) ? 0 : (d[o + LIST] as number)) + p.listCostUsd;
    if (p.usageHours !== undefined) d[o + HOURS] = (Number.isNaN(d[o + HOURS]) ? 0 : (d[o + HOURS] as number)) + p.usageHours;
  }

  at(row: number): BilledPeriod {
    const d = this.#data;
    const o = row * WIDTH;
    const list = d[o + LIST] as number;
    const hours = d[o + HOURS] as number;
    return {
      startMs: d[o + START] as number,
      endMs: d[o + END] as number,
      costUsd: d[o + COST] as number,
      discountUsd: d[o + DISCOUNT] as number,
      commitmentUsd: d[o + COMMITMENT] as number,
      byKindUsd: { 'on-demand': d[o + KIND0] as number, spot: d[o + KIND0 + 1] as number, reserved: d[o + KIND0 + 2] as number, 'savings-plan': d[o + KIND0 + 3] as number },
      listCostUsd: Number.isNaN(list) ? undefined : list,
      usageHours: Number.isNaN(hours) ? undefined : hours,
    };
  }

  get(startMs: number): BilledPeriod | undefined {
    const row = this.#row(startMs);
    return row === undefined ? undefined : this.at(row);
  }

  *values(): IterableIterator<BilledPeriod> {
    for (let r = 0; r < this.#rows; r++) yield this.at(r);
  }
}

/** What the bill says one VM cost. */
export interface BilledResource {
  readonly provider: BillProvider;
  /** The match key (resourceKey()). */
  readonly key: string;
  /** As the bill wrote it (first seen). */
  readonly resourceId: string;
  /** Periods by start time. */
  readonly periods: PeriodTable;
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
  const first = Math.floor(startMs / HOUR_MS) * HOUR_MS;
  const end = Math.max(endMs, startMs + 1);
  const count = Math.max(1, Math.ceil((end - first) / HOUR_MS));
  const each = amount / count;
  for (let h = first; h < end; h += HOUR_MS) map.set(h, (map.get(h) ?? 0) + each);
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
  readonly #sinceMs: number;
  charges = 0;

  /** `sinceMs`: charges that end before it are left out (an exporter keeps the recent months only). */
  constructor(options: { readonly sinceMs?: number } = {}) {
    this.#sinceMs = options.sinceMs ?? Number.NEGATIVE_INFINITY;
  }

  add(charge: BillCharge): void {
    this.charges++;
    if (charge.endMs <= this.#sinceMs) return;
    if (charge.type === 'discount') {
      if (charge.resourceId === '') {
        addSpread(this.#poolByHour, charge.startMs, charge.endMs, charge.amountUsd);
        return;
      }
      // Applied at once when its usage was seen (the usual order), else kept until finish().
      const known = this.#resources.get(resourceKey(charge.provider, charge.resourceId, charge.project));
      const row = known?.periods.find(charge.startMs);
      if (known && row !== undefined) known.periods.addDiscount(row, charge.what, charge.amountUsd);
      else this.#ownDiscounts.push({ key: resourceKey(charge.provider, charge.resourceId, charge.project), provider: charge.provider, resourceId: charge.resourceId, startMs: charge.startMs, endMs: charge.endMs, amountUsd: charge.amountUsd, what: charge.what });
      return;
    }
    this.#totalUsageUsd += charge.costUsd;
    addSpread(this.#usageByHour, charge.startMs, charge.endMs, charge.costUsd);
    if (!charge.compute || charge.resourceId === '') return;
    const table = this.#table(charge.provider, resourceKey(charge.provider, charge.resourceId, charge.project), charge.resourceId);
    table.addUsage(table.rowFor(charge.startMs, charge.endMs), charge.kind, charge.costUsd, charge.listCostUsd, charge.usageHours);
    this.#firstMs = Math.min(this.#firstMs ?? charge.startMs, charge.startMs);
    this.#lastMs = Math.max(this.#lastMs ?? charge.endMs, charge.endMs);
  }

  #table(provider: BillProvider, key: string, resourceId: string): PeriodTable {
    let r = this.#resources.get(key);
    if (!r) {
      // A copy of the id: a slice of a large decoded chunk would keep the whole chunk alive.
      r = { provider, key: copyString(key), resourceId: copyString(resourceId), periods: new PeriodTable() };
      this.#resources.set(r.key, r);
    }
    return r.periods;
  }

  /**
   * Adds everything `other` collected (before its finish()): a file is read into an accumulator of
   * its own and absorbed only when the whole file read, so a truncated file adds nothing.
   */
  absorb(other: BillAccumulator): void {
    this.charges += other.charges;
    this.#totalUsageUsd += other.#totalUsageUsd;
    for (const [h, v] of other.#usageByHour) this.#usageByHour.set(h, (this.#usageByHour.get(h) ?? 0) + v);
    for (const [h, v] of other.#poolByHour) this.#poolByHour.set(h, (this.#poolByHour.get(h) ?? 0) + v);
    for (const r of other.#resources.values()) {
      const table = this.#table(r.provider, r.key, r.resourceId);
      for (const p of r.periods.values()) table.absorb(p);
    }
    this.#ownDiscounts.push(...other.#ownDiscounts);
    if (other.#firstMs !== undefined) this.#firstMs = Math.min(this.#firstMs ?? other.#firstMs, other.#firstMs);
    if (other.#lastMs !== undefined) this.#lastMs = Math.max(this.#lastMs ?? other.#lastMs, other.#lastMs);
  }

  finish(): BilledUsage {
    for (const d of this.#ownDiscounts) {
      const r = this.#resources.get(d.key);
      if (!r) {
        // A discount on a resource that is not a VM (EBS, data transfer): part of the bill-wide pool.
        addSpread(this.#poolByHour, d.startMs, d.endMs, d.amountUsd);
        continue;
      }
      const row = r.periods.find(d.startMs);
      if (row === undefined) {
        addSpread(this.#poolByHour, d.startMs, d.endMs, d.amountUsd);
        continue;
      }
      r.periods.addDiscount(row, d.what, d.amountUsd);
    }
    let spread = 0;
    if (this.#poolByHour.size > 0) {
      for (const r of this.#resources.values()) {
        for (let row = 0; row < r.periods.size; row++) {
          const p = r.periods.at(row);
          const hours = hoursOf(p.startMs, p.endMs);
          const costPerHour = p.costUsd / hours.length;
          for (const h of hours) {
            const pool = this.#poolByHour.get(h);
            const total = this.#usageByHour.get(h);
            if (pool === undefined || total === undefined || total <= 0) continue;
            const share = pool * (costPerHour / total);
            r.periods.addDiscount(row, 'discount', share);
            spread += share;
          }
        }
      }
    }
    return { resources: this.#resources, totalUsageUsd: this.#totalUsageUsd, spreadDiscountUsd: spread, firstMs: this.#firstMs, lastMs: this.#lastMs };
  }
}

/** A flat copy of a string (not a slice of a larger one). */
function copyString(s: string): string {
  return ` ${s}`.slice(1);
}

/** What the period cost after discounts and credits, never below zero. */
export function periodNetUsd(p: Pick<BilledPeriod, 'costUsd' | 'discountUsd' | 'commitmentUsd'>): number {
  return Math.max(0, p.costUsd + p.discountUsd + p.commitmentUsd);
}
