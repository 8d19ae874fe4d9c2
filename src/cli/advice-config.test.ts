import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { createMemoryStore } from '../store/memory.ts';
import { loadBudgetRules, setupAdvice } from './advice-setup.ts';
import { loadServeConfig, parseArgs } from './config.ts';

const load = (argv: string[], env: Record<string, string> = {}) => loadServeConfig(parseArgs(argv), env);
const tmp = mkdtempSync(join(tmpdir(), 'kce-advice-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('advice options: defaults, flags and environment', () => {
  assert.deepEqual(load([]).advice, {
    budgetsFile: undefined,
    everyCycles: 15,
    maxSeries: 100,
    commitmentDiscount: undefined,
    notify: { slackWebhookUrlFile: undefined, webhookUrl: undefined, dashboardUrl: undefined, repeatIntervalMs: 86_400_000, maxPerHour: 20 },
  });
  const c = load(['--budgets', 'b.yaml', '--advice-every-cycles', '0', '--commitment-discount', '28%', '--notify-webhook-url', 'https://hooks.example/cost', '--notify-repeat-interval', '6h'], {
    KCE_DASHBOARD_URL: 'https://grafana.example',
    KCE_NOTIFY_MAX_PER_HOUR: '5',
  });
  assert.equal(c.advice.budgetsFile, 'b.yaml');
  assert.equal(c.advice.everyCycles, 0);
  assert.equal(c.advice.commitmentDiscount, 0.28);
  assert.deepEqual(c.advice.notify, { slackWebhookUrlFile: undefined, webhookUrl: 'https://hooks.example/cost', dashboardUrl: 'https://grafana.example', repeatIntervalMs: 6 * 3_600_000, maxPerHour: 5 });
});

test('bad advice options name the option and the value', () => {
  const cases: [string[], string][] = [
    [['--advice-every-cycles', '-1'], '--advice-every-cycles: must be a whole number of cycles from 0 to 1000000 (got "-1")'],
    [['--advice-max-series', '0'], '--advice-max-series: must be a whole number of series from 1 to 100000 (got "0")'],
    [['--commitment-discount', '120%'], '--commitment-discount: must be a fraction above 0 and at most 0.95, or a percentage like 28% (got "120%")'],
    [['--notify-webhook-url', 'hooks.example/x'], '--notify-webhook-url: not a URL (got "hooks.example/x")'],
    [['--dashboard-url', 'ftp://grafana'], '--dashboard-url: must be an http:// or https:// URL (got "ftp://grafana")'],
    [['--notify-repeat-interval', '10s'], '--notify-repeat-interval: must be at least 1m (got "10s")'],
    [['--notify-max-per-hour', 'many'], '--notify-max-per-hour: must be a whole number of messages from 1 to 100000 (got "many")'],
  ];
  for (const [argv, message] of cases) assert.throws(() => load(argv), new ConfigError(message.split(':')[0]!, message.slice(message.indexOf(':') + 2)));
});

test('the budgets file is read as YAML (or JSON); a bad one is a ConfigError naming --budgets', () => {
  const good = join(tmp, 'budgets.yaml');
  writeFileSync(good, 'budgets:\n  - namespace: checkout\n    monthlyUsd: 500\n  - label: team=payments\n    monthlyUsd: 3000\n');
  assert.deepEqual(loadBudgetRules(good), [
    { scope: 'namespace', namespace: 'checkout', monthlyUsd: 500, costCenter: '' },
    { scope: 'label', key: 'team', value: 'payments', monthlyUsd: 3000, costCenter: '' },
  ]);
  assert.deepEqual(loadBudgetRules(undefined), []);
  const bad = join(tmp, 'bad.yaml');
  writeFileSync(bad, 'budgets:\n  - namespace: checkout\n    monthlyUsd: lots\n');
  assert.throws(() => loadBudgetRules(bad), { name: 'ConfigError', message: `--budgets: ${bad}: budgets[0]: monthlyUsd: must be a non-negative number of USD per month, e.g. 5000 (got "lots")` });
  assert.throws(() => loadBudgetRules(join(tmp, 'missing.yaml')), { name: 'ConfigError', message: `--budgets: cannot read ${join(tmp, 'missing.yaml')}: ENOENT` });
});

test('a Slack webhook URL file that cannot be read stops the start with a ConfigError', () => {
  const config = { ...load([]).advice, notify: { ...load([]).advice.notify, slackWebhookUrlFile: join(tmp, 'nope') } };
  const deps = { store: createMemoryStore(), prices: undefined as never, cluster: 'c1', logger: { debug() {}, info() {}, warn() {}, error() {} }, budgetRules: [] };
  assert.throws(() => setupAdvice(config, deps), { name: 'ConfigError', message: `--notify-slack-webhook-url-file: cannot read ${join(tmp, 'nope')}: ENOENT` });
  const empty = join(tmp, 'empty');
  writeFileSync(empty, '\n');
  assert.throws(() => setupAdvice({ ...config, notify: { ...config.notify, slackWebhookUrlFile: empty } }, deps), { name: 'ConfigError', message: `--notify-slack-webhook-url-file: ${empty} is empty` });
});

test('--advice-every-cycles 0: no advice hook or families; notification options alone are warned about', () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, warn: (msg: string) => void warnings.push(msg), error() {} };
  const config = load(['--advice-every-cycles', '0', '--notify-webhook-url', 'https://hooks.example/cost']).advice;
  const setup = setupAdvice(config, { store: createMemoryStore(), prices: undefined as never, cluster: 'c1', logger, budgetRules: [] });
  assert.equal(setup.hooks.length, 0);
  assert.equal(setup.producers.length, 0);
  assert.deepEqual(warnings, ['notifications are off: they come from the advice runs, and --advice-every-cycles is 0']);
  const on = setupAdvice(load(['--notify-webhook-url', 'https://hooks.example/cost']).advice, { store: createMemoryStore(), prices: undefined as never, cluster: 'c1', logger, budgetRules: [] });
  assert.equal(on.hooks.length, 1);
  assert.equal(on.producers.length, 2, 'the advice families and the notifier\'s');
});
