// Shared shapes of the advice code (src/core/advice/): every recommendation carries its monthly
// saving in USD and the evidence behind it. Pure types and the typed error; no I/O.
import { InputError } from '../errors.ts';

/** Hours in a month as the rest of the project counts them (730 = 8760 / 12). */
export const HOURS_PER_MONTH = 730;

export type RecommendationKind = 'rightsizing' | 'idle-node' | 'spot' | 'commitment';

/** An advice option or input that cannot be used: names the object, the field and the value. */
export class AdviceInputError extends InputError {}

/** A workload (or a bare pod) as the history store names it. */
export interface WorkloadRef {
  readonly cluster: string;
  readonly namespace: string;
  /** `deployment`, `statefulset`, ... as the store records it; `pod` for a pod without a controller. */
  readonly kind: string;
  readonly name: string;
}

export function workloadId(w: WorkloadRef): string {
  return `${w.cluster}/${w.namespace}/${w.kind}/${w.name}`;
}

/** Checks a fraction option in [min, max]; throws AdviceInputError naming the option. */
export function checkNumber(object: string, field: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new AdviceInputError(object, field, String(value), `must be a number from ${min} to ${max}`);
  }
  return value;
}
