// OpenCost's filter language, version 2 (core/pkg/filter/ast in OpenCost), for allocation rows
// (pure). Grammar:
//   filter     := element (op element)*         where every op inside one pair of parentheses is
//   element    := comparison | '(' filter ')'    the same: + (and) or | (or); mixing needs ( )
//   comparison := key cmp value (',' value)*
//   key        := field | mapField ('[' KEY ']')?
//   cmp        := ':' equals   '!:' not equals   '~:' contains   '!~:' not contains
//                 '<~:' starts with   '!<~:' not starts with   '~>:' ends with   '!~>:' not ends with
//   value      := '"' any characters but '"' '"'
// Several values after one comparison are OR-ed (`namespace:"a","b"`); after a negated comparison
// they are AND-ed (`namespace!:"a","b"`: neither). On label/annotation without a key, `:` and `~:`
// test that the key exists (`label:"app"`), `<~:`/`~>:` that some key starts/ends with the value.
// `"__unallocated__"` stands for the empty value (no namespace, no controller, no such label).
// Label keys match as written or Prometheus-sanitized (`app.kubernetes.io/name` = `app_kubernetes_io_name`).
// Aliases department, environment, owner, product, team read the label `department`, `env`,
// `owner`, `app`, `team`, or the annotation of that name when the label is absent (OpenCost's defaults).
import type { AllocationInterval } from '../store/types.ts';
import { FilterSyntaxError } from './errors.ts';

export type StringField = 'cluster' | 'node' | 'namespace' | 'controllerKind' | 'controllerName' | 'pod' | 'container';
export type MapField = 'label' | 'annotation';
export type AliasField = 'department' | 'environment' | 'owner' | 'product' | 'team';
export type Comparison = 'equals' | 'contains' | 'prefix' | 'suffix';

export type FilterNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly FilterNode[] }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'compare'; readonly field: StringField; readonly op: Comparison; readonly value: string }
  | { readonly kind: 'compareMap'; readonly field: MapField | AliasField; readonly key: string | undefined; readonly op: Comparison; readonly value: string };

const STRING_FIELDS: ReadonlySet<string> = new Set<StringField>(['cluster', 'node', 'namespace', 'controllerKind', 'controllerName', 'pod', 'container']);
const MAP_FIELDS: ReadonlySet<string> = new Set<MapField>(['label', 'annotation']);
export const ALIAS_LABELS: Readonly<Record<AliasField, string>> = { department: 'department', environment: 'env', owner: 'owner', product: 'app', team: 'team' };
const UNALLOCATED = '__unallocated__';

type TokenKind = 'cmp' | 'comma' | 'and' | 'or' | 'open' | 'close' | 'string' | 'key' | 'ident' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
}

const OPERATORS: readonly (readonly [string, Comparison, boolean])[] = [
  ['!<~:', 'prefix', true],
  ['!~>:', 'suffix', true],
  ['<~:', 'prefix', false],
  ['~>:', 'suffix', false],
  ['!~:', 'contains', true],
  ['~:', 'contains', false],
  ['!:', 'equals', true],
  [':', 'equals', false],
];

