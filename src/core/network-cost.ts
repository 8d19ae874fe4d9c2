// Network cost of a pod (pure): egress bytes by destination × the price of that destination,
// as an hourly rate over the interval they were measured in. Prices come in as an argument (the
// sheets are in src/pricing/network.ts); bytes without a price — unclassified egress, or a
// destination the provider's sheet has no figure for — are counted, never priced at zero.

/** A pod's egress by destination, measured over `seconds` (by its node's agent). */
export interface PodEgress {
  readonly inZoneBytes: number;
  readonly crossZoneBytes: number;
  readonly internetBytes: number;
  readonly unclassifiedBytes: number;
  readonly seconds: number;
}

/** USD per GiB sent, per destination; undefined: no published figure (the bytes stay unpriced). */
export interface NetworkRates {
  readonly inZonePerGibUsd: number | undefined;
  readonly crossZonePerGibUsd: number | undefined;
  readonly internetPerGibUsd: number | undefined;
}

export type EgressDestination = 'in-zone' | 'cross-zone' | 'internet' | 'unclassified';

/** One destination of a pod's egress: its rate, and its hourly cost when it has a price. */
export interface EgressByDestination {
  readonly destination: EgressDestination;
  /** Bytes sent per second, averaged over the measured interval. */
  readonly bytesPerSecond: number;
  /** Undefined: no price for this destination (unclassified, or no published figure); never 0 for "unknown". */
  readonly hourlyUsd: number | undefined;
}

export interface PodNetworkCost {
  readonly hourlyUsd: number;
  readonly inZoneHourlyUsd: number;
  readonly crossZoneHourlyUsd: number;
  readonly internetHourlyUsd: number;
  /** Bytes of the interval that have no price. */
  readonly unpricedBytes: number;
  /** The four destinations, in this order: in-zone, cross-zone, internet, unclassified. */
  readonly byDestination: readonly EgressByDestination[];
}

const GIB = 1024 ** 3;

/** The hourly network cost of one measured interval; `rates` undefined: every byte unpriced. */
export function podNetworkCost(egress: PodEgress, rates: NetworkRates | undefined): PodNetworkCost {
  const perHour = egress.seconds > 0 ? 3600 / egress.seconds : 0;
  let unpricedBytes = egress.unclassifiedBytes;
  const hourly = (bytes: number, perGib: number | undefined): number => {
    if (perGib === undefined || egress.seconds <= 0) {
      unpricedBytes += bytes;
      return 0;
    }
    return (bytes / GIB) * perGib * perHour;
  };
  const inZoneHourlyUsd = hourly(egress.inZoneBytes, rates?.inZonePerGibUsd);
  const crossZoneHourlyUsd = hourly(egress.crossZoneBytes, rates?.crossZonePerGibUsd);
  const internetHourlyUsd = hourly(egress.internetBytes, rates?.internetPerGibUsd);
  const priced = egress.seconds > 0 && rates !== undefined;
  const one = (destination: EgressDestination, bytes: number, perGib: number | undefined, usd: number): EgressByDestination => ({
    destination,
    bytesPerSecond: egress.seconds > 0 ? bytes / egress.seconds : 0,
    hourlyUsd: priced && perGib !== undefined ? usd : undefined,
  });
  const byDestination = [
    one('in-zone', egress.inZoneBytes, rates?.inZonePerGibUsd, inZoneHourlyUsd),
    one('cross-zone', egress.crossZoneBytes, rates?.crossZonePerGibUsd, crossZoneHourlyUsd),
    one('internet', egress.internetBytes, rates?.internetPerGibUsd, internetHourlyUsd),
    one('unclassified', egress.unclassifiedBytes, undefined, 0),
  ];
  return { hourlyUsd: inZoneHourlyUsd + crossZoneHourlyUsd + internetHourlyUsd, inZoneHourlyUsd, crossZoneHourlyUsd, internetHourlyUsd, unpricedBytes, byDestination };
}
