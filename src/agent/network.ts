// Network accounting, pure: `/proc/<pid>/net/dev` (a pod's network namespace: bytes per interface)
// and `/proc/net/nf_conntrack` (the node's connection table: who talks to whom, with byte counts
// when `net.netfilter.nf_conntrack_acct=1`), and the classification of a pod's egress by where it
// goes: in-zone, cross-zone, internet, or unclassified.
import { AgentParseError } from './errors.ts';

export interface InterfaceCounters {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly txBytes: number;
  readonly txPackets: number;
}

function num(text: string | undefined, file: string, field: string): number {
  const t = text ?? '';
  if (!/^\d+$/.test(t)) throw new AgentParseError(file, field, t.slice(0, 80), 'not a non-negative integer');
  return Number(t);
}

/** `/proc/net/dev`: two header lines, then `iface: rx(8 fields) tx(8 fields)`. */
export function parseNetDev(text: string, file: string): Map<string, InterfaceCounters> {
  const out = new Map<string, InterfaceCounters>();
  const lines = text.split('\n');
  if (!(lines[0] ?? '').includes('|') || !(lines[1] ?? '').includes('|')) throw new AgentParseError(file, 'header', (lines[0] ?? '').slice(0, 80), 'not a /proc/net/dev header');
  for (const raw of lines.slice(2)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AgentParseError(file, 'line', line.slice(0, 80), 'expected "interface: counters"');
    const iface = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 16) throw new AgentParseError(file, iface, line.slice(0, 80), `expected 16 counters, got ${f.length}`);
    out.set(iface, { rxBytes: num(f[0], file, `${iface} rx bytes`), rxPackets: num(f[1], file, `${iface} rx packets`), txBytes: num(f[8], file, `${iface} tx bytes`), txPackets: num(f[9], file, `${iface} tx packets`) });
  }
  return out;
}

/** A pod's traffic: every interface of its namespace except loopback. */
export function podInterfaceTotals(ifaces: ReadonlyMap<string, InterfaceCounters>): InterfaceCounters {
  let rxBytes = 0;
  let rxPackets = 0;
  let txBytes = 0;
  let txPackets = 0;
  for (const [name, c] of ifaces) {
    if (name === 'lo') continue;
    rxBytes += c.rxBytes;
    rxPackets += c.rxPackets;
    txBytes += c.txBytes;
    txPackets += c.txPackets;
  }
  return { rxBytes, rxPackets, txBytes, txPackets };
}

export interface ConntrackTuple {
  readonly src: string;
  readonly dst: string;
  readonly sport: number | undefined;
  readonly dport: number | undefined;
  /** Undefined when accounting is off (`nf_conntrack_acct=0`). */
  readonly bytes: number | undefined;
}

export interface ConntrackEntry {
  readonly family: 'ipv4' | 'ipv6';
  readonly protocol: string;
  readonly original: ConntrackTuple;
  readonly reply: ConntrackTuple;
}

/**
 * `/proc/net/nf_conntrack` lines, e.g.
 * `ipv4 2 tcp 6 431999 ESTABLISHED src=10.0.1.5 dst=52.1.2.3 sport=43210 dport=443 packets=10 bytes=1500 src=52.1.2.3 dst=10.0.1.5 sport=443 dport=43210 packets=8 bytes=9000 [ASSURED] mark=0 zone=0 use=2`.
 * The first `src=` group is the original direction, the second the reply.
 */
