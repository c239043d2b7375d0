#!/usr/bin/env bash
# Installs, idempotently, every tool ZabScope needs on a fresh Debian machine that has only
# rustup, node and apt. Nothing here downloads a prebuilt binary: tools come from crates.io,
# npm and Debian, pinned (see ../shared/docs/toolchain.md for why these versions).
#   scripts/setup.sh          native + wasm build tools
#   scripts/setup.sh browser  also Chromium + chromedriver + playwright-core (for browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Tools installed by `cargo install` land here; a fresh login shell may not have it on PATH yet.
export PATH="$HOME/.cargo/bin:$PATH"

# The toolchain pinned by rust-toolchain.toml (a no-op when it is already installed).
rustup toolchain install >/dev/null

# The wasm target: rustup does not add it to an already-installed toolchain by itself.
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

installed_version() { "$1" --version 2>/dev/null | awk '{print $2}'; }

if [ "$(installed_version trunk)" != "$TRUNK_VERSION" ]; then
  say "building trunk $TRUNK_VERSION from crates.io (about 10 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ] ||
   [ "$(installed_version wasm-bindgen-test-runner)" != "$WASM_BINDGEN_VERSION" ]; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (once)"
  # No --locked: one locked dependency of this version is missing from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt (binaryen 132), playwright-core and axe-core come from npm, pinned by package-lock.json.
if [ ! -x node_modules/.bin/wasm-opt ] || { [ "${1:-}" = browser ] &&
   { [ ! -d node_modules/playwright-core ] || [ ! -f node_modules/axe-core/axe.min.js ]; }; }; then
  say "installing npm tools (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = browser ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
say "tools ready"
