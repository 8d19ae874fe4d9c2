import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonErrorOffset, parseJsonText, scanJsonList } from './json.ts';

test('malformed JSON: the error names the file, line and column', () => {
  const table: [string, string][] = [
    ['{"kind": "List", "items": [', 'cluster.json: line 1, column 28: not valid JSON: Unexpected end of JSON input (got "…: \\"List\\", \\"items\\": [")'],
    ['', 'cluster.json: line 1, column 1: not valid JSON: Unexpected end of JSON input (got "")'],
    ['{\n    "kind": "List",\n    "items": [,]\n}', 'cluster.json: line 3, column 15: not valid JSON: Unexpected token \',\' (got "…ist\\",\\n    \\"items\\": [,]\\n}")'],
    ['{\n  "a": 1,\n}', 'cluster.json: line 3, column 1: not valid JSON: Expected double-quoted property name (got "{\\n  \\"a\\": 1,\\n}")'],
    ['{"a": 1}}', 'cluster.json: line 1, column 9: not valid JSON: Unexpected non-whitespace character after JSON (got "{\\"a\\": 1}}")'],
    ['<html>502 Bad Gateway</html>', 'cluster.json: line 1, column 1: not valid JSON: Unexpected token \'<\' (got "<html>502 Bad Gatewa…")'],
    ['apiVersion: v1\nkind: List\n', 'cluster.json: line 1, column 1: not valid JSON: Unexpected token \'a\' (got "apiVersion: v1\\nkind:…")'],
  ];
  for (const [text, message] of table) {
    assert.throws(() => parseJsonText(text, 'cluster.json'), { name: 'JsonSyntaxError', message });
  }
});

test('jsonErrorOffset finds the first error as JSON.parse sees it, -1 for valid JSON', () => {
  const table: [string, number][] = [
    ['{"a": [1, 2.5e-3, -0, true, false, null, "x\\u00e9\\n"]}', -1],
    ['  [ ]  ', -1],
    ['"just a string"', -1],
    ['{"a": x}', 6],
    ['[1,2,]', 5],
    ['{"a":\n  tru}', 11],
    ['{"a": 01}', 7],
    ['{"a": "\\q"}', 8],
    ['{"a": "\\u12g4"}', 11],
    ['{"a": "line\nbreak"}', 11],
    ['{"a" 1}', 5],
    ['{,}', 1],
    ['[1 2]', 3],
    ['[-]', 2],
    ['[1.]', 3],
    ['[1e]', 3],
    ['{"a": [1, {"b": }]}', 16],
    ['[[[[', 4],
    ['{} {}', 3],
    ['', 0],
  ];
  for (const [text, offset] of table) assert.equal(jsonErrorOffset(text), offset, text);
  // Deep nesting needs no recursion.
  assert.equal(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), -1);
});

test('scanJsonList: a list document gives its other members and each item as JSON.parse would', () => {
  const table: string[] = [
    '{"apiVersion":"v1","items":[{"kind":"Pod","a":[1,{"b":"}]"}]},{"kind":"Node"}],"kind":"List","metadata":{"resourceVersion":""}}',
    '\ufeff{ "kind" : "List" ,\n  "items" : [ ] }\n',
    '{"items":[1, "x\\"]}{[", null, true, -2.5e3, {"nested":{"deep":[[[]]]}}, "é ☃ 𝄞"],"kind":"PodList"}',
    '{"kind":"List","items":[{"s":"a\\\\"},{"t":"\\\\\\""}],"x":{"items":[9]}}',
    '{"items":[{}],"kind":"List","kind":"PodList"}',
  ];
  for (const text of table) {
    const list = scanJsonList(Buffer.from(text, 'utf8'), 'cluster.json');
    assert.ok(list, text);
    const whole = JSON.parse(text.replace(/^\ufeff/, '')) as { items: unknown[] };
    const { items, ...head } = whole;
    assert.deepEqual(list.head, head, text);
    assert.equal(list.length, items.length, text);
    assert.deepEqual(
      Array.from({ length: list.length }, (_, i) => list.item(i)),
      items,
      text,
    );
  }
});

test('scanJsonList: anything but a well-formed list is left to parseJsonText (undefined)', () => {
  const table: string[] = [
    '[1, 2]',
    '{"kind":"Pod","metadata":{"name":"a"}}',
    '{"kind":"List","items":{"a":1}}',
    '{"kind":"List","items":[],"items":[1]}',
    '{"kind":"List","items":[1,2]} extra',
    '{"kind":"List","items":[1 2]}',
    '{"kind":"List","items":[1,]}',
    '{"kind":"List" "items":[]}',
    '{"kind":tru,"items":[]}',
    '{"__proto__":{"x":1},"items":[]}',
    '{"kind":"List","items":[{"a":"unterminated}]}',
    '{"kind":"List","items":[',
    '',
  ];
  for (const text of table) assert.equal(scanJsonList(Buffer.from(text, 'utf8'), 'cluster.json'), undefined, text);
});

test('scanJsonList: a malformed item throws the whole document\'s JsonSyntaxError (line and column)', () => {
  const text = '{\n  "kind": "List",\n  "items": [\n    {"kind": "Pod"},\n    {"kind": "Pod", x}\n  ]\n}';
  const list = scanJsonList(Buffer.from(text, 'utf8'), 'cluster.json');
  assert.ok(list);
  assert.deepEqual(list.item(0), { kind: 'Pod' });
  let expected: unknown;
  try {
    parseJsonText(text, 'cluster.json');
  } catch (err) {
    expected = err;
  }
  assert.ok(expected instanceof Error);
  assert.match(expected.message, /^cluster\.json: line 5, column 21: not valid JSON/);
  assert.throws(() => list.item(1), { name: 'JsonSyntaxError', message: expected.message });
});
