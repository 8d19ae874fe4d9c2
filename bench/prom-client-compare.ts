// Why the cost families are not rendered with prom-client: the same gauge family with N pod
// series, rendered by prom-client's registry and by our writer (docs/decisions/0003).
import { Gauge, Registry } from 'prom-client';
import { ExpositionWriter, labelText } from '../src/server/exposition.ts';

export async function compareWithPromClient(series: number, repeats = 9): Promise<{ series: number; oursMs: number; promClientMs: number }> {
  const rows = Array.from({ length: series }, (_, i) => ({ namespace: `ns-${i % 50}`, pod: `pod-${i}`, node: `node-${i % 1000}`, value: 0.01 + i / 1e6 }));
  const registry = new Registry();
  const gauge = new Gauge({ name: 'kube_cost_pod_hourly_usd', help: 'Hourly cost of a pod in USD.', labelNames: ['namespace', 'pod', 'node'], registers: [registry] });
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const prom: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < repeats; r++) {
    // Both include setting the values of a new cycle and rendering the text.
    let t = performance.now();
    gauge.reset();
    for (const row of rows) gauge.set({ namespace: row.namespace, pod: row.pod, node: row.node }, row.value);
    await registry.metrics();
    prom.push(performance.now() - t);
    t = performance.now();
    const w = new ExpositionWriter('prometheus');
    w.family('kube_cost_pod_hourly_usd', 'gauge', 'Hourly cost of a pod in USD.');
    for (const row of rows) w.sample(labelText({ namespace: row.namespace, pod: row.pod, node: row.node }), row.value);
    w.toString();
    ours.push(performance.now() - t);
  }
  return { series, oursMs: median(ours), promClientMs: median(prom) };
}
