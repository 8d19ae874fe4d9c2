// Typed errors of the allocation API's query parsers (pure). Each names the parameter, the value
// and what is accepted; the HTTP edge (src/server/api-routes.ts) maps them to 400 once.

/** A query parameter that cannot be used: HTTP 400 `{code:400, status:"error", message}`. */
export class BadQueryError extends Error {
  readonly parameter: string;
  readonly value: string;
  readonly accepted: string;
  constructor(parameter: string, value: string, reason: string, accepted: string) {
    super(`${parameter}=${JSON.stringify(shorten(value))}: ${reason}; accepted: ${accepted}`);
    this.name = 'BadQueryError';
    this.parameter = parameter;
    this.value = value;
    this.accepted = accepted;
  }
}

/** A filter that does not parse: the message points at the character (0-based) where it went wrong. */
export class FilterSyntaxError extends BadQueryError {
  readonly position: number;
  constructor(value: string, position: number, reason: string) {
    super('filter', value, `at position ${position}${describePosition(value, position)}: ${reason}`, FILTER_ACCEPTED);
    this.name = 'FilterSyntaxError';
    this.position = position;
  }
}

export const FILTER_ACCEPTED =
  'FIELD OP "value"[,"value"...] joined by + (and) or | (or), with parentheses; FIELD: cluster, node, namespace, controllerKind, controllerName, pod, container, label[KEY], annotation[KEY]; OP: : !: ~: !~: <~: !<~: ~>: !~>:';

function describePosition(value: string, position: number): string {
  if (position >= value.length) return ' (end of filter)';
  return ` (${JSON.stringify(value.slice(position, position + 12))})`;
}

function shorten(value: string, maxChars = 200): string {
  return value.length > maxChars ? `${value.slice(0, maxChars)}…` : value;
}
