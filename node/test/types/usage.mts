// Type-checked with `npm run typecheck` (tsc --strict --noEmit); never run. ESM forms.
import Portkey, {
  Portkey as Named, NotFoundError, APIStatusError, InvalidParameterError, PortkeyError, PagePromise,
  AdminWorkspacesUsers,
} from 'portkey-ai';
import type {
  APIKey, ApiKeysCreateParams, RequestOptions, APIKeyList, APIResponse, Page, User, UserList,
  WorkspaceMember, AdminUsersInvitesCreateParams, ConfigsCreateParams, AuditLog, AuditLogList,
} from 'portkey-ai';

const portkey: Named = new Portkey({ apiKey: 'pk-...', baseURL: 'http://127.0.0.1:8787/v1', timeout: 5000, maxRetries: 1 });
new Portkey();

const id = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
const key: APIKey = await portkey.apiKeys.retrieve({ id });
const name: string | null | undefined = key.name;
const headers: Record<string, string> = (await portkey.apiKeys.retrieve({ id })).getHeaders();
const unknownField: unknown = key.some_new_field;

const params: ApiKeysCreateParams = { name: 'ci', type: 'organisation', 'sub-type': 'service', workspace_id: 'ws', scopes: [] };
const created = await portkey.apiKeys.create(params);
const secret: string | null | undefined = created.key;
await portkey.apiKeys.create({ name: 'ci', type: 'workspace', sub_type: 'user', user_id: 'u', workspaceId: 'ws', scopes: ['logs.view'] });
await portkey.apiKeys.create({ name: 'ci', type: 'workspace', subType: 'service', scopes: [], usage_limits: { credit_limit: 10 } });
await portkey.apiKeys.create({ name: 'ci', type: 'workspace', subType: 'service', scopes: [], expires_at: new Date(), extra_field: 1 });
await portkey.apiKeys.update({ id, name: 'x', rate_limits: [{ type: 'requests', unit: 'rpm', value: 1 }], resetUsage: true });
await portkey.apiKeys.rotate({ id, key_transition_period_ms: 1_800_000 });
await portkey.apiKeys.delete({ id });

// A paginated list: awaited, the first page; iterated, every item of every page.
const page: Page<APIKeyList, APIKey> = await portkey.apiKeys.list({ page_size: 10, currentPage: 0 });
const asResponse: APIResponse<APIKeyList> = page;
const total: number | null | undefined = page.total;
const firstName: string | null | undefined = page.data?.[0]?.name;
const more: boolean = page.hasNextPage();
if (more) {
  const next: Page<APIKeyList, APIKey> = await page.getNextPage();
  void next;
}
for await (const p of page.iterPages()) void p.data;
for await (const k of page) {
  const each: APIKey = k;
  void each;
}
for await (const k of portkey.apiKeys.list()) {
  const each: APIKey = k;
  void each;
}
const pending: PagePromise<APIKeyList, APIKey> = portkey.apiKeys.list();
const asPromise: Promise<Page<APIKeyList, APIKey>> = pending;
void asPromise;

const opts: RequestOptions = { timeout: 1000, maxRetries: 0, headers: { 'x-trace': 't' } };
const vk = await portkey.virtualKeys.create({ name: 'v', provider: 'openai', key: 'sk-1' }, opts);
const slug: string | null | undefined = vk.data?.slug;
await portkey.virtualKeys.retrieve({ slug: 'main-openai-4f2a' });
await portkey.virtualKeys.update({ slug: 'main-openai-4f2a', note: null });
await portkey.virtualKeys.list({ workspace_id: 'ws' });
await portkey.virtualKeys.delete({ slug: 'main-openai-4f2a' });

// Admin: the official SDK's paths and parameter names, in either spelling.
const users: Page<UserList, User> = await portkey.admin.users.list({ pageSize: 50, role: 'member' });
for await (const user of portkey.admin.users.list()) {
  const email: string | null | undefined = user.email;
  void email;
}
const user = await portkey.admin.users.retrieve({ userId: 'u-1' });
await portkey.admin.users.retrieve({ user_id: 'u-1' });
await portkey.admin.users.update({ userId: 'u-1', role: 'admin' });
await portkey.admin.users.delete({ user_id: 'u-1' });
const workspace = await portkey.admin.workspaces.create({
  name: 'WORKSPACE 1', description: 'WORKSPACE DESCRIPTION', defaults: { metadata: { environment: 'production' } },
});
const wsId = workspace.id ?? 'ws-1';
await portkey.admin.workspaces.retrieve({ workspaceId: wsId });
await portkey.admin.workspaces.update({ workspaceId: wsId, name: 'WORKSPACE 2' });
for await (const ws of portkey.admin.workspaces.list({ page_size: 10 })) void ws.name;
await portkey.admin.workspaces.users.create({ workspaceId: wsId, users: [{ id: 'u-1', role: 'member' }] });
const member: WorkspaceMember = await portkey.admin.workspaces.users.retrieve({ workspaceId: wsId, userId: 'u-1' });
await portkey.admin.workspaces.users.update({ workspace_id: wsId, user_id: 'u-1', role: 'admin' });
for await (const m of portkey.admin.workspaces.users.list({ workspaceId: wsId })) void m.role;
await portkey.admin.workspaces.users.delete({ workspaceId: wsId, userId: 'u-1' });
await portkey.admin.workspaces.delete({ workspaceId: wsId });
const invite: AdminUsersInvitesCreateParams = {
  email: 'user@example.com', role: 'member', workspaces: [{ id: wsId, role: 'admin' }],
  workspace_api_key_details: { scopes: ['workspaces.list'] },
};
const sent = await portkey.admin.users.invites.create(invite);
await portkey.admin.users.invites.resend({ inviteId: sent.id ?? '' });
await portkey.admin.users.invites.retrieve({ invite_id: 'i-1' });
for await (const i of portkey.admin.users.invites.list({ status: 'pending' })) void i.status;
await portkey.admin.users.invites.delete({ inviteId: 'i-1' });
const nested: AdminWorkspacesUsers = portkey.admin.workspaces.users;

