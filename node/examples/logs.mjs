// The Portkey docs' custom-log and feedback snippets, as written there, then a log export.
// Run it against the local control plane (no Portkey account needed):
//
//   cargo run --release -p portkey-mock -- --port 8787 &
//   PORTKEY_BASE_URL=http://127.0.0.1:8787/v1 node examples/logs.mjs
//
// The snippets pass apiKey: "PORTKEY_API_KEY" as the docs do (the mock takes any key); the
// base URL comes from PORTKEY_BASE_URL.
import Portkey from 'portkey-ai';

// The docs' "Insert a Log" snippet.
const portkey = new Portkey({
  apiKey: "PORTKEY_API_KEY"
});

const request = {
  url: "https://api.someprovider.com/model/generate",
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: { prompt: "What is AI?" }
};
const response = {
  status: 200,
  headers: { "Content-Type": "application/json" },
  body: { response: "AI stands for Artificial Intelligence..." },
  response_time: 123
};
const metadata = {
  user_id: "123",
  user_name: "John Doe"
};

const result = await portkey.logs.create({ request, response, metadata });

console.log(result);

// The docs' feedback snippets ("your trace id" is a trace id of your requests).
// Add the feedback
const feedback = await portkey.feedback.create({
    traceID: "your trace id",
    value: 5, // Integer between -10 and 10
    weight: 1, // Optional
    metadata: {
        _user: "user-1" // Pass any additional context here like comments, _user and more
    }
})
console.log(feedback);

await portkey.feedback.create({
    traceID: "your trace id",
    value: 1
})

const updated = await portkey.feedback.update({
  feedbackId: feedback.feedback_ids[0],
  value: -1,
});
console.log(updated);

// Several at once: the official SDK's feedback.create([...]) sends a broken body; here the
// list goes to the API as the spec says.
const bulk = await portkey.feedback.create([
  { trace_id: "your trace id", value: 1 },
  { trace_id: "another trace id", value: -1, weight: 0.5 },
]);
console.log('bulk:', bulk.feedback_ids);

// A log export: create, start, wait until it has finished, download.
const log = await portkey.logs.retrieve({ logId: result.log_ids[0] });
console.log('log:', log._id, log.created_at, log.response.status);

const exported = await portkey.logs.exports.create({
  filters: { time_of_generation_min: '2020-01-01T00:00:00Z' },
  requestedData: ['id', 'trace_id', 'created_at', 'cost', 'response_status_code'],
  description: 'everything since 2020',
});
console.log('export:', exported.id, 'of', exported.total, 'logs');
await portkey.logs.exports.start({ exportId: exported.id });
const finished = await portkey.logs.exports.waitForCompletion({ exportId: exported.id });
console.log('status:', finished.status);
const { signed_url } = await portkey.logs.exports.download({ exportId: exported.id });
const rows = (await (await fetch(signed_url)).text()).split('\n').filter(Boolean).map(JSON.parse);
console.log('downloaded', rows.length, 'rows, the first:', rows[0]);
