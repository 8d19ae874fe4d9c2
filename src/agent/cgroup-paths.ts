// How the kubelet and the container runtimes name cgroups, as pure functions over directory names.
//
//   driver     kubepods root     QoS level                      pod                                   container
//   systemd    kubepods.slice    kubepods-burstable.slice       kubepods-burstable-pod<uid_>.slice    cri-containerd-<id>.scope
//                                kubepods-besteffort.slice      kubepods-besteffort-pod<uid_>.slice   crio-<id>.scope
//                                (guaranteed: none)             kubepods-pod<uid_>.slice              docker-<id>.scope
//   cgroupfs   kubepods          burstable, besteffort          pod<uid>                              <id> (containerd, Docker)
//                                (guaranteed: none)                                                   crio-<id> (CRI-O)
//
// With systemd the pod UID's dashes become underscores (systemd reserves `-` for nesting).
// `crio-conmon-<id>.scope` (CRI-O's monitor process) is not a container and is not matched.

export type CgroupDriver = 'systemd' | 'cgroupfs';
export type QosClass = 'guaranteed' | 'burstable' | 'besteffort';
/** `unknown`: a bare ID under the cgroupfs driver, which containerd and Docker both write. */
export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker' | 'unknown';

export const KUBEPODS_DIR: Readonly<Record<CgroupDriver, string>> = { systemd: 'kubepods.slice', cgroupfs: 'kubepods' };

const UID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_RE = /^[0-9a-f]{64}$/;

/** The QoS directory below the kubepods root, or undefined. */
export function qosOfDir(name: string, driver: CgroupDriver): QosClass | undefined {
  if (driver === 'systemd') {
    if (name === 'kubepods-burstable.slice') return 'burstable';
    if (name === 'kubepods-besteffort.slice') return 'besteffort';
    return undefined;
  }
  if (name === 'burstable') return 'burstable';
  if (name === 'besteffort') return 'besteffort';
  return undefined;
}

/** The pod UID of a pod directory (at `qos`), or undefined when the name is not a pod's. */
export function podUidOfDir(name: string, driver: CgroupDriver, qos: QosClass): string | undefined {
  let raw: string;
  if (driver === 'systemd') {
    const prefix = qos === 'guaranteed' ? 'kubepods-pod' : `kubepods-${qos}-pod`;
    if (!name.startsWith(prefix) || !name.endsWith('.slice')) return undefined;
    raw = name.slice(prefix.length, -'.slice'.length).replaceAll('_', '-');
  } else {
    if (!name.startsWith('pod')) return undefined;
    raw = name.slice(3);
  }
  return UID_RE.test(raw) ? raw : undefined;
}

/** The container ID and runtime of a container directory, or undefined (not a container). */
export function containerOfDir(name: string): { readonly id: string; readonly runtime: ContainerRuntime } | undefined {
  // Every container name holds a 64-character ID; a cgroup's own files (cpu.stat …), which a
  // v2 pod directory lists some 70 of, are shorter and skip the regular expressions.
  if (name.length < 64) return undefined;
  const scoped = /^(cri-containerd|crio|docker)-([0-9a-f]{64})\.scope$/.exec(name);
  if (scoped) return { id: scoped[2]!, runtime: scoped[1] === 'cri-containerd' ? 'containerd' : scoped[1] === 'crio' ? 'cri-o' : 'docker' };
  const crio = /^crio-([0-9a-f]{64})$/.exec(name);
  if (crio) return { id: crio[1]!, runtime: 'cri-o' };
  if (ID_RE.test(name)) return { id: name, runtime: 'unknown' };
  return undefined;
}

/** A pod's cgroup path below the hierarchy root, e.g. `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice`. */
export function podCgroupPath(driver: CgroupDriver, qos: QosClass, uid: string): string {
  if (driver === 'systemd') {
    const u = uid.replaceAll('-', '_');
    return qos === 'guaranteed' ? `/kubepods.slice/kubepods-pod${u}.slice` : `/kubepods.slice/kubepods-${qos}.slice/kubepods-${qos}-pod${u}.slice`;
  }
  return qos === 'guaranteed' ? `/kubepods/pod${uid}` : `/kubepods/${qos}/pod${uid}`;
}

/** A container's directory name as its runtime creates it under `driver`. */
export function containerDirName(driver: CgroupDriver, runtime: Exclude<ContainerRuntime, 'unknown'>, id: string): string {
  if (driver === 'systemd') return `${runtime === 'containerd' ? 'cri-containerd' : runtime === 'cri-o' ? 'crio' : 'docker'}-${id}.scope`;
  return runtime === 'cri-o' ? `crio-${id}` : id;
}

/**
 * Which pod (and container) a process's cgroup path belongs to, from a `/proc/<pid>/cgroup` line's
 * path, e.g. `/kubepods/burstable/pod<uid>/<id>` → { podUid, containerId }.
 */
export function podOfCgroupPath(path: string): { readonly podUid: string; readonly containerId: string | undefined } | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  const root = parts.findIndex((p) => p === 'kubepods' || p === 'kubepods.slice');
  if (root === -1) return undefined;
  const driver: CgroupDriver = parts[root] === 'kubepods.slice' ? 'systemd' : 'cgroupfs';
  let i = root + 1;
  const qos = qosOfDir(parts[i] ?? '', driver);
  if (qos !== undefined) i++;
  const podUid = podUidOfDir(parts[i] ?? '', driver, qos ?? 'guaranteed');
  if (podUid === undefined) return undefined;
  const container = containerOfDir(parts[i + 1] ?? '');
  return { podUid, containerId: container?.id };
}
