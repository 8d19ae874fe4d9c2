import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemberDecision } from './json-stream.ts';
import { createMemberScanner, JsonStreamError } from './json-stream.ts';

const DOC = `{
  "formatVersion" : "v1.0", "n": -1.5e3, "ok": true, "none": null, "list": [1, {"a": "}"}],
  "products" : {
    "SKU1" : { "sku": "SKU1", "attributes": { "note": "quote \\" and brace } inside", "x": [1,2] } },
    "SKU\\u0032" : { "sku": "SKU2" }
  },
  "terms" : { "Reserved": { "SKU1": {"big": "skipped"} }, "OnDemand" : { "SKU1" : { "p": "0.096" }, "SKU9": {"p": "9"} } }
}`;

function scan(chunks: Uint8Array[]) {
  const got: string[] = [];
  const decide = (path: readonly string[], key: string): MemberDecision => {
    if (path.length === 0) return key === 'products' || key === 'terms' ? 'descend' : 'skip';
    if (path[0] === 'products') return 'capture';
    if (path.length === 1) return key === 'OnDemand' ? 'descend' : 'skip';
    return key === 'SKU1' ? 'capture' : 'skip';
  };
  const s = createMemberScanner(decide, (path, key, text) => got.push(`${path.join('.')}|${key}|${JSON.stringify(JSON.parse(text))}`));
  for (const c of chunks) s.write(c);
  s.end();
  return got;
}

const EXPECTED = [
  'products|SKU1|{"sku":"SKU1","attributes":{"note":"quote \\" and brace } inside","x":[1,2]}}',
  'products|SKU2|{"sku":"SKU2"}',
  'terms.OnDemand|SKU1|{"p":"0.096"}',
];

test('captures the members asked for, skips the rest (strings with braces and escapes, arrays, primitives)', () => {
  assert.deepEqual(scan([Buffer.from(DOC)]), EXPECTED);
});

test('the same members whatever the chunk boundaries (every split point, and byte by byte)', () => {
  const bytes = Buffer.from(DOC);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(scan([bytes.subarray(0, cut), bytes.subarray(cut)]), EXPECTED, `cut at ${cut}`);
  }
  assert.deepEqual(scan([...bytes].map((b) => Uint8Array.of(b))), EXPECTED);
});

test('a truncated document is an error naming where it stopped, at any cut', () => {
  const bytes = Buffer.from(DOC);
  for (const cut of [0, 10, 120, 200, bytes.length - 2]) {
    assert.throws(() => scan([bytes.subarray(0, cut)]), (err: unknown) => err instanceof JsonStreamError && /document ends early/.test(err.message), `cut at ${cut}`);
  }
  assert.throws(() => scan([Buffer.from('{"products": {"A": {"x": 1}}')]), new JsonStreamError('document ends early (inside the root object)', 28));
  assert.throws(() => scan([Buffer.from('{"products": {"A": {"x": 1}')]), new JsonStreamError('document ends early (inside products)', 27));
});

test('malformed documents: not an object, missing colon, trailing data, an oversized member', () => {
  assert.throws(() => scan([Buffer.from('[1,2]')]), new JsonStreamError('expected a JSON object', 0));
  assert.throws(() => scan([Buffer.from('{"products" {}}')]), new JsonStreamError('expected ":" after "products"', 12));
  assert.throws(() => scan([Buffer.from('{} x')]), new JsonStreamError('unexpected data after the end of the document', 3));
  const s = createMemberScanner(() => 'capture', () => undefined, { maxMemberBytes: 10 });
  assert.throws(() => s.write(Buffer.from('{"a": {"long": "0123456789"}}')), /member "a" of the root is larger than 10 bytes/);
});

test('property: for any JSON object and any chunking, captured members are exactly what JSON.parse gives', async () => {
  const fc = await import('fast-check');
  const value = fc.jsonValue();
  await fc.assert(
    fc.property(fc.dictionary(fc.string(), value), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), fc.boolean(), (doc, cuts, pretty) => {
      const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
      const bytes = Buffer.from(text);
      const got = new Map<string, unknown>();
      const s = createMemberScanner(
        () => 'capture',
        (_path, key, raw) => got.set(key, JSON.parse(raw)),
      );
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length]!;
        s.write(bytes.subarray(at, at + n));
        at += n;
      }
      s.end();
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const expected = new Map(Object.entries(parsed).filter(([, v]) => typeof v === 'object' && v !== null));
      assert.deepEqual(got, expected);
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
});
