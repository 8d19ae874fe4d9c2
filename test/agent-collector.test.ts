// The collector over a fixture node: cgroup tree, the host's /proc (processes, their cgroups and
// network namespaces, the connection table), the API server's pod and node lists, nvidia-smi.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCollector } from '../src/agent/collector.ts';
import { containerId, podUid, writeCgroupTree } from '../src/agent/fixtures.test-util.ts';

const A = podUid(0xa);
const CA = containerId(0xca);
const netDev = (tx: number, rx: number): string =>
  `Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:  999  9 0 0 0 0 0 0  999  9 0 0 0 0 0 0\n  eth0: ${rx} 10 0 0 0 0 0 0 ${tx} 10 0 0 0 0 0 0\n`;
const conntrack = (internetBytes: number, crossZoneBytes: number): string =>
  [
    `ipv4 2 tcp 6 86399 ESTABLISHED src=10.0.1.5 dst=52.94.236.248 sport=40002 dport=443 packets=30 bytes=${internetBytes} src=52.94.236.248 dst=192.168.10.4 sport=443 dport=40002 packets=25 bytes=900 [ASSURED] mark=0 zone=0 use=2`,
    `ipv4 2 tcp 6 431999 ESTABLISHED src=10.0.1.5 dst=172.20.0.10 sport=40001 dport=80 packets=20 bytes=${crossZoneBytes} src=10.0.2.7 dst=10.0.1.5 sport=8080 dport=40001 packets=20 bytes=100 [ASSURED] mark=0 zone=0 use=2`,
  ].join('\n');

const PODS = {
  kind: 'PodList',
  items: [{ metadata: { uid: A, namespace: 'shop', name: 'web-0' }, status: { podIP: '10.0.1.5', containerStatuses: [{ name: 'web', containerID: `cri-o://${CA}` }] } }],
};
const NODES = {
  kind: 'NodeList',
  items: [
    { metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } }, spec: { podCIDRs: ['10.0.1.0/24'] }, status: { addresses: [{ type: 'InternalIP', address: '192.168.10.4' }] } },
    { metadata: { name: 'node-b', labels: { 'topology.kubernetes.io/zone': 'us-east-1b' } }, spec: { podCIDR: '10.0.2.0/24' } },
  ],
};

test('network bytes per pod through a process found in the host /proc, egress by destination, names from the API server, GPU from nvidia-smi', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kce-node-'));
  const cg = join(root, 'cgroup');
  const proc = join(root, 'proc');
  try {
    const pods = (cpuUsec: number) => [{ uid: A, qos: 'burstable' as const, counters: { cpuUsec, memoryBytes: 1000, inactiveFileBytes: 0 }, containers: [{ id: CA, counters: { cpuUsec, memoryBytes: 1000, inactiveFileBytes: 0 } }] }];
    writeCgroupTree(cg, { version: 'v2', driver: 'systemd', runtime: 'cri-o', pods: pods(0) });
    // Process 4242 of the pod (its cgroup.procs in the tree is empty, as without hostPID); 17 is a host daemon.
    mkdirSync(join(proc, '4242', 'net'), { recursive: true });
    mkdirSync(join(proc, '17', 'net'), { recursive: true });
    mkdirSync(join(proc, '1', 'net'), { recursive: true });
    writeFileSync(join(proc, '4242', 'cgroup'), `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${A.replaceAll('-', '_')}.slice/crio-${CA}.scope\n`);
    writeFileSync(join(proc, '17', 'cgroup'), '0::/system.slice/containerd.service\n');
    writeFileSync(join(proc, '17', 'net', 'dev'), netDev(1, 1));
    writeFileSync(join(proc, '4242', 'net', 'dev'), netDev(1_000_000, 5_000));
    writeFileSync(join(proc, '1', 'net', 'nf_conntrack'), conntrack(200_000, 10_000));
    let clock = 0;
    const smi: Record<string, string> = {
      '--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total': 'index, uuid, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n0, GPU-1, Tesla T4, 50 %, 100 MiB, 15360 MiB\n',
      '--query-compute-apps=pid,gpu_uuid,used_memory': 'pid, gpu_uuid, used_gpu_memory [MiB]\n4242, GPU-1, 100 MiB\n',
    };
    const collector = createCollector({
      nodeName: 'node-a',
      cgroupRoot: cg,
      procRoot: proc,
      network: true,
      conntrack: true,
      serviceCidrs: ['172.20.0.0/16'],
      directory: { podsOnNode: async () => PODS, nodes: async () => NODES },
      gpu: { kind: 'nvidia-smi', run: async (args) => smi[args[0]!]! },
      now: () => clock,
    });
    assert.equal(await collector.collect(), undefined, 'the first collection is a baseline');

    // 10 s later: eth0 sent 400,000 more bytes; conntrack explains 100,000 to the internet and
    // 50,000 cross-zone (via the service, to the backend 10.0.2.7 in us-east-1b); 250,000 unexplained.
    clock = 10_000;
    writeCgroupTree(cg, { version: 'v2', driver: 'systemd', runtime: 'cri-o', pods: pods(5_000_000) });
    writeFileSync(join(proc, '4242', 'net', 'dev'), netDev(1_400_000, 9_000));
    writeFileSync(join(proc, '1', 'net', 'nf_conntrack'), conntrack(300_000, 60_000));
    const report = (await collector.collect())!;
    assert.deepEqual(report.warnings, []);
    const pod = report.pods[0]!;
    assert.deepEqual([pod.namespace, pod.name, pod.containers[0]!.name, pod.containers[0]!.runtime], ['shop', 'web-0', 'web', 'cri-o']);
    assert.equal(pod.cpuCores, 0.5);
    assert.deepEqual(pod.network, { rxBytes: 4000, txBytes: 400_000, egress: { inZoneBytes: 0, crossZoneBytes: 50_000, internetBytes: 100_000, unclassifiedBytes: 250_000 } });
    assert.deepEqual(pod.gpu, { devices: 1, utilizationGpus: 0.5, memoryUsedBytes: 100 * 1024 * 1024 });

    // The connection table unreadable: network bytes still, egress absent, a warning says why.
    rmSync(join(proc, '1', 'net', 'nf_conntrack'));
    clock = 20_000;
    const third = (await collector.collect())!;
    assert.equal(third.pods[0]!.network?.egress, undefined);
    assert.match(third.warnings[0]!, /nf_conntrack: not readable; egress is not classified/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