// Configs.
const config: ConfigsCreateParams = { name: 'ConfigName', config: { retry: { attempts: 3 } }, workspace_id: 'ws' };
await portkey.configs.create(config);
await portkey.configs.retrieve({ slug: 'pc-1' });
await portkey.configs.list({ workspace_id: 'ws' });
await portkey.configs.update({ slug: 'pc-1', name: 'n', config: { cache: { mode: 'simple' } }, status: 'active' });
await portkey.configs.versions.list({ slug: 'pc-1' });
await portkey.configs.delete({ id: 'pc-1' });
await portkey.configs.delete({ slug: 'pc-1' });
const auditParams = { start_time: '2026-01-01T00:00:00Z', end_time: '2027-01-01T00:00:00Z', organisation_id: 'org' };
const auditPage: Page<AuditLogList, AuditLog> = await portkey.auditLogs.list(auditParams);
const auditRecords: Array<AuditLog> | null | undefined = auditPage.records;
for await (const record of portkey.auditLogs.list({ ...auditParams, page_size: 50 })) {
  const requestId: string | null | undefined = record.request_id;
}

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
await portkey.apiKeys.create({ name: 'x', type: 'team', sub_type: 'service', scopes: [] });
// @ts-expect-error create needs a sub-type, in one of its spellings
await portkey.apiKeys.create({ name: 'x', type: 'workspace', scopes: [] });
// @ts-expect-error one spelling per parameter, not two
await portkey.admin.users.retrieve({ userId: 'u', user_id: 'u' });
// @ts-expect-error retrieve needs the user's id
await portkey.admin.users.retrieve({});
// @ts-expect-error no such parameter (only create and update take unknown fields)
await portkey.admin.users.list({ page: 1 });
// @ts-expect-error role is admin | member
await portkey.admin.users.invites.create({ email: 'e', role: 'boss', workspaces: [] });
// @ts-expect-error slug must be a string
await portkey.virtualKeys.retrieve({ slug: 1 });
// @ts-expect-error the items of a page are models, not strings
for await (const k of portkey.apiKeys.list()) { const s: string = k; void s; }
// @ts-expect-error a model field may be null or missing
const strict: string = key.name;
void [name, headers, secret, total, unknownField, firstName, asResponse, slug, users, user, member, nested, strict];

// Request headers: a plain object, a Map, or a fetch-Headers-like; numbers and booleans allowed.
await portkey.apiKeys.list({}, { headers: { 'x-trace': 't', 'x-n': 1, 'x-b': true, 'x-skip': undefined } });
await portkey.apiKeys.list({}, { headers: new Map([['x-trace', 't']]) });
declare const fetchHeaders: { entries(): IterableIterator<[string, string]> };
await portkey.apiKeys.list({}, { headers: fetchHeaders });
// @ts-expect-error an array of pairs is not headers
await portkey.apiKeys.list({}, { headers: [['x-trace', 't']] });
// @ts-expect-error header values are not objects
await portkey.apiKeys.list({}, { headers: { 'x-trace': { v: 1 } } });

// Streams: `stream: true` resolves to a Stream of chunks; otherwise one completion.
import type { Stream, PromptCompletion, PromptCompletionChunk } from 'portkey-ai';
const stream: Stream<PromptCompletionChunk> = await portkey.prompts.completions.create({ promptID: 'p', variables: {}, stream: true });
for await (const chunk of stream) { const c: PromptCompletionChunk = chunk; void c; }
stream.controller.abort();
stream.close();
const completion: PromptCompletion = await portkey.prompts.completions.create({ promptID: 'p', variables: {} });
const notStreamed: PromptCompletion = await portkey.prompts.completions.create({ promptID: 'p', variables: {}, stream: false });
declare const flag: boolean;
const either: PromptCompletion | Stream<PromptCompletionChunk> = await portkey.prompts.completions.create({ promptID: 'p', variables: {}, stream: flag });
// @ts-expect-error without stream: true the answer is not a Stream
const wrongStream: Stream<PromptCompletionChunk> = await portkey.prompts.completions.create({ promptID: 'p', variables: {} });
void [completion, notStreamed, either, wrongStream];