export function parseConntrack(text: string, file: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const family = f[0];
    if (family !== 'ipv4' && family !== 'ipv6') throw new AgentParseError(file, `line ${lineNo} family`, (family ?? '').slice(0, 80), 'expected ipv4 or ipv6');
    const protocol = f[2] ?? '';
    const tuples: Record<string, string>[] = [];
    for (const token of f) {
      const eq = token.indexOf('=');
      if (eq <= 0) continue;
      const key = token.slice(0, eq);
      if (key === 'src') tuples.push({});
      const t = tuples[tuples.length - 1];
      if (t !== undefined && t[key] === undefined) t[key] = token.slice(eq + 1);
    }
    if (tuples.length < 2) throw new AgentParseError(file, `line ${lineNo}`, line.slice(0, 80), 'expected an original and a reply tuple (src=… dst=… twice)');
    const tuple = (t: Record<string, string>, dir: string): ConntrackTuple => {
      if (t['src'] === undefined || t['dst'] === undefined) throw new AgentParseError(file, `line ${lineNo} ${dir}`, line.slice(0, 80), 'missing src or dst');
      return {
        src: t['src'],
        dst: t['dst'],
        sport: t['sport'] === undefined ? undefined : num(t['sport'], file, `line ${lineNo} ${dir} sport`),
        dport: t['dport'] === undefined ? undefined : num(t['dport'], file, `line ${lineNo} ${dir} dport`),
        bytes: t['bytes'] === undefined ? undefined : num(t['bytes'], file, `line ${lineNo} ${dir} bytes`),
      };
    };
    out.push({ family, protocol, original: tuple(tuples[0]!, 'original'), reply: tuple(tuples[1]!, 'reply') });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses and CIDRs

export interface ParsedIp {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export function parseIp(text: string): ParsedIp | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    let v = 0n;
    for (const p of text.split('.')) {
      const n = Number(p);
      if (n > 255) return undefined;
      v = (v << 8n) | BigInt(n);
    }
    return { family: 4, value: v };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail4: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail4 = [v4.value >> 16n, v4.value & 0xffffn];
    // `::ffff:1.2.3.4` → groups `::ffff` + the two groups of the IPv4 tail
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(`0x${g}`) : -1n)));
  const left = group(halves[0] ?? '');
  const right = [...(halves.length === 2 ? group(halves[1] ?? '') : []), ...tail4];
  const all = halves.length === 2 ? [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right] : [...left, ...right];
  if (all.length !== 8 || all.some((g) => g < 0n)) return undefined;
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | g, 0n) };
}

export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

/** `10.0.0.0/16` → a CIDR; throws an AgentParseError naming `origin` and the value. */
export function parseCidr(text: string, origin: string): Cidr {
  const [addr = '', prefixText = ''] = text.trim().split('/');
  const ip = parseIp(addr);
  const bits = ip?.family === 4 ? 32 : 128;
  const prefix = prefixText === '' ? bits : Number(prefixText);
  if (ip === undefined || !/^\d{0,3}$/.test(prefixText) || prefix > bits) throw new AgentParseError(origin, 'cidr', text.slice(0, 80), 'not an IP address or CIDR');
  const shift = BigInt(bits - prefix);
  return { text: text.trim(), family: ip.family, base: (ip.value >> shift) << shift, prefix };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return (ip.value >> shift) << shift === cidr.base;
}

const PRIVATE: readonly Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8', 'fc00::/7', 'fe80::/10', '::1/128'].map((c) =>
  parseCidr(c, 'built-in private ranges'),
);

// ---------------------------------------------------------------------------------------------
// Classification

export type EgressClass = 'in-zone' | 'cross-zone' | 'internet' | 'unclassified';

export interface ZoneMap {
  /** The zone of this node. */
  readonly localZone: string | undefined;
  /** Node pod CIDRs and node addresses with their zone. */
  readonly zoned: readonly { readonly cidr: Cidr; readonly zone: string }[];
  /** Service and other cluster ranges whose zone cannot be known from the address alone. */
  readonly cluster: readonly Cidr[];
}

/**
 * Where traffic to `dst` goes. In a zoned range: in-zone or cross-zone (unclassified when this
 * node's own zone is unknown); a cluster range without zone (a service IP not translated) or a
 * private address nobody claims (VPC peering, on-premises): unclassified; any other: internet.
 */
export function classifyDestination(dst: string, zones: ZoneMap): EgressClass {
  const ip = parseIp(dst);
  if (ip === undefined) return 'unclassified';
  let best: { prefix: number; zone: string } | undefined;
  for (const z of zones.zoned) if (cidrContains(z.cidr, ip) && (best === undefined || z.cidr.prefix > best.prefix)) best = { prefix: z.cidr.prefix, zone: z.zone };
  if (best !== undefined) return zones.localZone === undefined ? 'unclassified' : best.zone === zones.localZone ? 'in-zone' : 'cross-zone';
  if (zones.cluster.some((c) => cidrContains(c, ip))) return 'unclassified';
  if (PRIVATE.some((c) => cidrContains(c, ip))) return 'unclassified';
  return 'internet';
}

