// A small, fast writer for the Prometheus text format (0.0.4) and OpenMetrics 1.0.
// Cost metrics are rendered once per cycle into a buffer that every scrape reuses; see
// docs/decisions/0003-exposition-writer.md for why this is not prom-client.

export type ExpositionFormat = 'prometheus' | 'openmetrics';
export type MetricType = 'gauge' | 'counter' | 'histogram';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  // Fast path: most values need no escaping.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 92 /* \ */ || c === 34 /* " */ || c === 10 /* \n */) {
      return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    }
  }
  return value;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Pre-rendered label set, e.g. `namespace="shop",pod="web-1"` (no braces). */
export type LabelText = string;

export function labelText(labels: Readonly<Record<string, string>>): LabelText {
  let out = '';
  for (const key in labels) {
    if (out !== '') out += ',';
    out += `${key}="${escapeLabelValue(labels[key] ?? '')}"`;
  }
  return out;
}

export function joinLabels(a: LabelText, b: LabelText): LabelText {
  if (a === '') return b;
  if (b === '') return a;
  return `${a},${b}`;
}

/**
 * Where a writer hands its text when it does not keep it: shared `text` in order, and, with
 * `byFormat`, the lines that differ between the two formats (a counter family's HELP and TYPE)
 * in both forms, so that one pass renders the Prometheus and the OpenMetrics text at once.
 */
export interface ExpositionSink {
  text(chunk: string): void;
  byFormat?(lines: Readonly<Record<ExpositionFormat, string>>): void;
}

/** Lines are gathered in a string of about this many UTF-16 code units before it becomes a chunk. */
const CHUNK_AT = 16 * 1024;
const VALUE_MEMO_LIMIT = 65_536;

/**
 * Appends families to a list of chunks. Call `family()` once per metric name, then `sample()`
 * for each series. `base` labels (e.g. `cluster="prod"`) are prepended to every sample.
 * Lines are gathered into chunks of about 16 Ki characters: joining 600 chunks is several times
 * faster, and leaves far less for the garbage collector, than joining 600,000 lines.
 */
export class ExpositionWriter {
  readonly format: ExpositionFormat;
  private readonly base: LabelText;
  private readonly seen = new Set<string>();
  private readonly chunks: string[] = [];
  private readonly sink: ExpositionSink | undefined;
  private current = '';
  private pending = '';
  /** Costs repeat (same requests on the same instance type): 3 in 4 values of a cluster are repeats. */
  private readonly values = new Map<number, string>();

  /** With a `sink`, each chunk goes to it as soon as it is full (e.g. into a gzip stream) instead of being kept. */
  constructor(format: ExpositionFormat, baseLabels: LabelText = '', sink?: ExpositionSink) {
    this.format = format;
    this.base = baseLabels;
    this.sink = sink;
  }

  family(name: string, type: MetricType, help: string, unit?: string): this {
    if (!METRIC_NAME_RE.test(name)) throw new Error(`Invalid metric name: ${name}`);
    if (type === 'counter' && !name.endsWith('_total')) throw new Error(`Counter ${name} must end in _total`);
    if (this.seen.has(name)) throw new Error(`Metric family ${name} written twice`);
    this.seen.add(name);
    this.current = name;
    const prometheus = familyHeader('prometheus', name, type, help, unit);
    if (this.sink?.byFormat) {
      const openmetrics = familyHeader('openmetrics', name, type, help, unit);
      if (openmetrics !== prometheus) {
        this.flush();
        this.sink.byFormat({ prometheus, openmetrics });
        return this;
      }
    }
    this.append(this.format === 'prometheus' ? prometheus : familyHeader('openmetrics', name, type, help, unit));
    return this;
  }

  /** A sample of the current family; `suffix` is for histogram parts (`_bucket`, `_sum`, `_count`). */
  sample(labels: LabelText, value: number, suffix = ''): this {
    const name = suffix === '' ? this.current : this.current + suffix;
    const all = joinLabels(this.base, labels);
    let text = this.values.get(value);
    if (text === undefined) {
      text = formatValue(value);
      if (this.values.size >= VALUE_MEMO_LIMIT) this.values.clear();
      this.values.set(value, text);
    }
    this.append(all === '' ? `${name} ${text}\n` : `${name}{${all}} ${text}\n`);
    return this;
  }

  private append(text: string): void {
    this.pending += text;
    if (this.pending.length >= CHUNK_AT) this.flush();
  }

  /** Hands the pending lines on (to the sink, or to the kept chunks). */
  flush(): void {
    if (this.pending === '') return;
    if (this.sink) this.sink.text(this.pending);
    else this.chunks.push(this.pending);
    this.pending = '';
  }

  /** The families written so far (no OpenMetrics `# EOF`: see `exposition()`); empty with a sink. */
  toString(): string {
    this.flush();
    return this.chunks.join('');
  }
}

/** The HELP, TYPE (and OpenMetrics UNIT) lines of a family. */
function familyHeader(format: ExpositionFormat, name: string, type: MetricType, help: string, unit: string | undefined): string {
  // OpenMetrics names a counter family without its _total suffix.
  const familyName = format === 'openmetrics' && type === 'counter' ? name.slice(0, -'_total'.length) : name;
  const header = `# HELP ${familyName} ${escapeHelp(help)}\n# TYPE ${familyName} ${type}\n`;
  return unit !== undefined && format === 'openmetrics' && familyName.endsWith(`_${unit}`) ? `${header}# UNIT ${familyName} ${unit}\n` : header;
}

/** Joins rendered parts into one exposition document, ending OpenMetrics with `# EOF`. */
export function exposition(format: ExpositionFormat, parts: readonly string[]): string {
  const body = parts.join('');
  return format === 'openmetrics' ? `${body}# EOF\n` : body;
}

export function assertLabelName(name: string): void {
  if (!LABEL_NAME_RE.test(name) || name.startsWith('__')) throw new Error(`Invalid label name: ${name}`);
}
