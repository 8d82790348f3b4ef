'use strict';
// CommonJS entry. `module.exports` is the Portkey class itself, carrying every other export as
// a property, so both `const Portkey = require('portkey-ai')` and
// `const { Portkey } = require('portkey-ai')` work (and `.default` for transpiled ESM).
const { Portkey } = require('./lib/client');
const errors = require('./lib/errors');
const { PagePromise } = require('./lib/pagination');
const { Stream } = require('./lib/streaming');
// Generated: every resource class (ApiKeys, Admin, AdminUsers, ...).
const { classes } = require('./lib/resources');

const names = [
  'PortkeyError', 'APIError', 'APIStatusError', 'BadRequestError', 'AuthenticationError',
  'PermissionDeniedError', 'NotFoundError', 'ConflictError', 'UnprocessableEntityError',
  'RateLimitError', 'InternalServerError', 'APIConnectionError', 'APITimeoutError',
  'APIResponseValidationError', 'InvalidParameterError', 'JobFailedError',
];
for (const name of names) Portkey[name] = errors[name];
// Getters copied as getters: a class's module loads when the class is first read.
Object.defineProperties(Portkey, Object.getOwnPropertyDescriptors(classes));
Portkey.PagePromise = PagePromise;
Portkey.Stream = Stream;
Portkey.Portkey = Portkey;
Portkey.default = Portkey;

module.exports = Portkey;
