// JobFailedError: what a helper (`logs.exports.waitForCompletion`) rejects with when the job it
// waits on ends in a failed state; the core names the class, the body is the final object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Portkey, { JobFailedError, PortkeyError, APIError } from 'portkey-ai';

const require = createRequire(import.meta.url);
const { fromOutcome } = require('../lib/errors.js');

test('JobFailedError is a PortkeyError carrying the final object', () => {
  const err = fromOutcome({
    ok: false, kind: 'JobFailedError', message: 'logs.exports.wait: failed',
    body: '{"id": "e1", "status": "stopped"}',
  });
  assert.ok(err instanceof JobFailedError);
  assert.ok(err instanceof PortkeyError);
  assert.ok(!(err instanceof APIError));
  assert.equal(err.name, 'JobFailedError');
  assert.deepEqual(err.body, { id: 'e1', status: 'stopped' });
  assert.equal(Portkey.JobFailedError, JobFailedError);
});

test('logs.exports has waitForCompletion and its wait alias', () => {
  const portkey = new Portkey({ apiKey: 'pk-test', baseURL: 'http://127.0.0.1:9/v1' });
  assert.equal(typeof portkey.logs.exports.waitForCompletion, 'function');
  assert.equal(typeof portkey.logs.exports.wait, 'function');
});
