// Which lister reads a billing location, by URL scheme. The object-store listers are imported
// lazily (their SDKs are large and only needed by those who bill from a bucket); until a lister is
// installed, its scheme gives a BillLocationError that says so.
import type { BillLister } from './files.ts';
import { BillLocationError } from './files.ts';
import { listLocalBillFiles } from './local.ts';

export type BillScheme = 'local' | 's3' | 'gs' | 'azblob';

export function billScheme(location: string): BillScheme {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location);
  if (!m) return 'local';
  const scheme = (m[1] as string).toLowerCase();
  if (scheme === 'file') return 'local';
  if (scheme === 's3' || scheme === 'gs' || scheme === 'azblob') return scheme;
  throw new BillLocationError(location, `unknown scheme "${scheme}://" (a directory, file://, s3://, gs:// or azblob://)`);
}

// Each loader is an import() of a literal path: tsc rewrites it to .js in dist/, and the image's
// esbuild bundle turns it into a chunk loaded on first use (a computed specifier would be neither).
const REMOTE: Readonly<Record<Exclude<BillScheme, 'local'>, { module: string; name: string; what: string; load: () => Promise<Record<string, unknown>> }>> = {
  s3: { module: './remote/s3.ts', name: 'listS3BillFiles', what: 'S3', load: () => import('./remote/s3.ts') },
  gs: { module: './remote/gcs.ts', name: 'listGcsBillFiles', what: 'Google Cloud Storage', load: () => import('./remote/gcs.ts') },
  azblob: { module: './remote/azure-blob.ts', name: 'listAzureBillFiles', what: 'Azure Blob Storage', load: () => import('./remote/azure-blob.ts') },
};

/** The lister for a location; `importer` (given the module path) lets tests check the missing-module path. */
export async function billListerFor(location: string, importer?: (specifier: string) => Promise<Record<string, unknown>>): Promise<BillLister> {
  const scheme = billScheme(location);
  if (scheme === 'local') return listLocalBillFiles;
  const remote = REMOTE[scheme];
  let mod: Record<string, unknown>;
  try {
    mod = importer ? await importer(new URL(remote.module, import.meta.url).href) : await remote.load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw new BillLocationError(location, `reading bills from ${remote.what} is not available in this build (${remote.module.slice(2)} is not installed); copy the files to a directory and pass that`);
    throw new BillLocationError(location, `cannot load the ${remote.what} lister: ${(err as Error).message}`);
  }
  const lister = mod[remote.name];
  if (typeof lister !== 'function') throw new BillLocationError(location, `src/billing/${remote.module.slice(2)} does not export ${remote.name}`);
  return lister as BillLister;
}
