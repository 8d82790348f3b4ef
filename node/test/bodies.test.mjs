// Answer bodies as the addon hands them to JS (bindings/node/src/text.rs): ASCII as Latin-1,
// anything else decoded as UTF-8.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Portkey from 'portkey-ai';
import { startMock, API_KEY } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

test('ASCII and non-ASCII answers, small and large, read back intact', async () => {
  await mock.reset();
  const portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL });
  const descriptions = ['small', 'small café 😀', 'a'.repeat(200_000), `${'b'.repeat(200_000)} café 😀`];
  for (const description of descriptions) {
    const { id } = await portkey.apiKeys.create({
      name: 'k', type: 'organisation', 'sub-type': 'service', workspace_id: 'ws-1', scopes: ['logs.view'], description,
    });
    const key = await portkey.apiKeys.retrieve({ id });
    assert.equal(key.description, description);
    assert.equal(key.getHeaders()['content-type'], 'application/json');
  }
});
