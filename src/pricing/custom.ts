// The custom pricing file (YAML, `--pricing`) for on-prem clusters and negotiated rates. Parsed
// and validated once at start (the caller reads the file); every error names the file, the field
// path and the value, e.g. `pricing.yaml: cpuCoreHourUsd: must be a non-negative number (got "abc")`.
// Reference: docs/pricing.md, example: examples/pricing-custom.yaml.
import { parseDocument } from 'yaml';
import { InputError, shown } from '../core/errors.ts';
import type { Labels } from '../core/model.ts';

/** A problem in the custom pricing file: file, field path, offending value. */
export class PricingFileError extends InputError {
  constructor(file: string, field: string, value: unknown, reason: string) {
    super(file, field, shown(value), reason);
    // The value as YAML gave it: `(got "abc")` for a string, `(got -1)` for a number, nothing when absent.
    const got = typeof value === 'string' ? JSON.stringify(shown(value)) : shown(value);
    this.message = value === undefined ? `${file}: ${field}: ${reason}` : `${file}: ${field}: ${reason} (got ${got})`;
  }
}

export interface CustomRates {
  readonly cpuCoreHourUsd: number;
  readonly ramGiBHourUsd: number;
  /** Undefined when the file gives no GPU rate for these nodes. */
  readonly gpuHourUsd: number | undefined;
}

export type CustomNodePrice = { readonly kind: 'rates'; readonly rates: CustomRates } | { readonly kind: 'instance'; readonly hourlyUsd: number };

/** An override that keeps the node's own price (catalog, default or the file's rates) minus a percentage. */
export interface OverrideDiscount {
  readonly kind: 'discount';
  readonly percent: number;
}

export interface NodeOverride {
  /** `name` from the file, else `nodeOverrides[i]`; used in logs. */
  readonly name: string;
  /** Every label must be present with this value. */
  readonly matchLabels: Labels;
  /** A price of its own, or a discount off the price the node would otherwise have (`discountPercent`). */
  readonly price: CustomNodePrice | OverrideDiscount;
}

export type DiscountCategory = 'compute' | 'storage' | 'loadBalancer' | 'management';
export const DISCOUNT_CATEGORIES: readonly DiscountCategory[] = ['compute', 'storage', 'loadBalancer', 'management'];

export interface CustomPricing {
  readonly file: string;
  /** Rates for every node no override matches (when set they replace catalog prices). */
  readonly rates: CustomRates | undefined;
  /** Checked in file order; the first match wins. */
  readonly nodeOverrides: readonly NodeOverride[];
  /** Storage class name → USD per GiB-month. */
  readonly storageGibMonthUsd: Readonly<Record<string, number>>;
  /** For storage classes not listed in `storageGibMonthUsd`. */
  readonly defaultStorageGibMonthUsd: number | undefined;
  readonly loadBalancerHourlyUsd: number | undefined;
  readonly managementHourlyUsd: number | undefined;
  /** Percent taken off catalog (and catalog-derived default) prices, per category. */
  readonly discountPercent: Readonly<Record<DiscountCategory, number>>;
  /** Spot price = on-demand × (1 − this / 100), instead of the catalog's spot estimate. */
  readonly spotDiscountPercent: number | undefined;
}

