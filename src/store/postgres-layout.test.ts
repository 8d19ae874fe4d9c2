import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresLayout } from './postgres.ts';

test('postgresLayout: native partitioning always; TimescaleDB detected and said to be unsupported', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'native partitioning; TimescaleDB not installed'],
    ['2.17.2', 'native partitioning; TimescaleDB 2.17.2 is installed but not yet supported: no hypertables or continuous aggregates are used'],
  ];
  for (const [version, want] of cases) assert.equal(postgresLayout(version), want);
});
