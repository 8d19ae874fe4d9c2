// /proc/net/dev and /proc/net/nf_conntrack fixtures → bytes per pod and egress by destination.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentParseError } from '../src/agent/errors.ts';
import type { ZoneMap } from '../src/agent/network.ts';
import { classifyDestination, classifyEgress, parseCidr, parseConntrack, parseIp, parseNetDev, podFlows, podInterfaceTotals } from '../src/agent/network.ts';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:   40504    9969    0    0    0     0          0         0    40504    9969    0    0    0     0       0          0
  eth0: 182840431    4286    0    0    0     0          0         0   325050    2848    0    0    0     0       0          0
  net1:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0
`;

test('/proc/net/dev: per interface; a pod totals every interface but loopback', () => {
  const ifaces = parseNetDev(NET_DEV, '/proc/4242/net/dev');
  assert.deepEqual(ifaces.get('eth0'), { rxBytes: 182840431, rxPackets: 4286, txBytes: 325050, txPackets: 2848 });
  assert.deepEqual(podInterfaceTotals(ifaces), { rxBytes: 182841431, rxPackets: 4296, txBytes: 327050, txPackets: 2868 });
  assert.throws(() => parseNetDev('eth0: 1 2 3\n', '/proc/1/net/dev'), (e: unknown) => e instanceof AgentParseError && e.message === '/proc/1/net/dev: header: not a /proc/net/dev header (got "eth0: 1 2 3")');
  assert.throws(
    () => parseNetDev(`${NET_DEV.split('\n').slice(0, 2).join('\n')}\n  eth0: 1 2 3\n`, '/proc/1/net/dev'),
    (e: unknown) => e instanceof AgentParseError && e.message === '/proc/1/net/dev: eth0: expected 16 counters, got 3 (got "eth0: 1 2 3")',
  );
});

// Pod 10.0.1.5 (node in us-east-1a) talks to: a pod in its zone, a pod in 1b (through a service
// IP, DNATed: the reply's source is the backend), the internet, and an unknown private address;
// and answers a client in 1b. Byte counts need nf_conntrack_acct=1.
const CONNTRACK = [
  'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.1.5 dst=10.0.1.9 sport=40000 dport=8080 packets=10 bytes=1000 src=10.0.1.9 dst=10.0.1.5 sport=8080 dport=40000 packets=10 bytes=5000 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.1.5 dst=172.20.0.10 sport=40001 dport=80 packets=20 bytes=20000 src=10.0.2.7 dst=10.0.1.5 sport=8080 dport=40001 packets=20 bytes=100 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 tcp      6 86399 ESTABLISHED src=10.0.1.5 dst=52.94.236.248 sport=40002 dport=443 packets=30 bytes=300000 src=52.94.236.248 dst=192.168.10.4 sport=443 dport=40002 packets=25 bytes=900 [ASSURED] mark=0 zone=0 use=2',
  'ipv4     2 udp      17 29 src=10.0.1.5 dst=192.168.99.1 sport=5353 dport=53 packets=1 bytes=70 src=192.168.99.1 dst=10.0.1.5 sport=53 dport=5353 packets=1 bytes=150 mark=0 zone=0 use=2',
  'ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.2.8 dst=10.0.1.5 sport=50000 dport=9090 packets=5 bytes=400 src=10.0.1.5 dst=10.0.2.8 sport=9090 dport=50000 packets=5 bytes=7000 [ASSURED] mark=0 zone=0 use=2',
  'ipv6     10 tcp      6 431999 ESTABLISHED src=fd00::5 dst=2600:1f18::1 sport=40003 dport=443 packets=1 bytes=60 src=2600:1f18::1 dst=fd00::5 sport=443 dport=40003 packets=1 bytes=60 [ASSURED] mark=0 zone=0 use=2',
].join('\n');

const ZONES: ZoneMap = {
  localZone: 'us-east-1a',
  zoned: [
    { cidr: parseCidr('10.0.1.0/24', 'node a'), zone: 'us-east-1a' },
    { cidr: parseCidr('10.0.2.0/24', 'node b'), zone: 'us-east-1b' },
    { cidr: parseCidr('192.168.10.4/32', 'node a InternalIP'), zone: 'us-east-1a' },
  ],
  cluster: [parseCidr('172.20.0.0/16', '--service-cidr')],
};

test('conntrack lines: original and reply tuples with byte counts', () => {
  const entries = parseConntrack(CONNTRACK, '/proc/net/nf_conntrack');
  assert.equal(entries.length, 6);
  assert.deepEqual(entries[1], {
    family: 'ipv4',
    protocol: 'tcp',
    original: { src: '10.0.1.5', dst: '172.20.0.10', sport: 40001, dport: 80, bytes: 20000 },
    reply: { src: '10.0.2.7', dst: '10.0.1.5', sport: 8080, dport: 40001, bytes: 100 },
  });
  const noAcct = parseConntrack('ipv4 2 tcp 6 10 ESTABLISHED src=10.0.1.5 dst=1.1.1.1 sport=1 dport=2 src=1.1.1.1 dst=10.0.1.5 sport=2 dport=1 mark=0 use=1', 'f');
  assert.equal(noAcct[0]!.original.bytes, undefined);
  assert.throws(() => parseConntrack('ipx 2 tcp', '/proc/net/nf_conntrack'), (e: unknown) => e instanceof AgentParseError && e.message === '/proc/net/nf_conntrack: line 1 family: expected ipv4 or ipv6 (got "ipx")');
  assert.throws(() => parseConntrack('ipv4 2 tcp 6 10 src=1.1.1.1 dst=2.2.2.2', 'f'), (e: unknown) => e instanceof AgentParseError && /line 1: expected an original and a reply tuple/.test(e.message));
});

test('destinations: in-zone, cross-zone, internet, unclassified', () => {
  const cases: [string, string][] = [
    ['10.0.1.9', 'in-zone'],
    ['10.0.2.7', 'cross-zone'],
    ['192.168.10.4', 'in-zone'], // a node address, longest prefix wins
    ['52.94.236.248', 'internet'],
    ['2600:1f18::1', 'internet'],
    ['172.20.0.10', 'unclassified'], // a service IP not translated
    ['192.168.99.1', 'unclassified'], // private, nobody's
    ['fd00::9', 'unclassified'],
    ['not-an-ip', 'unclassified'],
  ];
  for (const [ip, want] of cases) assert.equal(classifyDestination(ip, ZONES), want, ip);
  assert.equal(classifyDestination('10.0.2.7', { ...ZONES, localZone: undefined }), 'unclassified');
  assert.deepEqual(parseIp('::ffff:10.0.0.1'), { family: 6, value: 0xffff0a000001n });
  assert.throws(() => parseCidr('10.0.0.0/33', '--service-cidr'), (e: unknown) => e instanceof AgentParseError && e.message === '--service-cidr: cidr: not an IP address or CIDR (got "10.0.0.0/33")');
});

test('egress per pod over an interval, bounded by the pod interface counters', () => {
  const entries = parseConntrack(CONNTRACK, 'f');
  const flows = podFlows(entries, new Set(['10.0.1.5']));
  assert.equal(flows.length, 5);
  // First interval: no previous counters; every flow counts from zero. The pod's eth0 sent
  // 340,000 bytes: 1000 (in-zone) + 20000 (cross-zone, via the service) + 300000 (internet)
  // + 70 (unclassified DNS) + 7000 (answering a 1b client: cross-zone) = 328,070; 11,930 unexplained.
  const first = classifyEgress({ flows, previous: new Map(), zones: ZONES, txBytesByIp: new Map([['10.0.1.5', 340_000]]) });
  assert.deepEqual(first.byIp.get('10.0.1.5'), { inZoneBytes: 1000, crossZoneBytes: 27_000, internetBytes: 300_000, unclassifiedBytes: 70 + 11_930 });
  // Second interval: the internet flow grew by 50,000, the rest did not move; eth0 sent 50,000.
  const later = parseConntrack(CONNTRACK.replace('bytes=300000', 'bytes=350000'), 'f');
  const second = classifyEgress({ flows: podFlows(later, new Set(['10.0.1.5'])), previous: first.counters, zones: ZONES, txBytesByIp: new Map([['10.0.1.5', 50_000]]) });
  assert.deepEqual(second.byIp.get('10.0.1.5'), { inZoneBytes: 0, crossZoneBytes: 0, internetBytes: 50_000, unclassifiedBytes: 0 });
  // Accounting off: nothing is classified; all the interface's bytes are unclassified.
  const off = classifyEgress({ flows: podFlows(parseConntrack(CONNTRACK.replace(/ bytes=\d+/g, ''), 'f'), new Set(['10.0.1.5'])), previous: new Map(), zones: ZONES, txBytesByIp: new Map([['10.0.1.5', 1234]]) });
  assert.deepEqual(off.byIp.get('10.0.1.5'), { inZoneBytes: 0, crossZoneBytes: 0, internetBytes: 0, unclassifiedBytes: 1234 });
});
