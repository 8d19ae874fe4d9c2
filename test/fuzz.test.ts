// Property-based tests (fast-check) for every parser of outside input that exists today: a parser
// either answers or rejects with this project's typed error naming the object/option — it never
// throws anything else, never hangs, never returns NaN, negative or non-finite amounts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError, InputError } from '../src/core/errors.ts';
import { parseBytes, parseMillicores, parseQuantity } from '../src/core/quantity.ts';
import { parseDuration } from '../src/cli/config.ts';
import { UsageError } from '../src/kubectl/args.ts';
import { checkWindow } from '../src/kubectl/args.ts';
import { parseManifestText, readWorkloads } from '../src/kubectl/estimate-manifest.ts';
import { parseCustomPricing } from '../src/pricing/custom.ts';
import { parseAllowList } from '../src/server/access.ts';
import { convertKubeDocuments } from '../src/sources/kube-objects.ts';
import { convertPodMetricsList } from '../src/sources/pod-metrics.ts';

const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 300) };
const ctx = { object: 'pods/fuzz/p', field: 'spec.containers[0].resources.requests.cpu' };

/** Runs `fn`; an error must be one of `allowed` (and name `mustName` when given). */
function answersOrRejects(fn: () => unknown, allowed: readonly (abstract new (...args: never[]) => Error)[], mustName?: string): unknown {
  try {
    return fn();
  } catch (err) {
    assert.ok(
      allowed.some((cls) => err instanceof cls),
      `unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
    );
    if (mustName !== undefined) assert.ok((err as Error).message.includes(mustName), `message does not name ${mustName}: ${(err as Error).message}`);
    return undefined;
  }
}

// Strings that look like quantities more often than random text does.
const quantityLike = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      fc.stringMatching(/^\d{0,12}$/),
      fc.constantFrom('', '.', '.5', '.000001'),
      fc.constantFrom('', 'm', 'n', 'u', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'E-2', 'e+40', 'e41', 'x', ' '),
    )
    .map((parts) => parts.join('')),
  fc.double(),
  fc.anything(),
);

test('quantities: any input is a finite, non-negative amount or an InvalidQuantityError naming object and field', () => {
  fc.assert(
    fc.property(quantityLike, (input) => {
      const q = answersOrRejects(() => parseQuantity(input, ctx), [InputError], `${ctx.object}: ${ctx.field}`) as { denominator: bigint } | undefined;
      if (q !== undefined) assert.ok(q.denominator > 0n);
      for (const parse of [parseMillicores, parseBytes]) {
        const n = answersOrRejects(() => parse(input, ctx), [InputError], ctx.object) as number | undefined;
        if (n !== undefined) assert.ok(Number.isFinite(n) && n >= 0, `${String(input)} → ${n}`);
      }
    }),
    RUNS,
  );
});

test('quantities: exact for integers with every suffix', () => {
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('Ki', 'Mi', 'Gi'), (n, suffix) => {
      assert.equal(parseBytes(`${n}${suffix}`, ctx), n * binary[suffix]!);
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), (n) => {
      assert.equal(parseMillicores(`${n}m`, ctx), n);
      assert.equal(parseMillicores(String(n), ctx), n * 1000);
    }),
    RUNS,
  );
});

// A real snapshot, with random parts replaced by random JSON: the converter keeps what it can and
// names what it skips.
const EXAMPLE = JSON.parse(readFileSync(new URL('../examples/cluster.json', import.meta.url), 'utf8')) as { items: Record<string, unknown>[] };

function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = path[0]! % value.length;
    const copy = [...value];
    copy[i] = mutate(value[i], path.slice(1), replacement);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return replacement;
    const key = keys[path[0]! % keys.length]!;
    return { ...(value as Record<string, unknown>), [key]: mutate((value as Record<string, unknown>)[key], path.slice(1), replacement) };
  }
  return replacement;
}

test('snapshots: a real kubectl List with random parts replaced never crashes the converter; every skip is an InputError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: EXAMPLE.items.length - 1 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      fc.jsonValue({ maxDepth: 3 }),
      (index, path, replacement) => {
        const item = mutate(EXAMPLE.items[index], path, replacement);
        const doc = { kind: 'List', apiVersion: 'v1', items: [item, ...EXAMPLE.items.slice(0, 5)] };
        const result = answersOrRejects(() => convertKubeDocuments([{ doc, origin: 'fuzz.json' }]), [InputError], 'fuzz.json') as ReturnType<typeof convertKubeDocuments> | undefined;
        if (result === undefined) return;
        for (const w of result.warnings) assert.ok(w instanceof InputError && w.object !== '' && w.message.startsWith(w.object));
        for (const n of result.snapshot.nodes) assert.ok(Number.isFinite(n.capacity.cpuMillicores) && n.capacity.cpuMillicores >= 0);
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
      answersOrRejects(() => convertKubeDocuments([{ doc, origin: 'random.json' }]), [InputError], 'random.json');
      answersOrRejects(() => convertPodMetricsList(doc, 'random-metrics.json'), [InputError], 'random-metrics.json');
    }),
    RUNS,
  );
});

test('custom pricing YAML: any text parses or is a PricingFileError naming the file', () => {
  const yamlish = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc
      .tuple(
        fc.constantFrom('cpuCoreHourUsd', 'ramGiBHourUsd', 'gpuHourUsd', 'discountPercent', 'storage', 'nodeOverrides', 'provider', 'x'),
        fc.oneof(fc.double().map(String), fc.string({ maxLength: 10 }), fc.constantFrom('-1', '1e400', '[1, 2]', '{a: 1}', '', 'NaN', '.inf', '*missing', '&a [*a]')),
      )
      .map(([k, v]) => `${k}: ${v}\n`),
  );
  fc.assert(
    fc.property(yamlish, (text) => {
      const pricing = answersOrRejects(() => parseCustomPricing(text, 'fuzz-pricing.yaml'), [InputError], 'fuzz-pricing.yaml') as Record<string, unknown> | undefined;
      if (pricing === undefined) return;
      for (const [key, value] of Object.entries(pricing)) {
        if (typeof value === 'number') assert.ok(Number.isFinite(value) && value >= 0, `${key} = ${value}`);
      }
    }),
    RUNS,
  );
});

test('manifests for kubectl cost estimate: any text is workloads or a typed error naming object and field', () => {
  const manifestish = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc
      .tuple(
        fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet', 'ConfigMap', 'List', ''),
        fc.oneof(fc.integer({ min: -3, max: 1000 }).map(String), fc.constantFrom('"3"', 'null', '[]', '1e9')),
        quantityLike.filter((q) => typeof q === 'string').map((q) => JSON.stringify(q)),
      )
      .map(
        ([kind, replicas, cpu]) =>
          `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: w}\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: c\n          resources: {requests: {cpu: ${cpu}, memory: 64Mi}}\n`,
      ),
  );
  fc.assert(
    fc.property(manifestish, (text) => {
      // Errors name the file (YAML errors) or the object (`Deployment default/w: spec.replicas: ...`).
      answersOrRejects(() => readWorkloads(parseManifestText(text, 'fuzz.yaml'), 'fuzz.yaml'), [InputError]);
    }),
    RUNS,
  );
});

test('options: durations, windows and allow-lists are values or errors naming the option', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^(\d{1,4}(ms|s|m|h)){1,3}$/)), (text) => {
      const ms = answersOrRejects(() => parseDuration(text, '--interval'), [ConfigError], '--interval') as number | undefined;
      if (ms !== undefined) assert.ok(Number.isFinite(ms) && ms >= 0);
      answersOrRejects(() => checkWindow(text), [UsageError]);
      answersOrRejects(() => parseAllowList([text], '--allow-cidr'), [ConfigError], '--allow-cidr');
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 140 }), (ip, prefix) => {
      answersOrRejects(() => parseAllowList([`${ip}/${prefix}`], '--allow-cidr'), [ConfigError], '--allow-cidr');
    }),
    RUNS,
  );
});

test('YAML aliases: self-referencing documents are rejected with a typed error, never a stack overflow', () => {
  const lists = 'kind: List\nitems: &a [{kind: List, items: *a}]\n';
  assert.throws(() => readWorkloads(parseManifestText(lists, 'c.yaml'), 'c.yaml'), (err: unknown) => err instanceof InputError && /nested more than 8 deep/.test((err as Error).message));
  assert.throws(() => readWorkloads(parseManifestText('*missing\n', 'c.yaml'), 'c.yaml'), (err: unknown) => err instanceof InputError && (err as Error).message.startsWith('c.yaml: document 1: malformed YAML'));
  assert.throws(() => parseCustomPricing('cpuCoreHourUsd: &a [*a]\nramGiBHourUsd: 1\n', 'p.yaml'), (err: unknown) => err instanceof InputError && (err as Error).message.startsWith('p.yaml: cpuCoreHourUsd: '));
});

// --- The node agent's host files and tool outputs (src/agent): cgroup files, /proc/net/dev,
// conntrack, nvidia-smi CSV and DCGM text. Random text and near-real text with parts replaced. ---

const agentText = (samples: readonly string[]) =>
  fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constantFrom(...samples),
    fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.string({ maxLength: 12 })).map(([s, at, insert]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + insert + s.slice(i + insert.length);
    }),
  );

const finiteNonNegative = (value: unknown, where: string): void => {
  if (typeof value === 'number') assert.ok(Number.isFinite(value) && value >= 0, `${where}: ${value}`);
  else if (value instanceof Map) for (const [k, v] of value) finiteNonNegative(v, `${where}.${String(k)}`);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) finiteNonNegative(v, `${where}[${i}]`);
  }
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) finiteNonNegative(v, `${where}.${k}`);
};

test('agent parsers: cgroup files, /proc/net/dev, conntrack, nvidia-smi and DCGM text are values or AgentParseErrors naming the file', async () => {
  const cg = await import('../src/agent/cgroup-files.ts');
  const net = await import('../src/agent/network.ts');
  const gpu = await import('../src/agent/gpu.ts');
  const { AgentParseError } = await import('../src/agent/errors.ts');
  const cases: [string, readonly string[], (text: string) => unknown][] = [
    ['memory.current', ['123456789\n', 'max\n', '0\n'], (t) => cg.parseSingleValue(t, 'memory.current')],
    ['memory.stat', ['anon 4096\nfile 8192\ninactive_file 1024\nactive_file 2048\n', 'cache 1\nrss 2\ntotal_inactive_file 3\n'], (t) => cg.parseFlatKeyed(t, 'memory.stat')],
    ['cpu.stat', ['usage_usec 1000\nuser_usec 600\nsystem_usec 400\nnr_periods 10\nnr_throttled 2\nthrottled_usec 500\n'], (t) => cg.parseCpuStatV2(t, 'cpu.stat')],
    ['io.stat', ['8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n', '259:0 rbytes=1 wbytes=2 rios=3 wios=4\n'], (t) => cg.parseIoStatV2(t, 'io.stat')],
    ['blkio.throttle.io_service_bytes', ['8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n'], (t) => cg.parseBlkioV1(t, 'blkio.throttle.io_service_bytes')],
    [
      '/proc/net/dev',
      [
        'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n',
      ],
      (t) => net.parseNetDev(t, '/proc/net/dev'),
    ],
    [
      '/proc/net/nf_conntrack',
      ['ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.1.5 dst=10.0.2.9 sport=40000 dport=443 packets=10 bytes=5000 src=10.0.2.9 dst=10.0.1.5 sport=443 dport=40000 packets=8 bytes=9000 [ASSURED] mark=0 zone=0 use=2\n'],
      (t) => net.parseConntrack(t, '/proc/net/nf_conntrack'),
    ],
    ['nvidia-smi --query-gpu', ['index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n0, GPU-1a2b, 37 %, 1024 MiB, 16384 MiB\n'], (t) => gpu.parseGpuQuery(t)],
    ['dcgm-exporter /metrics', ['DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-1a2b",pod="trainer-0",namespace="ml",container="t"} 37\n'], (t) => gpu.gpuUsageFromDcgm(t)],
  ];
  for (const [file, samples, parse] of cases) {
    fc.assert(
      fc.property(agentText(samples), (text) => {
        const value = answersOrRejects(() => parse(text), [AgentParseError], file.split(' ')[0]);
        if (value !== undefined) finiteNonNegative(value, file);
      }),
      RUNS,
    );
  }
});

test('basic-auth users files: any text is users with bcrypt hashes or an Error naming the file', async () => {
  const { parseBasicUsers } = await import('../src/server/basic-auth.ts');
  const line = 'alice:$2y$05$MdLOyCGNiYm06FuJXGwOr.AEqi38ojASfLixiNxsLXdpaQP6cYnuO';
  fc.assert(
    fc.property(agentText([line, `${line}\n# comment\nbob:${line.slice(6)}\n`]), (text) => {
      const users = answersOrRejects(() => parseBasicUsers(text, 'users.htpasswd'), [Error], 'users.htpasswd') as Map<string, string> | undefined;
      if (users !== undefined) for (const hash of users.values()) assert.match(hash, /^\$2[aby]\$\d\d\$/);
    }),
    RUNS,
  );
});

