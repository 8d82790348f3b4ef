// Behaviour of the public surface beyond the shared scenarios.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import path from 'node:path';
import Portkey, * as named from 'portkey-ai';
import {
  Portkey as NamedPortkey, PortkeyError, APIError, APIStatusError, BadRequestError,
  AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
  UnprocessableEntityError, RateLimitError, InternalServerError, APIConnectionError,
  APITimeoutError, APIResponseValidationError, InvalidParameterError,
} from 'portkey-ai';
import { startMock, runNode, here, API_KEY } from './helpers.mjs';

let mock;
let portkey;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });
beforeEach(async () => {
  await mock.reset();
  portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL });
});

const newKey = (client, extra = {}) => client.apiKeys.create({
  name: 'k', type: 'organisation', 'sub-type': 'service', workspace_id: 'ws-1', scopes: ['logs.view'], ...extra,
});

test('ESM: default and named imports are the same class', () => {
  assert.equal(NamedPortkey, Portkey);
  assert.equal(named.default, Portkey);
  assert.equal(typeof portkey.apiKeys.retrieve, 'function');
  assert.equal(typeof portkey.virtualKeys.retrieve, 'function');
});

test('docs snippets run as written, with every spelling of sub-type and workspace id', async () => {
  for (const [sub, ws] of [['sub-type', 'workspace_id'], ['sub_type', 'workspaceId'], ['subType', 'workspace_id']]) {
    const key = await portkey.apiKeys.create({ name: sub, type: 'organisation', [sub]: 'service', [ws]: 'ws-x', scopes: ['completions.write'] });
    const got = await portkey.apiKeys.retrieve({ id: key.id });
    assert.equal(got.name, sub);
    assert.equal(got.type, 'organisation-service');
    assert.equal(got.workspace_id, 'ws-x');
  }
  const listed = await portkey.apiKeys.list({ workspaceId: 'ws-x', pageSize: 2 });
  assert.equal(listed.total, 3);
  assert.equal(listed.data.length, 2);
  const vk = await portkey.virtualKeys.create({ name: 'v', provider: 'openai', key: 'sk-1' });
  const slug = vk.data.slug;
  assert.equal((await portkey.virtualKeys.retrieve({ slug })).name, 'v');
});

test('undefined values are stripped, not sent as null', async () => {
  const key = await newKey(portkey, { description: undefined, user_id: undefined });
  const got = await portkey.apiKeys.retrieve({ id: key.id, extra: undefined });
  assert.equal(got.id, key.id);
});

test('top-level await in an .mjs (child process, key and URL from the environment)', async () => {
  const r = await runNode([path.join(here, 'fixtures', 'tla.mjs')], {
    env: { PORTKEY_API_KEY: API_KEY, PORTKEY_BASE_URL: mock.baseURL },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).name, 'tla');
});

test('16 concurrent promises on one client', async () => {
  const key = await newKey(portkey);
  const results = await Promise.all(Array.from({ length: 16 }, () => portkey.apiKeys.retrieve({ id: key.id })));
  assert.equal(results.length, 16);
  for (const r of results) assert.equal(r.id, key.id);
  const mixed = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => portkey.apiKeys.retrieve({ id: i % 2 ? key.id : 'missing' })));
  assert.equal(mixed.filter((r) => r.status === 'fulfilled').length, 8);
  assert.ok(mixed.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof NotFoundError));
});

test('the event loop keeps running while a call waits', async () => {
  const key = await newKey(portkey);
  await mock.fault({ method: 'GET', delay_ms: 600, times: 1 });
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 10);
  const start = Date.now();
  const got = await portkey.apiKeys.retrieve({ id: key.id });
  clearInterval(timer);
  assert.equal(got.id, key.id);
  assert.ok(Date.now() - start >= 550, 'the fault delayed the call');
  assert.ok(ticks >= 25, `only ${ticks} ticks of 10 ms during a 600 ms call`);
});

