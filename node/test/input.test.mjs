// Hostile or careless input from JavaScript: refused with InvalidParameterError naming the
// parameter, before anything is sent; never a crash, a plain Error or a silent change.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import Portkey, {
  PortkeyError, InvalidParameterError, NotFoundError, APIError,
} from 'portkey-ai';
import { startMock, runNode, API_KEY } from './helpers.mjs';

let mock;
let portkey;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });
beforeEach(async () => {
  await mock.reset();
  portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
});

/** Asserts `fn()` throws (or rejects with) InvalidParameterError naming `param`; returns it. */
async function refused(fn, param, what) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${what}: accepted`);
  assert.equal(err.constructor, InvalidParameterError, `${what}: ${err.name}: ${err.message}`);
  assert.ok(err instanceof PortkeyError && !(err instanceof APIError));
  assert.equal(err.param, param, `${what}: ${err.message}`);
  return err;
}

async function sent(fn) {
  const before = (await mock.requests()).count;
  await fn();
  return (await mock.requests()).count - before;
}

const createParams = (extra = {}) => ({ name: 'k', type: 'organisation', sub_type: 'service', scopes: [], ...extra });

// Out-of-range numbers used to reach `Duration::from_secs_f64` raw: `timeout: 1e300` aborted
// the process ("failed to initiate panic", rc 134), per call it was "Panic in async function",
// and Infinity or 0 silently became a timeout of 0 ns.
test('new Portkey({ timeout: 1e300 }) is an InvalidParameterError, not an abort (child process)', async () => {
  const r = await runNode(['-e', `
    const Portkey = require('portkey-ai');
    for (const timeout of [1e300, Infinity, -Infinity, NaN]) {
      try { new Portkey({ apiKey: 'pk', timeout }); console.log('accepted', timeout); }
      catch (e) { console.log(e.name, e.param); }
    }
  `]);
  assert.equal(r.signal, null, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), Array(4).fill('InvalidParameterError timeout'));
});

test('timeout and maxRetries out of range, at construction: InvalidParameterError naming them', async () => {
  const bad = [
    [{ timeout: 0 }, 'timeout'], [{ timeout: -1 }, 'timeout'], [{ timeout: NaN }, 'timeout'],
    [{ timeout: Infinity }, 'timeout'], [{ timeout: 1e300 }, 'timeout'], [{ timeout: 86_400_001 }, 'timeout'],
    [{ timeout: '5000' }, 'timeout'], [{ timeout: 5000n }, 'timeout'],
    [{ maxRetries: -1 }, 'maxRetries'], [{ maxRetries: 1.5 }, 'maxRetries'], [{ maxRetries: NaN }, 'maxRetries'],
    [{ maxRetries: Infinity }, 'maxRetries'], [{ maxRetries: 2 ** 40 }, 'maxRetries'], [{ maxRetries: 1001 }, 'maxRetries'],
    [{ maxRetries: '2' }, 'maxRetries'],
  ];
  for (const [options, param] of bad) {
    await refused(() => new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, ...options }), param, util.inspect(options));
  }
  // The edges are accepted, and read back as given.
  const edge = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, timeout: 86_400_000, maxRetries: 1000 });
  assert.equal(edge.timeout, 86_400_000);
  assert.equal(edge.maxRetries, 1000);
  assert.equal(new Portkey({ apiKey: API_KEY, timeout: 0.5, maxRetries: 0 }).timeout, 0.5);
});

test('timeout and maxRetries out of range, per call: InvalidParameterError naming them, nothing sent', async () => {
  const bad = [
    [{ timeout: 0 }, 'timeout'], [{ timeout: -1 }, 'timeout'], [{ timeout: NaN }, 'timeout'],
    [{ timeout: Infinity }, 'timeout'], [{ timeout: 1e300 }, 'timeout'], [{ timeout: 86_400_001 }, 'timeout'],
    [{ timeout: '100' }, 'timeout'],
    [{ maxRetries: -1 }, 'maxRetries'], [{ maxRetries: 1.5 }, 'maxRetries'], [{ maxRetries: NaN }, 'maxRetries'],
    [{ maxRetries: 2 ** 40 }, 'maxRetries'], [{ maxRetries: 1001 }, 'maxRetries'],
  ];
  const n = await sent(async () => {
    for (const [options, param] of bad) {
      await refused(() => portkey.apiKeys.list({}, options), param, util.inspect(options));
    }
  });
  assert.equal(n, 0);
  assert.equal((await portkey.apiKeys.list({}, { timeout: 86_400_000, maxRetries: 1000 })).total, 0);
});

test('constructor errors from the core are InvalidParameterErrors in Node spelling', async () => {
  const cases = [
    [{ baseURL: 'ftp://127.0.0.1/v1' }, 'baseURL'],
    [{ baseURL: 'http://127.0.0.1:99999/v1' }, 'baseURL'],
    [{ baseURL: `${mock.baseURL}?x=1` }, 'baseURL'],
    [{ baseURL: 'http://user:TOPSECRET@127.0.0.1:1/v1' }, 'baseURL'],
    [{ baseURL: 42 }, 'baseURL'],
    [{ apiKey: 'pk-TOPSECRET\nx' }, 'apiKey'],
    [{ apiKey: 42 }, 'apiKey'],
    [{ apiKey: 'pk-TOPSECRET\uD800' }, 'apiKey'],
  ];
  for (const [options, param] of cases) {
    const err = await refused(() => new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, ...options }), param, util.inspect(options));
    assert.ok(!err.message.includes('TOPSECRET'), err.message);
    assert.ok(!err.message.includes('base_url') && !err.message.includes('api_key'), `Node spelling: ${err.message}`);
  }
  await refused(() => new Portkey('pk'), 'options', 'a string as options');
});

// JSON.stringify turned NaN/Infinity into null (= not given: the request went out without
// page_size), lone surrogates into U+FFFD or a plain Error, and dropped functions and symbols.
test('params JSON cannot carry: InvalidParameterError naming the (nested) parameter, nothing sent', async () => {
  const cyclic = { name: 'c' };
  cyclic.self = cyclic;
  const cases = [
    [() => portkey.apiKeys.list({ page_size: NaN }), 'page_size'],
    [() => portkey.apiKeys.list({ page_size: Infinity }), 'page_size'],
    [() => portkey.apiKeys.list({ pageSize: -Infinity }), 'pageSize'],
    [() => portkey.apiKeys.list({ page_size: 10n }), 'page_size'],
    [() => portkey.apiKeys.retrieve({ id: 'abc\uD800' }), 'id'],
    [() => portkey.apiKeys.retrieve({ id: '\uDC00abc' }), 'id'],
    [() => portkey.apiKeys.create(createParams({ name: () => 'k' })), 'name'],
    [() => portkey.apiKeys.create(createParams({ description: Symbol('d') })), 'description'],
    [() => portkey.apiKeys.create(createParams({ rate_limits: [{ type: 'requests', unit: 'rpm', value: NaN }] })), 'rate_limits[0].value'],
    [() => portkey.apiKeys.create(createParams({ scopes: ['logs.view', 'x\uD83D'] })), 'scopes[1]'],
    [() => portkey.apiKeys.create(createParams({ usage_limits: { credit_limit: new Number(Infinity) } })), 'usage_limits.credit_limit'],
    [() => portkey.apiKeys.create(createParams({ expires_at: new Date('not a date') })), 'expires_at'],
    [() => portkey.apiKeys.create(createParams({ defaults: { toJSON() { throw new Error('no JSON for you'); } } })), 'defaults'],
    [() => portkey.apiKeys.create(createParams({ defaults: { metadata: { toJSON: () => ({ n: NaN }) } } })), 'defaults.metadata.n'],
    [() => portkey.apiKeys.create(createParams({ defaults: { metadata: cyclic } })), 'defaults.metadata.self'],
  ];
  const n = await sent(async () => {
    for (const [call, param] of cases) {
      const p = call();
      assert.ok(p instanceof Promise, 'errors arrive as rejections');
      const err = await refused(() => p, param, String(call));
      assert.ok(err.message.includes(`'${param}'`), err.message);
    }
  });
  assert.equal(n, 0);
});

test('lone surrogates are found without String.prototype.isWellFormed too (Node 18)', async () => {
  const r = await runNode(['-e', `
    delete String.prototype.isWellFormed;
    const Portkey = require('portkey-ai');
    const portkey = new Portkey({ apiKey: 'pk', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    (async () => {
      for (const id of ['a\\uD800', '\\uDC00b', 'ok-\\u{1F600}']) {
        const e = await portkey.apiKeys.retrieve({ id }).catch((e) => e);
        console.log(e.name, e.param ?? '-');
      }
    })();
  `]);
  assert.equal(r.code, 0, r.stderr);
  // The emoji is well-formed: it is sent (and the closed port refuses the connection).
  assert.deepEqual(r.stdout.trim().split('\n'), ['InvalidParameterError id', 'InvalidParameterError id', 'APIConnectionError -']);
});

test('params with toJSON: a Date is sent as its ISO string, other toJSON results as plain JSON', async () => {
  const key = await portkey.apiKeys.create(createParams({
    expires_at: new Date('2030-01-02T03:04:05Z'),
    defaults: { metadata: { toJSON: () => ({ team: 'x' }) } },
  }));
  const got = await portkey.apiKeys.retrieve({ id: key.id });
  assert.equal(got.expires_at, '2030-01-02T03:04:05.000Z');
  assert.deepEqual(got.defaults.metadata, { team: 'x' });
  // Paired surrogates are fine: the emoji reaches the server.
  const emoji = await portkey.apiKeys.retrieve({ id: 'key-\u{1F600}' }).catch((e) => e);
  assert.ok(emoji instanceof NotFoundError, emoji.message);
});

test('params nested beyond the core\'s JSON limit: InvalidParameterError params, not a plain Error', async () => {
  let deep = 1;
  for (let i = 0; i < 200; i++) deep = [deep];
  await refused(() => portkey.apiKeys.create(createParams({ defaults: { metadata: { deep } } })), 'params', '200 deep');
});

// Headers given as a string or an array went out as headers named 0, 1, ..., and object values
// as "[object Object]".
test('headers: a plain object, Map or Headers of strings, numbers and booleans; anything else refused', async () => {
  const secret = 'Bearer TOPSECRET';
  const bad = [
    'x-trace: 1', ['x-trace', '1'], [['x-trace', '1']], 42, new Set(['x']),
    { 'x-trace': { value: secret } }, { 'x-trace': [secret] }, { 'x-trace': NaN }, { 'x-trace': Infinity },
    { 'x-trace': 5n }, { 'x-trace': () => secret }, { 'x-trace': `${secret}\uD800` },
    new Map([[42, 'x']]), new Map([['x-trace', { secret }]]),
  ];
  const n = await sent(async () => {
    for (const headers of bad) {
      const err = await refused(() => portkey.apiKeys.list({}, { headers }), 'headers', util.inspect(headers));
      assert.ok(!err.message.includes('TOPSECRET'), `the value is never shown: ${err.message}`);
      if (headers && typeof headers === 'object' && !Array.isArray(headers) && !(headers instanceof Set) && typeof headers.get !== 'function') {
        assert.ok(err.message.includes("'x-trace'"), `the header is named: ${err.message}`);
      }
    }
  });
  assert.equal(n, 0);
  for (const headers of [
    { 'x-trace': 't', 'x-n': 1, 'x-b': true, 'x-skip': undefined, 'x-none': null },
    new Map([['x-trace', 't'], ['x-n', 2]]),
    new Headers({ 'x-trace': 't' }),
    Object.assign(Object.create(null), { 'x-trace': 't' }),
  ]) {
    assert.equal((await portkey.apiKeys.list({}, { headers })).total, 0, util.inspect(headers));
  }
});

test('status errors with hostile bodies keep their class and the raw text (no RangeError)', async () => {
  await mock.fault({ method: 'GET', status: 404, nested_depth: 100000 });
  const deep = await portkey.apiKeys.retrieve({ id: 'x' }).catch((e) => e);
  assert.equal(deep.constructor, NotFoundError, deep.message);
  assert.equal(deep.status, 404);
  assert.equal(typeof deep.error, 'string', 'too deep to parse: the raw text');
  assert.equal(deep.error.length, 200000);
  assert.ok(deep.error.startsWith('[[['));
  JSON.stringify(deep); // must not throw
  util.inspect(deep, { depth: Infinity });

  // Shallow nesting is still parsed.
  await mock.fault({ method: 'GET', status: 404, nested_depth: 100 });
  const shallow = await portkey.apiKeys.retrieve({ id: 'x' }).catch((e) => e);
  assert.ok(Array.isArray(shallow.error));

  // Invalid UTF-8 in an error body: still a NotFoundError with the body.
  await mock.fault({ method: 'GET', status: 404, raw_body_base64: 'eyJpZCI6ImsiLCJuYW1lIjoi//4ifQ==' });
  const bytes = await portkey.apiKeys.retrieve({ id: 'x' }).catch((e) => e);
  assert.equal(bytes.constructor, NotFoundError, bytes.message);
  assert.ok(bytes.error !== undefined);

  // Text that is not JSON at all stays text.
  await mock.fault({ method: 'GET', status: 404, raw_body: '<html>gone</html>' });
  const html = await portkey.apiKeys.retrieve({ id: 'x' }).catch((e) => e);
  assert.equal(html.error, '<html>gone</html>');
});
