// Who may ask: a bearer token (read from a file, re-read when the file changes, so a rotated
// Secret takes effect without a restart) and an IP allow-list (CIDRs). `/healthz` stays open so
// the kubelet's probes need no credentials. Security headers go on every answer.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { ConfigError } from '../core/errors.ts';
import type { BasicUsers } from './basic-auth.ts';
import { basicCredentials, basicVerifier } from './basic-auth.ts';
import type { KubeVerdict } from './kube-auth.ts';
import type { Logger } from './log.ts';

/**
 * Paths answered without credentials: the kubelet's probes. /readyz says whether the cluster can be
 * read and why not (source, states, counts), nothing that needs protecting.
 */
export const DEFAULT_OPEN_PATHS: readonly string[] = ['/healthz', '/readyz'];

/** A parsed allow-list; `describe` lists it for logs. */
export interface AllowList {
  readonly blockList: BlockList;
  readonly cidrs: readonly string[];
}

/** `10.0.0.0/8`, `192.168.1.7`, `fd00::/8`, `::1` → an allow-list. Throws a ConfigError naming the entry. */
export function parseAllowList(entries: readonly string[], option: string): AllowList {
  const blockList = new BlockList();
  const cidrs: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const address = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(address);
    if (family === 0) throw new ConfigError(option, `not an IP address or CIDR (got ${JSON.stringify(entry)})`);
    const max = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
      throw new ConfigError(option, `prefix length must be 0 to ${max} for an IPv${family} address (got ${JSON.stringify(entry)})`);
    }
    blockList.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
    cidrs.push(`${address}/${prefix}`);
  }
  return { blockList, cidrs };
}

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is in the list. */
export function allowed(list: AllowList, address: string | undefined): boolean {
  if (address === undefined) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped?.[1] ?? address;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.blockList.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export interface WatchedFileOptions {
  /** Re-check the file at most this often (default 1 s). */
  readonly recheckMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly read?: (path: string) => string;
  readonly stat?: (path: string) => { mtimeMs: number; size: number };
}

/**
 * The parsed content of `path`, re-read when the file's mtime or size changes (a rotated Secret
 * takes effect without a restart). A file that cannot be read or parsed at start is a ConfigError;
 * later, one that cannot be read or parsed keeps the previous value and is logged once (a Secret
 * mid-update must not lock everyone out or open the door). `parse` throws an Error whose message
 * says what is wrong with the text; `what` names the content in logs (e.g. `bearer token`).
 */
export function watchedFile<T>(path: string, option: string, what: string, parse: (text: string, path: string) => T, options: WatchedFileOptions = {}): () => T {
  const { recheckMs = 1000, now = Date.now, logger, read = (p) => readFileSync(p, 'utf8'), stat = (p) => statSync(p) } = options;
  const load = (): { value: T; mtimeMs: number; size: number } => {
    const s = stat(path);
    return { value: parse(read(path), path), mtimeMs: s.mtimeMs, size: s.size };
  };
  let current: { value: T; mtimeMs: number; size: number };
  try {
    current = load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(option, code !== undefined ? `cannot read ${path}: ${code}` : err instanceof Error ? err.message : String(err));
  }
  let checkedAt = now();
  let warned = false;
  return () => {
    const t = now();
    if (t - checkedAt < recheckMs) return current.value;
    checkedAt = t;
    try {
      const s = stat(path);
      if (s.mtimeMs === current.mtimeMs && s.size === current.size) return current.value;
      current = load();
      warned = false;
      logger?.info(`${what} reloaded`, { file: path });
    } catch (err) {
      if (!warned) logger?.warn(`cannot reload the ${what}; keeping the previous one`, { file: path, error: err instanceof Error ? err.message : String(err) });
      warned = true;
    }
    return current.value;
  };
}

/** The bearer token in `path` (surrounding whitespace trimmed), re-read when the file changes. */
export function tokenFromFile(path: string, option: string, options: WatchedFileOptions = {}): () => string {
  return watchedFile(
    path,
    option,
    'bearer token',
    (text, p) => {
      const token = text.trim();
      if (token === '') throw new Error(`${p} is empty: it must hold the bearer token`);
      return token;
    },
    options,
  );
}

function sameSecret(a: string, b: string): boolean {
  // Hash both so the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface AccessOptions {
  /** The current bearer token; absent: no token needed. */
  readonly token?: () => string;
  /**
   * Users allowed with basic authentication (bcrypt hashes, src/server/basic-auth.ts). With both a
   * token and users, either credential is accepted.
   */
  readonly basicUsers?: () => BasicUsers;
  /**
   * Bearer tokens that are not the static token are checked with the Kubernetes API server
   * (TokenReview + SubjectAccessReview on the path: src/server/kube-auth.ts).
   */
  readonly kubernetes?: (token: string, path: string) => Promise<KubeVerdict>;
  /** Only these client addresses; absent: any. */
  readonly allowList?: AllowList;
  /** Paths served to anyone (default `/healthz`). */
  readonly openPaths?: readonly string[];
  /** The client's address (the Node adapter's socket); tests pass their own. */
  readonly remoteAddress?: (c: Context) => string | undefined;
  /** Counts refusals, e.g. into a metric. */
  readonly onDenied?: (reason: 'address' | 'token' | 'basic' | 'kubernetes', path: string) => void;
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string; getPeerCertificate?: () => { subject?: { CN?: string } } | undefined } };
}

