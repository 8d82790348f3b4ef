// Streamed prompt completions (`stream: true`): for await, break, controller.abort(), close(),
// failures thrown out of the loop, and worker threads terminated mid-stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Portkey, { Stream, APIConnectionError, APIResponseValidationError, APITimeoutError, NotFoundError } from 'portkey-ai';
import { startMock, runNode, here, API_KEY } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

const COMPLETIONS = '/v1/prompts/';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function setup(options = {}) {
  await mock.reset();
  const portkey = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL, ...options });
  const collection = await portkey.collections.create({ name: 'streams' });
  const prompt = await portkey.prompts.create({
    name: 'greeter',
    collection_id: collection.id,
    string: 'Hello {{name}}, this is a streamed completion with several chunks in it.',
    parameters: { model: 'gpt-4o', max_tokens: 64 },
    model: 'gpt-4o',
  });
  return { portkey, promptId: prompt.id };
}

const pace = (ms = 100) => mock.fault({ method: 'POST', path_prefix: COMPLETIONS, stream: { pace_ms: ms } });

/** The last request's `stream` info once it shows `want`, polled for up to 3 s. */
async function lastStream(want) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const info = (await mock.requests()).requests.at(-1)?.stream ?? {};
    const ok = Object.entries(want).every(([k, v]) => info[k] === v);
    if (ok || Date.now() >= deadline) {
      assert.ok(ok, `stream info ${JSON.stringify(info)}, want ${JSON.stringify(want)}`);
      return info;
    }
    await sleep(50);
  }
}

const content = (chunks) => chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');

test('for await reads every chunk; the stream ends with [DONE]', async () => {
  const { portkey, promptId } = await setup();
  const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  assert.ok(stream instanceof Stream);
  assert.equal(stream.status, 200);
  assert.match(stream.getHeaders()['content-type'], /^text\/event-stream/);
  assert.ok(stream.controller instanceof AbortController);
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length > 1, `${chunks.length} chunks`);
  assert.equal(chunks[0].object, 'chat.completion.chunk');
  assert.match(content(chunks), /Ada/);
  const info = await lastStream({ finished: true });
  assert.equal(info.events_sent, chunks.length);
  assert.equal(info.client_closed, false);
  assert.throws(() => stream[Symbol.asyncIterator](), /only once/);
});

test('without stream (or with stream: false) the answer is one completion', async () => {
  const { portkey, promptId } = await setup();
  const answer = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Bo' } });
  assert.ok(!(answer instanceof Stream));
  assert.equal(typeof answer, 'object');
  assert.equal(typeof answer.getHeaders, 'function');
  const off = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: false });
  assert.ok(!(off instanceof Stream));
});

test('break out of for await closes the connection', async () => {
  const { portkey, promptId } = await setup();
  await pace();
  const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  for await (const chunk of stream) {
    assert.ok(chunk);
    break;
  }
  const info = await lastStream({ client_closed: true });
  assert.equal(info.finished, false);
});

test('controller.abort() closes the stream and ends a pending read', async () => {
  const { portkey, promptId } = await setup();
  await pace(2000);
  const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  const chunks = [];
  const loop = (async () => { for await (const chunk of stream) chunks.push(chunk); })();
  await sleep(200);
  const started = Date.now();
  stream.controller.abort();
  await loop;
  assert.ok(Date.now() - started < 1000, 'the pending read ended at once');
  assert.equal(chunks.length, 0);
  await lastStream({ client_closed: true });
});

test('close() is idempotent; iterating a closed stream ends at once', async () => {
  const { portkey, promptId } = await setup();
  await pace();
  const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  stream.close();
  stream.close();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(chunks.length, 0);
  await lastStream({ client_closed: true });
});

test('close() or abort() inside the loop ends it, even with more events already received', async () => {
  const { portkey, promptId } = await setup();
  for (const stop of [(s) => s.close(), (s) => s.controller.abort()]) {
    const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      stop(stream);
    }
    assert.equal(chunks.length, 1);
  }
});

test('next() called again before the last one settled: every event once, in order', async () => {
  const { portkey, promptId } = await setup();
  const create = () => portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  const expected = [];
  for await (const chunk of await create()) expected.push(chunk);
  const iterator = (await create())[Symbol.asyncIterator]();
  const results = await Promise.all(Array.from({ length: expected.length + 5 }, () => iterator.next()));
  const chunks = results.filter((r) => !r.done).map((r) => r.value);
  assert.equal(chunks.length, expected.length);
  assert.equal(content(chunks), content(expected));
  assert.ok(results.slice(expected.length).every((r) => r.done));
});

test('an unknown prompt rejects the opening', async () => {
  const { portkey } = await setup({ maxRetries: 0 });
  await assert.rejects(portkey.prompts.completions.create({ promptID: 'no-such-prompt', variables: { name: 'Ada' }, stream: true }), NotFoundError);
});

for (const [name, fault, cls] of [
  ['cut', { cut_after: 1 }, APIConnectionError],
  ['malformed', { malformed_after: 1 }, APIResponseValidationError],
  ['stall', { stall_after: 1, stall_ms: 3000 }, APITimeoutError],
  ['error event', { error_after: 1, message: 'the model went away' }, Portkey.APIError],
]) {
  test(`a failing stream (${name}) throws ${cls.name} out of the loop after the events before it`, async () => {
    const { portkey, promptId } = await setup({ maxRetries: 0, timeout: 500 });
    await mock.fault({ method: 'POST', path_prefix: COMPLETIONS, stream: fault });
    const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
    const chunks = [];
    await assert.rejects(async () => { for await (const chunk of stream) chunks.push(chunk); }, (err) => {
      assert.ok(err instanceof cls, `${err.name}: ${err.message}`);
      if (fault.message) assert.match(err.message, /the model went away/);
      return true;
    });
    assert.equal(chunks.length, 1);
  });
}

test('toReadableStream() gives newline-delimited JSON', async () => {
  const { portkey, promptId } = await setup();
  const stream = await portkey.prompts.completions.create({ promptID: promptId, variables: { name: 'Ada' }, stream: true });
  const text = await new Response(stream.toReadableStream()).text();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 1);
  assert.equal(lines[0].object, 'chat.completion.chunk');
});

test('terminating workers with streams open: no crash, their connections closed', async () => {
  const r = await runNode([path.join(here, 'fixtures', 'stream_workers.cjs'), mock.origin, '2']);
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  const rounds = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(rounds.length, 2, r.stdout);
  for (const round of rounds) {
    assert.ok(round.chunks > 1, 'the main thread streams after the termination');
    assert.ok(round.doomed > 0, 'the workers had streams open');
    assert.equal(round.closed, round.doomed, 'every stream of a terminated worker was closed');
  }
});

test('an abandoned stream is closed when it is garbage-collected', async () => {
  await mock.reset();
  const r = await runNode(['--expose-gc', path.join(here, 'fixtures', 'stream_gc.cjs'), mock.origin]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).finished, false);
});
