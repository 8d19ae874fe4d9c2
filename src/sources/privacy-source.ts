// The privacy switch at the edge: wraps a source so every reading is transformed by the pure
// core/privacy.ts before the cost model sees it. Hashes are a salted SHA-256, so the same name gives
// the same hash across restarts and replicas (with the same salt) and cannot be looked up in a
// dictionary of common names without the salt.
import { createHash } from 'node:crypto';
import type { PrivacyOptions } from '../core/privacy.ts';
import { privacy } from '../core/privacy.ts';
import type { ClusterSource, SourceReading } from './source.ts';

/** `h-` + the first 12 hex digits of SHA-256(salt, NUL, value). */
export function saltedHash(salt: string): (value: string) => string {
  return (value) => `h-${createHash('sha256').update(salt).update('\0').update(value).digest('hex').slice(0, 12)}`;
}

export function privateSource(source: ClusterSource, options: PrivacyOptions): ClusterSource {
  const transform = privacy(options);
  const wrapped: ClusterSource = {
    kind: source.kind,
    description: source.description,
    async read(nowMs: number): Promise<SourceReading> {
      const reading = await source.read(nowMs);
      const out: SourceReading = { ...reading, snapshot: transform.snapshot(reading.snapshot) };
      if (reading.finishedPods !== undefined) {
        (out as { finishedPods?: SourceReading['finishedPods'] }).finishedPods = reading.finishedPods.map((run) => ({ ...run, pod: transform.pod(run.pod) }));
      }
      return out;
    },
  };
  if (source.health) (wrapped as { health?: ClusterSource['health'] }).health = () => source.health!();
  if (source.close) (wrapped as { close?: ClusterSource['close'] }).close = () => source.close!();
  return wrapped;
}
