'use strict';

/** Base of every resource: holds the client whose `_call` sends the operation. */
class APIResource {
  constructor(client) {
    // Non-enumerable so that console.log(portkey.apiKeys) stays short.
    Object.defineProperty(this, '_client', { value: client, enumerable: false });
  }
}

module.exports = { APIResource };
