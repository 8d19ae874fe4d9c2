import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidObjectError } from '../../core/errors.ts';
import type { CacheEntry, ObjectCache } from './cache.ts';
import { addOrUpdateObject, cachedValues, cachedWarnings, deleteObject, replaceObjects } from './cache.ts';

const e = (rv: string, value: string | undefined, warning?: InvalidObjectError): CacheEntry<string> => ({ resourceVersion: rv, value, warning });

test('addOrUpdateObject: added, updated, and nothing when the resourceVersion is the same', () => {
  const cache: ObjectCache<string> = new Map();
  assert.deepEqual(addOrUpdateObject(cache, 'ns/a', e('1', 'a1')), { kind: 'added', key: 'ns/a', previous: undefined, current: 'a1' });
  assert.deepEqual(addOrUpdateObject(cache, 'ns/a', e('2', 'a2')), { kind: 'updated', key: 'ns/a', previous: 'a1', current: 'a2' });
  assert.equal(addOrUpdateObject(cache, 'ns/a', e('2', 'a2')), undefined);
  assert.deepEqual(cachedValues(cache), ['a2']);
});

test('deleteObject: the previous value, or undefined for an unknown key', () => {
  const cache: ObjectCache<string> = new Map([['ns/a', e('1', 'a1')]]);
  assert.deepEqual(deleteObject(cache, 'ns/a'), { kind: 'deleted', key: 'ns/a', previous: 'a1', current: undefined });
  assert.equal(deleteObject(cache, 'ns/a'), undefined);
  assert.equal(cache.size, 0);
});

test('replaceObjects: a re-list deletes what it no longer contains (deleted while disconnected)', () => {
  const cache: ObjectCache<string> = new Map([
    ['ns/a', e('1', 'a1')],
    ['ns/b', e('2', 'b2')],
    ['ns/c', e('3', 'c3')],
  ]);
  const listed = new Map([
    ['ns/a', e('1', 'a1')],
    ['ns/c', e('5', 'c5')],
    ['ns/d', e('6', 'd6')],
  ]);
  assert.deepEqual(replaceObjects(cache, listed), [
    { kind: 'deleted', key: 'ns/b', previous: 'b2', current: undefined },
    { kind: 'updated', key: 'ns/c', previous: 'c3', current: 'c5' },
    { kind: 'added', key: 'ns/d', previous: undefined, current: 'd6' },
  ]);
  assert.deepEqual([...cache.keys()], ['ns/a', 'ns/c', 'ns/d']);
});

test('an object that could not be converted keeps its warning exactly as long as it exists', () => {
  const cache: ObjectCache<string> = new Map();
  const bad = new InvalidObjectError('pods/ns/a', 'spec.containers[0].resources.requests.cpu', '10x', 'not a valid Kubernetes quantity');
  addOrUpdateObject(cache, 'ns/a', e('1', undefined, bad));
  assert.deepEqual(cachedValues(cache), []);
  assert.deepEqual(cachedWarnings(cache), [bad]);
  addOrUpdateObject(cache, 'ns/a', e('2', 'fixed'));
  assert.deepEqual(cachedWarnings(cache), []);
});
