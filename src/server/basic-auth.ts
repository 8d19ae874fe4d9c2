// HTTP basic authentication with bcrypt-hashed passwords, the way Prometheus' exporter toolkit and
// htpasswd do it: a file of `user:$2y$...` lines (make one with `htpasswd -nbB user password`),
// re-read when it changes. Plain-text, MD5, SHA-1 and crypt() hashes are refused at start.
// Verified credentials are remembered (by a SHA-256 of user, password and hash) so that bcrypt's
// deliberate slowness is paid once per credential, not on every scrape; failures always pay it.
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** User → bcrypt hash. */
export type BasicUsers = ReadonlyMap<string, string>;

const BCRYPT_RE = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** Parses htpasswd text (bcrypt only). Throws an Error naming the file, the line and what is wrong. */
export function parseBasicUsers(text: string, file: string): BasicUsers {
  const users = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${file}:${i + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${where}: expected user:bcrypt-hash (make one with htpasswd -nbB USER PASSWORD)`);
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const m = BCRYPT_RE.exec(hash);
    if (!m) throw new Error(`${where}: the password of user ${JSON.stringify(user)} is not a bcrypt hash ($2y$…); plain, MD5, SHA-1 and crypt hashes are refused (use htpasswd -B)`);
    const cost = Number(m[1]);
    if (cost < 4 || cost > 31) throw new Error(`${where}: bcrypt cost ${cost} of user ${JSON.stringify(user)} is outside 4–31`);
    if (users.has(user)) throw new Error(`${where}: user ${JSON.stringify(user)} is listed twice`);
    users.set(user, hash);
  }
  if (users.size === 0) throw new Error(`${file} lists no user: it must hold user:bcrypt-hash lines`);
  return users;
}

/** `Basic base64(user:password)` → the pair; undefined when the header is not basic credentials. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Checks credentials against the users, remembering successes (at most `cacheSize` of them). */
export function basicVerifier(options: { readonly cacheSize?: number } = {}): (users: BasicUsers, user: string, password: string) => Promise<boolean> {
  const { cacheSize = 1000 } = options;
  const verified = new Set<string>();
  return async (users, user, password) => {
    const hash = users.get(user);
    // An unknown user still pays a bcrypt comparison, so timing does not tell which users exist.
    const against = hash ?? '$2y$10$00000000000000000000000000000000000000000000000000000';
    const key = createHash('sha256').update(user).update('\0').update(password).update('\0').update(against).digest('base64');
    if (hash !== undefined && verified.has(key)) return true;
    const ok = (await bcrypt.compare(password, against)) && hash !== undefined;
    if (ok) {
      if (verified.size >= cacheSize) verified.clear();
      verified.add(key);
    }
    return ok;
  };
}
