// The informer cache's transitions as plain functions, the way @kubernetes/client-node exports
// `addOrUpdateObject` and `deleteObject` from its cache.ts: the reflector (reflector.ts) is a thin
// shell that feeds them list pages and watch events. Each returns what changed, so the caller can
// notice pods that stopped running and forget usage of deleted pods.
//
// The cache holds converted values (the few fields the cost model needs), never API objects. An
// object that could not be converted keeps its key with the warning instead of a value, so the
// warning lasts exactly as long as the bad object does.
import type { InputError } from '../../core/errors.ts';

export interface CacheEntry<V> {
  readonly resourceVersion: string;
  readonly value: V | undefined;
  readonly warning: InputError | undefined;
}

/** By key: `namespace/name`, or `name` for cluster-scoped objects. */
export type ObjectCache<V> = Map<string, CacheEntry<V>>;

export interface Change<V> {
  readonly kind: 'added' | 'updated' | 'deleted';
  readonly key: string;
  readonly previous: V | undefined;
  readonly current: V | undefined;
}

/** ADDED or MODIFIED (or an item of a list). Returns undefined when nothing changed. */
export function addOrUpdateObject<V>(cache: ObjectCache<V>, key: string, entry: CacheEntry<V>): Change<V> | undefined {
  const previous = cache.get(key);
  if (previous !== undefined && previous.resourceVersion === entry.resourceVersion && entry.resourceVersion !== '') return undefined;
  cache.set(key, entry);
  return { kind: previous === undefined ? 'added' : 'updated', key, previous: previous?.value, current: entry.value };
}

/** DELETED. Returns undefined when the key was not cached. */
export function deleteObject<V>(cache: ObjectCache<V>, key: string): Change<V> | undefined {
  const previous = cache.get(key);
  if (previous === undefined) return undefined;
  cache.delete(key);
  return { kind: 'deleted', key, previous: previous.value, current: undefined };
}

/**
 * A full list replaces the cache: listed objects are added or updated, and every cached object the
 * list does not contain was deleted while the watch was down (its DELETED event was missed).
 */
export function replaceObjects<V>(cache: ObjectCache<V>, listed: ReadonlyMap<string, CacheEntry<V>>): Change<V>[] {
  const changes: Change<V>[] = [];
  for (const key of [...cache.keys()]) {
    if (!listed.has(key)) changes.push(deleteObject(cache, key)!);
  }
  for (const [key, entry] of listed) {
    const change = addOrUpdateObject(cache, key, entry);
    if (change) changes.push(change);
  }
  return changes;
}

/** The values, skipping objects that could not be converted. */
export function cachedValues<V>(cache: ObjectCache<V>): V[] {
  const out: V[] = [];
  for (const entry of cache.values()) if (entry.value !== undefined) out.push(entry.value);
  return out;
}

/** The warnings of objects that could not be converted. */
export function cachedWarnings<V>(cache: ObjectCache<V>): InputError[] {
  const out: InputError[] = [];
  for (const entry of cache.values()) if (entry.warning !== undefined) out.push(entry.warning);
  return out;
}
