// Runs every tests/scenarios/*.json (see tests/README.md) through the public Node surface.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Portkey from 'portkey-ai';
import { startMock, repoDir, API_KEY } from './helpers.mjs';

const scenarioDir = path.join(repoDir, 'tests', 'scenarios');
const files = readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).sort();

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

/** `api_keys.retrieve` -> portkey.apiKeys.retrieve (camelCase each segment). */
function method(client, call) {
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  const segments = call.split('.').map(camel);
  const name = segments.pop();
  const owner = segments.reduce((o, s) => o[s], client);
  assert.equal(typeof owner?.[name], 'function', `no method portkey.${[...segments, name].join('.')}`);
  return owner[name].bind(owner);
}

/**
 * `${var}` as a whole string is replaced by the saved value (whatever its type), `${var}` inside
 * a longer string by its text (a string as it is, anything else as JSON); `{"$repeat": [s, n]}`
 * becomes `s` repeated `n` times. Recursive, as in tests/README.md.
 */
function substitute(value, vars) {
  if (typeof value === 'string') {
    const m = /^\$\{(\w+)\}$/.exec(value);
    if (m) {
      assert.ok(m[1] in vars, `variable ${m[1]} was never saved`);
      return vars[m[1]];
    }
    return value.replace(/\$\{(\w+)\}/g, (_, name) => {
      assert.ok(name in vars, `variable ${name} was never saved`);
      const v = vars[name];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$repeat') {
      const [text, count] = value.$repeat;
      const s = substitute(text, vars);
      assert.equal(typeof s, 'string', '$repeat repeats a string');
      assert.ok(Number.isInteger(count) && count >= 0, '$repeat count is a whole number');
      return s.repeat(count);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  }
  return value;
}

/** Parameter names in `error.param` are the core's; Node spells a few differently. */
const nodeParam = { base_url: 'baseURL', max_retries: 'maxRetries' };

/** The step's client settings as Portkey options (`base_url` replaces the mock's URL). */
function clientOptions(settings) {
  const options = { apiKey: API_KEY, baseURL: settings.base_url ?? mock.baseURL };
  if ('timeout_ms' in settings) options.timeout = settings.timeout_ms;
  if ('max_retries' in settings) options.maxRetries = settings.max_retries;
  return options;
}

/** The step's per-call options as the second argument: `{ headers, timeout, maxRetries }`. */
function callOptions(given) {
  const options = {};
  if ('headers' in given) options.headers = given.headers;
  if ('timeout_ms' in given) options.timeout = given.timeout_ms;
  if ('max_retries' in given) options.maxRetries = given.max_retries;
  return options;
}

/** Dotted path lookup; `{ found, value }` so "present" can tell a missing key from null. */
function lookup(root, dotted) {
  let cur = root;
  for (const seg of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) {
      return { found: false, value: undefined };
    }
    cur = cur[seg];
  }
  return { found: true, value: cur };
}

function check(result, dotted, matcher, vars) {
  const { found, value } = lookup(result, dotted);
  const where = `${dotted} (got ${JSON.stringify(value)})`;
  for (const [kind, raw] of Object.entries(matcher)) {
    const want = substitute(raw, vars);
    switch (kind) {
      case 'equals': assert.deepStrictEqual(value, want, where); break;
      case 'not_equals': assert.notDeepStrictEqual(value, want, where); break;
      case 'matches': assert.match(String(value), new RegExp(want), where); break;
      case 'present': assert.equal(found, want, `${dotted} present`); break;
      case 'length': assert.equal(value?.length, want, `${where} length`); break;
      default: assert.fail(`unknown matcher ${kind}`);
    }
  }
}

/** The concatenation of `events[i].choices[0].delta.content` (missing: ''). */
function contentOf(events) {
  let text = '';
  for (const e of events) {
    const piece = e?.choices?.[0]?.delta?.content;
    if (typeof piece === 'string') text += piece;
  }
  return text;
}

/**
 * `stream: true`: reads the events with `for await`, stopping after `take` of them with `break`
 * (which closes the connection, as a user's loop would). Events land in `events` as they come,
 * so a failure part way keeps those received before it.
 */
async function consume(stream, take, events) {
  assert.ok(stream instanceof Portkey.Stream, `expected a Stream, got ${stream}`);
  if (take !== undefined && take <= 0) {
    stream.close();
    return;
  }
  for await (const item of stream) {
    events.push(item);
    if (take !== undefined && events.length >= take) break;
  }
}

/** `last_request`: the matchers hold for the mock's last logged request, polled for up to 3 s. */
async function checkLastRequest(matchers, vars) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const last = (await mock.requests()).requests.at(-1);
    try {
      for (const [dotted, matcher] of Object.entries(matchers)) check(last, dotted, matcher, vars);
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * One run of a step: builds its client, queues its fault, makes the call (with `iterate`, every
 * item of every page through `for await`, as `{ count, items }`) and checks `error`. Returns the
 * answer, or undefined when the step expected an error.
 */
async function runStep(step, vars, defaultClient) {
  let result;
  let error;
  // Building the client may fail (a bad base URL, timeout or retry count): that failure
  // is the step's outcome, and the step's fault is not queued.
  let client = defaultClient;
  try {
    if (step.client) client = new Portkey(clientOptions(substitute(step.client, vars)));
  } catch (e) {
    error = e;
  }
  if (!error) {
    if (step.fault) await mock.fault(substitute(step.fault, vars));
    const params = substitute(step.params ?? {}, vars);
    if (step.stream) params.stream = true;
    const args = step.options ? [params, callOptions(substitute(step.options, vars))] : [params];
    try {
      if (step.stream) {
        const events = [];
        // The summary is the step's result even when the iteration fails part way.
        result = { count: 0, events, content: '' };
        try {
          await consume(await method(client, step.call)(...args), step.take, events);
        } finally {
          result.count = events.length;
          result.content = contentOf(events);
        }
      } else if (step.iterate) {
        const items = [];
        for await (const item of method(client, step.call)(...args)) items.push(item);
        result = { count: items.length, items };
      } else {
        result = await method(client, step.call)(...args);
      }
    } catch (e) {
      error = e;
    }
  }
  if (step.error) {
    assert.ok(error, `expected ${step.error.class}, got ${JSON.stringify(result)}`);
    assert.equal(error.constructor.name, step.error.class, `${error.name}: ${error.message}`);
    assert.ok(error instanceof Portkey[step.error.class], 'instanceof the exported class');
    if ('status' in step.error) assert.equal(error.status, step.error.status);
    if ('param' in step.error) {
      const want = nodeParam[step.error.param] ?? step.error.param;
      assert.equal(error.param, want, `${error.name}: ${error.message}`);
    }
    if ('message_contains' in step.error) assert.ok(error.message.includes(step.error.message_contains), error.message);
    // A stream that failed part way: `expect` is checked on the events received before it.
    if (step.stream) return result;
  } else if (error) {
    throw error;
  }
  return result;
}

for (const file of files) {
  const scenario = JSON.parse(readFileSync(path.join(scenarioDir, file), 'utf8'));
  test(`${file}: ${scenario.name}`, async (t) => {
    await mock.reset();
    const vars = { mock_base_url: mock.baseURL };
    const defaultClient = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL });
    for (const [i, step] of scenario.steps.entries()) {
      await t.test(`step ${i}: ${step.call}`, async () => {
        const before = (await mock.requests()).count;
        const runs = step.repeat ?? 1;
        let result;
        for (let run = 0; run < runs; run++) {
          // `${i}` is the run's index in a repeated step.
          const stepVars = 'repeat' in step ? { ...vars, i: run } : vars;
          result = await runStep(step, stepVars, defaultClient);
          for (const [dotted, matcher] of Object.entries(step.expect ?? {})) check(result, dotted, matcher, stepVars);
        }
        for (const [name, dotted] of Object.entries(step.save ?? {})) {
          const { found, value } = lookup(result, dotted);
          assert.ok(found, `cannot save ${name}: ${dotted} missing`);
          vars[name] = value;
        }
        const log = await mock.requests();
        if ('sent' in step) assert.equal(log.count - before, step.sent, 'requests the mock received');
        if ('last_path' in step) assert.equal(log.requests.at(-1)?.path, substitute(step.last_path, vars));
        if ('last_request' in step) await checkLastRequest(step.last_request, vars);
      });
    }
  });
}
