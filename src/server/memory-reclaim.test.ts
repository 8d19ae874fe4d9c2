import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompletedCycle } from './exporter.ts';
import type { LogFields, Logger } from './log.ts';
import type { ExposedGc } from './memory-reclaim.ts';
import { exposedGc, memoryReclaim } from './memory-reclaim.ts';

function recordingLogger() {
  const lines: { level: string; msg: string; fields: LogFields | undefined }[] = [];
  const at =
    (level: string) =>
    (msg: string, fields?: LogFields): void => {
      lines.push({ level, msg, fields });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cycle = {} as CompletedCycle;

test('one memory-reducing full collection, delayMs after the cycle; cycles closer than that share one', async () => {
  const calls: Parameters<ExposedGc>[0][] = [];
  const { logger, lines } = recordingLogger();
  let rss = 300 * 2 ** 20;
  let collected = 0;
  const reclaim = memoryReclaim({
    gc: (o) => {
      calls.push(o);
      rss = 200 * 2 ** 20;
    },
    logger,
    delayMs: 20,
    rssBytes: () => rss,
    onCollected: () => collected++,
  });
  await reclaim.hook.handle(cycle);
  assert.equal(calls.length, 0, 'not during the cycle');
  await sleep(5);
  await reclaim.hook.handle(cycle);
  await sleep(60);
  assert.deepEqual(calls, [{ type: 'major', flavor: 'last-resort' }]);
  assert.equal(collected, 1, 'onCollected after the collection');
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.level, 'debug');
  assert.equal(lines[0]?.msg, 'memory returned after the cost cycle');
  assert.equal(lines[0]?.fields?.['rssBeforeMiB'], 300);
  assert.equal(lines[0]?.fields?.['rssAfterMiB'], 200);
  assert.equal(typeof lines[0]?.fields?.['ms'], 'number');
  assert.equal(reclaim.hook.component, 'memory');
});

test('kube_cost_memory_reclaim_duration_seconds: a histogram of the collections run, none before the first', async () => {
  const { logger } = recordingLogger();
  // A collector that takes ~30 ms (a busy wait: the time the main thread is held is what is measured).
  const reclaim = memoryReclaim({
    gc: () => {
      const until = performance.now() + 30;
      while (performance.now() < until) {
        // held
      }
    },
    logger,
    delayMs: 1,
    minGapMs: 0,
  });
  const before = reclaim.render('prometheus', 'cluster="prod"');
  assert.match(before, /^# TYPE kube_cost_memory_reclaim_duration_seconds histogram$/m);
  assert.match(before, /^kube_cost_memory_reclaim_duration_seconds_count\{cluster="prod"\} 0$/m);
  await reclaim.hook.handle(cycle);
  await sleep(80);
  await reclaim.hook.handle(cycle);
  await sleep(80);
  const text = reclaim.render('prometheus', 'cluster="prod"');
  assert.match(text, /^kube_cost_memory_reclaim_duration_seconds_count\{cluster="prod"\} 2$/m);
  // 30 ms and more: not in the buckets up to 25 ms, in those from 50 ms on only if it took less than 50.
  assert.match(text, /^kube_cost_memory_reclaim_duration_seconds_bucket\{cluster="prod",le="0.025"\} 0$/m);
  assert.match(text, /^kube_cost_memory_reclaim_duration_seconds_bucket\{cluster="prod",le="\+Inf"\} 2$/m);
  const sum = Number(/^kube_cost_memory_reclaim_duration_seconds_sum\{cluster="prod"\} (\S+)$/m.exec(text)?.[1]);
  assert.ok(sum >= 0.06 && sum < 5, `sum ${sum}`);
});

test('collections at least minGapMs apart: cycles every few ms give one collection per gap, not one per cycle', async () => {
  const at: number[] = [];
  const { logger } = recordingLogger();
  const reclaim = memoryReclaim({ gc: () => at.push(performance.now()), logger, delayMs: 5, minGapMs: 150 });
  const started = performance.now();
  // A cycle every 10 ms for ~400 ms.
  while (performance.now() - started < 400) {
    await reclaim.hook.handle(cycle);
    await sleep(10);
  }
  reclaim.close();
  // The first ~5 ms after the first cycle, then one per 150 ms (timers fire late, never early; on a
  // loaded machine fewer): one per cycle would be ~40.
  assert.ok(at.length >= 1 && at.length <= 3, `${at.length} collections`);
  for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 149, `gap ${at[i]! - at[i - 1]!} ms`);
});

test('close() cancels a collection not yet run', async () => {
  let calls = 0;
  const { logger } = recordingLogger();
  const reclaim = memoryReclaim({ gc: () => calls++, logger, delayMs: 20 });
  await reclaim.hook.handle(cycle);
  reclaim.close();
  await sleep(60);
  assert.equal(calls, 0);
});

test('a collector that throws is logged as a warning, not thrown', async () => {
  const { logger, lines } = recordingLogger();
  let collected = 0;
  const reclaim = memoryReclaim({
    gc: () => {
      throw new Error('no collector here');
    },
    logger,
    delayMs: 1,
    onCollected: () => collected++,
  });
  await reclaim.hook.handle(cycle);
  await sleep(30);
  assert.equal(collected, 0);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.fields?.['error']]),
    [['warn', 'the garbage collection after the cost cycle failed; memory is left to V8', 'no collector here']],
  );
});

test('exposedGc() is globalThis.gc when node runs with --expose-gc, else undefined', () => {
  const g = globalThis as { gc?: unknown };
  const had = g.gc;
  try {
    const fake = () => undefined;
    g.gc = fake;
    assert.equal(exposedGc(), fake);
    g.gc = undefined;
    assert.equal(exposedGc(), undefined);
    g.gc = 'not a function';
    assert.equal(exposedGc(), undefined);
  } finally {
    g.gc = had;
  }
});
