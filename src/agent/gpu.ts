// GPU usage, pure: the CSV that `nvidia-smi --query-gpu=… --format=csv` and
// `nvidia-smi --query-compute-apps=… --format=csv` print, and the Prometheus text a DCGM exporter
// serves. Per pod through device assignment: a compute process belongs to the pod whose cgroup
// holds it (nvidia-smi), or the DCGM exporter's own pod/namespace/container labels (filled from the
// kubelet's pod-resources API when it runs with DCGM_EXPORTER_KUBERNETES=true).
import { AgentParseError } from './errors.ts';

/** The queries the agent runs. */
export const NVIDIA_SMI_GPU_QUERY = ['--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total', '--format=csv'] as const;
export const NVIDIA_SMI_APPS_QUERY = ['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv'] as const;

const MIB = 1024 * 1024;

/**
 * `nvidia-smi --format=csv` output → rows keyed by the header's field names (units removed:
 * `memory.used [MiB]` → `memory.used`). Values keep their text; `[N/A]` and `[Not Supported]` stay.
 */
export function parseNvidiaSmiCsv(text: string, file: string): { readonly units: Map<string, string>; readonly rows: Record<string, string>[] } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = lines[0];
  if (header === undefined) throw new AgentParseError(file, 'header', '', 'empty output (expected a CSV header)');
  const names: string[] = [];
  const units = new Map<string, string>();
  for (const h of header.split(',').map((s) => s.trim())) {
    const m = /^([a-z_.]+)(?: \[([^\]]+)\])?$/.exec(h);
    if (!m) throw new AgentParseError(file, 'header', h.slice(0, 80), 'not an nvidia-smi field name');
    names.push(m[1]!);
    if (m[2] !== undefined) units.set(m[1]!, m[2]);
  }
  const rows: Record<string, string>[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    if (/^No running (compute )?processes found$/i.test(line)) continue;
    const cells = line.split(',').map((s) => s.trim());
    if (cells.length !== names.length) throw new AgentParseError(file, `row ${i + 1}`, line.slice(0, 80), `expected ${names.length} fields, got ${cells.length}`);
    const row: Record<string, string> = {};
    for (const [j, n] of names.entries()) row[n] = cells[j]!;
    rows.push(row);
  }
  return { units, rows };
}

/** `37 %`, `1024 MiB`, `37` (with nounits) → a number; `[N/A]` → undefined. */
function measure(text: string | undefined, file: string, field: string, unit: 'percent' | 'mib'): number | undefined {
  if (text === undefined) throw new AgentParseError(file, field, '', 'missing');
  if (/^\[(N\/A|Not Supported|Insufficient Permissions)\]$/i.test(text)) return undefined;
  const m = unit === 'percent' ? /^(\d+(?:\.\d+)?)(?: ?%)?$/.exec(text) : /^(\d+(?:\.\d+)?)(?: ?MiB)?$/.exec(text);
  if (!m) throw new AgentParseError(file, field, text.slice(0, 80), unit === 'percent' ? 'expected a percentage' : 'expected MiB');
  return Number(m[1]);
}

export interface GpuDevice {
  readonly index: number;
  readonly uuid: string;
  readonly model: string;
  /** 0..1; undefined when the driver does not report it. */
  readonly utilizationRatio: number | undefined;
  readonly memoryUsedBytes: number | undefined;
  readonly memoryTotalBytes: number | undefined;
}

export function parseGpuQuery(text: string, file = 'nvidia-smi --query-gpu'): GpuDevice[] {
  return parseNvidiaSmiCsv(text, file).rows.map((r, i) => {
    const index = Number(r['index']);
    if (!Number.isInteger(index)) throw new AgentParseError(file, `row ${i + 1} index`, r['index'] ?? '', 'not an integer');
    const util = measure(r['utilization.gpu'], file, `row ${i + 1} utilization.gpu`, 'percent');
    const used = measure(r['memory.used'], file, `row ${i + 1} memory.used`, 'mib');
    const total = measure(r['memory.total'], file, `row ${i + 1} memory.total`, 'mib');
    return {
      index,
      uuid: r['uuid'] ?? '',
      model: r['name'] ?? '',
      utilizationRatio: util === undefined ? undefined : util / 100,
      memoryUsedBytes: used === undefined ? undefined : used * MIB,
      memoryTotalBytes: total === undefined ? undefined : total * MIB,
    };
  });
}

export interface GpuProcess {
  readonly pid: number;
  readonly gpuUuid: string;
  readonly memoryUsedBytes: number | undefined;
}

export function parseComputeAppsQuery(text: string, file = 'nvidia-smi --query-compute-apps'): GpuProcess[] {
  return parseNvidiaSmiCsv(text, file).rows.map((r, i) => {
    const pid = Number(r['pid']);
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new AgentParseError(file, `row ${i + 1} pid`, r['pid'] ?? '', 'not a process id');
    const mem = measure(r['used_gpu_memory'] ?? r['used_memory'], file, `row ${i + 1} used_gpu_memory`, 'mib');
    return { pid, gpuUuid: r['gpu_uuid'] ?? '', memoryUsedBytes: mem === undefined ? undefined : mem * MIB };
  });
}