/** The client's address as the Node adapter's socket reports it. */
export function socketAddress(c: Context): string | undefined {
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
}

/** The CN of the client certificate (mutual TLS), when there is one. */
function clientCertificateCn(c: Context): string | undefined {
  const socket = (c.env as NodeBindings | undefined)?.incoming?.socket;
  const cn = socket?.getPeerCertificate?.()?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

export type AccessLogMode = 'none' | 'denied' | 'all';

export interface AccessLogOptions {
  readonly mode: AccessLogMode;
  readonly logger: Logger;
  readonly remoteAddress?: (c: Context) => string | undefined;
  readonly now?: () => number;
}

/**
 * One line per request (mode `all`) or per refused request (`denied`, 401/403): who (address,
 * client certificate CN, the basic-auth user, a fingerprint of the bearer token — never the token
 * or a password), what (method,
 * path, query), the answer (status, bytes when known) and how long it took. An audit trail.
 */
export function accessLog(options: AccessLogOptions): MiddlewareHandler {
  const { mode, logger, remoteAddress = socketAddress, now = performance.now.bind(performance) } = options;
  return async (c, next) => {
    if (mode === 'none') return next();
    const started = now();
    await next();
    const status = c.res.status;
    if (mode === 'denied' && status !== 401 && status !== 403) return;
    const auth = c.req.header('authorization');
    const bearer = auth === undefined ? undefined : /^Bearer[ \t]+(\S+)/i.exec(auth)?.[1];
    const url = new URL(c.req.url);
    const fields: Record<string, string | number> = {
      remote: remoteAddress(c) ?? '',
      method: c.req.method,
      path: url.pathname,
      status,
      durationMs: Number((now() - started).toFixed(1)),
    };
    if (url.search !== '') fields['query'] = url.search.slice(1);
    const cn = clientCertificateCn(c);
    if (cn !== undefined) fields['clientCertCN'] = cn;
    if (bearer !== undefined) fields['tokenSha256'] = createHash('sha256').update(bearer).digest('hex').slice(0, 12);
    const basicUser = basicCredentials(auth)?.user;
    if (basicUser !== undefined) fields['user'] = basicUser.slice(0, 100);
    const length = c.res.headers.get('content-length');
    if (length !== null) fields['bytes'] = Number(length);
    const agent = c.req.header('user-agent');
    if (agent !== undefined) fields['userAgent'] = agent.slice(0, 200);
    if (status === 401 || status === 403) logger.warn('access refused', fields);
    else logger.info('access', fields);
  };
}

/** The Content-Security-Policy of every answer whose route sets none (nothing loaded, no framing). */
export const DEFAULT_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
/** Security headers on every answer, the Content-Security-Policy aside. */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
];

