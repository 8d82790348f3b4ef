// The CommonJS forms of the docs snippets.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');

let mock;
before(async () => { mock = await (await import('./helpers.mjs')).startMock(); });
after(async () => { await mock?.stop(); });

test('require(): the default export is the class, and carries the named exports', async () => {
  const Portkey = require('portkey-ai');
  const { Portkey: Named, NotFoundError, APIError } = require('portkey-ai');
  assert.equal(Named, Portkey);
  assert.equal(Portkey.default, Portkey);
  assert.ok(new NotFoundError('x') instanceof APIError);
  const portkey = new Portkey({ apiKey: 'pk-cjs', baseURL: mock.baseURL });
  const key = await portkey.apiKeys.create({
    name: 'cjs', type: 'workspace', sub_type: 'service', workspaceId: 'ws-cjs', scopes: [],
  });
  const got = await portkey.apiKeys.retrieve({ id: key.id });
  assert.equal(got.name, 'cjs');
  assert.equal(got.workspace_id, 'ws-cjs');
  await assert.rejects(portkey.apiKeys.retrieve({ id: 'nope' }), NotFoundError);
});

test('require() and import give the same classes', async () => {
  const esm = await import('portkey-ai');
  const cjs = require('portkey-ai');
  assert.equal(esm.default, cjs);
  assert.equal(esm.Portkey, cjs);
  assert.equal(esm.NotFoundError, cjs.NotFoundError);
});
