#!/usr/bin/env bash
# make demo: start the local control plane with the example fixtures and run the quickstart in
# Rust, Python and Node against it, then the docs' snippets of each area, printing what each gets.
# `--demo-data` adds a week of traffic (logs and feedback) for the analytics chart.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
./target/release/portkey-mock --port 0 --fixtures examples/fixtures.json --demo-data >"$out" &
mock=$!
trap 'kill $mock 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$out" && break
  sleep 0.05
done
root=$(sed -n 's/^listening on //p' "$out" | head -n1)
[ -n "$root" ] || { echo "portkey-mock did not start" >&2; exit 1; }

export PORTKEY_BASE_URL="$root/v1" PORTKEY_API_KEY=pk-local-demo
echo "local control plane: $PORTKEY_BASE_URL"

reset() { curl -sf -X POST "$root/__mock/reset" >/dev/null; }

echo; echo "== Rust (crates/portkey/examples/quickstart.rs)"
reset; ./target/release/examples/quickstart
echo; echo "== Python (python/examples/quickstart.py)"
reset; python/.venv/bin/python python/examples/quickstart.py
echo; echo "== Node (node/examples/quickstart.mjs)"
reset; node node/examples/quickstart.mjs

echo; echo "== Python, the admin API as the Portkey docs show it (python/examples/admin.py)"
reset; python/.venv/bin/python python/examples/admin.py
echo; echo "== Node, the admin API as the Portkey docs show it (node/examples/admin.mjs)"
reset; node node/examples/admin.mjs

echo; echo "== Python, integrations and providers as the Portkey docs show them (python/examples/integrations.py)"
reset; python/.venv/bin/python python/examples/integrations.py
echo; echo "== Node, integrations and providers as the Portkey docs show them (node/examples/integrations.mjs)"
reset; node node/examples/integrations.mjs

echo; echo "== Python, prompts as the Portkey docs show them, with a streamed completion (python/examples/prompts.py)"
reset; python/.venv/bin/python python/examples/prompts.py
echo; echo "== Node, prompts as the Portkey docs show them, with a streamed completion (node/examples/prompts.mjs)"
reset; node node/examples/prompts.mjs

echo; echo "== Python, logs and feedback as the Portkey docs show them (python/examples/logs.py)"
reset; python/.venv/bin/python python/examples/logs.py
echo; echo "== Node, logs and feedback as the Portkey docs show them (node/examples/logs.mjs)"
reset; node node/examples/logs.mjs

echo; echo "== Python, cost per day from the analytics API, over the demo week (python/examples/analytics.py)"
reset; python/.venv/bin/python python/examples/analytics.py --text
