import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidQuantityError } from './errors.ts';
import { parseBytes, parseCount, parseMillicores } from './quantity.ts';

const ctx = { object: 'pods/shop/web-1', field: 'spec.containers[0].resources.requests.cpu' };

test('CPU quantities to millicores (rounded up like Quantity.MilliValue)', () => {
  const table: [unknown, number][] = [
    ['100m', 100],
    ['1', 1000],
    ['1.5', 1500],
    ['0.25', 250],
    ['2000m', 2000],
    ['1e3', 1_000_000],
    ['1k', 1_000_000],
    ['1E-3', 1],
    ['0.0001', 1], // 0.1m rounds up to 1m
    ['500u', 1], // 0.5m rounds up
    ['250000n', 1], // 0.25m rounds up
    ['+2', 2000],
    ['.5', 500],
    ['3.', 3000],
    [2, 2000],
    [0.5, 500],
    ['0', 0],
    [' 1 ', 1000],
  ];
  for (const [input, expected] of table) {
    assert.equal(parseMillicores(input, ctx), expected, `input ${JSON.stringify(input)}`);
  }
});

test('memory quantities to bytes, exact', () => {
  const table: [unknown, number][] = [
    ['2Gi', 2 * 1024 ** 3],
    ['128Mi', 128 * 1024 ** 2],
    ['1Ki', 1024],
    ['1.5Gi', 1610612736],
    ['500M', 500_000_000],
    ['1k', 1000],
    ['1G', 1_000_000_000],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e6', 12_000_000],
    ['1Ti', 1024 ** 4],
    ['123456789', 123456789],
    ['0.5', 1], // half a byte rounds up
    ['1Pi', 1024 ** 5],
  ];
  for (const [input, expected] of table) {
    assert.equal(parseBytes(input, ctx), expected, `input ${JSON.stringify(input)}`);
  }
});

test('GPU counts must be whole', () => {
  assert.equal(parseCount('1', ctx), 1);
  assert.equal(parseCount('4', ctx), 4);
  assert.throws(() => parseCount('0.5', ctx), new InvalidQuantityError(ctx.object, ctx.field, '0.5', 'must be a whole number'));
});

test('bad quantities name object, field and value', () => {
  const table: [unknown, string][] = [
    ['10x', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "10x")'],
    ['', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "")'],
    ['abc', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "abc")'],
    ['1.2.3', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "1.2.3")'],
    ['Gi', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "Gi")'],
    ['1gi', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "1gi")'],
    ['-1', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: must not be negative (got "-1")'],
    ['1e99', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: exponent out of range (got "1e99")'],
    ['9Ei', 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: too large (got "9Ei")'],
    [null, 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: expected a string or number quantity (got "null")'],
    [{}, 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: expected a string or number quantity (got "{}")'],
    [Number.NaN, 'pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "NaN")'],
    ['1'.repeat(100), `pods/shop/web-1: spec.containers[0].resources.requests.cpu: not a valid Kubernetes quantity (got "${'1'.repeat(64)}")`],
  ];
  for (const [input, message] of table) {
    assert.throws(
      () => parseMillicores(input, ctx),
      (err: unknown) => err instanceof InvalidQuantityError && err.message === message,
      `input ${JSON.stringify(input)} should fail with: ${message}`,
    );
  }
});
