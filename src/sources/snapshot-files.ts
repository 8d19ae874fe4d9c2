// The `snapshot` source: files written by `kubectl get ... -o json` (and metrics API output),
// re-read when they change. A broken file throws; the exporter keeps its last good numbers.
import type { Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceReadError } from '../core/errors.ts';
import { SnapshotBuilder } from './kube-json.ts';
import type { ClusterSource, SourceReading } from './source.ts';

export interface SnapshotFilesOptions {
  /** Files or directories (every `*.json` inside, sorted by name). */
  readonly paths: readonly string[];
  readonly readText?: (path: string) => Promise<string>;
  readonly statFile?: (path: string) => Promise<Stats>;
  readonly listDir?: (path: string) => Promise<string[]>;
}

function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

/** Parses JSON text, naming the file and the position on a syntax error. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = text.slice(0, 40);
    throw new SourceReadError(file, '(file)', at, `not valid JSON: ${(err as Error).message}`);
  }
}

/** Builds one snapshot from several parsed documents. */
export function buildSnapshot(docs: readonly { doc: unknown; origin: string }[]): SourceReading {
  const builder = new SnapshotBuilder();
  for (const { doc, origin } of docs) builder.add(doc, origin);
  return { snapshot: builder.snapshot(), warnings: builder.warnings, hasUsage: builder.hasUsage };
}

export function createSnapshotFilesSource(options: SnapshotFilesOptions): ClusterSource {
  const { paths, readText = (p) => readFile(p, 'utf8'), statFile = (p) => stat(p), listDir = (p) => readdir(p) } = options;
  let cached: { key: string; reading: SourceReading } | undefined;

  const expand = async (): Promise<{ files: string[]; key: string }> => {
    const files: string[] = [];
    const keys: string[] = [];
    for (const path of paths) {
      let info: Stats;
      try {
        info = await statFile(path);
      } catch (err) {
        throw new SourceReadError(path, '(file)', path, `cannot read: ${errnoCode(err)}`);
      }
      if (info.isDirectory()) {
        const names = (await listDir(path)).filter((n) => n.endsWith('.json')).sort();
        if (names.length === 0) throw new SourceReadError(path, '(directory)', path, 'no *.json files in this directory');
        for (const name of names) {
          const file = join(path, name);
          const s = await statFile(file);
          files.push(file);
          keys.push(`${file}:${s.size}:${s.mtimeMs}`);
        }
      } else {
        files.push(path);
        keys.push(`${path}:${info.size}:${info.mtimeMs}`);
      }
    }
    return { files, key: keys.join('|') };
  };

  return {
    kind: 'snapshot',
    description: `snapshot ${paths.join(', ')}`,
    async read() {
      const { files, key } = await expand();
      if (cached?.key === key) return cached.reading;
      const docs: { doc: unknown; origin: string }[] = [];
      for (const file of files) {
        let text: string;
        try {
          text = await readText(file);
        } catch (err) {
          throw new SourceReadError(file, '(file)', file, `cannot read: ${errnoCode(err)}`);
        }
        docs.push({ doc: parseJsonFile(text, file), origin: file });
      }
      const reading = buildSnapshot(docs);
      cached = { key, reading };
      return reading;
    },
  };
}