export interface EgressBytes {
  readonly inZoneBytes: number;
  readonly crossZoneBytes: number;
  readonly internetBytes: number;
  readonly unclassifiedBytes: number;
}

export const NO_EGRESS: EgressBytes = { inZoneBytes: 0, crossZoneBytes: 0, internetBytes: 0, unclassifiedBytes: 0 };

/** A connection's identity across reads (the original tuple). */
export function connectionKey(e: ConntrackEntry): string {
  const o = e.original;
  return `${e.protocol} ${o.src} ${o.sport ?? ''} ${o.dst} ${o.dport ?? ''}`;
}

/** The bytes each pod IP sent on each connection, and where to. */
export interface PodFlow {
  readonly podIp: string;
  readonly key: string;
  /** Cumulative bytes the pod sent on this connection. */
  readonly sentBytes: number | undefined;
  /** The real peer (after DNAT: the reply's source). */
  readonly peer: string;
}

/**
 * The flows of the given pod IPs: connections they opened (sent = original bytes, peer = reply
 * source, which is the backend after a service's DNAT) and connections they answer (sent = reply
 * bytes, peer = original source).
 */
export function podFlows(entries: readonly ConntrackEntry[], podIps: ReadonlySet<string>): PodFlow[] {
  const out: PodFlow[] = [];
  for (const e of entries) {
    if (podIps.has(e.original.src)) out.push({ podIp: e.original.src, key: connectionKey(e), sentBytes: e.original.bytes, peer: e.reply.src });
    else if (podIps.has(e.reply.src)) out.push({ podIp: e.reply.src, key: `${connectionKey(e)} reply`, sentBytes: e.reply.bytes, peer: e.original.src });
  }
  return out;
}

/**
 * Egress per pod IP over an interval: each flow's byte growth since `previous` (a connection
 * absent before counts from zero), classified by its peer. `txBytesByIp` (from the pod's
 * /proc/<pid>/net/dev over the same interval) bounds the result: bytes sent that conntrack does not
 * explain (connections opened and closed between reads, accounting off) are `unclassified`.
 */
export function classifyEgress(options: {
  readonly flows: readonly PodFlow[];
  readonly previous: ReadonlyMap<string, number>;
  readonly zones: ZoneMap;
  readonly txBytesByIp: ReadonlyMap<string, number>;
}): { readonly byIp: Map<string, EgressBytes>; readonly counters: Map<string, number> } {
  const { flows, previous, zones, txBytesByIp } = options;
  const acc = new Map<string, { inZone: number; cross: number; internet: number; unclassified: number }>();
  const counters = new Map<string, number>();
  for (const f of flows) {
    if (f.sentBytes === undefined) continue;
    counters.set(f.key, f.sentBytes);
    const before = previous.get(f.key) ?? 0;
    const delta = f.sentBytes >= before ? f.sentBytes - before : f.sentBytes;
    if (delta === 0) continue;
    const a = acc.get(f.podIp) ?? { inZone: 0, cross: 0, internet: 0, unclassified: 0 };
    const c = classifyDestination(f.peer, zones);
    if (c === 'in-zone') a.inZone += delta;
    else if (c === 'cross-zone') a.cross += delta;
    else if (c === 'internet') a.internet += delta;
    else a.unclassified += delta;
    acc.set(f.podIp, a);
  }
  const byIp = new Map<string, EgressBytes>();
  for (const ip of new Set([...acc.keys(), ...txBytesByIp.keys()])) {
    const a = acc.get(ip) ?? { inZone: 0, cross: 0, internet: 0, unclassified: 0 };
    const classified = a.inZone + a.cross + a.internet + a.unclassified;
    const tx = txBytesByIp.get(ip);
    const unexplained = tx !== undefined && tx > classified ? tx - classified : 0;
    byIp.set(ip, { inZoneBytes: a.inZone, crossZoneBytes: a.cross, internetBytes: a.internet, unclassifiedBytes: a.unclassified + unexplained });
  }
  return { byIp, counters };
}
