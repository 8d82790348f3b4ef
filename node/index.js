'use strict';
// CommonJS entry. `module.exports` is the Portkey class itself, carrying every other export as
// a property, so both `const Portkey = require('portkey-ai')` and
// `const { Portkey } = require('portkey-ai')` work (and `.default` for transpiled ESM).
const { Portkey } = require('./lib/client');
const errors = require('./lib/errors');
const { ApiKeys } = require('./lib/resources/api-keys');
const { VirtualKeys } = require('./lib/resources/virtual-keys');

const names = [
  'PortkeyError', 'APIError', 'APIStatusError', 'BadRequestError', 'AuthenticationError',
  'PermissionDeniedError', 'NotFoundError', 'ConflictError', 'UnprocessableEntityError',
  'RateLimitError', 'InternalServerError', 'APIConnectionError', 'APITimeoutError',
  'APIResponseValidationError', 'InvalidParameterError',
];
for (const name of names) Portkey[name] = errors[name];
Portkey.ApiKeys = ApiKeys;
Portkey.VirtualKeys = VirtualKeys;
Portkey.Portkey = Portkey;
Portkey.default = Portkey;

module.exports = Portkey;
