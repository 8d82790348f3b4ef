'use strict';
// Responses are the plain objects JSON.parse gives, plus a non-enumerable `getHeaders()`: it
// does not show in JSON.stringify, Object.keys or spread, and headers are parsed only when asked.
//
// The core has checked the body's UTF-8, JSON type and depth, not its syntax: JSON.parse proves
// that as it reads. A body it refuses is an APIResponseValidationError whose message the core
// writes (`decodeFailure`), as for every other language.
const { fromOutcome, parseHeaders } = require('./errors');
const native = require('./native');

function wrap(body, headerLines, status) {
  let data;
  try {
    data = JSON.parse(body);
  } catch {
    throw fromOutcome(native.decodeFailure(body, status));
  }
  if (data !== null && typeof data === 'object') {
    let headers;
    Object.defineProperty(data, 'getHeaders', {
      value: () => headers || (headers = parseHeaders(headerLines)),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return data;
}

module.exports = { wrap };
