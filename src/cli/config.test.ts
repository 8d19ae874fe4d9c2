import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { loadServeConfig, parseArgs, parseDuration, SERVE_OPTIONS, serveHelp } from './config.ts';

const load = (argv: string[], env: Record<string, string> = {}) => loadServeConfig(parseArgs(argv), env);

test('defaults', () => {
  const c = load([]);
  assert.equal(c.source, 'auto');
  assert.equal(c.port, 9090);
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.intervalMs, 60_000);
  assert.equal(c.cloudProvider, undefined);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.logFormat, 'text');
  assert.equal(c.metricsPath, '/metrics');
  assert.deepEqual(c.snapshotPaths, []);
});

test('flags override environment, environment overrides defaults', () => {
  assert.equal(load([], { KCE_PORT: '9191' }).port, 9191);
  assert.equal(load(['--port', '9292'], { KCE_PORT: '9191' }).port, 9292);
  assert.equal(load(['--port=9393']).port, 9393);
  assert.deepEqual(load([], { KCE_SNAPSHOT: 'a.json, b.json' }).snapshotPaths, ['a.json', 'b.json']);
  assert.deepEqual(load(['--snapshot', 'a.json', '--snapshot', 'dir/']).snapshotPaths, ['a.json', 'dir/']);
  const c = load(['serve', '--cloud-provider', 'gcp', '--region', 'europe-west1', '--cluster-id', 'prod', '--interval', '1m30s', '--log-format', 'json'], {});
  assert.equal(c.cloudProvider, 'gcp');
  assert.equal(c.region, 'europe-west1');
  assert.equal(c.clusterId, 'prod');
  assert.equal(c.intervalMs, 90_000);
  assert.equal(c.logFormat, 'json');
});

test('every option has an environment variable named KCE_<FLAG>', () => {
  for (const o of SERVE_OPTIONS) assert.equal(o.env, `KCE_${o.flag.toUpperCase().replaceAll('-', '_')}`);
});

