// Types for `const Portkey = require('portkey-ai')` / `const { Portkey } = require('portkey-ai')`
// (and `import Portkey = require('portkey-ai')`): the export is the class, carrying every other
// export as a static member, as at run time.
import * as P from './types/portkey';

declare class Portkey extends P.Portkey {}

declare namespace Portkey {
  export import PortkeyError = P.PortkeyError;
  export import APIError = P.APIError;
  export import APIStatusError = P.APIStatusError;
  export import BadRequestError = P.BadRequestError;
  export import AuthenticationError = P.AuthenticationError;
  export import PermissionDeniedError = P.PermissionDeniedError;
  export import NotFoundError = P.NotFoundError;
  export import ConflictError = P.ConflictError;
  export import UnprocessableEntityError = P.UnprocessableEntityError;
  export import RateLimitError = P.RateLimitError;
  export import InternalServerError = P.InternalServerError;
  export import APIConnectionError = P.APIConnectionError;
  export import APITimeoutError = P.APITimeoutError;
  export import APIResponseValidationError = P.APIResponseValidationError;
  export import InvalidParameterError = P.InvalidParameterError;
  export import ApiKeys = P.ApiKeys;
  export import VirtualKeys = P.VirtualKeys;
  export type ClientOptions = P.ClientOptions;
  export type RequestOptions = P.RequestOptions;
  export type HeaderValue = P.HeaderValue;
  export type HeadersLike = P.HeadersLike;
  export type ResponseHeaders = P.ResponseHeaders;
  export type APIResponse<T> = P.APIResponse<T>;
  export type ListResponse<T> = P.ListResponse<T>;
  export type SuccessResponse = P.SuccessResponse;
  export type RateLimit = P.RateLimit;
  export type UsageLimits = P.UsageLimits;
  export type ApiKeyDefaults = P.ApiKeyDefaults;
  export type RotationPolicy = P.RotationPolicy;
  export type ApiKeyType = P.ApiKeyType;
  export type ApiKeySubType = P.ApiKeySubType;
  export type ApiKey = P.ApiKey;
  export type ApiKeyCreateParams = P.ApiKeyCreateParams;
  export type ApiKeyCreateResponse = P.ApiKeyCreateResponse;
  export type ApiKeyListParams = P.ApiKeyListParams;
  export type ApiKeyRetrieveParams = P.ApiKeyRetrieveParams;
  export type ApiKeyUpdateParams = P.ApiKeyUpdateParams;
  export type ApiKeyDeleteParams = P.ApiKeyDeleteParams;
  export type ApiKeyRotateParams = P.ApiKeyRotateParams;
  export type ApiKeyRotateResponse = P.ApiKeyRotateResponse;
  export type VirtualKey = P.VirtualKey;
  export type VirtualKeyProvider = P.VirtualKeyProvider;
  export type AzureDeployment = P.AzureDeployment;
  export type SecretMapping = P.SecretMapping;
  export type VirtualKeyCreateParams = P.VirtualKeyCreateParams;
  export type VirtualKeyCreateResponse = P.VirtualKeyCreateResponse;
  export type VirtualKeyListParams = P.VirtualKeyListParams;
  export type VirtualKeyRetrieveParams = P.VirtualKeyRetrieveParams;
  export type VirtualKeyUpdateParams = P.VirtualKeyUpdateParams;
  export type VirtualKeyDeleteParams = P.VirtualKeyDeleteParams;
  // `Portkey.Portkey` (the named form of the same class).
  export import Portkey = P.Portkey;
}

export = Portkey;
