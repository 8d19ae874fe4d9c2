import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GiB, res } from './fixtures.test-util.ts';
import type { PriceQuote } from './pricing.ts';
import { DEFAULT_SPLIT_RATIOS, nodeRates } from './rates.ts';

const close = (actual: number, expected: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
};

test('OpenCost ratios', () => {
  // 0.031611 / 0.004237 and 0.95 / 0.004237
  close(DEFAULT_SPLIT_RATIOS.cpuToRam, 7.460703327826292, 'cpuToRam');
  close(DEFAULT_SPLIT_RATIOS.gpuToRam, 224.21524663677127, 'gpuToRam');
});

test('instance price split into per-resource rates', () => {
  const table: { name: string; quote: PriceQuote; capacity: ReturnType<typeof res>; cpu: number; ram: number; gpu: number; hourly: number }[] = [
    {
      // m5.large: 2 vCPU, 8 GiB, $0.096/h. weight = 2·7.460703327826292 + 8 = 22.921406655652582
      // ram = 0.096 / 22.921406655652582 = 0.004188224633950453; cpu = ram · 7.4607… = 0.031247101464198197
      name: 'm5.large',
      quote: { kind: 'instance', hourlyUsd: 0.096 },
      capacity: res(2000, 8 * GiB),
      cpu: 0.031247101464198197,
      ram: 0.004188224633950453,
      gpu: 0.004188224633950453 * 224.21524663677127,
      hourly: 0.096,
    },
    {
      // g4dn.xlarge: 4 vCPU, 16 GiB, 1 GPU, $0.526/h. weight = 4·7.4607… + 16 + 224.2152… = 270.05805994807645
      // ram = 0.526 / 270.05805994807645 = 0.001947729314581957; gpu = ram · 224.2152… = 0.43671060865066297
      name: 'g4dn.xlarge',
      quote: { kind: 'instance', hourlyUsd: 0.526 },
      capacity: res(4000, 16 * GiB, 1),
      cpu: 0.01453143057900643,
      ram: 0.001947729314581957,
      gpu: 0.43671060865066297,
      hourly: 0.526,
    },
    {
      // Per-resource quote (GCP/custom): kept as is; hourly = 4·0.03 + 16·0.004 + 1·0.35 = 0.534
      name: 'rates',
      quote: { kind: 'rates', rates: { cpuCoreHourUsd: 0.03, ramGiBHourUsd: 0.004, gpuHourUsd: 0.35 } },
      capacity: res(4000, 16 * GiB, 1),
      cpu: 0.03,
      ram: 0.004,
      gpu: 0.35,
      hourly: 0.534,
    },
  ];
  for (const row of table) {
    const { rates, hourlyUsd } = nodeRates(row.quote, row.capacity);
    close(rates.cpuCoreHourUsd, row.cpu, `${row.name} cpu`);
    close(rates.ramGiBHourUsd, row.ram, `${row.name} ram`);
    close(rates.gpuHourUsd, row.gpu, `${row.name} gpu`);
    close(hourlyUsd, row.hourly, `${row.name} hourly`);
    // The split always adds back up to the node price.
    const sum = (row.capacity.cpuMillicores / 1000) * rates.cpuCoreHourUsd + (row.capacity.ramBytes / GiB) * rates.ramGiBHourUsd + row.capacity.gpus * rates.gpuHourUsd;
    close(sum, row.hourly, `${row.name} sum`);
  }
});

test('a node without capacity keeps its whole price and gets zero rates', () => {
  const { rates, hourlyUsd } = nodeRates({ kind: 'instance', hourlyUsd: 0.5 }, res(0, 0));
  assert.deepEqual(rates, { cpuCoreHourUsd: 0, ramGiBHourUsd: 0, gpuHourUsd: 0 });
  assert.equal(hourlyUsd, 0.5);
});
