// `kubectl cost estimate --server`: the cluster's unit rates and current workloads from the
// allocation API (OpenCost shape) — the edge that feeds the pure estimate.
//   cpu rate = cpuCost / cpuCoreHours, ram rate = ramCost / (ramByteHours / GiB),
//   gpu rate = gpuCost / gpuHours, storage = pvCost / (pvByteHours / GiB) × 730,
// all over the last day of the whole cluster (aggregate=cluster, idle excluded).
import { HOURS_PER_MONTH } from '../core/pricing.ts';
import { BYTES_PER_GIB } from '../core/quantity.ts';
import type { ClusterFacts, EstimateRates } from './estimate.ts';
import type { Fetcher } from './server.ts';
import { queryAllocations, ServerError } from './server.ts';

export interface ServerEstimateData {
  readonly rates: EstimateRates;
  facts(rates: EstimateRates): ClusterFacts;
  readonly notes: readonly string[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export async function serverEstimateData(fetcher: Fetcher, options: { jobHoursPerMonth?: number | undefined } = {}): Promise<ServerEstimateData> {
  const body = await fetcher.get('/api/v1/allocation', { window: '1d', aggregate: 'cluster', accumulate: 'true', includeIdle: 'false' });
  const sets = (body as { data?: unknown }).data;
  const first = Array.isArray(sets) && typeof sets[0] === 'object' && sets[0] !== null ? Object.values(sets[0] as Record<string, unknown>)[0] : undefined;
  if (typeof first !== 'object' || first === null) throw new ServerError(`${fetcher.description}: the cluster has no allocations in the last day; cannot derive unit rates`);
  const c = first as Record<string, unknown>;
  const notes: string[] = [];
  const cpuHours = num(c['cpuCoreHours']);
  const ramGiBHours = num(c['ramByteHours']) / BYTES_PER_GIB;
  const gpuHours = num(c['gpuHours']);
  const pvGiBHours = num(c['pvByteHours']) / BYTES_PER_GIB;
  if (!(cpuHours > 0) || !(ramGiBHours > 0)) throw new ServerError(`${fetcher.description}: no cpuCoreHours/ramByteHours in the cluster allocation; cannot derive unit rates`);
  const { loadCatalog } = await import('../pricing/catalog.ts');
  const fallback = loadCatalog().data.fallback;
  const rates = {
    cpuCoreHourUsd: num(c['cpuCost']) / cpuHours,
    ramGiBHourUsd: num(c['ramCost']) / ramGiBHours,
    gpuHourUsd: gpuHours > 0 ? num(c['gpuCost']) / gpuHours : fallback.rates.gpuHourUsd,
  };
  if (!(gpuHours > 0)) notes.push(`note: no GPU hours in the cluster: GPU priced at the catalog default $${fallback.rates.gpuHourUsd}/GPU-h`);
  const gibMonthUsd = pvGiBHours > 0 ? (num(c['pvCost']) / pvGiBHours) * HOURS_PER_MONTH : fallback.storageGibMonthUsd;
  const storageSource = pvGiBHours > 0 ? 'live' : 'default';
  const estimateRates: EstimateRates = {
    rates,
    description: `cluster rates over the last day from ${fetcher.description}: $${rates.cpuCoreHourUsd.toFixed(6)}/vCPU-h, $${rates.ramGiBHourUsd.toFixed(6)}/GiB-h, $${rates.gpuHourUsd.toFixed(4)}/GPU-h`,
    storage: () =>
      storageSource === 'live'
        ? { gibMonthUsd, source: 'live' }
        : { gibMonthUsd, source: 'default', fallbackReason: `no volume hours in the cluster: $${gibMonthUsd}/GiB-month catalog default` },
  };

  const pods = await queryAllocations(fetcher, { window: '1d', aggregate: 'pod', idle: false });
  const nodes = new Set(pods.map((p) => p.properties.node).filter((n): n is string => n !== undefined));
  return {
    rates: estimateRates,
    notes,
    facts(r: EstimateRates): ClusterFacts {
      interface Acc {
        minutes: number;
        parts: { minutes: number; hourly: number; pvCost: number }[];
        job: boolean;
      }
      const groups = new Map<string, Acc>();
      for (const p of pods) {
        const kind = p.properties.controllerKind?.toLowerCase() ?? 'pod';
        const name = p.properties.controller ?? p.properties.pod ?? p.name;
        const key = `${kind}/${p.properties.namespace ?? ''}/${name}`;
        let g = groups.get(key);
        if (!g) {
          g = { minutes: 0, parts: [], job: kind === 'job' || kind === 'cronjob' };
          groups.set(key, g);
        }
        g.minutes = Math.max(g.minutes, p.minutes);
        g.parts.push({ minutes: p.minutes, hourly: p.cpuCoreRequestAverage * r.rates.cpuCoreHourUsd + (p.ramByteRequestAverage / BYTES_PER_GIB) * r.rates.ramGiBHourUsd, pvCost: p.pvCost });
      }
      return {
        nodeCount: nodes.size,
        current(kind, namespace, name) {
          const g = groups.get(`${kind.toLowerCase()}/${namespace}/${name}`);
          if (!g || g.minutes <= 0) return undefined;
          const hours = g.job ? (options.jobHoursPerMonth ?? HOURS_PER_MONTH) : HOURS_PER_MONTH;
          let usd = 0;
          for (const part of g.parts) usd += part.hourly * (part.minutes / g.minutes) * hours + (part.pvCost / g.minutes) * 60 * HOURS_PER_MONTH;
          return usd;
        },
      };
    },
  };
}
