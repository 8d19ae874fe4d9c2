// The web UI's static files (ui/dist, built by Vite), served at `/` from memory: read once when
// the app is created, so a request never touches the file system and no path can escape the
// folder. Hashed assets (/assets/name-HASH.ext) are immutable for a year; index.html is revalidated
// (ETag) so a new version shows at once. gzip when the client accepts it, precompressed at load.
// The UI's Content-Security-Policy allows its own scripts, styles and API calls and nothing else
// (no inline scripts). Without a built UI, `/` is the plain landing page it replaces.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Handler } from 'hono';

export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Vite's hashed file names: `index-Cni2TV6P.js` (8 characters of base64url before the extension). */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export interface UiFile {
  readonly body: Uint8Array;
  readonly gzip: Uint8Array | undefined;
  readonly contentType: string;
  readonly etag: string;
  readonly immutable: boolean;
}

export interface UiAssets {
  readonly dir: string;
  /** URL path (`/`, `/assets/index-X.js`) → file. */
  readonly files: ReadonlyMap<string, UiFile>;
}

/** The repository (or image) root: the nearest folder above this file with a package.json. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
}

export const DEFAULT_UI_DIR = join(packageRoot(), 'ui', 'dist');

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** Reads the built UI; undefined when `dir` has no index.html (UI not built). */
export function loadUiAssets(dir: string): UiAssets | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const paths: string[] = [];
  walk(dir, paths);
  const files = new Map<string, UiFile>();
  for (const path of paths) {
    const rel = relative(dir, path).split(sep).join('/');
    if (rel.startsWith('.')) continue; // .build-stamp and other dot files are not served
    const body = new Uint8Array(readFileSync(path));
    const ext = extname(path).toLowerCase();
    const contentType = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.byteLength > 512;
    const gzip = compressible ? new Uint8Array(gzipSync(body, { level: 9 })) : undefined;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const urlPath = rel === 'index.html' ? '/' : `/${rel}`;
    files.set(urlPath, { body, gzip, contentType, etag, immutable: rel.startsWith('assets/') && HASHED.test(rel) });
  }
  return { dir, files };
}

const cache = new Map<string, { mtimeMs: number; assets: UiAssets | undefined }>();

/** loadUiAssets, remembered per folder until its index.html changes (tests create many apps). */
export function cachedUiAssets(dir: string): UiAssets | undefined {
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(join(dir, 'index.html')).mtimeMs;
  } catch {}
  const hit = cache.get(dir);
  if (hit && hit.mtimeMs === mtimeMs) return hit.assets;
  const assets = mtimeMs === -1 ? undefined : loadUiAssets(dir);
  cache.set(dir, { mtimeMs, assets });
  return assets;
}

/** Whether Accept-Encoding lists gzip with a non-zero q. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().split(';');
    if (coding.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export interface UiHandlerOptions {
  /** Folder of the built UI; default ui/dist of the package. */
  readonly dir?: string;
  /** The page `/` shows when the UI is not built. */
  readonly landing: () => string;
}

/** A Hono handler for `/` and `/assets/*`. */
export function uiHandler(options: UiHandlerOptions): Handler {
  const dir = options.dir ?? DEFAULT_UI_DIR;
  return (c: Context) => {
    const assets = cachedUiAssets(dir);
    if (!assets) {
      if (c.req.path !== '/') return c.text(`not found: ${c.req.path}\n`, 404);
      return c.html(options.landing());
    }
    const file = assets.files.get(c.req.path);
    if (!file) return c.text(`not found: ${c.req.path}\n`, 404);
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: file.etag,
      vary: 'Accept-Encoding',
    };
    if (file.contentType.startsWith('text/html')) headers['content-security-policy'] = UI_CONTENT_SECURITY_POLICY;
    const inm = c.req.header('if-none-match');
    if (inm?.split(',').some((t) => t.trim() === file.etag || t.trim() === `W/${file.etag}`)) {
      return new Response(null, { status: 304, headers });
    }
    if (file.gzip && acceptsGzip(c.req.header('accept-encoding'))) {
      headers['content-encoding'] = 'gzip';
      return new Response(file.gzip, { status: 200, headers });
    }
    return new Response(file.body, { status: 200, headers });
  };
}
