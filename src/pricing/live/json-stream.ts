// A streaming JSON scanner for documents too large to hold in memory (AWS offer files are hundreds
// of MB to GB). It walks the objects the caller descends into and hands over the raw text of each
// member the caller captures, one at a time, skipping the rest without keeping it: memory is bounded
// by the largest captured member, not by the document. Every byte is still checked for structure, so
// a truncated document is an error, not a silently short price list.

/** What to do with the member `key` of the object at `path` (the keys leading to it from the root). */
export type MemberDecision = 'descend' | 'capture' | 'skip';

export class JsonStreamError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'JsonStreamError';
    this.offset = offset;
  }
}

export interface MemberScanner {
  write(chunk: Uint8Array): void;
  /** Throws JsonStreamError when the document is incomplete. */
  end(): void;
  /** Bytes seen so far. */
  readonly bytes: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

type Mode = 'root' | 'key-or-end' | 'key' | 'colon' | 'value' | 'after-value' | 'skip' | 'done';

const decoder = new TextDecoder();

/**
 * Scans a JSON object document. `decide(path, key)` is asked for each member of each object it
 * descends into; `onMember(path, key, text)` gets the raw JSON text of every captured member whose
 * value is an object or an array. `maxMemberBytes` bounds one captured member (default 16 MiB).
 */
export function createMemberScanner(
  decide: (path: readonly string[], key: string) => MemberDecision,
  onMember: (path: readonly string[], key: string, text: string) => void,
  { maxMemberBytes = 16 * 1024 * 1024 }: { maxMemberBytes?: number } = {},
): MemberScanner {
  let mode: Mode = 'root';
  const path: string[] = [];
  let keyBytes: number[] = [];
  let keyEscaped = false;
  let keyEscape = false;
  let key = '';
  let decision: MemberDecision = 'skip';
  // Skip/capture state of the current value.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let primitive = false;
  let capturing = false;
  let pieces: Uint8Array[] = [];
  let captured = 0;
  let offset = 0;

  const fail = (message: string, at: number): never => {
    throw new JsonStreamError(message, offset + at);
  };

  const finishValue = (): void => {
    mode = 'after-value';
  };

  const write = (buf: Uint8Array): void => {
    const n = buf.length;
    let i = 0;
    let captureStart = 0;
    while (i < n) {
      if (mode === 'skip') {
        // The hot loop: most bytes of an offer file are inside skipped or captured members.
        if (primitive) {
          while (i < n) {
            const c = buf[i]!;
            if (c === COMMA || c === RBRACE || c === RBRACKET || isSpace(c)) break;
            i++;
          }
          if (i < n) {
            primitive = false;
            finishValue();
          }
          continue;
        }
        let ended = false;
        for (; i < n; i++) {
          const c = buf[i]!;
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) {
              inString = false;
              if (depth === 0) {
                ended = true;
                i++;
                break;
              }
            }
          } else if (c === QUOTE) inString = true;
          else if (c === LBRACE || c === LBRACKET) depth++;
          else if (c === RBRACE || c === RBRACKET) {
            depth--;
            if (depth === 0) {
              ended = true;
              i++;
              break;
            }
          }
        }
        if (capturing) {
          const piece = buf.subarray(captureStart, i);
          captured += piece.length;
          if (captured > maxMemberBytes) fail(`member "${key}" of ${path.join('.') || 'the root'} is larger than ${maxMemberBytes} bytes`, i);
          pieces.push(piece);
          if (ended) {
            const text = pieces.length === 1 ? decoder.decode(pieces[0]) : decoder.decode(Buffer.concat(pieces));
            pieces = [];
            capturing = false;
            onMember(path, key, text);
          }
        }
        if (ended) finishValue();
        continue;
      }
      const c = buf[i]!;
      switch (mode) {
        case 'root':
          if (isSpace(c)) break;
          if (c !== LBRACE) fail('expected a JSON object', i);
          mode = 'key-or-end';
          break;
        case 'key-or-end':
          if (isSpace(c)) break;
          if (c === QUOTE) {
            mode = 'key';
            keyBytes = [];
            keyEscaped = false;
            keyEscape = false;
          } else if (c === RBRACE) closeObject(i);
          else fail('expected a member name', i);
          break;
        case 'key':
          if (keyEscape) {
            keyEscape = false;
            keyBytes.push(c);
          } else if (c === BACKSLASH) {
            keyEscape = true;
            keyEscaped = true;
            keyBytes.push(c);
          } else if (c === QUOTE) {
            const raw = decoder.decode(Uint8Array.from(keyBytes));
            key = keyEscaped ? (JSON.parse(`"${raw}"`) as string) : raw;
            mode = 'colon';
          } else keyBytes.push(c);
          break;
        case 'colon':
          if (isSpace(c)) break;
          if (c !== COLON) fail(`expected ":" after "${key}"`, i);
          decision = decide(path, key);
          mode = 'value';
          break;
        case 'value':
          if (isSpace(c)) break;
          if (c === LBRACE && decision === 'descend') {
            path.push(key);
            mode = 'key-or-end';
            break;
          }
          mode = 'skip';
          depth = 0;
          inString = false;
          escaped = false;
          if (c === LBRACE || c === LBRACKET) {
            if (decision === 'capture') {
              capturing = true;
              captureStart = i;
              captured = 0;
              pieces = [];
            }
          } else if (c === QUOTE) {
            inString = true;
            i++;
            continue;
          } else if (c === RBRACE || c === RBRACKET || c === COMMA || c === COLON) {
            fail(`expected a value for "${key}"`, i);
          } else primitive = true;
          continue;
        case 'after-value':
          if (isSpace(c)) break;
          if (c === COMMA) mode = 'key-or-end';
          else if (c === RBRACE) closeObject(i);
          else fail(`expected "," or "}" after "${key}"`, i);
          break;
        case 'done':
          if (!isSpace(c)) fail('unexpected data after the end of the document', i);
          break;
      }
      i++;
    }
    offset += n;
  };

  const closeObject = (at: number): void => {
    if (path.length === 0) {
      mode = 'done';
      return;
    }
    if (at < 0) return;
    key = path.pop()!;
    mode = 'after-value';
  };

  return {
    write,
    end() {
      if (mode !== 'done') throw new JsonStreamError(`document ends early (inside ${path.length > 0 ? path.join('.') : 'the root object'}${mode === 'skip' || mode === 'key' ? ` at "${key}"` : ''})`, offset);
    },
    get bytes() {
      return offset;
    },
  };
}
