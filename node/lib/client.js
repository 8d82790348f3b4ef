'use strict';
const util = require('node:util');
const { NativeClient } = require('./native');
const errors = require('./errors');
const { wrap } = require('./response');
const { ApiKeys } = require('./resources/api-keys');
const { VirtualKeys } = require('./resources/virtual-keys');

const { PortkeyError, InvalidParameterError, fromOutcome } = errors;

function checkTimeout(value, where) {
  if (value !== undefined && value !== null && !(typeof value === 'number' && value >= 0)) {
    throw new InvalidParameterError(`${where}timeout must be a number of milliseconds >= 0`, 'timeout');
  }
}

function checkRetries(value, where) {
  if (value !== undefined && value !== null && !(Number.isInteger(value) && value >= 0 && value < 2 ** 32)) {
    throw new InvalidParameterError(`${where}maxRetries must be an integer >= 0`, 'maxRetries');
  }
}

/** { timeout, maxRetries, headers } -> the addon's CallOptions (headers flattened). */
function nativeOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') {
    throw new InvalidParameterError('request options must be an object', 'options');
  }
  const { timeout, maxRetries, headers } = options;
  checkTimeout(timeout, 'options.');
  checkRetries(maxRetries, 'options.');
  let flat;
  if (headers !== undefined && headers !== null) {
    flat = [];
    const entries = typeof headers.entries === 'function' && !Array.isArray(headers)
      && Object.getPrototypeOf(headers) !== Object.prototype
      ? headers.entries() // Headers, Map
      : Object.entries(headers);
    for (const [k, v] of entries) {
      if (v === undefined || v === null) continue;
      // The core checks names and values before sending (InvalidParameterError 'headers').
      flat.push(String(k), String(v));
    }
  }
  return { timeoutMs: timeout ?? undefined, maxRetries: maxRetries ?? undefined, headers: flat };
}

/**
 * The Portkey control-plane client.
 *
 *   const portkey = new Portkey({ apiKey: process.env.PORTKEY_API_KEY });
 *   const key = await portkey.apiKeys.retrieve({ id });
 *
 * `apiKey` and `baseURL` fall back to PORTKEY_API_KEY and PORTKEY_BASE_URL; `timeout` is in
 * milliseconds per attempt; `maxRetries` counts retries after the first attempt.
 */
class Portkey {
  // The native client holds the API key; JS keeps no copy, so nothing here can print it.
  #native;

  constructor({ apiKey, baseURL, timeout, maxRetries } = {}) {
    if (apiKey !== undefined && apiKey !== null && typeof apiKey !== 'string') {
      throw new PortkeyError('apiKey must be a string');
    }
    if (baseURL !== undefined && baseURL !== null && typeof baseURL !== 'string') {
      throw new PortkeyError('baseURL must be a string');
    }
    try {
      checkTimeout(timeout, '');
      checkRetries(maxRetries, '');
      this.#native = new NativeClient({
        apiKey: apiKey ?? undefined,
        baseURL: baseURL ?? undefined,
        timeoutMs: timeout ?? undefined,
        maxRetries: maxRetries ?? undefined,
        language: `node/${process.version}`,
      });
    } catch (err) {
      // The core's configuration message (it never contains the key).
      throw new PortkeyError(err.message);
    }
    this.apiKeys = new ApiKeys(this);
    this.virtualKeys = new VirtualKeys(this);
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

  /** @internal Runs one operation through the core. */
  async _call(op, params, options) {
    let json;
    if (params === undefined || params === null) {
      json = '{}';
    } else if (typeof params !== 'object' || Array.isArray(params)) {
      throw new InvalidParameterError(`${op}: params must be an object, e.g. { id }`, 'params');
    } else {
      try {
        // JSON.stringify drops keys whose value is undefined, which is what we want.
        json = JSON.stringify(params);
      } catch (err) {
        throw new InvalidParameterError(`${op}: params are not JSON-serialisable: ${err.message}`, 'params');
      }
    }
    const out = await this.#native.call(op, json, nativeOptions(options));
    if (out.ok) return wrap(out.body, out.headers);
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

module.exports = { Portkey };
