// Type-checked with `npm run typecheck`; never run. CommonJS forms.
import Portkey = require('portkey-ai');
import { Portkey as Named, NotFoundError, APITimeoutError } from 'portkey-ai';

async function main(): Promise<void> {
  const portkey = new Portkey({ apiKey: 'pk-...' });
  const same: Portkey = new Named();
  const key: Portkey.ApiKey = await portkey.apiKeys.retrieve({ id: 'x' });
  const err: Portkey.APIError = new Portkey.RateLimitError('slow down');
  const params: Portkey.ApiKeyCreateParams = { name: 'n', type: 'organisation', 'sub-type': 'service', scopes: [] };
  await portkey.apiKeys.create(params);
  try {
    await portkey.virtualKeys.retrieve({ slug: 's' });
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof APITimeoutError) console.log(e.status);
  }
  void [same, key, err];
}
void main;
