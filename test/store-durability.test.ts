// Durability of the SQLite history, with the real command: kill -9 the exporter in the middle of
// writes (during the demo backfill, which writes cycle after cycle, then between live cycles),
// start it again on the same --data-dir. The file opens and passes SQLite's integrity check,
// nothing recorded before the kill is lost, and the time the exporter was down is a gap in
// coverage() with no invented numbers in it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { TestContext } from 'node:test';
import { after, test } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite.ts';
import type { Child } from './helpers/children.ts';
import { spawnChild, stopWith } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kce-durability-'));
const DB = join(dir, 'history.db');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly base: string;
  readonly child: Child;
  logs(): string;
}

/** Starts the exporter; it is stopped when the test `t` ends, however it ends. */
async function start(t: TestContext): Promise<Running> {
  const port = await freePort();
  const child = stopWith(t, spawnChild(process.execPath, [CLI, '--source', 'demo', '--cluster-id', 'durable', '--interval', '1s', '--data-dir', dir, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'info']));
  return { base: `http://127.0.0.1:${port}`, child, logs: () => child.output() };
}

interface Span {
  readonly start_ms: number;
  readonly end_ms: number;
}

/** What the file holds now, read by another connection (WAL: readers do not block the writer). */
function recorded(): { cycles: number; spans: Span[] } {
  if (!existsSync(DB)) return { cycles: 0, spans: [] };
  const db = new DatabaseSync(DB, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    const cycles = Number((db.prepare('SELECT COUNT(*) AS n FROM cycles').get() as { n: number }).n);
    const spans = (db.prepare('SELECT start_ms, end_ms FROM spans ORDER BY start_ms').all() as unknown as Span[]).map((s) => ({ start_ms: Number(s.start_ms), end_ms: Number(s.end_ms) }));
    return { cycles, spans };
  } catch {
    return { cycles: 0, spans: [] }; // schema not created yet
  } finally {
    db.close();
  }
}

async function waitFor(what: string, p: Running, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (p.child.process.exitCode !== null) throw new Error(`exporter exited while waiting for ${what}: ${p.logs()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${p.logs()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function kill9(p: Running): Promise<void> {
  p.child.process.kill('SIGKILL');
  assert.equal(await p.child.exited, null, 'killed by a signal, no exit code');
}

/** Every span recorded before is still covered after. */
function assertKept(before: readonly Span[], afterSpans: readonly Span[], when: string): void {
  for (const s of before) {
    assert.ok(
      afterSpans.some((a) => a.start_ms <= s.start_ms && a.end_ms >= s.end_ms),
      `${when}: recorded ${new Date(s.start_ms).toISOString()}–${new Date(s.end_ms).toISOString()} is lost; now ${JSON.stringify(afterSpans)}`,
    );
  }
}

test('kill -9 during the demo backfill and between live cycles: the store opens, keeps what was written, shows the gaps', { timeout: 180_000 }, async (t) => {
  // 1. First start: the demo backfill writes 721 hourly cycles back to back. Kill it in the middle.
  const first = await start(t);
  await waitFor('some backfilled cycles', first, () => recorded().cycles >= 40);
  // Meanwhile /readyz says why the exporter is not ready yet.
  const readyz = await fetch(`${first.base}/readyz`);
  assert.equal(readyz.status, 503);
  assert.match(await readyz.text(), /backfilling demo history: \d+ of 721 cycles/);
  const beforeFirstKill = recorded();
  await kill9(first);
  const killedAt = Date.now();
  assert.ok(beforeFirstKill.cycles < 721, `the backfill should still have been running (${beforeFirstKill.cycles} cycles written)`);
  assert.ok(existsSync(`${DB}-wal`), 'killed with a write-ahead log to recover');

  // 2. Second start: the file opens (WAL recovered), no second backfill, live cycles every second.
  const second = await start(t);
  await waitFor('live cycles after the restart', second, () => recorded().spans.some((s) => s.start_ms > killedAt));
  assert.doesNotMatch(second.logs(), /backfilling simulated demo history/, 'history exists: no second backfill');
  assert.match(second.logs(), /history resumes/);
  await waitFor('three more live cycles', second, () => recorded().cycles >= beforeFirstKill.cycles + 3);
  const beforeSecondKill = recorded();
  assertKept(beforeFirstKill.spans, beforeSecondKill.spans, 'after the first kill');
  await kill9(second);
  const killedAgainAt = Date.now();

  // 3. Third start, then a clean stop.
  const third = await start(t);
  await waitFor('live cycles after the second restart', third, () => recorded().spans.some((s) => s.start_ms > killedAgainAt));
  assert.equal(await third.child.stop(), 0, `clean stop: ${third.logs()}`);
  const final = recorded();
  assertKept(beforeSecondKill.spans, final.spans, 'after the second kill');

  // SQLite's own check of the whole file.
  const db = new DatabaseSync(DB);
  assert.deepEqual({ ...db.prepare('PRAGMA integrity_check').get() }, { integrity_check: 'ok' });
  db.close();

  // Coverage: the two times the exporter was down are gaps (at least the time to restart, the
  // first cycle after each start only starts the clock); nothing is recorded inside them.
  const store = createSqliteStore({ path: DB });
  try {
    const [cov, ...others] = await store.coverage();
    assert.equal(others.length, 0);
    assert.ok(cov);
    assert.equal(cov.cluster, 'durable');
    assert.equal(cov.demo, true);
    assert.equal(cov.gaps.length, 2, `two gaps: ${JSON.stringify(cov.gaps)}`);
    const [gap1, gap2] = cov.gaps;
    assert.ok(gap1 && gap2);
    assert.ok(gap1.startMs >= beforeFirstKill.spans.at(-1)!.end_ms && gap1.startMs <= killedAt, 'the first gap starts where the history written before the kill ends');
    assert.ok(gap1.endMs > killedAt, 'and ends after the restart');
    assert.ok(gap2.startMs >= beforeSecondKill.spans.at(-1)!.end_ms && gap2.startMs <= killedAgainAt && gap2.endMs > killedAgainAt, 'the second gap spans the second kill');
    for (const gap of cov.gaps) {
      const [inside] = await store.allocations({ startMs: gap.startMs, endMs: gap.endMs });
      assert.deepEqual(inside?.rows, [], 'no numbers are invented for the time the exporter was down');
      const [nodes] = await store.nodes({ startMs: gap.startMs, endMs: gap.endMs });
      assert.deepEqual(nodes?.rows, []);
    }
    // The backfilled part is real-looking money: the demo cluster costs about $3.56/h.
    const [hist] = await store.clusterCharges({ startMs: cov.firstMs, endMs: gap1.startMs });
    assert.ok((hist?.rows[0]?.minutes ?? 0) >= 39 * 60, 'at least the 40 backfilled hours are there');
  } finally {
    await store.close();
  }
});
