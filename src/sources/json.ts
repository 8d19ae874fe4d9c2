// JSON documents at the edge: parse text naming the file, and on a syntax error the line, column
// and offset (V8 omits the position from some messages, e.g. `Unexpected token`, so it is found
// here by a small scanner that only runs when parsing has already failed).
import { SourceReadError } from '../core/errors.ts';

/** Malformed JSON: `cluster.json: line 3, column 11: not valid JSON: Bad control character … (got "…")`. */
export class JsonSyntaxError extends SourceReadError {
  /** 1-based line and column (UTF-16 code units), 0-based offset into the text. */
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  constructor(file: string, line: number, column: number, offset: number, excerpt: string, reason: string) {
    super(file, `line ${line}, column ${column}`, excerpt, `not valid JSON: ${reason}`);
    this.line = line;
    this.column = column;
    this.offset = offset;
  }
}

/** Parses one JSON document; throws a JsonSyntaxError naming `file`, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const fromV8 = /at position (\d+)/.exec(err.message);
    const offset = fromV8 ? Number(fromV8[1]) : jsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new JsonSyntaxError(file, line, column, offset, excerptAt(text, offset), conciseReason(err.message));
  }
}

/** V8's message without the position (reported separately) or the echo of the input. */
function conciseReason(message: string): string {
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/ at position \d+.*$/s, '');
  const token = /^(Unexpected token '.+?'),/s.exec(reason);
  return token ? token[1]! : reason;
}

const EXCERPT_BEFORE = 20;
const EXCERPT_AFTER = 20;

function excerptAt(text: string, offset: number): string {
  const start = Math.max(0, offset - EXCERPT_BEFORE);
  const end = Math.min(text.length, offset + EXCERPT_AFTER);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SIMPLE_ESCAPES = '"\\/bfnrt';

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * The offset of the first JSON syntax error in `text` (RFC 8259), `text.length` when the input
 * ends early, or -1 when the text is valid. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  /** Open containers: true for an object, false for an array. */
  const open: boolean[] = [];

  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return;
      i++;
    }
  };
  /** A string starting at i (a quote); false with i at the offending character. */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return true;
      }
      if (c < SPACE) return false;
      if (c === BACKSLASH) {
        i++;
        if (i >= n) return false;
        const e = text[i]!;
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (i + k >= n || !isHex(text.charCodeAt(i + k))) {
              i += k;
              return false;
            }
          }
          i += 5;
          continue;
        }
        if (!SIMPLE_ESCAPES.includes(e)) return false;
      }
      i++;
    }
    return false;
  };
  const digits = (): boolean => {
    const start = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    return i > start;
  };
  const number = (): boolean => {
    if (text.charCodeAt(i) === MINUS) i++;
    if (text.charCodeAt(i) === ZERO) i++;
    else if (!digits()) return false;
    if (text.charCodeAt(i) === DOT) {
      i++;
      if (!digits()) return false;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
      if (!digits()) return false;
    }
    return true;
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  /** `"key" :` inside an object; false with i at the offending character. */
  const key = (): boolean => {
    skipSpace();
    if (text.charCodeAt(i) !== QUOTE || !string()) return false;
    skipSpace();
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    return true;
  };

  let expectValue = true;
  for (;;) {
    skipSpace();
    if (i >= n) return open.length === 0 && !expectValue ? -1 : n;
    const c = text.charCodeAt(i);
    if (expectValue) {
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        i++;
        skipSpace();
        if (text.charCodeAt(i) === (c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) {
          i++;
          expectValue = false;
        } else {
          open.push(c === OPEN_BRACE);
          if (c === OPEN_BRACE && !key()) return i;
        }
        continue;
      }
      let ok: boolean;
      if (c === QUOTE) ok = string();
      else if (c === MINUS || isDigit(c)) ok = number();
      else if (c === 0x74) ok = literal('true');
      else if (c === 0x66) ok = literal('false');
      else if (c === 0x6e) ok = literal('null');
      else ok = false;
      if (!ok) return Math.min(i, n);
      expectValue = false;
      continue;
    }
    if (open.length === 0) return i; // something after the document
    const inObject = open[open.length - 1]!;
    if (c === COMMA) {
      i++;
      if (inObject && !key()) return Math.min(i, n);
      expectValue = true;
    } else if (c === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
      i++;
      open.pop();
    } else {
      return i;
    }
  }
}

export type JsonObject = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What `kubectl get ... -o json` prints for several objects. */
export interface KubeListDocument {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly JsonObject[];
}

/** What `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` prints. */
export interface PodMetricsListDocument {
  readonly kind: 'PodMetricsList';
  readonly apiVersion: 'metrics.k8s.io/v1beta1';
  readonly metadata: JsonObject;
  readonly items: readonly JsonObject[];
}

