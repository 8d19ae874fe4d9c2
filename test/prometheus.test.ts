// End to end with the real parts: the exporter on a snapshot, a real Prometheus scraping it, PromQL
// answers checked against the costs, and promtool checking the exposition.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadServeConfig, parseArgs } from '../src/cli/config.ts';
import type { RunningServer } from '../src/cli/serve.ts';
import { startServer } from '../src/cli/serve.ts';
import { memoryLogger } from '../src/server/log.ts';
import type { RunningPrometheus } from './helpers/prometheus.ts';
import { promtool, startPrometheus } from './helpers/prometheus.ts';

const examples = new URL('../examples/', import.meta.url).pathname;

let exporter: RunningServer;
let prometheus: RunningPrometheus;

before(async () => {
  const config = loadServeConfig(parseArgs(['--snapshot', `${examples}cluster.json`, '--snapshot', `${examples}metrics.json`, '--interval', '2s', '--cluster-id', 'example']), {});
  exporter = await startServer({ ...config, port: 0, host: '127.0.0.1' }, memoryLogger(), 'test');
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${exporter.port}`] });
});

after(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

const value = (samples: { value: [number, string] }[]): number => Number(samples[0]?.value[1]);

test('Prometheus scrapes the exporter and sum(kube_cost_pod_hourly_usd) * 730 is the monthly total', async () => {
  const report = exporter.exporter.report();
  assert.ok(report, 'exporter has a report');
  const series = report.pods.length + report.pseudo.length;
  assert.ok(report.pods.length >= 50, `example snapshot has ${report.pods.length} costed pods`);
  await prometheus.waitFor('count(kube_cost_pod_hourly_usd)', (r) => value(r) === series);

  const up = await prometheus.query('up{job="kube-cost-exporter"}');
  assert.equal(value(up), 1);

  const expectedMonthly = (report.cluster.totalHourlyUsd - report.cluster.managementHourlyUsd) * 730;
  const monthly = value(await prometheus.query('sum(kube_cost_pod_hourly_usd) * 730'));
  assert.ok(Math.abs(monthly - expectedMonthly) < 1e-6 * expectedMonthly, `PromQL ${monthly} vs model ${expectedMonthly}`);

  const clusterMonthly = value(await prometheus.query('kube_cost_cluster_monthly_usd{cluster="example"}'));
  assert.ok(Math.abs(clusterMonthly - report.cluster.totalHourlyUsd * 730) < 1e-6 * clusterMonthly);

  // Namespaces add up to the pods, and the components to the cluster.
  const nsSum = value(await prometheus.query('sum(kube_cost_namespace_hourly_usd)'));
  const podSum = value(await prometheus.query('sum(kube_cost_pod_hourly_usd)'));
  assert.ok(Math.abs(nsSum - podSum) < 1e-9 * podSum);
  const components = value(await prometheus.query('sum(kube_cost_cluster_component_hourly_usd)'));
  assert.ok(Math.abs(components - report.cluster.totalHourlyUsd) < 1e-9 * components);

  // Every sample carries the cluster label; the demo marker is absent on a snapshot.
  const unlabelled = await prometheus.query('count({__name__=~"kube_cost_.+", cluster!="example"})');
  assert.equal(unlabelled.length, 0);
  assert.equal(value(await prometheus.query('kube_cost_source_info')), 1);
  assert.equal((await prometheus.query('kube_cost_source_info{source="snapshot"}')).length, 1);
});

test('promtool check metrics finds no problem in the exposition', async () => {
  const text = await (await fetch(`${exporter.url.replace('localhost', '127.0.0.1')}/metrics`)).text();
  assert.ok(text.includes('kube_cost_pod_hourly_usd{'));
  const { status, output } = promtool(['check', 'metrics'], text);
  assert.equal(output.trim(), '', `promtool reported: ${output}`);
  assert.equal(status, 0);
});
