// The offline price catalog shipped with the package. This is the SEED catalog: AWS us-east-1
// Linux on-demand prices for the common families, EBS and load-balancer prices, the EKS fee and
// OpenCost's published default rates for anything unknown. Sources (facts, transcribed):
// - EC2: aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go, generated
//   2026-01-19 from the AWS Price List API for us-east-1 (InitialOnDemandPricesAWS).
// - EBS (USD per GB-month, us-east-1): gp3 0.08, gp2 0.10, io1 0.125, io2 0.125, st1 0.045,
//   sc1 0.015 — AWS EBS pricing page.
// - NLB/ALB 0.0225 USD per hour (us-east-1, excluding LCU/NLCU charges); EKS standard support
//   0.10 USD per cluster-hour — AWS pricing pages.
// - Default rates: OpenCost's default on-demand rates (0.031611 per vCPU-hour, 0.004237 per GiB-hour,
//   0.95 per GPU-hour).
// Not yet in the catalog (see docs/pricing.md): other regions, GCP, Azure, spot discounts.
import type { CloudProvider } from '../core/model.ts';
import type { ResourceRates } from '../core/pricing.ts';
import { OPENCOST_DEFAULT_CPU_HOUR_USD, OPENCOST_DEFAULT_GPU_HOUR_USD, OPENCOST_DEFAULT_RAM_GIB_HOUR_USD } from '../core/rates.ts';

export interface Catalog {
  readonly pricesAsOf: string;
  /** provider → region → instance type → on-demand USD per hour. */
  readonly instances: Readonly<Partial<Record<CloudProvider, Readonly<Record<string, Readonly<Record<string, number>>>>>>>;
  /** provider → region → storage class / volume type → USD per GiB-month. */
  readonly storage: Readonly<Partial<Record<CloudProvider, Readonly<Record<string, Readonly<Record<string, number>>>>>>>;
  readonly loadBalancerHourlyUsd: Readonly<Partial<Record<CloudProvider, number>>>;
  readonly managementHourlyUsd: Readonly<Partial<Record<CloudProvider, number>>>;
  readonly defaultRates: ResourceRates;
  /** Storage price used when a class is unknown. */
  readonly defaultStorageGibMonthUsd: number;
}

