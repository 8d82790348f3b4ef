// Hand-written declarations shared by both entry points (index.d.ts for require,
// index.d.mts for import).

export interface ClientOptions {
  /**
   * Defaults to process.env.PORTKEY_API_KEY; construction throws PortkeyError if neither is set,
   * and InvalidParameterError (`param` 'apiKey') if it cannot be sent in a header.
   */
  apiKey?: string | null;
  /**
   * Defaults to process.env.PORTKEY_BASE_URL, then https://api.portkey.ai/v1. A plain http(s)
   * URL: no credentials, query or fragment (else InvalidParameterError, `param` 'baseURL').
   */
  baseURL?: string | null;
  /**
   * Per-attempt timeout in milliseconds (default 60000): more than 0 and at most 86,400,000
   * (one day); fractions are kept. Anything else (0, negative, NaN, Infinity) throws
   * InvalidParameterError (`param` 'timeout').
   */
  timeout?: number | null;
  /**
   * Retries after the first attempt on connection errors, 408, 429 and 5xx (default 2): a whole
   * number from 0 to 1000, else InvalidParameterError (`param` 'maxRetries').
   */
  maxRetries?: number | null;
}

/** A header value; numbers and booleans are sent as their text, null/undefined skip the header. */
export type HeaderValue = string | number | boolean | null | undefined;

/** A fetch `Headers` (or anything iterating `[name, value]` string pairs the same way). */
export interface HeadersLike {
  entries(): Iterable<[string, string]>;
}

export interface RequestOptions {
  /**
   * Per-attempt timeout in milliseconds for this call: more than 0 and at most 86,400,000
   * (else the call rejects with InvalidParameterError, `param` 'timeout').
   */
  timeout?: number;
  /** Retries for this call: a whole number from 0 to 1000 (else InvalidParameterError 'maxRetries'). */
  maxRetries?: number;
  /**
   * Extra request headers: a plain object, a Map or a fetch Headers. They cannot replace the API
   * key header nor the framing headers (content-length, host, ...); anything else is refused
   * with InvalidParameterError (`param` 'headers'), whose message names the header but never
   * shows its value.
   */
  headers?: Record<string, HeaderValue> | Map<string, HeaderValue> | HeadersLike;
}

/** Response headers, lower-case names. */
export type ResponseHeaders = Record<string, string>;

/** Every response is the parsed JSON plus a non-enumerable `getHeaders()`. */
export type APIResponse<T> = T & { getHeaders(): ResponseHeaders };

// ---------------------------------------------------------------------------------------------
// Shared shapes

export interface RateLimit {
  type: 'requests' | 'tokens';
  unit: 'rpd' | 'rph' | 'rpm' | 'rps' | 'rpw';
  value: number;
}

export interface UsageLimits {
  credit_limit?: number;
  type?: 'cost' | 'tokens';
  alert_threshold?: number;
  periodic_reset?: 'monthly' | 'weekly' | null;
  periodic_reset_days?: number | null;
  next_usage_reset_at?: string | null;
  [extra: string]: unknown;
}

export interface ApiKeyDefaults {
  metadata?: Record<string, unknown>;
  config_id?: string;
  allow_config_override?: boolean;
  [extra: string]: unknown;
}

export interface RotationPolicy {
  rotation_period?: 'weekly' | 'monthly' | null;
  next_rotation_at?: string | null;
  key_transition_period_ms?: number;
  [extra: string]: unknown;
}

export interface ListResponse<T> {
  object?: 'list' | string;
  total: number;
  data: T[];
  [extra: string]: unknown;
}

