// The log lines of the SQLite store's worker: a crash is an error naming its cause, the wait and
// the restarts so far; a restart a warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogFields, Logger } from '../server/log.ts';
import { logWorkerEvent } from './open.ts';
import type { WorkerEvent } from './sqlite-thread.ts';

test('logWorkerEvent: one line per event, with the count of restarts', () => {
  const lines: [string, string, LogFields | undefined][] = [];
  const logger: Logger = {
    debug: (m, f) => lines.push(['debug', m, f]),
    info: (m, f) => lines.push(['info', m, f]),
    warn: (m, f) => lines.push(['warn', m, f]),
    error: (m, f) => lines.push(['error', m, f]),
  };
  const table: [WorkerEvent, [string, string, LogFields]][] = [
    [
      { kind: 'crashed', error: "the store's worker thread stopped (exit code 1)", restarts: 2, retryInMs: 2000, failedCalls: 1 },
      [
        'error',
        'the history store stopped; restarting it (history of the meantime is recorded with the next cycle, API queries fail until then)',
        { error: "the store's worker thread stopped (exit code 1)", retryInSeconds: 2, failedCalls: 1, restarts: 2 },
      ],
    ],
    [
      { kind: 'restart-failed', error: 'disk I/O error', restarts: 3, retryInMs: 4000 },
      ['error', 'the history store could not be restarted; trying again', { error: 'disk I/O error', retryInSeconds: 4, restarts: 3 }],
    ],
    [{ kind: 'restarted', restarts: 3 }, ['warn', 'the history store is running again', { restarts: 3 }]],
  ];
  for (const [event, want] of table) {
    lines.length = 0;
    logWorkerEvent(logger, event);
    assert.deepEqual(lines, [want]);
  }
});
