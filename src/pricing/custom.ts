// The custom pricing file (YAML) for on-prem and negotiated rates. Validated at start: every
// error names the file, the field and the value.
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import type { ResourceRates } from '../core/pricing.ts';

export interface CustomPricing {
  /** Per-resource rates for every node (when set, they replace catalog prices). */
  readonly rates: ResourceRates | undefined;
  /** Storage class → USD per GiB-month. */
  readonly storageGibMonthUsd: Readonly<Record<string, number>>;
  readonly loadBalancerHourlyUsd: number | undefined;
  readonly managementHourlyUsd: number | undefined;
  /** Percentage taken off catalog prices (e.g. 20 for an enterprise discount). */
  readonly discountPercent: number;
}

const KNOWN = new Set(['cpuCoreHourUsd', 'ramGiBHourUsd', 'gpuHourUsd', 'storageGibMonthUsd', 'loadBalancerHourlyUsd', 'managementHourlyUsd', 'discountPercent']);

function money(file: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ConfigError(file, `${field}: must be a non-negative number (got ${JSON.stringify(v)})`);
  return v;
}

export function parseCustomPricing(text: string, file: string): CustomPricing {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(file, 'expected a mapping of pricing fields');
  const d = doc as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!KNOWN.has(key)) throw new ConfigError(file, `${key}: unknown field; known fields are ${[...KNOWN].join(', ')}`);
  const rateKeys = ['cpuCoreHourUsd', 'ramGiBHourUsd', 'gpuHourUsd'] as const;
  const given = rateKeys.filter((k) => d[k] !== undefined);
  if (given.length > 0 && (d['cpuCoreHourUsd'] === undefined || d['ramGiBHourUsd'] === undefined)) {
    throw new ConfigError(file, 'cpuCoreHourUsd and ramGiBHourUsd must be given together');
  }
  const storage: Record<string, number> = {};
  if (d['storageGibMonthUsd'] !== undefined) {
    const s = d['storageGibMonthUsd'];
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new ConfigError(file, `storageGibMonthUsd: must map storage class names to prices (got ${JSON.stringify(s)})`);
    for (const [cls, v] of Object.entries(s)) storage[cls] = money(file, `storageGibMonthUsd.${cls}`, v);
  }
  const discount = d['discountPercent'] === undefined ? 0 : money(file, 'discountPercent', d['discountPercent']);
  if (discount >= 100) throw new ConfigError(file, `discountPercent: must be below 100 (got ${discount})`);
  return {
    rates:
      given.length > 0
        ? {
            cpuCoreHourUsd: money(file, 'cpuCoreHourUsd', d['cpuCoreHourUsd']),
            ramGiBHourUsd: money(file, 'ramGiBHourUsd', d['ramGiBHourUsd']),
            gpuHourUsd: d['gpuHourUsd'] === undefined ? 0 : money(file, 'gpuHourUsd', d['gpuHourUsd']),
          }
        : undefined,
    storageGibMonthUsd: storage,
    loadBalancerHourlyUsd: d['loadBalancerHourlyUsd'] === undefined ? undefined : money(file, 'loadBalancerHourlyUsd', d['loadBalancerHourlyUsd']),
    managementHourlyUsd: d['managementHourlyUsd'] === undefined ? undefined : money(file, 'managementHourlyUsd', d['managementHourlyUsd']),
    discountPercent: discount,
  };
}
