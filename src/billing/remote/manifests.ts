// Bill manifests: which files of a delivery folder make up the current bill. Pure: the listers read
// the manifests and hand their text in.
//
// AWS rewrites its reports several times a day. A CUR prefix therefore holds every past version
// ("assembly") of a month next to the current one, and reading every object would count the month
// many times over. Each delivery comes with a manifest that lists its files:
//   legacy CUR   <prefix>/<report>/<yyyymmdd-yyyymmdd>/<report>-Manifest.json            (rewritten each delivery)
//                <prefix>/<report>/<yyyymmdd-yyyymmdd>/<assemblyId>/<report>-Manifest.json (one per delivery)
//                <prefix>/<report>/<report>/year=yyyy/month=mm/<report>-Manifest.json      (overwrite / Athena mode)
//                JSON with `reportKeys` (keys in the bucket), `assemblyId`, `billingPeriod.start` "20261101T000000.000Z"
//   CUR 2.0      <prefix>/<export>/metadata/BILLING_PERIOD=yyyy-mm/<export>-Manifest.json
//                JSON with `dataFiles` (s3:// URIs), `executionId`, `billingPeriod.start` "2026-11-01T00:00:00.000Z"
// Azure cost exports with file partitioning write `manifest.json` next to each run's parts:
//   <root>/<export>/<yyyymmdd-yyyymmdd>/<runId>/manifest.json
//                JSON with `blobs[].blobName` (from the container root), `runInfo.{runId,submittedTime,startDate}`,
//                `exportConfig.exportName`.
// Of the manifests for one report and billing period, the newest wins and only its files are read.
import { BillLocationError } from '../files.ts';
import type { ListedObject } from './common.ts';
import { baseName } from './common.ts';

export type ManifestKind = 'aws-cur' | 'aws-cur2' | 'azure-export';

export interface BillManifest {
  /** Where the manifest itself is (key or blob name). */
  readonly key: string;
  readonly kind: ManifestKind;
  /** Report / export name. */
  readonly report: string;
  /** First day of the billing period, `yyyymmdd`. */
  readonly period: string;
  /** assemblyId / executionId / runId: which delivery. */
  readonly delivery: string;
  /** When the delivery was made, ms since the epoch: the manifest's own time if it has one, else the object's. */
  readonly deliveredAtMs: number;
  /** The files of this delivery, as keys (blob names) in the same bucket (container). */
  readonly files: readonly string[];
}

/** `<report>-Manifest.json`: both CUR generations name their manifests this way. */
export function isAwsManifestKey(key: string): boolean {
  return /.-Manifest\.json$/.test(baseName(key));
}

export function isAzureManifestKey(key: string): boolean {
  return baseName(key) === 'manifest.json';
}

type Json = Record<string, unknown>;

function parseJsonObject(location: string, text: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BillLocationError(location, `manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new BillLocationError(location, 'manifest is not a JSON object');
  return doc as Json;
}

function stringArray(location: string, doc: Json, field: string): string[] {
  const v = doc[field];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) {
    throw new BillLocationError(location, `manifest field ${field}: expected an array of non-empty strings, got ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  return v as string[];
}

/** `20261101T000000.000Z`, `2026-11-01T00:00:00.000Z`, `2026-11-01` → `20261101`. */
function periodOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value);
  return m ? `${m[1]}${m[2]}${m[3]}` : undefined;
}

/** The billing period from the manifest's folder, for manifests without `billingPeriod`. */
function periodFromKey(key: string): string | undefined {
  const range = /(?:^|\/)(\d{8})-\d{8}\//.exec(key);
  if (range) return range[1];
  const cur2 = /(?:^|\/)BILLING_PERIOD=(\d{4})-(\d{2})\//.exec(key);
  if (cur2) return `${cur2[1]}${cur2[2]}01`;
  const athena = /(?:^|\/)year=(\d{4})\/month=(\d{1,2})\//.exec(key);
  if (athena) return `${athena[1]}${athena[2]!.padStart(2, '0')}01`;
  return undefined;
}

