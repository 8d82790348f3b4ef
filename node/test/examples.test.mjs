// The examples (the docs' snippets, as written there) run unchanged against the mock, loaded
// with the demo's fixtures as `make demo` does.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startMock, runNode, packageDir, repoDir } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock(['--fixtures', path.join(repoDir, 'examples', 'fixtures.json')]); });
after(async () => { await mock?.stop(); });
beforeEach(async () => { await mock.reset(); });

for (const example of ['quickstart.mjs', 'admin.mjs', 'integrations.mjs']) {
  test(`examples/${example} runs against the mock`, async () => {
    const r = await runNode([path.join(packageDir, 'examples', example)], {
      env: { PORTKEY_API_KEY: 'pk-local-demo', PORTKEY_BASE_URL: mock.baseURL },
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '');
    if (example === 'admin.mjs') {
      assert.match(r.stdout, /^user: member@example\.com member$/m);
      assert.match(r.stdout, /^members: 1 member@example\.com \(admin\)$/m);
      assert.match(r.stdout, /^versions: 2$/m);
      assert.match(r.stdout, /^after delete: NotFoundError 404$/m);
    }
  });
}
