// What node agents would measure on the demo cluster: each running pod's egress by destination
// over a 15 s interval (pure: a function of the seed, the pod and the time). Its size follows the
// day as the demo's usage does; its mix depends on what the pod is: ingress and checkout talk to
// the internet, data pipelines across zones, everything else mostly within its zone; a few percent
// stay unclassified, as on a real node (connections opened and closed between two reads).
import type { ClusterSnapshot } from '../core/model.ts';
import { podKey } from '../core/model.ts';
import type { PodEgress } from '../core/network-cost.ts';
import { diurnalLoad } from './demo-objects.ts';
import { hashString, unitOf } from './random.ts';

/** The agents' interval. */
const SECONDS = 15;

/** Share of bytes to in-zone, cross-zone and internet destinations; the rest is unclassified. */
function mix(namespace: string): readonly [number, number, number] {
  if (namespace === 'ingress-nginx' || namespace === 'checkout' || namespace === 'payments') return [0.45, 0.2, 0.3];
  if (namespace === 'data-pipeline' || namespace === 'analytics' || namespace === 'logging' || namespace === 'monitoring') return [0.5, 0.42, 0.03];
  return [0.7, 0.2, 0.05];
}

export function demoEgress(snapshot: Pick<ClusterSnapshot, 'pods'>, nowMs: number, seed: number): Map<string, PodEgress> {
  const out = new Map<string, PodEgress>();
  const load = 0.25 + 0.75 * diurnalLoad(nowMs);
  for (const pod of snapshot.pods) {
    if (pod.phase !== 'Running') continue;
    const key = podKey(pod.namespace, pod.name);
    const h = hashString(key, seed >>> 0);
    // 20 KB/s to 2 MB/s at the day's peak, log-uniform over the pods.
    const bytesPerSecond = 20_000 * 100 ** unitOf(h, 1) * load;
    const total = Math.round(bytesPerSecond * SECONDS);
    const [inZone, crossZone, internet] = mix(pod.namespace);
    const inZoneBytes = Math.round(total * inZone);
    const crossZoneBytes = Math.round(total * crossZone);
    const internetBytes = Math.round(total * internet);
    out.set(key, { inZoneBytes, crossZoneBytes, internetBytes, unclassifiedBytes: Math.max(0, total - inZoneBytes - crossZoneBytes - internetBytes), seconds: SECONDS });
  }
  return out;
}