const TOP_FIELDS = [
  'cpuCoreHourUsd',
  'ramGiBHourUsd',
  'gpuHourUsd',
  'nodeOverrides',
  'storageGibMonthUsd',
  'defaultStorageGibMonthUsd',
  'loadBalancerHourlyUsd',
  'managementHourlyUsd',
  'discountPercent',
  'discountPercentByCategory',
  'spotDiscountPercent',
] as const;
const OVERRIDE_FIELDS = ['name', 'matchLabels', 'cpuCoreHourUsd', 'ramGiBHourUsd', 'gpuHourUsd', 'nodeHourlyUsd', 'discountPercent'] as const;

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  fail(field: string, value: unknown, reason: string): never {
    throw new PricingFileError(this.file, field, value, reason);
  }

  money(field: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(field, v, 'must be a non-negative number');
    return v;
  }

  optionalMoney(field: string, v: unknown): number | undefined {
    return v === undefined || v === null ? undefined : this.money(field, v);
  }

  percent(field: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 100) this.fail(field, v, 'must be a number from 0 up to (not including) 100');
    return v;
  }

  known(prefix: string, m: Mapping, fields: readonly string[]): void {
    for (const key of Object.keys(m)) {
      if (!fields.includes(key)) this.fail(`${prefix}${key}`, m[key], `unknown field; known fields are ${fields.join(', ')}`);
    }
  }

  /** cpuCoreHourUsd and ramGiBHourUsd, both or neither. */
  rates(prefix: string, m: Mapping, inheritedGpu: number | undefined): CustomRates | undefined {
    const cpu = this.optionalMoney(`${prefix}cpuCoreHourUsd`, m['cpuCoreHourUsd']);
    const ram = this.optionalMoney(`${prefix}ramGiBHourUsd`, m['ramGiBHourUsd']);
    if (cpu === undefined && ram === undefined) return undefined;
    if (cpu === undefined) this.fail(`${prefix}cpuCoreHourUsd`, undefined, `must be set together with ${prefix}ramGiBHourUsd`);
    if (ram === undefined) this.fail(`${prefix}ramGiBHourUsd`, undefined, `must be set together with ${prefix}cpuCoreHourUsd`);
    const gpu = this.optionalMoney(`${prefix}gpuHourUsd`, m['gpuHourUsd']);
    return { cpuCoreHourUsd: cpu, ramGiBHourUsd: ram, gpuHourUsd: gpu ?? inheritedGpu };
  }
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
    const lineText = text.split('\n')[pos.line - 1] ?? '';
    const reason = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new PricingFileError(file, `line ${pos.line}, column ${pos.col}`, lineText.trim(), `not valid YAML: ${reason}`);
  }
  try {
    // Aliases are resolved here (an alias to a missing anchor is an error only now); the count
    // limit keeps a "billion laughs" file from expanding without bound.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new PricingFileError(file, 'document', '', `not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Parses and validates the custom pricing file's text. `file` is the path used in messages. */
export function parseCustomPricing(text: string, file: string): CustomPricing {
  const r: Reader = new Reader(file);
  const doc = parseYaml(text, file);
  if (doc === null || doc === undefined) r.fail('document', undefined, 'is empty; expected a mapping of pricing fields');
  if (!isMapping(doc)) r.fail('document', doc, 'must be a mapping of pricing fields');
  r.known('', doc, TOP_FIELDS);

  const topGpu = r.optionalMoney('gpuHourUsd', doc['gpuHourUsd']);
  const rates = r.rates('', doc, topGpu);

  const nodeOverrides: NodeOverride[] = [];
  const rawOverrides = doc['nodeOverrides'];
  if (rawOverrides !== undefined && rawOverrides !== null) {
    if (!Array.isArray(rawOverrides)) r.fail('nodeOverrides', rawOverrides, 'must be a list of overrides');
    rawOverrides.forEach((o: unknown, i) => {
      const path = `nodeOverrides[${i}]`;
      if (!isMapping(o)) r.fail(path, o, 'must be a mapping with matchLabels and a price');
      r.known(`${path}.`, o, OVERRIDE_FIELDS);
      const name = o['name'] === undefined ? path : o['name'];
      if (typeof name !== 'string' || name === '') r.fail(`${path}.name`, o['name'], 'must be a non-empty string');
      const labels = o['matchLabels'];
      if (!isMapping(labels) || Object.keys(labels).length === 0) r.fail(`${path}.matchLabels`, labels, 'must be a non-empty mapping of label names to values');
      const matchLabels: Record<string, string> = {};
      for (const [k, v] of Object.entries(labels)) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') r.fail(`${path}.matchLabels.${k}`, v, 'must be a label value (a string)');
        matchLabels[k] = String(v);
      }
      const nodeHourly = r.optionalMoney(`${path}.nodeHourlyUsd`, o['nodeHourlyUsd']);
      const overrideRates = r.rates(`${path}.`, o, topGpu);
      const discount = o['discountPercent'] === undefined || o['discountPercent'] === null ? undefined : r.percent(`${path}.discountPercent`, o['discountPercent']);
      if (discount !== undefined && (nodeHourly !== undefined || overrideRates !== undefined || o['gpuHourUsd'] !== undefined)) {
        r.fail(`${path}.discountPercent`, discount, 'cannot be combined with a price of its own (nodeHourlyUsd, cpuCoreHourUsd/ramGiBHourUsd, gpuHourUsd); give one or the other');
      }
      if (nodeHourly !== undefined && overrideRates !== undefined) r.fail(`${path}.nodeHourlyUsd`, nodeHourly, 'cannot be combined with cpuCoreHourUsd/ramGiBHourUsd; give one or the other');
      if (nodeHourly === undefined && overrideRates === undefined && discount === undefined) r.fail(path, undefined, 'needs nodeHourlyUsd, cpuCoreHourUsd and ramGiBHourUsd, or discountPercent');
      if (nodeHourly !== undefined && o['gpuHourUsd'] !== undefined) r.fail(`${path}.gpuHourUsd`, o['gpuHourUsd'], 'cannot be combined with nodeHourlyUsd (the whole-node price includes its GPUs)');
      const price: NodeOverride['price'] =
        discount !== undefined
          ? { kind: 'discount', percent: discount }
          : nodeHourly !== undefined
            ? { kind: 'instance', hourlyUsd: nodeHourly }
            : { kind: 'rates', rates: overrideRates as CustomRates };
      nodeOverrides.push({ name, matchLabels, price });
    });
  }

  const storage: Record<string, number> = {};
  const rawStorage = doc['storageGibMonthUsd'];
  if (rawStorage !== undefined && rawStorage !== null) {
    if (!isMapping(rawStorage)) r.fail('storageGibMonthUsd', rawStorage, 'must map storage class names to USD per GiB-month');
    for (const [cls, v] of Object.entries(rawStorage)) storage[cls] = r.money(`storageGibMonthUsd.${cls}`, v);
  }

  const all = doc['discountPercent'] === undefined ? 0 : r.percent('discountPercent', doc['discountPercent']);
  const discountPercent: Record<DiscountCategory, number> = { compute: all, storage: all, loadBalancer: all, management: all };
  const byCategory = doc['discountPercentByCategory'];
  if (byCategory !== undefined && byCategory !== null) {
    if (!isMapping(byCategory)) r.fail('discountPercentByCategory', byCategory, `must map categories (${DISCOUNT_CATEGORIES.join(', ')}) to percentages`);
    r.known('discountPercentByCategory.', byCategory, DISCOUNT_CATEGORIES);
    for (const c of DISCOUNT_CATEGORIES) {
      if (byCategory[c] !== undefined) discountPercent[c] = r.percent(`discountPercentByCategory.${c}`, byCategory[c]);
    }
  }

  const spot = doc['spotDiscountPercent'];
  return {
    file,
    rates,
    nodeOverrides,
    storageGibMonthUsd: storage,
    defaultStorageGibMonthUsd: r.optionalMoney('defaultStorageGibMonthUsd', doc['defaultStorageGibMonthUsd']),
    loadBalancerHourlyUsd: r.optionalMoney('loadBalancerHourlyUsd', doc['loadBalancerHourlyUsd']),
    managementHourlyUsd: r.optionalMoney('managementHourlyUsd', doc['managementHourlyUsd']),
    discountPercent,
    spotDiscountPercent: spot === undefined || spot === null ? undefined : r.percent('spotDiscountPercent', spot),
  };
}

/** The first override whose labels all match, or undefined. */
export function matchOverride(custom: CustomPricing, labels: Labels): NodeOverride | undefined {
  return custom.nodeOverrides.find((o) => Object.entries(o.matchLabels).every(([k, v]) => labels[k] === v));
}
