// The offline price catalog shipped with the package: typed access to
// src/pricing/generated/catalog.json, which scripts/catalog/generate.ts builds from the facts
// transcribed in scripts/catalog/sources/ (see docs/pricing.md for what is in it and where every
// figure comes from). Lookups are pure; the JSON is loaded once, through a JSON module import, so
// it works when run as .ts, after `tsc` (the JSON is emitted next to the .js) and when bundled.
import type { ResourceRates } from '../core/pricing.ts';
import catalogJson from './generated/catalog.json' with { type: 'json' };

export type CatalogProvider = 'aws' | 'gcp' | 'azure';
/** Providers priced per instance (a whole-node hourly price). */
export type InstanceProvider = 'aws' | 'azure';

/** [vcpus, memory GiB, gpus] */
export type SpecTriple = readonly [number, number, number];
/** [USD per vCPU-hour, USD per GiB-hour] */
export type RatePair = readonly [number, number];

type ByRegion<T> = Readonly<Record<string, T>>;

export interface StorageData {
  /** region → volume type → USD per GiB-month. */
  readonly gibMonthUsd: ByRegion<Readonly<Record<string, number>>>;
  readonly note: string;
}

interface ProviderCommon {
  readonly fallbackRegion: string;
  readonly regions: readonly string[];
  readonly defaultRates: ByRegion<ResourceRates>;
  readonly storage: StorageData;
  readonly loadBalancerHourlyUsd: ByRegion<number>;
  readonly loadBalancerKind: string;
  readonly managementHourlyUsd: Readonly<Record<string, number>>;
  readonly managementTier: string;
}

export interface InstanceProviderData extends ProviderCommon {
  readonly specs: Readonly<Record<string, SpecTriple>>;
  readonly onDemandHourlyUsd: ByRegion<Readonly<Record<string, number>>>;
  /** Spot price as a fraction of the on-demand price (an estimate until live spot prices exist). */
  readonly spotFraction: number;
  /** The same estimate per region where the source has one (median of the sampled spot ÷ on-demand ratios). */
  readonly spotFractionByRegion: ByRegion<number>;
  /** Source id (in `sources`) of the spot estimate. */
  readonly spotSource: string;
}

export interface GcpData extends ProviderCommon {
  /** machine type → [vcpus (fractional for shared-core E2), memory GiB]. */
  readonly shapes: Readonly<Record<string, readonly [number, number]>>;
  /** Shared-core types, billed at the fractional vCPU in `shapes` rather than the node's vCPUs. */
  readonly sharedCore: readonly string[];
  readonly familyRates: Readonly<Record<string, ByRegion<RatePair>>>;
  readonly customFamilyRates: Readonly<Record<string, ByRegion<RatePair>>>;
  /**
   * region → machine type → whole-machine on-demand USD per hour, for families with one memory/vCPU ratio
   * (C2, T2D) outside us-central1, where no per-vCPU/GB split is published: priced per machine like AWS and
   * Azure instances.
   */
  readonly machineHourlyUsd: ByRegion<Readonly<Record<string, number>>>;
  readonly spotFraction: Readonly<Record<string, ByRegion<number>>>;
  readonly gpuHourlyUsd: Readonly<Record<string, ByRegion<number>>>;
  readonly gpuSpotHourlyUsd: Readonly<Record<string, ByRegion<number>>>;
}

export interface SourceRef {
  readonly title: string;
  readonly repo?: string;
  readonly path?: string;
  readonly commit?: string;
  readonly url?: string;
  readonly dataDate?: string;
  readonly read: string;
  readonly note?: string;
}

/** The shape of src/pricing/generated/catalog.json. */
export interface CatalogData {
  readonly _generated: string;
  readonly generatedAt: string;
  readonly pricesAsOf: Readonly<Record<CatalogProvider, string>>;
  readonly splitRatios: { readonly cpuToRam: number; readonly gpuToRam: number };
  /** Used when no provider catalog applies: OpenCost's published default prices. */
  readonly fallback: {
    readonly source: string;
    readonly rates: ResourceRates;
    readonly storageGibMonthUsd: number;
    readonly spotFraction: number;
  };
  readonly aws: InstanceProviderData;
  readonly gcp: GcpData;
  readonly azure: InstanceProviderData;
  readonly sources: Readonly<Record<string, SourceRef>>;
}

