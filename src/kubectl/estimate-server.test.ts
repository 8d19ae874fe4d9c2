import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverEstimateData } from './estimate-server.ts';
import type { Fetcher } from './server.ts';

const GIB = 1024 ** 3;

// An exporter's answers in OpenCost's shape, keyed by the `aggregate` asked for.
function fetcherOf(answers: Record<string, unknown>): Fetcher & { queries: Record<string, string>[] } {
  const queries: Record<string, string>[] = [];
  return {
    description: 'test',
    queries,
    async get(path, query) {
      assert.equal(path, '/api/v1/allocation');
      queries.push({ ...query });
      return { code: 200, status: 'success', data: [answers[query['aggregate'] ?? ''] ?? {}] };
    },
  };
}

describe('serverEstimateData (rates and current costs from the allocation API)', () => {
  const fetcher = fetcherOf({
    cluster: {
      cluster: {
        name: 'cluster',
        minutes: 1440,
        // 100 core-hours for $10 → $0.10/vCPU-h; 400 GiB-hours for $2 → $0.005/GiB-h;
        // 7,300 GiB-hours of volumes for $1 → $1/7300 per GiB-h × 730 = $0.10/GiB-month.
        cpuCost: 10,
        cpuCoreHours: 100,
        ramCost: 2,
        ramByteHours: 400 * GIB,
        gpuCost: 0,
        gpuHours: 0,
        pvCost: 1,
        pvByteHours: 7300 * GIB,
      },
    },
    pod: {
      'shop/web-1': { name: 'shop/web-1', properties: { namespace: 'shop', pod: 'web-1', node: 'n1', controller: 'web', controllerKind: 'deployment' }, minutes: 1440, cpuCoreRequestAverage: 0.5, ramByteRequestAverage: 1 * GIB, pvCost: 0 },
      // ran half the window
      'shop/web-2': { name: 'shop/web-2', properties: { namespace: 'shop', pod: 'web-2', node: 'n2', controller: 'web', controllerKind: 'deployment' }, minutes: 720, cpuCoreRequestAverage: 0.5, ramByteRequestAverage: 1 * GIB, pvCost: 0 },
      // $0.24 of volume over the day → 0.24 / 1440 × 60 × 730 = $7.30/month
      'shop/db-0': { name: 'shop/db-0', properties: { namespace: 'shop', pod: 'db-0', node: 'n2', controller: 'db', controllerKind: 'statefulset' }, minutes: 1440, cpuCoreRequestAverage: 1, ramByteRequestAverage: 2 * GIB, pvCost: 0.24 },
    },
  });

  it('derives unit rates from the cluster allocation', async () => {
    const data = await serverEstimateData(fetcher);
    assert.equal(data.rates.rates.cpuCoreHourUsd, 0.1);
    assert.equal(data.rates.rates.ramGiBHourUsd, 0.005);
    assert.equal(Number(data.rates.storage('').gibMonthUsd.toFixed(12)), 0.1);
    assert.match(data.notes[0] ?? '', /no GPU hours in the cluster: GPU priced at the catalog default/);
    assert.deepEqual(fetcher.queries[0], { window: '1d', aggregate: 'cluster', accumulate: 'true', includeIdle: 'false' });
  });

  it('current monthly cost of a workload: its pods\' requests × the rates, weighted by the time they ran', async () => {
    const data = await serverEstimateData(fetcher);
    const facts = data.facts(data.rates);
    // pod: 0.5 × 0.1 + 1 × 0.005 = $0.055/h; web-1 all day, web-2 half: 0.055 × (1 + 0.5) × 730 = 60.225
    assert.equal(Number(facts.current('Deployment', 'shop', 'web')?.toFixed(6)), 60.225);
    // db: (1 × 0.1 + 2 × 0.005) × 730 = 80.3, plus its volume 7.3 = 87.6
    assert.equal(Number(facts.current('StatefulSet', 'shop', 'db')?.toFixed(6)), 87.6);
    assert.equal(facts.current('Deployment', 'shop', 'nope'), undefined);
    assert.equal(facts.nodeCount, 2);
  });
});
