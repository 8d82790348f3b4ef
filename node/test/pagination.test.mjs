// Auto-pagination (lib/pagination.js): a paginated list() returns a PagePromise, awaitable to the
// first page and async-iterable over every item of every page, fetched lazily.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Portkey, {
  PagePromise, PortkeyError, InvalidParameterError, InternalServerError, APIConnectionError,
} from 'portkey-ai';
import { startMock, API_KEY } from './helpers.mjs';

let mock;
let portkey;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });
beforeEach(async () => {
  await mock.reset();
  portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
});

const WS = 'ws-pages';

async function createKeys(n, ws = WS) {
  for (let i = 0; i < n; i++) {
    await portkey.apiKeys.create({ type: 'organisation', sub_type: 'service', name: `key-${i}`, workspace_id: ws, scopes: [] });
  }
}

/** The requests the mock received since `since` (a count), as { method, path, query }. */
async function requestsSince(since) {
  const { requests } = await mock.requests();
  return requests.slice(since);
}

const count = async () => (await mock.requests()).count;

/** A 200 answer from the mock's fault queue, for pages shaped as a test needs. */
const page = (body, times = 1) => mock.fault({ method: 'GET', path_prefix: '/v1/api-keys', status: 200, body, times });

test('await list(): the first page, as a plain list answer with getHeaders()', async () => {
  await createKeys(3);
  const promise = portkey.apiKeys.list({ workspace_id: WS, page_size: 2 });
  assert.ok(promise instanceof PagePromise);
  assert.ok(promise instanceof Promise);
  const first = await promise;
  assert.equal(first.object, 'list');
  assert.equal(first.total, 3);
  assert.deepEqual(first.data.map((k) => k.name), ['key-0', 'key-1']);
  assert.equal(Object.getPrototypeOf(first), Object.prototype);
  assert.deepEqual(Object.keys(first).sort(), Object.keys(JSON.parse(JSON.stringify(first))).sort());
  assert.ok(!JSON.stringify(first).includes('getNextPage'));
  assert.match(first.getHeaders()['x-request-id'], /\S/);
  // then/catch/finally give plain Promises: only the list call's answer iterates.
  const chained = promise.then((p) => p.total);
  assert.ok(!(chained instanceof PagePromise));
  assert.equal(await chained, 3);
});

test('for await over list(): every item of every page, pages fetched lazily', async () => {
  await createKeys(7);
  const start = await count();
  const seen = [];
  const fetchedAt = [];
  for await (const key of portkey.apiKeys.list({ workspace_id: WS, page_size: 3 })) {
    seen.push(key.name);
    fetchedAt.push((await count()) - start);
  }
  assert.deepEqual(seen, Array.from({ length: 7 }, (_, i) => `key-${i}`));
  // Page 2 is fetched only when page 1's items are used up; 7 items of 3 a page: 3 requests.
  assert.deepEqual(fetchedAt, [1, 1, 1, 2, 2, 2, 3]);
  const sent = await requestsSince(start);
  assert.deepEqual(sent.map((r) => Object.fromEntries(new URLSearchParams(r.query))), [
    { page_size: '3', workspace_id: WS },
    { page_size: '3', workspace_id: WS, current_page: '1' },
    { page_size: '3', workspace_id: WS, current_page: '2' },
  ]);
});

test('the awaited page is async-iterable from itself on; hasNextPage, getNextPage, iterPages', async () => {
  await createKeys(5);
  const first = await portkey.apiKeys.list({ workspaceId: WS, pageSize: 2, currentPage: 1 });
  assert.deepEqual(first.data.map((k) => k.name), ['key-2', 'key-3']);
  assert.equal(first.hasNextPage(), true);
  const names = [];
  for await (const key of first) names.push(key.name);
  assert.deepEqual(names, ['key-2', 'key-3', 'key-4']);

  const second = await first.getNextPage();
  assert.deepEqual(second.data.map((k) => k.name), ['key-4']);
  assert.equal(second.hasNextPage(), false);
  await assert.rejects(second.getNextPage(), (e) => e instanceof PortkeyError && /last page/.test(e.message));

  const pages = [];
  for await (const p of first.iterPages()) pages.push(p.data.length);
  assert.deepEqual(pages, [2, 1]);
});

test('stops at total without asking for an empty page', async () => {
  await createKeys(4);
  const start = await count();
  const all = [];
  for await (const key of portkey.apiKeys.list({ workspace_id: WS, page_size: 2 })) all.push(key);
  assert.equal(all.length, 4);
  assert.equal((await count()) - start, 2);
});

test('without page_size, the first page\'s length is the page size (the server default)', async () => {
  await createKeys(51);
  const start = await count();
  let n = 0;
  for await (const key of portkey.apiKeys.list({ workspace_id: WS })) n += key ? 1 : 0;
  assert.equal(n, 51);
  assert.equal((await count()) - start, 2);
});

test('an empty list: no items, one request', async () => {
  const start = await count();
  const items = [];
  for await (const key of portkey.apiKeys.list({ workspace_id: 'ws-nobody' })) items.push(key);
  assert.deepEqual(items, []);
  assert.equal((await count()) - start, 1);
});