/** Security headers on every answer (no sniffing, no framing, nothing loaded from elsewhere). */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
    // A route may set its own, stricter-than-nothing policy (the web UI: src/server/ui.ts).
    if (!c.res.headers.has('content-security-policy')) c.res.headers.set('content-security-policy', DEFAULT_CONTENT_SECURITY_POLICY);
  };
}

const BEARER = /^Bearer[ \t]+(\S+)\s*$/i;

/**
 * For a server's fast path (src/server/app.ts): true when accessControl would let this request
 * through at once and unchanged — an open path, or an address the allow-list admits that needs no
 * credential or sends the static bearer token. False: accessControl decides (it may still admit,
 * with basic or Kubernetes authentication, or refuse and count it). Reads nothing but the token.
 */
export function admittedAtOnce(options: AccessOptions, path: string, address: string | undefined, authorization: string | undefined): boolean {
  const { token, basicUsers, kubernetes, allowList, openPaths = DEFAULT_OPEN_PATHS } = options;
  if (openPaths.includes(path)) return true;
  if (allowList !== undefined && !allowed(allowList, address)) return false;
  if (token === undefined && basicUsers === undefined && kubernetes === undefined) return true;
  const bearer = BEARER.exec(authorization ?? '')?.[1];
  return bearer !== undefined && token !== undefined && sameSecret(bearer, token());
}

/**
 * 403 for an address outside the allow-list; 401 without a valid credential when a bearer token or
 * basic-auth users are configured (either one passes when both are); open paths pass.
 */
export function accessControl(options: AccessOptions): MiddlewareHandler {
  const { token, basicUsers, kubernetes, allowList, openPaths = DEFAULT_OPEN_PATHS, remoteAddress = socketAddress, onDenied } = options;
  const verifyBasic = basicVerifier();
  const challenges = [token || kubernetes ? 'Bearer realm="kube-cost-exporter"' : '', basicUsers ? 'Basic realm="kube-cost-exporter", charset="UTF-8"' : ''].filter(Boolean);
  const how = [
    token ? 'Authorization: Bearer <token> (--auth-token-file)' : '',
    kubernetes ? 'a Kubernetes service-account token allowed to get this path (--auth-kubernetes)' : '',
    basicUsers ? 'basic credentials (--basic-auth-file)' : '',
  ]
    .filter(Boolean)
    .join(' or ');
  return async (c, next) => {
    if (openPaths.includes(c.req.path)) return next();
    if (allowList !== undefined && !allowed(allowList, remoteAddress(c))) {
      onDenied?.('address', c.req.path);
      return c.text('forbidden: your address is not in the allow-list (--allow-cidr)\n', 403);
    }
    if (token === undefined && basicUsers === undefined && kubernetes === undefined) return next();
    const header = c.req.header('authorization') ?? '';
    const bearer = BEARER.exec(header)?.[1];
    if (bearer !== undefined && token !== undefined && sameSecret(bearer, token())) return next();
    if (bearer !== undefined && kubernetes !== undefined) {
      const verdict = await kubernetes(bearer, c.req.path);
      if (verdict.ok) return next();
      if (verdict.status !== 401) {
        onDenied?.('kubernetes', c.req.path);
        return c.text(`${verdict.message}\n`, verdict.status);
      }
    }
    if (basicUsers !== undefined) {
      const credentials = basicCredentials(header);
      if (credentials && (await verifyBasic(basicUsers(), credentials.user, credentials.password))) return next();
    }
    onDenied?.(basicUsers !== undefined && /^Basic\b/i.test(header) ? 'basic' : bearer !== undefined && kubernetes !== undefined && token === undefined ? 'kubernetes' : 'token', c.req.path);
    for (const challenge of challenges) c.header('www-authenticate', challenge, { append: true });
    return c.text(`unauthorized: send ${how}\n`, 401);
  };
}
