// Command line of `kubectl cost` (pure): subcommand, flags, positional names. Every mistake is a
// UsageError (exit code 2) naming the flag and the value.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SUBCOMMANDS = ['namespace', 'deployment', 'controller', 'pod', 'node', 'label', 'cluster', 'estimate', 'recommendations', 'reconcile', 'version', 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

const ALIASES: Readonly<Record<string, Subcommand>> = { ns: 'namespace', namespaces: 'namespace', deploy: 'deployment', deployments: 'deployment', controllers: 'controller', pods: 'pod', nodes: 'node', labels: 'label', recommendation: 'recommendations', recs: 'recommendations' };

export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown';

interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** A flag that takes a value; otherwise a boolean switch. */
  readonly value?: string;
  readonly repeat?: boolean;
  readonly help: string;
  readonly default?: string;
}

/** Flags of every subcommand that reads costs (all but estimate, version, help). */
export const SOURCE_FLAGS: readonly FlagSpec[] = [
  { name: 'server', value: 'URL', help: 'Ask this kube-cost-exporter (e.g. http://localhost:9090) instead of the in-cluster service.' },
  { name: 'snapshot', value: 'PATH', repeat: true, help: 'Compute offline from snapshot files (kubectl get ... -o json; metrics API output). Repeat or comma-separate.' },
  { name: 'service-namespace', short: 'N', value: 'NAMESPACE', default: 'kube-cost', help: 'Namespace of the exporter Service reached through the API server proxy.' },
  { name: 'service-name', value: 'NAME', default: 'kube-cost-exporter', help: 'Name of the exporter Service.' },
  { name: 'service-port', value: 'PORT', default: '9090', help: 'Port (number or name) of the exporter Service.' },
  { name: 'kubeconfig', value: 'FILE', help: 'Kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).' },
  { name: 'context', value: 'NAME', help: 'Kubeconfig context to use (default: the current context).' },
  { name: 'cloud-provider', value: 'aws|gcp|azure', help: 'Offline: price nodes whose provider cannot be detected as this provider.' },
  { name: 'region', value: 'REGION', help: 'Offline: price everything in this region.' },
];

export const QUERY_FLAGS: readonly FlagSpec[] = [
  { name: 'window', value: 'WINDOW', default: '1d', help: 'Window: 30m, 24h, 7d, today, yesterday, week, lastweek, month, lastmonth, RFC3339,RFC3339 or unix,unix.' },
  { name: 'namespace', short: 'n', value: 'NAMESPACE', help: 'Only this namespace.' },
  { name: 'historical', help: 'Show the total over the window instead of the monthly rate (needs history: server mode).' },
  { name: 'show-cpu', help: 'Add the CPU cost column.' },
  { name: 'show-memory', help: 'Add the memory cost column.' },
  { name: 'show-gpu', help: 'Add the GPU cost column.' },
  { name: 'show-pv', help: 'Add the persistent volume cost column.' },
  { name: 'show-network', help: 'Add the network cost column.' },
  { name: 'show-efficiency', help: 'Add CPU, memory and total efficiency (usage / request) columns.' },
  { name: 'show-all', help: 'All of the --show-* columns.' },
];

export const OUTPUT_FLAGS: readonly FlagSpec[] = [
  { name: 'output', short: 'o', value: 'table|json|csv|markdown', default: 'table', help: 'Output format.' },
  { name: 'no-color', help: 'No ANSI colours (also when NO_COLOR is set or the output is not a terminal).' },
  { name: 'help', short: 'h', help: 'Help for this command.' },
];

export const LABEL_FLAGS: readonly FlagSpec[] = [{ name: 'label', short: 'l', value: 'KEY', help: 'Label key to group pods by (required).' }];

export const ESTIMATE_FLAGS: readonly FlagSpec[] = [
  { name: 'filename', short: 'f', value: 'FILE|-', repeat: true, help: 'Manifest file (multi-document YAML or JSON, Helm output); - reads standard input. Repeatable.' },
  { name: 'namespace', short: 'n', value: 'NAMESPACE', help: 'Namespace of objects that name none (default: default).' },
  { name: 'instance-type', value: 'TYPE', help: 'Offline: price with this instance type from the catalog (m5.large, n2-standard-4, Standard_D4s_v5).' },
  { name: 'cloud-provider', value: 'aws|gcp|azure', help: 'Offline: the provider (default: the one whose catalog lists --instance-type, else aws).' },
  { name: 'region', value: 'REGION', help: 'Offline: region to price in (default: the catalog\'s default region of the provider).' },
  { name: 'nodes', value: 'N', default: '1', help: 'Offline: nodes a DaemonSet runs on (with a cluster, the nodes matching its selector are counted).' },
  { name: 'job-hours', value: 'HOURS', help: 'Hours per month Jobs and CronJobs run (default: all month, an upper bound).' },
  { name: 'max-increase', value: 'PERCENT', help: 'Exit 1 with a ::error:: line when existing workloads cost more than this much more (e.g. 10%).' },
  { name: 'budget', value: 'USD', help: 'Exit 1 with a ::error:: line when the manifest costs more than this per month.' },
];