// --- Price API payloads and the OpenCost answers kubectl cost reads: hostile JSON in, a positive
// finite price or nothing out (never zero, NaN or negative), or a typed error. ---

test('price API rows (Azure Retail Prices items, GCP Catalog SKUs): any JSON gives a positive finite price or no row', async () => {
  const { azureDiskRow, azureVmRow } = await import('../src/pricing/live/azure.ts');
  const { gcpSkuRows } = await import('../src/pricing/live/gcp.ts');
  const azureItem = fc.oneof(
    fc.anything(),
    fc.record({
      type: fc.constantFrom('Consumption', 'Reservation', 'DevTestConsumption', 1),
      unitOfMeasure: fc.constantFrom('1 Hour', '1/Month', '1 GB', ''),
      currencyCode: fc.constantFrom('USD', 'EUR', ''),
      productName: fc.constantFrom('Virtual Machines Dv5 Series', 'Virtual Machines Dv5 Series Windows', 'Premium SSD Managed Disks'),
      skuName: fc.constantFrom('D4s v5', 'D4s v5 Spot', 'D4s v5 Low Priority', 'P10 LRS', 'E4 ZRS', 'X1 LRS'),
      meterName: fc.constantFrom('D4s v5', 'D4s v5 Spot', 'P10 LRS Disk', 'E4 ZRS Disk'),
      armSkuName: fc.constantFrom('Standard_D4s_v5', '', 42),
      retailPrice: fc.oneof(fc.double(), fc.constant('0.192'), fc.constant(null), fc.integer()),
    }),
  );
  const gcpSku = fc.oneof(
    fc.anything(),
    fc.record({
      description: fc.constantFrom('N2 Instance Core running in Americas', 'Spot Preemptible E2 Instance Ram running in Belgium', 'Nvidia Tesla T4 GPU running in Iowa', 'Balanced PD Capacity in Tokyo', 'Network Internet Egress from Americas to Americas'),
      category: fc.record({ resourceFamily: fc.constantFrom('Compute', 'Storage', 'Network', 7), resourceGroup: fc.constantFrom('N2Standard', 'CPU', 'RAM', 'GPU', 'SSD', 'PremiumInternetEgress'), usageType: fc.constantFrom('OnDemand', 'Preemptible', 'Commit1Yr') }),
      serviceRegions: fc.oneof(fc.array(fc.constantFrom('us-central1', 'europe-west1', '', 'global'), { maxLength: 3 }), fc.anything()),
      pricingInfo: fc.oneof(
        fc.anything(),
        fc.array(fc.record({ pricingExpression: fc.record({ usageUnit: fc.constantFrom('h', 'GiBy.h', 'GiBy.mo', 'GiBy'), tieredRates: fc.array(fc.record({ startUsageAmount: fc.oneof(fc.integer(), fc.string()), unitPrice: fc.record({ currencyCode: fc.constantFrom('USD', 'JPY'), units: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), nanos: fc.oneof(fc.integer(), fc.double()) }) }), { maxLength: 3 }) }) }), { maxLength: 2 }),
      ),
    }),
  );
  const positive = (rows: unknown, where: string): void => {
    for (const r of (Array.isArray(rows) ? rows : rows === undefined ? [] : [rows]) as { usd: number; key: string }[]) {
      assert.ok(Number.isFinite(r.usd) && r.usd > 0, `${where}: ${JSON.stringify(r)}`);
      assert.equal(typeof r.key, 'string');
    }
  };
  fc.assert(
    fc.property(azureItem, (item) => {
      positive(answersOrRejects(() => azureVmRow('eastus', item as never), []), 'azure vm');
      positive(answersOrRejects(() => azureDiskRow('eastus', item as never), []), 'azure disk');
    }),
    RUNS,
  );
  fc.assert(
    fc.property(gcpSku, (sku) => positive(answersOrRejects(() => gcpSkuRows(sku as never), []), 'gcp sku')),
    RUNS,
  );
});

