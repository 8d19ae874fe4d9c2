// The local-directory lister: `./bills`, `/var/bills` or `file:///var/bills`, read recursively (CUR
// deliveries nest by report and period). A single file is listed on its own. Files that are not
// bills (manifests, .crc, READMEs) are left out by the reader (rows.ts billFormat).
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BillFile, BillLister } from './files.ts';
import { BillLocationError } from './files.ts';

/** The local path a location names (a `file://` URL or a path). */
export function localPath(location: string): string {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch (err) {
      throw new BillLocationError(location, `not a file URL (${(err as Error).message})`);
    }
  }
  return location;
}

function fileOf(path: string, sizeBytes: number, modifiedAt: Date): BillFile & { readonly path: string } {
  return { location: path, name: basename(path), sizeBytes, modifiedAt, path, open: async () => createReadStream(path) };
}

export const listLocalBillFiles: BillLister = async function* (location, options) {
  const root = localPath(location);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(root);
  } catch (err) {
    throw new BillLocationError(location, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (info.isFile()) {
    yield fileOf(root, info.size, info.mtime);
    return;
  }
  const walk = async function* (dir: string): AsyncGenerator<BillFile> {
    options.signal?.throwIfAborted();
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw new BillLocationError(dir, `cannot list: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) yield* walk(path);
      else if (e.isFile()) {
        const s = await stat(path);
        yield fileOf(path, s.size, s.mtime);
      }
    }
  };
  yield* walk(root);
};
