// `kube-cost-exporter agent` options: flags, environment variables and defaults, validated once at
// the edge. Kept apart from src/cli/config.ts (the exporter's own options).
import { hostname } from 'node:os';
import type { OptionSpec } from '../cli/config.ts';
import { parseDuration } from '../cli/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { LogFormat, LogLevel } from '../server/log.ts';
import { LOG_LEVELS } from '../server/log.ts';
import { parseCidr } from './network.ts';

export type AgentGpuMode = 'none' | 'nvidia-smi' | 'dcgm';
export type AgentOutput = 'json' | 'text';

export interface AgentConfig {
  readonly nodeName: string;
  readonly cgroupRoot: string;
  readonly procRoot: string;
  readonly intervalMs: number;
  readonly once: boolean;
  readonly sampleMs: number;
  readonly output: AgentOutput;
  readonly port: number;
  readonly host: string;
  readonly network: boolean;
  readonly conntrack: boolean;
  readonly conntrackFile: string | undefined;
  readonly serviceCidrs: readonly string[];
  readonly gpu: AgentGpuMode;
  readonly nvidiaSmi: string;
  readonly dcgmUrl: string | undefined;
  readonly kube: boolean;
  readonly kubeconfigPath: string | undefined;
  readonly context: string | undefined;
  readonly authTokenFile: string | undefined;
  readonly tokenReview: boolean;
  readonly allowServiceAccounts: readonly string[];
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/** Every `agent` option, in --help order. */
export const AGENT_OPTIONS: readonly OptionSpec[] = [
  { flag: 'node-name', env: 'KCE_NODE_NAME', value: 'NAME', default: 'the host name', help: 'The node this agent runs on (the DaemonSet sets it from spec.nodeName). Its pods are listed from the API server by this name.' },
  { flag: 'cgroup-root', env: 'KCE_CGROUP_ROOT', value: 'DIR', default: '/sys/fs/cgroup', help: 'Where the cgroup filesystem is mounted: a v2 unified root, or the directory holding the v1 controller mounts (memory, cpuacct, blkio). The kubepods hierarchy (systemd or cgroupfs driver) is found below it.' },
  { flag: 'proc-root', env: 'KCE_PROC_ROOT', value: 'DIR', default: '/proc', help: "The host's /proc: <pid>/net/dev of a process in each pod (network bytes), <pid>/cgroup (GPU processes to pods), 1/net/nf_conntrack (the connection table)." },
  { flag: 'interval', env: 'KCE_AGENT_INTERVAL', value: 'DURATION', default: '15s', help: 'Time between collections; /v1/usage reports usage over the last one.' },
  { flag: 'once', env: 'KCE_AGENT_ONCE', value: 'BOOL', default: 'false', help: 'Collect once (two reads --sample apart), print the result and exit: for debugging and support.' },
  { flag: 'sample', env: 'KCE_AGENT_SAMPLE', value: 'DURATION', default: '1s', help: 'With --once: the time between the two reads that make one collection.' },
  { flag: 'output', env: 'KCE_AGENT_OUTPUT', value: 'json|text', default: 'json', help: 'With --once: json (the /v1/usage document) or text (a table of pods). Short form: -o.' },
  { flag: 'port', env: 'KCE_AGENT_PORT', value: 'PORT', default: '9101', help: 'Port for /v1/usage, /metrics and /healthz.' },
  { flag: 'host', env: 'KCE_AGENT_HOST', value: 'ADDRESS', default: '0.0.0.0', help: 'Address to listen on.' },
  { flag: 'network', env: 'KCE_AGENT_NETWORK', value: 'BOOL', default: 'true', help: "Network bytes per pod from the pod's network namespace (/proc/<pid>/net/dev). Works without the host's PID namespace (the chart does not set hostPID): pids in cgroup.procs outside the agent's own namespace read as 0, so the host's /proc at --proc-root is scanned for a process whose cgroup is the pod's." },
  { flag: 'conntrack', env: 'KCE_AGENT_CONNTRACK', value: 'BOOL', default: 'false', help: 'Classify egress as in-zone, cross-zone or internet from the connection table (needs --network, nf_conntrack_acct=1 for byte counts, and UID 0 to read the root-only proc file; see docs/agent.md).' },
  { flag: 'conntrack-file', env: 'KCE_AGENT_CONNTRACK_FILE', value: 'FILE', default: '<proc-root>/1/net/nf_conntrack', help: "The connection table to read (the host network namespace's, through pid 1)." },
  { flag: 'service-cidr', env: 'KCE_SERVICE_CIDR', value: 'CIDR', default: '', repeatable: true, help: 'Service IP ranges (comma-separated in the variable): traffic still addressed to a service IP is unclassified rather than internet.' },
  { flag: 'gpu', env: 'KCE_AGENT_GPU', value: 'none|nvidia-smi|dcgm', default: 'none', help: 'GPU usage per pod: nvidia-smi (its compute processes, mapped to pods by cgroup) or a DCGM exporter endpoint (its pod labels).' },
  { flag: 'nvidia-smi', env: 'KCE_NVIDIA_SMI', value: 'PATH', default: 'nvidia-smi', help: 'The nvidia-smi command for --gpu nvidia-smi.' },
  { flag: 'dcgm-url', env: 'KCE_DCGM_URL', value: 'URL', default: '', help: "A DCGM exporter's metrics URL for --gpu dcgm, e.g. http://localhost:9400/metrics." },
  { flag: 'kube', env: 'KCE_AGENT_KUBE', value: 'BOOL', default: 'true', help: "Ask the API server for this node's pods (names, IPs, container names), the nodes' zones, and TokenReviews. Off: pods are reported by UID and containers by ID only." },
  { flag: 'kubeconfig', env: 'KCE_KUBECONFIG', value: 'FILE', default: '', help: 'Kubeconfig for the API server; default as kubectl (KUBECONFIG, ~/.kube/config), else the pod service account.' },
  { flag: 'context', env: 'KCE_CONTEXT', value: 'NAME', default: '', help: 'Kubeconfig context.' },
  { flag: 'auth-token-file', env: 'KCE_AGENT_AUTH_TOKEN_FILE', value: 'FILE', default: '', help: 'A shared bearer token (re-read when the file changes): callers that send it may read /v1/usage and /metrics.' },
  { flag: 'token-review', env: 'KCE_AGENT_TOKEN_REVIEW', value: 'BOOL', default: 'false', help: "Accept callers' service-account tokens, checked with a TokenReview by the API server; only the accounts of --allow-service-account." },
  { flag: 'allow-service-account', env: 'KCE_AGENT_ALLOW_SERVICE_ACCOUNT', value: 'NAMESPACE:NAME', default: '', repeatable: true, help: 'A service account allowed by --token-review (comma-separated in the variable).' },
  { flag: 'log-level', env: 'KCE_LOG_LEVEL', value: 'debug|info|warn|error', default: 'info', help: 'Log level.' },
  { flag: 'log-format', env: 'KCE_LOG_FORMAT', value: 'json|text', default: 'text', help: 'Log format.' },
];

export interface AgentArgs {
  readonly help: boolean;
  readonly values: Map<string, string[]>;
}

/** argv after `agent` → flags. `--flag value`, `--flag=value`, bare booleans, `-o json`. */
export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  const values = new Map<string, string[]>();
  let help = false;
  const known = new Map(AGENT_OPTIONS.map((o) => [o.flag, o]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (arg === '-o') name = 'output';
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) value = arg.slice(eq + 1);
    } else throw new ConfigError(arg, 'unexpected argument; see kube-cost-exporter agent --help');
    if (name.startsWith('no-') && known.get(name.slice(3))?.value === 'BOOL' && value === undefined) {
      name = name.slice(3);
      value = 'false';
    }
    const spec = known.get(name);
    if (spec === undefined) throw new ConfigError(`--${name}`, 'unknown option; see kube-cost-exporter agent --help');
    if (value === undefined) {
      if (spec.value === 'BOOL' && (argv[i + 1] === undefined || !/^(true|false)$/.test(argv[i + 1]!))) value = 'true';
      else {
        value = argv[++i];
        if (value === undefined) throw new ConfigError(`--${name}`, `needs a value (${spec.value})`);
      }
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { help, values };
}

function bool(option: string, text: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new ConfigError(option, `must be true or false (got ${JSON.stringify(text)})`);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(option, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

export function loadAgentConfig(args: AgentArgs, env: Readonly<Record<string, string | undefined>>): AgentConfig {
  const spec = new Map(AGENT_OPTIONS.map((o) => [o.flag, o]));
  const one = (flag: string): { value: string | undefined; option: string } => {
    const fromFlag = args.values.get(flag);
    if (fromFlag !== undefined) return { value: fromFlag[fromFlag.length - 1], option: `--${flag}` };
    const e = env[spec.get(flag)!.env];
    if (e !== undefined && e !== '') return { value: e, option: spec.get(flag)!.env };
    return { value: undefined, option: `--${flag}` };
  };
  const many = (flag: string): { values: string[]; option: string } => {
    const fromFlag = args.values.get(flag);
    if (fromFlag !== undefined) return { values: fromFlag.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== ''), option: `--${flag}` };
    const e = env[spec.get(flag)!.env];
    return { values: (e ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''), option: spec.get(flag)!.env };
  };
  const str = (flag: string, fallback: string): string => one(flag).value ?? fallback;
  const optional = (flag: string): string | undefined => one(flag).value;
  const b = (flag: string, fallback: boolean): boolean => {
    const v = one(flag);
    return v.value === undefined ? fallback : bool(v.option, v.value);
  };
  const duration = (flag: string, fallback: string): number => {
    const v = one(flag);
    const ms = parseDuration(v.value ?? fallback, v.option);
    if (ms <= 0) throw new ConfigError(v.option, `must be longer than 0 (got ${JSON.stringify(v.value)})`);
    return ms;
  };
  const portOpt = one('port');
  const port = Number(portOpt.value ?? '9101');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(portOpt.option, `must be a port number 0-65535 (got ${JSON.stringify(portOpt.value)})`);
  const cidrs = many('service-cidr');
  for (const c of cidrs.values) {
    try {
      parseCidr(c, cidrs.option);
    } catch (err) {
      throw new ConfigError(cidrs.option, `not an IP range (got ${JSON.stringify(c)}): ${(err as Error).message}`);
    }
  }
  const gpuOpt = one('gpu');
  const gpu = oneOf(gpuOpt.option, gpuOpt.value ?? 'none', ['none', 'nvidia-smi', 'dcgm'] as const);
  const dcgmUrl = optional('dcgm-url');
  if (gpu === 'dcgm') {
    if (dcgmUrl === undefined) throw new ConfigError('--dcgm-url', 'is required with --gpu dcgm (e.g. http://localhost:9400/metrics)');
    if (!/^https?:\/\//.test(dcgmUrl)) throw new ConfigError('--dcgm-url', `must be an http(s) URL (got ${JSON.stringify(dcgmUrl)})`);
  }
  const network = b('network', true);
  const conntrack = b('conntrack', false);
  if (conntrack && !network) throw new ConfigError('--conntrack', 'needs --network (egress is bounded by the pod network counters)');
  const tokenReview = b('token-review', false);
  const allow = many('allow-service-account');
  for (const sa of allow.values) if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(sa)) throw new ConfigError(allow.option, `must be NAMESPACE:NAME (got ${JSON.stringify(sa)})`);
  if (tokenReview && allow.values.length === 0) throw new ConfigError('--token-review', 'needs at least one --allow-service-account NAMESPACE:NAME (which callers may read usage)');
  const kube = b('kube', true);
  if (tokenReview && !kube) throw new ConfigError('--token-review', 'needs the API server (--kube)');
  const level = one('log-level');
  const format = one('log-format');
  const output = one('output');
  return {
    nodeName: str('node-name', hostname()),
    cgroupRoot: str('cgroup-root', '/sys/fs/cgroup'),
    procRoot: str('proc-root', '/proc'),
    intervalMs: duration('interval', '15s'),
    once: b('once', false),
    sampleMs: duration('sample', '1s'),
    output: oneOf(output.option, output.value ?? 'json', ['json', 'text'] as const),
    port,
    host: str('host', '0.0.0.0'),
    network,
    conntrack,
    conntrackFile: optional('conntrack-file'),
    serviceCidrs: cidrs.values,
    gpu,
    nvidiaSmi: str('nvidia-smi', 'nvidia-smi'),
    dcgmUrl,
    kube,
    kubeconfigPath: optional('kubeconfig'),
    context: optional('context'),
    authTokenFile: optional('auth-token-file'),
    tokenReview,
    allowServiceAccounts: allow.values,
    logLevel: oneOf(level.option, level.value ?? 'info', LOG_LEVELS),
    logFormat: oneOf(format.option, format.value ?? 'text', ['json', 'text'] as const),
  };
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export function agentHelp(version: string): string {
  const out = [
    `kube-cost-exporter ${version} — agent: the node agent (one per node, a DaemonSet)`,
    '',
    'Usage: kube-cost-exporter agent [options]',
    '       kube-cost-exporter agent --once -o json      one collection, printed, then exit',
    '',
    "Measures what each pod on this node uses from the node's cgroups (v1 or v2; systemd or cgroupfs",
    'driver; containerd, CRI-O or Docker): CPU cores, memory working set and peak, block I/O, CPU',
    'throttling; network bytes per pod and egress by destination; GPU usage. Serves it on /v1/usage',
    '(gzip) for the exporter, which pulls every agent each interval. Also /metrics and /healthz.',
    '',
    'Options (each also an environment variable; flags win):',
  ];
  for (const o of AGENT_OPTIONS) {
    out.push(`  --${o.flag}${o.value === 'BOOL' ? '' : ` ${o.value}`}${o.repeatable ? ' (repeatable)' : ''}   [${o.env}]${o.default !== '' ? `  default: ${o.default}` : ''}`);
    out.push(wrap(o.help, 92, '      '));
  }
  out.push('', 'Exit codes: 0 ok, 1 runtime failure, 2 bad configuration. Docs: docs/agent.md', '');
  return out.join('\n');
}