export interface SuccessResponse {
  success?: boolean;
  [extra: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// API keys

export type ApiKeyType = 'organisation' | 'workspace';
export type ApiKeySubType = 'user' | 'service';

/** Body fields shared by create and update, in both spellings. */
interface ApiKeyBodyFields {
  description?: string;
  rate_limits?: RateLimit[] | null;
  rateLimits?: RateLimit[] | null;
  usage_limits?: UsageLimits;
  usageLimits?: UsageLimits;
  defaults?: ApiKeyDefaults;
  alert_emails?: string[];
  alertEmails?: string[];
  /** RFC 3339 date-time. */
  expires_at?: string | null;
  expiresAt?: string | null;
  rotation_policy?: RotationPolicy | null;
  rotationPolicy?: RotationPolicy | null;
  /** Fields the SDK does not know yet are sent as given. */
  [extra: string]: unknown;
}

export interface ApiKeyCreateParams extends ApiKeyBodyFields {
  type: ApiKeyType;
  /** Also accepted as `sub_type` or `subType`. */
  'sub-type'?: ApiKeySubType;
  sub_type?: ApiKeySubType;
  subType?: ApiKeySubType;
  name: string;
  scopes: string[];
  workspace_id?: string;
  workspaceId?: string;
  /** Required when the sub-type is `user`. */
  user_id?: string;
  userId?: string;
  organisation_id?: string;
  organisationId?: string;
}

export interface ApiKeyListParams {
  page_size?: number;
  pageSize?: number;
  current_page?: number;
  currentPage?: number;
  workspace_id?: string;
  workspaceId?: string;
}

export interface ApiKeyRetrieveParams {
  id: string;
}

export interface ApiKeyUpdateParams extends ApiKeyBodyFields {
  id: string;
  name?: string;
  scopes?: string[];
  reset_usage?: boolean;
  resetUsage?: boolean;
}

export interface ApiKeyDeleteParams {
  id: string;
}

export interface ApiKeyRotateParams {
  id: string;
  /** At least 1800000 (30 minutes). */
  key_transition_period_ms?: number;
  keyTransitionPeriodMs?: number;
}

export interface ApiKey {
  id: string;
  object?: 'api-key' | string;
  /** Masked except in the answers to create and rotate. */
  key?: string;
  name?: string;
  description?: string | null;
  type?: string;
  organisation_id?: string;
  workspace_id?: string | null;
  user_id?: string | null;
  status?: 'active' | 'exhausted' | string;
  created_at?: string;
  last_updated_at?: string;
  creation_mode?: string;
  rate_limits?: RateLimit[] | null;
  usage_limits?: UsageLimits | null;
  reset_usage?: number | null;
  scopes?: string[];
  defaults?: ApiKeyDefaults | null;
  alert_emails?: string[] | null;
  expires_at?: string | null;
  rotation_policy?: RotationPolicy | null;
  [extra: string]: unknown;
}

export interface ApiKeyCreateResponse {
  id: string;
  object?: 'api-key' | string;
  /** The full secret, shown only this once. */
  key: string;
  [extra: string]: unknown;
}

export interface ApiKeyRotateResponse {
  id: string;
  /** The new full secret. */
  key: string;
  key_transition_expires_at?: string;
  [extra: string]: unknown;
}

export declare class ApiKeys {
  /** Create an API key. The answer holds the full secret, shown only this once. */
  create(params: ApiKeyCreateParams, options?: RequestOptions): Promise<APIResponse<ApiKeyCreateResponse>>;
  /** List API keys, one page at a time, with the total count. */
  list(params?: ApiKeyListParams, options?: RequestOptions): Promise<APIResponse<ListResponse<ApiKey>>>;
  /** Retrieve an API key; its secret is shown masked. */
  retrieve(params: ApiKeyRetrieveParams, options?: RequestOptions): Promise<APIResponse<ApiKey>>;
  /** Update an API key's name, limits, scopes, defaults, expiry or rotation policy. */
  update(params: ApiKeyUpdateParams, options?: RequestOptions): Promise<APIResponse<SuccessResponse>>;
  /** Delete an API key. */
  delete(params: ApiKeyDeleteParams, options?: RequestOptions): Promise<APIResponse<SuccessResponse>>;
  /** Rotate an API key: a new secret, the old one valid for a transition period. */
  rotate(params: ApiKeyRotateParams, options?: RequestOptions): Promise<APIResponse<ApiKeyRotateResponse>>;
}

// ---------------------------------------------------------------------------------------------
// Virtual keys

export type VirtualKeyProvider =
  | 'openai' | 'azure-openai' | 'ai21' | 'anthropic' | 'anyscale' | 'bedrock' | 'cohere'
  | 'deepinfra' | 'fireworks-ai' | 'google' | 'groq' | 'hugging-face' | 'jina' | 'lingyi'
  | 'mistral-ai' | 'monsterapi' | 'moonshot' | 'nomic' | 'novita-ai' | 'open-ai' | 'openrouter'
  | 'palm' | 'perplexity-ai' | 'predibase' | 'reka-ai' | 'segmind' | 'stability-ai'
  | 'together-ai' | 'vertex-ai' | 'workers-ai' | 'zhipu';

export interface AzureDeployment {
  apiVersion: string;
  deploymentName: string;
  alias?: string;
  is_default?: boolean;
}

export interface SecretMapping {
  target_field: string;
  secret_reference_id: string;
  secret_key?: string | null;
  value_format?: 'json' | 'string' | null;
}

export interface VirtualKeyCreateParams {
  name?: string;
  provider?: VirtualKeyProvider;
  key?: string;
  note?: string | null;
  apiVersion?: string | null;
  api_version?: string | null;
  resourceName?: string | null;
  resource_name?: string | null;
  deploymentName?: string | null;
  deployment_name?: string | null;
  deploymentConfig?: AzureDeployment[];
  deployment_config?: AzureDeployment[];
  workspace_id?: string;
  workspaceId?: string;
  usage_limits?: UsageLimits;
  usageLimits?: UsageLimits;
  rate_limits?: RateLimit[] | null;
  rateLimits?: RateLimit[] | null;
  expires_at?: string;
  expiresAt?: string;
  secret_mappings?: SecretMapping[];
  secretMappings?: SecretMapping[];
  [extra: string]: unknown;
}

export interface VirtualKeyListParams {
  current_page?: number;
  currentPage?: number;
  page_size?: number;
  pageSize?: number;
  workspace_id?: string;
  workspaceId?: string;
}

export interface VirtualKeyRetrieveParams {
  slug: string;
}

export interface VirtualKeyUpdateParams {
  slug: string;
  name?: string;
  key?: string;
  note?: string | null;
  deploymentConfig?: AzureDeployment[];
  deployment_config?: AzureDeployment[];
  usage_limits?: UsageLimits;
  usageLimits?: UsageLimits;
  rate_limits?: RateLimit[] | null;
  rateLimits?: RateLimit[] | null;
  secret_mappings?: SecretMapping[];
  secretMappings?: SecretMapping[];
  [extra: string]: unknown;
}

export interface VirtualKeyDeleteParams {
  slug: string;
}

export interface VirtualKey {
  slug: string;
  name?: string;
  note?: string | null;
  status?: 'active' | 'exhausted' | string;
  usage_limits?: UsageLimits | null;
  rate_limits?: RateLimit[] | null;
  model_config?: Record<string, unknown> | null;
  created_at?: string;
  [extra: string]: unknown;
}

export interface VirtualKeyCreateResponse {
  success?: boolean;
  data: { slug: string; [extra: string]: unknown };
  [extra: string]: unknown;
}

export declare class VirtualKeys {
  /** Create a virtual key. The answer holds its slug. */
  create(params: VirtualKeyCreateParams, options?: RequestOptions): Promise<APIResponse<VirtualKeyCreateResponse>>;
  /** List virtual keys with the total count. */
  list(params?: VirtualKeyListParams, options?: RequestOptions): Promise<APIResponse<ListResponse<VirtualKey>>>;
  /** Retrieve a virtual key. */
  retrieve(params: VirtualKeyRetrieveParams, options?: RequestOptions): Promise<APIResponse<VirtualKey>>;
  /** Update a virtual key. */
  update(params: VirtualKeyUpdateParams, options?: RequestOptions): Promise<APIResponse<SuccessResponse>>;
  /** Delete a virtual key. */
  delete(params: VirtualKeyDeleteParams, options?: RequestOptions): Promise<APIResponse<SuccessResponse>>;
}

// ---------------------------------------------------------------------------------------------
// Client

export declare class Portkey {
  constructor(options?: ClientOptions);
  readonly apiKeys: ApiKeys;
  readonly virtualKeys: VirtualKeys;
  readonly baseURL: string;
  /** Per-attempt timeout in milliseconds. */
  readonly timeout: number;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
}

// ---------------------------------------------------------------------------------------------
// Errors

export declare class PortkeyError extends Error {}

export declare class APIError extends PortkeyError {
  constructor(
    message: string,
    fields?: { status?: number; headers?: ResponseHeaders; error?: unknown; requestID?: string },
  );
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Response headers (lower-case names), when the server answered. */
  readonly headers: ResponseHeaders | undefined;
  /** The parsed error body (the raw text when it is not JSON, or nests more than 128 deep). */
  readonly error: unknown;
  readonly requestID: string | undefined;
}

export declare class APIStatusError extends APIError {
  readonly status: number;
  readonly headers: ResponseHeaders;
}
export declare class BadRequestError extends APIStatusError {}
export declare class AuthenticationError extends APIStatusError {}
export declare class PermissionDeniedError extends APIStatusError {}
export declare class NotFoundError extends APIStatusError {}
export declare class ConflictError extends APIStatusError {}
export declare class UnprocessableEntityError extends APIStatusError {}
export declare class RateLimitError extends APIStatusError {}
export declare class InternalServerError extends APIStatusError {}

export declare class APIConnectionError extends APIError {}
export declare class APITimeoutError extends APIConnectionError {}
export declare class APIResponseValidationError extends APIError {}

/**
 * The input is wrong; nothing was sent. Also what a call rejects with when a param cannot be sent
 * as JSON exactly as given: NaN or Infinity, a string with a lone surrogate, a BigInt, a function
 * or symbol, a toJSON() that throws, a circular structure. (A Date is sent as its ISO string.)
 */
export declare class InvalidParameterError extends PortkeyError {
  constructor(message: string, param?: string);
  /**
   * The offending parameter, dotted when nested (`usage_limits.credit_limit`,
   * `rate_limits[0].value`); `timeout`, `maxRetries`, `headers`, `baseURL`, `apiKey` for settings.
   */
  readonly param: string | undefined;
}
