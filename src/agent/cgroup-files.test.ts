import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countersV1, countersV2, parseBlkioV1, parseCpuStatV2, parseCpuV1, parseFlatKeyed, parseIoStatV2, parseSingleValue, statValue, workingSetBytes } from './cgroup-files.ts';
import { containerOfDir, podOfCgroupPath, podUidOfDir, qosOfDir } from './cgroup-paths.ts';
import { AgentParseError } from './errors.ts';

test('cgroup v2 cpu.stat: usage and throttling; throttling keys absent without the cpu controller', () => {
  const cases: { text: string; want: ReturnType<typeof parseCpuStatV2> }[] = [
    {
      text: 'usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\nnr_periods 400\nnr_throttled 40\nthrottled_usec 2000000\nnr_bursts 0\nburst_usec 0\n',
      want: { usageUsec: 1234567, periods: 400, throttledPeriods: 40, throttledUsec: 2000000 },
    },
    { text: 'usage_usec 99\nuser_usec 50\nsystem_usec 49\n', want: { usageUsec: 99, periods: 0, throttledPeriods: 0, throttledUsec: 0 } },
  ];
  for (const c of cases) assert.deepEqual(parseCpuStatV2(c.text, 'cpu.stat'), c.want);
});

test('cgroup v1 cpu: cpuacct.usage in ns → µs, throttled_time in ns → µs', () => {
  assert.deepEqual(parseCpuV1('5000001999\n', 'nr_periods 10\nnr_throttled 3\nthrottled_time 7000000\n', { usage: 'cpuacct.usage', stat: 'cpu.stat' }), {
    usageUsec: 5000001,
    periods: 10,
    throttledPeriods: 3,
    throttledUsec: 7000,
  });
});

test('io.stat sums devices; blkio v1 sums Read and Write lines and skips Total', () => {
  assert.deepEqual(parseIoStatV2('8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=1000 wbytes=2000 rios=10 wios=20 dbytes=5 dios=1\n', 'io.stat'), {
    readBytes: 1100,
    writeBytes: 2200,
    readOps: 11,
    writeOps: 22,
  });
  assert.deepEqual(parseBlkioV1('8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 0\n8:0 Total 12288\n8:16 Read 1\n8:16 Write 2\nTotal 12291\n', 'blkio'), { read: 4097, write: 8194 });
  assert.deepEqual(parseIoStatV2('', 'io.stat'), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 });
});

test('one key of a flat keyed file, wherever it is, not confused with a longer key', () => {
  const text = 'total_inactive_file 7\ninactive_file_x 9\nanon 1\ninactive_file 5\n';
  assert.equal(statValue(text, 'inactive_file', 'memory.stat'), 5);
  assert.equal(statValue(text, 'total_inactive_file', 'memory.stat'), 7);
  assert.equal(statValue('inactive_file 3', 'inactive_file', 'memory.stat'), 3);
  assert.equal(statValue(text, 'file', 'memory.stat'), undefined);
});

test('working set = usage − inactive_file, never negative', () => {
  const cases: [number, number, number][] = [
    [314572800, 104857600, 209715200], // 300 MiB − 100 MiB
    [1000, 1000, 0],
    [1000, 5000, 0], // inactive_file counts page cache charged elsewhere in the hierarchy
  ];
  for (const [usage, inactive, want] of cases) assert.equal(workingSetBytes(usage, inactive), want);
});

test('v2 and v1 counters from whole file sets; v1 prefers the hierarchical total_inactive_file', () => {
  const v2 = countersV2({
    path: '/sys/fs/cgroup/x',
    cpuStat: 'usage_usec 10\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    memoryCurrent: '500\n',
    memoryStat: 'anon 100\ninactive_file 200\n',
    memoryPeak: '900\n',
    ioStat: undefined,
  });
  assert.equal(v2.memoryWorkingSetBytes, 300);
  assert.equal(v2.memoryPeakBytes, 900);
  const v1 = countersV1({
    path: '/kubepods/podx',
    cpuacctUsage: '10000\n',
    cpuStat: undefined,
    memoryUsage: '500\n',
    memoryMaxUsage: undefined,
    memoryStat: 'inactive_file 1\ntotal_inactive_file 150\n',
    blkioBytes: undefined,
    blkioOps: undefined,
  });
  assert.equal(v1.cpuUsageUsec, 10);
  assert.equal(v1.memoryWorkingSetBytes, 350);
  assert.equal(v1.memoryPeakBytes, undefined);
});