function period(location: string, key: string, billingPeriod: unknown, field: string): string {
  const start = typeof billingPeriod === 'object' && billingPeriod !== null ? (billingPeriod as Json)['start'] : undefined;
  const p = periodOf(start) ?? periodFromKey(key);
  if (!p) throw new BillLocationError(location, `manifest field ${field}: missing or not a date (${JSON.stringify(start)}), and the manifest's folder names no billing period`);
  return p;
}

/**
 * Parses an AWS CUR (legacy: `reportKeys`) or CUR 2.0 / Data Exports (`dataFiles`) manifest found
 * at `key` in `bucket`. `location` names it in errors (`s3://bucket/key`).
 */
export function parseAwsManifest({ location, bucket, key, text, modifiedAt }: { location: string; bucket: string; key: string; text: string; modifiedAt: Date }): BillManifest {
  const doc = parseJsonObject(location, text);
  const nameFromKey = baseName(key).replace(/-Manifest\.json$/, '');
  if ('reportKeys' in doc) {
    const files = stringArray(location, doc, 'reportKeys');
    return {
      key,
      kind: 'aws-cur',
      report: typeof doc['reportName'] === 'string' ? doc['reportName'] : nameFromKey,
      period: period(location, key, doc['billingPeriod'], 'billingPeriod.start'),
      delivery: typeof doc['assemblyId'] === 'string' ? doc['assemblyId'] : '',
      deliveredAtMs: modifiedAt.getTime(),
      files,
    };
  }
  if ('dataFiles' in doc) {
    const uris = stringArray(location, doc, 'dataFiles');
    const files = uris.map((uri) => {
      if (!uri.startsWith('s3://')) return uri.replace(/^\/+/, '');
      const rest = uri.slice('s3://'.length);
      const slash = rest.indexOf('/');
      const b = slash < 0 ? rest : rest.slice(0, slash);
      if (b !== bucket) throw new BillLocationError(location, `manifest field dataFiles: ${uri} is in bucket "${b}", not in "${bucket}" where the manifest is`);
      return rest.slice(slash + 1);
    });
    return {
      key,
      kind: 'aws-cur2',
      report: typeof doc['exportName'] === 'string' ? doc['exportName'] : nameFromKey,
      period: period(location, key, doc['billingPeriod'], 'billingPeriod.start'),
      delivery: typeof doc['executionId'] === 'string' ? doc['executionId'] : '',
      deliveredAtMs: modifiedAt.getTime(),
      files,
    };
  }
  throw new BillLocationError(location, 'manifest has neither reportKeys (Cost and Usage Report) nor dataFiles (CUR 2.0 data export)');
}

/** Parses an Azure Cost Management export `manifest.json` (partitioned exports). */
export function parseAzureManifest({ location, key, text, modifiedAt }: { location: string; key: string; text: string; modifiedAt: Date }): BillManifest {
  const doc = parseJsonObject(location, text);
  const blobs = doc['blobs'];
  if (!Array.isArray(blobs)) throw new BillLocationError(location, `manifest field blobs: expected an array, got ${JSON.stringify(blobs)?.slice(0, 80)}`);
  const files = blobs.map((b, i) => {
    const name = typeof b === 'object' && b !== null ? (b as Json)['blobName'] : undefined;
    if (typeof name !== 'string' || name === '') throw new BillLocationError(location, `manifest field blobs[${i}].blobName: expected a blob name, got ${JSON.stringify(name)}`);
    return name.replace(/^\/+/, '');
  });
  const run = typeof doc['runInfo'] === 'object' && doc['runInfo'] !== null ? (doc['runInfo'] as Json) : {};
  const config = typeof doc['exportConfig'] === 'object' && doc['exportConfig'] !== null ? (doc['exportConfig'] as Json) : {};
  const submitted = typeof run['submittedTime'] === 'string' ? Date.parse(run['submittedTime']) : Number.NaN;
  const folders = key.split('/');
  return {
    key,
    kind: 'azure-export',
    report: typeof config['exportName'] === 'string' ? config['exportName'] : (folders.at(-4) ?? ''),
    period: period(location, key, { start: run['startDate'] }, 'runInfo.startDate'),
    delivery: typeof run['runId'] === 'string' ? run['runId'] : '',
    deliveredAtMs: Number.isFinite(submitted) ? submitted : modifiedAt.getTime(),
    files,
  };
}

