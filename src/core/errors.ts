// Typed errors for everything that comes from outside. Each names the object, the field and the
// value so the person reading a log line can go straight to the offending manifest.

/** Base class: every error this project raises on bad input is an InputError. */
export class InputError extends Error {
  readonly object: string;
  readonly field: string;
  readonly value: string;
  constructor(object: string, field: string, value: string, reason: string) {
    super(`${object}: ${field}: ${reason} (got ${JSON.stringify(value)})`);
    this.name = new.target.name;
    this.object = object;
    this.field = field;
    this.value = value;
  }
}

export class InvalidQuantityError extends InputError {
  constructor(object: string, field: string, value: string, reason = 'not a valid Kubernetes quantity') {
    super(object, field, value, reason);
  }
}

export class InvalidObjectError extends InputError {}

export class DuplicateObjectError extends InputError {
  constructor(object: string, field: string, value: string) {
    super(object, field, value, 'duplicate: another object already has this value');
  }
}

export class UnknownReferenceError extends InputError {}

/** A file or stream could not be read or parsed as a whole (missing file, malformed JSON). */
export class SourceReadError extends InputError {}

/** More objects than a configured limit (`--max-objects`): the extra ones are not read. */
export class ObjectLimitError extends InputError {}

/** A configuration value (flag, environment variable, file) is not acceptable. */
export class ConfigError extends Error {
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = 'ConfigError';
    this.option = option;
  }
}

/** Truncates a value for inclusion in an error message so hostile input cannot flood logs. */
export function shown(value: unknown, maxChars = 80): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    // A value that refers to itself (a YAML alias inside its own anchor) or holds a BigInt.
    text = '[a value that cannot be shown: circular or not JSON]';
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
