import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, toCsv } from './csv.ts';

describe('CSV (RFC 4180)', () => {
  const cells: readonly [Parameters<typeof csvCell>[0], string][] = [
    ['web', 'web'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [1.25, '1.25'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-3, '-3'],
    [Number.NaN, ''],
    [null, ''],
    [undefined, ''],
    [true, 'true'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['-1+1', "'-1+1"],
    ['@cmd,x', `"'@cmd,x"`],
    ['{"team":"x"}', '"{""team"":""x""}"'],
  ];
  for (const [value, expected] of cells) it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(csvCell(value), expected));

  it('header and rows, CRLF line ends', () => {
    assert.equal(
      toCsv(
        ['name', 'totalCost'],
        [
          ['web', 1.975],
          ['a "b"', null],
        ],
      ),
      'name,totalCost\r\nweb,1.975\r\n"a ""b""",\r\n',
    );
  });
});
