'use strict';
const util = require('node:util');
const { NativeClient, NativeStream, createClient } = require('./native');
const errors = require('./errors');
const { wrap } = require('./response');
const { paramsJSON, isWellFormed } = require('./params');
const pagination = require('./pagination');
const { Stream } = require('./streaming');
// Generated from the overlay: the top-level resources (`apiKeys`, `admin`, ...).
const { classes, topLevel } = require('./resources');

const { InvalidParameterError, fromOutcome } = errors;

/** 'an array', 'an object', 'a bigint', ...: what a refused value is, without showing it. */
const kindOf = (v) => {
  const kind = Array.isArray(v) ? 'array' : typeof v;
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
};

// Type checks only: the addon takes strings and numbers. Ranges (a timeout in (0, 86400000]
// ms, maxRetries a whole number 0..1000) are the core's rule, the same in every language.
function checkNumber(value, param) {
  if (value !== undefined && value !== null && typeof value !== 'number') {
    throw new InvalidParameterError(`'${param}' must be a number, got ${kindOf(value)}`, param);
  }
  return value ?? undefined;
}

function checkString(value, param) {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new InvalidParameterError(`'${param}' must be a string, got ${kindOf(value)}`, param);
  }
  // The addon would turn a lone surrogate into U+FFFD; never send something else than given.
  if (typeof value === 'string' && !isWellFormed(value)) {
    throw new InvalidParameterError(`'${param}' is not well-formed Unicode (it contains a lone surrogate)`, param);
  }
  return value ?? undefined;
}

const isPlainObject = (v) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const isHeaders = (v) => typeof Headers === 'function' && v instanceof Headers;

/**
 * Headers as the addon takes them: flat [name, value, name, value, ...]. A plain object, a Map
 * or a fetch `Headers`; values are strings, finite numbers or booleans (null/undefined skip the
 * header). A refused value is never shown in the message: headers carry credentials.
 */
function flatHeaders(headers) {
  let entries;
  if (isHeaders(headers) || headers instanceof Map) entries = headers.entries();
  else if (typeof headers === 'object' && isPlainObject(headers)) entries = Object.entries(headers);
  else {
    const got = typeof headers === 'object' && !Array.isArray(headers) ? 'an object of another kind' : kindOf(headers);
    throw new InvalidParameterError(`'headers' must be a plain object, a Map or a Headers, got ${got}`, 'headers');
  }
  const flat = [];
  for (const [name, v] of entries) {
    if (typeof name !== 'string' || !isWellFormed(name)) {
      throw new InvalidParameterError('a header name must be a well-formed string', 'headers');
    }
    if (v === undefined || v === null) continue;
    let value;
    if (typeof v === 'string') value = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') value = String(v);
    else {
      const got = typeof v === 'number' ? 'a non-finite number' : kindOf(v);
      throw new InvalidParameterError(`the value of header '${name}' must be a string, a finite number or a boolean, got ${got}`, 'headers');
    }
    if (!isWellFormed(value)) {
      throw new InvalidParameterError(`the value of header '${name}' is not well-formed Unicode (a lone surrogate)`, 'headers');
    }
    // The core checks names and values before sending (InvalidParameterError 'headers').
    flat.push(name, value);
  }
  return flat;
}

/** { timeout, maxRetries, headers } -> the addon's CallOptions. */
function nativeOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') {
    throw new InvalidParameterError('request options must be an object', 'options');
  }
  const { timeout, maxRetries, headers } = options;
  return {
    timeoutMs: checkNumber(timeout, 'timeout'),
    maxRetries: checkNumber(maxRetries, 'maxRetries'),
    headers: headers === undefined || headers === null ? undefined : flatHeaders(headers),
  };
}

/**
 * The Portkey control-plane client.
 *
 *   const portkey = new Portkey({ apiKey: process.env.PORTKEY_API_KEY });
 *   const key = await portkey.apiKeys.retrieve({ id });
 *
 * `apiKey` and `baseURL` fall back to PORTKEY_API_KEY and PORTKEY_BASE_URL; `timeout` is in
 * milliseconds per attempt (more than 0, at most 86,400,000: one day); `maxRetries` counts
 * retries after the first attempt (a whole number from 0 to 1000).
 */
class Portkey {
  // The native client holds the API key; JS keeps no copy, so nothing here can print it.
  #native;