export interface PodGpuUsage {
  /** GPUs the pod's processes use (count of distinct devices). */
  readonly devices: number;
  /** Sum over its devices of its share of each device's utilization (0..devices). */
  readonly utilizationGpus: number;
  readonly memoryUsedBytes: number;
}

/**
 * Per pod from nvidia-smi: each compute process is mapped to a pod UID by `podOfPid` (its cgroup).
 * A device's utilization is split between the pods on it in proportion to their memory on it
 * (one pod per GPU, the usual device-plugin assignment, gets all of it).
 */
export function gpuUsageByPod(devices: readonly GpuDevice[], processes: readonly GpuProcess[], podOfPid: (pid: number) => string | undefined): Map<string, PodGpuUsage> {
  const byDevice = new Map<string, Map<string, number>>();
  for (const p of processes) {
    const pod = podOfPid(p.pid);
    if (pod === undefined) continue;
    const m = byDevice.get(p.gpuUuid) ?? new Map<string, number>();
    m.set(pod, (m.get(pod) ?? 0) + (p.memoryUsedBytes ?? 0));
    byDevice.set(p.gpuUuid, m);
  }
  const out = new Map<string, { devices: number; utilizationGpus: number; memoryUsedBytes: number }>();
  for (const [uuid, pods] of byDevice) {
    const device = devices.find((d) => d.uuid === uuid);
    let total = 0;
    for (const b of pods.values()) total += b;
    for (const [pod, bytes] of pods) {
      const share = total > 0 ? bytes / total : 1 / pods.size;
      const u = out.get(pod) ?? { devices: 0, utilizationGpus: 0, memoryUsedBytes: 0 };
      u.devices += 1;
      u.utilizationGpus += (device?.utilizationRatio ?? 0) * share;
      u.memoryUsedBytes += bytes;
      out.set(pod, u);
    }
  }
  return out;
}

/** One sample of the Prometheus text format: name, labels, value. */
function parseSampleLine(line: string, file: string, lineNo: number): { name: string; labels: Record<string, string>; value: number } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(line);
  if (!m) throw new AgentParseError(file, `line ${lineNo}`, line.slice(0, 80), 'not a Prometheus sample');
  const labels: Record<string, string> = {};
  const body = m[3] ?? '';
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const lm = re.exec(body);
    if (!lm) throw new AgentParseError(file, `line ${lineNo} labels`, body.slice(pos, pos + 80), 'malformed label');
    labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    pos = re.lastIndex;
  }
  const value = Number(m[4]);
  if (Number.isNaN(value) && m[4] !== 'NaN') throw new AgentParseError(file, `line ${lineNo} value`, m[4] ?? '', 'not a number');
  return { name: m[1]!, labels, value };
}

/**
 * A DCGM exporter's /metrics → per pod (`namespace/pod`): `DCGM_FI_DEV_GPU_UTIL` (percent) and
 * `DCGM_FI_DEV_FB_USED` (MiB) of the GPUs labelled with that pod. GPUs without pod labels (idle, or
 * the exporter runs without Kubernetes mapping) are not attributed.
 */
export function gpuUsageFromDcgm(text: string, file = 'dcgm-exporter /metrics'): Map<string, PodGpuUsage> {
  const perPod = new Map<string, Map<string, { util: number; fbMib: number }>>();
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith('DCGM_FI_DEV_GPU_UTIL') && !line.startsWith('DCGM_FI_DEV_FB_USED')) continue;
    const s = parseSampleLine(line, file, lineNo);
    if (s.name !== 'DCGM_FI_DEV_GPU_UTIL' && s.name !== 'DCGM_FI_DEV_FB_USED') continue;
    const ns = s.labels['namespace'] ?? s.labels['exported_namespace'];
    const pod = s.labels['pod'] ?? s.labels['exported_pod'];
    if (!ns || !pod) continue;
    const key = `${ns}/${pod}`;
    const gpu = s.labels['UUID'] ?? s.labels['gpu'] ?? '';
    const devices = perPod.get(key) ?? new Map<string, { util: number; fbMib: number }>();
    const d = devices.get(gpu) ?? { util: 0, fbMib: 0 };
    if (s.name === 'DCGM_FI_DEV_GPU_UTIL') d.util = s.value;
    else d.fbMib = s.value;
    devices.set(gpu, d);
    perPod.set(key, devices);
  }
  const out = new Map<string, PodGpuUsage>();
  for (const [key, devices] of perPod) {
    let util = 0; // percent
    let mem = 0;
    for (const d of devices.values()) {
      util += d.util;
      mem += d.fbMib * MIB;
    }
    out.set(key, { devices: devices.size, utilizationGpus: util / 100, memoryUsedBytes: mem });
  }
  return out;
}