const AWS_US_EAST_1: Record<string, number> = {
  'm5.large': 0.096, 'm5.xlarge': 0.192, 'm5.2xlarge': 0.384, 'm5.4xlarge': 0.768, 'm5.8xlarge': 1.536, 'm5.12xlarge': 2.304, 'm5.16xlarge': 3.072, 'm5.24xlarge': 4.608,
  'm6i.large': 0.096, 'm6i.xlarge': 0.192, 'm6i.2xlarge': 0.384, 'm6i.4xlarge': 0.768, 'm6i.8xlarge': 1.536, 'm6i.12xlarge': 2.304, 'm6i.16xlarge': 3.072, 'm6i.24xlarge': 4.608, 'm6i.32xlarge': 6.144,
  'm7i.large': 0.1008, 'm7i.xlarge': 0.2016, 'm7i.2xlarge': 0.4032, 'm7i.4xlarge': 0.8064, 'm7i.8xlarge': 1.6128, 'm7i.12xlarge': 2.4192, 'm7i.16xlarge': 3.2256, 'm7i.24xlarge': 4.8384, 'm7i.48xlarge': 9.6768,
  'm6a.large': 0.0864, 'm6a.xlarge': 0.1728, 'm6a.2xlarge': 0.3456, 'm6a.4xlarge': 0.6912, 'm6a.8xlarge': 1.3824,
  'm6g.medium': 0.0385, 'm6g.large': 0.077, 'm6g.xlarge': 0.154, 'm6g.2xlarge': 0.308, 'm6g.4xlarge': 0.616,
  'm7g.medium': 0.0408, 'm7g.large': 0.0816, 'm7g.xlarge': 0.1632, 'm7g.2xlarge': 0.3264, 'm7g.4xlarge': 0.6528,
  'c5.large': 0.085, 'c5.xlarge': 0.17, 'c5.2xlarge': 0.34, 'c5.4xlarge': 0.68, 'c5.9xlarge': 1.53, 'c5.12xlarge': 2.04, 'c5.18xlarge': 3.06, 'c5.24xlarge': 4.08,
  'c6i.large': 0.085, 'c6i.xlarge': 0.17, 'c6i.2xlarge': 0.34, 'c6i.4xlarge': 0.68, 'c6i.8xlarge': 1.36, 'c6i.12xlarge': 2.04, 'c6i.16xlarge': 2.72, 'c6i.24xlarge': 4.08, 'c6i.32xlarge': 5.44,
  'c7i.large': 0.08925, 'c7i.xlarge': 0.1785, 'c7i.2xlarge': 0.357, 'c7i.4xlarge': 0.714, 'c7i.8xlarge': 1.428, 'c7i.12xlarge': 2.142, 'c7i.16xlarge': 2.856, 'c7i.24xlarge': 4.284, 'c7i.48xlarge': 8.568,
  'c6a.large': 0.0765, 'c6a.xlarge': 0.153, 'c6a.2xlarge': 0.306, 'c6a.4xlarge': 0.612, 'c6a.8xlarge': 1.224,
  'c6g.medium': 0.034, 'c6g.large': 0.068, 'c6g.xlarge': 0.136, 'c6g.2xlarge': 0.272, 'c6g.4xlarge': 0.544,
  'c7g.medium': 0.0363, 'c7g.large': 0.0725, 'c7g.xlarge': 0.145, 'c7g.2xlarge': 0.29, 'c7g.4xlarge': 0.58,
  'r5.large': 0.126, 'r5.xlarge': 0.252, 'r5.2xlarge': 0.504, 'r5.4xlarge': 1.008, 'r5.8xlarge': 2.016, 'r5.12xlarge': 3.024, 'r5.16xlarge': 4.032, 'r5.24xlarge': 6.048,
  'r6i.large': 0.126, 'r6i.xlarge': 0.252, 'r6i.2xlarge': 0.504, 'r6i.4xlarge': 1.008, 'r6i.8xlarge': 2.016, 'r6i.12xlarge': 3.024, 'r6i.16xlarge': 4.032, 'r6i.24xlarge': 6.048, 'r6i.32xlarge': 8.064,
  'r7i.large': 0.1323, 'r7i.xlarge': 0.2646, 'r7i.2xlarge': 0.5292, 'r7i.4xlarge': 1.0584, 'r7i.8xlarge': 2.1168,
  'r6g.medium': 0.0504, 'r6g.large': 0.1008, 'r6g.xlarge': 0.2016, 'r6g.2xlarge': 0.4032, 'r6g.4xlarge': 0.8064,
  't3.nano': 0.0052, 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664, 't3.2xlarge': 0.3328,
  't3a.medium': 0.0376, 't3a.large': 0.0752, 't3a.xlarge': 0.1504, 't3a.2xlarge': 0.3008,
  't4g.medium': 0.0336, 't4g.large': 0.0672, 't4g.xlarge': 0.1344, 't4g.2xlarge': 0.2688,
  'g4dn.xlarge': 0.526, 'g4dn.2xlarge': 0.752, 'g4dn.4xlarge': 1.204, 'g4dn.8xlarge': 2.176, 'g4dn.12xlarge': 3.912, 'g4dn.16xlarge': 4.352,
  'g5.xlarge': 1.006, 'g5.2xlarge': 1.212, 'g5.4xlarge': 1.624, 'g5.8xlarge': 2.448, 'g5.12xlarge': 5.672, 'g5.16xlarge': 4.096, 'g5.24xlarge': 8.144, 'g5.48xlarge': 16.288,
  'g6.xlarge': 0.8048, 'g6.2xlarge': 0.9776, 'g6.4xlarge': 1.3232, 'g6.8xlarge': 2.0144,
  'p3.2xlarge': 3.06, 'p3.8xlarge': 12.24, 'p3.16xlarge': 24.48,
};

export const SEED_CATALOG: Catalog = {
  pricesAsOf: '2026-01-19',
  instances: { aws: { 'us-east-1': AWS_US_EAST_1 } },
  storage: { aws: { 'us-east-1': { gp3: 0.08, gp2: 0.1, io1: 0.125, io2: 0.125, st1: 0.045, sc1: 0.015 } } },
  loadBalancerHourlyUsd: { aws: 0.0225 },
  managementHourlyUsd: { aws: 0.1 },
  defaultRates: { cpuCoreHourUsd: OPENCOST_DEFAULT_CPU_HOUR_USD, ramGiBHourUsd: OPENCOST_DEFAULT_RAM_GIB_HOUR_USD, gpuHourUsd: OPENCOST_DEFAULT_GPU_HOUR_USD },
  defaultStorageGibMonthUsd: 0.1,
};

export function loadCatalog(): Catalog {
  return SEED_CATALOG;
}
