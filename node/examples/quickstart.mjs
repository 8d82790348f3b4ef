// The README's JavaScript example: `make demo` runs it against the local control plane, or
// run it against Portkey with PORTKEY_API_KEY set.
import Portkey, { NotFoundError } from 'portkey-ai';

const portkey = new Portkey(); // reads PORTKEY_API_KEY and PORTKEY_BASE_URL

const known = await portkey.apiKeys.retrieve({ id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' });
console.log('retrieved:', known.name, known.type, 'key', known.key);

const created = await portkey.apiKeys.create({
  name: 'node-demo',
  type: 'organisation',
  'sub-type': 'service',
  workspace_id: 'ws-myworkspace',
  scopes: ['completions.write'],
});
console.log('created:', created.id, 'secret shown once:', Boolean(created.key));

await portkey.apiKeys.update({
  id: created.id,
  name: 'node-demo-2',
  rate_limits: [{ type: 'requests', unit: 'rpm', value: 100 }],
});
const page = await portkey.apiKeys.list({ pageSize: 10 });
console.log('listed:', page.total, 'keys in total; request id', page.getHeaders()['x-request-id']);

const rotated = await portkey.apiKeys.rotate({ id: created.id });
console.log('rotated: old secret valid until', rotated.key_transition_expires_at);

await portkey.apiKeys.delete({ id: created.id });
try {
  await portkey.apiKeys.retrieve({ id: created.id });
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
  console.log('after delete:', e.name, e.status, e.message);
}

const vk = await portkey.virtualKeys.retrieve({ slug: 'main-openai-4f2a' });
console.log('virtual key:', vk.slug, '->', vk.name);
