// Parsers for the cgroup files the agent reads: pure functions over file text. Each throws an
// AgentParseError naming the file, the field and the value it could not read.
//
//   v2 (unified)   cpu.stat (usage_usec, nr_periods, nr_throttled, throttled_usec), memory.current,
//                  memory.peak, memory.stat (inactive_file), io.stat (rbytes wbytes rios wios per device)
//   v1             cpuacct.usage (ns), cpu.stat (nr_periods, nr_throttled, throttled_time in ns),
//                  memory.usage_in_bytes, memory.max_usage_in_bytes, memory.stat (total_inactive_file),
//                  blkio.throttle.io_service_bytes / io_serviced ("8:0 Read 123" lines)
import { AgentParseError } from './errors.ts';

/** Counters of one cgroup at one instant, in the units of their names. */
export interface CgroupCounters {
  /** Cumulative CPU time. */
  readonly cpuUsageUsec: number;
  readonly cpuPeriods: number;
  readonly cpuThrottledPeriods: number;
  /** Cumulative time throttled. */
  readonly cpuThrottledUsec: number;
  readonly memoryUsageBytes: number;
  /** Working set: usage − inactive file cache (what the kubelet and metrics-server report). */
  readonly memoryWorkingSetBytes: number;
  /** Highest usage seen (v2 memory.peak, v1 memory.max_usage_in_bytes); undefined when the kernel has none. */
  readonly memoryPeakBytes: number | undefined;
  readonly ioReadBytes: number;
  readonly ioWriteBytes: number;
  readonly ioReadOps: number;
  readonly ioWriteOps: number;
}

/** Space, tab, carriage return or newline: what may surround a number in a kernel file. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/**
 * The non-negative integer in text[start, end), whitespace around it allowed, without making a
 * substring (a collection parses about 3,000 numbers); NaN when it is not one. Above 2^53 the
 * digits are read again by Number(), which rounds the way the text parsers always did.
 */
function digitsIn(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return Number.NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n <= Number.MAX_SAFE_INTEGER ? n : Number(text.slice(start, end));
}

function countIn(text: string, start: number, end: number, file: string, field: string, huge = false): number {
  const n = digitsIn(text, start, end);
  if (Number.isNaN(n)) throw new AgentParseError(file, field, text.slice(start, end).trim().slice(0, 80), 'not a non-negative integer');
  if (!huge && !Number.isSafeInteger(n)) throw new AgentParseError(file, field, text.slice(start, end).trim().slice(0, 80), 'larger than 2^53');
  return n;
}

function count(text: string, file: string, field: string, huge = false): number {
  return countIn(text, 0, text.length, file, field, huge);
}

/** A file holding one number, e.g. `memory.current`, `cpuacct.usage`. */
export function parseSingleValue(text: string, file: string): number {
  return count(text, file, 'value');
}

/** `memory.peak`: a number; `max`-style values are not expected here and are an error. */
export function parseOptionalSingleValue(text: string | undefined, file: string): number | undefined {
  return text === undefined ? undefined : count(text, file, 'value');
}

/**
 * Flat keyed files (`key value` per line): cpu.stat, memory.stat. Unknown keys are kept. Values
 * above 2^53 are kept approximately: v1 memory.stat writes "no limit" as 9223372036854771712.
 */
export function parseFlatKeyed(text: string, file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    if (space <= 0) throw new AgentParseError(file, 'line', line.slice(0, 80), 'expected "key value"');
    const key = line.slice(0, space);
    out.set(key, count(line.slice(space + 1), file, key, true));
  }
  return out;
}

/**
 * One key of a flat keyed file, without parsing the others (memory.stat has some 50 lines and a
 * collection reads hundreds of them). Undefined when the key is absent; a malformed value is an error.
 */