test('stops at a short page or an empty one when the answer has no total', async () => {
  const item = (i) => ({ id: `k${i}`, name: `k${i}` });
  await page({ object: 'list', data: [item(0), item(1)] });
  await page({ object: 'list', data: [item(2)] });
  const start = await count();
  const names = [];
  for await (const key of portkey.apiKeys.list({ page_size: 2 })) names.push(key.name);
  assert.deepEqual(names, ['k0', 'k1', 'k2']);
  assert.equal((await count()) - start, 2);

  await page({ object: 'list', data: [item(0), item(1)] });
  await page({ object: 'list', data: [] });
  const again = [];
  for await (const key of portkey.apiKeys.list({ page_size: 2 })) again.push(key.name);
  assert.deepEqual(again, ['k0', 'k1']);
  assert.equal((await count()) - start, 4);

  // An answer without a data array is an empty page.
  await page({ object: 'list', total: 5 });
  const none = [];
  for await (const key of portkey.apiKeys.list()) none.push(key);
  assert.deepEqual(none, []);
});

test('a failure on a later page throws out of the loop, after the earlier items', async () => {
  await createKeys(5);
  const names = [];
  const loop = async () => {
    for await (const key of portkey.apiKeys.list({ workspace_id: WS, page_size: 2 })) {
      names.push(key.name);
      // Once the first page is in, the next request fails.
      if (names.length === 1) await mock.fault({ method: 'GET', status: 500, times: 1 });
    }
  };
  await assert.rejects(loop, InternalServerError);
  assert.deepEqual(names, ['key-0', 'key-1']);

  const down = new Portkey({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
  await assert.rejects(async () => { for await (const k of down.apiKeys.list()) void k; }, APIConnectionError);
});

test('later pages use the params as they were at the call, and the call\'s options', async () => {
  await createKeys(4);
  const params = { workspace_id: WS, page_size: 2 };
  const promise = portkey.apiKeys.list(params, { headers: { 'x-trace': 'pages' }, timeout: 5000 });
  params.workspace_id = 'ws-other';
  params.page_size = 1;
  const names = [];
  for await (const key of promise) names.push(key.name);
  assert.deepEqual(names, ['key-0', 'key-1', 'key-2', 'key-3']);
});

test('bad params: the PagePromise rejects with InvalidParameterError, nothing is sent', async () => {
  const start = await count();
  const p = portkey.apiKeys.list({ page_size: 'ten' });
  assert.ok(p instanceof PagePromise);
  const err = await p.catch((e) => e);
  assert.equal(err.constructor, InvalidParameterError);
  assert.equal(err.param, 'page_size');
  await assert.rejects(async () => { for await (const k of portkey.apiKeys.list({ page_size: NaN })) void k; }, (e) => e instanceof InvalidParameterError && e.param === 'page_size');
  await assert.rejects(portkey.apiKeys.list('ws-1'), (e) => e instanceof InvalidParameterError && e.param === 'params');
  await assert.rejects(portkey.apiKeys.list({}, { timeout: -1 }), (e) => e instanceof InvalidParameterError && e.param === 'timeout');
  assert.equal((await count()) - start, 0);
});

// The mock's organisation (crates/portkey-mock/src/audit.rs); auditLogs.list requires it.
const ORG = '9d6e2a61-3c1b-4f0e-9a57-0c2f8e4b7d10';
const AUDIT = { start_time: '2000-01-01T00:00:00Z', end_time: '2100-01-01T00:00:00Z', organisation_id: ORG };

test('auditLogs.list pages through `records` (its page model\'s items field), not `data`', async () => {
  await createKeys(7);
  const promise = portkey.auditLogs.list({ ...AUDIT, page_size: 3 });
  assert.ok(promise instanceof PagePromise);
  // The first page as the API sends it: total counts every matching record.
  const first = await promise;
  assert.equal(first.total, 7);
  assert.equal(first.records.length, 3);
  assert.deepEqual(Object.keys(first).sort(), ['object', 'records', 'total']);
  assert.equal(first.hasNextPage(), true);

  const start = await count();
  const seen = [];
  const fetchedAt = [];
  for await (const record of portkey.auditLogs.list({ ...AUDIT, page_size: 3 })) {
    seen.push(record);
    fetchedAt.push((await count()) - start);
  }
  assert.equal(seen.length, 7);
  assert.ok(seen.every((r) => r.method === 'POST' && r.uri.startsWith('/v1/api-keys/')));
  assert.equal(new Set(seen.map((r) => r.request_id)).size, 7);
  // 7 records of 3 a page: 3 requests, each fetched when the previous page is used up.
  assert.deepEqual(fetchedAt, [1, 1, 1, 2, 2, 2, 3]);
  const sent = await requestsSince(start);
  assert.deepEqual(sent.map((r) => new URLSearchParams(r.query).get('current_page')), [null, '1', '2']);

  const pages = [];
  for await (const p of first.iterPages()) pages.push(p.records.length);
  assert.deepEqual(pages, [3, 3, 1]);
  const last = await (await first.getNextPage()).getNextPage();
  assert.equal(last.hasNextPage(), false);
});
