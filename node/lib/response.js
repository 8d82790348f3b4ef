'use strict';
// Responses are the plain objects JSON.parse gives, plus a non-enumerable `getHeaders()`: it
// does not show in JSON.stringify, Object.keys or spread, and headers are parsed only when asked.
const { parseHeaders } = require('./errors');

function wrap(body, headerLines) {
  const data = JSON.parse(body);
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
