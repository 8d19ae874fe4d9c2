// The history store options of `serve`: --store, --data-dir, --retention-*, --demo-backfill.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadServeConfig, parseArgs, parseLongDuration } from './config.ts';

const load = (argv: string[], env: Record<string, string> = {}) => loadServeConfig(parseArgs(argv), env);
const DAY = 86_400_000;

test('history defaults: SQLite in ./data, raw 15 d, hourly 90 d, daily forever, 30 d demo backfill', () => {
  assert.deepEqual(load([]).history, { store: 'sqlite', url: undefined, dataDir: './data', retention: { rawMs: 15 * DAY, hourlyMs: 90 * DAY, dailyMs: undefined }, demoBackfillMs: 30 * DAY, recordContainers: false });
});

test('history options from flags and KCE_* variables', () => {
  const c = load(['--store', 'memory', '--retention-raw', '2d', '--retention-daily', '400d'], { KCE_DATA_DIR: '/var/lib/kce', KCE_RETENTION_HOURLY: '30d', KCE_DEMO_BACKFILL: '0' }).history;
  assert.deepEqual(c, { store: 'memory', url: undefined, dataDir: '/var/lib/kce', retention: { rawMs: 2 * DAY, hourlyMs: 30 * DAY, dailyMs: 400 * DAY }, demoBackfillMs: 0, recordContainers: false });
  const pg = load([], { KCE_STORE: 'postgres://kce@db.internal:5432/costs' }).history;
  assert.deepEqual([pg.store, pg.url], ['postgres', 'postgres://kce@db.internal:5432/costs']);
  assert.equal(load(['--store', 'postgresql://localhost/costs']).history.store, 'postgres');
});

test('--record-containers: off by default; the flag alone, true/false, or KCE_RECORD_CONTAINERS', () => {
  assert.equal(load(['--record-containers']).history.recordContainers, true);
  assert.equal(load(['--record-containers', 'false']).history.recordContainers, false);
  assert.equal(load([], { KCE_RECORD_CONTAINERS: 'true' }).history.recordContainers, true);
});

const DURATIONS: [string, number][] = [
  ['15d', 15 * DAY],
  ['36h', 36 * 3_600_000],
  ['1d12h', 1.5 * DAY],
  ['0', 0],
];
test('long durations (days allowed)', () => {
  for (const [text, ms] of DURATIONS) assert.equal(parseLongDuration(text, '--retention-raw'), ms, text);
});

const BAD: [string[], string][] = [
  [['--store', 'mysql'], '--store: must be one of sqlite, memory (got "mysql")'],
  [['--store', 'postgres://[bad'], '--store: is not a valid postgres:// URL'],
  [['--retention-raw', '2 weeks'], '--retention-raw: must be a duration such as 15d, 36h or 1d12h (got "2 weeks")'],
  [['--retention-raw', '30m'], '--retention-raw: must be at least 1h (got "30m")'],
  [['--retention-raw', '20d', '--retention-hourly', '10d'], '--retention-hourly: must be at least --retention-raw (20d) (got "10d")'],
  [['--retention-daily', '30d'], '--retention-daily: must be at least --retention-hourly (90d), or forever (got "30d")'],
  [['--demo-backfill', '2y'], '--demo-backfill: must be a duration such as 15d, 36h or 1d12h (got "2y")'],
  [['--data-dir', ''], '--data-dir: must not be empty'],
  [['--record-containers=yes'], '--record-containers: must be one of true, false (got "yes")'],
];
test('bad history options are refused naming the option and the value', () => {
  for (const [argv, message] of BAD) assert.throws(() => load(argv), new ConfigError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)), argv.join(' '));
});
