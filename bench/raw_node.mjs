// The "no SDK at all" Node baseline of `make bench`: `http` with a keep-alive agent + `JSON.parse`.
//
// What a careful hand-written client costs with Node's standard library. Same CLI and output
// line as every contender (bench/run.py), plus `parse_only_ms`: `JSON.parse` alone of the list
// body already in memory.
//
//   node bench/raw_node.mjs --base-url http://127.0.0.1:18080/v1 --calls 3000 --concurrency 16 \
//       --per-caller 300 --list 20
import http from 'node:http';
import { parseArgs } from 'node:util';

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
const url = new URL(a['base-url']);
const agent = new http.Agent({ keepAlive: true });
const headers = { 'x-portkey-api-key': a['api-key'], accept: 'application/json' };

const fetchText = (path) => new Promise((resolve, reject) => {
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + path, agent, headers }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => (res.statusCode === 200
      ? resolve(Buffer.concat(chunks).toString('utf8'))
      : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end();
});
const get = async (path) => JSON.parse(await fetchText(path));
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

for (let i = 0; i < Number(a.warmup); i++) void (await get('/api-keys/x')).name;
let start = performance.now();
for (let i = 0; i < Number(a.calls); i++) void (await get('/api-keys/x')).name;
const result = { sequential_us: ((performance.now() - start) * 1000) / Number(a.calls) };

if (!a['sequential-only']) {
  const concurrency = Number(a.concurrency);
  const perCaller = Number(a['per-caller']);
  const caller = async () => { for (let i = 0; i < perCaller; i++) void (await get('/api-keys/x')).name; };
  start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  result[`concurrent${concurrency}_us`] = ((performance.now() - start) * 1000) / (concurrency * perCaller);

  if (Number(a.list) > 0) {
    const body = await fetchText('/api-keys');
    const lists = [];
    const parses = [];
    for (let i = 0; i < Number(a.list); i++) {
      start = performance.now();
      for (const item of (await get('/api-keys')).data) void item.name;
      lists.push(performance.now() - start);
      start = performance.now();
      for (const item of JSON.parse(body).data) void item.name;
      parses.push(performance.now() - start);
    }
    result.list1000_ms = median(lists);
    result.parse_only_ms = median(parses);
  }
}
console.log(JSON.stringify(result));
agent.destroy();
