// Node price → per-resource hourly rates, the way OpenCost splits an instance price so that our
// numbers are comparable with theirs (opencost pkg/costmodel: default CPU/RAM/GPU price ratios).
import type { ResourceAmounts } from './model.ts';
import type { PriceQuote, ResourceRates } from './pricing.ts';
import { BYTES_PER_GIB } from './quantity.ts';

/** OpenCost's default on-demand list rates (USD per vCPU-hour, per GiB-hour, per GPU-hour). */
export const OPENCOST_DEFAULT_CPU_HOUR_USD = 0.031611;
export const OPENCOST_DEFAULT_RAM_GIB_HOUR_USD = 0.004237;
export const OPENCOST_DEFAULT_GPU_HOUR_USD = 0.95;

export interface SplitRatios {
  /** How many times more one vCPU costs than one GiB of RAM. */
  readonly cpuToRam: number;
  /** How many times more one GPU costs than one GiB of RAM. */
  readonly gpuToRam: number;
}

export const DEFAULT_SPLIT_RATIOS: SplitRatios = Object.freeze({
  cpuToRam: OPENCOST_DEFAULT_CPU_HOUR_USD / OPENCOST_DEFAULT_RAM_GIB_HOUR_USD,
  gpuToRam: OPENCOST_DEFAULT_GPU_HOUR_USD / OPENCOST_DEFAULT_RAM_GIB_HOUR_USD,
});

export interface NodeRates {
  readonly rates: ResourceRates;
  /** The node's whole hourly price; equals Σ capacity × rate. */
  readonly hourlyUsd: number;
}

/**
 * Splits an instance price over the node's capacity:
 *   ramRate = price / (gpus·gpuToRam + vcpus·cpuToRam + ramGiB), cpuRate = ramRate·cpuToRam,
 *   gpuRate = ramRate·gpuToRam.
 * Per-resource quotes are used as they are and the node price is their sum over capacity.
 * A node with no capacity at all cannot be split: its rates are zero and the price is kept whole
 * (the cost model reports all of it as idle).
 */
export function nodeRates(quote: PriceQuote, capacity: ResourceAmounts, ratios: SplitRatios = DEFAULT_SPLIT_RATIOS): NodeRates {
  const vcpus = capacity.cpuMillicores / 1000;
  const ramGiB = capacity.ramBytes / BYTES_PER_GIB;
  if (quote.kind === 'rates') {
    const { cpuCoreHourUsd, ramGiBHourUsd, gpuHourUsd } = quote.rates;
    return {
      rates: quote.rates,
      hourlyUsd: vcpus * cpuCoreHourUsd + ramGiB * ramGiBHourUsd + capacity.gpus * gpuHourUsd,
    };
  }
  const weight = capacity.gpus * ratios.gpuToRam + vcpus * ratios.cpuToRam + ramGiB;
  if (!(weight > 0)) {
    return { rates: { cpuCoreHourUsd: 0, ramGiBHourUsd: 0, gpuHourUsd: 0 }, hourlyUsd: quote.hourlyUsd };
  }
  const ramGiBHourUsd = quote.hourlyUsd / weight;
  return {
    rates: {
      cpuCoreHourUsd: ramGiBHourUsd * ratios.cpuToRam,
      ramGiBHourUsd,
      gpuHourUsd: ramGiBHourUsd * ratios.gpuToRam,
    },
    hourlyUsd: quote.hourlyUsd,
  };
}
