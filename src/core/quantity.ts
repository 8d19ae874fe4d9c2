// Kubernetes resource quantities, parsed exactly (apimachinery's resource.Quantity grammar):
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | (e|E)<signedNumber>
// Arithmetic uses BigInt rationals; conversions round up like Quantity.MilliValue()/Value() do.
import { InvalidQuantityError } from './errors.ts';

/** value = numerator / denominator, denominator > 0. */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const BINARY_SUFFIX: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const NUMBER_RE = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;
const EXPONENT_RE = /^[eE]([+-]?\d+)$/;
const MAX_TEXT_CHARS = 64;
const MAX_EXPONENT = 40;

export interface QuantityContext {
  /** The Kubernetes object, e.g. `pods/shop/web-1`. */
  readonly object: string;
  /** The field path, e.g. `spec.containers[0].resources.requests.cpu`. */
  readonly field: string;
}

/** Parses a quantity (a string, or a number as YAML/JSON may give) into an exact rational. */
export function parseQuantity(input: unknown, ctx: QuantityContext): Quantity {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new InvalidQuantityError(ctx.object, ctx.field, String(input));
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw new InvalidQuantityError(ctx.object, ctx.field, JSON.stringify(input) ?? String(input), 'expected a string or number quantity');
  }
  if (text.length === 0 || text.length > MAX_TEXT_CHARS) throw new InvalidQuantityError(ctx.object, ctx.field, text.slice(0, MAX_TEXT_CHARS));
  const match = NUMBER_RE.exec(text);
  if (!match) throw new InvalidQuantityError(ctx.object, ctx.field, text);
  const [, sign = '', intDigits = '', fracDigits = '', suffix = ''] = match;
  if (intDigits.length === 0 && fracDigits.length === 0) throw new InvalidQuantityError(ctx.object, ctx.field, text);

  let exponent = 0;
  let binary = 1n;
  const binaryFactor = BINARY_SUFFIX[suffix];
  const decimalExponent = DECIMAL_SUFFIX_EXPONENT[suffix];
  if (binaryFactor !== undefined) {
    binary = binaryFactor;
  } else if (decimalExponent !== undefined) {
    exponent = decimalExponent;
  } else {
    const exp = EXPONENT_RE.exec(suffix);
    if (!exp) throw new InvalidQuantityError(ctx.object, ctx.field, text);
    exponent = Number(exp[1]);
    if (Math.abs(exponent) > MAX_EXPONENT) throw new InvalidQuantityError(ctx.object, ctx.field, text, 'exponent out of range');
  }

  const mantissa = BigInt(`${intDigits}${fracDigits}` || '0');
  const scale = exponent - fracDigits.length;
  let numerator = mantissa * binary;
  let denominator = 1n;
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator = 10n ** BigInt(-scale);
  if (sign === '-') numerator = -numerator;
  return { numerator, denominator };
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return numerator % denominator > 0n ? q + 1n : q;
}

function toSafeNumber(value: bigint, text: unknown, ctx: QuantityContext): number {
  if (value < 0n) throw new InvalidQuantityError(ctx.object, ctx.field, String(text), 'must not be negative');
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidQuantityError(ctx.object, ctx.field, String(text), 'too large');
  return Number(value);
}

// Clusters repeat the same few quantity strings thousands of times ("100m", "128Mi"): memoize
// successful conversions. Bounded, so hostile input cannot grow it without limit.
const MEMO_LIMIT = 4096;
const milliMemo = new Map<string, number>();
const byteMemo = new Map<string, number>();

function memoized(memo: Map<string, number>, input: unknown, convert: () => number): number {
  if (typeof input !== 'string') return convert();
  const hit = memo.get(input);
  if (hit !== undefined) return hit;
  const value = convert();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, value);
  return value;
}

/** CPU in whole millicores, rounded up (`100m` → 100, `1.5` → 1500, `0.0001` → 1). */
export function parseMillicores(input: unknown, ctx: QuantityContext): number {
  return memoized(milliMemo, input, () => {
    const q = parseQuantity(input, ctx);
    return toSafeNumber(ceilDiv(q.numerator * 1000n, q.denominator), input, ctx);
  });
}

/** Memory or storage in whole bytes, rounded up (`2Gi` → 2147483648, `500M` → 500000000). */
export function parseBytes(input: unknown, ctx: QuantityContext): number {
  return memoized(byteMemo, input, () => {
    const q = parseQuantity(input, ctx);
    return toSafeNumber(ceilDiv(q.numerator, q.denominator), input, ctx);
  });
}

/** A whole count such as `nvidia.com/gpu`; fractions are rejected (extended resources are integers). */
export function parseCount(input: unknown, ctx: QuantityContext): number {
  const q = parseQuantity(input, ctx);
  if (q.numerator % q.denominator !== 0n) throw new InvalidQuantityError(ctx.object, ctx.field, String(input), 'must be a whole number');
  return toSafeNumber(q.numerator / q.denominator, input, ctx);
}

export const BYTES_PER_GIB = 1024 ** 3;
