// Offline data (I/O edge): snapshot files → the exporter's own cost report, computed in-process with
// the same source, price book and cost model as `kube-cost-exporter --snapshot`.
import type { CostReport } from '../core/allocate.ts';
import { allocate } from '../core/allocate.ts';
import type { InputError } from '../core/errors.ts';
import type { ClusterSnapshot, CloudProvider } from '../core/model.ts';
import type { PriceBook } from '../core/pricing.ts';
import type { Catalog } from '../pricing/catalog.ts';
import { loadCatalog } from '../pricing/catalog.ts';
import { createPriceBook } from '../pricing/pricebook.ts';
import { createSnapshotSource } from '../sources/snapshot-source.ts';

export interface OfflineCluster {
  readonly snapshot: ClusterSnapshot;
  readonly report: CostReport;
  readonly prices: PriceBook;
  readonly catalog: Catalog;
  readonly warnings: readonly InputError[];
  readonly hasUsage: boolean;
}

export interface OfflineOptions {
  readonly paths: readonly string[];
  readonly nowMs: number;
  readonly windowMs: number;
  readonly provider?: CloudProvider;
  readonly region?: string;
}

export function splitPaths(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter((p) => p !== '');
}

export async function loadOfflineCluster(options: OfflineOptions): Promise<OfflineCluster> {
  const source = createSnapshotSource({ paths: options.paths });
  const reading = await source.read(options.nowMs);
  const catalog = loadCatalog();
  const prices = createPriceBook({
    catalog,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  const report = allocate(reading.snapshot, prices, { startMs: options.nowMs - options.windowMs, endMs: options.nowMs }, {
    ...(options.provider ? { defaultProvider: options.provider } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  return { snapshot: reading.snapshot, report, prices, catalog, warnings: reading.warnings, hasUsage: reading.hasUsage };
}
