'use strict';
// Streamed answers (server-sent events). An operation that can stream (`stream:` in its overlay
// entry; the first is `prompts.completions.create`) resolves to a `Stream` when called with
// `stream: true`:
//
//   const stream = await portkey.prompts.completions.create({ promptID, variables, stream: true });
//   for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
//
// Each item is the event's JSON, parsed (the operation's item model). The connection is closed
// when the stream ends, when an event fails (the error is thrown out of the loop:
// APITimeoutError for a stall between events, APIConnectionError for a cut connection,
// APIResponseValidationError for an event that is not JSON, the APIError class of an `error`
// event), on `break` (or `return`/`throw` out of the `for await`), `close()`, and
// `controller.abort()`. Events are read from the connection only as the loop asks for them;
// each read from the addon hands over every event already received (at most 64 KiB), so a
// Promise crosses from the addon per batch of events, not per event.
const { APIResponseValidationError, PortkeyError, fromOutcome, parseHeaders } = require('./errors');

class Stream {
  #native;
  #done = false;
  #iterated = false;
  #headers;
  /** The addon's last batch of events' data (all it had received), and the next one to yield. */
  #batch = [];
  #at = 0;
  /** The addon's read in flight, if any. */
  #reading = null;

  /** @internal Made by the client (lib/client.js) from the addon's NativeStream. */
  constructor(native) {
    this.#native = native;
    /** Aborting it closes the stream; a loop over it then ends. */
    this.controller = new AbortController();
    this.controller.signal.addEventListener('abort', () => this.close(), { once: true });
  }

  /** The HTTP status of the answer. */
  get status() {
    return this.#native.status;
  }

  /** The HTTP response headers (lower-case names). */
  getHeaders() {
    return this.#headers || (this.#headers = parseHeaders(this.#native.headers));
  }

  /** Closes the connection; idempotent. A loop over the stream then ends. */
  close() {
    this.#done = true;
    this.#batch = [];
    this.#at = 0;
    this.#native.close();
  }

  /** The next item. A call made while a read is in flight waits for it: none skips a batch. */
  #next() {
    if (this.#reading) return this.#reading.then(() => this.#next(), () => this.#next());
    return this.#step();
  }

  async #step() {
    if (this.#done) return { done: true, value: undefined };
    if (this.#at < this.#batch.length) return this.#item();
    const reading = this.#native.next();
    this.#reading = reading;
    let out;
    try {
      out = await reading;
    } finally {
      this.#reading = null;
    }
    if (this.#done) return { done: true, value: undefined }; // closed while reading
    if (out === null) {
      this.#done = true;
      return { done: true, value: undefined };
    }
    if (!Array.isArray(out)) {
      this.#done = true; // the addon closed the stream
      throw fromOutcome(out);
    }
    this.#batch = out;
    this.#at = 0;
    return this.#item();
  }

  /** The next event of the batch, parsed. */
  #item() {
    const text = this.#batch[this.#at++];
    const value = JSON.parse(text); // the core checked it is JSON
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.close();
      throw new APIResponseValidationError('Invalid stream event: its data is not a JSON object', {
        status: this.status,
        error: text,
      });
    }
    return { done: false, value };
  }

  /**
   * The items, once: a stream is read as it arrives and cannot be iterated twice. Leaving the
   * loop early (`break`, `return`, an exception) closes the connection.
   */
  [Symbol.asyncIterator]() {
    if (this.#iterated) {
      throw new PortkeyError('A stream can be iterated only once: its events are read as they arrive');
    }
    this.#iterated = true;
    const stream = this;
    return {
      next: () => this.#next(),
      async return(value) {
        stream.close();
        return { done: true, value };
      },
      async throw(error) {
        stream.close();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * The items as a byte ReadableStream of newline-delimited JSON (one item a line), e.g. to
   * send to a browser; cancelling it closes the connection.
   */
  toReadableStream() {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream({
      async pull(controller) {
        try {
          const { done, value } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await iterator.return();
      },
    });
  }
}

Object.defineProperty(Stream.prototype, Symbol.toStringTag, { value: 'Stream', configurable: true });

module.exports = { Stream };
