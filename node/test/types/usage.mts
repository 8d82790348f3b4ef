// Type-checked with `npm run typecheck` (tsc --noEmit); never run. ESM forms.
import Portkey, { Portkey as Named, NotFoundError, APIStatusError, InvalidParameterError, PortkeyError } from 'portkey-ai';
import type { ApiKey, ApiKeyCreateParams, RequestOptions, ListResponse, APIResponse } from 'portkey-ai';

const portkey: Named = new Portkey({ apiKey: 'pk-...', baseURL: 'http://127.0.0.1:8787/v1', timeout: 5000, maxRetries: 1 });
new Portkey();

const id = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
const key: ApiKey = await portkey.apiKeys.retrieve({ id });
const name: string | undefined = key.name;
const headers: Record<string, string> = (await portkey.apiKeys.retrieve({ id })).getHeaders();

const params: ApiKeyCreateParams = { name: 'ci', type: 'organisation', 'sub-type': 'service', workspace_id: 'ws', scopes: [] };
const created = await portkey.apiKeys.create(params);
const secret: string = created.key;
await portkey.apiKeys.create({ name: 'ci', type: 'workspace', sub_type: 'user', user_id: 'u', workspaceId: 'ws', scopes: ['logs.view'] });
await portkey.apiKeys.create({ name: 'ci', type: 'workspace', subType: 'service', scopes: [], usage_limits: { credit_limit: 10 } });
await portkey.apiKeys.update({ id, name: 'x', rate_limits: [{ type: 'requests', unit: 'rpm', value: 1 }], resetUsage: true });
await portkey.apiKeys.rotate({ id, key_transition_period_ms: 1_800_000 });
await portkey.apiKeys.delete({ id });
const page: APIResponse<ListResponse<ApiKey>> = await portkey.apiKeys.list({ page_size: 10, currentPage: 0 });
const total: number = page.total;
await portkey.apiKeys.list();

const opts: RequestOptions = { timeout: 1000, maxRetries: 0, headers: { 'x-trace': 't' } };
const vk = await portkey.virtualKeys.create({ name: 'v', provider: 'openai', key: 'sk-1' }, opts);
const slug: string = vk.data.slug;
await portkey.virtualKeys.retrieve({ slug });
await portkey.virtualKeys.update({ slug, note: null });
await portkey.virtualKeys.list({ workspace_id: 'ws' });
await portkey.virtualKeys.delete({ slug });

try {
  await portkey.apiKeys.retrieve({ id });
} catch (e) {
  if (e instanceof NotFoundError) {
    const s: number = e.status;
    const rid: string | undefined = e.requestID;
    const h: Record<string, string> = e.headers;
    const body: unknown = e.error;
  } else if (e instanceof APIStatusError) {
    e.status.toFixed();
  } else if (e instanceof InvalidParameterError) {
    const p: string | undefined = e.param;
  }
  const base: PortkeyError = new InvalidParameterError('m', 'p');
}

// @ts-expect-error retrieve needs an id
await portkey.apiKeys.retrieve({});
// @ts-expect-error type is organisation | workspace
await portkey.apiKeys.create({ name: 'x', type: 'team', scopes: [] });
// @ts-expect-error slug must be a string
await portkey.virtualKeys.retrieve({ slug: 1 });
void [name, headers, secret, total];

// Request headers: a plain object, a Map, or a fetch-Headers-like; numbers and booleans allowed.
await portkey.apiKeys.list({}, { headers: { 'x-trace': 't', 'x-n': 1, 'x-b': true, 'x-skip': undefined } });
await portkey.apiKeys.list({}, { headers: new Map([['x-trace', 't']]) });
declare const fetchHeaders: { entries(): IterableIterator<[string, string]> };
await portkey.apiKeys.list({}, { headers: fetchHeaders });
// @ts-expect-error an array of pairs is not headers
await portkey.apiKeys.list({}, { headers: [['x-trace', 't']] });
// @ts-expect-error header values are not objects
await portkey.apiKeys.list({}, { headers: { 'x-trace': { v: 1 } } });