test('malformed files: typed errors naming the file, the field and the value', () => {
  const cases: { run: () => unknown; message: string }[] = [
    { run: () => parseSingleValue('max\n', '/sys/fs/cgroup/kubepods.slice/memory.current'), message: '/sys/fs/cgroup/kubepods.slice/memory.current: value: not a non-negative integer (got "max")' },
    { run: () => parseCpuStatV2('user_usec 5\n', 'cpu.stat'), message: 'cpu.stat: usage_usec: missing (got "")' },
    { run: () => parseFlatKeyed('usage_usec -5\n', 'cpu.stat'), message: 'cpu.stat: usage_usec: not a non-negative integer (got "-5")' },
    { run: () => parseCpuStatV2('user_usec 1\nusage_usec 12x\n', 'cpu.stat'), message: 'cpu.stat: usage_usec: not a non-negative integer (got "12x")' },
    { run: () => parseFlatKeyed('garbage\n', 'memory.stat'), message: 'memory.stat: line: expected "key value" (got "garbage")' },
    { run: () => parseIoStatV2('sda rbytes=1\n', 'io.stat'), message: 'io.stat: device: expected MAJOR:MINOR (got "sda")' },
    { run: () => parseIoStatV2('8:0 rbytes=x\n', 'io.stat'), message: 'io.stat: 8:0 rbytes: not a non-negative integer (got "x")' },
    { run: () => parseBlkioV1('8:0 Read\n', 'blkio.throttle.io_service_bytes'), message: 'blkio.throttle.io_service_bytes: line: expected "MAJOR:MINOR Op value" (got "8:0 Read")' },
    { run: () => parseSingleValue('99999999999999999999\n', 'memory.current'), message: 'memory.current: value: larger than 2^53 (got "99999999999999999999")' },
  ];
  for (const c of cases) assert.throws(c.run, (err: unknown) => err instanceof AgentParseError && err.message === c.message, c.message);
});

