// The Portkey docs' integration and provider snippets, as written there: `make demo` runs this
// against the local control plane (started with examples/fixtures.json), or run it against
// Portkey with PORTKEY_API_KEY set (an admin key, and the workspace `ws-myworkspace`): it
// deletes what it creates.
import Portkey, { NotFoundError } from 'portkey-ai';

const portkey = new Portkey(); // reads PORTKEY_API_KEY and PORTKEY_BASE_URL

// Integrations: the provider key is stored once and only ever shown masked.
const integration = await portkey.integrations.create({
  name: 'Production OpenAI',
  ai_provider_id: 'openai',
  key: 'sk-proj-example-key-1234',
  description: 'Production OpenAI integration for customer-facing applications',
});
const slug = integration.slug;
console.log('integration:', slug);

const details = await portkey.integrations.retrieve({ slug });
console.log('masked key:', details.masked_key);

await portkey.integrations.update({ slug, description: 'Shared by the platform team' });

for await (const item of portkey.integrations.list({ type: 'organisation' })) {
  console.log('listed:', item.slug, item.ai_provider_id);
}

// Models the integration allows.
await portkey.integrations.models.update({
  slug,
  allow_all_models: false,
  models: [
    { slug: 'gpt-4o', enabled: true },
    { slug: 'gpt-4o-mini', enabled: false },
  ],
});
const models = await portkey.integrations.models.list({ slug });
for (const model of models.models ?? []) {
  console.log('model:', model.slug, model.enabled ? 'enabled' : 'disabled');
}

// Workspaces that may use it (each newly enabled one gets a default provider).
await portkey.integrations.workspaces.update({
  slug,
  workspaces: [
    {
      id: 'ws-myworkspace',
      enabled: true,
      usage_limits: [{ type: 'cost', credit_limit: 100, periodic_reset: 'monthly' }],
    },
  ],
});
const access = await portkey.integrations.workspaces.list({ slug });
console.log('workspaces with access:', access.total);

// Providers: a workspace's named use of the integration.
const provider = await portkey.providers.create({
  name: 'My first provider',
  integration_id: slug,
  workspace_id: 'ws-myworkspace',
  note: 'Provider description',
  usage_limits: { credit_limit: 10, periodic_reset: 'monthly', alert_threshold: 9 },
});
console.log('provider:', provider.slug);

await portkey.providers.update({ slug: provider.slug, workspace_id: 'ws-myworkspace', note: 'Updated note' });
const retrieved = await portkey.providers.retrieve({ slug: provider.slug, workspace_id: 'ws-myworkspace' });
console.log('provider note:', retrieved.note, 'on', retrieved.integration_id);

for await (const item of portkey.providers.list({ workspace_id: 'ws-myworkspace' })) {
  console.log('provider listed:', item.slug, item.status);
}

await portkey.providers.delete({ slug: provider.slug, workspace_id: 'ws-myworkspace' });
await portkey.integrations.delete({ slug });
try {
  await portkey.integrations.retrieve({ slug });
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
  console.log('integration gone:', e.status);
}
