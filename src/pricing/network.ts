// Network prices per destination class (src/agent/network.ts classifies a pod's egress as in-zone,
// cross-zone, internet or unclassified). Published list prices only, each with where it was read;
// what could not be found is absent (undefined), never zero, and the bytes stay unpriced, visibly.
//
// Simplifications, stated: the first paid tier is used for internet egress (volume tiers lower
// the price beyond 10 TB a month; free allowances are not subtracted), and one figure per
// provider (AWS us-east-1; GCP premium tier to North America), not per region.
import type { EgressBytes } from '../agent/network.ts';
import type { NetworkRates } from '../core/network-cost.ts';

export type NetworkProvider = 'aws' | 'gcp' | 'azure';

/** Bytes in the unit a price is quoted in. */
export type PriceUnit = 'GiB';

export interface NetworkPriceSheet extends NetworkRates {
  readonly provider: NetworkProvider;
  /** Per GiB a pod sends to a peer in its own zone. */
  readonly inZonePerGibUsd: number | undefined;
  /** Per GiB a pod sends to another zone of the region (both ends' charges, where both are billed). */
  readonly crossZonePerGibUsd: number | undefined;
  /** Per GiB a pod sends to the internet (first paid tier). */
  readonly internetPerGibUsd: number | undefined;
  /** Where each figure was read, and how it was turned into the figure above. */
  readonly sources: readonly string[];
}

export const NETWORK_PRICES: Readonly<Record<NetworkProvider, NetworkPriceSheet>> = {
  aws: {
    provider: 'aws',
    inZonePerGibUsd: 0,
    // $0.01/GB in each direction between Availability Zones: the sender's egress and the
    // receiver's ingress are both billed, so a byte sent across zones costs $0.02.
    crossZonePerGibUsd: 0.02,
    internetPerGibUsd: 0.09,
    sources: [
      'EC2 on-demand pricing, data transfer: same AZ over private IP $0.00/GB; across AZs in a region $0.01/GB in each direction (aws.amazon.com/ec2/pricing/on-demand/, as quoted by harish11g.blogspot.com 2012 and finopsforge.com; duckbillgroup.com measured that both ends are billed)',
      'EC2 data transfer out to the internet, us-east-1: $0.09/GB for the first 10 TB a month (courseiva.com SAA-C03 notes, finopsforge.com); other regions differ (ap-southeast-2: $0.114/GB, chengqing.dev)',
      'AWS quotes per GB; this sheet applies the figure per GiB (2^30 bytes) — which GB AWS bills by was not verified (the two differ by 7 %)',
    ],
  },
  gcp: {
    provider: 'gcp',
    inZonePerGibUsd: 0,
    crossZonePerGibUsd: 0.01,
    internetPerGibUsd: 0.12,
    sources: [
      'cloud.google.com/vpc/network-pricing (transcribed 2026-09-20 by api-evangelist/google-cloud-vpc): inter-zone VM-to-VM data transfer in the same region $0.01 per GiB; same zone over internal IPs: no charge',
      'Premium Tier internet data transfer out to North America, 1 GiB to 1,024 GiB a month: $0.12 per GiB (the first GiB is free; volume tiers lower it)',
    ],
  },
  azure: {
    provider: 'azure',
    inZonePerGibUsd: 0,
    crossZonePerGibUsd: 0,
    // Not found: Azure's bandwidth page (internet egress after the first 100 GB a month) could not be read here.
    internetPerGibUsd: undefined,
    sources: [
      'Data transfer within a virtual network is free; between Availability Zones of a region there is currently no charge (adammazouz.com, "Understanding Azure Bandwidth", 2023; ryanroyals.cloud, "A Guide to Azure Data Transfer Pricing")',
      'Internet egress: not in this catalog (first 100 GB a month free, then tiered per GB: the per-GB figures were not found in the sources searched); internet bytes on Azure stay unpriced',
    ],
  },
};

const GIB = 1024 ** 3;

export interface EgressCost {
  readonly usd: number;
  readonly inZoneUsd: number;
  readonly crossZoneUsd: number;
  readonly internetUsd: number;
  /** Bytes without a price: unclassified egress, and classes the sheet has no figure for. */
  readonly unpricedBytes: number;
}

/** What a pod's egress costs: bytes of each class × the price of its destination. */
export function egressCost(egress: EgressBytes, sheet: NetworkPriceSheet): EgressCost {
  let unpricedBytes = egress.unclassifiedBytes;
  const priced = (bytes: number, perGib: number | undefined): number => {
    if (perGib === undefined) {
      unpricedBytes += bytes;
      return 0;
    }
    return (bytes / GIB) * perGib;
  };
  const inZoneUsd = priced(egress.inZoneBytes, sheet.inZonePerGibUsd);
  const crossZoneUsd = priced(egress.crossZoneBytes, sheet.crossZonePerGibUsd);
  const internetUsd = priced(egress.internetBytes, sheet.internetPerGibUsd);
  return { usd: inZoneUsd + crossZoneUsd + internetUsd, inZoneUsd, crossZoneUsd, internetUsd, unpricedBytes };
}

/** The same egress as an hourly rate, given the seconds it was measured over. */
export function egressHourlyUsd(egress: EgressBytes, seconds: number, sheet: NetworkPriceSheet): { readonly hourlyUsd: number; readonly unpricedBytes: number } {
  if (!(seconds > 0)) throw new RangeError(`egress interval must be positive seconds (got ${seconds})`);
  const cost = egressCost(egress, sheet);
  return { hourlyUsd: (cost.usd * 3600) / seconds, unpricedBytes: cost.unpricedBytes };
}

/** The cost model's network rates for a node's provider (undefined: no sheet, bytes unpriced). */
export function networkRatesFor(provider: string): NetworkRates | undefined {
  return provider === 'aws' || provider === 'gcp' || provider === 'azure' ? NETWORK_PRICES[provider] : undefined;
}