export interface InstanceSpec {
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface GcpMachine {
  readonly machineType: string;
  readonly family: string;
  /** Billed vCPUs: fractional for shared-core E2 types (e2-micro 0.25, e2-small 0.5, e2-medium 1). */
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly custom: boolean;
  readonly sharedCore: boolean;
}

export interface Catalog {
  readonly data: CatalogData;
  /** On-demand USD per hour of an AWS or Azure instance type in a region, if listed. */
  instanceHourlyUsd(provider: InstanceProvider, region: string, instanceType: string): number | undefined;
  instanceSpec(provider: InstanceProvider, instanceType: string): InstanceSpec | undefined;
  /** Whether the catalog has prices for this region of the provider. */
  hasRegion(provider: CatalogProvider, region: string): boolean;
  /** A GCE machine type: predefined (`n2-standard-4`, `e2-medium`) or custom (`n2-custom-4-16384`, `custom-2-7680`). */
  gcpMachine(machineType: string): GcpMachine | undefined;
  /** Per-vCPU and per-GiB on-demand rates of a GCE family in a region. */
  gcpFamilyRates(family: string, region: string, custom: boolean): RatePair | undefined;
  /** Whole-machine on-demand USD per hour of a GCE machine type in a region, where the catalog prices it per machine. */
  gcpMachineHourlyUsd(machineType: string, region: string): number | undefined;
  gcpSpotFraction(family: string, region: string): number | undefined;
  gcpGpuHourlyUsd(accelerator: string, region: string, spot: boolean): number | undefined;
  /** Default per-resource rates for a provider's region (derived by the generator; see docs/pricing.md). */
  defaultRates(provider: CatalogProvider, region: string): ResourceRates | undefined;
}

const CUSTOM_MACHINE = /^(?:([a-z][a-z0-9]*)-)?custom-(\d+)-(\d+)(-ext)?$/;

/** Wraps catalog data with lookups. Throws when the data is not a catalog (wrong file, hand edit). */
export function createCatalog(data: CatalogData): Catalog {
  for (const key of ['aws', 'gcp', 'azure'] as const) {
    const p = data[key] as Partial<ProviderCommon> | undefined;
    if (typeof p?.fallbackRegion !== 'string' || !Array.isArray(p.regions)) throw new Error(`price catalog: "${key}" section is missing or malformed`);
  }
  if (typeof data._generated !== 'string' || typeof data.fallback?.rates?.cpuCoreHourUsd !== 'number') {
    throw new Error('price catalog: not a generated catalog (expected "_generated" and "fallback.rates")');
  }
  if (typeof data.gcp.machineHourlyUsd !== 'object' || data.gcp.machineHourlyUsd === null) {
    throw new Error('price catalog: "gcp.machineHourlyUsd" is missing; regenerate it with node scripts/catalog/generate.ts');
  }
  const sharedCore = new Set(data.gcp.sharedCore);
  const regionSets: Record<CatalogProvider, ReadonlySet<string>> = {
    aws: new Set(data.aws.regions),
    gcp: new Set(data.gcp.regions),
    azure: new Set(data.azure.regions),
  };
  return {
    data,
    instanceHourlyUsd: (provider, region, instanceType) => data[provider].onDemandHourlyUsd[region]?.[instanceType],
    instanceSpec(provider, instanceType) {
      const s = data[provider].specs[instanceType];
      return s ? { vcpus: s[0], memoryGiB: s[1], gpus: s[2] } : undefined;
    },
    hasRegion: (provider, region) => regionSets[provider].has(region),
    gcpMachine(machineType) {
      const shape = data.gcp.shapes[machineType];
      if (shape) {
        const family = machineType.split('-')[0] ?? '';
        return { machineType, family, vcpus: shape[0], memoryGiB: shape[1], custom: false, sharedCore: sharedCore.has(machineType) };
      }
      const m = CUSTOM_MACHINE.exec(machineType);
      if (!m) return undefined;
      const vcpus = Number(m[2]);
      const memoryMiB = Number(m[3]);
      if (!(vcpus > 0 && memoryMiB > 0)) return undefined;
      return { machineType, family: m[1] ?? 'n1', vcpus, memoryGiB: memoryMiB / 1024, custom: true, sharedCore: false };
    },
    gcpFamilyRates: (family, region, custom) => (custom ? data.gcp.customFamilyRates : data.gcp.familyRates)[family]?.[region],
    gcpMachineHourlyUsd: (machineType, region) => data.gcp.machineHourlyUsd[region]?.[machineType],
    gcpSpotFraction: (family, region) => data.gcp.spotFraction[family]?.[region],
    gcpGpuHourlyUsd: (accelerator, region, spot) => (spot ? data.gcp.gpuSpotHourlyUsd : data.gcp.gpuHourlyUsd)[accelerator]?.[region],
    defaultRates: (provider, region) => data[provider].defaultRates[region],
  };
}

let loaded: Catalog | undefined;

/** The catalog shipped with the package, loaded once. */
export function loadCatalog(): Catalog {
  loaded ??= createCatalog(catalogJson as unknown as CatalogData);
  return loaded;
}

/**
 * @deprecated The seed catalog is gone; this is the shipped catalog (`loadCatalog()`), kept so
 * existing imports keep working.
 */
export const SEED_CATALOG: Catalog = loadCatalog();