/** Where an item sits in its document, for messages: `items[3]`, or `(document)` for index -1. */
export function itemPath(index: number): string {
  return index < 0 ? '(document)' : `items[${index}]`;
}

/** The members of a list document other than `items`, and its items parsed one at a time. */
export interface LazyJsonList {
  readonly head: JsonObject;
  readonly length: number;
  /** Parses item `index`; a syntax error is reported for the whole document (line and column). */
  item(index: number): unknown;
}

const isSpace = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;

/**
 * The end (exclusive) of the JSON value starting at `i` in UTF-8 bytes, or -1. Structural bytes
 * are ASCII and never occur inside a multi-byte UTF-8 sequence, so bytes can be scanned directly.
 * Only the extent is found here; JSON.parse of the slice checks the value itself.
 */
function valueEnd(b: Uint8Array, i: number, n: number): number {
  const first = b[i];
  if (first === QUOTE) {
    for (i++; i < n; i++) {
      const c = b[i]!;
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) return i + 1;
    }
    return -1;
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (; i < n; i++) {
      const c = b[i]!;
      if (c === QUOTE) {
        for (i++; i < n; i++) {
          const d = b[i]!;
          if (d === BACKSLASH) i++;
          else if (d === QUOTE) break;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  const start = i;
  while (i < n) {
    const c = b[i]!;
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    i++;
  }
  return i > start ? i : -1;
}

function skipSpaces(b: Uint8Array, i: number, n: number): number {
  while (i < n && isSpace(b[i]!)) i++;
  return i;
}

/** JSON.parse of a slice, or `NOT_JSON` when it is not valid. */
const NOT_JSON = Symbol('not JSON');
function parseSlice(b: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(b.toString('utf8', start, end));
  } catch {
    return NOT_JSON;
  }
}

/**
 * A `{ ..., "items": [ ... ], ... }` document in UTF-8 `bytes` (a BOM allowed) as a LazyJsonList:
 * the item boundaries are found by a byte scan and each item is parsed only when asked for, so
 * converting a list of 100,000 pods never holds the whole parsed document (nor its text as one
 * string) in memory. Returns undefined for anything else — not a list, an `items` that is not an
 * array, a repeated `items`, invalid JSON — which the caller parses whole with parseJsonText, so
 * errors read exactly as before.
 */
export function scanJsonList(bytes: Buffer, file: string): LazyJsonList | undefined {
  const n = bytes.length;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  i = skipSpaces(bytes, i, n);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  i = skipSpaces(bytes, i + 1, n);
  const head: JsonObject = {};
  let items: number[] | undefined;
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const keyEnd = valueEnd(bytes, i, n);
    if (keyEnd < 0) return undefined;
    const key = parseSlice(bytes, i, keyEnd);
    if (typeof key !== 'string' || key === '__proto__') return undefined;
    i = skipSpaces(bytes, keyEnd, n);
    if (bytes[i] !== COLON) return undefined;
    i = skipSpaces(bytes, i + 1, n);
    if (key === 'items') {
      if (items !== undefined || bytes[i] !== OPEN_BRACKET) return undefined;
      items = [];
      i = skipSpaces(bytes, i + 1, n);
      if (bytes[i] === CLOSE_BRACKET) i++;
      else {
        for (;;) {
          const end = valueEnd(bytes, i, n);
          if (end < 0) return undefined;
          items.push(i, end);
          i = skipSpaces(bytes, end, n);
          if (bytes[i] === COMMA) {
            i = skipSpaces(bytes, i + 1, n);
            continue;
          }
          if (bytes[i] !== CLOSE_BRACKET) return undefined;
          i++;
          break;
        }
      }
    } else {
      const end = valueEnd(bytes, i, n);
      if (end < 0) return undefined;
      const value = parseSlice(bytes, i, end);
      if (value === NOT_JSON) return undefined;
      head[key] = value;
      i = end;
    }
    i = skipSpaces(bytes, i, n);
    if (bytes[i] === COMMA) {
      i = skipSpaces(bytes, i + 1, n);
      continue;
    }
    if (bytes[i] !== CLOSE_BRACE) return undefined;
    i++;
    break;
  }
  if (items === undefined || skipSpaces(bytes, i, n) !== n) return undefined;
  const bounds = items;
  return {
    head,
    length: bounds.length / 2,
    item(index: number): unknown {
      const value = parseSlice(bytes, bounds[2 * index]!, bounds[2 * index + 1]!);
      if (value !== NOT_JSON) return value;
      // Not valid JSON after all: the whole document's parse names the line and column.
      const text = bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
      parseJsonText(text, file);
      throw new JsonSyntaxError(file, 0, 0, bounds[2 * index]!, '', `item ${index} is not valid JSON`);
    },
  };
}
