'use strict';
// Loads the private native addon `portkey.node` (built from bindings/node).
//
// The install script builds the addon from source when no binary is present; when it was
// skipped (`npm install --ignore-scripts`), the first load builds it once with
// scripts/install.cjs (cargo, output on stderr) rather than fail. A published package ships
// the binary and never gets here. PORTKEY_NO_AUTOBUILD=1 turns the fallback off.
const fs = require('node:fs');
const path = require('node:path');

const addonPath = path.join(__dirname, '..', 'portkey.node');

function build() {
  const { spawnSync } = require('node:child_process');
  const script = path.join(__dirname, '..', 'scripts', 'install.cjs');
  // The child's stdout goes to our stderr: the user's stdout stays theirs.
  const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 2, 2] });
  return r.status === 0;
}

let native;
try {
  if (!fs.existsSync(addonPath) && !process.env.PORTKEY_NO_AUTOBUILD) build();
  native = require(addonPath);
} catch (err) {
  const hint = !fs.existsSync(addonPath)
    ? 'The native addon is not built: run `npm run build` in the portkey-ai package '
      + '(it runs `cargo build --release -p portkey-node`).'
    : `The native addon at ${addonPath} failed to load.`;
  const e = new Error(`portkey-ai: ${hint} (${err && err.message})`);
  e.cause = err;
  throw e;
}

module.exports = native;
