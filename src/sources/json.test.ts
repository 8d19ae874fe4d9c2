import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonErrorOffset, parseJsonText } from './json.ts';

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
