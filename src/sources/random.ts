// Seeded randomness for simulated clusters, so they are deterministic. Every object draws from its
// own stream (seeded by a hash of the cluster seed and the object's key), so adding an object to
// the demo does not change the names, addresses and noise of all the others.

/** mulberry32: a small, fast 32-bit PRNG; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, continuing from `seed`. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A well-mixed 32-bit hash of two integers (murmur3's finaliser over a combination). */
export function hashInts(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A deterministic number in [0, 1) for (a, b). */
export function unitOf(a: number, b: number): number {
  return hashInts(a, b) / 4294967296;
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';

/** A stream of random values for one object. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number, key: string) {
    this.next = mulberry32(hashString(key, hashInts(seed, 0x5eed)));
  }
  /** [0, 1) */
  float(): number {
    return this.next();
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A number in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
  /** A generated-name suffix such as `x2x9k` (pods) or `7d4b9c8f5` (pod-template-hash, 9–10 chars). */
  nameSuffix(length = 5): string {
    let s = '';
    for (let i = 0; i < length; i++) s += NAME_ALPHABET[this.int(NAME_ALPHABET.length)];
    return s;
  }
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += HEX[this.int(16)];
    return s;
  }
  /** A version 4 UUID, as Kubernetes gives objects. */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${HEX[8 + this.int(4)]}${this.hex(3)}-${this.hex(12)}`;
  }
}