/** `kubectl cost recommendations` (src/kubectl/recommendations.ts): needs a server (history). */
export const RECOMMENDATION_FLAGS: readonly FlagSpec[] = [
  { name: 'window', value: 'WINDOW', default: '7d', help: 'Usage history to learn from (commitments always look at 30 days).' },
  { name: 'namespace', short: 'n', value: 'NAMESPACE', help: 'Only workloads of this namespace (nodes and commitments are cluster-wide).' },
  { name: 'kind', value: 'KINDS', help: 'Comma-separated: rightsizing, idle-node, spot, commitment (default: all).' },
  { name: 'sample', value: 'DURATION', default: '1h', help: 'Right-sizing sample length: usage is averaged over it (shorter sees spikes, costs more to query).' },
  { name: 'commitment-discount', value: 'PERCENT', help: 'Your savings plan / reservation discount (e.g. 28%): without it the commitment saving is unknown.' },
];

/** `kubectl cost reconcile` (src/kubectl/reconcile.ts): server mode, or --snapshot with --bill. */
export const RECONCILE_FLAGS: readonly FlagSpec[] = [
  { name: 'window', value: 'WINDOW', help: 'Days to compare (default: server 30d; offline the time the bill covers).' },
  { name: 'bill', value: 'DIR', help: 'Offline, with --snapshot: a directory or file of bill files (AWS CUR CSV/CSV.gz/Parquet, Azure cost export CSV, GCP billing export CSV/JSON).' },
  { name: 'top', value: 'N', default: '10', help: 'How many of the biggest differences to list.' },
];

export function flagsOf(command: Subcommand): readonly FlagSpec[] {
  switch (command) {
    case 'reconcile':
      return [...RECONCILE_FLAGS, ...SOURCE_FLAGS.filter((f) => f.name !== 'region' && f.name !== 'cloud-provider'), ...OUTPUT_FLAGS];
    case 'recommendations':
      return [...RECOMMENDATION_FLAGS, ...SOURCE_FLAGS.filter((f) => f.name !== 'snapshot' && f.name !== 'region' && f.name !== 'cloud-provider'), ...OUTPUT_FLAGS];
    case 'estimate':
      return [...ESTIMATE_FLAGS, ...SOURCE_FLAGS.filter((f) => f.name !== 'region' && f.name !== 'cloud-provider'), ...OUTPUT_FLAGS];
    case 'version':
    case 'help':
      return OUTPUT_FLAGS.filter((f) => f.name === 'help');
    case 'label':
      return [...LABEL_FLAGS, ...QUERY_FLAGS, ...SOURCE_FLAGS, ...OUTPUT_FLAGS];
    default:
      return [...QUERY_FLAGS, ...SOURCE_FLAGS, ...OUTPUT_FLAGS];
  }
}