export function statValue(text: string, key: string, file: string): number | undefined {
  let at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `);
  if (at === -1) return undefined;
  if (at > 0 || text[0] === '\n') at += 1;
  const start = at + key.length + 1;
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  return countIn(text, start, end, file, key, true);
}

function needValue(text: string, key: string, file: string): number {
  const v = statValue(text, key, file);
  if (v === undefined) throw new AgentParseError(file, key, '', 'missing');
  return v;
}

export interface CpuStat {
  readonly usageUsec: number;
  readonly periods: number;
  readonly throttledPeriods: number;
  readonly throttledUsec: number;
}

/** v2 `cpu.stat`. The throttling keys only exist when the cpu controller is enabled: absent → 0. */
export function parseCpuStatV2(text: string, file: string): CpuStat {
  return {
    usageUsec: needValue(text, 'usage_usec', file),
    periods: statValue(text, 'nr_periods', file) ?? 0,
    throttledPeriods: statValue(text, 'nr_throttled', file) ?? 0,
    throttledUsec: statValue(text, 'throttled_usec', file) ?? 0,
  };
}

/** v1 `cpu.stat` (throttling; `throttled_time` is in nanoseconds) with `cpuacct.usage` (nanoseconds). */
export function parseCpuV1(cpuacctUsage: string, cpuStat: string | undefined, files: { usage: string; stat: string }): CpuStat {
  const usageNs = count(cpuacctUsage, files.usage, 'value');
  const stat = cpuStat ?? '';
  return {
    usageUsec: Math.floor(usageNs / 1000),
    periods: statValue(stat, 'nr_periods', files.stat) ?? 0,
    throttledPeriods: statValue(stat, 'nr_throttled', files.stat) ?? 0,
    throttledUsec: Math.floor((statValue(stat, 'throttled_time', files.stat) ?? 0) / 1000),
  };
}

export interface IoCounters {
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readOps: number;
  readonly writeOps: number;
}

/** v2 `io.stat`: `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0` per device; summed. */
export function parseIoStatV2(text: string, file: string): IoCounters {
  let readBytes = 0;
  let writeBytes = 0;
  let readOps = 0;
  let writeOps = 0;
  // Scanned in place (no split, no regular expression per pair): 330 of these per collection.
  const n = text.length;
  let at = 0;
  while (at < n) {
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = n;
    let i = at;
    at = lineEnd + 1;
    while (i < lineEnd && isSpace(text.charCodeAt(i))) i++;
    if (i === lineEnd) continue;
    let tokenEnd = i;
    while (tokenEnd < lineEnd && !isSpace(text.charCodeAt(tokenEnd))) tokenEnd++;
    const device = text.slice(i, tokenEnd);
    if (!DEVICE_RE.test(device)) throw new AgentParseError(file, 'device', device.slice(0, 80), 'expected MAJOR:MINOR');
    i = tokenEnd;
    for (;;) {
      while (i < lineEnd && isSpace(text.charCodeAt(i))) i++;
      if (i === lineEnd) break;
      tokenEnd = i;
      while (tokenEnd < lineEnd && !isSpace(text.charCodeAt(tokenEnd))) tokenEnd++;
      const eq = text.indexOf('=', i);
      if (eq <= i || eq >= tokenEnd) throw new AgentParseError(file, `${device}`, text.slice(i, tokenEnd).slice(0, 80), 'expected key=value');
      const key = eq - i;
      // Only the four counters the report has are parsed (and so checked); dbytes, dios … are skipped.
      if (key === 6 && text.startsWith('rbytes', i)) readBytes += countIn(text, eq + 1, tokenEnd, file, `${device} rbytes`);
      else if (key === 6 && text.startsWith('wbytes', i)) writeBytes += countIn(text, eq + 1, tokenEnd, file, `${device} wbytes`);
      else if (key === 4 && text.startsWith('rios', i)) readOps += countIn(text, eq + 1, tokenEnd, file, `${device} rios`);
      else if (key === 4 && text.startsWith('wios', i)) writeOps += countIn(text, eq + 1, tokenEnd, file, `${device} wios`);
      i = tokenEnd;
    }
  }
  return { readBytes, writeBytes, readOps, writeOps };
}

const DEVICE_RE = /^\d+:\d+$/;

/** v1 blkio files: `8:0 Read 4096` … `Total 8192`; returns the Read and Write sums over devices. */
export function parseBlkioV1(text: string, file: string): { readonly read: number; readonly write: number } {
  let read = 0;
  let write = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts[0] === 'Total') continue;
    if (parts.length !== 3 || !/^\d+:\d+$/.test(parts[0] ?? '')) throw new AgentParseError(file, 'line', line.slice(0, 80), 'expected "MAJOR:MINOR Op value"');
    const value = count(parts[2] ?? '', file, `${parts[0]} ${parts[1]}`);
    if (parts[1] === 'Read') read += value;
    else if (parts[1] === 'Write') write += value;
  }
  return { read, write };
}

/** Working set as the kubelet computes it: usage − inactive_file, never below zero. */
export function workingSetBytes(usageBytes: number, inactiveFileBytes: number): number {
  return usageBytes > inactiveFileBytes ? usageBytes - inactiveFileBytes : 0;
}

/** The file texts of one v2 cgroup (undefined: the file does not exist). */
export interface CgroupV2Files {
  readonly path: string;
  readonly cpuStat: string;
  readonly memoryCurrent: string;
  readonly memoryStat: string;
  readonly memoryPeak: string | undefined;
  readonly ioStat: string | undefined;
}

export function countersV2(f: CgroupV2Files): CgroupCounters {
  const cpu = parseCpuStatV2(f.cpuStat, `${f.path}/cpu.stat`);
  const usage = parseSingleValue(f.memoryCurrent, `${f.path}/memory.current`);
  const io = f.ioStat === undefined ? { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 } : parseIoStatV2(f.ioStat, `${f.path}/io.stat`);
  return {
    cpuUsageUsec: cpu.usageUsec,
    cpuPeriods: cpu.periods,
    cpuThrottledPeriods: cpu.throttledPeriods,
    cpuThrottledUsec: cpu.throttledUsec,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSetBytes(usage, needValue(f.memoryStat, 'inactive_file', `${f.path}/memory.stat`)),
    memoryPeakBytes: parseOptionalSingleValue(f.memoryPeak, `${f.path}/memory.peak`),
    ioReadBytes: io.readBytes,
    ioWriteBytes: io.writeBytes,
    ioReadOps: io.readOps,
    ioWriteOps: io.writeOps,
  };
}

/** The file texts of one v1 cgroup, across its controller hierarchies. */
export interface CgroupV1Files {
  /** The cgroup's path below each controller's mount, for messages. */
  readonly path: string;
  readonly cpuacctUsage: string;
  readonly cpuStat: string | undefined;
  readonly memoryUsage: string;
  readonly memoryMaxUsage: string | undefined;
  readonly memoryStat: string;
  readonly blkioBytes: string | undefined;
  readonly blkioOps: string | undefined;
}

export function countersV1(f: CgroupV1Files): CgroupCounters {
  const cpu = parseCpuV1(f.cpuacctUsage, f.cpuStat, { usage: `cpuacct${f.path}/cpuacct.usage`, stat: `cpu${f.path}/cpu.stat` });
  const usage = parseSingleValue(f.memoryUsage, `memory${f.path}/memory.usage_in_bytes`);
  const statFile = `memory${f.path}/memory.stat`;
  // Hierarchical (total_*) when present, as the kubelet reads it.
  const inactive = statValue(f.memoryStat, 'total_inactive_file', statFile) ?? needValue(f.memoryStat, 'inactive_file', statFile);
  const bytes = f.blkioBytes === undefined ? { read: 0, write: 0 } : parseBlkioV1(f.blkioBytes, `blkio${f.path}/blkio.throttle.io_service_bytes`);
  const ops = f.blkioOps === undefined ? { read: 0, write: 0 } : parseBlkioV1(f.blkioOps, `blkio${f.path}/blkio.throttle.io_serviced`);
  return {
    cpuUsageUsec: cpu.usageUsec,
    cpuPeriods: cpu.periods,
    cpuThrottledPeriods: cpu.throttledPeriods,
    cpuThrottledUsec: cpu.throttledUsec,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSetBytes(usage, inactive),
    memoryPeakBytes: parseOptionalSingleValue(f.memoryMaxUsage, `memory${f.path}/memory.max_usage_in_bytes`),
    ioReadBytes: bytes.read,
    ioWriteBytes: bytes.write,
    ioReadOps: ops.read,
    ioWriteOps: ops.write,
  };
}