  constructor(options) {
    if (options !== undefined && options !== null && typeof options !== 'object') {
      throw new InvalidParameterError('client options must be an object', 'options');
    }
    const { apiKey, baseURL, timeout, maxRetries } = options ?? {};
    const native = createClient({
      apiKey: checkString(apiKey, 'apiKey'),
      baseURL: checkString(baseURL, 'baseURL'),
      timeoutMs: checkNumber(timeout, 'timeout'),
      maxRetries: checkNumber(maxRetries, 'maxRetries'),
      language: `node/${process.version}`,
    });
    // A refused configuration comes back as data, like a failed call: a missing API key is a
    // PortkeyError; a bad baseURL, timeout, maxRetries or apiKey an InvalidParameterError.
    // (The core's messages never contain the key.)
    if (!(native instanceof NativeClient)) throw fromOutcome(native);
    this.#native = native;
  }

  get baseURL() {
    return this.#native.baseURL;
  }

  /** Per-attempt timeout in milliseconds. */
  get timeout() {
    return this.#native.timeoutMs;
  }

  get maxRetries() {
    return this.#native.maxRetries;
  }

  /**
   * @internal Runs one operation through the core. `positional` is `[name, value, ...]` when the
   * method was called as `method(value, params?, options?)`.
   */
  async _call(op, params, options, positional) {
    // The same steps as `_send`, inline: this is every call's path.
    const out = await this.#native.call(op, this._json(op, params, positional), nativeOptions(options));
    // A success is `[body, headers, status]`, a failure an Outcome object.
    if (Array.isArray(out)) return wrap(out[0], out[1], out[2]);
    throw fromOutcome(out);
  }

  /**
   * @internal An operation that can stream: with `stream: true` in its params, a Promise of a
   * `Stream` (lib/streaming.js), else the plain answer as `_call` gives it.
   */
  _callOrStream(op, params, options, positional) {
    if (params !== null && typeof params === 'object' && params.stream === true) {
      return this._stream(op, params, options, positional);
    }
    return this._call(op, params, options, positional);
  }

  /** @internal Opens a streamed answer; resolves once its head arrived. */
  async _stream(op, params, options, positional) {
    const out = await this.#native.stream(op, this._json(op, params, positional), nativeOptions(options));
    if (out instanceof NativeStream) return new Stream(out);
    throw fromOutcome(out);
  }

  /**
   * @internal A paginated list: a PagePromise of its first page (lib/pagination.js); `items`
   * is the answer's field holding the items (`data` unless the page model says otherwise).
   */
  _list(op, params, options, positional, items) {
    return pagination.list(this, op, params, options, positional, items);
  }

  /** @internal The params as the JSON object string the addon takes; throws InvalidParameterError. */
  _json(op, params, positional) {
    let json;
    if (params === undefined || params === null) {
      json = '{}';
    } else if (typeof params !== 'object' || Array.isArray(params)) {
      const form = positional ? `${positional[0]}, params` : 'params';
      throw new InvalidParameterError(`${op}: ${form} must be an object, e.g. { id }`, 'params');
    } else {
      json = paramsJSON(params, op);
    }
    if (positional === undefined) return json;
    // `method(value, params)` (or `method(a, b, params)`): `positional` is `[name, value, ...]`,
    // and each value joins the params as its name, checked like any param.
    const given = {};
    for (let i = 0; i < positional.length; i += 2) {
      const name = positional[i];
      const camel = name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
      for (const key of new Set([name, camel])) {
        if (params && Object.prototype.hasOwnProperty.call(params, key)) {
          const which = i === 0 ? 'first' : 'second';
          throw new InvalidParameterError(`${op}: '${key}' is given twice, as the ${which} argument and in params`, key);
        }
      }
      given[name] = positional[i + 1];
    }
    const head = paramsJSON(given, op);
    return json === '{}' ? head : `${head.slice(0, -1)},${json.slice(1)}`;
  }

  /** @internal Sends params already serialised by `_json`. */
  async _send(op, json, options) {
    const out = await this.#native.call(op, json, nativeOptions(options));
    if (Array.isArray(out)) return wrap(out[0], out[1], out[2]);
    throw fromOutcome(out);
  }

  [util.inspect.custom](depth, opts, inspect) {
    const shown = { baseURL: this.baseURL, timeout: this.timeout, maxRetries: this.maxRetries };
    return `Portkey ${inspect(shown, opts)}`;
  }

  toJSON() {
    return { baseURL: this.baseURL, timeout: this.timeout, maxRetries: this.maxRetries };
  }
}

// The resources (`client.apiKeys`, ...): each made on first access and then kept on the client
// as an own property, as if set by the constructor. A getter on the prototype rather than a
// field set in the constructor, so a client loads and builds only the resources it uses.
for (const [name, className] of topLevel) {
  Object.defineProperty(Portkey.prototype, name, {
    get() {
      const resource = new classes[className](this);
      Object.defineProperty(this, name, { value: resource, enumerable: true, writable: true, configurable: true });
      return resource;
    },
    configurable: true,
  });
}

module.exports = { Portkey };
