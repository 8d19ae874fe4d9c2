// Builds the web UI (Vite) into ui/dist. `--if-stale` (npm's prestart) skips the build when
// ui/dist/.build-stamp holds the hash of the UI's sources and the lock file, so `npm start` on a
// fresh clone shows the UI and later starts cost nothing. Without Vite (a production-only
// install) a stale build is reported and the exporter serves its plain landing page instead.
//   node ui/build.ts [--if-stale]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(UI, '..');
const DIST = join(UI, 'dist');
const STAMP = join(DIST, '.build-stamp');

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

/** Hash of everything the build reads: ui/src, index.html, the Vite config, the lock file. */
export function sourceHash(): string {
  const h = createHash('sha256');
  const inputs = [...files(join(UI, 'src')), join(UI, 'index.html'), join(UI, 'vite.config.ts'), join(ROOT, 'package-lock.json')].sort();
  for (const f of inputs) {
    h.update(relative(ROOT, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export function isStale(): boolean {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(STAMP)) return true;
  return readFileSync(STAMP, 'utf8').trim() !== sourceHash();
}

export async function buildUi(): Promise<void> {
  const hash = sourceHash();
  const { build } = await import('vite');
  await build({ configFile: join(UI, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, `${hash}\n`);
}

if (import.meta.main) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !isStale()) process.exit(0);
  try {
    const t = performance.now();
    await buildUi();
    console.error(`ui: built ui/dist in ${Math.round(performance.now() - t)} ms`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && ifStale) {
      console.error('ui: the web UI is out of date and Vite is not installed (npm ci without --omit=dev builds it); / shows the plain landing page');
      process.exit(0);
    }
    throw err;
  }
}
