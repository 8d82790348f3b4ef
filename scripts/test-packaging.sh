#!/usr/bin/env bash
# Installs the packages the way a user does, into throwaway places outside the repo, and uses
# them against the local control plane: `pip install ./python` into a fresh venv, and
# `npm install /path/to/node` into a fresh npm project. Both reuse target/release, so the Rust
# build is not repeated.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$(mktemp -d)
out="$scratch/mock.out"
./target/release/portkey-mock --port 0 --fixtures examples/fixtures.json >"$out" &
mock=$!
trap 'kill $mock 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$out" && break; sleep 0.05; done
export PORTKEY_BASE_URL="$(sed -n 's/^listening on //p' "$out" | head -n1)/v1" PORTKEY_API_KEY=pk-packaging

echo "== pip install ./python (fresh venv)"
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet ./python
(cd "$scratch" && "$scratch/venv/bin/python" - <<'PY'
import portkey_ai
from portkey_ai import Portkey

key = Portkey().api_keys.retrieve(id="f47ac10b-58cc-4372-a567-0e02b2c3d479")
assert key.name == "Development API Key", key
assert portkey_ai.__file__.startswith(__import__("sys").prefix), portkey_ai.__file__
print("python package ok:", key.key)
PY
)

echo "== npm install $root/node (fresh project)"
mkdir "$scratch/app"
cd "$scratch/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$root/node"
cat > check.mjs <<'JS'
import Portkey from 'portkey-ai';
const key = await new Portkey().apiKeys.retrieve({ id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' });
if (key.name !== 'Development API Key') throw new Error(JSON.stringify(key));
console.log('node package ok (ESM):', key.key);
JS
node check.mjs
node -e "const { Portkey } = require('portkey-ai'); new Portkey().virtualKeys.retrieve({ slug: 'main-openai-4f2a' }).then((vk) => console.log('node package ok (CJS):', vk.slug))"
