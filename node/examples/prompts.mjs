// The Portkey docs' prompt snippets, as written there: create a prompt, update it, publish a
// version, list the versions, label one, render it, and run it (plain and streamed). `make demo`
// runs this against the local control plane (its completions are a deterministic message, no
// model provider needed), or run it against Portkey with PORTKEY_API_KEY set and
// PORTKEY_WORKSPACE_ID naming a workspace you may create collections in.
import Portkey, { BadRequestError } from 'portkey-ai';

const portkey = new Portkey(); // reads PORTKEY_API_KEY and PORTKEY_BASE_URL

const workspaceId =
  process.env.PORTKEY_WORKSPACE_ID ?? (await portkey.admin.workspaces.create({ name: 'Prompt lab' })).id;

// Collections hold prompts.
const collection = await portkey.collections.create({
  name: 'Customer Support',
  workspace_id: workspaceId,
});

// Create a prompt
const prompt = await portkey.prompts.create({
  name: 'Support reply',
  collection_id: collection.id,
  string: 'You are a helpful assistant for {{company}}. Help the customer with: {{query}}',
  parameters: { temperature: 0.7, max_tokens: 500 },
  virtual_key: 'openai-virtual-key',
  model: 'gpt-4o',
  version_description: 'Initial version',
});
console.log('created:', prompt.id, prompt.slug);

// Update it: each update is a new version (not published yet).
const updated = await portkey.prompts.update(prompt.slug, {
  string: 'You are a friendly assistant for {{company}}. Answer briefly: {{query}}',
  parameters: { temperature: 0.5, max_tokens: 300 },
  version_description: 'Friendlier and shorter',
});
console.log('new version:', updated.prompt_version_id);

// Publish version 2: completions and render use it from now on.
await portkey.prompts.publish(prompt.slug, { version: 2 });

// Versions
const versions = await portkey.prompts.versions.list(prompt.slug);
for (const version of versions.data) {
  console.log('version', version.prompt_version, '-', version.prompt_description);
}
const retrieved = await portkey.prompts.retrieve(prompt.slug);
console.log('published version:', retrieved.prompt_version, retrieved.string);

// Label a version
const label = await portkey.labels.create({ name: 'production', description: 'What customers see' });
await portkey.prompts.versions.update(prompt.slug, {
  versionId: updated.prompt_version_id,
  label_id: label.id,
});
const labelled = await portkey.prompts.versions.retrieve({
  promptSlug: prompt.slug,
  versionId: updated.prompt_version_id,
});
console.log('labelled version:', labelled.prompt_version, labelled.prompt_version_label_id);

// Render a prompt
const render = await portkey.prompts.render({
  promptID: prompt.slug,
  variables: { company: 'Acme', query: 'Where is my order?' },
});
console.log('rendered:', JSON.stringify(render.data));

// A variable the template needs and the call leaves out
try {
  await portkey.prompts.render({ promptID: prompt.slug, variables: { company: 'Acme' } });
} catch (e) {
  if (!(e instanceof BadRequestError)) throw e;
  console.log('render refused:', e.message);
}

// Prompt completions
const completion = await portkey.prompts.completions.create({
  promptID: prompt.slug,
  variables: { company: 'Acme', query: 'Where is my order?' },
});
console.log('completion:', completion.body.choices[0].message.content);

// Streaming
const stream = await portkey.prompts.completions.create({
  promptID: prompt.slug,
  variables: { company: 'Acme', query: 'Where is my order?' },
  stream: true,
});
process.stdout.write('streamed: ');
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
}
console.log();

// Prompt partials: reusable pieces, included as {{>partial-slug}}
const partial = await portkey.prompts.partials.create({
  name: 'Tone rules',
  string: 'Always answer in a {{tone}} tone.',
});
await portkey.prompts.update(prompt.slug, {
  string: `{{>${partial.slug}}} Customer of {{company}} asks: {{query}}`,
  parameters: { temperature: 0.5 },
});
const rendered = await portkey.prompts.render({
  promptID: `${prompt.slug}@latest`,
  variables: { tone: 'calm', company: 'Acme', query: 'Can I return it?' },
});
console.log('with partial:', JSON.stringify(rendered.data));

// The collection's prompts, then clean up.
for await (const item of portkey.prompts.list({ collection_id: collection.id })) {
  console.log('prompt in collection:', item.slug, item.name);
}
await portkey.prompts.delete(prompt.slug);
await portkey.prompts.partials.delete(partial.slug);
await portkey.labels.delete(label.id);
await portkey.collections.delete(collection.id);
