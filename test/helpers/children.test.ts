// The guarantees the other tests rely on to never hang the run: a child that ignores SIGTERM is
// killed after the grace period, with what it spawned; `stopWith` stops a child when its test ends
// (node:test runs `t.after` also when the test throws or times out).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { spawnChild, stopWith } from './children.ts';

/** Whether a process runs: it exists and is not a zombie (one whose parent has not reaped it yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `check` holds; fails after `timeoutMs` (a bound on a hang, nothing is timed). */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// A shell that ignores SIGTERM and starts a grandchild (also ignoring it) in its process group,
// printing the grandchild's pid once both are set up.
const STUBBORN = `trap '' TERM; sh -c "trap '' TERM; while :; do sleep 1; done" & echo $!; while :; do sleep 1; done`;

test('stop: SIGTERM ignored → SIGKILL of the whole process group after the grace period', { timeout: 60_000 }, async () => {
  const child = spawnChild('sh', ['-c', STUBBORN]);
  await until('the grandchild pid', () => /^\d+\n/.test(child.output()));
  const grandchild = Number(child.output().trim());
  assert.ok(alive(grandchild));
  const code = await child.stop({ graceMs: 300 });
  assert.equal(code, null, 'ended by a signal');
  assert.equal(child.process.signalCode, 'SIGKILL');
  await until('the grandchild to be gone', () => !alive(grandchild));
});

test('stop: a child that exits on SIGTERM gives its exit code; stopping again is harmless', { timeout: 60_000 }, async () => {
  const child = spawnChild('sh', ['-c', `trap 'exit 3' TERM; echo ready; while :; do sleep 0.05; done`]);
  await until('the trap to be set', () => child.output() === 'ready\n');
  assert.equal(await child.stop(), 3);
  assert.equal(await child.stop(), 3);
});

test('stopWith: the child is stopped when the test that started it ends', { timeout: 60_000 }, async (t) => {
  let pid = 0;
  await t.test('a subtest that leaves its child running', async (sub) => {
    const child = stopWith(sub, spawnChild('sleep', ['300']));
    pid = child.process.pid ?? 0;
    assert.ok(alive(pid));
  });
  assert.ok(pid > 0);
  await until('the child of the finished subtest to be gone', () => !alive(pid));
});
