// Per-call time of `portkey.apiKeys.retrieve({ id })` with this package, for `make bench`
// (bench/run.py runs it beside the official SDK with the same arguments and procedure).
//
// node node/bench/bench_retrieve.mjs --base-url http://127.0.0.1:18080/v1 --calls 3000 \
//     --concurrency 16 --per-caller 300
// -> {"sequential_us": ..., "concurrent16_us": ...}   (--list N adds list1000_ms; --sequential-only)
import { parseArgs } from 'node:util';
import Portkey from 'portkey-ai';

const { values: a } = parseArgs({
  options: {
    'base-url': { type: 'string', default: process.env.PORTKEY_BASE_URL ?? 'http://127.0.0.1:18080/v1' },
    'api-key': { type: 'string', default: process.env.PORTKEY_API_KEY ?? 'pk-bench' },
    calls: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    'per-caller': { type: 'string', default: '300' },
    warmup: { type: 'string', default: '200' },
    list: { type: 'string', default: '0' },
    'sequential-only': { type: 'boolean', default: false },
  },
});
const calls = Number(a.calls);
const concurrency = Number(a.concurrency);
const perCaller = Number(a['per-caller']);
const warmup = Number(a.warmup);

const portkey = new Portkey({ apiKey: a['api-key'], baseURL: a['base-url'] });

for (let i = 0; i < warmup; i++) await portkey.apiKeys.retrieve({ id: 'x' });

let start = performance.now();
for (let i = 0; i < calls; i++) await portkey.apiKeys.retrieve({ id: 'x' });
const sequentialUs = ((performance.now() - start) * 1000) / calls;
if (a['sequential-only']) {
  console.log(JSON.stringify({ sequential_us: sequentialUs }));
  process.exit(0);
}

// N async callers on one client, each awaiting its calls in turn.
const caller = async () => {
  for (let i = 0; i < perCaller; i++) await portkey.apiKeys.retrieve({ id: 'x' });
};
start = performance.now();
await Promise.all(Array.from({ length: concurrency }, caller));
const concurrentUs = ((performance.now() - start) * 1000) / (concurrency * perCaller);

const result = { sequential_us: sequentialUs, [`concurrent${concurrency}_us`]: concurrentUs };
if (Number(a.list) > 0) {
  // A list of 1,000 keys, each item's name read.
  const times = [];
  for (let i = 0; i < Number(a.list); i++) {
    start = performance.now();
    for (const key of (await portkey.apiKeys.list()).data ?? []) void key.name;
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  result.list1000_ms = times[times.length >> 1];
}
console.log(JSON.stringify(result));
