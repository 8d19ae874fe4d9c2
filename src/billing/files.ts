// Where billing files come from: a local directory, or an object store (S3, GCS, Azure Blob) read
// through the providers' official SDKs. Every lister yields the same shape, so the parsers and the
// reconciliation never know where a bill lives. The URL schemes a lister answers for:
//   ./bills, /var/bills, file:///var/bills      a local directory (recursively)
//   s3://bucket/prefix/                         AWS Cost and Usage Report delivery bucket
//   gs://bucket/prefix/                         GCP billing export written to Cloud Storage
//   azblob://account/container/prefix/          Azure Cost Management export container

/** One bill file, opened lazily (reports are large: read them as streams). */
export interface BillFile {
  /** Where it lives, for logs and errors: `s3://bucket/cur/2026-11/report-00001.csv.gz`. */
  readonly location: string;
  /** The file name's last path segment decides the format: `.csv`, `.csv.gz`, `.parquet`, `.json`, `.json.gz`. */
  readonly name: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
  open(): Promise<NodeJS.ReadableStream>;
}

/** Lists the bill files under a location; the object-store ones page and retry internally. */
export type BillLister = (location: string, options: { signal?: AbortSignal }) => AsyncIterable<BillFile>;

/** A location that no lister can read, or that names a missing or unreadable place. */
export class BillLocationError extends Error {
  readonly location: string;
  readonly reason: string;
  constructor(location: string, reason: string) {
    super(`billing location ${location}: ${reason}`);
    this.name = 'BillLocationError';
    this.location = location;
    this.reason = reason;
  }
}
