// `kubectl cost` (the `kubectl-cost` plugin): I/O edge. Exit codes: 0 ok, 1 a limit of `estimate`
// exceeded or the server failed, 2 bad usage or bad input (flag, window, YAML, kind).
// Only args.ts is imported up front; everything else is loaded when the command needs it, so that
// `kubectl cost namespace` starts fast (see docs/benchmarks.md, "kubectl cost").
import type { ParsedCommand, Subcommand } from './args.ts';
import { checkWindow, helpText, outputFormat, parseCommandLine, parseNonNegative, parsePercent, UsageError, flagValue } from './args.ts';

export interface PluginIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
  now(): number;
}

type Env = Readonly<Record<string, string | undefined>>;

const PROVIDERS = ['aws', 'gcp', 'azure'] as const;
type Provider = (typeof PROVIDERS)[number];

function providerFlag(parsed: ParsedCommand): Provider | undefined {
  const v = parsed.values.get('cloud-provider')?.[0];
  if (v === undefined) return undefined;
  if ((PROVIDERS as readonly string[]).includes(v)) return v as Provider;
  throw new UsageError(`flag --cloud-provider: unknown provider "${v}" (expected aws, gcp or azure)`);
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  // src/kubectl/ and dist/kubectl/ are both two levels below the package root.
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Minutes of a duration window (`30m`, `24h`, `7d`, `2w`); undefined for keywords and ranges. */
function durationMinutes(window: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|h|d|w)$/.exec(window);
  if (!m) return undefined;
  const unit = { m: 1, h: 60, d: 1440, w: 10080 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

function color(io: PluginIo, parsed: ParsedCommand, env: Env): boolean {
  return io.stdout.isTTY === true && !parsed.switches.has('no-color') && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

async function fetcherFor(parsed: ParsedCommand, env: Env) {
  const server = await import('./server.ts');
  const url = parsed.values.get('server')?.[0];
  if (url !== undefined) return server.directFetcher(url);
  const kubeconfig = parsed.values.get('kubeconfig')?.[0];
  const context = parsed.values.get('context')?.[0];
  return await server.proxyFetcher({
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
    serviceNamespace: flagValue(parsed, 'service-namespace') ?? 'kube-cost',
    serviceName: flagValue(parsed, 'service-name') ?? 'kube-cost-exporter',
    servicePort: flagValue(parsed, 'service-port') ?? '9090',
    env,
  });
}

function notesOf(report: { notices: readonly { message: string }[]; errors: readonly { message: string }[] }, warnings: readonly { message: string }[]): string[] {
  const out: string[] = [];
  const list = (what: string, items: readonly { message: string }[]) => {
    if (items.length === 0) return;
    out.push(`note: ${items.length} ${what}${items.length === 1 ? '' : 's'}: ${items[0]?.message}${items.length > 1 ? ` (and ${items.length - 1} more)` : ''}`);
  };
  list('snapshot object skipped', warnings);
  list('input error', report.errors);
  list('price notice', report.notices);
  return out;
}

async function runReport(parsed: ParsedCommand, io: PluginIo, env: Env): Promise<number> {
  const command = parsed.command as Exclude<Subcommand, 'estimate' | 'recommendations' | 'reconcile' | 'version' | 'help'>;
  const window = checkWindow(flagValue(parsed, 'window') ?? '1d');
  const format = outputFormat(parsed);
  const historical = parsed.switches.has('historical');
  const all = parsed.switches.has('show-all');
  const show = {
    cpu: all || parsed.switches.has('show-cpu'),
    memory: all || parsed.switches.has('show-memory'),
    gpu: all || parsed.switches.has('show-gpu'),
    pv: all || parsed.switches.has('show-pv'),
    network: all || parsed.switches.has('show-network'),
    efficiency: all || parsed.switches.has('show-efficiency'),
  };
  const labelKey = parsed.values.get('label')?.[0];
  if (command === 'label' && (labelKey === undefined || labelKey === '')) throw new UsageError('kubectl cost label needs -l KEY (the pod label to group by)');
  const namespace = parsed.values.get('namespace')?.[0];
  const snapshots = parsed.values.get('snapshot');
  const { groupAllocations } = await import('./allocations.ts');
  let allocations: import('./allocations.ts').Allocation[];
  let sourceDescription: string;
  const notes: string[] = [];
  if (snapshots !== undefined) {
    if (parsed.values.has('server')) throw new UsageError('--snapshot and --server cannot be used together');
    if (historical) {
      throw new UsageError('--historical needs cost history, which only a running exporter keeps: use --server URL or the in-cluster service (--snapshot gives the current monthly rate)');
    }
    const { loadOfflineCluster, splitPaths } = await import('./snapshot.ts');
    const { allocationsFromReport } = await import('./allocations.ts');
    const nowMs = io.now();
    const windowMinutes = durationMinutes(window) ?? 1440;
    const provider = providerFlag(parsed);
    const region = parsed.values.get('region')?.[0];
    const offline = await loadOfflineCluster({ paths: splitPaths(snapshots), nowMs, windowMs: windowMinutes * 60_000, ...(provider ? { provider } : {}), ...(region ? { region } : {}) });
    allocations = allocationsFromReport(offline.report, windowMinutes);
    sourceDescription = `snapshot ${splitPaths(snapshots).join(', ')}`;
    notes.push(...notesOf(offline.report, offline.warnings));
    if (show.efficiency && !offline.hasUsage) notes.push('note: no usage in the snapshot (add metrics API output with --snapshot): efficiency n/a');
    if (parsed.values.has('window')) notes.push('note: offline figures are the current run rate of the snapshot; --window only matters with a server');
  } else {
    const { queryAllocations } = await import('./server.ts');
    const fetcher = await fetcherFor(parsed, env);
    allocations = await queryAllocations(fetcher, { window, aggregate: 'pod', ...(namespace ? { filter: `namespace:"${namespace.replace(/"/g, '')}"` } : {}) });
    sourceDescription = fetcher.description;
  }
  const { buildReport, reportCsv, reportJson, reportTable } = await import('./report.ts');
  const options = { by: command, historical, show, ...(labelKey ? { labelKey } : {}) };
  const groups = groupAllocations(allocations, { by: command, ...(labelKey ? { labelKey } : {}), ...(namespace ? { namespace } : {}), names: parsed.positional });
  const report = buildReport(groups, options);
  const format_ = await import('./format.ts');
  switch (format) {
    case 'json':
      io.stdout.write(reportJson(report, { command, window, source: sourceDescription, ...(namespace ? { namespace } : {}) }));
      break;
    case 'csv':
      io.stdout.write(reportCsv(report, options));
      break;
    case 'markdown':
      io.stdout.write(format_.renderMarkdown(reportTable(report, options)));
      break;
    default:
      io.stdout.write(format_.renderText(reportTable(report, options), { color: color(io, parsed, env) }));
  }
  for (const n of notes) io.stderr.write(`${n}\n`);
  return 0;
}

async function runEstimate(parsed: ParsedCommand, io: PluginIo, env: Env): Promise<number> {
  const files = parsed.values.get('filename') ?? [];
  if (files.length === 0) throw new UsageError('kubectl cost estimate needs -f FILE (or -f - for standard input)');
  const format = outputFormat(parsed);
  const maxIncrease = parsed.values.has('max-increase') ? parsePercent(parsed.values.get('max-increase')?.[0] ?? '', 'max-increase') : undefined;
  const budget = parsed.values.has('budget') ? parseNonNegative(parsed.values.get('budget')?.[0] ?? '', 'budget', 'a monthly amount in USD like 500') : undefined;
  const assumedNodes = parseNonNegative(flagValue(parsed, 'nodes') ?? '1', 'nodes', 'a node count');
  if (!Number.isInteger(assumedNodes)) throw new UsageError(`flag --nodes: expected a whole number of nodes (got "${flagValue(parsed, 'nodes')}")`);
  const jobHours = parsed.values.has('job-hours') ? parseNonNegative(parsed.values.get('job-hours')?.[0] ?? '', 'job-hours', 'hours per month') : undefined;
  if (jobHours !== undefined && jobHours > 744) throw new UsageError(`flag --job-hours: a month has at most 744 hours (got ${jobHours})`);
  const namespace = parsed.values.get('namespace')?.[0] ?? 'default';

  const { parseManifestText, readWorkloads } = await import('./estimate-manifest.ts');
  const workloads: import('./estimate-manifest.ts').ManifestWorkload[] = [];
  const ignoredKinds = new Map<string, number>();
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? await io.readStdin() : await io.readFile(file);
    } catch (err) {
      throw new UsageError(`-f ${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const origin = file === '-' ? '(stdin)' : file;
    const one = readWorkloads(parseManifestText(text, origin), origin, namespace);
    workloads.push(...one.workloads);
    for (const [kind, n] of one.ignoredKinds) ignoredKinds.set(kind, (ignoredKinds.get(kind) ?? 0) + n);
  }
  const reading = { workloads, ignoredKinds };

  const { estimateCosts, checkLimits } = await import('./estimate.ts');
  const rateMod = await import('./estimate-rates.ts');
  const instanceType = parsed.values.get('instance-type')?.[0];
  const provider = providerFlag(parsed);
  const region = parsed.values.get('region')?.[0];
  let rates: import('./estimate.ts').EstimateRates;
  let cluster: import('./estimate.ts').ClusterFacts | undefined;
  const notes: string[] = [];
  const snapshots = parsed.values.get('snapshot');
  const offlineCatalog = async () => {
    const { loadCatalog } = await import('../pricing/catalog.ts');
    const { createPriceBook } = await import('../pricing/pricebook.ts');
    const catalog = loadCatalog();
    const r = rateMod.offlineRates({
      catalog,
      prices: createPriceBook({ catalog }),
      ...(instanceType ? { instanceType } : {}),
      ...(region ? { region } : {}),
      ...(provider ? { provider } : {}),
    });
    if (r.fallbackReason) notes.push(`note: ${r.fallbackReason}`);
    return r;
  };
  if (snapshots !== undefined) {
    const { loadOfflineCluster, splitPaths } = await import('./snapshot.ts');
    const offline = await loadOfflineCluster({ paths: splitPaths(snapshots), nowMs: io.now(), windowMs: 3_600_000 });
    rates = instanceType || region || provider ? await offlineCatalog() : rateMod.clusterRates(offline.report, offline.prices);
    cluster = rateMod.snapshotFacts(offline.snapshot, rates, jobHours);
  } else if (parsed.values.has('server')) {
    const { serverEstimateData } = await import('./estimate-server.ts');
    const data = await serverEstimateData(await fetcherFor(parsed, env), { jobHoursPerMonth: jobHours });
    rates = instanceType || region || provider ? await offlineCatalog() : data.rates;
    cluster = data.facts(rates);
    notes.push(...data.notes);
  } else {
    rates = await offlineCatalog();
  }

  const estimate = estimateCosts(reading.workloads, { rates, ...(cluster ? { cluster } : {}), assumedNodes, ...(jobHours !== undefined ? { jobHoursPerMonth: jobHours } : {}) });
  const limits = checkLimits(estimate, { ...(maxIncrease !== undefined ? { maxIncreasePercent: maxIncrease } : {}), ...(budget !== undefined ? { budgetMonthlyUsd: budget } : {}) });
  const { renderEstimate } = await import('./estimate-output.ts');
  io.stdout.write(renderEstimate(estimate, { format, rates: rates.description, ignoredKinds: reading.ignoredKinds, color: color(io, parsed, env) }));
  const commands = [...limits.errors.map((e) => `::error::${e}`), ...limits.warnings.map((w) => `::warning::${w}`)];
  // Workflow commands go to standard output, where GitHub Actions reads them, unless it must stay machine-readable.
  const commandStream = format === 'json' || format === 'csv' ? io.stderr : io.stdout;
  for (const c of commands) commandStream.write(`${c}\n`);
  for (const n of notes) io.stderr.write(`${n}\n`);
  return limits.errors.length > 0 ? 1 : 0;
}

async function runReconcile(parsed: ParsedCommand, io: PluginIo, env: Env): Promise<number> {
  const r = await import('./reconcile.ts');
  const { window, top, format } = r.reconcileOptions(parsed);
  const snapshots = parsed.values.get('snapshot');
  const bill = parsed.values.get('bill')?.[0];
  let data: import('./reconcile.ts').ReconciliationData;
  let source: string;
  const notes: string[] = [];
  if (snapshots !== undefined || bill !== undefined) {
    if (snapshots === undefined || bill === undefined) throw new UsageError('offline reconciliation needs both --snapshot FILE and --bill DIR');
    if (parsed.values.has('server')) throw new UsageError('--snapshot and --server cannot be used together');
    const { splitPaths } = await import('./snapshot.ts');
    const offline = await r.offlineReconciliation({ snapshots: splitPaths(snapshots), bill, window, nowMs: io.now(), top });
    data = offline.data;
    notes.push(...offline.notes);
    source = `snapshot ${splitPaths(snapshots).join(', ')} and bill ${bill}`;
  } else {
    const fetcher = await fetcherFor(parsed, env);
    data = await r.serverReconciliation(fetcher, window ?? '30d', top);
    source = fetcher.description;
  }
  io.stdout.write(r.renderReconciliation(data, format, { color: color(io, parsed, env), source }));
  for (const n of notes) io.stderr.write(`${n}\n`);
  return 0;
}

export async function main(argv: readonly string[], env: Env, io: PluginIo): Promise<number> {
  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv);
    if (parsed.command === 'version') {
      io.stdout.write(`kubectl-cost ${await version()}\n`);
      return 0;
    }
    if (parsed.command === 'help' || parsed.switches.has('help')) {
      io.stdout.write(helpText(parsed.command, await version()));
      return 0;
    }
    if (parsed.command === 'recommendations') {
      const { runRecommendations } = await import('./recommendations.ts');
      return await runRecommendations(parsed, await fetcherFor(parsed, env), io, color(io, parsed, env));
    }
    if (parsed.command === 'reconcile') return await runReconcile(parsed, io, env);
    return parsed.command === 'estimate' ? await runEstimate(parsed, io, env) : await runReport(parsed, io, env);
  } catch (err) {
    const { InputError, ConfigError } = await import('../core/errors.ts');
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (err instanceof UsageError || err instanceof InputError || err instanceof ConfigError) return 2;
    return 1;
  }
}

/** The real process: standard streams, files, the clock. */
export function processIo(): PluginIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    async readFile(path) {
      const { readFile } = await import('node:fs/promises');
      return await readFile(path, 'utf8');
    },
    now: () => Date.now(),
  };
}

if (import.meta.main) {
  main(process.argv.slice(2), process.env, processIo()).then((code) => {
    process.exitCode = code;
  });
}
