// Runs every case of tests/generated/wire_cases.json (see tests/README.md) through the public
// Node surface: the request the mock records must be exactly the expected one, and every bad
// call must be refused with InvalidParameterError naming the parameter, sending nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Portkey, { InvalidParameterError, PortkeyError } from 'portkey-ai';
import { startMock, repoDir, API_KEY } from './helpers.mjs';

const { cases } = JSON.parse(readFileSync(path.join(repoDir, 'tests', 'generated', 'wire_cases.json'), 'utf8'));

/** The kinds of bad call tests/README.md describes; an unknown one fails the case. */
const PROBLEMS = new Set(['missing', 'wrong_type', 'required_when', 'reversed', 'whole_and_fields', 'required_without']);

/** Parameter names in `param` are the core's; Node spells a few settings differently. */
const nodeParam = { base_url: 'baseURL', max_retries: 'maxRetries', api_key: 'apiKey' };

let mock;
let portkey;
before(async () => {
  mock = await startMock();
  portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
});
after(async () => { await mock?.stop(); });

/** `admin.workspaces.users.update` -> the bound method under the client. */
function method(dotted) {
  const segments = dotted.split('.');
  const name = segments.pop();
  const owner = segments.reduce((o, s) => o?.[s], portkey);
  assert.equal(typeof owner?.[name], 'function', `no method portkey.${dotted}`);
  return owner[name].bind(owner);
}

/** The raw query string as a map: split on `&`, then at the first `=`, both percent-decoded. */
function queryMap(raw) {
  const out = {};
  if (!raw) return out;
  for (const pair of raw.split('&')) {
    const i = pair.indexOf('=');
    const [name, value] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
    const key = decodeURIComponent(name);
    assert.ok(!(key in out), `query parameter ${key} sent twice: ${raw}`);
    out[key] = decodeURIComponent(value);
  }
  return out;
}

/** Calls and returns the error, if any. A paginated list is awaited: its first page only. */
async function outcome(call) {
  try {
    await call();
    return undefined;
  } catch (e) {
    return e;
  }
}

async function checkSent(c, call, how) {
  await mock.reset();
  const err = await outcome(call);
  assert.ok(!(err instanceof InvalidParameterError), `${c.op} ${how}: refused a valid call: ${err?.message}`);
  const { count, requests } = await mock.requests();
  assert.ok(count >= 1, `${c.op} ${how}: nothing was sent (${err?.name}: ${err?.message})`);
  const last = requests.at(-1);
  assert.equal(last.method, c.expect.method, `${c.op} ${how}: method`);
  assert.equal(last.path, c.expect.path, `${c.op} ${how}: path`);
  assert.deepEqual(queryMap(last.query), c.expect.query, `${c.op} ${how}: query (${last.query})`);
  assert.ok('body' in last, 'the mock records the body (GET /__mock/requests)');
  assert.deepEqual(last.body, c.expect.body, `${c.op} ${how}: body`);
}

for (const c of cases) {
  test(`${c.op}: the request on the wire`, async () => {
    await checkSent(c, () => method(c.node)(c.params), 'method(params)');
    if (c.positional) {
      const { [c.positional]: value, ...rest } = c.params;
      await checkSent(c, () => method(c.node)(value, rest), `method(${c.positional}, rest)`);
    }
  });

  if (c.bad.length > 0) {
    test(`${c.op}: bad calls are refused before sending`, async () => {
      for (const bad of c.bad) {
        await mock.reset();
        const err = await outcome(() => method(c.node)(bad.params));
        const what = `${c.op} ${bad.problem} ${bad.param}`;
        assert.ok(PROBLEMS.has(bad.problem), `${what}: unknown problem kind (tests/README.md)`);
        assert.ok(err, `${what}: accepted`);
        if (bad.problem === 'reversed') assert.match(err.message, /is after/, `${what}: ${err.message}`);
        if (bad.problem === 'whole_and_fields') assert.match(err.message, /is the whole body/, `${what}: ${err.message}`);
        assert.equal(err.constructor, InvalidParameterError, `${what}: ${err.name}: ${err.message}`);
        assert.ok(err instanceof PortkeyError);
        assert.equal(err.param, nodeParam[bad.param] ?? bad.param, `${what}: ${err.message}`);
        assert.equal((await mock.requests()).count, 0, `${what}: sent anyway`);
      }
    });
  }
}
