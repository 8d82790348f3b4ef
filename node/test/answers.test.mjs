// 2xx bodies that are not JSON: JSON.parse proves the syntax, the core checks the depth and
// names what is wrong; the caller always gets an APIResponseValidationError (as in Python:
// python/tests/test_native_json.py).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Portkey, { APIResponseValidationError } from 'portkey-ai';
import { startMock, API_KEY } from './helpers.mjs';

let mock;
let portkey;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });
beforeEach(async () => {
  await mock.reset();
  portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
});

// Not JSON (NaN and Infinity included, which JSON does not have).
const MALFORMED = [
  '{"a": 01}', '{"a": 1.}', '{"a": .5}', '{"a": +1}', '{"a": 1e}', '{"a": -}', '{"a": 1-2}',
  '{"a": "tab\there"}', '{"a": "x\\q"}', '{"a": "\\u12"}', '{"a": "open', '{"a": [1,]}',
  '{"a": 1,}', '{"a" 1}', '{1: 2}', '{"a": tru}', '{"a": nul', '{} {}', '{"a": 1]',
  '{"a": NaN}', '{"a": Infinity}', '{"a": "ends in a backslash\\',
];

test('a malformed 2xx body is an APIResponseValidationError the core names', async () => {
  for (const body of MALFORMED) {
    await mock.fault({ method: 'GET', times: 1, status: 200, raw_body: body });
    const err = await portkey.apiKeys.retrieve({ id: 'k' }).catch((e) => e);
    assert.equal(err.constructor, APIResponseValidationError, `${body}: ${err}`);
    assert.equal(err.status, 200, body);
    assert.match(err.message, /line 1 column/, body);
    assert.equal(err.error, body, body);
  }
});

test('nesting is bounded at 127 levels', async () => {
  const deepest = `{"a": ${'['.repeat(126)}${']'.repeat(126)}}`;
  await mock.fault({ method: 'GET', times: 1, status: 200, raw_body: deepest });
  assert.deepEqual({ ...(await portkey.apiKeys.retrieve({ id: 'k' })) }, JSON.parse(deepest));
  const tooDeep = `{"a": ${'['.repeat(127)}${']'.repeat(127)}}`;
  await mock.fault({ method: 'GET', times: 1, status: 200, raw_body: tooDeep });
  const err = await portkey.apiKeys.retrieve({ id: 'k' }).catch((e) => e);
  assert.equal(err.constructor, APIResponseValidationError);
  assert.match(err.message, /127 levels/);
  // Brackets inside strings do not nest.
  const quoted = `{"a": "${'['.repeat(500)}"}`;
  await mock.fault({ method: 'GET', times: 1, status: 200, raw_body: quoted });
  assert.equal((await portkey.apiKeys.retrieve({ id: 'k' })).a, '['.repeat(500));
});
