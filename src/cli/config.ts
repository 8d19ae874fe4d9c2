// Configuration, read once at the edge: command-line flags over KCE_* environment variables over
// defaults. One table drives parsing, validation, --help and docs/configuration.md.
import type { CloudProvider } from '../core/model.ts';
import type { HashedName } from '../core/privacy.ts';
import { ConfigError } from '../core/errors.ts';
import type { LogFormat, LogLevel } from '../server/log.ts';
import type { RetentionPolicy } from '../store/types.ts';
import type { AdviceConfig } from './advice-config.ts';
import { ADVICE_OPTIONS, adviceConfig } from './advice-config.ts';

export type SourceChoice = 'auto' | 'demo' | 'snapshot' | 'kube' | 'none';

/** Live cloud pricing (src/pricing/live): the options of the pricing block below. */
export interface LivePricingConfig {
  /** `--pricing-refresh`: auto (providers the cluster's nodes use, turned off when unreachable), on, off. */
  readonly refresh: 'auto' | 'on' | 'off';
  readonly cacheFile: string;
  readonly awsPricingUrl: string;
  /** `--aws-pricing-source`: bulk files (no credentials) or the Price List Query API (GetProducts, signed). */
  readonly awsPricingSource: 'bulk' | 'query';
  readonly awsPricingEndpoint: string | undefined;
  readonly awsEc2Endpoint: string | undefined;
  readonly azurePricingUrl: string;
  readonly gcpPricingUrl: string;
  readonly gcpApiKeyFile: string | undefined;
}

export interface ServeConfig {
  readonly source: SourceChoice;
  readonly snapshotPaths: readonly string[];
  /** `--kubeconfig` (or KCE_KUBECONFIG); undefined: KUBECONFIG, ~/.kube/config, in-cluster, as kubectl. */
  readonly kubeconfigPath: string | undefined;
  /** `--context`; undefined: the kubeconfig's current context. */
  readonly context: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly intervalMs: number;
  readonly cloudProvider: CloudProvider | undefined;
  readonly region: string | undefined;
  readonly pricingFile: string | undefined;
  readonly livePricing: LivePricingConfig;
  readonly clusterId: string | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly metricsPath: string;
  readonly demoSeed: number;
  /** `--auth-token-file`: bearer token required on every path but /healthz and /readyz; re-read when it changes. */
  readonly authTokenFile: string | undefined;
  /** `--basic-auth-file`: htpasswd file of users with bcrypt hashes; re-read when it changes. */
  readonly basicAuthFile: string | undefined;
  /** `--auth-kubernetes`: bearer tokens checked with TokenReview + SubjectAccessReview (get on the path). */
  readonly authKubernetes: boolean;
  /** `--rate-limit`: requests per second per client address (every path but /healthz and /readyz); 0: off. */
  readonly rateLimitPerSecond: number;
  /** `--allow-cidr`: client addresses allowed (every path but /healthz and /readyz); empty: any. */
  readonly allowCidrs: readonly string[];
  /** `--tls-cert-file` and `--tls-key-file`: serve HTTPS; both re-read when they change. */
  readonly tls: { readonly certFile: string; readonly keyFile: string; readonly clientCaFile: string | undefined } | undefined;
  /** `--hash-names`: which names every output shows as stable hashes (pods, namespaces, labels). */
  readonly hashNames: ReadonlySet<HashedName>;
  /** `--hash-salt-file`: the salt of those hashes; undefined: no salt (hashes of common names can be guessed). */
  readonly hashSaltFile: string | undefined;
  /** `--annotation-allowlist`: annotation keys kept (`prefix/*`, `*`); every other annotation is dropped on reading. */
  readonly annotationAllowList: readonly string[];
  /** `--max-objects`: most objects of each kind the live source keeps; past it, new ones are not read. 0: no limit. */
  readonly maxObjects: number;
  /** `--max-pod-series`: pods with a series of their own in /metrics; past it the cheapest fold into `__other__`. 0: no cap. */
  readonly maxPodSeries: number;
  /** `--shutdown-timeout`: how long SIGTERM waits for the cycle, open requests and the store before exiting anyway. */
  readonly shutdownTimeoutMs: number;
  /** `--reclaim-memory`: one memory-reducing garbage collection after each cost cycle (needs --expose-gc). */
  readonly reclaimMemory: boolean;
  /** `--store`, `--data-dir`, `--retention-*`, `--demo-backfill`: the history store (docs/history.md). */
  readonly history: HistoryConfig;
  /** `--access-log`: which requests are logged with who asked (none, denied, all). */
  readonly accessLog: 'none' | 'denied' | 'all';
  /** `--budgets`, `--advice-*`, `--notify-*`, `--dashboard-url`: advice metrics, budgets, notifications (advice-config.ts). */
  readonly advice: AdviceConfig;
  /** `--hub`: the API and UI answer for every cluster in the history store, not only this exporter's (docs/multi-cluster.md). */
  readonly hub: boolean;
  /** `--billing-source`, `--billing-refresh`: billing reconciliation (docs/billing.md); undefined: off. */
  readonly billing: BillingConfig | undefined;
}

export interface BillingConfig {
  /** A directory, file://, s3://, gs:// or azblob:// location of the bill files. */
  readonly location: string;
  readonly refreshMs: number;
}

