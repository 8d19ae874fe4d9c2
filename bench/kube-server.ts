// The test API server as its own process for bench/kube.ts, so that its memory is not counted as
// the collector's. Usage: node bench/kube-server.ts --pods N
// Pods: 10 per ReplicaSet, 100 per node (32 vCPU, 128 GiB), 50 namespaces, two containers each,
// with managedFields, last-applied-configuration and full status as a real API server sends them.
// Prints one JSON line {url, caPem, token, pods, nodes} when ready, then obeys lines on stdin:
//   churn RATE SECONDS   → RATE watch events per second for SECONDS (60% MODIFIED, 20% ADDED,
//                          20% DELETED: the pod count stays level); prints {churned, events, ms}
//   exit
import { createInterface } from 'node:readline';
import { namespaceObject, nodeObject, podObject } from '../test/kube-apiserver/objects.ts';
import { startFakeApiServer } from '../test/kube-apiserver/server.ts';

const args = process.argv.slice(2);
const pods = Number(args[args.indexOf('--pods') + 1] ?? '10000');
const PODS_PER_NODE = 100;
const NAMESPACES = 50;
const nodes = Math.ceil(pods / PODS_PER_NODE);

const server = await startFakeApiServer({ token: 'bench', recordRequests: false, historyLimit: 200_000 });
const nodeName = (n: number): string => `ip-10-${Math.floor(n / 250)}-${n % 250}-1.ec2.internal`;
const startMs = Date.UTC(2026, 0, 1);
/** Pod `i` of ReplicaSet `i / 10`; its pods share namespace and labels, as a Deployment's do. */
const workerPod = (i: number, restarts = 0): Record<string, unknown> => {
  const rs = Math.floor(i / 10);
  const team = `team-${rs % NAMESPACES}`;
  const pod = podObject({
    namespace: team,
    name: `api-${rs}-7d4b9c8f5-${i.toString(36).padStart(5, '0')}`,
    node: nodeName(i % nodes),
    labels: { app: `api-${rs}`, 'pod-template-hash': '7d4b9c8f5', team, 'app.kubernetes.io/part-of': 'storefront' },
    owner: { kind: 'ReplicaSet', name: `api-${rs}-7d4b9c8f5` },
    containers: [
      { name: 'app', cpu: '250m', memory: '512Mi', limitMemory: '1Gi' },
      { name: 'istio-proxy', cpu: '100m', memory: '128Mi' },
    ],
    startMs,
  });
  // What most MODIFIED events are: status changes (a restart, a probe), labels untouched.
  const statuses = (pod['status'] as { containerStatuses: { restartCount: number }[] }).containerStatuses;
  if (statuses[0]) statuses[0].restartCount = restarts;
  return pod;
};

for (let ns = 0; ns < NAMESPACES; ns++) server.apply(namespaceObject(`team-${ns}`, { team: `team-${ns}` }));
for (let n = 0; n < nodes; n++) server.apply(nodeObject({ name: nodeName(n), cpu: '32', memory: '128Gi', instanceType: 'm5.8xlarge' }));
for (let i = 0; i < pods; i++) server.apply(workerPod(i));
server.compact(); // history of the initial load is not needed

process.stdout.write(`${JSON.stringify({ url: server.url, caPem: server.caPem, token: 'bench', pods, nodes })}\n`);

let next = pods;
const live: number[] = Array.from({ length: pods }, (_, i) => i);
let restarts = 0;

async function churn(rate: number, seconds: number): Promise<number> {
  const started = performance.now();
  let events = 0;
  let k = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (events < due) {
      const r = k++ % 10;
      if (r < 6) {
        const i = live[(k * 7919) % live.length]!;
        server.apply(workerPod(i, ++restarts));
        events++;
      } else if (r < 8) {
        server.apply(workerPod(next));
        live.push(next++);
        events++;
      } else {
        const at = (k * 104_729) % live.length;
        const i = live[at]!;
        live[at] = live[live.length - 1]!;
        live.pop();
        const p = workerPod(i);
        const meta = p['metadata'] as { namespace: string; name: string };
        server.remove('Pod', meta.namespace, meta.name);
        events++;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return events;
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [cmd, a, b] = line.trim().split(/\s+/);
  if (cmd === 'churn') {
    const t = performance.now();
    const events = await churn(Number(a), Number(b));
    process.stdout.write(`${JSON.stringify({ churned: true, events, ms: Math.round(performance.now() - t) })}\n`);
  } else if (cmd === 'exit') {
    break;
  }
}
await server.close();
process.exit(0);
