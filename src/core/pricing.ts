// The pricing port: the questions the cost model asks, and the shape of the answers. The model
// never fetches anything; an implementation (catalog, custom file, live APIs) lives in src/pricing.
import type { CapacityType, CloudProvider, Labels, ResourceAmounts } from './model.ts';

/**
 * Where a price came from. `default` means no price was known for this exact item and a
 * documented fallback (per-resource rates derived from the catalog) was used: it is always
 * reported, never silent.
 */
export type PriceSource = 'live' | 'cache' | 'catalog' | 'custom' | 'billing' | 'default';

export const PRICE_SOURCES: readonly PriceSource[] = ['live', 'cache', 'catalog', 'custom', 'billing', 'default'];

export interface ResourceRates {
  readonly cpuCoreHourUsd: number;
  readonly ramGiBHourUsd: number;
  readonly gpuHourUsd: number;
}

/** Either a whole-instance price (AWS, Azure) or per-resource rates (GCP, custom). */
export type PriceQuote =
  | { readonly kind: 'instance'; readonly hourlyUsd: number }
  | { readonly kind: 'rates'; readonly rates: ResourceRates };

export interface NodePriceQuery {
  readonly nodeName: string;
  readonly provider: CloudProvider;
  readonly instanceType: string | undefined;
  readonly region: string | undefined;
  readonly zone: string | undefined;
  readonly capacityType: CapacityType;
  readonly capacity: ResourceAmounts;
  readonly labels: Labels;
  /** The node's `spec.providerID` when it has one: the billing layer prices the instance by it. */
  readonly providerId?: string;
}

export interface NodePriceAnswer {
  /** The price at the node's capacity type (spot price for spot nodes). */
  readonly price: PriceQuote;
  /** The on-demand price of the same node, used for spot savings. */
  readonly onDemand: PriceQuote;
  readonly source: PriceSource;
  /** Set when the answer is a fallback: says what was missing, for logs and the API. */
  readonly fallbackReason?: string;
}

export interface StoragePriceQuery {
  readonly provider: CloudProvider;
  readonly region: string | undefined;
  readonly storageClass: string;
  /** CSI driver / provisioner, when known. */
  readonly driver: string | undefined;
  /** The StorageClass `parameters.type` (e.g. `gp3`, `pd-ssd`, `Premium_LRS`) when known. */
  readonly volumeType: string | undefined;
}

export interface StoragePriceAnswer {
  readonly gibMonthUsd: number;
  readonly source: PriceSource;
  readonly fallbackReason?: string;
}

export interface FlatPriceAnswer {
  readonly hourlyUsd: number;
  readonly source: PriceSource;
  readonly fallbackReason?: string;
}

export interface ClusterPriceQuery {
  readonly provider: CloudProvider;
  readonly region: string | undefined;
}

/** The narrow port the cost model asks through. Implementations must never answer zero by
 * accident, NaN or a negative number: an unknown item gets a flagged fallback. */
export interface PriceBook {
  node(query: NodePriceQuery): NodePriceAnswer;
  storage(query: StoragePriceQuery): StoragePriceAnswer;
  /** Hourly price of one cloud load balancer (a Service of type LoadBalancer). */
  loadBalancer(query: ClusterPriceQuery): FlatPriceAnswer;
  /** Hourly cluster management fee (EKS/GKE/AKS control plane). */
  clusterManagement(query: ClusterPriceQuery): FlatPriceAnswer;
}

/** Hours in a month as used by every cloud provider's monthly figures (8760 / 12). */
export const HOURS_PER_MONTH = 730;
