// A renderer for the subset of Helm templates (Go text/template + the Sprig functions Helm adds)
// that deploy/helm/kube-cost-exporter uses, so the chart can be rendered and checked where no Helm
// binary can run. It is deliberately strict: an unknown function, a construct it does not
// implement, a field of a missing value or printing a map is an error, never a silent guess. It
// is not Helm — docs/install.md says how the chart was checked and what this does not prove.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

type Value = unknown;
type Dict = Record<string, Value>;

export class TemplateError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'TemplateError';
  }
}

// ---------------------------------------------------------------------------------------------
// Lexing: text and actions, with {{- and -}} trimming and {{/* comments */}}.

type Piece = { kind: 'text'; text: string } | { kind: 'action'; src: string; at: string };

function split(source: string, file: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    let text = open === -1 ? source.slice(i) : source.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) {
      pieces.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (/^-\s/.test(source.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    pieces.push({ kind: 'text', text });
    const close = findClose(source, start, file);
    let end = close;
    trimNext = false;
    if (/\s-$/.test(source.slice(close - 2, close))) {
      end = close - 1;
      trimNext = true;
    }
    const src = source.slice(start, end).trim();
    const line = source.slice(0, open).split('\n').length;
    if (!(src.startsWith('/*') && src.endsWith('*/'))) pieces.push({ kind: 'action', src, at: `${file}:${line}` });
    i = close + 2;
  }
  return pieces;
}

function findClose(source: string, from: number, file: string): number {
  let i = from;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      i += 1;
      while (i < source.length && source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '`') {
      i = source.indexOf('`', i + 1);
      if (i === -1) break;
    } else if (c === '}' && source[i + 1] === '}') return i;
    i += 1;
  }
  throw new TemplateError(file, 'unclosed action {{');
}

// ---------------------------------------------------------------------------------------------
// Parsing actions into pipelines.

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'ident'; v: string }
  | { t: 'field'; v: string[] }
  | { t: 'var'; v: string; fields: string[] }
  | { t: 'op'; v: '(' | ')' | '|' | ':=' | '=' | ',' }
  | { t: 'fieldAfterParen'; v: string[] };