export interface HistoryConfig {
  readonly store: 'sqlite' | 'memory' | 'postgres';
  /** The connection URL for `postgres`. */
  readonly url: string | undefined;
  readonly dataDir: string;
  readonly retention: RetentionPolicy;
  readonly demoBackfillMs: number;
  /** `--record-containers`: also record one row per container each cycle (aggregate=container). */
  readonly recordContainers: boolean;
}

export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly value: string;
  readonly default: string;
  readonly help: string;
  readonly repeatable?: boolean;
}

/** Every `serve` option. Order is the order of --help. */
export const SERVE_OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'source',
    env: 'KCE_SOURCE',
    value: 'auto|demo|snapshot|kube|none',
    default: 'auto',
    help: 'Where cluster data comes from. kube: the live cluster (list + watch, usage from the metrics API), connecting as kubectl does. auto: the snapshot when --snapshot is given, else the current kubeconfig context when one is configured and answers within 3s, else the demo cluster; the first log line says which and why. none: no cluster of its own, only with --hub (a hub that serves the shared history store; /metrics then has the hub\'s own health only).',
  },
  {
    flag: 'kubeconfig',
    env: 'KCE_KUBECONFIG',
    value: 'FILE',
    default: '',
    help: 'Kubeconfig file for --source kube or auto. Default as kubectl: the KUBECONFIG variable (files separated by :), else ~/.kube/config, else the in-cluster service account of the pod.',
  },
  { flag: 'context', env: 'KCE_CONTEXT', value: 'NAME', default: '', help: "Kubeconfig context to use. Default: the kubeconfig's current context." },
  {
    flag: 'snapshot',
    env: 'KCE_SNAPSHOT',
    value: 'PATH',
    default: '',
    help: 'A file or directory written by `kubectl get nodes,pods,pv,pvc,svc,ns -A -o json`, or metrics API output. Repeat the flag (or separate with commas in the variable) for several. Re-read when it changes.',
    repeatable: true,
  },
  { flag: 'port', env: 'KCE_PORT', value: 'PORT', default: '9090', help: 'TCP port for /metrics, /healthz and /readyz.' },
  { flag: 'host', env: 'KCE_HOST', value: 'ADDRESS', default: '0.0.0.0', help: 'Address to listen on (0.0.0.0 for all IPv4, :: for all, 127.0.0.1 for local only).' },
  { flag: 'interval', env: 'KCE_INTERVAL', value: 'DURATION', default: '60s', help: 'How often costs are recomputed (e.g. 30s, 1m, 5m; at least 1s).' },
  {
    flag: 'cloud-provider',
    env: 'KCE_CLOUD_PROVIDER',
    value: 'aws|gcp|azure|custom',
    default: '',
    help: 'Price nodes as this provider. Default: detected per node from spec.providerID and labels; custom when nothing is detected.',
  },
  { flag: 'region', env: 'KCE_REGION', value: 'REGION', default: '', help: 'Price every node in this region. Default: each node\'s topology.kubernetes.io/region label.' },
  { flag: 'pricing', env: 'KCE_PRICING', value: 'FILE', default: '', help: 'Custom pricing YAML (on-prem rates, negotiated discounts, per-label overrides); see docs/pricing.md.' },
  // Live pricing (docs/pricing.md, "Live pricing").
  {
    flag: 'pricing-refresh',
    env: 'KCE_PRICING_REFRESH',
    value: 'auto|on|off',
    default: 'auto',
    help: "Fetch list and spot prices from the cloud providers' price APIs in the background (instances every 1h, spot 5m, storage 24h, network 1h) and price nodes with them; the catalog answers until they arrive and whenever a provider is down. auto: for the providers the cluster's nodes run on, each turned off (logged) when its API cannot be reached at the first call or has no credentials/key; the demo cluster keeps the catalog. on: keep retrying (backoff, circuit breaker). off: catalog and custom prices only.",
  },
  {
    flag: 'pricing-cache-file',
    env: 'KCE_PRICING_CACHE_FILE',
    value: 'FILE',
    default: '',
    help: 'Where fetched prices are kept, so a restart does not refetch them (and answers from them, as source cache, while a provider is down). Written atomically after each refresh; safe to delete. Default: pricing-cache.json under --data-dir (./data/pricing-cache.json).',
  },
  { flag: 'aws-pricing-url', env: 'KCE_AWS_PRICING_URL', value: 'URL', default: 'https://pricing.us-east-1.amazonaws.com', help: 'Base URL of the AWS bulk Price List files (region index and offer files; no credentials needed), e.g. an air-gapped mirror.' },
  {
    flag: 'aws-pricing-source',
    env: 'KCE_AWS_PRICING_SOURCE',
    value: 'bulk|query',
    default: 'bulk',
    help: 'Where AWS on-demand and EBS prices come from. bulk: the public Price List files (no credentials; the region file is large but streamed, and downloaded again only when AWS publishes a new version). query: the Price List Query API (GetProducts) for just the instance types in use; needs pricing:GetProducts with the standard AWS credentials; no network prices.',
  },
  { flag: 'aws-pricing-endpoint', env: 'KCE_AWS_PRICING_ENDPOINT', value: 'URL', default: '', help: 'Price List Query API endpoint for --aws-pricing-source query. Default: the us-east-1 endpoint (api.pricing.us-east-1.amazonaws.com).' },
  {
    flag: 'aws-ec2-endpoint',
    env: 'KCE_AWS_EC2_ENDPOINT',
    value: 'URL',
    default: '',
    help: "EC2 API endpoint for spot prices (DescribeSpotPriceHistory; needs ec2:DescribeSpotPriceHistory with the AWS SDK's standard credentials: environment, IRSA web identity, shared files, instance metadata). Default: the region's public endpoint; AWS_ENDPOINT_URL_EC2 works too.",
  },
  { flag: 'azure-pricing-url', env: 'KCE_AZURE_PRICING_URL', value: 'URL', default: 'https://prices.azure.com/api/retail/prices', help: 'The Azure Retail Prices API (no credentials needed), or a mirror or proxy of it.' },
  { flag: 'gcp-pricing-url', env: 'KCE_GCP_PRICING_URL', value: 'URL', default: 'https://cloudbilling.googleapis.com', help: 'Base URL of the Google Cloud Billing Catalog API, or a mirror or proxy of it.' },
  {
    flag: 'gcp-api-key-file',
    env: 'KCE_GCP_API_KEY_FILE',
    value: 'FILE',
    default: '',
    help: 'File holding a Google API key allowed to call the Cloud Billing API (e.g. a mounted Secret). Without it GCP nodes keep catalog prices.',
  },
  // Billing reconciliation (docs/billing.md).
  {
    flag: 'billing-source',
    env: 'KCE_BILLING_SOURCE',
    value: 'LOCATION',
    default: '',
    help: "Where the cloud bill is: a directory (or file://) of AWS Cost and Usage Report files (CSV, CSV.gz, Parquet; legacy or CUR 2.0 columns), Azure cost exports (CSV, amortized) or GCP billing exports (CSV, JSON lines); or the bucket the provider delivers to, s3://bucket/prefix/, gs://bucket/prefix/ or azblob://account/container/prefix/, read with the provider's SDK and its usual credentials (docs/billing.md). Bill lines are matched to nodes by spec.providerID: history is corrected to what was billed (RI/SP amortized, spot, discounts) and marked reconciled, nodes are priced at their billed rate (source billing), and /api/v1/reconciliation compares. Default: off.",
  },
  {
    flag: 'billing-refresh',
    env: 'KCE_BILLING_REFRESH',
    value: 'DURATION',
    default: '6h',
    help: 'How often the bill is read again (bills are rewritten several times a day and restated until the month closes). At least 1m.',
  },
  { flag: 'cluster-id', env: 'KCE_CLUSTER_ID', value: 'ID', default: '', help: 'Adds cluster="ID" to every metric, API answer and history row; set it on every exporter that shares a history store or a Prometheus with others. The demo cluster uses "demo" unless set; history without it is recorded as cluster "default".' },
  {
    flag: 'reclaim-memory',
    env: 'KCE_RECLAIM_MEMORY',
    value: 'true|false',
    default: 'true',
    help: "After each cost cycle (at most every 30s), run one full, memory-reducing garbage collection so the process gives back what the cycle left behind: at 10,000 pods ~35 MiB less RSS between cycles for ~80 ms of CPU per collection (docs/benchmarks.md). Needs node's --expose-gc, which the image and npm start set; without it V8 decides, and the exporter says so at start. false: leave it to V8.",
  },
  {
    flag: 'shutdown-timeout',
    env: 'KCE_SHUTDOWN_TIMEOUT',
    value: 'DURATION',
    default: '25s',
    help: 'On SIGTERM the exporter stops accepting connections, lets the running cycle and open requests finish and flushes its store; past this it exits anyway (code 1). Keep it below the pod\'s terminationGracePeriodSeconds (30s by default). A second SIGTERM or SIGINT exits at once.',
  },
  {
    flag: 'max-objects',
    env: 'KCE_MAX_OBJECTS',
    value: 'N',
    default: '1000000',
    help: 'With --source kube: the most objects of each kind (pods, nodes, volumes...) kept in memory; past it, new objects are not read or costed, a warning says how many, and kube_cost_skipped_objects{error_type="object_limit"} counts them. Protects the exporter from an API server that lists without end. 0: no limit.',
  },
  {
    flag: 'max-pod-series',
    env: 'KCE_MAX_POD_SERIES',
    value: 'N',
    default: '200000',
    help: 'A cap on label cardinality: past N pods, the cheapest are folded into one pod="__other__" series per namespace in /metrics (every sum stays exact; the API, history and UI keep every pod), and kube_cost_pod_series_folded says how many. 0: no cap.',
  },
  { flag: 'metrics-path', env: 'KCE_METRICS_PATH', value: 'PATH', default: '/metrics', help: 'HTTP path of the Prometheus metrics.' },
  { flag: 'log-level', env: 'KCE_LOG_LEVEL', value: 'debug|info|warn|error', default: 'info', help: 'Least severe log level written.' },
  { flag: 'log-format', env: 'KCE_LOG_FORMAT', value: 'text|json', default: 'text', help: 'Log line format: text for people, json for log pipelines.' },
  { flag: 'demo-seed', env: 'KCE_DEMO_SEED', value: 'N', default: '42', help: 'Seed of the simulated demo cluster; the same seed gives the same cluster.' },
  {
    flag: 'store',
    env: 'KCE_STORE',
    value: 'sqlite|memory|postgres://URL',
    default: 'sqlite',
    help: 'Where cost history is kept (docs/history.md). sqlite: one file, history.db, under --data-dir. memory: nothing written, history lost on restart, and the retained raw cycles held in the heap (about 7 MiB more per cycle at 10,000 pods: for tests and small clusters). postgres://USER:PASSWORD@HOST:PORT/DB (or postgresql://...): a PostgreSQL database several clusters can share (native partitioning; TimescaleDB is not yet supported); prefer PGPASSWORD or ~/.pgpass to a password in the URL.',
  },
  { flag: 'data-dir', env: 'KCE_DATA_DIR', value: 'DIR', default: './data', help: 'Directory of the SQLite history (DIR/history.db), created if missing. Mount a persistent volume here to keep history across restarts.' },
  { flag: 'retention-raw', env: 'KCE_RETENTION_RAW', value: 'DURATION', default: '15d', help: 'How long per-cycle history is kept (e.g. 7d, 36h) before only hourly and daily rollups remain.' },
  { flag: 'retention-hourly', env: 'KCE_RETENTION_HOURLY', value: 'DURATION', default: '90d', help: 'How long hourly rollups are kept; at least --retention-raw.' },
  {
    flag: 'retention-daily',
    env: 'KCE_RETENTION_DAILY',
    value: 'DURATION|forever',
    default: 'forever',
    help: 'How long daily rollups are kept; at least --retention-hourly. forever: never dropped.',
  },
  {
    flag: 'demo-backfill',
    env: 'KCE_DEMO_BACKFILL',
    value: 'DURATION',
    default: '30d',
    help: 'Demo cluster only: on the first start with no history, simulate this much past history (hourly cycles, marked as demo) so the API and UI have something to show at once; 0 disables.',
  },
  {
    flag: 'record-containers',
    env: 'KCE_RECORD_CONTAINERS',
    value: 'true|false',
    default: 'false',
    help: "Also record each pod's cost per container, every cycle (and in the demo backfill), so /api/v1/allocation answers aggregate=container and filter=container:\"NAME\": each container's max(request, usage) share of its pod, what belongs to no container (init phase above the containers, pod overhead, volumes) as container __pod__. About one more history row per container (docs/history.md#containers for the write, disk and query costs).",
  },
  {
    flag: 'hub',
    env: 'KCE_HUB',
    value: 'true|false',
    default: 'false',
    help: "Many clusters (docs/multi-cluster.md): the API (/api/v1) and web UI answer for every cluster in the history store (a PostgreSQL several exporters write to with --store postgres://... and their own --cluster-id), with aggregate=cluster and filter=cluster:\"ID\". Without it an exporter answers for its own cluster only. With --source none the hub has no cluster of its own; with a source it is also that cluster's exporter.",
  },
  {
    flag: 'auth-token-file',
    env: 'KCE_AUTH_TOKEN_FILE',
    value: 'FILE',
    default: '',
    help: 'Require `Authorization: Bearer <token>` on every path but /healthz and /readyz, the token being the content of FILE (e.g. a mounted Secret). The file is re-read when it changes: rotate without a restart. Prometheus: `authorization: {credentials_file: ...}` in the scrape config. Default: no token.',
  },
  {
    flag: 'basic-auth-file',
    env: 'KCE_BASIC_AUTH_FILE',
    value: 'FILE',
    default: '',
    help: 'Require HTTP basic authentication on every path but /healthz and /readyz from the users in FILE, htpasswd lines with bcrypt hashes (`htpasswd -nbB USER PASSWORD`; plain, MD5 and SHA-1 hashes are refused). Re-read when it changes. With --auth-token-file too, either credential is accepted. Default: none.',
  },
  {
    flag: 'auth-kubernetes',
    env: 'KCE_AUTH_KUBERNETES',
    value: 'true|false',
    default: 'false',
    help: 'Require a bearer token on every path but /healthz and /readyz that the Kubernetes API server authenticates (TokenReview) and allows to get that path (SubjectAccessReview, e.g. a ClusterRole with nonResourceURLs: ["/metrics"], verbs: ["get"]), as kube-rbac-proxy does. In a pod Prometheus sends its service-account token. Uses the cluster of --kubeconfig/--context or the pod. Combines with the other credentials (any one passes).',
  },
  {
    flag: 'rate-limit',
    env: 'KCE_RATE_LIMIT',
    value: 'N',
    default: '20',
    help: 'Requests per second each client address may send (bursts of twice that), on every path but /healthz and /readyz; more get 429 with Retry-After. 0 turns it off. URLs over 8 KiB (414) and request bodies over 64 KiB (413) are always refused.',
  },
  {
    flag: 'allow-cidr',
    env: 'KCE_ALLOW_CIDR',
    value: 'CIDR',
    default: '',
    help: 'Only answer clients in these networks (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1) on every path but /healthz and /readyz; others get 403. Repeat the flag (or separate with commas in the variable). Default: any address.',
    repeatable: true,
  },
  {
    flag: 'access-log',
    env: 'KCE_ACCESS_LOG',
    value: 'none|denied|all',
    default: 'denied',
    help: 'Access log, an audit trail of who asked what: remote address, client certificate CN, a fingerprint of the bearer token (never the token), method, path, status, duration. denied: only refused requests (401/403); all: every request, scrapes included.',
  },
  {
    flag: 'hash-names',
    env: 'KCE_HASH_NAMES',
    value: 'pods[,namespaces][,labels]',
    default: '',
    help: 'Privacy: show these names as stable hashes (h- and 12 hex digits) in every output — metrics, API, history, UI. pods: pod names and the names derived from workloads (owners, claims, services); namespaces: namespace names; labels: label values (keys kept; budget amounts kept). Costs are unchanged. Default: none.',
  },
  {
    flag: 'hash-salt-file',
    env: 'KCE_HASH_SALT_FILE',
    value: 'FILE',
    default: '',
    help: 'Salt of the --hash-names hashes (e.g. a mounted Secret). Keep it to keep the same hashes across restarts and replicas; without a salt, hashes of common names can be guessed.',
  },
  {
    flag: 'annotation-allowlist',
    env: 'KCE_ANNOTATION_ALLOWLIST',
    value: 'KEY',
    default: 'budget,cost-center,owner,team,kube-cost-exporter.io/*,cluster-autoscaler.kubernetes.io/*',
    help: 'Pod and namespace annotations kept on reading (KEY, prefix/* or * for all); every other annotation is dropped before costing, so it is never stored or exported. Repeat the flag (or separate with commas); giving it replaces the default list.',
    repeatable: true,
  },
  { flag: 'tls-cert-file', env: 'KCE_TLS_CERT_FILE', value: 'FILE', default: '', help: 'Serve HTTPS with this PEM certificate (chain); needs --tls-key-file. Re-read when it changes (cert-manager renewals need no restart).' },
  { flag: 'tls-key-file', env: 'KCE_TLS_KEY_FILE', value: 'FILE', default: '', help: 'PEM private key of --tls-cert-file.' },
  {
    flag: 'tls-client-ca-file',
    env: 'KCE_TLS_CLIENT_CA_FILE',
    value: 'FILE',
    default: '',
    help: 'Require client certificates signed by this PEM CA bundle (mutual TLS); needs --tls-cert-file. Default: no client certificate asked.',
  },
  // Advice metrics, budgets and notifications (advice-config.ts; docs/alerts.md).
  ...ADVICE_OPTIONS,
];