test('kubectl cost: any OpenCost-shaped answer is allocations with finite amounts or a ServerError naming the server', async () => {
  const { parseAllocationResponse, ServerError } = await import('../src/kubectl/server.ts');
  const allocation = fc.record({
    name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
    cpuCost: fc.oneof(fc.double(), fc.string({ maxLength: 4 }), fc.constant(null)),
    ramCost: fc.oneof(fc.double(), fc.constant(undefined)),
    minutes: fc.oneof(fc.double(), fc.integer()),
    totalCost: fc.oneof(fc.double(), fc.constant(undefined)),
    properties: fc.oneof(fc.anything(), fc.record({ namespace: fc.string({ maxLength: 6 }), labels: fc.anything() })),
  });
  const body = fc.oneof(fc.anything(), fc.record({ code: fc.constant(200), data: fc.oneof(fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(allocation, fc.anything())), { maxLength: 3 }), fc.anything()) }));
  fc.assert(
    fc.property(body, (b) => {
      const rows = answersOrRejects(() => parseAllocationResponse(b, 'http://exporter:9090'), [ServerError], 'http://exporter:9090') as { totalCost: number; cpuCost: number; minutes: number }[] | undefined;
      for (const r of rows ?? []) for (const v of [r.totalCost, r.cpuCost, r.minutes]) assert.ok(Number.isFinite(v), JSON.stringify(r));
    }),
    RUNS,
  );
});
