#!/usr/bin/env node
// Makes sure the native addon `portkey.node` sits next to the package's JS.
//
// A published tarball may ship the binary; a checkout or `npm install /path/to/node` does not,
// so this builds it from the Rust workspace the package lives in (`cargo build --release -p
// portkey-node`) and copies `libportkey_node.so` (.dylib / .dll elsewhere) here as
// `portkey.node`. `--force` rebuilds even when the binary exists (`npm run build`).
//
// The workspace is found by walking up from this file's real path (npm links local directories,
// and the link's target is the checkout), or from PORTKEY_SOURCE_DIR when the package was
// copied out of it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = fs.realpathSync(path.join(__dirname, '..'));
const target = path.join(pkgDir, 'portkey.node');
const force = process.argv.includes('--force');

if (!force && fs.existsSync(target)) process.exit(0);

function findWorkspace() {
  const starts = [process.env.PORTKEY_SOURCE_DIR, pkgDir].filter(Boolean);
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      const manifest = path.join(dir, 'Cargo.toml');
      if (fs.existsSync(manifest) && /^\[workspace\]/m.test(fs.readFileSync(manifest, 'utf8'))
          && fs.existsSync(path.join(dir, 'bindings', 'node', 'Cargo.toml'))) {
        return dir;
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

function fail(message) {
  console.error(`portkey-ai: ${message}`);
  process.exit(1);
}

const workspace = findWorkspace();
if (!workspace) {
  fail('no prebuilt portkey.node and no Rust workspace to build it from; set PORTKEY_SOURCE_DIR '
    + 'to a checkout of the SDK (with cargo installed) and reinstall');
}

console.error(`portkey-ai: building the native addon in ${workspace} (cargo build --release -p portkey-node)`);
const built = spawnSync('cargo', ['build', '--release', '-p', 'portkey-node'], { cwd: workspace, stdio: 'inherit' });
if (built.error) fail(`could not run cargo: ${built.error.message}`);
if (built.status !== 0) fail(`cargo build failed with status ${built.status}`);

// Cargo honours CARGO_TARGET_DIR; otherwise the workspace's own target/.
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(workspace, process.env.CARGO_TARGET_DIR)
  : path.join(workspace, 'target');
const libName = {
  darwin: 'libportkey_node.dylib',
  win32: 'portkey_node.dll',
}[process.platform] || 'libportkey_node.so';
const lib = path.join(targetDir, 'release', libName);
if (!fs.existsSync(lib)) fail(`cargo finished but ${lib} is missing`);
// Copy to a temporary name then rename: a running process that has the old addon mapped keeps
// its inode, and no reader ever sees a half-written file.
const tmp = `${target}.${process.pid}.tmp`;
fs.copyFileSync(lib, tmp);
fs.renameSync(tmp, target);
console.error(`portkey-ai: installed ${target}`);
