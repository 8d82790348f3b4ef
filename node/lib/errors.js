'use strict';
// Error classes, named and nested as in the official SDK. The native layer resolves a failed
// call as data ({ kind: <class name>, status, message, ... }); `fromOutcome` builds that class.

class PortkeyError extends Error {}

class APIError extends PortkeyError {
  constructor(message, { status, headers, error, requestID } = {}) {
    super(message);
    /** HTTP status, when the server answered. */
    this.status = status;
    /** Response headers (lower-case names), when the server answered. */
    this.headers = headers;
    /** The parsed error body (the raw text when it is not JSON). */
    this.error = error;
    this.requestID = requestID;
  }
}

class APIStatusError extends APIError {}
class BadRequestError extends APIStatusError {}
class AuthenticationError extends APIStatusError {}
class PermissionDeniedError extends APIStatusError {}
class NotFoundError extends APIStatusError {}
class ConflictError extends APIStatusError {}
class UnprocessableEntityError extends APIStatusError {}
class RateLimitError extends APIStatusError {}
class InternalServerError extends APIStatusError {}

class APIConnectionError extends APIError {}
class APITimeoutError extends APIConnectionError {}
class APIResponseValidationError extends APIError {}

/** The input is wrong; nothing was sent. `param` names the parameter (dotted when nested). */
class InvalidParameterError extends PortkeyError {
  constructor(message, param) {
    super(message);
    this.param = param;
  }
}

/**
 * A job a helper waited on (`logs.exports.waitForCompletion`) ended in a failed state. `body` is
 * its final object, as the last poll answered it.
 */
class JobFailedError extends PortkeyError {
  constructor(message, body) {
    super(message);
    this.body = body;
  }
}

const classes = {
  PortkeyError, APIError, APIStatusError, BadRequestError, AuthenticationError,
  PermissionDeniedError, NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError,
  InternalServerError, APIConnectionError, APITimeoutError, APIResponseValidationError,
  InvalidParameterError, JobFailedError,
};
// `err.name` reads as the class name in stack traces and console.log.
for (const [name, cls] of Object.entries(classes)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** `name: value\n` lines from the addon -> { name: value } (repeats joined by ", "). */
function parseHeaders(lines) {
  const out = {};
  if (!lines) return out;
  for (const line of lines.split('\n')) {
    const i = line.indexOf(': ');
    if (i <= 0) continue;
    const k = line.slice(0, i);
    const v = line.slice(i + 2);
    out[k] = k in out ? `${out[k]}, ${v}` : v;
  }
  return out;
}

/** The deepest nesting an error body is parsed to, as the core's limit for 2xx bodies. */
const MAX_DEPTH = 127;

/** Whether JSON `text` nests arrays/objects deeper than MAX_DEPTH (brackets in strings skipped). */
function tooDeep(text) {
  // Nesting deeper than MAX_DEPTH needs more than MAX_DEPTH opening brackets.
  if (text.length <= 2 * MAX_DEPTH) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // "
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++; // backslash escape
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--;
    }
  }
  return false;
}

/**
 * The error body as JSON, or its raw text when it is not JSON (or nests absurdly deep: such a
 * value would break JSON.stringify(err) and deepEqual with a RangeError). Never throws.
 */
function parseBody(text) {
  if (!text) return undefined;
  if (tooDeep(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The core names the class (`Error::class_name`), so the mapping is decided once, in Rust. */
function fromOutcome(o) {
  const Cls = classes[o.kind] || PortkeyError;
  if (Cls === InvalidParameterError) return new InvalidParameterError(o.message, o.param);
  if (Cls === JobFailedError) return new JobFailedError(o.message, parseBody(o.body));
  if (!(Cls.prototype instanceof APIError)) return new Cls(o.message);
  return new Cls(o.message, {
    status: o.status || undefined,
    headers: o.headers ? parseHeaders(o.headers) : undefined,
    error: parseBody(o.body),
    requestID: o.requestId,
  });
}

module.exports = { ...classes, fromOutcome, parseHeaders };