/**
 * Of the manifests of one report and billing period, the newest delivery. Ties (the legacy CUR copies
 * the current manifest to the period folder and to its assembly folder) go to the shorter key, then
 * to the later key, so the choice never depends on listing order.
 */
export function newestPerPeriod(manifests: readonly BillManifest[]): BillManifest[] {
  const best = new Map<string, BillManifest>();
  for (const m of manifests) {
    const group = `${m.kind}\u0000${m.report}\u0000${m.period}`;
    const prev = best.get(group);
    if (!prev || newer(m, prev)) best.set(group, m);
  }
  return [...best.values()].sort((a, b) => (a.report === b.report ? cmp(a.period, b.period) : cmp(a.report, b.report)));
}

function newer(a: BillManifest, b: BillManifest): boolean {
  if (a.deliveredAtMs !== b.deliveredAtMs) return a.deliveredAtMs > b.deliveredAtMs;
  if (a.key.length !== b.key.length) return a.key.length < b.key.length;
  return a.key > b.key;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The listed objects the chosen manifests name, in manifest order. A file a manifest names but the
 * listing does not hold (deleted, or a delivery still being written) is an error naming both.
 */
export function filesOfManifests({ objects, manifests, locationOf }: { objects: readonly ListedObject[]; manifests: readonly BillManifest[]; locationOf: (key: string) => string }): ListedObject[] {
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const out: ListedObject[] = [];
  const seen = new Set<string>();
  for (const m of manifests) {
    for (const key of m.files) {
      if (seen.has(key)) continue;
      seen.add(key);
      const o = byKey.get(key);
      if (!o) throw new BillLocationError(locationOf(m.key), `manifest lists ${locationOf(key)}, which is not under the location (deleted, outside the prefix, or still being delivered)`);
      out.push(o);
    }
  }
  return out;
}

function folderOf(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? '' : key.slice(0, i + 1);
}

/**
 * Which manifests to read at all (a year of legacy CUR deliveries is hundreds of assembly manifests).
 * AWS: a manifest in an assembly folder is skipped when its period folder holds the rewritten copy
 * (`<range>/<report>-Manifest.json` beside `<range>/<assemblyId>/<report>-Manifest.json`).
 * Azure: of the run folders of one export period (`<export>/<range>/<runId>/manifest.json`), only the
 * most recently written one (a manifest directly in `<range>/` is its period's only one).
 */
export function manifestCandidates(objects: readonly ListedObject[], store: 'aws' | 'azure'): ListedObject[] {
  if (store === 'aws') {
    const manifests = objects.filter((o) => isAwsManifestKey(o.key));
    const keys = new Set(manifests.map((o) => o.key));
    return manifests.filter((o) => {
      const parent = folderOf(folderOf(o.key).slice(0, -1));
      return folderOf(o.key) === '' || !keys.has(`${parent}${baseName(o.key)}`) || `${parent}${baseName(o.key)}` === o.key;
    });
  }
  const newest = new Map<string, ListedObject>();
  for (const o of objects) {
    if (!isAzureManifestKey(o.key)) continue;
    // The export period's folder (`.../20261101-20261130/`), whether the runs sit below it or the
    // manifest is in it; without one, the run folder's parent.
    const range = /^(.*(?:^|\/)\d{8}-\d{8}\/)/.exec(o.key);
    const group = range ? range[1]! : folderOf(folderOf(o.key).slice(0, -1));
    const prev = newest.get(group);
    if (!prev || o.modifiedAt.getTime() > prev.modifiedAt.getTime() || (o.modifiedAt.getTime() === prev.modifiedAt.getTime() && o.key > prev.key)) newest.set(group, o);
  }
  return [...newest.values()];
}
