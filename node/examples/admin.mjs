// The Portkey docs' admin and config snippets, as written there: `make demo` runs this against
// the local control plane, or run it against Portkey with PORTKEY_API_KEY set (an admin key:
// it creates and deletes a workspace, an invite and a config).
import Portkey, { NotFoundError } from 'portkey-ai';

const portkey = new Portkey(); // reads PORTKEY_API_KEY and PORTKEY_BASE_URL

// Users of the organisation: every one, across pages, fetched lazily.
let member;
for await (const user of portkey.admin.users.list({ pageSize: 50 })) {
  console.log('user:', user.email, user.role);
  if (user.role === 'member') member ??= user;
}

const workspace = await portkey.admin.workspaces.create({
  name: 'WORKSPACE 1',
  description: 'WORKSPACE DESCRIPTION',
  defaults: {
    metadata: {
      environment: 'production',
      foo: 'bar',
    },
  },
});
console.log('workspace:', workspace.id, workspace.name);

if (member) {
  await portkey.admin.workspaces.users.create({
    workspaceId: workspace.id,
    users: [{ id: member.id, role: 'member' }],
  });
  await portkey.admin.workspaces.users.update({
    workspaceId: workspace.id,
    userId: member.id,
    role: 'admin',
  });
  const members = await portkey.admin.workspaces.users.list({ workspaceId: workspace.id });
  console.log('members:', members.total, members.data.map((u) => `${u.email} (${u.role})`).join(', '));
  await portkey.admin.workspaces.users.delete({ workspaceId: workspace.id, userId: member.id });
}

const invite = await portkey.admin.users.invites.create({
  email: 'user@example.com',
  role: 'member',
  workspaces: [{ id: workspace.id, role: 'admin' }],
  workspace_api_key_details: {
    scopes: ['workspaces.list', 'logs.export', 'logs.list', 'logs.view'],
  },
});
console.log('invite:', invite.id, invite.invite_link ?? '');
await portkey.admin.users.invites.resend({ inviteId: invite.id });
const invites = await portkey.admin.users.invites.list({ email: 'user@example.com' });
console.log('invites:', invites.total, invites.data.map((i) => i.status).join(', '));
await portkey.admin.users.invites.delete({ inviteId: invite.id });

await portkey.configs.create({
  name: 'ConfigName',
  config: {
    retry: {
      attempts: 3,
    },
    cache: {
      mode: 'simple',
    },
  },
  workspace_id: workspace.id,
});
const configs = await portkey.configs.list({ workspace_id: workspace.id });
const slug = configs.data.find((c) => c.name === 'ConfigName')?.slug;
console.log('config:', slug);
await portkey.configs.update({
  slug,
  name: 'ConfigName-2',
  config: {
    retry: {
      attempts: 5,
    },
  },
});
const config = await portkey.configs.retrieve({ slug });
console.log('config now:', config.data?.name ?? config.name);
const versions = await portkey.configs.versions.list({ slug });
console.log('versions:', versions.total ?? versions.data?.length);
await portkey.configs.delete({ id: slug });

// Every workspace, page by page.
const first = await portkey.admin.workspaces.list({ page_size: 10 });
for await (const page of first.iterPages()) {
  console.log('workspaces page:', page.data.map((w) => w.name).join(', '));
}

await portkey.admin.workspaces.delete({ workspaceId: workspace.id });
try {
  await portkey.admin.workspaces.retrieve({ workspaceId: workspace.id });
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
  console.log('after delete:', e.name, e.status);
}
