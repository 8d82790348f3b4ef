// ES module entry: the same objects as the CommonJS entry (one copy of each class, so
// `instanceof` agrees whichever way a program loaded the package).
import Portkey from './index.js';

export default Portkey;
export const {
  PortkeyError, APIError, APIStatusError, BadRequestError, AuthenticationError,
  PermissionDeniedError, NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError,
  InternalServerError, APIConnectionError, APITimeoutError, APIResponseValidationError,
  InvalidParameterError, JobFailedError, PagePromise, Stream,
} = Portkey;
// Generated: every resource class as a named export (ApiKeys, Admin, AdminUsers, ...).
export * from './lib/resources/index.mjs';
export { Portkey };