export interface ParsedCommand {
  readonly command: Subcommand;
  readonly positional: readonly string[];
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const first = argv.findIndex((a) => !a.startsWith('-'));
  // Flags before the subcommand (`kubectl cost --help`) belong to `help`.
  const word = first === -1 ? 'help' : argv[first]!;
  const command = (ALIASES[word] ?? word) as Subcommand;
  if (!(SUBCOMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${word}" (expected one of: ${SUBCOMMANDS.join(', ')}, ns)`);
  }
  const rest = first === -1 ? [...argv] : [...argv.slice(0, first), ...argv.slice(first + 1)];
  const specs = flagsOf(command);
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const head = eq === -1 ? arg : arg.slice(0, eq);
    let inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let spec: FlagSpec | undefined;
    if (head.startsWith('--')) spec = specs.find((s) => s.name === head.slice(2));
    else if (head.length >= 2) {
      spec = specs.find((s) => s.short === head[1]);
      // -nshop, -owide
      if (spec && head.length > 2 && inline === undefined) inline = head.slice(2);
      else if (head.length > 2) spec = undefined;
    }
    if (spec === undefined) throw new UsageError(`unknown flag ${head} for "kubectl cost ${command}" (see kubectl cost ${command} --help)`);
    if (spec.value === undefined) {
      if (inline !== undefined && inline !== 'true') {
        if (inline === 'false') continue;
        throw new UsageError(`flag --${spec.name} takes no value (got "${inline}")`);
      }
      switches.add(spec.name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = rest[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`flag --${spec.name} needs a value (${spec.value})`);
      value = next;
      i++;
    }
    const list = values.get(spec.name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`flag --${spec.name} given more than once`);
    list.push(value);
    values.set(spec.name, list);
  }
  return { command, positional, values, switches };
}

/** The single value of a flag, or its default. */
export function flagValue(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values.get(name)?.[0];
  if (v !== undefined) return v;
  return flagsOf(parsed.command).find((s) => s.name === name)?.default;
}

export function outputFormat(parsed: ParsedCommand): OutputFormat {
  const o = flagValue(parsed, 'output') ?? 'table';
  if (o === 'table' || o === 'json' || o === 'csv' || o === 'markdown') return o;
  throw new UsageError(`flag --output: unknown format "${o}" (expected table, json, csv or markdown)`);
}

const DURATION = /^(\d+(?:\.\d+)?)(m|h|d|w)$/;
const KEYWORDS = new Set(['today', 'yesterday', 'week', 'lastweek', 'month', 'lastmonth']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Checks a window as OpenCost accepts it; returns it unchanged. */
export function checkWindow(window: string): string {
  if (KEYWORDS.has(window)) return window;
  const d = DURATION.exec(window);
  if (d && Number(d[1]) > 0) return window;
  const parts = window.split(',');
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (RFC3339.test(a) && RFC3339.test(b) && Date.parse(a) < Date.parse(b)) return window;
    if (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) < Number(b)) return window;
  }
  throw new UsageError(`flag --window: bad window "${window}" (expected e.g. 30m, 24h, 7d, today, yesterday, week, lastweek, month, lastmonth, RFC3339,RFC3339 or unix,unix with start < end)`);
}

/** `10%` or `10` → 10. */
export function parsePercent(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (!m) throw new UsageError(`flag --${flag}: expected a percentage like 10% (got "${text}")`);
  return Number(m[1]);
}

export function parseNonNegative(text: string, flag: string, what: string): number {
  const m = /^\$?(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new UsageError(`flag --${flag}: expected ${what} (got "${text}")`);
  return Number(m[1]);
}

export function helpText(command: Subcommand, version: string): string {
  const usage: Record<Subcommand, string> = {
    namespace: 'kubectl cost namespace [NAME...] [flags]   (alias: ns)\n  Monthly rate (or --historical total) per namespace, with pod count and average pod cost.',
    deployment: 'kubectl cost deployment [NAME...] [flags]\n  Cost per Deployment.',
    controller: 'kubectl cost controller [NAME...] [flags]\n  Cost per controller (Deployment, StatefulSet, DaemonSet, Job, CronJob, ...).',
    pod: 'kubectl cost pod [NAME...] [flags]\n  Cost per pod.',
    node: 'kubectl cost node [NAME...] [flags]\n  Cost per node (its pods plus its idle capacity).',
    label: 'kubectl cost label -l KEY [VALUE...] [flags]\n  Cost per value of a pod label.',
    cluster: 'kubectl cost cluster [flags]\n  Cost of the whole cluster.',
    estimate: 'kubectl cost estimate -f FILE|- [flags]\n  Monthly cost of the workloads in a manifest; before/after when the cluster is known.\n  Exit codes: 0 ok, 1 --max-increase or --budget exceeded, 2 bad usage or input.',
    recommendations: 'kubectl cost recommendations [flags]   (alias: recs)\n  Savings advice from the exporter\'s history: right-sizing, idle nodes, spot, commitments (docs/advice.md).',
    reconcile: 'kubectl cost reconcile [flags]\n  The cloud bill against the estimate: per day estimated vs billed, node-hours matched, the biggest differences and why (docs/billing.md).\n  Server mode: the exporter\'s /api/v1/reconciliation (--billing-source). Offline: --snapshot FILE --bill DIR.',
    version: 'kubectl cost version\n  Print the version.',
    help: 'kubectl cost COMMAND [flags]\n  Commands: namespace (ns), deployment, controller, pod, node, label, cluster, estimate, recommendations, reconcile, version.\n  Data: --server URL, --snapshot PATH, or the in-cluster service through the API server proxy.\n  Run kubectl cost COMMAND --help for the flags of a command.',
  };
  const lines = [`kubectl-cost ${version}`, '', usage[command], ''];
  const specs = flagsOf(command);
  if (specs.length > 0) lines.push('Flags:');
  for (const s of specs) {
    const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.value ? ` ${s.value}` : ''}`;
    lines.push(`  ${names.padEnd(44)} ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
