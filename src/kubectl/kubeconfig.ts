// A small kubeconfig reader for the plugin's cold start (I/O edge): the common cases — a token,
// a token file, client certificates, basic auth; a CA file or data; insecure-skip-tls-verify — read
// the way kubectl does (`--kubeconfig`, else KUBECONFIG files merged, first definition wins, else
// ~/.kube/config; `--context`, else current-context). Anything else (exec plugins, auth
// providers, proxies, in-cluster) answers undefined and the caller loads @kubernetes/client-node.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.ts';

export interface LiteKubeConfig {
  readonly server: string;
  readonly context: string;
  readonly description: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly insecure: boolean;
}

type Named = { name?: unknown; [k: string]: unknown };

function list(value: unknown): Named[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Named[]) : [];
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export interface LiteOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
}

export function loadLiteKubeConfig(options: LiteOptions): LiteKubeConfig | undefined {
  const { env, homeDir = env['HOME'] ?? homedir() } = options;
  let paths: string[];
  if (options.kubeconfig) paths = [options.kubeconfig];
  else {
    paths = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
    if (paths.length === 0) paths = [join(homeDir, '.kube', 'config')];
  }
  const clusters = new Map<string, { cfg: Record<string, unknown>; dir: string }>();
  const users = new Map<string, { cfg: Record<string, unknown>; dir: string }>();
  const contexts = new Map<string, Record<string, unknown>>();
  let current = '';
  let readAny = false;
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (options.kubeconfig) throw new ConfigError('--kubeconfig', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      continue;
    }
    readAny = true;
    let doc: Record<string, unknown>;
    try {
      doc = obj(parse(text));
    } catch (err) {
      throw new ConfigError(options.kubeconfig ? '--kubeconfig' : 'KUBECONFIG', `${path}: not YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    const dir = dirname(path);
    for (const c of list(doc['clusters'])) if (typeof c.name === 'string' && !clusters.has(c.name)) clusters.set(c.name, { cfg: obj(c['cluster']), dir });
    for (const u of list(doc['users'])) if (typeof u.name === 'string' && !users.has(u.name)) users.set(u.name, { cfg: obj(u['user']), dir });
    for (const c of list(doc['contexts'])) if (typeof c.name === 'string' && !contexts.has(c.name)) contexts.set(c.name, obj(c['context']));
    if (!current && typeof doc['current-context'] === 'string') current = doc['current-context'];
  }
  if (!readAny) return undefined; // no file: maybe in a pod; client-node knows the in-cluster way
  const contextName = options.context || current;
  if (!contextName) throw new ConfigError('--context', `no current context in ${paths.join(delimiter)}; choose one with --context`);
  const context = contexts.get(contextName);
  if (!context) throw new ConfigError('--context', `no context "${contextName}" in ${paths.join(delimiter)} (contexts: ${[...contexts.keys()].join(', ') || 'none'})`);
  const cluster = clusters.get(String(context['cluster'] ?? ''));
  if (!cluster || typeof cluster.cfg['server'] !== 'string') throw new ConfigError('--context', `context "${contextName}" names no cluster with a server`);
  const user = users.get(String(context['user'] ?? '')) ?? { cfg: {}, dir: cluster.dir };
  const u = user.cfg;
  const c = cluster.cfg;
  if (u['exec'] !== undefined || u['auth-provider'] !== undefined || c['proxy-url'] !== undefined || c['tls-server-name'] !== undefined) return undefined;
  const file = (value: unknown, dir: string): Buffer | undefined => {
    if (typeof value !== 'string' || value === '') return undefined;
    const p = isAbsolute(value) ? value : join(dir, value);
    try {
      return readFileSync(p);
    } catch (err) {
      throw new ConfigError('--kubeconfig', `cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const data = (value: unknown): Buffer | undefined => (typeof value === 'string' && value !== '' ? Buffer.from(value, 'base64') : undefined);
  const headers: Record<string, string> = {};
  const token = typeof u['token'] === 'string' && u['token'] !== '' ? u['token'] : file(u['tokenFile'], user.dir)?.toString('utf8').trim();
  if (token) headers['authorization'] = `Bearer ${token}`;
  else if (typeof u['username'] === 'string') headers['authorization'] = `Basic ${Buffer.from(`${u['username']}:${String(u['password'] ?? '')}`).toString('base64')}`;
  const ca = data(c['certificate-authority-data']) ?? file(c['certificate-authority'], cluster.dir);
  const cert = data(u['client-certificate-data']) ?? file(u['client-certificate'], user.dir);
  const key = data(u['client-key-data']) ?? file(u['client-key'], user.dir);
  return {
    server: c['server'] as string,
    context: contextName,
    description: `context "${contextName}" (${String(c['server'])})`,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    headers,
    insecure: c['insecure-skip-tls-verify'] === true,
  };
}
