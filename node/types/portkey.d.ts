// Hand-written declarations shared by both entry points (index.d.ts for require,
// index.d.mts for import): the client, its options, pages and errors. The resources, their
// params and their answers' models are generated into types/resources.d.ts.
import type { PortkeyResources } from './resources';

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
// Pages (lib/pagination.js)

/** What a page of a paginated list has beyond its JSON: non-enumerable, not in JSON.stringify. */
export interface PageMethods<P, Item> {
  /** Whether another page follows: false at `total`, after an empty page or a short one. */
  hasNextPage(): boolean;
  /**
   * Fetches the next page: the same params and options, `current_page` one higher. Rejects with
   * PortkeyError when there is none (see hasNextPage), or with the call's error.
   */
  getNextPage(): Promise<Page<P, Item>>;
  /** This page, then each following page, fetched lazily. */
  iterPages(): AsyncIterableIterator<Page<P, Item>>;
  /** Every item of this page and of every following page, fetched lazily. */
  [Symbol.asyncIterator](): AsyncIterator<Item>;
}

/** A page of a paginated list: its answer (`data`, `total`, `object`, ...) plus PageMethods. */
export type Page<P, Item> = APIResponse<P> & PageMethods<P, Item>;

/**
 * What a paginated `list()` returns: a Promise of the first page that is also async-iterable
 * over every item of every page (`for await (const user of portkey.admin.users.list())`).
 * Pages are fetched one at a time, when needed; a failed page throws out of the loop.
 */
export declare class PagePromise<P, Item> extends Promise<Page<P, Item>> implements AsyncIterable<Item> {
  [Symbol.asyncIterator](): AsyncIterator<Item>;
}

// ---------------------------------------------------------------------------------------------
// Streams (lib/streaming.js)

/**
 * A streamed answer: what an operation that can stream (`prompts.completions.create`) resolves
 * to when called with `stream: true`. Async-iterable once over its items (each event's JSON);
 * `break` (or any early exit from the `for await`), `close()` and `controller.abort()` close the
 * connection, as do its end and a failed event (thrown out of the loop: APITimeoutError for a
 * stall, APIConnectionError for a cut connection, the APIError class of an `error` event).
 */
export declare class Stream<Item> implements AsyncIterable<Item> {
  /** Aborting it closes the stream; a loop over it then ends. */
  readonly controller: AbortController;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The HTTP response headers (lower-case names). */
  getHeaders(): ResponseHeaders;
  /** Closes the connection; idempotent. */
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Item>;
  /** The items as newline-delimited JSON bytes; cancelling it closes the connection. */
  toReadableStream(): ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------------------------------------
// Client

/** The resources (`apiKeys`, `admin`, `configs`, ...) come from types/resources.d.ts (generated). */
export interface Portkey extends PortkeyResources {}

export declare class Portkey {
  constructor(options?: ClientOptions);
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
 * A job a helper waited on (`logs.exports.waitForCompletion`) ended in a failed state (an
 * export `failed` or `stopped`); `body` is its final object, as the last poll answered it.
 */
export declare class JobFailedError extends PortkeyError {
  constructor(message: string, body?: unknown);
  readonly body: unknown;
}

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