function isIdentChar(ch: string): boolean {
  return /[\p{L}\p{N}_-]/u.test(ch);
}

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const op = OPERATORS.find(([text]) => source.startsWith(text, i));
    if (op) {
      tokens.push({ kind: 'cmp', text: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if (ch === '!' || ch === '~' || ch === '<') throw new FilterSyntaxError(source, i, `unexpected ${JSON.stringify(ch)}: comparisons are : !: ~: !~: <~: !<~: ~>: !~>:`);
    const single: Partial<Record<string, TokenKind>> = { ',': 'comma', '+': 'and', '|': 'or', '(': 'open', ')': 'close' };
    const kind = single[ch];
    if (kind) {
      tokens.push({ kind, text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === '[') {
      const close = ch === '"' ? '"' : ']';
      const end = source.indexOf(close, i + 1);
      if (end === -1) throw new FilterSyntaxError(source, i, ch === '"' ? 'unterminated string: a value needs its closing "' : 'unterminated [KEY]: missing ]');
      tokens.push({ kind: ch === '"' ? 'string' : 'key', text: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    if (isIdentChar(ch)) {
      let j = i + 1;
      while (j < source.length && isIdentChar(source[j]!)) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (ch === "'") throw new FilterSyntaxError(source, i, "values are quoted with \" (double quotes), not '");
    throw new FilterSyntaxError(source, i, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', text: '', pos: source.length });
  return tokens;
}

class Parser {
  private i = 0;
  private readonly source: string;
  private readonly tokens: readonly Token[];
  constructor(source: string, tokens: readonly Token[]) {
    this.source = source;
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private fail(t: Token, reason: string): never {
    throw new FilterSyntaxError(this.source, t.pos, reason);
  }

  parse(): FilterNode {
    if (this.peek().kind === 'eof') return { kind: 'all' };
    const node = this.group(0);
    const t = this.peek();
    if (t.kind === 'close') this.fail(t, "')' without a matching '('");
    if (t.kind !== 'eof') this.fail(t, `expected + or | before ${describe(t)}`);
    return node;
  }

  private group(depth: number): FilterNode {
    const operands = [this.element(depth)];
    let joiner: 'and' | 'or' | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'and' && t.kind !== 'or') break;
      if (joiner !== undefined && t.kind !== joiner) this.fail(t, `mixing + and | at one level is ambiguous: use parentheses, e.g. (a${joiner === 'and' ? '+' : '|'}b)${t.text}c`);
      joiner = t.kind;
      this.next();
      operands.push(this.element(depth));
    }
    return joiner === undefined ? operands[0]! : { kind: joiner, operands };
  }

  private element(depth: number): FilterNode {
    const t = this.peek();
    if (t.kind === 'open') {
      this.next();
      if (this.peek().kind === 'close') this.fail(this.peek(), 'empty parentheses');
      const inner = this.group(depth + 1);
      const close = this.peek();
      if (close.kind !== 'close') this.fail(close, close.kind === 'eof' ? `'(' at position ${t.pos} is never closed` : `expected ) or an operator, got ${describe(close)}`);
      this.next();
      return inner;
    }
    return this.comparison();
  }

  private comparison(): FilterNode {
    const fieldToken = this.next();
    if (fieldToken.kind !== 'ident') this.fail(fieldToken, `expected a field (namespace, label[KEY], ...), got ${describe(fieldToken)}`);
    const name = fieldToken.text;
    let key: string | undefined;
    let mapField: MapField | AliasField | undefined;
    let stringField: StringField | undefined;
    if (MAP_FIELDS.has(name)) {
      mapField = name as MapField;
      if (this.peek().kind === 'key') key = this.next().text;
    } else if (Object.hasOwn(ALIAS_LABELS, name)) {
      mapField = name as AliasField;
    } else if (STRING_FIELDS.has(name)) {
      stringField = name as StringField;
    } else if (name === 'controller') {
      stringField = 'controllerName';
    } else {
      this.fail(fieldToken, `unknown field ${JSON.stringify(name)}; fields: cluster, node, namespace, controllerKind, controllerName, pod, container, label[KEY], annotation[KEY], department, environment, owner, product, team`);
    }
    if (this.peek().kind === 'key') this.fail(this.peek(), `${name} takes no [KEY]; only label[KEY] and annotation[KEY] do`);
    const opToken = this.next();
    if (opToken.kind !== 'cmp') this.fail(opToken, `expected a comparison (: !: ~: !~: <~: !<~: ~>: !~>:) after ${name}, got ${describe(opToken)}`);
    const [, op, negated] = OPERATORS.find(([text]) => text === opToken.text)!;
    const values: string[] = [];
    for (;;) {
      const v = this.next();
      if (v.kind !== 'string') this.fail(v, `expected a quoted value like "kube-system", got ${describe(v)}`);
      values.push(v.text === UNALLOCATED ? '' : v.text);
      if (this.peek().kind !== 'comma') break;
      this.next();
    }
    const leaves: FilterNode[] = values.map((value) => {
      const leaf: FilterNode =
        stringField !== undefined ? { kind: 'compare', field: stringField, op, value } : { kind: 'compareMap', field: mapField!, key, op, value };
      return negated ? { kind: 'not', operand: leaf } : leaf;
    });
    if (leaves.length === 1) return leaves[0]!;
    return { kind: negated ? 'and' : 'or', operands: leaves };
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the filter';
    case 'string':
      return `"${t.text}"`;
    case 'key':
      return `[${t.text}]`;
    default:
      return JSON.stringify(t.text);
  }
}

/** Parses a filter; the empty string matches everything. Throws FilterSyntaxError. */
export function parseFilter(source: string): FilterNode {
  return new Parser(source, lex(source)).parse();
}

/** What a filter needs from a row: the allocation row's own fields. */
export type FilterSubject = Pick<AllocationInterval, 'cluster' | 'node' | 'namespace' | 'controllerKind' | 'controller' | 'pod' | 'labels' | 'annotations'> & {
  /** Container rows only (`--record-containers`); other rows have no container (''). */
  readonly container?: string;
};

const sanitize = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');

/** A label's or annotation's value by key: as written, else Prometheus-sanitized (`app.kubernetes.io/name` = `app_kubernetes_io_name`). */
export function mapValue(map: Readonly<Record<string, string>>, key: string): string | undefined {
  const direct = map[key];
  if (direct !== undefined) return direct;
  const wanted = sanitize(key);
  for (const k in map) if (sanitize(k) === wanted) return map[k];
  return undefined;
}

function compare(actual: string, op: Comparison, value: string): boolean {
  switch (op) {
    case 'equals':
      return actual === value;
    case 'contains':
      return actual.includes(value);
    case 'prefix':
      return actual.startsWith(value);
    case 'suffix':
      return actual.endsWith(value);
  }
}

function stringValue(row: FilterSubject, field: StringField): string {
  switch (field) {
    case 'cluster':
      return row.cluster;
    case 'node':
      return row.node;
    case 'namespace':
      return row.namespace;
    case 'controllerKind':
      return row.controllerKind;
    case 'controllerName':
      return row.controller;
    case 'pod':
      return row.pod;
    case 'container':
      return row.container ?? '';
  }
}

function matchMap(map: Readonly<Record<string, string>>, key: string | undefined, op: Comparison, value: string): boolean {
  if (key === undefined) {
    // label:"app" — the key exists; label<~:"app" — some key starts with it.
    for (const k in map) {
      if (op === 'equals' || op === 'contains' ? k === value || sanitize(k) === sanitize(value) : compare(k, op, value)) return true;
    }
    return false;
  }
  return compare(mapValue(map, key) ?? '', op, value);
}

export function matches(node: FilterNode, row: FilterSubject): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.operands.every((n) => matches(n, row));
    case 'or':
      return node.operands.some((n) => matches(n, row));
    case 'not':
      return !matches(node.operand, row);
    case 'compare':
      return compare(stringValue(row, node.field), node.op, node.value);
    case 'compareMap': {
      if (node.field === 'label') return matchMap(row.labels, node.key, node.op, node.value);
      if (node.field === 'annotation') return matchMap(row.annotations, node.key, node.op, node.value);
      const key = ALIAS_LABELS[node.field];
      const fromLabel = mapValue(row.labels, key);
      const actual = fromLabel ?? mapValue(row.annotations, key) ?? '';
      return compare(actual, node.op, node.value);
    }
  }
}

/** Whether the filter asks about containers anywhere (then it is answered from container rows). */
export function mentionsContainer(node: FilterNode): boolean {
  switch (node.kind) {
    case 'all':
    case 'compareMap':
      return false;
    case 'compare':
      return node.field === 'container';
    case 'not':
      return mentionsContainer(node.operand);
    case 'and':
    case 'or':
      return node.operands.some(mentionsContainer);
  }
}

/**
 * Namespaces the filter limits rows to, when it plainly does (`namespace:"a","b"`, possibly AND-ed
 * with other conditions): a push-down hint for the store. Undefined: no such limit.
 */
export function namespacesOf(node: FilterNode): readonly string[] | undefined {
  if (node.kind === 'compare' && node.field === 'namespace' && node.op === 'equals') return [node.value];
  if (node.kind === 'or') {
    const all: string[] = [];
    for (const o of node.operands) {
      const ns = namespacesOf(o);
      if (ns === undefined) return undefined;
      all.push(...ns);
    }
    return all;
  }
  if (node.kind === 'and') {
    for (const o of node.operands) {
      const ns = namespacesOf(o);
      if (ns !== undefined) return ns;
    }
  }
  return undefined;
}
