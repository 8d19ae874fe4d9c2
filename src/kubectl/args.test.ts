import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { checkWindow, flagsOf, parseCommandLine, SUBCOMMANDS, UsageError } from './args.ts';

describe('parseCommandLine', () => {
  it('subcommand aliases, short and long flags, = values, repeatable flags, positional names', () => {
    const p = parseCommandLine(['ns', 'prod', '-n', 'shop', '--window=7d', '-ojson', '--show-cpu', '--snapshot', 'a.json', '--snapshot', 'b.json']);
    assert.equal(p.command, 'namespace');
    assert.deepEqual(p.positional, ['prod']);
    assert.deepEqual(p.values.get('namespace'), ['shop']);
    assert.deepEqual(p.values.get('window'), ['7d']);
    assert.deepEqual(p.values.get('output'), ['json']);
    assert.deepEqual(p.values.get('snapshot'), ['a.json', 'b.json']);
    assert.ok(p.switches.has('show-cpu'));
  });

  it('-f - reads standard input', () => {
    assert.deepEqual(parseCommandLine(['estimate', '-f', '-']).values.get('filename'), ['-']);
  });

  const errors: [string[], string][] = [
    [['namespace', '--colour'], 'unknown flag --colour for "kubectl cost namespace" (see kubectl cost namespace --help)'],
    [['estimate', '--window', '1d'], 'unknown flag --window for "kubectl cost estimate" (see kubectl cost estimate --help)'],
    [['pod', '--window'], 'flag --window needs a value (WINDOW)'],
    [['pod', '-n', 'a', '-n', 'b'], 'flag --namespace given more than once'],
    [['pod', '--historical=yes'], 'flag --historical takes no value (got "yes")'],
    [['costs'], 'unknown command "costs" (expected one of: namespace, deployment, controller, pod, node, label, cluster, estimate, recommendations, reconcile, version, help, ns)'],
  ];
  for (const [argv, message] of errors) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseCommandLine(argv), (err: unknown) => err instanceof UsageError && err.message === message);
    });
  }
});

describe('checkWindow (OpenCost windows)', () => {
  for (const w of ['30m', '24h', '1d', '7d', '2w', 'today', 'yesterday', 'week', 'lastweek', 'month', 'lastmonth', '2026-11-01T00:00:00Z,2026-11-08T00:00:00Z', '1730000000,1730086400']) {
    it(`accepts ${w}`, () => assert.equal(checkWindow(w), w));
  }
  for (const w of ['', '0d', '3x', 'forever', '2026-11-08T00:00:00Z,2026-11-01T00:00:00Z', '5,4', '1d,2d']) {
    it(`rejects ${JSON.stringify(w)}`, () => assert.throws(() => checkWindow(w), /^UsageError: flag --window: bad window/));
  }
});

describe('docs/kubectl-cost.md', () => {
  const doc = readFileSync(new URL('../../docs/kubectl-cost.md', import.meta.url), 'utf8');
  it('documents every subcommand and every flag', () => {
    for (const c of SUBCOMMANDS) if (c !== 'help') assert.ok(doc.includes(c), `subcommand ${c}`);
    for (const c of SUBCOMMANDS) for (const f of flagsOf(c)) assert.ok(doc.includes(`--${f.name}`), `--${f.name} (${c})`);
  });
});
