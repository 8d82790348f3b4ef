'use strict';
// Auto-pagination for the paginated lists (`paginate: true` in the overlay): `list()` returns a
// PagePromise, as in openai-node.
//
//   const page = await portkey.admin.users.list({ page_size: 50 });   // the first page
//   page.data; page.total; page.getHeaders();                          // as any list answer
//   for await (const user of portkey.admin.users.list()) { ... }       // every item, every page
//   for await (const user of page) { ... }                             // from this page on
//
// Pages are fetched lazily, one when the items of the previous one are used up, with the same
// params and options and `current_page` one higher. Iteration stops at `total`, at an empty page
// or at a short one (fewer items than the page size: `page_size` when given, else the size of
// the first page). A failure on any page rejects the iteration with that error; it never ends
// quietly. Items are the parsed JSON objects, as in `page.data`: a page keeps them where the API
// puts them, in `data` or in the field its page model names (`auditLogs.list()` answers
// `{ object, total, records }`); the generated resource passes that name (`itemsField`).
const { PortkeyError } = require('./errors');

/** Every spelling of the page number; the pager sends `current_page` and drops the others. */
const PAGE_KEYS = ['current_page', 'currentPage'];
const SIZE_KEYS = ['page_size', 'pageSize'];

/**
 * A Promise of the first page that is also async-iterable over every item of every page.
 * `then`/`catch`/`finally` give plain Promises (Symbol.species), so only the list call's own
 * answer carries the iteration.
 */
class PagePromise extends Promise {
  static get [Symbol.species]() {
    return Promise;
  }

  /** Every item of every page, starting with the first page. */
  [Symbol.asyncIterator]() {
    return items(this);
  }
}

/** Each decorated page's items (its `data`, or the field its model names). */
const itemsOf = new WeakMap();

async function* items(firstPage) {
  let page = await firstPage;
  for (;;) {
    yield* itemsOf.get(page) ?? [];
    if (!page.hasNextPage()) return;
    page = await page.getNextPage();
  }
}

const numberOr = (params, keys, fallback) => {
  for (const k of keys) {
    const v = params[k];
    if (typeof v === 'number') return v;
  }
  return fallback;
};

/**
 * The first page of `op`, as a PagePromise; `itemsField` names the answer's field holding the
 * items. `client._json` checks and serialises the params (throwing InvalidParameterError, which
 * becomes the rejection); the snapshot of them taken then is what later pages are fetched with,
 * so changing the params object afterwards changes nothing.
 */
function list(client, op, params, options, positional, itemsField = 'data') {
  const first = (async () => {
    const json = client._json(op, params, positional);
    const answer = await client._send(op, json, options);
    const base = JSON.parse(json);
    const state = {
      client,
      op,
      itemsField,
      base,
      options,
      number: numberOr(base, PAGE_KEYS, 0),
      size: numberOr(base, SIZE_KEYS, undefined),
    };
    return decorate(answer, state);
  })();
  return new PagePromise((resolve, reject) => {
    first.then(resolve, reject);
  });
}

const hidden = (target, key, value) => {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
};

/** Gives a page answer its (non-enumerable) page methods: the JSON stays as it came. */
function decorate(page, state) {
  const data = Array.isArray(page[state.itemsField]) ? page[state.itemsField] : [];
  itemsOf.set(page, data);
  // Unknown page size: the first page's length (the server's default) stands for it.
  const size = state.size ?? data.length;
  const hasNextPage = () => {
    if (data.length === 0 || data.length < size) return false;
    const { total } = page;
    if (typeof total === 'number' && state.number * size + data.length >= total) return false;
    return true;
  };
  const getNextPage = async () => {
    if (!hasNextPage()) {
      throw new PortkeyError(`${state.op}: page ${state.number} is the last page; check hasNextPage() first`);
    }
    const number = state.number + 1;
    const params = { ...state.base };
    for (const k of PAGE_KEYS) delete params[k];
    params.current_page = number;
    const answer = await state.client._send(state.op, JSON.stringify(params), state.options);
    return decorate(answer, { ...state, number, size });
  };
  async function* iterPages() {
    let current = page;
    for (;;) {
      yield current;
      if (!current.hasNextPage()) return;
      current = await current.getNextPage();
    }
  }
  hidden(page, 'hasNextPage', hasNextPage);
  hidden(page, 'getNextPage', getNextPage);
  hidden(page, 'iterPages', iterPages);
  hidden(page, Symbol.asyncIterator, () => items(page));
  return page;
}

module.exports = { PagePromise, list };
