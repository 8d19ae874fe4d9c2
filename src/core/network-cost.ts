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

export interface PodNetworkCost {
  readonly hourlyUsd: number;
  readonly inZoneHourlyUsd: number;
  readonly crossZoneHourlyUsd: number;
  readonly internetHourlyUsd: number;
  /** Bytes of the interval that have no price. */
  readonly unpricedBytes: number;
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
  return { hourlyUsd: inZoneHourlyUsd + crossZoneHourlyUsd + internetHourlyUsd, inZoneHourlyUsd, crossZoneHourlyUsd, internetHourlyUsd, unpricedBytes };
}
