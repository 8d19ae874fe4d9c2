// Former name of the snapshot source, kept so existing imports keep working; use snapshot-source.ts.
export { createSnapshotSource as createSnapshotFilesSource } from './snapshot-source.ts';
export type { SnapshotSourceOptions as SnapshotFilesOptions } from './snapshot-source.ts';
