// Type-checked with `npm run typecheck` (tsc --strict --noEmit); never run. CommonJS forms.
import Portkey = require('portkey-ai');
import { Portkey as Named, NotFoundError, APITimeoutError, PagePromise } from 'portkey-ai';

async function main(): Promise<void> {
  const portkey = new Portkey({ apiKey: 'pk-...' });
  const same: Portkey = new Named();
  const key: Portkey.APIKey = await portkey.apiKeys.retrieve({ id: 'x' });
  const err: Portkey.APIError = new Portkey.RateLimitError('slow down');
  const params: Portkey.ApiKeysCreateParams = { name: 'n', type: 'organisation', 'sub-type': 'service', scopes: [] };
  await portkey.apiKeys.create(params);
  try {
    await portkey.virtualKeys.retrieve({ slug: 's' });
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof APITimeoutError) console.log(e.status);
  }

  // Admin, configs and pagination, as the docs write them.
  const workspace = await portkey.admin.workspaces.create({ name: 'WORKSPACE 1', description: 'd' });
  await portkey.admin.workspaces.users.create({ workspaceId: workspace.id ?? '', users: [{ id: 'u', role: 'member' }] });
  await portkey.admin.users.invites.create({ email: 'user@example.com', role: 'member', workspaces: [{ id: 'ws', role: 'admin' }] });
  await portkey.configs.create({ name: 'ConfigName', config: { retry: { attempts: 3 } } });
  const pages: PagePromise<Portkey.UserList, Portkey.User> = portkey.admin.users.list({ page_size: 50 });
  for await (const user of pages) {
    const u: Portkey.User = user;
    void u;
  }
  const first: Portkey.Page<Portkey.WorkspaceList, Portkey.Workspace> = await portkey.admin.workspaces.list();
  const invites: Portkey.AdminUsersInvites = portkey.admin.users.invites;
  const resources: Portkey.PortkeyResources = portkey;
  void [same, key, err, first, invites, resources, Portkey.AdminUsers, Portkey.PagePromise];
}
void main;