test('cgroup directory names: QoS, pod UID (systemd underscores), container ID and runtime', () => {
  const uid = '1b2c3d4e-0000-4a5b-8c9d-0123456789ab';
  const uidSystemd = uid.replaceAll('-', '_');
  const id = 'a'.repeat(64);
  assert.equal(qosOfDir('kubepods-burstable.slice', 'systemd'), 'burstable');
  assert.equal(qosOfDir('besteffort', 'cgroupfs'), 'besteffort');
  assert.equal(qosOfDir('kubepods-burstable.slice', 'cgroupfs'), undefined);
  const pods: [string, 'systemd' | 'cgroupfs', 'guaranteed' | 'burstable' | 'besteffort', string | undefined][] = [
    [`kubepods-burstable-pod${uidSystemd}.slice`, 'systemd', 'burstable', uid],
    [`kubepods-besteffort-pod${uidSystemd}.slice`, 'systemd', 'besteffort', uid],
    [`kubepods-pod${uidSystemd}.slice`, 'systemd', 'guaranteed', uid],
    [`pod${uid}`, 'cgroupfs', 'burstable', uid],
    [`pod${uid}`, 'cgroupfs', 'guaranteed', uid],
    [`kubepods-burstable-pod${uidSystemd}.slice`, 'systemd', 'besteffort', undefined],
    ['podnot-a-uid', 'cgroupfs', 'guaranteed', undefined],
  ];
  for (const [name, driver, qos, want] of pods) assert.equal(podUidOfDir(name, driver, qos), want, name);
  const containers: [string, { id: string; runtime: string } | undefined][] = [
    [`cri-containerd-${id}.scope`, { id, runtime: 'containerd' }],
    [`crio-${id}.scope`, { id, runtime: 'cri-o' }],
    [`docker-${id}.scope`, { id, runtime: 'docker' }],
    [`crio-${id}`, { id, runtime: 'cri-o' }],
    [id, { id, runtime: 'unknown' }],
    [`crio-conmon-${id}.scope`, undefined],
    ['init.scope', undefined],
  ];
  for (const [name, want] of containers) assert.deepEqual(containerOfDir(name), want, name);
  assert.deepEqual(podOfCgroupPath(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uidSystemd}.slice/cri-containerd-${id}.scope`), { podUid: uid, containerId: id });
  assert.deepEqual(podOfCgroupPath(`/kubepods/pod${uid}/${id}`), { podUid: uid, containerId: id });
  assert.deepEqual(podOfCgroupPath(`/kubepods/besteffort/pod${uid}`), { podUid: uid, containerId: undefined });
  assert.equal(podOfCgroupPath('/user.slice/user-1000.slice/session-1.scope'), undefined);
});

test('numbers are read in place: whitespace around them, 2^53 and above, the keys io.stat does not report', () => {
  const values: { text: string; want: number }[] = [
    { text: '0\n', want: 0 },
    { text: '  42 \t\r\n', want: 42 },
    { text: '9007199254740991\n', want: 2 ** 53 - 1 }, // the largest safe integer is still exact
  ];
  for (const c of values) assert.equal(parseSingleValue(c.text, 'memory.current'), c.want, JSON.stringify(c.text));
  // v1 memory.stat writes "no limit" as 9223372036854771712: kept, rounded as Number() rounds it.
  assert.equal(statValue('hierarchical_memory_limit 9223372036854771712\ntotal_inactive_file 4096\n', 'hierarchical_memory_limit', 'memory.stat'), 2 ** 63 - 4096); // 9223372036854771712 = 2^63 − 4096, exactly representable
  assert.equal(statValue('hierarchical_memory_limit 9223372036854771712\ntotal_inactive_file 4096\n', 'total_inactive_file', 'memory.stat'), 4096);
  const io: { text: string; want: ReturnType<typeof parseIoStatV2> }[] = [
    // kernel 6.x adds dbytes/dios (discards); unknown keys are skipped, not summed
    { text: '8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=99 dios=9\n', want: { readBytes: 1, writeBytes: 2, readOps: 3, writeOps: 4 } },
    { text: '  8:0\trbytes=10  wbytes=20 rios=1 wios=2  \n\n8:16 rbytes=5 wbytes=0 rios=1 wios=0', want: { readBytes: 15, writeBytes: 20, readOps: 2, writeOps: 2 } },
    { text: '8:0\n', want: { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 } }, // a device with no counters yet
  ];
  for (const c of io) assert.deepEqual(parseIoStatV2(c.text, 'io.stat'), c.want, JSON.stringify(c.text));
  const bad: { run: () => unknown; message: string }[] = [
    { run: () => parseIoStatV2('8:0 rbytes\n', 'io.stat'), message: 'io.stat: 8:0: expected key=value (got "rbytes")' },
    { run: () => parseIoStatV2('8:0 =5\n', 'io.stat'), message: 'io.stat: 8:0: expected key=value (got "=5")' },
    { run: () => parseIoStatV2('8:0 wios=\n', 'io.stat'), message: 'io.stat: 8:0 wios: not a non-negative integer (got "")' },
    { run: () => parseIoStatV2('8:0 rbytes=99999999999999999999\n', 'io.stat'), message: 'io.stat: 8:0 rbytes: larger than 2^53 (got "99999999999999999999")' },
    { run: () => parseSingleValue('  \n', 'memory.current'), message: 'memory.current: value: not a non-negative integer (got "")' },
    { run: () => statValue('inactive_file 1.5\n', 'inactive_file', 'memory.stat'), message: 'memory.stat: inactive_file: not a non-negative integer (got "1.5")' },
  ];
  for (const c of bad) assert.throws(c.run, (err: unknown) => err instanceof AgentParseError && err.message === c.message, c.message);
});