function tokenize(src: string, at: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      out.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (src.startsWith(':=', i)) {
      out.push({ t: 'op', v: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      out.push({ t: 'op', v: c as '(' | ')' | '|' | '=' | ',' });
      i += 1;
    } else if (c === '$') {
      const m = /^\$([A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)/.exec(src.slice(i))!;
      out.push({ t: 'var', v: `$${m[1]}`, fields: m[2] ? m[2].slice(1).split('.') : [] });
      i += m[0].length;
    } else if (c === '.') {
      const m = /^((?:\.[A-Za-z0-9_]+)+|\.)/.exec(src.slice(i))!;
      const fields = m[0] === '.' ? [] : m[0].slice(1).split('.');
      // `(pipeline).Field` — only directly after the parenthesis, without a space.
      out.push(src[i - 1] === ')' && fields.length > 0 ? { t: 'fieldAfterParen', v: fields } : { t: 'field', v: fields });
      i += m[0].length;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
      if (!m) throw new TemplateError(at, `cannot read ${src.slice(i)}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      throw new TemplateError(at, `unexpected character ${JSON.stringify(c)} in {{ ${src} }}`);
    }
  }
  return out;
}

type Operand =
  | { k: 'lit'; v: Value }
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'fn'; name: string }
  | { k: 'pipe'; pipe: Pipeline; path: string[] };

interface Command {
  readonly args: Operand[];
}

interface Pipeline {
  readonly decl?: { names: string[]; assign: boolean };
  readonly cmds: Command[];
  readonly at: string;
}

function parsePipeline(tokens: Token[], at: string): Pipeline {
  let pos = 0;
  let decl: Pipeline['decl'];
  // `$a := …`, `$a = …`, `$k, $v := …`
  const declEnd = tokens.findIndex((t) => t.t === 'op' && (t.v === ':=' || t.v === '='));
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.t === 'var' || (t.t === 'op' && t.v === ','))) {
    const names = tokens.slice(0, declEnd).flatMap((t) => (t.t === 'var' ? [t.v] : []));
    decl = { names, assign: (tokens[declEnd] as { v: string }).v === '=' };
    pos = declEnd + 1;
  }
  const parseCmds = (stopAtParen: boolean): Command[] => {
    const cmds: Command[] = [];
    let args: Operand[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.t === 'op' && t.v === ')') {
        if (!stopAtParen) throw new TemplateError(at, 'unexpected )');
        break;
      }
      pos += 1;
      if (t.t === 'op' && t.v === '|') {
        cmds.push({ args });
        args = [];
      } else if (t.t === 'op' && t.v === '(') {
        const inner = parseCmds(true);
        if (tokens[pos]?.t !== 'op' || (tokens[pos] as { v: string }).v !== ')') throw new TemplateError(at, 'missing )');
        pos += 1;
        const after = tokens[pos];
        let path: string[] = [];
        if (after?.t === 'fieldAfterParen') {
          path = after.v;
          pos += 1;
        }
        args.push({ k: 'pipe', pipe: { cmds: inner, at }, path });
      } else if (t.t === 'str' || t.t === 'num') args.push({ k: 'lit', v: t.v });
      else if (t.t === 'ident') {
        if (t.v === 'true' || t.v === 'false') args.push({ k: 'lit', v: t.v === 'true' });
        else if (t.v === 'nil') args.push({ k: 'lit', v: null });
        else args.push({ k: 'fn', name: t.v });
      } else if (t.t === 'field') args.push({ k: 'field', path: t.v });
      else if (t.t === 'var') args.push({ k: 'var', name: t.v, path: t.fields });
      else throw new TemplateError(at, `unexpected ${JSON.stringify(t)}`);
    }
    cmds.push({ args });
    return cmds;
  };
  const cmds = parseCmds(false);
  if (cmds.some((c) => c.args.length === 0)) throw new TemplateError(at, 'empty command in pipeline');
  return decl ? { decl, cmds, at } : { cmds, at };
}

type Node =
  | { n: 'text'; text: string }
  | { n: 'out'; pipe: Pipeline }
  | { n: 'if'; pipe: Pipeline; body: Node[]; else: Node[] }
  | { n: 'with'; pipe: Pipeline; body: Node[]; else: Node[] }
  | { n: 'range'; pipe: Pipeline; body: Node[]; else: Node[] }
  | { n: 'template'; name: string; pipe: Pipeline | undefined };

function parseNodes(pieces: Piece[], defines: Map<string, Node[]>): Node[] {
  let pos = 0;
  const block = (terminators: readonly string[]): { nodes: Node[]; end: string; rest: string; at: string } => {
    const nodes: Node[] = [];
    while (pos < pieces.length) {
      const p = pieces[pos++]!;
      if (p.kind === 'text') {
        if (p.text) nodes.push({ n: 'text', text: p.text });
        continue;
      }
      const word = /^(if|else|end|range|with|define|template|block)\b\s*/.exec(p.src);
      const keyword = word?.[1];
      const rest = word ? p.src.slice(word[0].length) : p.src;
      if (keyword === 'end' || keyword === 'else') {
        if (!terminators.includes(keyword)) throw new TemplateError(p.at, `unexpected {{ ${p.src} }}`);
        return { nodes, end: keyword, rest, at: p.at };
      }
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') nodes.push(control(keyword, rest, p.at));
      else if (keyword === 'define') {
        const name = JSON.parse(rest.trim()) as string;
        const body = block(['end']);
        defines.set(name, body.nodes);
      } else if (keyword === 'template') {
        const m = /^"([^"]+)"\s*(.*)$/.exec(rest)!;
        nodes.push({ n: 'template', name: m[1]!, pipe: m[2] ? parsePipeline(tokenize(m[2], p.at), p.at) : undefined });
      } else if (keyword === 'block') throw new TemplateError(p.at, 'block is not supported');
      else nodes.push({ n: 'out', pipe: parsePipeline(tokenize(p.src, p.at), p.at) });
    }
    if (terminators.length > 0) throw new TemplateError('template', `missing {{ end }} (expected one of ${terminators.join(', ')})`);
    return { nodes, end: '', rest: '', at: '' };
  };
  const control = (kind: 'if' | 'with' | 'range', src: string, at: string): Node => {
    const pipe = parsePipeline(tokenize(src, at), at);
    const body = block(['else', 'end']);
    let otherwise: Node[] = [];
    if (body.end === 'else') {
      const elseIf = /^(if|with)\b\s*/.exec(body.rest);
      if (elseIf) otherwise = [control(elseIf[1] as 'if' | 'with', body.rest.slice(elseIf[0].length), body.at)];
      else otherwise = block(['end']).nodes;
    }
    return { n: kind, pipe, body: body.nodes, else: otherwise };
  };
  return block([]).nodes;
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

function isEmpty(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function isDict(v: Value): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function printValue(v: Value, at: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) >= 1e21) throw new TemplateError(at, `printing the number ${v} is outside the supported subset`);
    return String(v);
  }
  throw new TemplateError(at, `printing a ${Array.isArray(v) ? 'list' : 'map'} (Go would print ${'map[...]'}); use toYaml`);
}

function toYaml(v: Value): string {
  if (v === undefined || v === null) return 'null';
  return stringify(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
}

function deepMergeKeep(dst: Dict, src: Dict): Dict {
  for (const [k, v] of Object.entries(src)) {
    if (!(k in dst)) dst[k] = v;
    else if (isDict(dst[k]) && isDict(v)) deepMergeKeep(dst[k] as Dict, v);
  }
  return dst;
}

/** Helm's value merge: `override` over `base`, recursively; null deletes a key. */
export function mergeValues(base: Dict, override: Dict): Dict {
  const out: Dict = structuredClone(base);
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else if (isDict(out[k]) && isDict(v)) out[k] = mergeValues(out[k] as Dict, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

function sprintf(format: string, args: Value[], at: string): string {
  let i = 0;
  return format.replace(/%([sdvq%])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    if (verb === 'q') return JSON.stringify(printValue(a, at));
    return printValue(a, at);
  });
}

interface Scope {
  readonly vars: Map<string, Value>;
  readonly parent: Scope | undefined;
}

function lookupVar(scope: Scope | undefined, name: string): Scope | undefined {
  for (let s = scope; s; s = s.parent) if (s.vars.has(name)) return s;
  return undefined;
}

class Renderer {
  readonly defines = new Map<string, Node[]>();
  private root: Value;

  constructor(root: Value) {
    this.root = root;
  }

  private field(v: Value, path: readonly string[], at: string, what: string): Value {
    let cur = v;
    for (const f of path) {
      if (cur === undefined || cur === null) throw new TemplateError(at, `nil pointer evaluating ${what}.${f}`);
      if (typeof cur !== 'object') throw new TemplateError(at, `can't evaluate field ${f} of ${typeof cur}`);
      cur = (cur as Dict)[f];
    }
    return cur;
  }

  private functions(at: string): Record<string, (...a: Value[]) => Value> {
    const str = (v: Value): string => printValue(v, at);
    return {
      include: (name, ctx) => this.include(String(name), ctx, at),
      toYaml: (v) => toYaml(v),
      toJson: (v) => JSON.stringify(v ?? null),
      nindent: (n, s) => `\n${indent(Number(n), str(s))}`,
      indent: (n, s) => indent(Number(n), str(s)),
      quote: (...a) => a.map((x) => JSON.stringify(x === undefined || x === null ? '' : str(x))).join(' '),
      default: (d, v) => (isEmpty(v) ? d : v),
      empty: (v) => isEmpty(v),
      trunc: (n, s) => str(s).slice(0, Number(n)),
      trimSuffix: (suf, s) => (str(s).endsWith(str(suf)) ? str(s).slice(0, -str(suf).length || undefined) : str(s)),
      trimPrefix: (pre, s) => (str(s).startsWith(str(pre)) ? str(s).slice(str(pre).length) : str(s)),
      replace: (a, b, s) => str(s).split(str(a)).join(str(b)),
      contains: (sub, s) => str(s).includes(str(sub)),
      printf: (f, ...a) => sprintf(str(f), a, at),
      lower: (s) => str(s).toLowerCase(),
      join: (sep, list) => {
        if (!Array.isArray(list)) throw new TemplateError(at, `join: not a list: ${typeof list}`);
        return list.map((x) => str(x)).join(str(sep));
      },
      int: (v) => (typeof v === 'string' ? Number.parseInt(v, 10) || 0 : Math.trunc(Number(v ?? 0))),
      toString: (v: Value) => str(v),
      base: (p) => posix.basename(str(p)),
      sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
      fail: (msg) => {
        throw new TemplateError(at, `fail: ${str(msg)}`);
      },
      required: (msg, v) => {
        if (isEmpty(v)) throw new TemplateError(at, `required: ${str(msg)}`);
        return v;
      },
      dict: (...a) => {
        const d: Dict = {};
        for (let i = 0; i < a.length; i += 2) d[str(a[i])] = a[i + 1];
        return d;
      },
      set: (d, k, v) => {
        (d as Dict)[str(k)] = v;
        return d;
      },
      merge: (dst, ...srcs) => {
        for (const s of srcs) if (isDict(s)) deepMergeKeep(dst as Dict, s);
        return dst;
      },
      not: (v) => isEmpty(v),
      eq: (a, ...bs) => bs.some((b) => a === b),
      ne: (a, b) => a !== b,
      gt: (a, b) => Number(a) > Number(b),
      lt: (a, b) => Number(a) < Number(b),
    };
  }

  private include(name: string, ctx: Value, at: string): string {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(at, `no template named ${JSON.stringify(name)}`);
    return this.run(body, ctx, { vars: new Map([['$', ctx]]), parent: undefined });
  }

  private operand(o: Operand, dot: Value, scope: Scope, at: string): Value {
    switch (o.k) {
      case 'lit':
        return o.v;
      case 'field':
        return this.field(dot, o.path, at, '');
      case 'var': {
        const s = lookupVar(scope, o.name);
        if (!s) throw new TemplateError(at, `undefined variable ${o.name}`);
        return this.field(s.vars.get(o.name), o.path, at, o.name);
      }
      case 'pipe':
        return this.field(this.pipeline(o.pipe, dot, scope), o.path, at, '(…)');
      case 'fn':
        return this.call(o.name, [], dot, scope, at, undefined);
    }
  }

  private call(name: string, args: Operand[], dot: Value, scope: Scope, at: string, piped: { v: Value } | undefined): Value {
    // and/or short-circuit and return an operand, as Go's do.
    if (name === 'and' || name === 'or') {
      const values = args.map((a) => () => this.operand(a, dot, scope, at));
      if (piped) values.push(() => piped.v);
      let last: Value;
      for (const get of values) {
        last = get();
        if (name === 'and' ? isEmpty(last) : !isEmpty(last)) return last;
      }
      return last;
    }
    const fn = this.functions(at)[name];
    if (!fn) throw new TemplateError(at, `function "${name}" is not in the supported subset`);
    const values = args.map((a) => this.operand(a, dot, scope, at));
    if (piped) values.push(piped.v);
    return fn(...values);
  }

  private command(c: Command, dot: Value, scope: Scope, at: string, piped: { v: Value } | undefined): Value {
    const [head, ...rest] = c.args;
    if (head!.k === 'fn') return this.call(head!.name, rest, dot, scope, at, piped);
    // A method call: .Files.Get "path" / $.Files.Glob "pattern".
    const value = this.operand(head!, dot, scope, at);
    if (typeof value === 'function') {
      const values = rest.map((a) => this.operand(a, dot, scope, at));
      if (piped) values.push(piped.v);
      return (value as (...a: Value[]) => Value)(...values);
    }
    if (rest.length > 0 || piped) throw new TemplateError(at, 'arguments given to a value that is not a function');
    return value;
  }

  pipeline(p: Pipeline, dot: Value, scope: Scope): Value {
    let piped: { v: Value } | undefined;
    for (const c of p.cmds) piped = { v: this.command(c, dot, scope, p.at, piped) };
    const v = piped!.v;
    if (p.decl) {
      const name = p.decl.names[p.decl.names.length - 1]!;
      if (p.decl.assign) {
        const s = lookupVar(scope, name);
        if (!s) throw new TemplateError(p.at, `undefined variable ${name}`);
        s.vars.set(name, v);
      } else scope.vars.set(name, v);
    }
    return v;
  }

  run(nodes: readonly Node[], dot: Value, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.n) {
        case 'text':
          out += node.text;
          break;
        case 'out': {
          const v = this.pipeline(node.pipe, dot, scope);
          if (!node.pipe.decl) out += printValue(v, node.pipe.at);
          break;
        }
        case 'if': {
          const inner: Scope = { vars: new Map(), parent: scope };
          const v = this.pipeline(node.pipe, dot, inner);
          out += isEmpty(v) ? this.run(node.else, dot, { vars: new Map(), parent: scope }) : this.run(node.body, dot, inner);
          break;
        }
        case 'with': {
          const inner: Scope = { vars: new Map(), parent: scope };
          const v = this.pipeline(node.pipe, dot, inner);
          out += isEmpty(v) ? this.run(node.else, dot, { vars: new Map(), parent: scope }) : this.run(node.body, v, inner);
          break;
        }
        case 'range': {
          const names = node.pipe.decl?.names ?? [];
          const pipe: Pipeline = { cmds: node.pipe.cmds, at: node.pipe.at };
          const v = this.pipeline(pipe, dot, scope);
          const entries: [Value, Value][] = Array.isArray(v)
            ? v.map((x, i) => [i, x])
            : isDict(v)
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, v[k]])
              : v === undefined || v === null
                ? []
                : (() => {
                    throw new TemplateError(node.pipe.at, 'range over a value that is not a list or a map');
                  })();
          if (entries.length === 0) out += this.run(node.else, dot, { vars: new Map(), parent: scope });
          for (const [k, x] of entries) {
            const inner: Scope = { vars: new Map(), parent: scope };
            if (names.length === 1) inner.vars.set(names[0]!, x);
            if (names.length === 2) {
              inner.vars.set(names[0]!, k);
              inner.vars.set(names[1]!, x);
            }
            out += this.run(node.body, x, inner);
          }
          break;
        }
        case 'template':
          out += this.include(node.name, node.pipe ? this.pipeline(node.pipe, dot, scope) : undefined, 'template');
          break;
      }
    }
    return out;
  }

  setRoot(root: Value): void {
    this.root = root;
  }

  renderFile(nodes: readonly Node[]): string {
    return this.run(nodes, this.root, { vars: new Map([['$', this.root]]), parent: undefined });
  }
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(n);
  return pad + s.split('\n').join(`\n${pad}`);
}

