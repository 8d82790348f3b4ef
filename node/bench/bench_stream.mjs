// Streamed completions with this package (or with Node's `http` alone), for `make bench`.
//
// bench/stream.py runs it against the nginx stand-in, whose `POST /v1/prompts/{id}/completions`
// answers 1,000 server-sent events then `[DONE]`:
//
//   node node/bench/bench_stream.mjs --base-url http://127.0.0.1:18080/v1 --streams 50 [--raw]
//   -> {"ttfe_us": ..., "stream_us": ..., "events": 1000, "cpu_us_per_event": ...}
//
// Same measures as python/bench/bench_stream.py. `--raw` is the baseline without any SDK: `http`
// with a keep-alive agent, lines split by hand, each event's data parsed with `JSON.parse`.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'base-url': { type: 'string', default: process.env.PORTKEY_BASE_URL ?? 'http://127.0.0.1:18080/v1' },
    'api-key': { type: 'string', default: process.env.PORTKEY_API_KEY ?? 'pk-bench' },
    streams: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
    raw: { type: 'boolean', default: false },
  },
});

async function ours() {
  const { Portkey } = await import('../index.mjs');
  const portkey = new Portkey({ apiKey: args['api-key'], baseURL: args['base-url'] });
  return async () => {
    const start = process.hrtime.bigint();
    let first = 0;
    let events = 0;
    const stream = await portkey.prompts.completions.create({ promptId: 'bench', variables: {}, stream: true });
    for await (const chunk of stream) {
      if (!events) first = Number(process.hrtime.bigint() - start) / 1e3;
      events += 1;
      void chunk.choices;
    }
    return [first, events];
  };
}

function raw() {
  const url = new URL(args['base-url']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ variables: {}, stream: true });
  return () => new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first = 0;
    let events = 0;
    let rest = '';
    const req = http.request({
      host: url.hostname, port: url.port, path: `${url.pathname}/prompts/bench/completions`, method: 'POST', agent,
      headers: { 'x-portkey-api-key': args['api-key'], 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          if (!line.startsWith('data: ')) continue;
          const data = line.slice(6).trim();
          if (data === '[DONE]') continue;
          if (!events) first = Number(process.hrtime.bigint() - start) / 1e3;
          events += 1;
          void JSON.parse(data).choices;
        }
      });
      res.on('end', () => resolve([first, events]));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const one = args.raw ? raw() : await ours();
for (let i = 0; i < Number(args.warmup); i++) await one();
const firsts = [];
const totals = [];
let events = 0;
const cpuStart = process.cpuUsage();
for (let i = 0; i < Number(args.streams); i++) {
  const start = process.hrtime.bigint();
  const [first, n] = await one();
  totals.push(Number(process.hrtime.bigint() - start) / 1e3);
  firsts.push(first);
  events += n;
}
const used = process.cpuUsage(cpuStart);
console.log(JSON.stringify({
  ttfe_us: median(firsts),
  stream_us: median(totals),
  events: Math.floor(events / Number(args.streams)),
  cpu_us_per_event: (used.user + used.system) / Math.max(events, 1),
}));
