// A short per-container window of measured usage, so that allocation uses
// max(request, average usage over the window) rather than one noisy sample. Pure: samples in
// (each with the timestamp metrics-server measured it at), averages out.
//
// metrics-server refreshes every 15-60 s; polling more often returns the same sample again, so a
// sample whose timestamp a container already has is ignored. Per container the window keeps at
// most `maxSamples` samples, as a flat array of numbers [t, cpu, ram, t, cpu, ram, ...].
import type { ContainerUsage, UsageByPod } from '../../core/model.ts';

export interface UsageWindowOptions {
  /** How far back samples count. */
  readonly windowMs: number;
  readonly maxSamples?: number;
}

export const DEFAULT_USAGE_WINDOW_MS = 5 * 60_000;
const DEFAULT_MAX_SAMPLES = 10;
const FIELDS = 3;

/** By `namespace/pod`, then container name. */
export type UsageWindow = Map<string, Map<string, number[]>>;

export function createUsageWindow(): UsageWindow {
  return new Map();
}

/** Adds one measurement of a pod's containers, taken at `timestampMs`. */
export function addUsageSample(window: UsageWindow, pod: string, timestampMs: number, containers: ReadonlyMap<string, ContainerUsage>, options: UsageWindowOptions): void {
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  let byContainer = window.get(pod);
  if (byContainer === undefined) {
    byContainer = new Map();
    window.set(pod, byContainer);
  }
  for (const [name, usage] of containers) {
    let samples = byContainer.get(name);
    if (samples === undefined) {
      samples = [];
      byContainer.set(name, samples);
    }
    const last = samples.length - FIELDS;
    if (last >= 0 && samples[last]! >= timestampMs) continue; // the same (or an older) measurement again
    samples.push(timestampMs, usage.cpuMillicores, usage.ramBytes);
    if (samples.length > maxSamples * FIELDS) samples.splice(0, samples.length - maxSamples * FIELDS);
  }
}

/**
 * Average usage per container over `(nowMs - windowMs, nowMs]`, in whole millicores and bytes
 * (rounded up, like quantities). Containers with no sample in the window are left out, so the
 * model uses their requests.
 */
export function averageUsage(window: UsageWindow, nowMs: number, options: UsageWindowOptions): UsageByPod {
  const from = nowMs - options.windowMs;
  const out = new Map<string, Map<string, ContainerUsage>>();
  for (const [pod, byContainer] of window) {
    let podUsage: Map<string, ContainerUsage> | undefined;
    for (const [name, samples] of byContainer) {
      let n = 0;
      let cpu = 0;
      let ram = 0;
      for (let i = 0; i < samples.length; i += FIELDS) {
        const t = samples[i]!;
        if (t <= from || t > nowMs) continue;
        n++;
        cpu += samples[i + 1]!;
        ram += samples[i + 2]!;
      }
      if (n === 0) continue;
      podUsage ??= new Map();
      podUsage.set(name, { cpuMillicores: Math.ceil(cpu / n), ramBytes: Math.ceil(ram / n) });
    }
    if (podUsage) out.set(pod, podUsage);
  }
  return out;
}

/** Drops samples older than the window, and pods left with none or that `keep` rejects. */
export function pruneUsage(window: UsageWindow, nowMs: number, options: UsageWindowOptions, keep: (pod: string) => boolean = () => true): void {
  const from = nowMs - options.windowMs;
  for (const [pod, byContainer] of window) {
    if (!keep(pod)) {
      window.delete(pod);
      continue;
    }
    for (const [name, samples] of byContainer) {
      let drop = 0;
      while (drop < samples.length && samples[drop]! <= from) drop += FIELDS;
      if (drop === samples.length) byContainer.delete(name);
      else if (drop > 0) samples.splice(0, drop);
    }
    if (byContainer.size === 0) window.delete(pod);
  }
}
