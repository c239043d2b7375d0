#!/usr/bin/env bash
# Builds the browser app and serves it with live reload: http://127.0.0.1:8080/
#   scripts/serve.sh                      (installs the tools first if needed)
#   HOST=0.0.0.0 PORT=9000 scripts/serve.sh
#   scripts/serve.sh --release            (extra arguments go to `trunk serve`)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# trunk runs offline with the pinned tools: wasm-opt from npm's binaryen, wasm-bindgen from cargo.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8080}"
echo "ZabScope: http://$HOST:$PORT/  (try ?servers=3&seed=42)"
exec trunk serve --address "$HOST" --port "$PORT" "$@"