// ---------------------------------------------------------------------------------------------
// Charts.

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

export interface RenderOptions {
  readonly releaseName: string;
  readonly namespace: string;
  /** Values merged over the chart's values.yaml, as `-f`/`--set` would. */
  readonly values?: Dict;
}

export interface RenderedChart {
  /** Manifests by template file (NOTES.txt and helpers excluded), as text. */
  readonly files: ReadonlyMap<string, string>;
  /** Every object of every manifest, in file order. */
  readonly objects: readonly Dict[];
  readonly notes: string;
  readonly values: Dict;
}

/** Renders the chart in `chartDir` like `helm template`, within the subset this file implements. */
export function renderChart(chartDir: string, options: RenderOptions): RenderedChart {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Dict;
  const values = mergeValues(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Dict, options.values ?? {});
  const chartFiles = listFiles(chartDir).map((p) => relative(chartDir, p).split('\\').join('/'));
  const fileContent = (path: string): string => readFileSync(join(chartDir, path), 'utf8');
  const Files = {
    Get: (path: Value) => (chartFiles.includes(String(path)) ? fileContent(String(path)) : ''),
    Glob: (pattern: Value) => {
      const re = globToRegExp(String(pattern));
      return Object.fromEntries(chartFiles.filter((f) => re.test(f)).map((f) => [f, fileContent(f)]));
    },
  };
  const root = {
    Values: values,
    Release: { Name: options.releaseName, Namespace: options.namespace, Service: 'Helm', IsInstall: true, IsUpgrade: false },
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
    Files,
  };
  const renderer = new Renderer(root);
  const templates = chartFiles.filter((f) => f.startsWith('templates/')).sort();
  const parsed = new Map<string, Node[]>();
  for (const t of templates) parsed.set(t, parseNodes(split(fileContent(t), t), renderer.defines));
  const files = new Map<string, string>();
  const objects: Dict[] = [];
  let notes = '';
  for (const t of templates) {
    const name = basename(t);
    const text = renderer.renderFile(parsed.get(t)!);
    if (name === 'NOTES.txt') {
      notes = text;
      continue;
    }
    if (name.startsWith('_')) continue;
    files.set(t, text);
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new TemplateError(t, `rendered YAML is invalid: ${doc.errors[0]!.message}\n${text}`);
      const obj = doc.toJS() as Dict | null;
      if (obj !== null && obj !== undefined) objects.push(obj);
    }
  }
  return { files, objects, notes, values };
}