test('durations', () => {
  const table: [string, number][] = [
    ['30s', 30_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['1.5s', 1500],
  ];
  for (const [text, ms] of table) assert.equal(parseDuration(text, '--interval'), ms, text);
});

test('bad configuration names the option and what is accepted', () => {
  const table: [string[], Record<string, string>, string][] = [
    [['--port', 'abc'], {}, '--port: must be an integer from 1 to 65535 (got "abc")'],
    [['--port', '70000'], {}, '--port: must be an integer from 1 to 65535 (got "70000")'],
    [[], { KCE_PORT: '0' }, 'KCE_PORT: must be an integer from 1 to 65535 (got "0")'],
    [['--source', 'cloud'], {}, '--source: must be one of auto, demo, snapshot, kube, none (got "cloud")'],
    [['--cloud-provider', 'oracle'], {}, '--cloud-provider: must be one of aws, gcp, azure, custom (got "oracle")'],
    [['--interval', '10'], {}, '--interval: must be a duration such as 30s, 1m or 1m30s (got "10")'],
    [['--interval', '100ms'], {}, '--interval: must be at least 1s (got "100ms")'],
    [['--log-level', 'verbose'], {}, '--log-level: must be one of debug, info, warn, error (got "verbose")'],
    [['--source', 'snapshot'], {}, '--snapshot: required with --source snapshot'],
    [['--metrics-path', 'metrics'], {}, '--metrics-path: must start with / (got "metrics")'],
    [['--tls-cert-file', 'c.pem'], {}, '--tls-key-file: needs both --tls-cert-file and --tls-key-file'],
    [[], { KCE_TLS_KEY_FILE: 'k.pem' }, '--tls-cert-file: needs both --tls-cert-file and --tls-key-file'],
    [['--tls-client-ca-file', 'ca.pem'], {}, '--tls-client-ca-file: client certificates need TLS: set --tls-cert-file and --tls-key-file'],
  ];
  for (const [argv, env, message] of table) {
    assert.throws(() => load(argv, env), (err: unknown) => err instanceof ConfigError && err.message === message, `${argv.join(' ')} → ${message}`);
  }
});

test('unknown flags and commands are refused with a hint', () => {
  assert.throws(() => parseArgs(['--prot', '1']), new ConfigError('--prot', 'unknown option (did you mean --port?); see --help'));
  assert.throws(() => parseArgs(['--port']), new ConfigError('--port', 'needs a value (PORT)'));
  assert.throws(() => parseArgs(['--port', '1', '--port', '2']), new ConfigError('--port', 'given more than once'));
  assert.throws(() => parseArgs(['launch']), new ConfigError('launch', 'unknown command; commands are: serve, help, version'));
});

test('--help lists every option with its variable', () => {
  const help = serveHelp('1.2.3');
  for (const o of SERVE_OPTIONS) {
    assert.ok(help.includes(`--${o.flag} `), `--${o.flag} missing from help`);
    assert.ok(help.includes(o.env), `${o.env} missing from help`);
  }
  assert.ok(parseArgs(['--help']).help);
  assert.ok(parseArgs(['-v']).version);
});

test('access options: token file, allow-list (flags repeat, the variable separates with commas), TLS with client CA', () => {
  const fromFlags = load(['--auth-token-file', '/etc/kce/token', '--allow-cidr', '10.0.0.0/8', '--allow-cidr', '::1', '--tls-cert-file', 'c.pem', '--tls-key-file', 'k.pem', '--tls-client-ca-file', 'ca.pem'], {});
  assert.equal(fromFlags.authTokenFile, '/etc/kce/token');
  assert.deepEqual(fromFlags.allowCidrs, ['10.0.0.0/8', '::1']);
  assert.deepEqual(fromFlags.tls, { certFile: 'c.pem', keyFile: 'k.pem', clientCaFile: 'ca.pem' });
  const fromEnv = load([], { KCE_ALLOW_CIDR: '10.0.0.0/8, 192.168.0.0/16' });
  assert.deepEqual(fromEnv.allowCidrs, ['10.0.0.0/8', '192.168.0.0/16']);
  assert.equal(fromEnv.tls, undefined);
  assert.equal(fromEnv.authTokenFile, undefined);
});

test('--hub: a switch (alone means true), KCE_HUB; --source none only with it, without a cluster of its own', () => {
  assert.equal(load([], {}).hub, false);
  assert.equal(load(['--hub'], {}).hub, true);
  assert.equal(load(['--hub', 'false'], {}).hub, false);
  assert.equal(load(['--hub', '--source', 'none'], {}).source, 'none');
  assert.equal(load(['--hub=true', '--source', 'none'], {}).hub, true);
  assert.equal(load(['--source', 'none'], { KCE_HUB: 'true' }).hub, true);
  const table: [string[], Record<string, string>, string][] = [
    [['--source', 'none'], {}, '--source: none needs --hub (an exporter with no cluster only serves the shared history store)'],
    [['--hub', '--source', 'none', '--snapshot', 'a.json'], {}, '--snapshot: cannot be used with --source none'],
    [['--hub', '--source', 'none', '--cluster-id', 'east'], {}, '--cluster-id: cannot be used with --source none (the hub has no cluster of its own)'],
    [['--hub', '--source', 'none', '--context', 'prod'], {}, '--context: cannot be used with --source none (it chooses the cluster for --source kube or auto)'],
    [['--hub=yes'], {}, '--hub: must be one of true, false (got "yes")'],
    [[], { KCE_HUB: '1' }, 'KCE_HUB: must be one of true, false (got "1")'],
  ];
  for (const [argv, env, message] of table) {
    assert.throws(() => load(argv, env), (err: unknown) => err instanceof ConfigError && err.message === message, `${argv.join(' ')} → ${message}`);
  }
});
