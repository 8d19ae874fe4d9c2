// The part of listing that is the same for every store: take the whole listing of a prefix, follow
// the manifests when there are any, and turn objects into BillFiles whose bodies are guarded.
import type { Readable } from 'node:stream';
import type { BillFile } from '../files.ts';
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { baseName, checkedBody, isFolderMarker } from './common.ts';
import type { BillManifest } from './manifests.ts';
import { filesOfManifests, manifestCandidates, newestPerPeriod } from './manifests.ts';

/** What one store must provide: its paged listing and its downloads, SDK errors already mapped. */
export interface StoreAccess {
  /** The location asked for, for errors about the listing as a whole. */
  readonly location: string;
  /** How a key is written in logs and errors: `s3://bucket/key`. */
  locationOf(key: string): string;
  /** Every object under the prefix, page by page. */
  list(): AsyncIterable<ListedObject>;
  /**
   * A body, and its length when the store said it (Content-Length; undefined: the listed size;
   * null: not known in advance, as for a body the SDK decompresses).
   */
  download(object: ListedObject): Promise<{ body: Readable; bytes?: number | null | undefined }>;
  /** Which manifest formats the store's bills come with (`none`: every object is a bill file). */
  readonly manifests: 'aws' | 'azure' | 'none';
  parseManifest?(object: ListedObject, text: string): BillManifest;
}

/** Manifests larger than this are not manifests (AWS's are a few hundred KB with all columns). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export async function* listBillFiles(store: StoreAccess): AsyncIterable<BillFile> {
  const objects: ListedObject[] = [];
  for await (const o of store.list()) if (!isFolderMarker(o.key)) objects.push(o);
  if (objects.length === 0) throw new BillLocationError(store.location, 'no objects under this prefix (check the bucket and prefix, which are case-sensitive, and that the export has delivered)');
  const parse = store.parseManifest;
  const candidates = store.manifests === 'none' || !parse ? [] : manifestCandidates(objects, store.manifests);
  let files: ListedObject[] = objects;
  if (parse && candidates.length > 0) {
    const manifests: BillManifest[] = [];
    for (const m of candidates) manifests.push(parse(m, await readText(store, m)));
    files = filesOfManifests({ objects, manifests: newestPerPeriod(manifests), locationOf: (k) => store.locationOf(k) });
  }
  for (const o of files) yield billFile(store, o);
}

function billFile(store: StoreAccess, o: ListedObject): BillFile {
  const location = store.locationOf(o.key);
  return {
    location,
    name: baseName(o.key),
    sizeBytes: o.sizeBytes,
    modifiedAt: o.modifiedAt,
    open: async () => {
      const { body, bytes } = await store.download(o);
      return checkedBody(body, { location, expectedBytes: bytes === null ? undefined : (bytes ?? o.sizeBytes) });
    },
  };
}

async function readText(store: StoreAccess, o: ListedObject): Promise<string> {
  const location = store.locationOf(o.key);
  if (o.sizeBytes > MAX_MANIFEST_BYTES) throw new BillLocationError(location, `manifest is ${o.sizeBytes} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest can be`);
  const { body, bytes } = await store.download(o);
  const parts: Buffer[] = [];
  for await (const chunk of checkedBody(body, { location, expectedBytes: bytes === null ? undefined : (bytes ?? o.sizeBytes) })) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
