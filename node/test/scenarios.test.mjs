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

/** `${var}` as a whole string is replaced by the saved value, anywhere in the value. */
function substitute(value, vars) {
  if (typeof value === 'string') {
    const m = /^\$\{(\w+)\}$/.exec(value);
    if (!m) return value;
    assert.ok(m[1] in vars, `variable ${m[1]} was never saved`);
    return vars[m[1]];
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  }
  return value;
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

for (const file of files) {
  const scenario = JSON.parse(readFileSync(path.join(scenarioDir, file), 'utf8'));
  test(`${file}: ${scenario.name}`, async (t) => {
    await mock.reset();
    const vars = {};
    const defaultClient = new Portkey({ apiKey: API_KEY, baseURL: mock.baseURL });
    for (const [i, step] of scenario.steps.entries()) {
      await t.test(`step ${i}: ${step.call}`, async () => {
        const client = step.client
          ? new Portkey({
            apiKey: API_KEY,
            baseURL: mock.baseURL,
            timeout: step.client.timeout_ms,
            maxRetries: step.client.max_retries,
          })
          : defaultClient;
        if (step.fault) await mock.fault(step.fault);
        const before = (await mock.requests()).count;
        const params = substitute(step.params ?? {}, vars);
        let result;
        let error;
        try {
          result = await method(client, step.call)(params);
        } catch (e) {
          error = e;
        }
        const log = await mock.requests();
        if (step.error) {
          assert.ok(error, `expected ${step.error.class}, got ${JSON.stringify(result)}`);
          assert.equal(error.constructor.name, step.error.class, `${error.name}: ${error.message}`);
          assert.ok(error instanceof Portkey[step.error.class], 'instanceof the exported class');
          if ('status' in step.error) assert.equal(error.status, step.error.status);
          if ('param' in step.error) assert.equal(error.param, step.error.param);
          if ('message_contains' in step.error) assert.ok(error.message.includes(step.error.message_contains), error.message);
        } else if (error) {
          throw error;
        }
        for (const [dotted, matcher] of Object.entries(step.expect ?? {})) check(result, dotted, matcher, vars);
        for (const [name, dotted] of Object.entries(step.save ?? {})) {
          const { found, value } = lookup(result, dotted);
          assert.ok(found, `cannot save ${name}: ${dotted} missing`);
          vars[name] = value;
        }
        if ('sent' in step) assert.equal(log.count - before, step.sent, 'requests the mock received');
        if ('last_path' in step) assert.equal(log.requests.at(-1)?.path, step.last_path);
      });
    }
  });
}
