// Pods that stop running between two reads (deleted, Succeeded, Failed, evicted) are gone from the
// next snapshot, but they ran for part of the window and cost money for those minutes. This tracks
// them from the cache's changes, pure: a change in, a FinishedPod out when a pod stopped running.
// Each pod is reported once (by UID), with when it started and when it stopped.
import { isCosted } from '../../core/allocate.ts';
import type { NodeInfo, PodInfo } from '../../core/model.ts';
import type { FinishedPodRun } from '../source.ts';
import type { Change } from './cache.ts';
import type { CachedPod } from './convert.ts';

export type FinishReason = 'deleted' | 'succeeded' | 'failed';

/** A pod that stopped running; its node is kept even when the node itself was deleted. */
export interface FinishedPod extends FinishedPodRun {
  readonly reason: FinishReason;
}

export interface PodLifecycle {
  /** Finished since the last `takeFinished`, oldest first. */
  readonly finished: FinishedPod[];
  /** UIDs already reported, until the pod is deleted. */
  readonly reported: Set<string>;
  /** Pods that finished at or before this time are not reported (they ended before we looked). */
  sinceMs: number;
  /** Reports dropped because nobody took them (`maxFinished`). */
  dropped: number;
}

export const MAX_FINISHED = 100_000;

export function createPodLifecycle(sinceMs: number): PodLifecycle {
  return { finished: [], reported: new Set(), sinceMs, dropped: 0 };
}

function asRunning(pod: CachedPod): PodInfo {
  const { terminatedAtMs: _t, ...rest } = pod;
  return { ...rest, phase: 'Running' };
}

function report(state: PodLifecycle, item: FinishedPod): void {
  state.reported.add(item.pod.uid);
  if (item.finishedAtMs <= state.sinceMs) return;
  if (state.finished.length >= MAX_FINISHED) {
    state.finished.shift();
    state.dropped++;
  }
  state.finished.push(item);
}

/**
 * Applies one change of the pod cache. `nowMs` stands in for the finish time of a deletion (the
 * API says when a pod was deleted only as a grace-period deadline); `nodeOf` finds the pod's node,
 * including nodes deleted a moment ago.
 */
export function observePodChange(state: PodLifecycle, change: Change<CachedPod>, nowMs: number, nodeOf: (name: string) => NodeInfo | undefined): void {
  const prev = change.previous;
  const cur = change.current;
  if (change.kind === 'deleted') {
    if (prev === undefined) return;
    if (isCosted(prev) && !state.reported.has(prev.uid)) {
      report(state, { pod: asRunning(prev), node: nodeOf(prev.nodeName), startedAtMs: prev.startedAtMs ?? prev.createdAtMs ?? nowMs, finishedAtMs: nowMs, reason: 'deleted' });
    }
    state.reported.delete(prev.uid);
    return;
  }
  if (cur === undefined || cur.nodeName === '' || (cur.phase !== 'Succeeded' && cur.phase !== 'Failed')) return;
  if (state.reported.has(cur.uid)) return;
  // It ran from its start until it terminated. Without a termination time, `nowMs` is only a fair
  // guess when we saw it running a moment ago (not for a pod first seen already terminated).
  const sawRunning = prev !== undefined && isCosted(prev);
  const started = cur.startedAtMs ?? (sawRunning ? (prev.startedAtMs ?? prev.createdAtMs) : undefined);
  const finished = cur.terminatedAtMs ?? (sawRunning ? nowMs : undefined);
  if (started === undefined || finished === undefined) {
    state.reported.add(cur.uid);
    return;
  }
  const finishedAtMs = Math.max(started, finished);
  report(state, { pod: asRunning(cur), node: nodeOf(cur.nodeName), startedAtMs: started, finishedAtMs, reason: cur.phase === 'Succeeded' ? 'succeeded' : 'failed' });
}

/**
 * Returns and forgets what finished since the last call. Later reports must finish after `nowMs`:
 * a pod that finished earlier was still in the snapshot read at `nowMs`, so it was charged then.
 */
export function takeFinished(state: PodLifecycle, nowMs: number): FinishedPod[] {
  const out = state.finished.splice(0, state.finished.length);
  state.sinceMs = Math.max(state.sinceMs, nowMs);
  return out;
}
