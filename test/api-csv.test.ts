// The API's CSV read back by a real RFC 4180 reader (Python's csv module, as finance scripts and
// spreadsheets' importers read it): labels with commas, quotes, line breaks and formula-looking
// text survive as the same cells, and every FOCUS row has the header's columns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { arrayStore } from '../src/api/array-store.test-util.ts';
import { A, C, row, T0 } from '../src/api/fixtures.test-util.ts';
import { apiRoutes } from '../src/server/api-routes.ts';

const READER = 'import csv, io, json, sys; print(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")))))';

function readCsv(text: string): string[][] {
  const r = spawnSync('python3', ['-c', READER], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[][];
}

const TRICKY = row({
  ...A,
  key: 'uid-tricky',
  namespace: 'web',
  pod: 'tricky',
  labels: { team: 'a,b', note: 'say "hi"\nbye', formula: '=1+1' },
});

const app = apiRoutes({ store: arrayStore({ allocations: [TRICKY, C] }), now: () => T0 + 7_200_000 });
const WINDOW = 'window=2026-11-30T00:00:00Z,2026-11-30T01:00:00Z';

describe('CSV through a real RFC 4180 reader (Python csv)', () => {
  it('allocation CSV: the cells come back as written', async () => {
    const text = await (await app.request(`/allocation?${WINDOW}&aggregate=pod&format=csv`)).text();
    const [header, ...rows] = readCsv(text);
    assert.equal(rows.length, 2);
    const tricky = rows.find((r) => r[header!.indexOf('name')] === 'web/tricky')!;
    assert.equal(tricky[header!.indexOf('totalCost')], '1.6');
    // Labels as JSON in one cell; the formula-looking value is inside JSON, so not prefixed.
    assert.deepEqual(JSON.parse(tricky[header!.indexOf('labels')]!), { team: 'a,b', note: 'say "hi"\nbye', formula: '=1+1' });
    assert.equal(tricky[header!.indexOf('cpuCoreUsageAverage')], '1');
    const kafka = rows.find((r) => r[header!.indexOf('name')] === 'data/kafka-0')!;
    assert.equal(kafka[header!.indexOf('cpuCoreUsageAverage')], '', 'null is an empty cell');
  });

  it('FOCUS CSV: every row has the header’s columns; Tags parse as JSON', async () => {
    const text = await (await app.request(`/allocation/focus?${WINDOW}&aggregate=pod`)).text();
    const [header, ...rows] = readCsv(text);
    assert.ok(rows.length >= 4);
    for (const r of rows) assert.equal(r.length, header!.length);
    const tags = rows.map((r) => JSON.parse(r[header!.indexOf('Tags')]!) as Record<string, string>);
    assert.ok(tags.some((t) => t['note'] === 'say "hi"\nbye'));
    const billed = rows.reduce((s, r) => s + Number(r[header!.indexOf('BilledCost')]), 0);
    assert.ok(Math.abs(billed - (1.6 + 1.15)) < 1e-9, `BilledCost sums to ${billed}`);
  });
});
