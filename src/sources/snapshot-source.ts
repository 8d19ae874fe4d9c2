// The `snapshot` source (I/O edge): files written by `kubectl get ... -o json`, plus optional
// metrics API output, read through kube-objects.ts. Files are re-read when their size or mtime
// changes, otherwise the cached reading is returned. A read that fails throws; the exporter then
// keeps serving its last good numbers and retries on its next cycle.
//
// Files are cached by role: a change to a metrics file (refreshed every minute by a cron job, say)
// re-reads only the metrics files, not a cluster file of 100,000 pods that did not change.
import type { Stats } from 'node:fs';
import { readdir, readFile as fsReadFile, stat as fsStat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputError } from '../core/errors.ts';
import { SourceReadError } from '../core/errors.ts';
import type { ClusterSnapshot, ContainerUsage, UsageByPod } from '../core/model.ts';
import type { LazyJsonList } from './json.ts';
import { parseJsonText, scanJsonList } from './json.ts';
import type { KubeConversion } from './kube-objects.ts';
import { SnapshotBuilder } from './kube-objects.ts';
import type { UsageConversion } from './pod-metrics.ts';
import { convertPodMetricsList, isPodMetricsDocument } from './pod-metrics.ts';
import type { ClusterSource, SourceReading } from './source.ts';

/** What the source needs to know about a path. */
export interface FileStat {
  isDirectory(): boolean;
  readonly size: number;
  readonly mtimeMs: number;
  /** Changes when a file is replaced by rename (the safe way to refresh a snapshot). */
  readonly ino?: number;
}

export interface SnapshotSourceOptions {
  /** Files or directories (every `*.json` inside, in name order) of Kubernetes objects; metrics files are recognised by kind. */
  readonly paths: readonly string[];
  /** Files or directories that must hold metrics API output (`PodMetricsList`). */
  readonly usagePaths?: readonly string[];
  readonly readFile?: (path: string) => Promise<Uint8Array | string>;
  readonly stat?: (path: string) => Promise<FileStat>;
  readonly readDir?: (path: string) => Promise<readonly string[]>;
  /**
   * Lists of at least this many bytes are parsed item by item (the parsed document is never held
   * whole); smaller files are parsed at once, which is faster for them. Default 8 MiB.
   */
  readonly itemByItemFromBytes?: number;
}

const ITEM_BY_ITEM_FROM_BYTES = 8 * 2 ** 20;

interface FileVersion {
  readonly path: string;
  /** `size:mtime:inode`: a different key means the file changed. */
  readonly key: string;
  readonly usageOnly: boolean;
}

interface MetricsEntry {
  readonly key: string;
  readonly conversion: UsageConversion;
}

function errnoCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** File bytes → text: UTF-8 (a BOM is dropped) or UTF-16 with a BOM, as PowerShell's `>` writes. */
export function decodeText(data: Uint8Array | string): string {
  if (typeof data === 'string') return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  const start = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  return Buffer.from(data.buffer, data.byteOffset + start, data.byteLength - start).toString('utf8');
}

