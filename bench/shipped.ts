// How the image runs the exporter, read from the Dockerfile's final stage, so that the benchmarks
// measure the same process users run: its NODE_OPTIONS (V8 flags, decision 0025) and its memory
// allocator (LD_PRELOAD of Alpine's jemalloc and MALLOC_CONF, decision 0029). The image's library
// path is Alpine's; here the same library comes from Debian's package (libjemalloc2), found by
// file name in the usual library directories.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The environment variables the image sets for the exporter that change how it runs. */
const RUNTIME_ENV = ['NODE_OPTIONS', 'LD_PRELOAD', 'MALLOC_CONF'] as const;

const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/lib', '/usr/local/lib'];

export interface ShippedRuntime {
  /** V8 flags (NODE_OPTIONS), as arguments for the node command line. */
  readonly nodeOptions: readonly string[];
  /** LD_PRELOAD and MALLOC_CONF as set by the image, LD_PRELOAD resolved to this machine's copy. */
  readonly env: Readonly<Record<string, string>>;
  /** One line for the benchmark's header. */
  readonly description: string;
}

/** `ENV` instructions of the Dockerfile's last stage, `KEY=value` pairs (quotes removed, continuations joined). */
export function dockerfileEnv(dockerfile: string): Record<string, string> {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  const stages = joined.split(/^FROM\s/im);
  const last = stages[stages.length - 1] ?? '';
  const env: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!m) continue;
    for (const pair of m[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) env[pair[1]!] = pair[2]!.replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** A library the image preloads, found on this machine by its file name; undefined if absent. */
export function localLibrary(imagePath: string): string | undefined {
  if (existsSync(imagePath)) return imagePath;
  const name = basename(imagePath);
  return LIBRARY_DIRS.map((dir) => join(dir, name)).find((p) => existsSync(p));
}

/**
 * The image's runtime settings. With `allocator: 'system'` the preloaded allocator is left out
 * (the C library's malloc: what `npm start` uses), to compare. Throws when the image preloads a
 * library this machine does not have, saying which package provides it.
 */
export function shippedRuntime(options: { readonly allocator?: 'image' | 'system'; readonly nodeOptions?: string } = {}): ShippedRuntime {
  const env = dockerfileEnv(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'));
  const nodeOptions = (options.nodeOptions ?? env['NODE_OPTIONS'] ?? '').split(' ').filter((o) => o !== '');
  const out: Record<string, string> = {};
  if (options.allocator !== 'system') {
    for (const key of RUNTIME_ENV) {
      const value = env[key];
      if (key === 'NODE_OPTIONS' || value === undefined) continue;
      if (key !== 'LD_PRELOAD') {
        out[key] = value;
        continue;
      }
      const libraries = value.split(/[\s:]+/).filter((p) => p !== '');
      const found = libraries.map((p) => [p, localLibrary(p)] as const);
      const missing = found.filter(([, local]) => local === undefined).map(([p]) => p);
      if (missing.length > 0) {
        throw new Error(
          `the image preloads ${missing.join(', ')} (Dockerfile, ENV LD_PRELOAD) and this machine has no ${missing.map((p) => basename(p)).join(', ')}: ` +
            'install it (Debian: apt-get install libjemalloc2) to measure what the image runs, or pass --exporter-allocator system to measure with the C library\'s malloc',
        );
      }
      out[key] = found.map(([, local]) => local).join(':');
    }
  }
  const parts = [`NODE_OPTIONS "${nodeOptions.join(' ')}"`, out['LD_PRELOAD'] ? `allocator ${basename(out['LD_PRELOAD'])}${out['MALLOC_CONF'] ? ` (MALLOC_CONF ${out['MALLOC_CONF']})` : ''}` : "allocator: the C library's malloc"];
  return { nodeOptions, env: out, description: parts.join(', ') };
}

/**
 * The image's /app from this checkout's build (dist/ and ui/dist of `npm run build`, built first by
 * the caller): dist/ bundled by deploy/docker/bundle.mjs as the Dockerfile's build stage does, with
 * bin/, package.json and the web UI, as its last stage copies them. Returns the directory to run
 * `node bin/kube-cost-exporter.js` in. (test/deploy/image.test.ts assembles it from the
 * .dockerignore'd context instead, to test the Dockerfile itself.)
 */
export function assembleImageApp(root: string, app: string): string {
  execFileSync(process.execPath, [join(root, 'deploy/docker/bundle.mjs'), join(root, 'dist'), join(app, 'dist/cli/kube-cost-exporter.js')], { cwd: root, stdio: 'inherit' });
  cpSync(join(root, 'bin'), join(app, 'bin'), { recursive: true });
  cpSync(join(root, 'package.json'), join(app, 'package.json'));
  if (existsSync(join(root, 'ui/dist'))) cpSync(join(root, 'ui/dist'), join(app, 'ui/dist'), { recursive: true });
  return app;
}
