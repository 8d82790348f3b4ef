// A pooled keep-alive connection that the server closed while it was idle never fails the
// next call, GET or POST, even with retries off, and a POST is never sent twice. The mock
// closes its idle connections on demand (`POST /__mock/close-idle`, which answers only once
// they are closed), and its request log numbers the connection of each request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Portkey from 'portkey-ai';
import { startMock, API_KEY } from './helpers.mjs';

// Enough rounds for a race between the close and the next call to show.
const ROUNDS = 20;

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

/**
 * A mock control route on a connection of its own (`agent: false`), closed after the answer,
 * so no kept-alive connection of the test's is among those the mock closes.
 */
function control(method, route) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${mock.origin}/__mock/${route}`, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(text));
        else reject(new Error(`${method} /__mock/${route}: ${res.statusCode} ${text}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const closeIdle = async () => (await control('POST', 'close-idle')).closed;
const logged = async () => (await control('GET', 'requests')).requests;

/** The call's answer, or its failure named with the round and the call. */
async function call(round, what, promise) {
  try {
    return await promise;
  } catch (e) {
    throw new Error(`round ${round}: ${what} failed: ${e.name}: ${e.message}`, { cause: e });
  }
}

const createParams = (name) => ({
  name, type: 'organisation', 'sub-type': 'service', scopes: ['completions.write'],
});

test('calls after the server closed the pooled connection succeed, each sent once', async () => {
  await mock.reset();
  await control('DELETE', 'requests');
  const portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0 });
  // Opens the pooled connection the first close finds.
  const { id } = await portkey.apiKeys.create(createParams('first'));
  for (let round = 0; round < ROUNDS; round++) {
    const start = (await logged()).length;
    assert.ok((await closeIdle()) >= 1, `round ${round}: nothing closed`);
    assert.equal((await call(round, 'GET', portkey.apiKeys.retrieve({ id }))).id, id);
    assert.ok((await closeIdle()) >= 1, `round ${round}: nothing closed`);
    assert.ok((await call(round, 'POST', portkey.apiKeys.create(createParams(`key-${round}`)))).id);
    // The call before the round, then the round's own: each sent once, each after a close on
    // a new connection.
    const entries = (await logged()).slice(start - 1);
    assert.deepEqual(entries.map((r) => r.method), ['POST', 'GET', 'POST'], `round ${round}`);
    const connections = entries.map((r) => r.connection);
    const increasing = connections.every((c, i) => i === 0 || c > connections[i - 1]);
    assert.ok(increasing, `round ${round}: connections ${connections}`);
  }
  const posts = (await logged()).filter((r) => r.method === 'POST');
  assert.equal(posts.length, ROUNDS + 1, 'one key per POST: none was sent twice');
});