test('the API key never shows in inspect, JSON or error messages', async () => {
  const secret = 'pk-live-TOPSECRET-0123456789';
  const client = new Portkey({ apiKey: secret, baseURL: mock.baseURL, maxRetries: 0 });
  for (const shown of [
    util.inspect(client, { showHidden: true, depth: Infinity }),
    util.inspect(client.apiKeys, { showHidden: true, depth: Infinity }),
    JSON.stringify(client),
    String(client),
  ]) {
    assert.ok(!shown.includes('TOPSECRET'), shown);
  }
  assert.match(util.inspect(client), /baseURL/);
  const errs = [];
  await client.apiKeys.retrieve({ id: 'missing' }).catch((e) => errs.push(e));
  await client.apiKeys.retrieve({ id: '' }).catch((e) => errs.push(e));
  await mock.fault({ method: 'GET', status: 401, times: 1 });
  await client.apiKeys.retrieve({ id: 'x' }).catch((e) => errs.push(e));
  const bad = new Portkey({ apiKey: secret, baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
  await bad.apiKeys.list().catch((e) => errs.push(e));
  try { new Portkey({ apiKey: secret, baseURL: 'ftp://nope' }); } catch (e) { errs.push(e); }
  assert.equal(errs.length, 5);
  for (const e of errs) {
    assert.ok(!util.inspect(e, { showHidden: true, depth: Infinity }).includes('TOPSECRET'), util.inspect(e));
    assert.ok(!JSON.stringify(e).includes('TOPSECRET'));
  }
});

test('responses are plain objects with a non-enumerable getHeaders()', async () => {
  const key = await newKey(portkey);
  const got = await portkey.apiKeys.retrieve({ id: key.id });
  assert.equal(Object.getPrototypeOf(got), Object.prototype);
  assert.ok(!Object.keys(got).includes('getHeaders'));
  assert.ok(!JSON.stringify(got).includes('getHeaders'));
  assert.deepEqual(JSON.parse(JSON.stringify(got)), { ...got });
  const headers = got.getHeaders();
  assert.match(headers['content-type'], /application\/json/);
  assert.ok(headers['x-request-id']);
  assert.equal(got.getHeaders(), headers, 'parsed once');
});

test('status errors: class by status, with status, headers, error body, requestID, message', async () => {
  const client = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
  const table = [
    [400, BadRequestError], [401, AuthenticationError], [403, PermissionDeniedError],
    [404, NotFoundError], [409, ConflictError], [422, UnprocessableEntityError],
    [429, RateLimitError], [500, InternalServerError], [503, InternalServerError], [418, APIStatusError],
  ];
  for (const [status, Cls] of table) {
    await mock.fault({ method: 'GET', status, times: 1, body: { success: false, data: { message: `boom ${status}` } } });
    const err = await client.apiKeys.list().then(() => assert.fail('resolved'), (e) => e);
    assert.equal(err.constructor, Cls, `${status} -> ${err.name}`);
    for (const Base of [APIStatusError, APIError, PortkeyError, Error]) assert.ok(err instanceof Base);
    assert.equal(err.status, status);
    assert.equal(err.name, Cls.name);
    assert.deepEqual(err.error, { success: false, data: { message: `boom ${status}` } });
    assert.match(err.message, new RegExp(`${status}.*boom ${status}`));
    assert.equal(typeof err.headers, 'object');
    assert.ok(err.requestID, 'request id from x-request-id');
    assert.equal(err.requestID, err.headers['x-request-id']);
  }
  // A real 404 from the mock.
  const nf = await client.apiKeys.retrieve({ id: 'missing' }).catch((e) => e);
  assert.ok(nf instanceof NotFoundError);
  assert.equal(nf.status, 404);
});

test('connection, timeout and validation errors', async () => {
  const down = new Portkey({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
  const conn = await down.apiKeys.list().catch((e) => e);
  assert.equal(conn.constructor, APIConnectionError);
  assert.ok(conn instanceof APIError);
  assert.equal(conn.status, undefined);

  await mock.fault({ method: 'GET', delay_ms: 1000, times: 1 });
  const slow = await portkey.apiKeys.list({}, { timeout: 100, maxRetries: 0 }).catch((e) => e);
  assert.equal(slow.constructor, APITimeoutError);
  assert.ok(slow instanceof APIConnectionError);

  await mock.fault({ method: 'GET', malformed: true, times: 1 });
  const bad = await portkey.apiKeys.list().catch((e) => e);
  assert.equal(bad.constructor, APIResponseValidationError);
  assert.ok(bad instanceof APIError);
});

test('per-call maxRetries overrides the client', async () => {
  await mock.fault({ method: 'GET', status: 503, times: 5, retry_after: '0' });
  const before = (await mock.requests()).count;
  const err = await portkey.apiKeys.list({}, { maxRetries: 0, headers: { 'x-trace': 't1', skip: undefined } }).catch((e) => e);
  assert.ok(err instanceof InternalServerError);
  assert.equal((await mock.requests()).count - before, 1);
});

test('InvalidParameterError names the parameter and nothing is sent', async () => {
  const before = (await mock.requests()).count;
  const cases = [
    [() => portkey.apiKeys.retrieve({ id: '' }), 'id'],
    [() => portkey.apiKeys.retrieve({}), 'id'],
    [() => portkey.apiKeys.retrieve('some-id'), 'params'],
    [() => portkey.apiKeys.create({ name: 'x', type: 'team', 'sub-type': 'service', scopes: [] }), 'type'],
    [() => portkey.apiKeys.list({ page_size: 'ten' }), 'page_size'],
    [() => portkey.virtualKeys.retrieve({ slug: 42 }), 'slug'],
    [() => portkey.apiKeys.list({}, { timeout: -1 }), 'timeout'],
    [() => portkey.apiKeys.list({}, { headers: { 'bad name': 'x' } }), 'headers'],
    [() => portkey.apiKeys.list({}, { headers: { 'x-ok': 'line\nbreak' } }), 'headers'],
  ];
  for (const [call, param] of cases) {
    const p = call();
    assert.ok(p instanceof Promise, 'errors arrive as rejections');
    const err = await p.catch((e) => e);
    assert.equal(err.constructor, InvalidParameterError, `${err.name}: ${err.message}`);
    assert.ok(err instanceof PortkeyError);
    assert.ok(!(err instanceof APIError));
    assert.equal(err.param, param, err.message);
  }
  assert.equal((await mock.requests()).count, before);
});

test('a missing API key is a PortkeyError at construction', async () => {
  const r = await runNode(['-e', `
    const Portkey = require('portkey-ai');
    try { new Portkey(); console.log('constructed?!'); }
    catch (e) { console.log(JSON.stringify({ name: e.name, pk: e instanceof Portkey.PortkeyError, message: e.message })); }
  `], { env: { PORTKEY_API_KEY: '' } });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.name, 'PortkeyError');
  assert.ok(out.pk);
  assert.match(out.message, /API key is missing.*PORTKEY_API_KEY/);
});

test('the User-Agent names the package, node and its version', async () => {
  await portkey.apiKeys.list();
  const { requests } = await mock.requests();
  const ua = requests.at(-1).user_agent;
  assert.ok(ua.includes(`node/${process.version}`), ua);
  assert.match(ua, /^portkey-ai\/\d+\.\d+\.\d+/);
  assert.equal(requests.at(-1).api_key_present, true);
});

test('the process exits promptly after its last call (success and failure)', async () => {
  for (const mode of ['ok', 'fail']) {
    const r = await runNode([path.join(here, 'fixtures', 'one_call.cjs'), mode], {
      env: { PORTKEY_API_KEY: API_KEY, PORTKEY_BASE_URL: mock.baseURL },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, mode === 'ok' ? /^ok 0/ : /^err NotFoundError/);
    assert.ok(r.ms < 2000, `took ${r.ms} ms to exit`);
  }
});

test('a Rust panic rejects the Promise instead of killing the process', async () => {
  const r = await runNode([path.join(here, 'fixtures', 'panic.cjs')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /rejected: .*deliberate panic/);
  assert.match(r.stdout, /still alive/);
});

test('every core operation has a method returning a Promise', async () => {
  const { operations } = await import('../lib/native.js').then((m) => m.default ?? m);
  const portkey = new Portkey({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
  const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const names = operations().map((op) => op.name);
  assert.ok(names.includes('api_keys.rotate'), names.join(', '));
  for (const name of names) {
    const parts = name.split('.').map(camel);
    const owner = parts.slice(0, -1).reduce((o, p) => o?.[p], portkey);
    const method = owner?.[parts.at(-1)];
    assert.equal(typeof method, 'function', `${parts.join('.')} is missing`);
    // Bad input is refused before sending, so this settles at once without a server.
    const pending = method.call(owner, { '': 1 });
    assert.ok(pending instanceof Promise, name);
    await assert.rejects(pending, named.PortkeyError);
  }
});

test('the generated .d.ts shows the core\'s summary above every method', async () => {
  const { readFile } = await import('node:fs/promises');
  const { operations } = await import('../lib/native.js').then((m) => m.default ?? m);
  const dts = await readFile(path.join(here, '..', 'types', 'resources.d.ts'), 'utf8');
  const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  for (const { name, summary } of operations()) {
    const method = camel(name.split('.').at(-1));
    assert.ok(dts.includes(`  /** ${summary} */\n  ${method}(`), `${name}: "${summary}" is not above ${method}( in types/resources.d.ts`);
  }
});

test('two positional ids: versions.retrieve(promptSlug, versionId) as the official Node SDK calls it', async () => {
  const ws = await portkey.admin.workspaces.create({ name: 'positional' });
  const collection = await portkey.collections.create({ name: 'positional', workspaceId: ws.id });
  const prompt = await portkey.prompts.create({
    name: 'Two ids', collectionId: collection.id, string: 'Hi {{name}}', parameters: {}, model: 'gpt-4o',
  });
  const v2 = (await portkey.prompts.update(prompt.slug, { string: 'Hello {{name}}', parameters: {} })).prompt_version_id;
  // Both ids, the first alone with the second in params, and one params object: the same version.
  const forms = [
    await portkey.prompts.versions.retrieve(prompt.slug, v2),
    await portkey.prompts.versions.retrieve(prompt.slug, { versionId: v2 }),
    await portkey.prompts.versions.retrieve({ promptSlug: prompt.slug, versionId: v2 }),
  ];
  for (const got of forms) assert.equal(got.string, 'Hello {{name}}');
  const label = await portkey.labels.create({ name: 'positional-label' });
  await portkey.prompts.versions.update(prompt.slug, v2, { labelId: label.id });
  assert.equal((await portkey.prompts.versions.retrieve(prompt.slug, v2)).prompt_version_label_id, label.id);
  // An id given twice (argument and params) is refused before sending, naming it.
  const before = (await mock.requests()).count;
  const err = await portkey.prompts.versions.retrieve(prompt.slug, v2, { versionId: v2 }).catch((e) => e);
  assert.equal(err.constructor, InvalidParameterError, err.message);
  assert.equal(err.param, 'versionId');
  assert.match(err.message, /given twice, as the second argument/);
  assert.equal((await mock.requests()).count, before);
});

test('index.d.ts (CommonJS types) names every export of the ESM types', async () => {
  const { readFile } = await import('node:fs/promises');
  const read = (f) => readFile(path.join(here, '..', f), 'utf8');
  const cjs = await read('index.d.ts');
  for (const file of ['types/portkey.d.ts', 'types/resources.d.ts']) {
    const exported = [...(await read(file)).matchAll(/^export (?:declare )?(?:class|interface|type) (\w+)/gm)].map((m) => m[1]);
    assert.ok(exported.length > 10, file);
    for (const name of new Set(exported)) {
      assert.ok(cjs.includes(`  export import ${name} = `), `${name} (${file}) is missing from index.d.ts`);
    }
  }
});

test('every exported resource class is exported by both entries, and the client attaches the top level', async () => {
  const { classes, topLevel } = (await import('../lib/resources/index.js')).default;
  const cjs = (await import('node:module')).createRequire(import.meta.url)('portkey-ai');
  for (const [name, cls] of Object.entries(classes)) {
    assert.equal(named[name], cls, `ESM export ${name}`);
    assert.equal(cjs[name], cls, `CJS export ${name}`);
  }
  for (const [prop, className] of topLevel) assert.ok(portkey[prop] instanceof classes[className], prop);
  assert.equal(named.PagePromise, cjs.PagePromise);
});

test('require() loads no resource module until a resource is used, and keeps each on its client', async () => {
  const script = `
    const Portkey = require('portkey-ai');
    const loaded = () => Object.keys(require.cache).filter((f) => /lib[\\/]resources[\\/](?!index)/.test(f)).length;
    const before = loaded();
    const client = new Portkey({ apiKey: 'pk-x', baseURL: 'http://127.0.0.1:9/v1' });
    const constructed = loaded();
    const keys = client.apiKeys;
    console.log(JSON.stringify([before, constructed, loaded(), keys === client.apiKeys, Object.keys(client)]));
  `;
  const { code, stdout, stderr } = await runNode(['-e', script]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), [0, 0, 1, true, ['apiKeys']]);
});

test('positional forms: method(id, params?, options?) joins the id to the params, checked like one', async () => {
  // What a generated `method(id, params, options)` does when the overlay names a `positional`
  // parameter: `_call(op, params, options, [name, id])` (and `_list` for paginated lists).
  const key = await newKey(portkey, { name: 'positional' });
  const got = await portkey._call('api_keys.retrieve', undefined, undefined, ['id', key.id]);
  assert.equal(got.name, 'positional');
  await portkey._call('api_keys.update', { name: 'renamed' }, { maxRetries: 0 }, ['id', key.id]);
  assert.equal((await portkey.apiKeys.retrieve({ id: key.id })).name, 'renamed');
  const before = (await mock.requests()).count;
  for (const [params, positional, param] of [
    [{ id: key.id }, ['id', key.id], 'id'],
    [{ keyTransitionPeriodMs: 1 }, ['key_transition_period_ms', 'x'], 'keyTransitionPeriodMs'],
    [undefined, ['id', 'bad\uD800'], 'id'],
    ['not an object', ['id', key.id], 'params'],
  ]) {
    const err = await portkey._call('api_keys.rotate', params, undefined, positional).catch((e) => e);
    assert.equal(err.constructor, InvalidParameterError, err.message);
    assert.equal(err.param, param, err.message);
  }
  assert.equal((await mock.requests()).count, before);
  const pages = [];
  for await (const k of portkey._list('api_keys.list', { page_size: 1 }, undefined, ['workspace_id', 'ws-1'])) pages.push(k.workspace_id);
  assert.deepEqual(pages, ['ws-1']);
});
