// Live pricing: the rows adapters fetch, the keys they are stored under, the TTLs, and the typed
// errors a provider's answer can raise. Pure: no I/O, no clock.
import type { CloudProvider } from '../../core/model.ts';

export type LiveProvider = 'aws' | 'azure' | 'gcp';
export const LIVE_PROVIDERS: readonly LiveProvider[] = ['aws', 'azure', 'gcp'];

/** What a price is for; each kind has its own time to live. */
export type LiveKind = 'instance' | 'spot' | 'storage' | 'network';
export const LIVE_KINDS: readonly LiveKind[] = ['instance', 'spot', 'storage', 'network'];

/** How long a fetched price counts as fresh (design document): instances 1 h, spot 5 min, storage 24 h, network 1 h. */
export const TTL_MS: Readonly<Record<LiveKind, number>> = {
  instance: 3_600_000,
  spot: 300_000,
  storage: 86_400_000,
  network: 3_600_000,
};

/** Where data leaves the cluster to. */
export type NetworkDestination = 'internet' | 'inter-region' | 'inter-zone';
export const NETWORK_DESTINATIONS: readonly NetworkDestination[] = ['internet', 'inter-region', 'inter-zone'];

/**
 * One price an adapter extracted. `usd` is per hour (instance, spot, GCP per vCPU-hour, per
 * GiB-hour and per GPU-hour), per GiB-month (storage) or per GB transferred (network).
 */
export interface LiveRow {
  readonly kind: LiveKind;
  readonly key: string;
  readonly usd: number;
}

export function isLiveProvider(p: CloudProvider | string): p is LiveProvider {
  return p === 'aws' || p === 'azure' || p === 'gcp';
}

// Keys. A key always starts with `<provider>|<region or zone>|`.
/** AWS/Azure on-demand: USD per instance-hour. */
export const instanceKey = (provider: 'aws' | 'azure', region: string, instanceType: string): string => `${provider}|${region}|${instanceType}`;
/** AWS spot is per availability zone; Azure spot per region. */
export const spotKey = (provider: 'aws' | 'azure', zoneOrRegion: string, instanceType: string): string => `${provider}|${zoneOrRegion}|${instanceType}`;
/** GCP per-resource rate of a machine family (kind `instance` on demand, `spot` for spot/preemptible). */
export const gcpRateKey = (region: string, family: string, resource: 'cpu' | 'ram'): string => `gcp|${region}|${family}|${resource}`;
/** GCP GPU price per GPU-hour by accelerator label (`nvidia-tesla-t4`). */
export const gcpGpuKey = (region: string, accelerator: string): string => `gcp|${region}|gpu|${accelerator}`;
/**
 * USD per GiB-month of a volume type. Azure prices disks per size tier: `sizeGiB` is the tier's size
 * and the price is the tier's monthly price divided by it.
 */
export const storageKey = (provider: LiveProvider, region: string, volumeType: string, sizeGiB?: number): string =>
  sizeGiB === undefined ? `${provider}|${region}|${volumeType}` : `${provider}|${region}|${volumeType}|${sizeGiB}`;
export const networkKey = (provider: LiveProvider, region: string, destination: NetworkDestination): string => `${provider}|${region}|${destination}`;

/** A provider answered something that is not what its API documents. */
export class PricingPayloadError extends Error {
  readonly provider: LiveProvider;
  readonly endpoint: string;
  constructor(provider: LiveProvider, endpoint: string, detail: string) {
    super(`${provider} ${endpoint}: ${detail}`);
    this.name = 'PricingPayloadError';
    this.provider = provider;
    this.endpoint = endpoint;
  }
}

/** An HTTP answer that is not 2xx. `retryAfterMs` is the server's Retry-After, when it gave one. */
export class PricingHttpError extends Error {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(provider: LiveProvider, endpoint: string, url: string, status: number, retryAfterMs: number | undefined) {
    super(`${provider} ${endpoint}: HTTP ${status} from ${redactUrl(url)}${retryAfterMs !== undefined ? ` (Retry-After ${retryAfterMs / 1000}s)` : ''}`);
    this.name = 'PricingHttpError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** No answer (or no next chunk of the answer) within the timeout. */
export class PricingTimeoutError extends Error {
  constructor(provider: LiveProvider, endpoint: string, url: string, timeoutMs: number) {
    super(`${provider} ${endpoint}: no answer from ${redactUrl(url)} within ${timeoutMs} ms`);
    this.name = 'PricingTimeoutError';
  }
}

/** The connection itself failed (DNS, refused, reset): the provider is not reachable from here. */
export class PricingUnreachableError extends Error {
  constructor(provider: LiveProvider, endpoint: string, url: string, cause: string) {
    super(`${provider} ${endpoint}: cannot reach ${redactUrl(url)}: ${cause}`);
    this.name = 'PricingUnreachableError';
  }
}

/** Hides API keys (`key=...`) and signatures in URLs written to logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:key|sig|signature|X-Amz-Signature)=)[^&]*/gi, '$1REDACTED');
}

/** A positive, finite price or undefined: never zero, NaN or negative. */
export function positivePrice(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}
