// Fault: the disk under the history store fills up (a real ENOSPC on a small tmpfs). The exporter
// keeps serving its metrics, counts the failed writes, starts recording again by itself when space
// comes back, and loses nothing recorded before; the outage is a gap in coverage, not invented.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSqliteStore } from '../src/store/sqlite.ts';
import { spawnChild } from './helpers/children.ts';
import { freePort } from './helpers/prometheus.ts';

const CLI = new URL('../src/cli/kube-cost-exporter.ts', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;

/** Mounts a tmpfs of `sizeMiB` (needs root, as CI runs); undefined with the reason when it cannot. */
function smallDisk(sizeMiB: number): { dir: string; unmount(): void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'kce-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a small tmpfs here (${(r.stderr || r.error?.message || '').trim()}); this test needs root`;
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes zeros until the disk is full; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return path;
}

const metric = (text: string, re: RegExp): number => {
  let sum = 0;
  for (const m of text.matchAll(re)) sum += Number(m[1]);
  return sum;
};

test('disk full under the store: metrics keep being served, write errors are counted, recording resumes, earlier history intact, the outage is a gap', { timeout: 300_000 }, async (t) => {
  const disk = smallDisk(24);
  if (typeof disk === 'string') return t.skip(disk);
  const port = await freePort();
  const dataDir = join(disk.dir, 'data');
  mkdirSync(dataDir);
  const exporter = spawnChild(process.execPath, [CLI, '--snapshot', join(EXAMPLES, 'cluster.json'), '--snapshot', join(EXAMPLES, 'metrics.json'), '--port', String(port), '--host', '127.0.0.1', '--interval', '1s', '--data-dir', dataDir, '--rate-limit', '0', '--log-level', 'warn']);
  // Stopped (SIGKILL after 30 s) however the test ends, and the tmpfs unmounted after it.
  t.after(async () => {
    await exporter.stop();
    disk.unmount();
  });
  const logs = (): string => exporter.output();
  const base = `http://127.0.0.1:${port}`;
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${logs()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const coverage = async () => ((await (await fetch(`${base}/api/v1/coverage`)).json()) as { data: { first: string; last: string; gaps: { start: string; end: string }[] }[] }).data[0];
  const storeErrors = async () => metric(await (await fetch(`${base}/metrics`)).text(), /^kube_cost_errors_total\{[^}]*component="store"[^}]*\} (\S+)$/gm);
  let filler: string | undefined;
  let firstRecorded = '';
  try {
    // Recorded history spanning four intervals (five cycles), however long cycles take on a loaded
    // machine: waited for, where a fixed 4 s and a "last cycle within 3 s of now" timed out at load 20.
    await until(
      'five recorded cycles',
      async () => {
        const c = await coverage();
        return c !== undefined && Date.parse(c.last) - Date.parse(c.first) >= 4000 && (await (await fetch(`${base}/api/v1/allocation?window=1h&aggregate=cluster`)).ok);
      },
      120_000,
    );
    const before = await coverage();
    assert.ok(before);
    const beforeLast = Date.parse(before.last);
    firstRecorded = before.first;

    filler = fill(disk.dir);
    const fullAt = Date.now();
    await until('failed store writes to be counted', async () => (await storeErrors()) >= 3);
    // The last write that succeeded came before these failures (SQLite can fill pages it already
    // has for a while after the disk is full): the outage is measured from here, not from the fill.
    const failingAt = Date.now();
    // Still serving the cost numbers while the disk is full.
    const during = await fetch(`${base}/metrics`);
    assert.equal(during.status, 200);
    assert.match(await during.text(), /^kube_cost_cluster_hourly_usd /m);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    // Keep it full past the longest pause that is bridged (5 intervals), so the outage must show as a gap.
    await new Promise((r) => setTimeout(r, Math.max(0, failingAt + 8000 - Date.now())));
    const errorsWhileFull = await storeErrors();

    rmSync(filler);
    filler = undefined;
    const freedAt = Date.now();
    await until('recording to resume', async () => {
      const c = await coverage();
      return c !== undefined && Date.parse(c.last) > freedAt + 1000;
    });
    const after = await coverage();
    assert.ok(after);
    // The outage (full disk) is a gap that starts no earlier than the last cycle recorded before it.
    const gap = after.gaps.find((g) => Date.parse(g.end) > fullAt);
    assert.ok(gap, `a gap after the disk filled: ${JSON.stringify(after)}`);
    assert.ok(Date.parse(gap.start) >= beforeLast - 1, `${gap.start} vs ${before.last}`);
    // No more errors once space is back.
    const settled = await storeErrors();
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await storeErrors(), settled);
    assert.ok(settled >= errorsWhileFull);
  } finally {
    if (filler) rmSync(filler, { force: true });
    await exporter.stop();
  }
  // Nothing recorded before the outage was lost: the file opens, and the first recorded instant is unchanged.
  const store = createSqliteStore({ path: join(dataDir, 'history.db') });
  try {
    const [c] = await store.coverage();
    assert.ok(c);
    assert.equal(new Date(c.firstMs).toISOString().slice(0, 19), firstRecorded.slice(0, 19), 'the history recorded before the outage is still there');
    assert.ok(c.lastMs > c.firstMs);
  } finally {
    await store.close();
  }
});