const BY_FLAG = new Map(SERVE_OPTIONS.map((o) => [o.flag, o]));

export interface ParsedArgs {
  readonly command: string;
  readonly help: boolean;
  readonly version: boolean;
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export const COMMANDS = ['serve', 'help', 'version'] as const;

function suggestion(flag: string): string {
  let best = '';
  let bestDistance = 3;
  for (const o of SERVE_OPTIONS) {
    const d = editDistance(flag, o.flag);
    if (d < bestDistance) {
      best = o.flag;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean --${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** Splits argv into a command, flags and their values. Throws ConfigError on unknown flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string[]>();
  let command = '';
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-v' || arg === '--version') {
      version = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = BY_FLAG.get(flag);
      if (!spec) throw new ConfigError(`--${flag}`, `unknown option${suggestion(flag)}; see --help`);
      let value: string;
      if (eq !== -1) value = arg.slice(eq + 1);
      else if (spec.value === 'true|false' && argv[i + 1] !== 'true' && argv[i + 1] !== 'false') {
        // A switch given alone (`--hub`) means true.
        value = 'true';
      } else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new ConfigError(`--${flag}`, `needs a value (${spec.value})`);
        value = next;
        i += 1;
      }
      const list = values.get(flag) ?? [];
      if (list.length > 0 && !spec.repeatable) throw new ConfigError(`--${flag}`, 'given more than once');
      list.push(value);
      values.set(flag, list);
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') throw new ConfigError(arg, 'unknown option; see --help');
    if (command === '') {
      if (!(COMMANDS as readonly string[]).includes(arg)) throw new ConfigError(arg, `unknown command; commands are: ${COMMANDS.join(', ')}`);
      command = arg;
      continue;
    }
    throw new ConfigError(arg, 'unexpected argument; see --help');
  }
  return { command: command || 'serve', help, version, values };
}

/** `30s`, `1m`, `1m30s`, `500ms`, `2h` → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null = re.exec(text);
  while (m !== null) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    matched = re.lastIndex;
    m = re.exec(text);
  }
  if (text === '' || matched !== text.length) throw new ConfigError(option, `must be a duration such as 30s, 1m or 1m30s (got ${JSON.stringify(text)})`);
  return total;
}

/** Retention and backfill durations: `15d`, `36h`, `1d12h`, `0`; the units of parseDuration plus d. */
export function parseLongDuration(text: string, option: string): number {
  if (text === '0') return 0;
  const m = /^(\d+)d(.*)$/.exec(text);
  if (!m) {
    try {
      return parseDuration(text, option);
    } catch {
      throw new ConfigError(option, `must be a duration such as 15d, 36h or 1d12h (got ${JSON.stringify(text)})`);
    }
  }
  const days = Number(m[1]) * 86_400_000;
  if (m[2] === '') return days;
  try {
    return days + parseDuration(m[2]!, option);
  } catch {
    throw new ConfigError(option, `must be a duration such as 15d, 36h or 1d12h (got ${JSON.stringify(text)})`);
  }
}

function historyConfig(raw: (flag: string) => { value: string; option: string }): HistoryConfig {
  const storeOption = raw('store');
  let store: HistoryConfig['store'];
  let url: string | undefined;
  if (/^postgres(ql)?:\/\//.test(storeOption.value)) {
    store = 'postgres';
    url = storeOption.value;
    try {
      new URL(url);
    } catch {
      throw new ConfigError(storeOption.option, 'is not a valid postgres:// URL');
    }
  } else store = oneOf<'sqlite' | 'memory'>(storeOption.option, storeOption.value, ['sqlite', 'memory']);
  const dataDir = raw('data-dir');
  if (dataDir.value === '') throw new ConfigError(dataDir.option, 'must not be empty');
  const rawR = raw('retention-raw');
  const hourlyR = raw('retention-hourly');
  const dailyR = raw('retention-daily');
  const rawMs = parseLongDuration(rawR.value, rawR.option);
  const hourlyMs = parseLongDuration(hourlyR.value, hourlyR.option);
  const dailyMs = dailyR.value === 'forever' ? undefined : parseLongDuration(dailyR.value, dailyR.option);
  if (rawMs < 3_600_000) throw new ConfigError(rawR.option, `must be at least 1h (got ${JSON.stringify(rawR.value)})`);
  if (hourlyMs < rawMs) throw new ConfigError(hourlyR.option, `must be at least --retention-raw (${rawR.value}) (got ${JSON.stringify(hourlyR.value)})`);
  if (dailyMs !== undefined && dailyMs < hourlyMs) throw new ConfigError(dailyR.option, `must be at least --retention-hourly (${hourlyR.value}), or forever (got ${JSON.stringify(dailyR.value)})`);
  const backfill = raw('demo-backfill');
  const demoBackfillMs = parseLongDuration(backfill.value, backfill.option);
  if (demoBackfillMs > 400 * 86_400_000) throw new ConfigError(backfill.option, `must be at most 400d (got ${JSON.stringify(backfill.value)})`);
  const containersOption = raw('record-containers');
  const recordContainers = oneOf<'true' | 'false'>(containersOption.option, containersOption.value, ['true', 'false']) === 'true';
  return { store, url, dataDir: dataDir.value, retention: { rawMs, hourlyMs, dailyMs }, demoBackfillMs, recordContainers };
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(option, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

/** An http(s) URL without a trailing slash, or a ConfigError naming the option. */
function baseUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(option, `must be an http or https URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(option, `must be an http or https URL (got ${JSON.stringify(value)})`);
  return value.replace(/\/+$/, '');
}

function loadLivePricingConfig(raw: (flag: string) => { value: string; option: string }): LivePricingConfig {
  const refresh = raw('pricing-refresh');
  const cacheFile = raw('pricing-cache-file');
  const dataDir = raw('data-dir').value.replace(/\/+$/, '') || '.';
  const url = (flag: string) => {
    const o = raw(flag);
    return baseUrl(o.option, o.value);
  };
  const ec2 = raw('aws-ec2-endpoint');
  const awsSource = raw('aws-pricing-source');
  const awsEndpoint = raw('aws-pricing-endpoint');
  return {
    refresh: oneOf<'auto' | 'on' | 'off'>(refresh.option, refresh.value, ['auto', 'on', 'off']),
    cacheFile: cacheFile.value || `${dataDir}/pricing-cache.json`,
    awsPricingUrl: url('aws-pricing-url'),
    awsPricingSource: oneOf<'bulk' | 'query'>(awsSource.option, awsSource.value, ['bulk', 'query']),
    awsPricingEndpoint: awsEndpoint.value === '' ? undefined : baseUrl(awsEndpoint.option, awsEndpoint.value),
    awsEc2Endpoint: ec2.value === '' ? undefined : baseUrl(ec2.option, ec2.value),
    azurePricingUrl: url('azure-pricing-url'),
    gcpPricingUrl: url('gcp-pricing-url'),
    gcpApiKeyFile: raw('gcp-api-key-file').value || undefined,
  };
}

/** Merges flags, environment and defaults, validates everything, and returns the config. */
export function loadServeConfig(args: ParsedArgs, env: Readonly<Record<string, string | undefined>>): ServeConfig {
  const raw = (flag: string): { value: string; option: string; values: string[] } => {
    const spec = BY_FLAG.get(flag)!;
    const fromFlag = args.values.get(flag);
    if (fromFlag) return { value: fromFlag[fromFlag.length - 1]!, option: `--${flag}`, values: [...fromFlag] };
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      return { value: fromEnv, option: spec.env, values: spec.repeatable ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : [fromEnv] };
    }
    return { value: spec.default, option: `--${flag}`, values: spec.default ? [spec.default] : [] };
  };

  const source = raw('source');
  const sourceChoice = oneOf<SourceChoice>(source.option, source.value, ['auto', 'demo', 'snapshot', 'kube', 'none']);
  const hubOption = raw('hub');
  const hub = oneOf<'true' | 'false'>(hubOption.option, hubOption.value, ['true', 'false']) === 'true';
  if (sourceChoice === 'none' && !hub) throw new ConfigError(source.option, 'none needs --hub (an exporter with no cluster only serves the shared history store)');
  const snapshotPaths = raw('snapshot').values;
  if (sourceChoice === 'snapshot' && snapshotPaths.length === 0) throw new ConfigError('--snapshot', 'required with --source snapshot');
  if (sourceChoice === 'demo' && snapshotPaths.length > 0) throw new ConfigError('--snapshot', 'cannot be used with --source demo');
  if (sourceChoice === 'kube' && snapshotPaths.length > 0) throw new ConfigError('--snapshot', 'cannot be used with --source kube');
  if (sourceChoice === 'none' && snapshotPaths.length > 0) throw new ConfigError('--snapshot', 'cannot be used with --source none');
  const kubeconfig = raw('kubeconfig');
  const context = raw('context');
  const noCluster = sourceChoice === 'demo' || sourceChoice === 'snapshot' || sourceChoice === 'none' || (sourceChoice === 'auto' && snapshotPaths.length > 0);
  const authKubernetes = raw('auth-kubernetes');
  const authKubernetesOn = oneOf<'true' | 'false'>(authKubernetes.option, authKubernetes.value, ['true', 'false']) === 'true';
  for (const o of [kubeconfig, context]) {
    if (o.value !== '' && noCluster && !authKubernetesOn) throw new ConfigError(o.option, `cannot be used with ${sourceChoice === 'auto' ? '--snapshot' : `--source ${sourceChoice}`} (it chooses the cluster for --source kube or auto)`);
  }

  const port = raw('port');
  const portNumber = Number(port.value);
  if (!/^\d+$/.test(port.value) || portNumber < 1 || portNumber > 65535) {
    throw new ConfigError(port.option, `must be an integer from 1 to 65535 (got ${JSON.stringify(port.value)})`);
  }
  const interval = raw('interval');
  const intervalMs = parseDuration(interval.value, interval.option);
  if (intervalMs < 1000) throw new ConfigError(interval.option, `must be at least 1s (got ${JSON.stringify(interval.value)})`);

  const maxObjects = raw('max-objects');
  if (!/^\d{1,10}$/.test(maxObjects.value)) throw new ConfigError(maxObjects.option, `must be a whole number of objects, 0 for no limit (got ${JSON.stringify(maxObjects.value)})`);
  const maxPodSeries = raw('max-pod-series');
  if (!/^\d{1,9}$/.test(maxPodSeries.value)) throw new ConfigError(maxPodSeries.option, `must be a whole number of pods, 0 for no cap (got ${JSON.stringify(maxPodSeries.value)})`);
  const shutdown = raw('shutdown-timeout');
  const shutdownTimeoutMs = parseDuration(shutdown.value, shutdown.option);
  if (shutdownTimeoutMs < 1000) throw new ConfigError(shutdown.option, `must be at least 1s (got ${JSON.stringify(shutdown.value)})`);
  const reclaim = raw('reclaim-memory');
  const reclaimMemory = oneOf<'true' | 'false'>(reclaim.option, reclaim.value, ['true', 'false']) === 'true';

  const provider = raw('cloud-provider');
  const cloudProvider = provider.value === '' ? undefined : oneOf<CloudProvider>(provider.option, provider.value, ['aws', 'gcp', 'azure', 'custom']);
  const logLevel = raw('log-level');
  const logFormat = raw('log-format');
  const metricsPath = raw('metrics-path');
  if (!metricsPath.value.startsWith('/')) throw new ConfigError(metricsPath.option, `must start with / (got ${JSON.stringify(metricsPath.value)})`);
  const seed = raw('demo-seed');
  if (!/^\d{1,9}$/.test(seed.value)) throw new ConfigError(seed.option, `must be a whole number (got ${JSON.stringify(seed.value)})`);
  const clusterId = raw('cluster-id').value;
  if (clusterId.length > 128) throw new ConfigError('--cluster-id', 'must be at most 128 characters');
  if (clusterId !== '' && sourceChoice === 'none') throw new ConfigError('--cluster-id', 'cannot be used with --source none (the hub has no cluster of its own)');

  const tokenFile = raw('auth-token-file').value;
  const basicAuthFile = raw('basic-auth-file').value;

  const rateLimit = raw('rate-limit');
  if (!/^\d{1,6}$/.test(rateLimit.value)) throw new ConfigError(rateLimit.option, `must be a whole number of requests per second, 0 for no limit (got ${JSON.stringify(rateLimit.value)})`);
  const allowCidr = raw('allow-cidr');
  const certFile = raw('tls-cert-file');
  const keyFile = raw('tls-key-file');
  const clientCa = raw('tls-client-ca-file');
  if ((certFile.value === '') !== (keyFile.value === '')) {
    throw new ConfigError(certFile.value === '' ? certFile.option : keyFile.option, 'needs both --tls-cert-file and --tls-key-file');
  }
  if (clientCa.value !== '' && certFile.value === '') throw new ConfigError(clientCa.option, 'client certificates need TLS: set --tls-cert-file and --tls-key-file');

  const hashNamesOption = raw('hash-names');
  const hashNames = new Set<HashedName>();
  for (const part of hashNamesOption.value.split(',').map((v) => v.trim()).filter((v) => v !== '' && v !== 'none')) {
    hashNames.add(oneOf<HashedName>(hashNamesOption.option, part, ['pods', 'namespaces', 'labels']));
  }
  const hashSaltFile = raw('hash-salt-file').value;
  if (hashSaltFile !== '' && hashNames.size === 0) throw new ConfigError('--hash-salt-file', 'needs --hash-names (it salts those hashes)');
  const annotationAllowList = raw('annotation-allowlist').values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const key of annotationAllowList) {
    if (!/^(\*|[A-Za-z0-9][-A-Za-z0-9_.]*(\/([-A-Za-z0-9_.]*\*?)?)?\*?)$/.test(key)) {
      throw new ConfigError('--annotation-allowlist', `not an annotation key, prefix/* or * (got ${JSON.stringify(key)})`);
    }
  }

  const livePricing = loadLivePricingConfig(raw);
  const accessLogOption = raw('access-log');
  const accessLogMode = oneOf<'none' | 'denied' | 'all'>(accessLogOption.option, accessLogOption.value, ['none', 'denied', 'all']);

  const history = historyConfig(raw);
  const billingSource = raw('billing-source');
  const billingRefresh = raw('billing-refresh');
  const billingRefreshMs = parseDuration(billingRefresh.value, billingRefresh.option);
  if (billingRefreshMs < 60_000) throw new ConfigError(billingRefresh.option, `must be at least 1m (got ${JSON.stringify(billingRefresh.value)})`);
  if (billingSource.value !== '' && !/^(s3|gs|azblob|file):\/\//.test(billingSource.value) && /^[a-z][a-z0-9+.-]*:\/\//i.test(billingSource.value)) {
    throw new ConfigError(billingSource.option, `must be a directory, file://, s3://, gs:// or azblob:// location (got ${JSON.stringify(billingSource.value)})`);
  }

  return {
    billing: billingSource.value === '' ? undefined : { location: billingSource.value, refreshMs: billingRefreshMs },
    history,
    advice: adviceConfig(raw, parseDuration),
    hub,
    accessLog: accessLogMode,
    hashNames,
    hashSaltFile: hashSaltFile || undefined,
    annotationAllowList,
    authTokenFile: tokenFile || undefined,
    basicAuthFile: basicAuthFile || undefined,
    authKubernetes: authKubernetesOn,
    rateLimitPerSecond: Number(rateLimit.value),
    allowCidrs: allowCidr.values,
    tls: certFile.value === '' ? undefined : { certFile: certFile.value, keyFile: keyFile.value, clientCaFile: clientCa.value || undefined },
    source: sourceChoice,
    snapshotPaths,
    kubeconfigPath: kubeconfig.value || undefined,
    context: context.value || undefined,
    port: portNumber,
    host: raw('host').value,
    intervalMs,
    shutdownTimeoutMs,
    reclaimMemory,
    maxPodSeries: Number(maxPodSeries.value),
    maxObjects: Number(maxObjects.value),
    cloudProvider,
    region: raw('region').value || undefined,
    pricingFile: raw('pricing').value || undefined,
    livePricing,
    clusterId: clusterId || undefined,
    logLevel: oneOf<LogLevel>(logLevel.option, logLevel.value, ['debug', 'info', 'warn', 'error']),
    logFormat: oneOf<LogFormat>(logFormat.option, logFormat.value, ['text', 'json']),
    metricsPath: metricsPath.value,
    demoSeed: Number(seed.value),
  };
}

export function serveHelp(version: string): string {
  const lines = [
    `kube-cost-exporter ${version} — real-time Kubernetes cost metrics for Prometheus`,
    '',
    'Usage: kube-cost-exporter [serve] [options]',
    '       kube-cost-exporter --version | --help',
    '',
    'Computes what every pod, namespace and node costs from node prices (cloud catalogs or a',
    'custom pricing file) and serves them as Prometheus metrics (kube_cost_*) on /metrics.',
    'It follows the cluster of the current kubeconfig context (or of its pod) live; with no',
    'cluster configured or reachable it serves a simulated demo cluster and says so.',
    '',
    'Options (each can also be set by the environment variable shown):',
  ];
  for (const o of SERVE_OPTIONS) {
    lines.push(`  --${o.flag} ${o.value}`);
    lines.push(`      ${o.help}`);
    lines.push(`      env ${o.env}${o.default ? `, default ${o.default}` : ''}`);
  }
  lines.push('  -h, --help     Show this help.', '  -v, --version  Show the version.', '');
  lines.push('Examples:');
  lines.push('  kube-cost-exporter                                   # current kube context if it answers, else the demo cluster, on :9090');
  lines.push('  kube-cost-exporter --source kube --context prod      # live collection from context prod');
  lines.push('  kube-cost-exporter --snapshot examples/cluster.json --port 9191');
  lines.push('  kube-cost-exporter --source kube --cluster-id east --store postgres://kce@pg/costs   # one of many clusters sharing a database');
  lines.push('  kube-cost-exporter --hub --source none --store postgres://kce@pg/costs                # the API and UI for all of them (docs/multi-cluster.md)');
  lines.push('  kubectl get nodes,pods,pv,pvc,svc,ns -A -o json > cluster.json && kube-cost-exporter --snapshot cluster.json');
  lines.push('', 'Endpoints: /metrics (Prometheus text or OpenMetrics), /healthz, /readyz. Docs: docs/configuration.md, docs/metrics.md.');
  return `${lines.join('\n')}\n`;
}
