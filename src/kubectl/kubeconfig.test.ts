import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadLiteKubeConfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubectl-cost-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CONFIG = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: ${Buffer.from('CA-PEM').toString('base64')}
- name: dev
  cluster:
    server: https://dev.example:6443
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    token: abc
- name: bob
  user:
    tokenFile: token.txt
- name: carol
  user:
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    client-key-data: ${Buffer.from('KEY').toString('base64')}
- name: sso
  user:
    exec: {command: aws, args: [eks, get-token]}
contexts:
- name: prod
  context: {cluster: prod, user: alice}
- name: dev
  context: {cluster: dev, user: bob}
- name: certs
  context: {cluster: prod, user: carol}
- name: eks
  context: {cluster: prod, user: sso}
current-context: prod
`;

describe('loadLiteKubeConfig', () => {
  const path = file('config', CONFIG);
  file('token.txt', 'from-file\n');

  it('current context: server, CA data, bearer token', () => {
    const c = loadLiteKubeConfig({ kubeconfig: path, env: {} });
    assert.equal(c?.server, 'https://prod.example:6443');
    assert.equal(c?.ca?.toString(), 'CA-PEM');
    assert.deepEqual(c?.headers, { authorization: 'Bearer abc' });
    assert.equal(c?.insecure, false);
  });

  it('--context; a token file relative to the kubeconfig; insecure-skip-tls-verify', () => {
    const c = loadLiteKubeConfig({ kubeconfig: path, context: 'dev', env: {} });
    assert.deepEqual(c?.headers, { authorization: 'Bearer from-file' });
    assert.equal(c?.insecure, true);
  });

  it('client certificates', () => {
    const c = loadLiteKubeConfig({ kubeconfig: path, context: 'certs', env: {} });
    assert.equal(c?.cert?.toString(), 'CERT');
    assert.equal(c?.key?.toString(), 'KEY');
    assert.deepEqual(c?.headers, {});
  });

  it('exec credentials: left to @kubernetes/client-node', () => {
    assert.equal(loadLiteKubeConfig({ kubeconfig: path, context: 'eks', env: {} }), undefined);
  });

  it('KUBECONFIG files merge, the first definition wins', () => {
    const first = file('first', 'contexts:\n- name: prod\n  context: {cluster: other, user: alice}\nclusters:\n- name: other\n  cluster: {server: "https://other:443"}\n');
    const c = loadLiteKubeConfig({ env: { KUBECONFIG: `${first}:${path}` } });
    assert.equal(c?.server, 'https://other:443');
    assert.deepEqual(c?.headers, { authorization: 'Bearer abc' });
  });

  it('names a missing context and lists the known ones', () => {
    assert.throws(() => loadLiteKubeConfig({ kubeconfig: path, context: 'nope', env: {} }), /^ConfigError: --context: no context "nope" in .*config \(contexts: prod, dev, certs, eks\)$/);
  });

  it('no kubeconfig file at all: undefined (the in-cluster way is client-node\'s)', () => {
    assert.equal(loadLiteKubeConfig({ env: {}, homeDir: join(dir, 'nobody') }), undefined);
  });

  it('--kubeconfig that does not exist is an error', () => {
    assert.throws(() => loadLiteKubeConfig({ kubeconfig: join(dir, 'missing'), env: {} }), /^ConfigError: --kubeconfig: cannot read .*missing: ENOENT$/);
  });
});