export function createSnapshotSource(options: SnapshotSourceOptions): ClusterSource {
  const {
    paths,
    usagePaths = [],
    readFile = (p: string) => fsReadFile(p),
    stat = (p: string): Promise<Stats> => fsStat(p),
    readDir = (p: string) => readdir(p),
    itemByItemFromBytes = ITEM_BY_ITEM_FROM_BYTES,
  } = options;
  if (paths.length === 0 && usagePaths.length === 0) throw new SourceReadError('snapshot', '(paths)', '', 'no snapshot file or directory given');

  /** The object files' combined conversion, by the keys of all object files. */
  let objects: { key: string; keys: ReadonlyMap<string, string>; conversion: KubeConversion } | undefined;
  /** Files known to hold metrics API output, by path. */
  const metrics = new Map<string, MetricsEntry>();
  let last: { key: string; reading: SourceReading } | undefined;

  const statOf = async (path: string): Promise<FileStat> => {
    try {
      return await stat(path);
    } catch (err) {
      throw new SourceReadError(path, '(file)', path, `cannot read: ${errnoCode(err)}`);
    }
  };

  const expand = async (list: readonly string[], usageOnly: boolean, into: FileVersion[], seen: Set<string>): Promise<void> => {
    for (const path of list) {
      const info = await statOf(path);
      let files: { path: string; info: FileStat }[];
      if (info.isDirectory()) {
        let names: readonly string[];
        try {
          names = await readDir(path);
        } catch (err) {
          throw new SourceReadError(path, '(directory)', path, `cannot list: ${errnoCode(err)}`);
        }
        const jsonNames = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
        if (jsonNames.length === 0) throw new SourceReadError(path, '(directory)', path, 'no *.json files in this directory');
        files = [];
        for (const name of jsonNames) {
          const file = join(path, name);
          files.push({ path: file, info: await statOf(file) });
        }
      } else {
        files = [{ path, info }];
      }
      for (const f of files) {
        if (seen.has(f.path)) continue;
        seen.add(f.path);
        into.push({ path: f.path, key: `${f.info.size}:${f.info.mtimeMs}:${f.info.ino ?? ''}`, usageOnly });
      }
    }
  };

  const readDocument = async (path: string): Promise<Document> => {
    let data: Uint8Array | string;
    try {
      data = await readFile(path);
    } catch (err) {
      throw new SourceReadError(path, '(file)', path, `cannot read: ${errnoCode(err)}`);
    }
    // A list of objects in UTF-8 (what kubectl writes): its items are parsed one by one while
    // they are converted, so the whole parsed document never sits in memory.
    if (typeof data !== 'string' && data.byteLength >= itemByItemFromBytes && !(data[0] === 0xff && data[1] === 0xfe) && !(data[0] === 0xfe && data[1] === 0xff)) {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const list = scanJsonList(bytes, path);
      if (list !== undefined && isList(list) && !isPodMetricsDocument(list.head)) return { list };
    }
    let text: string;
    try {
      text = decodeText(data);
    } catch (err) {
      // V8 strings stop at about 512 MiB.
      throw new SourceReadError(path, '(file)', `${Math.round(data.length / 2 ** 20)} MiB`, `cannot decode: ${errnoCode(err)}; split the snapshot into several files (one per resource type)`);
    }
    return { doc: parseJsonText(text, path) };
  };

  return {
    kind: 'snapshot',
    description: `snapshot ${[...paths, ...usagePaths].join(', ')}`,
    async read(): Promise<SourceReading> {
      const files: FileVersion[] = [];
      const seen = new Set<string>();
      await expand(paths, false, files, seen);
      await expand(usagePaths, true, files, seen);
      const allKey = files.map((f) => `${f.path}\u0000${f.key}`).join('\u0000');
      if (last?.key === allKey) return last.reading;

      // Read what changed; a changed file may have switched between objects and metrics.
      const fresh = new Map<string, Document>();
      for (const f of files) {
        if (metrics.get(f.path)?.key === f.key || objects?.keys.get(f.path) === f.key) continue;
        const doc = await readDocument(f.path);
        if (f.usageOnly || isPodMetricsDocument(doc.doc)) {
          metrics.set(f.path, { key: f.key, conversion: convertPodMetricsList(wholeDocument(doc), f.path) });
        } else {
          metrics.delete(f.path);
          fresh.set(f.path, doc);
        }
      }
      for (const path of metrics.keys()) if (!seen.has(path)) metrics.delete(path);
      const objectFiles = files.filter((f) => !metrics.has(f.path));

      const objectsKey = objectFiles.map((f) => `${f.path}\u0000${f.key}`).join('\u0000');
      if (objects?.key !== objectsKey) {
        const builder = new SnapshotBuilder({ shareRepeatedValues: true });
        for (const f of objectFiles) {
          const doc = fresh.get(f.path) ?? (await readDocument(f.path));
          fresh.delete(f.path); // let the parsed document go as soon as it is converted
          // Replaced by metrics output since the last read: the next read rebuilds without it.
          if (isPodMetricsDocument(doc.doc)) metrics.set(f.path, { key: f.key, conversion: convertPodMetricsList(doc.doc, f.path) });
          else if (doc.list !== undefined) builder.addList(doc.list, f.path);
          else builder.add(doc.doc, f.path);
        }
        objects = { key: objectsKey, keys: new Map(objectFiles.map((f) => [f.path, f.key])), conversion: builder.result() };
      }

      const usages: UsageByPod[] = [];
      const warnings: InputError[] = [...objects.conversion.warnings];
      if (objects.conversion.snapshot.usage) usages.push(objects.conversion.snapshot.usage);
      for (const f of files) {
        const entry = metrics.get(f.path);
        if (entry === undefined) continue;
        usages.push(entry.conversion.usage);
        warnings.push(...entry.conversion.warnings);
      }
      const usage = mergeUsage(usages);
      const snapshot: ClusterSnapshot = withUsage(objects.conversion.snapshot, usage);
      const reading: SourceReading = { snapshot, warnings, hasUsage: usage !== undefined, ...(objects.conversion.policies ? { policies: objects.conversion.policies } : {}) };
      last = { key: allKey, reading };
      return reading;
    },
  };
}

/** A file's content: a list whose items are parsed on demand, or the whole parsed document. */
type Document = { readonly list: LazyJsonList; readonly doc?: undefined } | { readonly doc: unknown; readonly list?: undefined };

/** What `SnapshotBuilder.add` treats as a list: a kind ending in `List`, or no kind at all. */
function isList(list: LazyJsonList): boolean {
  const kind = list.head['kind'];
  return typeof kind === 'string' ? kind.endsWith('List') : true;
}

/** The whole document, parsing every item of a lazy list (for a file given as metrics output). */
function wholeDocument(doc: Document): unknown {
  if (doc.list === undefined) return doc.doc;
  const items: unknown[] = new Array(doc.list.length);
  for (let i = 0; i < items.length; i++) items[i] = doc.list.item(i);
  return { ...doc.list.head, items };
}

function withUsage(snapshot: ClusterSnapshot, usage: UsageByPod | undefined): ClusterSnapshot {
  const { nodes, pods, persistentVolumes, persistentVolumeClaims, services, namespaces, storageClasses } = snapshot;
  const objects = { nodes, pods, persistentVolumes, persistentVolumeClaims, services, namespaces, storageClasses };
  return usage === undefined ? objects : { ...objects, usage };
}

/** Several usage maps → one; a pod in more than one keeps the first file's figures. */
function mergeUsage(usages: readonly UsageByPod[]): UsageByPod | undefined {
  if (usages.length === 0) return undefined;
  if (usages.length === 1) return usages[0];
  const merged = new Map<string, ReadonlyMap<string, ContainerUsage>>();
  for (const usage of usages) for (const [pod, containers] of usage) if (!merged.has(pod)) merged.set(pod, containers);
  return merged;
}
